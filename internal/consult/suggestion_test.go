package consult

import (
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
)

func TestSuggestionValidate(t *testing.T) {
	ok := Suggestion{Title: "公交线路优化", Content: "建议增开城区至开发区的公交线路。"}
	for _, c := range []struct {
		name  string
		edit  func(s *Suggestion)
		field string
		want  string
	}{
		{"ok", func(*Suggestion) {}, "", ""},
		{"ok with name, phone and two links", func(s *Suggestion) {
			s.Name, s.Phone = "<script>alert(1)</script>", "0635-8888888"
			s.Content += " 参见 https://a.example/x 和 www.b.example"
		}, "", ""},
		{"empty title", func(s *Suggestion) { s.Title = "" }, "title", "请填写建议题目"},
		{"long title", func(s *Suggestion) { s.Title = strings.Repeat("题", 81) }, "title", "不能超过80个字"},
		{"link in title", func(s *Suggestion) { s.Title = "见 http://spam.example" }, "title", "网址链接"},
		{"empty content", func(s *Suggestion) { s.Content = "" }, "content", "请填写建议内容"},
		{"short content", func(s *Suggestion) { s.Content = "好" }, "content", "至少10个字"},
		{"long content", func(s *Suggestion) { s.Content = strings.Repeat("字", 2001) }, "content", "不能超过2000个字"},
		{"three links", func(s *Suggestion) {
			s.Content += " http://a.example https://b.example www.c.example"
		}, "content", "不能超过2个"},
		{"www after scheme counts once", func(s *Suggestion) {
			s.Content += " https://www.a.example http://www.b.example"
		}, "", ""},
		{"control character", func(s *Suggestion) { s.Content += "\x00" }, "content", "无效字符"},
		{"invalid utf-8", func(s *Suggestion) { s.Title = "\xff\xfe" }, "title", "无效字符"},
		{"long name", func(s *Suggestion) { s.Name = strings.Repeat("名", 41) }, "name", "不能超过40个字"},
		{"bad phone", func(s *Suggestion) { s.Phone = "call me" }, "phone", "联系电话"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			c.edit(&s)
			errs := s.Validate()
			if c.field == "" {
				if len(errs) > 0 {
					t.Fatalf("errors %v", errs)
				}
				return
			}
			if got := errs.Get(c.field); !strings.Contains(got, c.want) {
				t.Fatalf("%s = %q, want %q (all: %v)", c.field, got, c.want, errs)
			}
		})
	}
}

func TestSuggestionToken(t *testing.T) {
	key := []byte("k1")
	served := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tok := SuggestionToken(key, 7, served)
	for _, c := range []struct {
		name  string
		key   []byte
		id    int64
		token string
		now   time.Time
		want  string
	}{
		{"fine after ten seconds", key, 7, tok, served.Add(10 * time.Second), ""},
		{"too fast", key, 7, tok, served.Add(time.Second), "提交过快"},
		{"too old", key, 7, tok, served.Add(25 * time.Hour), "超过一天"},
		{"other campaign", key, 8, tok, served.Add(10 * time.Second), "表单已失效"},
		{"other key", []byte("k2"), 7, tok, served.Add(10 * time.Second), "表单已失效"},
		{"forged time", key, 7, "1." + strings.SplitN(tok, ".", 2)[1], served.Add(10 * time.Second), "表单已失效"},
		{"empty", key, 7, "", served, "表单已失效"},
		{"garbage", key, 7, "abc", served, "表单已失效"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSuggestionToken(c.key, c.id, c.token, c.now)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestHashAddress(t *testing.T) {
	a, b := HashAddress([]byte("k"), "10.0.0.1"), HashAddress([]byte("k"), "10.0.0.2")
	if a == b || len(a) != 32 || a != HashAddress([]byte("k"), "10.0.0.1") || a == HashAddress([]byte("j"), "10.0.0.1") {
		t.Fatalf("hashes %q %q", a, b)
	}
	if strings.Contains(a, "10.0") {
		t.Fatal("hash shows the address")
	}
}

func TestCampaignWindow(t *testing.T) {
	c := Campaign{OrgID: 1, Year: 2026, Title: "征集", OpensOn: app.MustDate("2026-03-01"), ClosesOn: app.MustDate("2026-03-31")}
	if errs := c.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	for day, want := range map[string]string{
		"2026-02-28": "将于2026年3月1日开始",
		"2026-03-01": "",
		"2026-03-31": "",
		"2026-04-01": "已于2026年3月31日截止",
	} {
		open, why := c.Window(app.MustDate(day))
		if open != (want == "") || !strings.Contains(why, want) {
			t.Errorf("%s: open %v %q, want %q", day, open, why, want)
		}
	}
	bad := Campaign{Year: 1999, OpensOn: app.MustDate("2026-03-02"), ClosesOn: app.MustDate("2026-03-01")}
	errs := bad.Validate()
	for _, f := range []string{"org_id", "year", "title", "closes_on"} {
		if errs.Get(f) == "" {
			t.Errorf("no error for %s: %v", f, errs)
		}
	}
}

func TestDiffPlan(t *testing.T) {
	before := []PlanItem{
		{TopicID: 1, Title: "停车", Form: Thematic, Month: 5},
		{TopicID: 2, Title: "饮水", Form: Grassroots, Month: 3},
		{TopicID: 3, Title: "养老", Form: Counterpart, LeadCommittee: "社法委", Month: 9},
	}
	after := []PlanItem{
		{TopicID: 1, Title: "停车", Form: Thematic, Month: 7},
		{TopicID: 3, Title: "居家养老", Form: Sector, Month: 9},
		{TopicID: 4, Title: "营商", Form: Online, Month: 11},
	}
	got := strings.Join(DiffPlan(before, after), "；")
	want := "“停车”：计划月份5月→7月；“养老”：名称改为“居家养老”，协商形式对口协商→界别协商，牵头专委会社法委→无；" +
		"增加“营商”（网络议政，11月）；删除“饮水”"
	if got != want {
		t.Fatalf("diff\n got %s\nwant %s", got, want)
	}
	if d := DiffPlan(before, before); len(d) != 0 {
		t.Fatalf("no change: %v", d)
	}
}

func TestPlanItemInputValidate(t *testing.T) {
	in := PlanItemInput{Form: Thematic, Month: 6}
	if errs := in.Validate(false); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := in.Validate(true); errs.Get("reason") == "" {
		t.Fatal("adopted plan: no reason required")
	}
	bad := PlanItemInput{Form: "x", Month: 0, Reason: strings.Repeat("因", 501)}
	errs := bad.Validate(false)
	for _, f := range []string{"form", "month", "reason"} {
		if errs.Get(f) == "" {
			t.Errorf("no error for %s", f)
		}
	}
	if PlanTitle("东阿县政协", 2026) != "《东阿县政协2026年度协商工作计划（草案）》" {
		t.Fatal(PlanTitle("东阿县政协", 2026))
	}
}

// FuzzSuggestionValidate: any input validates without panicking, and a
// suggestion that passes keeps within the limits the database relies on.
func FuzzSuggestionValidate(f *testing.F) {
	f.Add("公交线路优化", "建议增开城区至开发区的公交线路。", "张三", "0635-1234567")
	f.Add("<script>alert(1)</script>", "http://a http://b http://c", "", "")
	f.Add("", "\x00\xff", "名", "+86")
	f.Fuzz(func(t *testing.T, title, content, name, phone string) {
		s := Suggestion{Title: title, Content: content, Name: name, Phone: phone}
		s.Normalize()
		if len(s.Validate()) > 0 {
			return
		}
		in := TopicInput{OrgID: 1, Year: 2026, Title: s.Title, Description: s.Content, Source: FromPublic,
			SourceName: s.Name, SourcePhone: s.Phone}
		if errs := in.Validate(); len(errs) > 0 {
			t.Fatalf("valid suggestion %+v is not a valid topic: %v", s, errs)
		}
		if CountLinks(s.Title) > 0 || CountLinks(s.Content) > SuggestionMaxLinks {
			t.Fatalf("links let through: %+v", s)
		}
	})
}
