package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

// TestElectionAPIBadInput sends the API-wide bad bodies, wrong types and
// unknown ids to every election route with a real election and office: each
// answer is a 4xx JSON error in Chinese, never a 5xx, and nothing is
// written. (The route-table-wide tests in api_test.go have no election to
// work on: their seed creates none.)
func TestElectionAPIBadInput(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	el, err := e.db.CreateElection(ctx, app.System, fx.sittingID, store.ElectionInput{Title: "补选副主席", Mode: election.Electronic})
	if err != nil {
		t.Fatal(err)
	}
	o, err := e.db.AddOffice(ctx, app.System, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	admin := probeToken(e, "admin")
	office := probeToken(e, "office-a")
	before := auditTotal(e)
	checked := 0
	for _, rt := range apiRoutesOf(e) {
		if rt.Doc == nil || rt.Doc.Tag != "选举" {
			continue
		}
		path := strings.ReplaceAll(rt.Pattern, "{id}", id(el.ID))
		switch {
		case strings.HasPrefix(rt.Pattern, "/api/v1/offices/"):
			path = strings.ReplaceAll(rt.Pattern, "{id}", id(o.ID))
		case strings.HasPrefix(rt.Pattern, "/api/v1/meetings/"):
			path = strings.ReplaceAll(rt.Pattern, "{id}", id(fx.sittingID))
		}
		checked++
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			for _, bad := range badIDs {
				p := withParam(rt.Pattern, path, 0, bad)
				var a probeAnswer
				if rt.Doc.Request != nil {
					a = office.do(rt.Method, p, "application/json", []byte(`{}`))
				} else {
					a = office.do(rt.Method, p, "", nil)
				}
				wantError(t, "id "+bad, a, http.StatusNotFound)
			}
			if !writes(rt.Method) {
				if a := office.do(rt.Method, path, "", nil); a.status >= 500 {
					t.Errorf("%s", a)
				}
				return
			}
			if rt.Doc.Request == nil {
				return
			}
			for _, p := range []*apiProbe{admin, office} {
				for _, b := range badBodies {
					wantError(t, b.name, p.do(rt.Method, path, b.ctype, []byte(b.body)), http.StatusUnprocessableEntity)
				}
			}
			for field, bad := range wrongTypes(rt.Doc.Request) {
				a := office.json(rt.Method, path, map[string]any{field: bad})
				if wantError(t, "wrong type for "+field, a, http.StatusUnprocessableEntity) &&
					!strings.Contains(a.err.Fields.Get(field), "类型错误") {
					t.Errorf("wrong type for %s: the field is not named: %s", field, a)
				}
			}
		})
	}
	if checked < 20 {
		t.Errorf("only %d election routes", checked)
	}
	if after := auditTotal(e); after != before {
		t.Errorf("bad input changed data: the audit log grew from %d to %d rows", before, after)
	}
}
