package org_test

import (
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

func TestNumeral(t *testing.T) {
	cases := map[int]string{0: "零", 1: "一", 9: "九", 10: "十", 11: "十一", 13: "十三", 20: "二十", 21: "二十一",
		99: "九十九", 100: "一百", 10000: "10000", -1: "-1"}
	for n, want := range cases {
		if got := org.Numeral(n); got != want {
			t.Errorf("Numeral(%d) = %q, want %q", n, got, want)
		}
	}
	if got := (org.Term{Number: 13}).Label(); got != "第十三届" {
		t.Errorf("Label = %q", got)
	}
}

func term(id int64, n int, start, end string) org.Term {
	t := org.Term{ID: id, Number: n, StartDate: app.MustDate(start)}
	if end != "" {
		t.EndDate = app.MustDate(end)
	}
	return t
}

func TestTermOverlaps(t *testing.T) {
	cases := []struct {
		name string
		a, b org.Term
		want bool
	}{
		{"disjoint", term(1, 12, "2017-01-08", "2022-01-09"), term(2, 13, "2022-01-10", ""), false},
		{"shared last day", term(1, 12, "2017-01-08", "2022-01-10"), term(2, 13, "2022-01-10", ""), true},
		{"open before later", term(1, 12, "2017-01-08", ""), term(2, 13, "2022-01-10", "2027-01-09"), true},
		{"open after earlier", term(1, 13, "2022-01-10", ""), term(2, 12, "2017-01-08", "2022-01-09"), false},
		{"inside", term(1, 12, "2017-01-08", "2022-01-09"), term(2, 13, "2018-01-01", "2018-12-31"), true},
		{"both open", term(1, 12, "2017-01-08", ""), term(2, 13, "2022-01-10", ""), true},
	}
	for _, c := range cases {
		if got := c.a.Overlaps(c.b); got != c.want {
			t.Errorf("%s: a.Overlaps(b) = %v, want %v", c.name, got, c.want)
		}
		if got := c.b.Overlaps(c.a); got != c.want {
			t.Errorf("%s: b.Overlaps(a) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckTerm(t *testing.T) {
	others := []org.Term{term(1, 11, "2012-01-08", "2017-01-07"), term(2, 12, "2017-01-08", "2022-01-09")}
	open := []org.Term{term(2, 12, "2017-01-08", "")}
	in := func(n int, start, end string) org.TermInput {
		i := org.TermInput{Number: n, StartDate: app.MustDate(start)}
		if end != "" {
			i.EndDate = app.MustDate(end)
		}
		return i
	}
	cases := []struct {
		name   string
		in     org.TermInput
		self   int64
		others []org.Term
		field  string // "" for no error
		msg    string
	}{
		{"next term", in(13, "2022-01-10", ""), 0, others, "", ""},
		{"duplicate number", in(12, "2022-01-10", ""), 0, others, "number", "第十二届已存在"},
		{"overlap", in(13, "2021-06-01", ""), 0, others, "start_date", "与第十二届（2017-01-08 至 2022-01-09）时间重叠"},
		{"previous still open", in(13, "2022-01-10", ""), 0, open, "start_date", "与第十二届（2017-01-08 起）时间重叠，请先填写第十二届的结束日期"},
		{"number out of order", in(10, "2022-01-10", ""), 0, others, "number", "届次应与时间先后一致：第十一届开始于2012-01-08"},
		{"editing itself", in(12, "2017-01-08", "2022-01-09"), 2, others, "", ""},
		{"close the open one", in(12, "2017-01-08", "2022-01-09"), 2, open, "", ""},
		{"end before start", in(13, "2022-01-10", "2021-01-01"), 0, others, "end_date", "结束日期应晚于开始日期"},
		{"no start", org.TermInput{Number: 13}, 0, others, "start_date", "请填写本届开始日期"},
		{"number zero", in(0, "2022-01-10", ""), 0, nil, "number", "届次应在1至99之间"},
	}
	for _, c := range cases {
		errs := org.CheckTerm(c.in, c.self, c.others)
		if c.field == "" {
			if len(errs) != 0 {
				t.Errorf("%s: errs = %v, want none", c.name, errs)
			}
			continue
		}
		if got := errs.Get(c.field); got != c.msg {
			t.Errorf("%s: %s = %q, want %q (all: %v)", c.name, c.field, got, c.msg, errs)
		}
	}
}

func TestWrittenName(t *testing.T) {
	for _, c := range []struct {
		o    org.Org
		want string
	}{
		{org.Org{Name: "政协明湖市委员会", ShortName: "市政协"}, "市政协"},
		{org.Org{Name: "明湖市政协"}, "明湖市政协"},
	} {
		if got := c.o.WrittenName(); got != c.want {
			t.Errorf("%+v.WrittenName() = %q, want %q", c.o, got, c.want)
		}
	}
}
