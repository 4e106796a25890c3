package store

import (
	"context"
	"slices"

	"xieshang/internal/app"
)

// MemberName is a member's id and name, what a picker lists.
type MemberName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// FindMemberNames lists the members f selects (all of them: Offset and
// Limit are ignored), in f's order, with their ids and names only: a topic's
// page offered its committee's members from FindMembers' full rows (24
// columns and the roles of 1,000 members, 16 ms) to print their names.
func (db *DB) FindMemberNames(ctx context.Context, actor app.Actor, f MemberFilter) ([]MemberName, error) {
	q, err := db.memberQueryFor(ctx, actor, f)
	if err != nil || q == nil {
		return nil, err
	}
	ids, err := db.memberListIDs(ctx, q)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM member WHERE id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, app.Internal(err, "member names")
	}
	defer rows.Close()
	out := make([]MemberName, len(ids))
	for rows.Next() {
		var m MemberName
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			return nil, app.Internal(err, "member names")
		}
		out[at[m.ID]] = m
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "member names")
	}
	return slices.DeleteFunc(out, func(m MemberName) bool { return m.ID == 0 }), nil // 0: gone since the ids were read
}
