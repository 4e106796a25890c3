package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

// exportActions are the audit actions of a download of records.
var exportActions = map[string]bool{"export": true, "household_export": true}

// notExports are download routes that carry no records: a blank import
// template.
var notExports = map[string]string{
	"GET /members/template.xlsx": "the blank roster template holds no records",
}

// TestExportsWriteAuditRows walks every download route of the router (every
// .xlsx and the household export), calls it as a permitted office clerk and
// expects an audit row naming the clerk and what was exported (等保 2.0:
// data export logging).
func TestExportsWriteAuditRows(t *testing.T) {
	e := newEnv(t)
	f := newMatrixFixture(t, e)
	c := f.clients["own"][auth.Office]
	clerk := acctByName(e, "mx-office-own")
	ctx := context.Background()
	count := func() int {
		n := 0
		for a := range exportActions {
			_, total, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{AccountID: clerk.ID, Action: a, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			n += total
		}
		return n
	}
	walked := 0
	for _, rt := range e.web.Routes() {
		key := rt.Method + " " + rt.Pattern
		download := rt.Method == "GET" && strings.HasSuffix(rt.Pattern, ".xlsx") || key == "POST /households/export"
		if !download || rt.API {
			continue
		}
		if _, skip := notExports[key]; skip {
			continue
		}
		walked++
		rule, ok := accessMatrix[key]
		if !ok {
			t.Fatalf("%s has no access-matrix entry", key)
		}
		path := matrixPath(matrixCase{rt: rt, rule: rule}, f)
		form := url.Values{}
		if rt.Method == "POST" {
			form.Set("reason", "核对低保待遇")
		}
		before := count()
		if status := matrixDo(t, c, rt, path, form); status != http.StatusOK {
			t.Errorf("%s %s: %d, want 200", rt.Method, path, status)
			continue
		}
		after := count()
		if after != before+1 {
			t.Errorf("%s %s: %d export audit rows written, want 1", rt.Method, path, after-before)
			continue
		}
		rows, _, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{AccountID: clerk.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		r := rows[0]
		if !exportActions[r.Action] || !strings.Contains(r.Actor, "mx-office-own") || r.Entity == "" || !strings.Contains(r.Summary, "导出") {
			t.Errorf("%s %s: newest audit row %s %s %q by %q, want an export naming the clerk and what was exported",
				rt.Method, path, r.Action, r.Entity, r.Summary, r.Actor)
		}
	}
	if walked < 30 {
		t.Fatalf("walked %d download routes, want every one (30 or more)", walked)
	}
	t.Logf("walked %d download routes", walked)
}
