package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

// OrgRow is an organisation in a list, with the number of its active children
// and the names of its ancestors that the actor sees ("测试市政协 / 甲县政协").
type OrgRow struct {
	org.Org
	Children int    `json:"children"`
	Trail    string `json:"trail"`
}

// OrgListFilter narrows and orders ListOrgs.
type OrgListFilter struct {
	ParentID        int64 // direct children of this node
	Kinds           []org.Kind
	Name            string // substring of the name or short name
	IncludeArchived bool
	Sort            string // a key of orgSorts; "" keeps tree order (depth, sort order, id)
	Desc            bool
	Offset          int
	Limit           int // 0: all (the tree view)
}

// orgSorts maps the sort keys a request may name to fixed columns.
var orgSorts = map[string]string{
	"name":    "o.name",
	"kind":    "o.depth",
	"sort":    "o.sort",
	"created": "o.created_at",
}

// OrgSortKey reports whether key is a sort key ListOrgs accepts.
func OrgSortKey(key string) bool { _, ok := orgSorts[key]; return ok }

// ListOrgs lists organisations in the actor's subtree with their child counts
// and ancestor names, and the total for paging.
func (db *DB) ListOrgs(ctx context.Context, actor app.Actor, f OrgListFilter) ([]OrgRow, int, error) {
	q := `SELECT ` + orgColumns + `,
		(SELECT COUNT(*) FROM org c WHERE c.parent_id = o.id AND c.archived = FALSE),
		COUNT(*) OVER()
		FROM org o WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.ParentID != 0 {
		add("o.parent_id = $%d", f.ParentID)
	}
	if len(f.Kinds) > 0 {
		var ph []string
		for _, k := range f.Kinds {
			args = append(args, string(k))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND o.kind IN (" + strings.Join(ph, ", ") + ")"
	}
	if f.Name != "" {
		args = append(args, likeEscape(f.Name))
		n := len(args)
		q += fmt.Sprintf(` AND (o.name LIKE '%%' || $%d || '%%' ESCAPE '\' OR o.short_name LIKE '%%' || $%d || '%%' ESCAPE '\')`, n, n)
	}
	if !f.IncludeArchived {
		q += " AND o.archived = FALSE"
	}
	if col, ok := orgSorts[f.Sort]; ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		q += " ORDER BY " + col + dir + ", o.id" + dir
	} else {
		q += " ORDER BY o.depth, o.sort, o.id"
	}
	if f.Limit > 0 {
		args = append(args, f.Limit, f.Offset)
		q += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "list orgs")
	}
	defer rows.Close()
	var out []OrgRow
	total := 0
	for rows.Next() {
		var r OrgRow
		if err := scanOrg(rows, &r.Org, &r.Children, &total); err != nil {
			return nil, 0, app.Internal(err, "scan org row")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "list orgs")
	}
	if err := db.fillTrails(ctx, actor, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// fillTrails sets each row's Trail from the names of its ancestors in the
// actor's subtree, in one query.
func (db *DB) fillTrails(ctx context.Context, actor app.Actor, list []OrgRow) error {
	seen := map[int64]bool{}
	var ids []any
	for _, r := range list {
		for _, id := range pathIDs(r.Path) {
			if id != r.ID && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names := map[int64]string{}
	// Chunk the IN list: a village list page has few distinct ancestors, but a
	// full tree could name many.
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		chunk := ids[start:end]
		marks := make([]string, len(chunk))
		for i := range chunk {
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM org WHERE path LIKE $1 || '%' AND id IN (`+
			strings.Join(marks, ",")+`)`, append([]any{actor.Path}, chunk...)...)
		if err != nil {
			return app.Internal(err, "org trails")
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return app.Internal(err, "scan org trail")
			}
			names[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return app.Internal(err, "org trails")
		}
	}
	for i, r := range list {
		var parts []string
		for _, id := range pathIDs(r.Path) {
			if n, ok := names[id]; ok && id != r.ID {
				parts = append(parts, n)
			}
		}
		list[i].Trail = strings.Join(parts, " / ")
	}
	return nil
}

// pathIDs splits '/1/4/9/' into 1, 4, 9.
func pathIDs(path string) []int64 {
	var out []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
