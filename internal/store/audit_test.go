package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/audit"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// auditedTree builds the tree and a few more changes on county A's chain:
// seq 1 county created, 2 township, 3 village, 4–6 township renamed.
func auditedTree(t *testing.T, db *store.DB) tree {
	t.Helper()
	tr := buildTree(t, db)
	for i := 1; i <= 3; i++ {
		if _, err := db.UpdateOrg(context.Background(), actorAt(tr.countyA), tr.town.ID,
			org.Input{Name: fmt.Sprintf("铜城街道%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func verify(t *testing.T, db *store.DB) store.VerifyReport {
	t.Helper()
	rep, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAuditChainVerifies(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		tr := auditedTree(t, db)
		rep := verify(t, db)
		if len(rep.Problems) != 0 {
			t.Fatalf("clean log has problems: %v", rep.Problems)
		}
		// Chains: the city, county A (with its township and village), county B.
		if rep.Chains != 3 || rep.Entries != 8 {
			t.Fatalf("report = %+v, want 3 chains, 8 entries", rep)
		}
		entries, total, err := db.FindAuditEntries(context.Background(), auditReader(actorAt(tr.countyA)), store.AuditFilter{})
		if err != nil || total != 6 {
			t.Fatalf("county A's entries: %d %v", total, err)
		}
		// Newest first, with before and after of the change.
		e := entries[0]
		if e.Seq != 6 || e.Action != "update" || !strings.Contains(e.Before, "铜城街道2") || !strings.Contains(e.After, "铜城街道3") {
			t.Fatalf("newest = %+v", e)
		}
	})
}

// New entries are chained with SM3 unless the deployment chooses SHA-256;
// a chain that changed its hash midway verifies, and relabelling an entry's
// hash is caught like any edit.
func TestAuditChainHashes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.AuditAlg = audit.AlgSHA256 // a deployment from before SM3: seq 1–3
		tr := buildTree(t, db)
		db.AuditAlg = "" // then the default: seq 4–6
		for i := 1; i <= 3; i++ {
			if _, err := db.UpdateOrg(ctx, actorAt(tr.countyA), tr.town.ID, org.Input{Name: fmt.Sprintf("铜城街道%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		entries, _, err := db.FindAuditEntries(ctx, auditReader(actorAt(tr.countyA)), store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			want := audit.AlgSM3
			if e.Seq <= 3 {
				want = audit.AlgSHA256
			}
			if e.Alg != want {
				t.Errorf("seq %d chained with %q, want %q", e.Seq, e.Alg, want)
			}
		}
		rep := verify(t, db)
		if len(rep.Problems) != 0 || rep.ByAlg[audit.AlgSM3] != 3 || rep.ByAlg[audit.AlgSHA256] != 5 {
			t.Fatalf("report %+v, want no problems, 3 sm3 and 5 sha256 entries", rep)
		}
		if n, err := db.AuditTestTamper(ctx, `UPDATE audit_log SET alg = 'sha256' WHERE chain = $1 AND seq = $2`, tr.countyA.ID, 5); err != nil || n != 1 {
			t.Fatalf("relabel: %d rows, %v", n, err)
		}
		rep = verify(t, db)
		if len(rep.Problems) != 1 || rep.Problems[0].Seq != 5 || !strings.Contains(rep.Problems[0].What, "edited") {
			t.Fatalf("relabelled entry: problems %v, want seq 5 edited", rep.Problems)
		}
	})
}

// TestAuditTampering edits or deletes rows the way someone with DDL rights on
// the database would (dropping the append-only triggers first) and expects
// verify to name the damage.
func TestAuditTampering(t *testing.T) {
	cases := []struct {
		name   string
		sql    string
		seq    func(last int64) int64 // the row to touch
		wantAt func(last int64) int64 // the seq the problem names
		what   string
	}{
		{"edited summary", `UPDATE audit_log SET summary = 'x' WHERE chain = $1 AND seq = $2`,
			func(int64) int64 { return 2 }, func(int64) int64 { return 2 }, "edited"},
		{"edited actor", `UPDATE audit_log SET actor = 'someone else' WHERE chain = $1 AND seq = $2`,
			func(int64) int64 { return 4 }, func(int64) int64 { return 4 }, "edited"},
		{"middle row deleted", `DELETE FROM audit_log WHERE chain = $1 AND seq = $2`,
			func(int64) int64 { return 3 }, func(int64) int64 { return 4 }, "missing"},
		{"newest row deleted", `DELETE FROM audit_log WHERE chain = $1 AND seq = $2`,
			func(last int64) int64 { return last }, func(last int64) int64 { return last }, "deleted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				tr := auditedTree(t, db)
				const last = 6
				// The database refuses the plain statement; the intruder drops the
				// triggers first (and puts them back).
				if _, err := db.AccountTestExec(ctx, c.sql, tr.countyA.ID, c.seq(last)); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("plain tamper: %v, want refused as append-only", err)
				}
				n, err := db.AuditTestTamper(ctx, c.sql, tr.countyA.ID, c.seq(last))
				if err != nil || n != 1 {
					t.Fatalf("tamper: %d rows, %v", n, err)
				}
				rep := verify(t, db)
				if len(rep.Problems) == 0 {
					t.Fatal("tampering not detected")
				}
				var found *audit.Problem
				for i, p := range rep.Problems {
					if p.Chain != tr.countyA.ID {
						t.Errorf("problem on an untouched chain: %v", p)
					}
					if p.Seq == c.wantAt(last) && strings.Contains(p.What, c.what) {
						found = &rep.Problems[i]
					}
				}
				if found == nil {
					t.Fatalf("problems %v do not name seq %d as %q", rep.Problems, c.wantAt(last), c.what)
				}
			})
		})
	}
}

// TestAuditAppendOnly: whatever the statement, the database refuses to change
// or delete an entry or to rewind a chain's head; appends go on and the chain
// verifies. Dropping a trigger is reported by verify.
func TestAuditAppendOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := auditedTree(t, db)
		a := tr.countyA.ID
		refused := []struct{ sql, want string }{
			{`UPDATE audit_log SET summary = 'x' WHERE chain = $1 AND seq = 2`, "append-only"},
			{`UPDATE audit_log SET at = at WHERE chain = $1`, "append-only"},
			{`DELETE FROM audit_log WHERE chain = $1 AND seq = 6`, "append-only"},
			{`DELETE FROM audit_log WHERE chain = $1 OR chain <> $1`, "append-only"},
			{`UPDATE audit_head SET seq = 5 WHERE chain = $1`, "never moves backwards"},
			{`UPDATE audit_head SET hash = 'x' WHERE chain = $1`, "never moves backwards"},
			{`DELETE FROM audit_head WHERE chain = $1`, "cannot be deleted"},
		}
		if db.Dialect == store.Postgres {
			refused = append(refused, struct{ sql, want string }{`TRUNCATE audit_log`, "cannot be truncated"})
		}
		for _, c := range refused {
			q, args := c.sql, []any{a}
			if !strings.Contains(q, "$1") {
				args = nil
			}
			if n, err := db.AccountTestExec(ctx, q, args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %d rows, %v; want refused (%s)", q, n, err, c.want)
			}
		}
		// The head still counts changes that write no entry (store.InTx).
		if _, err := db.AccountTestExec(ctx, `UPDATE audit_head SET changes = changes + 1 WHERE chain = $1`, a); err != nil {
			t.Fatalf("counting a change on the head: %v", err)
		}
		if _, err := db.UpdateOrg(ctx, actorAt(tr.countyA), tr.town.ID, org.Input{Name: "铜城街道4"}); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, db)
		if len(rep.Problems) != 0 || len(rep.Unprotected) != 0 || rep.Entries != 9 {
			t.Fatalf("after refused tampering: %+v", rep)
		}
		if age := db.Now().Sub(rep.Oldest); rep.Oldest.IsZero() || age < 0 || age > time.Hour {
			t.Fatalf("oldest entry %v, now %v", rep.Oldest, db.Now())
		}
		if _, err := db.AccountTestExec(ctx, `DROP TRIGGER audit_log_no_delete`+map[bool]string{true: " ON audit_log"}[db.Dialect == store.Postgres]); err != nil {
			t.Fatal(err)
		}
		if rep = verify(t, db); len(rep.Unprotected) != 1 || rep.Unprotected[0] != "audit_log_no_delete" {
			t.Fatalf("a dropped trigger: unprotected %v", rep.Unprotected)
		}
	})
}

func TestOldestAuditEntry(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.OldestAuditEntry(ctx); ok || err != nil {
			t.Fatalf("empty log: %v %v", ok, err)
		}
		buildTree(t, db)
		first, _, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Limit: 200})
		if err != nil || len(first) == 0 {
			t.Fatal(err)
		}
		at, ok, err := db.OldestAuditEntry(ctx)
		if err != nil || !ok || !at.Equal(first[len(first)-1].At) {
			t.Fatalf("oldest %v %v %v, want %v", at, ok, err, first[len(first)-1].At)
		}
	})
}

// TestAuditConcurrentAppends writes to one chain from several goroutines: the
// head lock must serialise them into one gap-free sequence.
func TestAuditConcurrentAppends(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					_, err := db.CreateOrg(ctx, actorAt(tr.countyA), org.Input{ParentID: tr.countyA.ID, Kind: org.Township,
						Name: fmt.Sprintf("并发镇%d-%d", w, i)})
					if err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent create: %v", err)
		}
		rep := verify(t, db)
		if len(rep.Problems) != 0 {
			t.Fatalf("problems after concurrent appends: %v", rep.Problems[:min(5, len(rep.Problems))])
		}
		_, total, err := db.FindAuditEntries(ctx, auditReader(actorAt(tr.countyA)), store.AuditFilter{Entity: "org", Limit: 1})
		if err != nil || total != 3+workers*each {
			t.Fatalf("county A's org entries = %d (%v), want %d", total, err, 3+workers*each)
		}
		if rep.Entries != int64(5+workers*each) {
			t.Fatalf("verified %d entries, want %d", rep.Entries, 5+workers*each)
		}
	})
}

func TestAuditFilters(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := auditedTree(t, db)
		cases := []struct {
			name  string
			actor app.Actor
			f     store.AuditFilter
			want  int
		}{
			{"all", app.System, store.AuditFilter{}, 8},
			{"county B", actorAt(tr.countyB), store.AuditFilter{}, 1},
			{"action", actorAt(tr.countyA), store.AuditFilter{Action: "update"}, 3},
			{"entity id", actorAt(tr.countyA), store.AuditFilter{Entity: "org", EntityID: tr.town.ID}, 4},
			{"account", actorAt(tr.countyA), store.AuditFilter{AccountID: 1}, 3},
			{"today", app.System, store.AuditFilter{From: db.Today(), To: db.Today()}, 8},
			{"before today", app.System, store.AuditFilter{To: app.DateOf(db.Now().In(db.Loc).AddDate(0, 0, -1))}, 0},
		}
		for _, c := range cases {
			_, total, err := db.FindAuditEntries(ctx, auditReader(c.actor), c.f)
			if err != nil || total != c.want {
				t.Errorf("%s: total %d (%v), want %d", c.name, total, err, c.want)
			}
		}
	})
}

// Under 三员分立 an office clerk — it reads the log and changes settings —
// sees the entries of other accounts in its subtree but never its own, in
// the page and the total alike; a leader (who changes nothing) sees all.
func TestAuditOwnActionsHidden(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := auditedTree(t, db) // county A: seq 1–3 by the system, 4–6 by account 1
		clerk := actorAt(tr.countyA)
		other := auditReader(clerk)
		if _, err := db.UpdateOrg(ctx, other, tr.village.ID, org.Input{Name: "后街社区"}); err != nil {
			t.Fatal(err)
		}
		leader := clerk
		leader.Role = "leader"
		cases := []struct {
			name     string
			actor    app.Actor
			f        store.AuditFilter
			want     int
			ownShown bool
		}{
			{"clerk", clerk, store.AuditFilter{}, 4, false},
			{"clerk, one per page", clerk, store.AuditFilter{Limit: 1}, 4, false},
			{"clerk asks for its own", clerk, store.AuditFilter{AccountID: clerk.AccountID}, 0, false},
			{"clerk asks for the other's", clerk, store.AuditFilter{AccountID: other.AccountID}, 1, false},
			{"clerk, updates", clerk, store.AuditFilter{Action: "update"}, 1, false},
			{"colleague, a clerk too", other, store.AuditFilter{}, 6, false},
			{"leader (account 1 as a leader)", leader, store.AuditFilter{}, 7, true},
		}
		for _, c := range cases {
			entries, total, err := db.FindAuditEntries(ctx, c.actor, c.f)
			if err != nil || total != c.want {
				t.Errorf("%s: total %d (%v), want %d", c.name, total, err, c.want)
				continue
			}
			if c.f.Limit == 0 && len(entries) != total {
				t.Errorf("%s: %d rows on the page, total %d", c.name, len(entries), total)
			}
			own := false
			for _, e := range entries {
				own = own || e.AccountID == c.actor.AccountID
			}
			if own != c.ownShown {
				t.Errorf("%s: own entries shown %v, want %v", c.name, own, c.ownShown)
			}
		}
	})
}

// Reads audited at once are committed in groups: every caller's row is in
// the log once, with its own actor and summary, and the chains verify.
func TestAuditReadsTogether(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		const n = 60
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := actorAt(tr.countyA)
				a.Name = fmt.Sprintf("读者%02d", i)
				errs[i] = db.AuditRead(ctx, a, store.Change{Action: "export", Entity: "member", Committee: tr.countyA.ID,
					OrgPath: tr.countyA.Path, Summary: fmt.Sprintf("导出%02d", i)})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("read %d: %v", i, err)
			}
		}
		entries, total, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "export", Limit: 200})
		if err != nil || total != n {
			t.Fatalf("%d export rows, want %d (%v)", total, n, err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if !strings.HasPrefix(e.Actor, "读者") || e.Summary != "导出"+strings.TrimPrefix(e.Actor, "读者") || seen[e.Summary] {
				t.Fatalf("row %+v: wrong actor, summary or twice", e)
			}
			seen[e.Summary] = true
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// auditReader is another account in a's scope with a's role, reading the log:
// an account that changes settings does not see its own actions (三员分立),
// so tests read what an actor did as a colleague would.
func auditReader(a app.Actor) app.Actor {
	a.AccountID += 1_000_000
	a.Name = "审阅者"
	return a
}
