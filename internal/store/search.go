package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/search"
)

// The search index (migration 0022, tokens from internal/search) is kept
// current in the transaction of every change: Tx.Audit notes the record an
// audited change touched (searchTouch), and InTx rewrites those records'
// index rows just before it commits (flushSearch). A record whose indexed
// content did not change (a sign-in, a state change) is not rewritten: the
// row keeps a digest of what it indexed. RebuildSearch recomputes the whole
// index from the records, and a test checks that the index kept by the
// changes equals the rebuilt one.

// searchBodyRunes is how much of a record's text is kept for snippets.
const searchBodyRunes = 600

// searchKey names one indexed record.
type searchKey struct {
	kind string
	id   int64
}

// searchSkip lists audited actions that never change what a record
// indexes, so that the busiest paths (sign-ins, ballots, leave) do not read
// the record again.
var searchSkip = map[string]bool{
	"sign_in": true, "leave_request": true, "leave_decide": true, "vote_open": true, "vote_close": true,
	"vote_hands": true, "notify": true, "open": true, "close": true, "export": true,
}

// auditKinds maps an audited entity to the searchable kind it changes.
var auditKinds = map[string]string{
	"member": "member", "meeting": "meeting", "topic": "topic", "proposal": "proposal", "report": "report",
	"enterprise": "enterprise", "assist_problem": "problem", "household": "household",
}

// searchTouch notes that an audited change touched a record.
func (tx *Tx) searchTouch(c Change) {
	if c.Entity == "org" && c.Action == "move" {
		tx.searchMoved = append(tx.searchMoved, c.EntityID)
		return
	}
	kind, ok := auditKinds[c.Entity]
	if !ok || c.EntityID == 0 || searchSkip[c.Action] || readActions[c.Action] {
		return
	}
	tx.SearchTouch(kind, c.EntityID)
}

// SearchTouch notes that a record of a searchable kind changed in this
// transaction (for changes audited as one entry for many records, such as a
// roster import).
func (tx *Tx) SearchTouch(kind string, id int64) {
	if tx.searchTouched == nil {
		tx.searchTouched = map[searchKey]bool{}
	}
	tx.searchTouched[searchKey{kind, id}] = true
}

// flushSearch rewrites the index rows of the records touched in the
// transaction. A member's name is part of its proposals' index, and an
// organisation that moved changes the scope tags of everything below it.
func (tx *Tx) flushSearch(ctx context.Context) error {
	for _, orgID := range tx.searchMoved {
		rows, err := tx.QueryContext(ctx, `SELECT d.kind, d.ref_id FROM search_doc d JOIN org o ON o.id = d.org_id
			JOIN org m ON m.id = $1 WHERE o.path LIKE m.path || '%'`, orgID)
		if err != nil {
			return app.Internal(err, "search: moved organisation")
		}
		for rows.Next() {
			var k searchKey
			if err := rows.Scan(&k.kind, &k.id); err != nil {
				rows.Close()
				return app.Internal(err, "search: moved organisation")
			}
			tx.SearchTouch(k.kind, k.id)
		}
		rows.Close()
	}
	var members []int64
	for k := range tx.searchTouched {
		if k.kind == "member" {
			members = append(members, k.id)
		}
	}
	if len(members) > 0 {
		ids, err := queryIDs(ctx, tx, `SELECT id FROM proposal WHERE member_id IN (`+idList(members)+`)`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			tx.SearchTouch("proposal", id)
		}
	}
	byKind := map[string][]int64{}
	for k := range tx.searchTouched {
		byKind[k.kind] = append(byKind[k.kind], k.id)
	}
	for kind, ids := range byKind {
		slices.Sort(ids)
		for len(ids) > 0 {
			n := min(len(ids), 500)
			if err := tx.reindex(ctx, kind, ids[:n]); err != nil {
				return err
			}
			ids = ids[n:]
		}
	}
	tx.searchTouched, tx.searchMoved = nil, nil
	return nil
}

// indexed is a record's index row as written.
type indexed struct {
	src          searchSource
	kind         string
	tokens, tags []string
	body, digest string
}

func makeIndexed(kind string, s searchSource) indexed {
	x := indexed{src: s, kind: kind}
	x.tokens = search.Tokens(s.title + "\n" + s.body + "\n" + s.extra)
	x.tags = searchTags(kind, s.path, s.year)
	x.body = strings.Join(strings.Fields(s.body), " ")
	if utf8.RuneCountInString(x.body) > searchBodyRunes {
		x.body = string([]rune(x.body)[:searchBodyRunes])
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%d\x00%d\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s", s.orgID, s.committeeID, s.year, s.parentKind,
		s.parentID, s.title, x.body, strings.Join(x.tokens, " "), strings.Join(x.tags, " "))
	x.digest = hex.EncodeToString(h.Sum(nil)[:16])
	return x
}

// searchTags are the filter tokens: the organisation and each ancestor
// (o<id>, from the path /1/5/12/), the kind (k<kind>) and the year.
func searchTags(kind, path string, year int) []string {
	var tags []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			tags = append(tags, "o"+p)
		}
	}
	tags = append(tags, "k"+kind)
	if year > 0 {
		tags = append(tags, "y"+strconv.Itoa(year))
	}
	return tags
}

// reindex rewrites the index rows of some records of one kind from their
// sources: new ones are added, changed ones replaced (with a new row id, so
// that the most recently changed come first), vanished ones removed.
func (tx *Tx) reindex(ctx context.Context, kind string, ids []int64) error {
	srcs, err := tx.db.loadSearch(ctx, tx, kind, ids)
	if err != nil {
		return err
	}
	have, err := readIndexed(ctx, tx, kind, ` AND ref_id IN (`+idList(ids)+`)`)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		x := makeIndexed(kind, s)
		o, ok := have[s.refID]
		delete(have, s.refID)
		if ok && o.digest == x.digest {
			continue
		}
		if ok {
			if err := tx.dropIndexed(ctx, o.id); err != nil {
				return err
			}
		}
		if err := tx.writeIndexed(ctx, x); err != nil {
			return err
		}
	}
	for _, o := range have {
		if err := tx.dropIndexed(ctx, o.id); err != nil {
			return err
		}
	}
	return nil
}

// indexedRow is a record's index row as stored: its row id and digest.
type indexedRow struct {
	id     int64
	digest string
}

// readIndexed reads a kind's index rows by record id; the condition in
// and narrows them (to some records), "" reads them all.
func readIndexed(ctx context.Context, q querier, kind, and string) (map[int64]indexedRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, ref_id, digest FROM search_doc WHERE kind = $1`+and, kind)
	if err != nil {
		return nil, app.Internal(err, "search: read index")
	}
	defer rows.Close()
	have := map[int64]indexedRow{}
	for rows.Next() {
		var r indexedRow
		var ref int64
		if err := rows.Scan(&r.id, &ref, &r.digest); err != nil {
			return nil, app.Internal(err, "search: read index")
		}
		have[ref] = r
	}
	return have, app.Internal(rows.Err(), "search: read index")
}

func (tx *Tx) dropIndexed(ctx context.Context, id int64) error {
	if tx.db.Dialect == SQLite {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, id); err != nil {
			return app.Internal(err, "search: drop")
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM search_doc WHERE id = $1`, id)
	return app.Internal(err, "search: drop")
}

func (tx *Tx) writeIndexed(ctx context.Context, x indexed) error {
	s := x.src
	if tx.db.Dialect == Postgres {
		_, err := tx.ExecContext(ctx, `INSERT INTO search_doc (kind, ref_id, org_id, committee_id, path, year, title, body, digest,
			parent_kind, parent_id, tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::tsvector)`,
			x.kind, s.refID, s.orgID, s.committeeID, s.path, s.year, s.title, x.body, x.digest, s.parentKind, s.parentID,
			search.TSVector(lexemeSpace(x.kind), x.tokens))
		return app.Internal(err, "search: write")
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO search_doc (kind, ref_id, org_id, committee_id, path, year, title, body, digest,
		parent_kind, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		x.kind, s.refID, s.orgID, s.committeeID, s.path, s.year, s.title, x.body, x.digest, s.parentKind, s.parentID).Scan(&id); err != nil {
		return app.Internal(err, "search: write")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, tokens, tags) VALUES ($1, $2, $3)`, id,
		strings.Join(x.tokens, " "), search.Words(x.tags))
	return app.Internal(err, "search: write")
}

// RebuildSearch recomputes the whole index from the records, in
// transactions of a few thousand records; progress (may be nil) is called
// after each with the kind and the records done of its total.
func (db *DB) RebuildSearch(ctx context.Context, progress func(kind string, done, total int)) error {
	for _, k := range SearchKinds {
		spec := searchSpecs[k.Name]
		var ids []int64
		err := db.InTx(ctx, func(tx *Tx) error {
			var err error
			ids, err = queryIDs(ctx, tx, spec.all+` ORDER BY id`)
			if err != nil {
				return err
			}
			// Rows of records that no longer exist.
			_, err = tx.ExecContext(ctx, `DELETE FROM search_doc WHERE kind = $1 AND ref_id NOT IN (`+spec.all+`)`, k.Name)
			if err == nil && db.Dialect == SQLite {
				_, err = tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_doc)`)
			}
			return app.Internal(err, "search: prune")
		})
		if err != nil {
			return err
		}
		for done := 0; done < len(ids); {
			n := min(len(ids)-done, 2000)
			if err := db.InTx(ctx, func(tx *Tx) error {
				return tx.reindex(ctx, k.Name, ids[done:done+n])
			}); err != nil {
				return err
			}
			done += n
			if progress != nil {
				progress(k.Name, done, len(ids))
			}
		}
	}
	if db.Dialect == SQLite {
		_, err := db.write.ExecContext(ctx, `INSERT INTO search_fts (search_fts) VALUES ('optimize')`)
		return app.Internal(err, "search: optimize")
	}
	return nil
}

// SearchFilter is what the search box and its filters ask.
type SearchFilter struct {
	Query  string
	Kind   string // one kind, paged; "" for the top results of every kind
	OrgID  int64  // an organisation in the actor's subtree (and below it); 0 for the whole subtree
	Year   int    // 0 for any year
	Offset int
	Limit  int // per kind: default 5 for every kind, 20 for one; at most 100
}

// SearchHit is one record found.
type SearchHit struct {
	Kind    string `json:"kind"`
	RefID   int64  `json:"id"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org"`
	Year    int    `json:"year,omitempty"`
	// ParentKind and ParentID name the record whose page shows this one
	// (a problem: its household or enterprise); empty for records with a page.
	ParentKind string           `json:"parent_kind,omitempty"`
	ParentID   int64            `json:"parent_id,omitempty"`
	Title      []search.Segment `json:"title"`
	Snippet    []search.Segment `json:"snippet"`
}

// SearchGroup is the hits of one kind. Searching one kind counts its hits
// (at most SearchCountCap: Capped says there are more); the overview of
// every kind does not count, it says whether there are More than shown.
type SearchGroup struct {
	Kind   string      `json:"kind"`
	Label  string      `json:"label"`
	Total  int         `json:"total,omitempty"`
	Capped bool        `json:"capped,omitempty"`
	More   bool        `json:"more,omitempty"`
	Hits   []SearchHit `json:"hits"`
}

// SearchResult is a search's answer, grouped by kind in SearchKinds order;
// kinds with no hit are left out.
type SearchResult struct {
	Query  search.Query  `json:"-"`
	Groups []SearchGroup `json:"groups"`
	Kinds  []SearchKind  `json:"kinds"` // the kinds this account can search
}

// SearchCountCap bounds the count of one kind's hits: counting every match
// of a common word in a province is work nobody reads.
const SearchCountCap = 1000

// SearchableKinds are the kinds an account may search.
func SearchableKinds(actor app.Actor) []SearchKind {
	var out []SearchKind
	for _, k := range SearchKinds {
		if _, _, ok := searchAccess(actor, k.Name, 0); ok {
			out = append(out, k)
		}
	}
	return out
}

// searchAccess is the extra condition on a kind's index rows d for an
// actor who does not see the whole subtree of the kind (a member sees the
// meetings it is expected at, its own and adopted reports; a cadre the
// households, problems it is paired with), with its arguments from $n; ok is
// false when the actor does not see the kind at all.
func searchAccess(actor app.Actor, kind string, n int) (cond string, args []any, ok bool) {
	role := auth.Role(actor.Role)
	spec := searchSpecs[kind]
	if role.Can(spec.perm) {
		switch {
		case kind == "meeting" && role == auth.MemberRole:
			return fmt.Sprintf(`(EXISTS (SELECT 1 FROM meeting_expected e WHERE e.meeting_id = d.ref_id AND e.member_id = $%[1]d)
				OR EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.meeting_id = d.ref_id AND i.member_id = $%[1]d))`, n),
				[]any{actor.MemberID}, true
		case kind == "report" && isMemberAccount(actor):
			return fmt.Sprintf(`(EXISTS (SELECT 1 FROM report r WHERE r.id = d.ref_id AND r.submitted_by = $%d)
				OR EXISTS (SELECT 1 FROM report_author ra WHERE ra.report_id = d.ref_id AND ra.member_id = $%d)
				OR EXISTS (SELECT 1 FROM report_adoption ad WHERE ad.report_id = d.ref_id))`, n, n+1),
				[]any{actor.AccountID, actor.MemberID}, true
		case (kind == "household" || kind == "problem") && !supervises(actor):
			var c string
			var arg any
			if kind == "household" {
				c, arg, ok = householdAccess(actor, n)
				c = `EXISTS (SELECT 1 FROM household h WHERE h.id = d.ref_id AND ` + c + `)`
			} else {
				c, arg, ok = problemAccess(actor, n)
				c = `EXISTS (SELECT 1 FROM assist_problem p WHERE p.id = d.ref_id AND ` + c + `)`
			}
			return c, []any{arg}, ok
		}
		return "", nil, true
	}
	if kind == "report" && (role == auth.Coordinator || role == auth.Cadre) {
		return fmt.Sprintf(`EXISTS (SELECT 1 FROM report r WHERE r.id = d.ref_id AND r.submitted_by = $%d)`, n),
			[]any{actor.AccountID}, true
	}
	return "", nil, false
}

// Search finds records of the actor's subtree (or an organisation in it)
// that contain every word of the query, grouped by kind, newest change first
// in each kind. An empty query finds nothing; a query the parser refuses is
// an invalid-input error naming the field q.
func (db *DB) Search(ctx context.Context, actor app.Actor, f SearchFilter) (SearchResult, error) {
	res := SearchResult{Kinds: SearchableKinds(actor)}
	q, err := search.Parse(f.Query)
	if err != nil {
		var errs app.FieldErrors
		errs.Add("q", err.Error())
		return res, errs.Err()
	}
	res.Query = q
	if q.Empty() || len(res.Kinds) == 0 {
		return res, nil
	}
	scope := actor.Path
	if f.OrgID != 0 {
		o, err := findOrg(ctx, db.read, actor, f.OrgID)
		if err != nil {
			return res, err
		}
		scope = o.Path
	}
	if f.Year < 0 || f.Year > 9999 {
		var errs app.FieldErrors
		errs.Add("year", "年份不正确")
		return res, errs.Err()
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 5
		if f.Kind != "" {
			limit = 20
		}
	}
	limit = min(limit, 100)
	offset := max(f.Offset, 0)
	if f.Kind != "" && !slices.ContainsFunc(res.Kinds, func(k SearchKind) bool { return k.Name == f.Kind }) {
		var errs app.FieldErrors
		errs.Add("kind", "没有这类记录可以搜索")
		return res, errs.Err()
	}
	for _, k := range res.Kinds {
		if f.Kind != "" && k.Name != f.Kind {
			continue
		}
		g, err := db.searchKind(ctx, actor, q, k, scope, f.Year, offset, limit, f.Kind != "")
		if err != nil {
			return res, err
		}
		if len(g.Hits) > 0 || g.Total > 0 {
			res.Groups = append(res.Groups, g)
		}
	}
	return res, nil
}

// searchRows runs a search query and calls each for every row. PostgreSQL
// plans it for its words (an unnamed statement, not the read pool's cached
// one): a generic plan cannot tell a word in every topic from one in no
// household, and walking 50,000 households for none costs 130 ms.
func (db *DB) searchRows(ctx context.Context, query string, args []any, each func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	if db.Dialect == Postgres {
		rows, err = db.read.DB.QueryContext(ctx, query, append([]any{pgx.QueryExecModeExec}, args...)...)
	} else {
		rows, err = db.read.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// lexemeSpace prefixes a kind's words in the PostgreSQL index (search.TSVector).
func lexemeSpace(kind string) string { return kind + "." }

// searchKind runs the query for one kind: a page of hits, and with count
// the number of hits (capped); without it, one hit more than the page tells
// whether there are more.
func (db *DB) searchKind(ctx context.Context, actor app.Actor, q search.Query, k SearchKind, scope string, year, offset, limit int, count bool) (SearchGroup, error) {
	g := SearchGroup{Kind: k.Name, Label: k.Label}
	var from, where, order string
	var args []any
	if db.Dialect == Postgres {
		from = ` FROM search_doc d`
		where = ` WHERE d.kind = $1 AND d.tokens @@ $2::tsquery AND d.path LIKE $3 || '%'`
		args = []any{k.Name, q.TSQuery(lexemeSpace(k.Name)), scope}
		if year > 0 {
			args = append(args, year)
			where += fmt.Sprintf(` AND d.year = $%d`, len(args))
		}
		order = ` ORDER BY d.id DESC`
	} else {
		from = ` FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid`
		where = ` WHERE search_fts MATCH $1`
		args = []any{"(" + q.FTS5("tokens") + ") AND " + search.TagMatch("tags", searchTags(k.Name, scope, year))}
		order = ` ORDER BY search_fts.rowid DESC`
	}
	cond, extra, ok := searchAccess(actor, k.Name, len(args)+1)
	if !ok {
		return g, nil
	}
	if cond != "" {
		where += " AND " + cond
		args = append(args, extra...)
	}
	page := limit
	if count {
		err := db.searchRows(ctx, `SELECT COUNT(*) FROM (SELECT 1`+from+where+
			fmt.Sprintf(` LIMIT %d) x`, SearchCountCap+1), args, func(rows *sql.Rows) error { return rows.Scan(&g.Total) })
		if err != nil {
			return g, app.Internal(err, "search: count "+k.Name)
		}
		if g.Total > SearchCountCap {
			g.Total, g.Capped = SearchCountCap, true
		}
		if g.Total == 0 || offset >= g.Total && !g.Capped {
			return g, nil
		}
	} else {
		page++ // one more: are there more than shown?
	}
	err := db.searchRows(ctx, `SELECT d.ref_id, d.org_id, o.name, d.year, d.parent_kind, d.parent_id, d.title, d.body`+from+
		` JOIN org o ON o.id = d.org_id`+where+order+fmt.Sprintf(` LIMIT %d OFFSET %d`, page, offset), args, func(rows *sql.Rows) error {
		h := SearchHit{Kind: k.Name}
		var title, body string
		if err := rows.Scan(&h.RefID, &h.OrgID, &h.OrgName, &h.Year, &h.ParentKind, &h.ParentID, &title, &body); err != nil {
			return err
		}
		h.Title = search.Highlight(title, q)
		h.Snippet = search.Snippet(body, q, 80)
		g.Hits = append(g.Hits, h)
		return nil
	})
	if err != nil {
		return g, app.Internal(err, "search: "+k.Name)
	}
	if len(g.Hits) > limit {
		g.Hits, g.More = g.Hits[:limit], true
	}
	return g, nil
}

// VerifySearch compares the index with what the records would index now,
// without changing anything, and describes every difference ("topic 12:
// stale", "member 3: missing", "household 9: not a record") — empty when the
// index is current.
func (db *DB) VerifySearch(ctx context.Context) ([]string, error) {
	var out []string
	for _, k := range SearchKinds {
		have, err := readIndexed(ctx, db.read, k.Name, "")
		if err != nil {
			return nil, err
		}
		ids, err := queryIDs(ctx, db.read, searchSpecs[k.Name].all+` ORDER BY id`)
		if err != nil {
			return nil, err
		}
		for len(ids) > 0 {
			n := min(len(ids), 2000)
			srcs, err := db.loadSearch(ctx, db.read, k.Name, ids[:n])
			if err != nil {
				return nil, err
			}
			for _, s := range srcs {
				d, ok := have[s.refID]
				switch {
				case !ok:
					out = append(out, fmt.Sprintf("%s %d: missing", k.Name, s.refID))
				case d.digest != makeIndexed(k.Name, s).digest:
					out = append(out, fmt.Sprintf("%s %d: stale", k.Name, s.refID))
				}
				delete(have, s.refID)
			}
			ids = ids[n:]
		}
		var extra []int64
		for id := range have {
			extra = append(extra, id)
		}
		slices.Sort(extra)
		for _, id := range extra {
			out = append(out, fmt.Sprintf("%s %d: not a record", k.Name, id))
		}
	}
	return out, nil
}
