package store

import (
	"context"
	"fmt"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

// Pickers (the organisation filter of list pages, organisation fields) do not
// list a whole subtree: a province has 3,000 villages. They offer the upper
// tiers, the branch that leads to the current choice, and a name search
// (ListOrgs with a Name and a Limit).

// OrgChoiceFilter says which organisations of the actor's subtree a picker
// offers without a search.
type OrgChoiceFilter struct {
	Kinds  []org.Kind // the tiers always offered, e.g. committees and townships
	Expand []int64    // organisations offered with their direct children (the branch of the current choice)
}

// FindOrgChoices lists the active organisations of the actor's subtree that
// are of one of f.Kinds, are named in f.Expand or are a direct child of one
// in f.Expand, ordered by depth, sort order and id (orgTreeOrder in the web
// layer puts them in tree order). One query; ids of f.Expand outside the
// subtree add nothing.
func (db *DB) FindOrgChoices(ctx context.Context, actor app.Actor, f OrgChoiceFilter) ([]org.Org, error) {
	args := []any{actor.Path}
	var or []string
	if len(f.Kinds) > 0 {
		var ph []string
		for _, k := range f.Kinds {
			args = append(args, string(k))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		or = append(or, "o.kind IN ("+strings.Join(ph, ", ")+")")
	}
	if len(f.Expand) > 0 {
		var ph []string
		for _, id := range f.Expand {
			args = append(args, id)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		in := "(" + strings.Join(ph, ", ") + ")"
		or = append(or, "o.id IN "+in, "o.parent_id IN "+in)
	}
	if len(or) == 0 {
		return nil, nil
	}
	q := `SELECT ` + orgColumns + ` FROM org o WHERE o.path LIKE $1 || '%' AND o.archived = FALSE
		AND (` + strings.Join(or, " OR ") + `) ORDER BY o.depth, o.sort, o.id`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, app.Internal(err, "find org choices")
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		var o org.Org
		if err := scanOrg(rows, &o); err != nil {
			return nil, app.Internal(err, "scan org choice")
		}
		out = append(out, o)
	}
	return out, app.Internal(rows.Err(), "find org choices")
}
