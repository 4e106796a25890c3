package store

import (
	"context"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

// CommitteeLists are the terms, sectors and special committees of the
// committees in scope, by committee id: what filter and form select boxes
// offer. Three queries in all, however many committees the scope holds.
type CommitteeLists struct {
	Terms    map[int64][]org.Term
	Sectors  map[int64][]org.Sector
	Specials map[int64][]org.SpecialCommittee
}

// FindCommitteeLists reads the lists of every committee in the actor's
// subtree, or of one committee when committeeID is not 0.
func (db *DB) FindCommitteeLists(ctx context.Context, actor app.Actor, committeeID int64) (CommitteeLists, error) {
	l := CommitteeLists{Terms: map[int64][]org.Term{}, Sectors: map[int64][]org.Sector{},
		Specials: map[int64][]org.SpecialCommittee{}}
	scope := ` JOIN org c ON c.id = x.committee_id WHERE c.path LIKE $1 || '%' AND ($2 = CAST(0 AS BIGINT) OR x.committee_id = $2)`
	rows, err := db.read.QueryContext(ctx, `SELECT `+termColumns+` FROM term t JOIN org c ON c.id = t.committee_id
		WHERE c.path LIKE $1 || '%' AND ($2 = CAST(0 AS BIGINT) OR t.committee_id = $2) ORDER BY t.start_date DESC, t.number DESC`,
		actor.Path, committeeID)
	if err != nil {
		return l, app.Internal(err, "committee lists: terms")
	}
	for rows.Next() {
		var t org.Term
		if err := scanTerm(rows, &t); err != nil {
			rows.Close()
			return l, app.Internal(err, "committee lists: terms")
		}
		l.Terms[t.CommitteeID] = append(l.Terms[t.CommitteeID], t)
	}
	rows.Close()
	for _, k := range []namedKind{sectorKind, specialKind} {
		rows, err := db.read.QueryContext(ctx, `SELECT x.id, x.committee_id, x.name, x.sort FROM `+k.table+` x`+scope+`
			ORDER BY x.sort, x.id`, actor.Path, committeeID)
		if err != nil {
			return l, app.Internal(err, "committee lists: "+k.table)
		}
		for rows.Next() {
			var s org.Sector
			if err := rows.Scan(&s.ID, &s.CommitteeID, &s.Name, &s.Sort); err != nil {
				rows.Close()
				return l, app.Internal(err, "committee lists: "+k.table)
			}
			if k == sectorKind {
				l.Sectors[s.CommitteeID] = append(l.Sectors[s.CommitteeID], s)
			} else {
				l.Specials[s.CommitteeID] = append(l.Specials[s.CommitteeID], org.SpecialCommittee(s))
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return l, app.Internal(err, "committee lists: "+k.table)
		}
	}
	return l, nil
}
