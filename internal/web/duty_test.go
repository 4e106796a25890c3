package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// dutyEnv: county A's term with two members of 教育界, each with a member
// account; 钱委员 filed a proposal in 2024 and attended nothing else.
func dutyEnv(t *testing.T) (*env, member.Member, member.Member) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-01-10")})
	if err != nil {
		t.Fatal(err)
	}
	edu, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "教育界"})
	if err != nil {
		t.Fatal(err)
	}
	var ms []member.Member
	for i, name := range []string{"钱委员", "孙委员"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: term.ID, SectorID: edu.ID, StartDate: term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "wy" + id(int64(i)), DisplayName: name,
			Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: m.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	if err := e.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordDuty(ctx, store.DutyEvent{CommitteeID: e.countyA.ID, MemberID: ms[0].ID, Kind: store.DutyProposalLead,
			OccurredOn: app.MustDate("2024-03-17"), Source: store.SourceProposal, SourceID: 77},
			store.DutyEvent{CommitteeID: e.countyA.ID, MemberID: ms[1].ID, Kind: store.DutyProposalCosigner,
				OccurredOn: app.MustDate("2024-03-17"), Source: store.SourceProposal, SourceID: 77})
	}); err != nil {
		t.Fatal(err)
	}
	return e, ms[0], ms[1]
}

func TestDutyPages(t *testing.T) {
	e, qian, sun := dutyEnv(t)
	office := e.login("office-a")
	code, page := office.get("/duty/members/" + id(qian.ID) + "?year=2024")
	if code != http.StatusOK || !strings.Contains(page, `<dd id="total">15</dd>`) || !strings.Contains(page, `href="/proposals/77"`) ||
		!strings.Contains(page, "第1名（共2人）") || !strings.Contains(page, "提出提案（第一提案人）") {
		t.Fatalf("file: %d\n%s", code, page)
	}
	code, page = office.get("/duty?year=2024")
	if code != http.StatusOK || !strings.Contains(page, "钱委员") || !strings.Contains(page, `href="/duty/members/`+id(sun.ID)+`?year=2024"`) {
		t.Fatalf("ranking: %d\n%s", code, page)
	}
	res, err := office.http.Get(e.srv.URL + "/duty/ranking.xlsx?year=2024")
	if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("ranking workbook: %v %v", res, err)
	}
	res.Body.Close()

	// A member: its own file at /me/duty and by id; another's is not found; /duty lands on its own.
	mc := e.login("wy0")
	if code, page := mc.get("/me/duty?year=2024"); code != http.StatusOK || !strings.Contains(page, `<dd id="total">15</dd>`) {
		t.Fatalf("own file: %d\n%s", code, page)
	}
	if code, _ := mc.get("/duty/members/" + id(sun.ID) + "?year=2024"); code != http.StatusNotFound {
		t.Fatalf("another member's file: %d", code)
	}
	if code, _ := mc.get("/duty?year=2024"); code != http.StatusSeeOther {
		t.Fatalf("member's /duty lands on /me/duty: %d", code)
	}
	if code := mc.api("GET", "/api/v1/duty/ranking?year=2024", nil, nil); code != http.StatusForbidden {
		t.Fatalf("member ranking API: %d", code)
	}
	if code, _ := e.login("office-b").get("/duty/members/" + id(qian.ID) + "?year=2024"); code != http.StatusNotFound {
		t.Fatalf("county B reads county A's file: %d", code)
	}

	// The rules form: a bad value and a duplicate are refused per row (422);
	// a good set changes the file at once.
	form := url.Values{"from_year": {"2024"}, "kind": {"proposal_lead", "proposal_lead", "proposal_cosigner"},
		"meeting": {"", "", ""}, "points": {"abc", "20", "3"}, "standing": {"", "", ""}}
	res = office.post("/duty/rules", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "分值“abc”不是数字") {
		t.Fatalf("bad rules: %d\n%s", res.StatusCode, b)
	}
	form["kind"] = []string{"proposal_lead", "proposal_cosigner"}
	form["points"] = []string{"20", "3"}
	form["meeting"], form["standing"] = []string{"", ""}, []string{"", ""}
	if res := office.post("/duty/rules", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save rules: %d %s", res.StatusCode, body(res))
	}
	res = office.post("/duty/rules", url.Values{"from_year": {"2023"}, "kind": {"proposal_lead"}, "meeting": {""}, "points": {"5"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "重叠") {
		t.Fatalf("overlap: %d\n%s", res.StatusCode, b)
	}
	if _, page := office.get("/duty/members/" + id(qian.ID) + "?year=2024"); !strings.Contains(page, `<dd id="total">20</dd>`) {
		t.Fatalf("after the rule change:\n%s", page)
	}
	for _, p := range []string{"/duty/rules", "/duty/rules/new"} {
		if code, page := office.get(p); code != http.StatusOK || !strings.Contains(page, "提出提案（第一提案人）") {
			t.Fatalf("%s: %d\n%s", p, code, page)
		}
	}
	if code, _ := e.login("leader-a").get("/duty/rules/new"); code != http.StatusForbidden {
		t.Fatalf("leader edits rules: %d", code)
	}
	var f store.DutyFile
	if code := office.api("GET", "/api/v1/duty/members/"+id(qian.ID)+"?year=2024", nil, &f); code != http.StatusOK ||
		f.Total.String() != "20" || len(f.Events) != 1 || f.Events[0].Link.Page != "proposal" {
		t.Fatalf("file API: %d %+v", code, f)
	}
	var rs store.DutyRuleSet
	if code := office.api("GET", "/api/v1/duty/rules?year=2025", nil, &rs); code != http.StatusOK || rs.ID == 0 || len(rs.Rules.Rules) != 2 {
		t.Fatalf("rules API: %d %+v", code, rs)
	}
	if code := mc.api("PUT", "/api/v1/duty/rules", rs.Rules, nil); code != http.StatusForbidden {
		t.Fatalf("member PUT rules: %d", code)
	}
}
