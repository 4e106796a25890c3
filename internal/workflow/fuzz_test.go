package workflow

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// FuzzGraphJSON: a committee edits its own graph as JSON (PUT
// /api/v1/consult/graph). Whatever decodes, Validate judges without
// panicking, with Chinese errors on the form's fields. A graph it passes
// survives a JSON round trip still valid, and behaves as Validate
// promised: every state is reached from the initial one by transitions
// Check allows, exactly the transitions' roles may take them, a final
// state has no way out and every other state has one.
func FuzzGraphJSON(f *testing.F) {
	b, _ := json.Marshal(small())
	f.Add(b)
	g := small()
	g.Transitions = append(g.Transitions, Transition{From: "b", To: "a", Label: "退回", Roles: []string{"unit"}})
	b, _ = json.Marshal(g)
	f.Add(b)
	f.Add([]byte(`{"kind":"topic","initial":"a","states":[{"code":"a","label":"甲","final":true}],"transitions":[]}`))
	f.Add([]byte(`{"initial":"a","states":[{"code":"a","label":"甲"},{"code":"a","label":"乙"}],"transitions":[{"from":"a","to":"a","label":"x","roles":["office"]}]}`))
	f.Add([]byte(`{"states":[{"code":"a","label":"甲","progress":-1,"due_days":99999}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var g Graph
		if json.Unmarshal(body, &g) != nil {
			return
		}
		errs := g.Validate(roles, reqs)
		for _, e := range errs {
			if !slices.Contains([]string{"states", "initial", "transitions"}, e.Field) || !hasHan(e.Message) || !utf8.ValidString(e.Message) {
				t.Fatalf("field error %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		var again Graph
		if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(normal(g), normal(again)) {
			t.Fatalf("round trip of %s: %v, %+v", out, err, again)
		}
		if errs := again.Validate(roles, reqs); len(errs) > 0 {
			t.Fatalf("valid graph invalid after a round trip: %v", errs)
		}
		reached := map[string]bool{g.Initial: true}
		for queue := []string{g.Initial}; len(queue) > 0; queue = queue[1:] {
			for _, role := range roles {
				for _, tr := range g.Next(queue[0], role) {
					if _, err := g.Check(tr.From, tr.To, role); err != nil {
						t.Fatalf("Next offers %s→%s to %s, Check refuses: %v", tr.From, tr.To, role, err)
					}
					if !reached[tr.To] {
						reached[tr.To] = true
						queue = append(queue, tr.To)
					}
				}
			}
		}
		since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, s := range g.States {
			if !reached[s.Code] {
				t.Fatalf("state %q not reached", s.Code)
			}
			ways := 0
			for _, role := range append(slices.Clone(roles), "nobody") {
				ways += len(g.Next(s.Code, role))
			}
			if s.Final != (ways == 0) {
				t.Fatalf("state %q final=%v with %d ways out", s.Code, s.Final, ways)
			}
			if s.Final && !g.Due(s.Code, since).IsZero() {
				t.Fatalf("final state %q has a due date", s.Code)
			}
			if p := g.Progress(s.Code); p < 0 || p > 100 {
				t.Fatalf("state %q progress %d", s.Code, p)
			}
		}
		for _, tr := range g.Transitions {
			for _, role := range append(slices.Clone(roles), "nobody") {
				_, err := g.Check(tr.From, tr.To, role)
				if want := slices.Contains(tr.Roles, role); (err == nil) != want || !want && app.ErrorCode(err) != app.EFORBIDDEN {
					t.Fatalf("Check(%s→%s, %s) = %v", tr.From, tr.To, role, err)
				}
			}
		}
		if _, err := g.Check(g.Initial, g.Initial, roles[0]); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("Check of a self-transition: %v", err)
		}
	})
}

// normal makes empty and nil lists equal for comparing round trips.
func normal(g Graph) Graph {
	g.States = slices.Clip(g.States)
	if len(g.States) == 0 {
		g.States = nil
	}
	ts := make([]Transition, len(g.Transitions))
	for i, tr := range g.Transitions {
		if len(tr.Roles) == 0 {
			tr.Roles = nil
		}
		if len(tr.Requires) == 0 {
			tr.Requires = nil
		}
		ts[i] = tr
	}
	g.Transitions = ts
	return g
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
