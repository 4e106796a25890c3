package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/audit"
	"xieshang/internal/auth"
)

// Change describes one change for the audit log; Before and After are marshalled
// to JSON (nil for a creation's Before or a deletion's After).
type Change struct {
	Action    string
	Entity    string
	EntityID  int64
	Committee int64  // the chain: committee of the changed record, 0 for deployment-wide
	OrgPath   string // organisation path the change concerns, for scoping the log
	Summary   string
	Before    any
	After     any
}

// Audit appends a change to its committee's chain inside the transaction, so
// the change and its log row commit together or not at all.
func (tx *Tx) Audit(ctx context.Context, actor app.Actor, c Change) error {
	tx.searchTouch(c)
	tx.audited = true
	changes := 0
	if !readActions[c.Action] {
		changes = 1
	}
	before, err := marshalAudit(c.Before)
	if err != nil {
		return app.Internal(err, "audit: marshal before")
	}
	after, err := marshalAudit(c.After)
	if err != nil {
		return app.Internal(err, "audit: marshal after")
	}
	e := audit.Entry{
		Chain: c.Committee, At: tx.Now.Truncate(time.Microsecond), AccountID: actor.AccountID, Actor: actor.Name,
		IP: actor.IP, Action: c.Action, Entity: c.Entity, EntityID: c.EntityID, OrgPath: c.OrgPath,
		Summary: c.Summary, Before: before, After: after, Alg: tx.db.auditAlg(),
	}
	// Lock the chain's head (inserting it on first use) so appends are serial.
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (chain, committee_id, seq, hash) VALUES ($1, $1, 0, '')
		ON CONFLICT (chain) DO NOTHING`, e.Chain); err != nil {
		return app.Internal(err, "audit: head")
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE chain = $1`+tx.db.Dialect.forUpdate(),
		e.Chain).Scan(&seq, &e.PrevHash); err != nil {
		return app.Internal(err, "audit: lock head")
	}
	e.Seq = seq + 1
	if e.Hash, err = audit.ComputeHash(e); err != nil {
		return app.Internal(err, "audit: hash")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (committee_id, chain, seq, at, account_id, actor, ip,
		action, entity, entity_id, org_path, summary, before_json, after_json, alg, prev_hash, hash)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		e.Chain, e.Seq, e.At, e.AccountID, e.Actor, e.IP, e.Action, e.Entity, e.EntityID, e.OrgPath,
		e.Summary, e.Before, e.After, e.Alg, e.PrevHash, e.Hash); err != nil {
		return app.Internal(err, "audit: insert")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $2, hash = $3, changes = changes + $4 WHERE chain = $1`,
		e.Chain, e.Seq, e.Hash, changes); err != nil {
		return app.Internal(err, "audit: advance head")
	}
	return nil
}

// auditAlg is the hash of new audit entries (DB.AuditAlg, SM3 by default).
func (db *DB) auditAlg() string {
	if db.AuditAlg == "" {
		return audit.AlgSM3
	}
	return db.AuditAlg
}

// readActions are the audited acts that change no record a page shows: the
// reads of personal data the log must show (a household viewed or listed, a
// person's identity number revealed, an export) and sign-ins. They do not
// advance the data version (listcache.go), so a morning of cadres reading
// households keeps every cached list and page.
var readActions = map[string]bool{
	"household_view": true, "household_list": true, "household_reveal": true, "household_export": true,
	"export": true, "login": true, "login_failed": true,
}

// AuditRead writes the audit row of a read (one of readActions): a page
// shown again from a cache is a read the log must record as when it was
// first rendered. The rows of reads arriving together are committed
// together (groupcommit.go); AuditRead returns once its row is committed.
func (db *DB) AuditRead(ctx context.Context, actor app.Actor, c Change) error {
	if !readActions[c.Action] {
		return app.Internal(fmt.Errorf("%q is not a read", c.Action), "audit a read")
	}
	r := &readAudit{actor: actor, change: c, done: make(chan struct{})}
	db.reads.submit(ctx, db, r)
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return app.Internal(ctx.Err(), "audit a read: waiting for the commit")
	}
}

// readAudit is a read's audit row on its way into the log.
type readAudit struct {
	actor  app.Actor
	change Change
	err    error
	done   chan struct{} // closed when err is final
}

// maxReadBatch is the most read audit rows written in one transaction.
const maxReadBatch = 128

// runReads writes a batch of read audit rows in one transaction, or, when
// that fails, each in its own.
func runReads(ctx context.Context, db *DB, batch []*readAudit) {
	write := func(rs []*readAudit) error {
		return db.InTx(ctx, func(tx *Tx) error {
			for _, r := range rs {
				if err := tx.Audit(ctx, r.actor, r.change); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := write(batch); err != nil {
		for _, r := range batch {
			r.err = err
			if len(batch) > 1 {
				r.err = write([]*readAudit{r})
			}
		}
	}
	for _, r := range batch {
		close(r.done)
	}
}

func marshalAudit(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return scrubAudit(b)
}

// scrubAudit masks the sensitive personal fields of a record before it goes
// into the audit log, which is not sealed: identity numbers and phones keep
// the digits a masked display shows, health and disability details only
// whether they were filled in. The log still tells what changed and when;
// the database keeps the values sealed (sealed.go).
func scrubAudit(b []byte) (string, error) {
	if !bytes.Contains(b, []byte(`id_number"`)) && !bytes.Contains(b, []byte(`phone"`)) &&
		!bytes.Contains(b, []byte(`"disability"`)) && !bytes.Contains(b, []byte(`"health"`)) {
		return string(b), nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // keep ids and amounts as they were written
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	scrubValue(v)
	out, err := json.Marshal(v)
	return string(out), err
}

func scrubValue(v any) {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			scrubValue(x)
		}
	case map[string]any:
		for k, x := range v {
			s, ok := x.(string)
			if !ok || s == "" {
				scrubValue(x)
				continue
			}
			switch {
			case strings.HasSuffix(k, "id_number"):
				v[k] = assist.MaskIDNumber(s)
			case strings.HasSuffix(k, "phone"):
				v[k] = assist.MaskPhone(s)
			case k == "disability" || k == "health":
				v[k] = "（已填写，内容不入日志）"
			}
		}
	}
}

// AuditFilter narrows the audit list.
type AuditFilter struct {
	Entity    string
	EntityID  int64
	AccountID int64
	Action    string
	Actions   []string // any of these actions (with Action, either)
	From, To  app.Date // inclusive, in the committee time zone
	OffHours  bool     // only entries before 07:00 or from 22:00 on, committee time
	Offset    int
	Limit     int
}

// Working hours for the audit review: entries before OffHoursEnd or from
// OffHoursStart on (committee time) are "outside working hours".
const (
	OffHoursEnd   = 7
	OffHoursStart = 22
)

const auditColumns = `id, chain, seq, at, account_id, actor, ip, action, entity, entity_id, org_path,
	summary, before_json, after_json, alg, prev_hash, hash`

func scanAudit(s scanner, e *audit.Entry, extra ...any) error {
	return s.Scan(append([]any{&e.ID, &e.Chain, &e.Seq, &e.At, &e.AccountID, &e.Actor, &e.IP, &e.Action,
		&e.Entity, &e.EntityID, &e.OrgPath, &e.Summary, &e.Before, &e.After, &e.Alg, &e.PrevHash, &e.Hash}, extra...)...)
}

// auditScope is the WHERE clause every query of the log for a reader starts
// from, with its arguments ($1, $2): the entries about organisations in the
// actor's subtree, less — for an actor whose role changes settings — the
// entries of its own actions. Under the separation of the three
// administrators (三员分立) no one who sets the platform up reads the trail
// of what they did; an audit administrator or a leader sees every entry in
// scope. Command-line tools (app.System, no account) see everything.
func auditScope(actor app.Actor) (string, []any) {
	where := ` WHERE org_path LIKE $1 || '%'`
	args := []any{actor.Path}
	if actor.AccountID != 0 && auth.Role(actor.Role).ChangesSettings() {
		where += ` AND account_id <> $2`
		args = append(args, actor.AccountID)
	}
	return where, args
}

// auditWhere is the WHERE clause of the entries in the actor's scope
// (auditScope) that pass the filter, with its arguments.
func (db *DB) auditWhere(actor app.Actor, f AuditFilter) (string, []any) {
	where, args := auditScope(actor)
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = $%d", f.EntityID)
	}
	if f.AccountID != 0 {
		add("account_id = $%d", f.AccountID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if len(f.Actions) > 0 {
		var in []string
		for _, a := range f.Actions {
			args = append(args, a)
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
		where += " AND action IN (" + strings.Join(in, ", ") + ")"
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.Time(db.Loc).UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.Time(db.Loc).AddDate(0, 0, 1).UTC())
	}
	if f.OffHours {
		// The committee's offset at the period's start (or now): China
		// keeps one offset all year.
		ref := db.Now()
		if !f.From.IsZero() {
			ref = f.From.Time(db.Loc)
		}
		_, off := ref.In(db.Loc).Zone()
		h := db.Dialect.localHour("at", off)
		where += fmt.Sprintf(" AND (%s < %d OR %s >= %d)", h, OffHoursEnd, h, OffHoursStart)
	}
	return where, args
}

// FindAuditEntries lists log rows about organisations in the actor's subtree,
// newest first, with the total for paging; an actor who changes settings
// does not see its own actions (auditScope).
func (db *DB) FindAuditEntries(ctx context.Context, actor app.Actor, f AuditFilter) ([]audit.Entry, int, error) {
	// The page and the total in two queries: COUNT(*) OVER() read and sorted
	// every entry in scope (35 ms for 3,600 entries); the page walks the
	// index by time (migration 0024) and stops at 50.
	where, args := db.auditWhere(actor, f)
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, app.Internal(err, "count audit entries")
	}
	n := len(args)
	q := `SELECT ` + auditColumns + ` FROM audit_log` + where +
		fmt.Sprintf(" ORDER BY at DESC, id DESC LIMIT $%d OFFSET $%d", n+1, n+2)
	rows, err := db.read.QueryContext(ctx, q, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, app.Internal(err, "find audit entries")
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := scanAudit(rows, &e); err != nil {
			return nil, 0, app.Internal(err, "scan audit entry")
		}
		out = append(out, e)
	}
	return out, total, app.Internal(rows.Err(), "find audit entries")
}

// VerifyReport is the outcome of verifying every chain.
type VerifyReport struct {
	Chains   int
	Entries  int64
	ByAlg    map[string]int64 // entries by their chain hash (sm3, sha256)
	Problems []audit.Problem
	// Unprotected names the append-only triggers (migration 0031) missing
	// from the database: someone with DDL rights removed them.
	Unprotected []string
	Oldest      time.Time // the oldest entry's time; zero when the log is empty
}

// The log has no delete path and the database refuses deletions (migration
// 0031), so every entry is kept as long as the database: at least the
// retention of the security policy (auth.DefaultAuditRetentionDays, 180 days).

// auditTriggers are the triggers of migration 0031 that keep the log
// append-only, by dialect.
var auditTriggers = map[Dialect][]string{
	SQLite: {"audit_log_no_update", "audit_log_no_delete", "audit_head_forward", "audit_head_no_delete"},
	Postgres: {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate",
		"audit_head_forward", "audit_head_no_delete", "audit_head_no_truncate"},
}

// MissingAuditTriggers names the append-only triggers of the log that are
// absent or (PostgreSQL) disabled.
func (db *DB) MissingAuditTriggers(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_log', 'audit_head')`
	if db.Dialect == Postgres {
		q = `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			WHERE c.relname IN ('audit_log', 'audit_head') AND pg_table_is_visible(c.oid)
			AND NOT t.tgisinternal AND t.tgenabled <> 'D'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("audit triggers: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("audit triggers: %w", err)
		}
		have[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit triggers: %w", err)
	}
	var missing []string
	for _, n := range auditTriggers[db.Dialect] {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	return missing, nil
}

// OldestAuditEntry is the time of the deployment's oldest audit entry, and
// false when the log is empty: with nothing ever deleted, the log reaches
// back to it.
func (db *DB) OldestAuditEntry(ctx context.Context) (time.Time, bool, error) {
	var at time.Time
	err := db.read.QueryRowContext(ctx, `SELECT at FROM audit_log ORDER BY at, id LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("oldest audit entry: %w", err)
	}
	return at, true, nil
}

// VerifyAudit walks every chain in seq order, recomputing each hash and checking
// links, gaps and the head: any edit, deletion or insertion is reported.
func (db *DB) VerifyAudit(ctx context.Context) (VerifyReport, error) {
	rep := VerifyReport{ByAlg: map[string]int64{}}
	heads := map[int64][2]string{}
	var chains []int64
	// A head with no entry yet only counts changes (InTx): not a chain.
	rows, err := db.read.QueryContext(ctx, `SELECT chain, seq, hash FROM audit_head WHERE seq > 0 ORDER BY chain`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: heads: %w", err)
	}
	for rows.Next() {
		var c, seq int64
		var h string
		if err := rows.Scan(&c, &seq, &h); err != nil {
			rows.Close()
			return rep, err
		}
		heads[c] = [2]string{fmt.Sprint(seq), h}
		chains = append(chains, c)
	}
	rows.Close()
	// Chains that have rows but lost their head are reported too.
	rows, err = db.read.QueryContext(ctx, `SELECT DISTINCT chain FROM audit_log`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: chains: %w", err)
	}
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return rep, err
		}
		if _, ok := heads[c]; !ok {
			rep.Problems = append(rep.Problems, audit.Problem{Chain: c, What: "chain has entries but no head"})
		}
	}
	rows.Close()
	for _, c := range chains {
		var headSeq int64
		fmt.Sscan(heads[c][0], &headSeq)
		if err := db.verifyChain(ctx, &rep, c, headSeq, heads[c][1]); err != nil {
			return rep, err
		}
	}
	if rep.Unprotected, err = db.MissingAuditTriggers(ctx); err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	if rep.Oldest, _, err = db.OldestAuditEntry(ctx); err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	return rep, nil
}

// verifyChain walks one chain against its head (seq, hash) and adds the
// outcome to rep.
func (db *DB) verifyChain(ctx context.Context, rep *VerifyReport, chain, seq int64, hash string) error {
	v := audit.NewVerifier(chain)
	if err := db.walkChain(ctx, chain, v.Add); err != nil {
		return err
	}
	v.Finish(seq, hash)
	rep.Chains++
	rep.Entries += v.Count
	for alg, n := range v.ByAlg {
		rep.ByAlg[alg] += n
	}
	rep.Problems = append(rep.Problems, v.Problems...)
	return nil
}

func (db *DB) walkChain(ctx context.Context, chain int64, fn func(audit.Entry)) error {
	const page = 5000
	after := int64(0)
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log
			WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3`, chain, after, page)
		if err != nil {
			return fmt.Errorf("verify audit: chain %d: %w", chain, err)
		}
		n := 0
		for rows.Next() {
			var e audit.Entry
			if err := scanAudit(rows, &e); err != nil {
				rows.Close()
				return fmt.Errorf("verify audit: scan: %w", err)
			}
			fn(e)
			after = e.Seq
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		if n < page {
			return nil
		}
	}
}

// RecordExport writes the audit row of a list exported to a workbook: who
// took how many rows of what out, with which filters (the query string).
func (db *DB) RecordExport(ctx context.Context, actor app.Actor, entity, what string, count int, filters string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		summary := fmt.Sprintf("导出%s：%d条", what, count)
		if filters != "" {
			summary += "（" + filters + "）"
		}
		return tx.Audit(ctx, actor, Change{Action: "export", Entity: entity, Committee: actor.CommitteeID,
			OrgPath: actor.Path, Summary: summary, After: map[string]any{"count": count, "filters": filters}})
	})
}
