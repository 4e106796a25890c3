package org

import (
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Term is a committee's term of office (届), e.g. 第十三届, usually five years.
type Term struct {
	ID          int64    `json:"id"`
	CommitteeID int64    `json:"committee_id"`
	Number      int      `json:"number"`
	StartDate   app.Date `json:"start_date"`
	EndDate     app.Date `json:"end_date"` // zero while the term runs
}

// Covers reports whether day falls within the term.
func (t Term) Covers(day app.Date) bool {
	if day.Before(t.StartDate) {
		return false
	}
	return t.EndDate.IsZero() || !day.After(t.EndDate)
}

// TermInput is what a form supplies for a term.
type TermInput struct {
	Number    int      `json:"number"`
	StartDate app.Date `json:"start_date"`
	EndDate   app.Date `json:"end_date"`
}

// Validate checks a term's fields.
func (in TermInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.Number < 1 || in.Number > 99 {
		errs.Add("number", "届次应在1至99之间")
	}
	if in.StartDate.IsZero() {
		errs.Add("start_date", "请填写本届开始日期")
	}
	if !in.EndDate.IsZero() && !in.StartDate.IsZero() && !in.EndDate.After(in.StartDate) {
		errs.Add("end_date", "结束日期应晚于开始日期")
	}
	return errs
}

// Sector is a 界别, a grouping of members (中共, 民革, 工商联, 教育界 …).
type Sector struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	Name        string `json:"name"`
	Sort        int    `json:"sort"`
}

// SpecialCommittee is a 专门委员会 (提案委员会, 经济委员会 …).
type SpecialCommittee struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	Name        string `json:"name"`
	Sort        int    `json:"sort"`
}

// NamedInput is what a form supplies for a sector or special committee.
type NamedInput struct {
	Name string `json:"name"`
	Sort int    `json:"sort"`
}

// Validate checks a sector's or special committee's fields.
func (in *NamedInput) Validate() app.FieldErrors {
	in.Name = strings.TrimSpace(in.Name)
	var errs app.FieldErrors
	if in.Name == "" {
		errs.Add("name", "名称不能为空")
	} else if utf8.RuneCountInString(in.Name) > 40 {
		errs.Add("name", "名称不能超过40个字")
	}
	if in.Sort < 0 || in.Sort > 100000 {
		errs.Add("sort", "排序号应在0至100000之间")
	}
	return errs
}

// DefaultSectors are the sectors a new committee usually starts with.
var DefaultSectors = []string{
	"中国共产党", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社",
	"无党派人士", "共青团", "工会", "妇联", "工商联", "科协", "台联",
	"文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "教育界",
	"体育界", "新闻出版界", "医药卫生界", "对外友好界", "社会福利和社会保障界",
	"少数民族界", "宗教界", "特邀人士",
}

// DefaultSpecialCommittees are the special committees a new committee usually has.
var DefaultSpecialCommittees = []string{
	"提案委员会", "经济委员会", "农业和农村委员会", "人口资源环境委员会",
	"教科卫体委员会", "社会和法制委员会", "民族宗教委员会",
	"港澳台侨和外事委员会", "文化文史和学习委员会",
}

// Label is the term's name, e.g. 第十三届.
func (t Term) Label() string { return "第" + Numeral(t.Number) + "届" }

// Span is the term's dates for people: '2022-01-10 至 2027-01-09', or
// '2022-01-10 起' while it runs.
func (t Term) Span() string {
	if t.EndDate.IsZero() {
		return t.StartDate.String() + " 起"
	}
	return t.StartDate.String() + " 至 " + t.EndDate.String()
}

// Overlaps reports whether two terms share at least one day. Both ends are
// inclusive; an unset end date runs on indefinitely.
func (t Term) Overlaps(u Term) bool {
	tEndsBefore := !t.EndDate.IsZero() && t.EndDate.Before(u.StartDate)
	uEndsBefore := !u.EndDate.IsZero() && u.EndDate.Before(t.StartDate)
	return !tEndsBefore && !uEndsBefore
}

// CheckTerm validates a term against the committee's other terms (self is the
// id of the term being edited, 0 for a new one): numbers are unique, terms do
// not overlap, and a later number starts later.
func CheckTerm(in TermInput, self int64, others []Term) app.FieldErrors {
	errs := in.Validate()
	if len(errs) > 0 {
		return errs
	}
	cand := Term{ID: self, Number: in.Number, StartDate: in.StartDate, EndDate: in.EndDate}
	add := func(field, msg string) { // one message per field is enough
		if errs.Get(field) == "" {
			errs.Add(field, msg)
		}
	}
	for _, o := range others {
		if o.ID == self {
			continue
		}
		switch {
		case o.Number == in.Number:
			add("number", o.Label()+"已存在")
		case cand.Overlaps(o):
			if o.EndDate.IsZero() && o.StartDate.Before(in.StartDate) {
				add("start_date", "与"+o.Label()+"（"+o.Span()+"）时间重叠，请先填写"+o.Label()+"的结束日期")
			} else {
				add("start_date", "与"+o.Label()+"（"+o.Span()+"）时间重叠")
			}
		case (o.Number < in.Number) != o.StartDate.Before(in.StartDate):
			add("number", "届次应与时间先后一致："+o.Label()+"开始于"+o.StartDate.String())
		}
	}
	return errs
}

// Numeral writes n in Chinese as terms, sessions and fractions are numbered
// (第十三届, 四次会议, 三分之二), for 0–9999:
//
//	1 一, 10 十, 11 十一, 20 二十, 99 九十九,
//	100 一百, 105 一百零五, 110 一百一十, 115 一百一十五, 200 二百,
//	1001 一千零一, 1010 一千零一十, 1100 一千一百, 2000 二千.
//
// A leading 一 is dropped only before 十 (十三, not 一十三); inside a larger
// number the tens are written in full (一百一十). A run of zeros between
// non-zero digits is one 零, trailing zeros are not written, and 二 is used
// throughout (二百, 二千; never 两, which these titles do not use).
// Numbers outside 0–9999 stay in digits.
func Numeral(n int) string {
	digits := [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 0 || n > 9999:
		return app.Itoa(int64(n))
	case n < 10:
		return digits[n]
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + digits[n-10]
	}
	places := [...]int{1000, 100, 10, 1}
	units := [...]string{"千", "百", "十", ""}
	var b strings.Builder
	started, gap := false, false
	for i, p := range places {
		d := n / p % 10
		if d == 0 {
			gap = started // a zero after the first digit: 零 if a digit follows
			continue
		}
		if gap {
			b.WriteString("零")
			gap = false
		}
		b.WriteString(digits[d])
		b.WriteString(units[i])
		started = true
	}
	return b.String()
}
