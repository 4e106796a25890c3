package store

import (
	"context"
	"database/sql"
	"fmt"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
)

// The searchable kinds and what each indexes. A kind's source query reads
// the records by id and returns, for each, the organisation it belongs to
// (and that organisation's path, for the scope tags), its year (0 when it
// has none, or taken from a time in the committee's zone), the title, the text shown in snippets, and text that is only
// indexed. Personal data that lists mask is never indexed: no identity
// numbers, phones, health or disability details, household notes.

// SearchKind is a kind of record the search finds.
type SearchKind struct {
	Name  string `json:"kind"`
	Label string `json:"label"`
}

// SearchKinds in the order results are grouped. A new kind needs its
// partial index on PostgreSQL (migration 0022).
var SearchKinds = []SearchKind{
	{"member", "委员"}, {"meeting", "会议"}, {"topic", "协商议题"}, {"proposal", "提案"}, {"report", "社情民意"},
	{"enterprise", "企业"}, {"problem", "帮扶问题"}, {"household", "帮扶户"},
}

// SearchKindLabel is a kind's name in Chinese.
func SearchKindLabel(kind string) string {
	for _, k := range SearchKinds {
		if k.Name == kind {
			return k.Label
		}
	}
	return kind
}

// searchSource is one record as the index sees it.
type searchSource struct {
	refID, orgID, committeeID int64
	path                      string
	year                      int
	title, body, extra        string
	parentKind                string // the record whose page shows this one (a problem: its household or enterprise)
	parentID                  int64
}

// searchSpec is how one kind is read, listed and shown.
type searchSpec struct {
	// source selects refID, orgID, committeeID, org path, year, title, body,
	// extra, parent kind and id, and a time for the year for the ids in %s
	// (a list of integers); records that should not
	// be found (drafts, archived) are simply not returned.
	source string
	// all lists every id of the kind, for a rebuild.
	all string
	// perm is what an account needs to see the kind at all.
	perm auth.Permission
}

// noTime fills the source's last columns for a record shown on its own page
// (no parent) whose year is a number or a day (no time to take it from in
// the committee's zone).
const noTime = `'', 0, CAST(NULL AS TIMESTAMPTZ)`

// yearOfDay is the SQL for the year of a 'YYYY-MM-DD' text column (0 when empty).
const yearOfDay = `CAST(COALESCE(NULLIF(substr(%s, 1, 4), ''), '0') AS INTEGER)`

var searchSpecs = map[string]searchSpec{
	"member": {
		perm: auth.MemberRead,
		all:  `SELECT id FROM member`,
		source: `SELECT m.id, m.committee_id, m.committee_id, o.path, 0, m.name,
			m.workplace || ' ' || m.party, '', ` + noTime + `
			FROM member m JOIN org o ON o.id = m.committee_id WHERE m.id IN (%s)`,
	},
	"meeting": {
		perm: auth.MeetingRead,
		all:  `SELECT id FROM meeting`,
		// The agenda, its documents' names and the topic are what a clerk
		// remembers a meeting by.
		source: `SELECT mt.id, mt.committee_id, mt.committee_id, o.path, 0, mt.title,
			mt.topic || ' ' || mt.place || ' ' || mt.presider,
			COALESCE((SELECT ` + aggText("a.title || ' ' || a.note", "a.id", "agenda_item a WHERE a.meeting_id = mt.id") + `), '') || ' ' ||
			COALESCE((SELECT ` + aggText("d.file_name", "d.id", "agenda_document d JOIN agenda_item a2 ON a2.id = d.agenda_item_id WHERE a2.meeting_id = mt.id") + `), '')
			, '', 0, mt.starts_at FROM meeting mt JOIN org o ON o.id = mt.committee_id WHERE mt.id IN (%s)`,
	},
	"topic": {
		perm: auth.ConsultRead,
		all:  `SELECT id FROM topic`,
		source: `SELECT t.id, t.org_id, t.committee_id, o.path, t.year, t.title, t.description,
			COALESCE((SELECT ` + aggText("x.title || ' ' || x.body || ' ' || x.sent_to", "x.id", "topic_outcome x WHERE x.topic_id = t.id") + `), ''), ` + noTime + `
			FROM topic t JOIN org o ON o.id = t.org_id WHERE t.id IN (%s)`,
	},
	"proposal": {
		perm: auth.ProposalRead,
		all:  `SELECT id FROM proposal`,
		// Drafts are their author's alone: not indexed until submitted.
		source: `SELECT p.id, p.committee_id, p.committee_id, o.path, ` + fmt.Sprintf(yearOfDay, "p.submitted_on") + `, p.title,
			p.reason || ' ' || p.suggestions,
			'第' || tm.number || '届第' || p.session || '次会议 ' || p.group_name || ' ' || p.category || ' ' || COALESCE(m.name, ''), ` + noTime + `
			FROM proposal p JOIN org o ON o.id = p.committee_id JOIN term tm ON tm.id = p.term_id
			LEFT JOIN member m ON m.id = p.member_id
			WHERE p.id IN (%s) AND p.state <> '` + proposal.Draft + `'`,
	},
	"report": {
		perm: auth.ProposalRead,
		all:  `SELECT id FROM report`,
		source: `SELECT r.id, r.org_id, r.committee_id, o.path, r.year, r.title, r.body,
			r.submitter || ' ' || r.category || ' ' || r.forwarded_to, ` + noTime + `
			FROM report r JOIN org o ON o.id = r.org_id WHERE r.id IN (%s)`,
	},
	"enterprise": {
		perm: auth.AssistRead,
		all:  `SELECT id FROM enterprise`,
		source: `SELECT e.id, e.org_id, e.committee_id, o.path, 0, e.name, e.sector || ' ' || e.address, e.uscc, ` + noTime + `
			FROM enterprise e JOIN org o ON o.id = e.org_id WHERE e.id IN (%s) AND e.archived = FALSE`,
	},
	"problem": {
		perm: auth.AssistRead,
		all:  `SELECT id FROM assist_problem`,
		source: `SELECT p.id, p.org_id, p.committee_id, o.path, ` + fmt.Sprintf(yearOfDay, "p.raised_on") + `,
			COALESCE(h.head_name, e.name, ''), p.description || ' ' || p.resolution,
			p.department || ' ' || COALESCE(u.name, ''),
			CASE WHEN p.household_id IS NOT NULL THEN 'household' WHEN p.enterprise_id IS NOT NULL THEN 'enterprise' ELSE '' END,
			COALESCE(p.household_id, p.enterprise_id, 0), CAST(NULL AS TIMESTAMPTZ)
			FROM assist_problem p JOIN org o ON o.id = p.org_id LEFT JOIN household h ON h.id = p.household_id
			LEFT JOIN enterprise e ON e.id = p.enterprise_id LEFT JOIN handling_unit u ON u.id = p.unit_id
			WHERE p.id IN (%s)`,
	},
	"household": {
		perm: auth.AssistRead,
		all:  `SELECT id FROM household`,
		// The head's name and the address; not the phone, the note or the
		// persons (minors, health, disability).
		source: `SELECT h.id, h.org_id, h.committee_id, o.path, 0, h.head_name, h.address, '', ` + noTime + `
			FROM household h JOIN org o ON o.id = h.org_id WHERE h.id IN (%s)`,
	},
}

// aggText is a correlated subquery's body joining expr over the rows of
// from with spaces in the order of by, the same on both databases
// (string_agg with ORDER BY: SQLite 3.44 and PostgreSQL).
func aggText(expr, by, from string) string {
	return "string_agg(" + expr + ", ' ' ORDER BY " + by + ") FROM " + from
}

// loadSearch reads the sources of a kind's records; ids not returned are not
// (or no longer) searchable.
func (db *DB) loadSearch(ctx context.Context, q querier, kind string, ids []int64) ([]searchSource, error) {
	spec, ok := searchSpecs[kind]
	if !ok || len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(spec.source, idList(ids)))
	if err != nil {
		return nil, app.Internal(err, "search: read "+kind)
	}
	defer rows.Close()
	var out []searchSource
	for rows.Next() {
		var s searchSource
		var at sql.NullTime
		if err := rows.Scan(&s.refID, &s.orgID, &s.committeeID, &s.path, &s.year, &s.title, &s.body, &s.extra,
			&s.parentKind, &s.parentID, &at); err != nil {
			return nil, app.Internal(err, "search: scan "+kind)
		}
		if at.Valid {
			s.year = at.Time.In(db.Loc).Year()
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "search: read "+kind)
}
