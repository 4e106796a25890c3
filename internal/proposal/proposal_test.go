package proposal

import (
	"testing"

	"xieshang/internal/app"
)

func TestGraphIsValidAndFollowsTheLifecycle(t *testing.T) {
	g := Graph()
	if errs := g.Validate(Roles, Requirements); len(errs) != 0 {
		t.Fatalf("built-in graph: %v", errs)
	}
	path := []string{Draft, Cosigning, Submitted, Filed, Assigned, Accepted, Replied, ReplyReturned, Replied, Rated, Closed}
	for i := 1; i < len(path); i++ {
		found := false
		for _, tr := range g.Transitions {
			if tr.From == path[i-1] && tr.To == path[i] {
				found = true
			}
		}
		if !found {
			t.Errorf("no transition %s → %s", path[i-1], path[i])
		}
	}
	// Who may take what: a member does not file, a unit does not rate, the office does not rate for the proposer.
	for _, c := range []struct{ from, to, role string }{
		{Submitted, Filed, "member"}, {Replied, Rated, "unit"}, {Filed, Assigned, "unit"}, {Assigned, ReturnAsked, "office"},
	} {
		if _, err := g.Check(c.from, c.to, c.role); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("%s may take %s → %s: %v", c.role, c.from, c.to, err)
		}
	}
	if _, err := g.Check(Submitted, Closed, "office"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("submitted → closed allowed: %v", err)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		term, session, seq int
		want               string
	}{
		{13, 4, 123, "第十三届第四次会议第0123号"},
		{10, 1, 1, "第十届第一次会议第0001号"},
		{14, 2, 10234, "第十四届第二次会议第10234号"},
	} {
		if got := Number(c.term, c.session, c.seq); got != c.want {
			t.Errorf("Number(%d, %d, %d) = %s, want %s", c.term, c.session, c.seq, got, c.want)
		}
	}
}

func TestRulesDeadlines(t *testing.T) {
	r := DefaultRules()
	if got := r.ReplyDeadline(app.MustDate("2026-03-15")); got != app.MustDate("2026-06-15") {
		t.Errorf("reply deadline %v", got)
	}
	if got := r.CosignDeadline(app.MustDate("2026-01-10")); got != app.MustDate("2026-01-25") {
		t.Errorf("co-sign deadline %v", got)
	}
}

func TestCheckReply(t *testing.T) {
	if errs := CheckReply(GradeB, "", true); len(errs) != 0 {
		t.Errorf("B with a document: %v", errs)
	}
	if errs := CheckReply(GradeC, "", true); errs.Get("reason") == "" {
		t.Error("C without a reason")
	}
	if errs := CheckReply("", "", false); errs.Get("grade") == "" || errs.Get("document") == "" {
		t.Errorf("no grade, no document: %v", errs)
	}
	if GradeA.Label() != "A类（已解决或采纳）" || !FairlySatisfied.Valid() || Satisfaction("ok").Valid() ||
		FairlySatisfied.Label() != "基本满意" || Phone.Label() != "电话沟通" {
		t.Error("labels")
	}
}

// Adopted reports score in full alone, half shared or merged, a quarter both.
func TestShare(t *testing.T) {
	for _, c := range []struct {
		co     int
		merged bool
		want   int
	}{{0, false, 4}, {2, false, 2}, {0, true, 2}, {1, true, 1}} {
		if got := Share(c.co, c.merged); got != c.want {
			t.Errorf("Share(%d, %v) = %d quarters, want %d", c.co, c.merged, got, c.want)
		}
	}
	if Province.Label() != "省级采用" || len(Levels) != 4 {
		t.Error("levels")
	}
}

func TestRulesValidate(t *testing.T) {
	if errs := DefaultRules().Validate(); len(errs) != 0 {
		t.Errorf("default rules: %v", errs)
	}
	bad := Rules{CosignDays: 0, ReplyMonths: 13, SignDays: 31, ReportRoles: []string{"unit"}}
	errs := bad.Validate()
	for _, f := range []string{"cosign_days", "reply_months", "sign_days", "report_roles"} {
		if errs.Get(f) == "" {
			t.Errorf("%s accepted: %v", f, errs)
		}
	}
	if got := DefaultRules().SignDeadline(app.MustDate("2026-03-28")); got != app.MustDate("2026-04-04") {
		t.Errorf("sign deadline %v", got)
	}
}

func TestInputValidate(t *testing.T) {
	ok := Input{TermID: 1, Session: 4, Title: "关于加快农村公路养护的建议", AuthorKind: ByMember, MemberID: 7, Category: "经济建设"}
	ok.Normalize()
	if errs := ok.Validate(); len(errs) != 0 {
		t.Errorf("valid input: %v", errs)
	}
	for _, c := range []struct {
		name  string
		in    Input
		field string
	}{
		{"no title", Input{TermID: 1, Session: 4, MemberID: 7}, "title"},
		{"no term", Input{Session: 4, Title: "x", MemberID: 7}, "term_id"},
		{"session 0", Input{TermID: 1, Title: "x", MemberID: 7}, "session"},
		{"no proposer", Input{TermID: 1, Session: 4, Title: "x"}, "member_id"},
		{"unknown category", Input{TermID: 1, Session: 4, Title: "x", MemberID: 7, Category: "杂项"}, "category"},
		{"group without sector", Input{TermID: 1, Session: 4, Title: "x", AuthorKind: ByGroup, GroupKind: GroupSector}, "sector_id"},
		{"group of no kind", Input{TermID: 1, Session: 4, Title: "x", AuthorKind: ByGroup}, "group_kind"},
		{"party without name", Input{TermID: 1, Session: 4, Title: "x", AuthorKind: ByGroup, GroupKind: GroupParty}, "group_name"},
		{"odd author", Input{TermID: 1, Session: 4, Title: "x", AuthorKind: "alien"}, "author_kind"},
	} {
		in := c.in
		in.Normalize()
		if errs := in.Validate(); errs.Get(c.field) == "" {
			t.Errorf("%s: %s not refused: %v", c.name, c.field, errs)
		}
	}
	g := Input{AuthorKind: ByGroup, GroupKind: GroupSector, SectorID: 3, MemberID: 9, SpecialCommitteeID: 4}
	g.Normalize()
	if g.MemberID != 0 || g.SpecialCommitteeID != 0 || g.SectorID != 3 {
		t.Errorf("group normalize: %+v", g)
	}
}
