package consult

import (
	"fmt"

	"xieshang/internal/org"
)

// Coverage is one organisation's figure for "村(社区)议事室阵地全覆盖": of its
// villages and communities (all of them, at every tier below), how many an
// active room serves.
type Coverage struct {
	Org       org.Org `json:"org"`
	Villages  int     `json:"villages"`            // 村(社区)总数
	Covered   int     `json:"covered"`             // served by at least one active room
	Rooms     int     `json:"rooms"`               // active rooms registered at or below the organisation
	Uncovered []Ref   `json:"uncovered,omitempty"` // for a township: its villages without a room
}

// Percent is the share covered to one decimal, rounded half up ("83.3%")
// but short of 100% until every village is covered;
// an organisation without villages shows "—" rather than a figure.
func (c Coverage) Percent() string {
	if c.Villages == 0 {
		return "—"
	}
	tenths := (c.Covered*2000 + c.Villages) / (2 * c.Villages) // per mille, rounded half up
	if tenths == 1000 && c.Covered < c.Villages {
		tenths = 999 // never "100.0%" while a village is still without a room
	}
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// Full reports whether every village is covered (and there is at least one).
func (c Coverage) Full() bool { return c.Villages > 0 && c.Covered == c.Villages }

// ComputeCoverage gives the coverage of every township, county and city in
// orgs, in the order given. orgs is a tree or a subtree (parents need not be
// present: a village counts for each ancestor that is); archived
// organisations and archived rooms count for nothing, and a village served
// by several rooms counts once.
func ComputeCoverage(orgs []org.Org, rooms []Room) []Coverage {
	byID := make(map[int64]org.Org, len(orgs))
	for _, o := range orgs {
		if !o.Archived {
			byID[o.ID] = o
		}
	}
	served := map[int64]bool{}
	roomsAt := map[int64]int{}
	for _, r := range rooms {
		if r.Archived {
			continue
		}
		if _, ok := byID[r.OrgID]; ok {
			roomsAt[r.OrgID]++
		}
		for _, v := range r.Villages {
			served[v.ID] = true
		}
	}
	index := map[int64]int{}
	var out []Coverage
	for _, o := range orgs {
		if o.Archived || o.Kind == org.Village {
			continue
		}
		index[o.ID] = len(out)
		out = append(out, Coverage{Org: o})
	}
	// Each node adds its own figures to every ancestor present.
	up := func(from int64, fn func(c *Coverage)) {
		for id := from; id != 0; {
			p, ok := byID[id]
			if !ok {
				return
			}
			if i, ok := index[id]; ok {
				fn(&out[i])
			}
			id = p.ParentID
		}
	}
	for _, o := range orgs {
		if o.Archived {
			continue
		}
		if n := roomsAt[o.ID]; n > 0 {
			up(o.ID, func(c *Coverage) { c.Rooms += n })
		}
		if o.Kind != org.Village {
			continue
		}
		covered := served[o.ID]
		up(o.ParentID, func(c *Coverage) {
			c.Villages++
			if covered {
				c.Covered++
			} else if c.Org.Kind == org.Township {
				c.Uncovered = append(c.Uncovered, Ref{ID: o.ID, Name: o.Name})
			}
		})
	}
	return out
}

// Total sums coverage rows that do not overlap (the top rows of a subtree).
func Total(rows []Coverage) Coverage {
	var t Coverage
	for _, c := range rows {
		t.Villages += c.Villages
		t.Covered += c.Covered
		t.Rooms += c.Rooms
	}
	return t
}
