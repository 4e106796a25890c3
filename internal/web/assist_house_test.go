package web_test

import (
	"context"
	"fmt"
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

// TestHouseholdMaskingAccessAndAuditThroughWebAndAPI: identity numbers and
// phones are masked on the pages and in the API for supervisors; the paired
// cadre sees them on an explicit reveal with a reason; a cadre of another
// township gets 404; every view is in the audit log.
func TestHouseholdMaskingAccessAndAuditThroughWebAndAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	town2, err := e.db.CreateOrg(ctx, app.System, org.Input{ParentID: e.countyA.ID, Kind: org.Township, Name: "乙镇"})
	if err != nil {
		t.Fatal(err)
	}
	paired := e.account("cadre-paired", auth.Cadre, e.town.ID)
	e.account("cadre-other", auth.Cadre, town2.ID)
	c, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: e.town.ID, Name: "甲干部", AccountID: paired.ID})
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "刘大娘",
		Phone: "13912345678", RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	id := member.MakeIDNumber("371524", app.MustDate("2015-03-04"), 12)
	p, err := e.db.AddHouseholdPerson(ctx, app.System, h.ID, store.PersonInput{Name: "小明", IDNumber: id,
		Categories: []string{"orphan"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreatePairing(ctx, app.System, store.PairingInput{CadreID: c.ID, HouseholdID: h.ID,
		StartsOn: app.MustDate("2024-02-01")}); err != nil {
		t.Fatal(err)
	}
	masked := id[:6] + "********" + id[14:]
	path := fmt.Sprintf("/households/%d", h.ID)

	office := e.login("office-a")
	code, page := office.get(path)
	if code != 200 || !strings.Contains(page, masked) || strings.Contains(page, id) || !strings.Contains(page, "139****5678") ||
		strings.Contains(page, "13912345678") || strings.Contains(page, "查看完整信息</button>") {
		t.Fatalf("office page %d masked=%v full=%v", code, strings.Contains(page, masked), strings.Contains(page, id))
	}
	code, list := office.get("/households")
	if code != 200 || !strings.Contains(list, "刘大娘") || strings.Contains(list, "13912345678") {
		t.Fatalf("list %d", code)
	}
	var got store.Household
	if code := office.api("GET", "/api/v1"+path+"?purpose=核对", nil, &got); code != 200 ||
		got.Persons[0].IDNumber != masked || got.Phone != "139****5678" {
		t.Fatalf("api household %d %+v", code, got)
	}
	if code := office.api("POST", fmt.Sprintf("/api/v1/persons/%d/reveal", p.ID), map[string]string{"reason": "核对"}, nil); code != http.StatusForbidden {
		t.Fatalf("office reveal: %d", code)
	}

	other := e.login("cadre-other")
	if code, _ := other.get(path); code != http.StatusNotFound {
		t.Fatalf("other township's cadre page: %d", code)
	}
	if code := other.api("GET", "/api/v1"+path, nil, nil); code != http.StatusNotFound {
		t.Fatalf("other township's cadre API: %d", code)
	}
	var none struct{ Total int }
	if code := other.api("GET", "/api/v1/households", nil, &none); code != 200 || none.Total != 0 {
		t.Fatalf("other cadre's list %d %+v", code, none)
	}
	if code, _ := e.login("coordinator-a").get(path); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Fatalf("coordinator: %d", code)
	}

	cadre := e.login("cadre-paired")
	code, page = cadre.get(path)
	if code != 200 || !strings.Contains(page, "查看完整信息") || strings.Contains(page, id) {
		t.Fatalf("cadre page %d", code)
	}
	res := cadre.post(fmt.Sprintf("%s/persons/%d/reveal", path, p.ID), url.Values{"reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("reveal without reason: %d", res.StatusCode)
	}
	res = cadre.post(fmt.Sprintf("%s/persons/%d/reveal", path, p.ID), url.Values{"reason": {"办理医保"}})
	if b := body(res); res.StatusCode != 200 || !strings.Contains(b, id) || !strings.Contains(b, "13912345678") {
		t.Fatalf("reveal page %d", res.StatusCode)
	}
	var rv store.Revealed
	if code := cadre.api("POST", fmt.Sprintf("/api/v1/persons/%d/reveal", p.ID), map[string]string{"reason": "走访核对"}, &rv); code != 200 ||
		rv.Person.IDNumber != id {
		t.Fatalf("api reveal %d %+v", code, rv)
	}

	// The audit log: every view (office page, office API, cadre page, the
	// page shown again after a reveal without reason, the page after the
	// reveal), each reveal and the list page.
	count := func(action string) int {
		es, _, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	if n := count("household_view"); n != 5 {
		t.Fatalf("household_view rows = %d, want 5", n)
	}
	if n := count("household_reveal"); n != 2 {
		t.Fatalf("household_reveal rows = %d, want 2", n)
	}
	if n := count("household_list"); n != 2 {
		t.Fatalf("household_list rows = %d, want 2 (the page and the API)", n)
	}
}

// TestAssistPagesRender: the office's pages and a visit through the form.
func TestAssistPagesRender(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: e.town.ID, Name: "甲干部"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "刘大娘",
		RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreatePairing(ctx, app.System, store.PairingInput{CadreID: c.ID, HouseholdID: h.ID,
		StartsOn: app.MustDate("2024-02-01")}); err != nil {
		t.Fatal(err)
	}
	office := e.login("office-a")
	for _, p := range []string{"/households", "/households/new", "/cadres", "/pairings", "/problems", "/assist/due", "/assist/rules"} {
		if code, b := office.get(p); code != 200 {
			t.Fatalf("%s: %d %s", p, code, b)
		}
	}
	res := office.post("/visits", url.Values{"household_id": {app.Itoa(h.ID)}, "cadre_id": {app.Itoa(c.ID)},
		"visited_on": {"2024-03-01"}, "seen": {"身体尚可"}, "aid": {"米 1袋 150\n慰问金 -20"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(b, "金额") {
		t.Fatalf("negative aid: %d", res.StatusCode)
	}
	res = office.post("/visits", url.Values{"household_id": {app.Itoa(h.ID)}, "cadre_id": {app.Itoa(c.ID)},
		"visited_on": {"2024-03-01"}, "seen": {"身体尚可"}, "aid": {"米 1袋 150\n慰问金 200"}})
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", res.StatusCode, body(res))
	}
	vs, _ := e.db.FindAssistVisits(ctx, app.System, store.AssistVisitFilter{HouseholdID: h.ID})
	if len(vs) != 1 || vs[0].AidFen != 35000 {
		t.Fatalf("visits %+v", vs)
	}
}
