package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

// TestSealedFieldsThroughTheApp: what the database holds sealed, the app
// shows in clear to the roles that may see it, masked to the roles that may
// see the record but not the detail, and not at all to the others.
func TestSealedFieldsThroughTheApp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := member.MakeIDNumber("371524", app.MustDate("1972-05-04"), 31)
	m, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "王五", Gender: "男", IDNumber: id,
		Phone: "13766667777"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.db.FindSealStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st {
		if c.Column.AAD() == "member.id_number" && (c.ByKey["k1"] != 1 || c.Plaintext() != 0) {
			t.Fatalf("the database holds member.id_number as %v", c.ByKey)
		}
	}

	page := fmt.Sprintf("/members/%d", m.ID)
	for _, c := range []struct {
		user       string
		status     int
		see, never []string
	}{
		{"office-a", http.StatusOK, []string{id, "13766667777"}, nil},
		{"leader-a", http.StatusOK, []string{id, "13766667777"}, nil},
		{"office-b", http.StatusNotFound, nil, []string{id, "13766667777", "王五"}},
		{"coordinator-a", http.StatusForbidden, nil, []string{id, "13766667777"}},
		{"cadre-a", http.StatusForbidden, nil, []string{id, "13766667777"}},
	} {
		status, body := e.login(c.user).get(page)
		if status != c.status {
			t.Errorf("%s: %s answered %d, want %d", c.user, page, status, c.status)
		}
		for _, s := range c.see {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the member page lacks %q", c.user, s)
			}
		}
		for _, s := range c.never {
			if strings.Contains(body, s) {
				t.Errorf("%s: the page shows %q", c.user, s)
			}
		}
	}
	var got struct {
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	}
	if s := e.login("office-a").api("GET", fmt.Sprintf("/api/v1/members/%d", m.ID), nil, &got); s != http.StatusOK ||
		got.IDNumber != id || got.Phone != "13766667777" {
		t.Fatalf("API: %d %+v", s, got)
	}

	// The list's search box finds a member by the whole number (blind index).
	if status, body := e.login("office-a").get("/members?q=" + id); status != http.StatusOK || !strings.Contains(body, "王五") {
		t.Fatalf("members searched by identity number: %d", status)
	}
	if _, body := e.login("office-a").get("/members?q=" + id[:17] + "0"); strings.Contains(body, "王五") {
		t.Fatal("another number found the member")
	}

	// A household person: the office sees the number masked, not in clear.
	h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "赵大娘",
		Phone: "13955554444", RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	pid := member.MakeIDNumber("371524", app.MustDate("1940-02-03"), 42)
	if _, err := e.db.AddHouseholdPerson(ctx, app.System, h.ID, store.PersonInput{Name: "赵大娘", Relation: "户主",
		IDNumber: pid, Health: "心衰", Categories: []string{"elder80"}}); err != nil {
		t.Fatal(err)
	}
	status, body := e.login("office-a").get(fmt.Sprintf("/households/%d?purpose=%s", h.ID, "入户核实"))
	if status != http.StatusOK || !strings.Contains(body, pid[:6]+"********"+pid[14:]) || strings.Contains(body, pid) ||
		!strings.Contains(body, "139****4444") || strings.Contains(body, "13955554444") || !strings.Contains(body, "心衰") {
		t.Fatalf("household page for the office: %d\n%s", status, body)
	}
	if status, body := e.login("office-a").get("/households?q=" + pid); status != http.StatusOK || !strings.Contains(body, "赵大娘") {
		t.Fatalf("households searched by a person's identity number: %d", status)
	}
}
