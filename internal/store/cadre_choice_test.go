package store_test

import (
	"context"
	"fmt"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func cadreChoiceNames(list []store.CadreChoice) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Name)
	}
	return out
}

func TestFindCadreChoices(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		// Three more cadres at the village; one of them leaves.
		var left store.Cadre
		for i, name := range []string{"丙干部", "丁干部", "甲二"} {
			c, err := db.CreateCadre(ctx, w.actorA, store.CadreInput{OrgID: w.village.ID, Name: name})
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				left = c
			}
		}
		if _, err := db.CadreLeaves(ctx, w.actorA, left.ID, app.MustDate("2024-05-01"), 0, "调离"); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			actor app.Actor
			f     store.CadreChoiceFilter
			want  []string
			more  bool
		}{
			// By organisation path: the township (铜城) before its village, then by name.
			{"the township's subtree", w.actorA, store.CadreChoiceFilter{OrgID: w.town.ID},
				[]string{"甲干部", "丙干部", "甲二"}, false},
			{"capped", w.actorA, store.CadreChoiceFilter{OrgID: w.town.ID, Limit: 2}, []string{"甲干部", "丙干部"}, true},
			{"by name in the whole scope", w.actorA, store.CadreChoiceFilter{Query: "干部"},
				[]string{"甲干部", "丙干部", "乙干部"}, false},
			{"a name outside the default subtree", w.actorA, store.CadreChoiceFilter{Query: "钱"}, []string{"钱委"}, false},
			{"one committee's", w.actorC, store.CadreChoiceFilter{Query: "干部", CommitteeID: w.countyB.ID}, nil, false},
			{"LIKE's wildcards are literal", w.actorA, store.CadreChoiceFilter{Query: "%"}, nil, false},
			{"another county sees none", w.actorB, store.CadreChoiceFilter{Query: "干部"}, nil, false},
		}
		for _, c := range cases {
			list, more, err := db.FindCadreChoices(ctx, c.actor, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := cadreChoiceNames(list); fmt.Sprint(got) != fmt.Sprint(c.want) || more != c.more {
				t.Errorf("%s: %v more=%v, want %v more=%v", c.name, got, more, c.want, c.more)
			}
		}
		if list, _, _ := db.FindCadreChoices(ctx, w.actorA, store.CadreChoiceFilter{OrgID: w.village.ID}); len(list) != 2 ||
			list[0].OrgName != "前街社区" || list[0].OrgID != w.village.ID {
			t.Errorf("village cadres %+v", list)
		}
		// Another county's organisation is not found; a member account may not read cadres.
		if _, _, err := db.FindCadreChoices(ctx, w.actorB, store.CadreChoiceFilter{OrgID: w.town.ID}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("foreign township: err = %v, want not found", err)
		}
		m := w.actorA
		m.Role = "member"
		if _, _, err := db.FindCadreChoices(ctx, m, store.CadreChoiceFilter{}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("member: err = %v, want forbidden", err)
		}
	})
}
