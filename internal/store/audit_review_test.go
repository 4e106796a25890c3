package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// The review's queries: failures and the lockout counted by account and
// address, entries outside working hours (committee time), the chains of a
// scope verified, and the sign-off checked and logged.
func TestAuditReviewQueries(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "slow-a", auth.Office, &tr.countyA)
		db.Throttle = auth.Throttle{MaxFailures: 100, Window: time.Hour, LockAfter: 3, LockWindow: 24 * time.Hour,
			LockFor: time.Minute, MaxPerIP: 100}
		now := fixedClock(db)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, db.Loc)
		for _, f := range []struct {
			at time.Duration
			ip string
		}{{10 * time.Hour, "10.0.0.2"}, {23*time.Hour + 30*time.Minute, "10.0.0.1"}, {23*time.Hour + 31*time.Minute, "10.0.0.1"}} {
			*now = day.Add(f.at)
			if _, _, err := db.Login(ctx, "slow-a", "wrong", f.ip, "t"); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("failure at %v: %v", f.at, err)
			}
		}
		reader := auditReader(actorAt(tr.countyA))
		fails := store.AuditFilter{Actions: []string{"login_failed", "lockout"}, From: app.DateOf(day), To: app.DateOf(day)}
		groups, err := db.CountAuditByAccount(ctx, reader, fails, 10)
		if err != nil || len(groups) != 2 || groups[0].IP != "10.0.0.1" || groups[0].N != 3 || groups[1].IP != "10.0.0.2" ||
			groups[1].N != 1 || !strings.Contains(groups[0].Actor, "slow-a") {
			t.Fatalf("failures by account and address: %+v %v, want 10.0.0.1 ×3 (2 failures, the lockout), 10.0.0.2 ×1", groups, err)
		}
		off := fails
		off.OffHours = true
		entries, total, err := db.FindAuditEntries(ctx, reader, off)
		if err != nil || total != 3 || len(entries) != 3 || entries[0].Action != "lockout" {
			t.Fatalf("failures outside working hours: %d %+v %v, want the two at 23:30 and the lockout", total, entries, err)
		}
		if _, total, _ := db.FindAuditEntries(ctx, auditReader(actorAt(tr.countyB)), off); total != 0 {
			t.Fatalf("county B sees %d of county A's entries", total)
		}

		// Chains in scope: county A's (the township's committee is county A).
		for _, c := range []struct {
			name  string
			actor app.Actor
			want  int
		}{{"county A", reader, 1}, {"township", actorAt(tr.town), 1}, {"city", actorAt(tr.city), 3}, {"everything", app.System, 3}} {
			rep, err := db.VerifyAuditInScope(ctx, c.actor)
			if err != nil || rep.Chains != c.want || len(rep.Problems) != 0 || len(rep.Unprotected) != 0 {
				t.Errorf("%s: %d chains %+v %v, want %d", c.name, rep.Chains, rep.Problems, err, c.want)
			}
		}
		if _, err := db.AuditTestTamper(ctx, `UPDATE audit_log SET summary = 'x' WHERE chain = $1 AND seq = 2`, tr.countyA.ID); err != nil {
			t.Fatal(err)
		}
		if rep, _ := db.VerifyAuditInScope(ctx, reader); len(rep.Problems) != 1 {
			t.Errorf("a tampered chain in scope: %v", rep.Problems)
		}
		if rep, _ := db.VerifyAuditInScope(ctx, actorAt(tr.countyB)); len(rep.Problems) != 0 {
			t.Errorf("county B is told of county A's chain: %v", rep.Problems)
		}

		// The sign-off.
		d := app.DateOf(day)
		for note, want := range map[string]string{"  ": "请填写审阅意见", strings.Repeat("审", store.MaxReviewNote+1): "不能超过500个字"} {
			if err := db.RecordAuditReview(ctx, reader, d, d, note); app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get("note") != want {
				t.Errorf("note of %d characters: %v, want %q", len([]rune(note)), err, want)
			}
		}
		if err := db.RecordAuditReview(ctx, reader, d, app.DateOf(day.AddDate(0, 0, -1)), "无异常"); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("a backwards period: %v", err)
		}
		if err := db.RecordAuditReview(ctx, reader, d, d, strings.Repeat("审", store.MaxReviewNote)); err != nil {
			t.Fatal(err)
		}
		signs := store.AuditFilter{Action: "audit_review"}
		if _, n, _ := db.FindAuditEntries(ctx, reader, signs); n != 0 {
			t.Errorf("the reviewer reads its own sign-off")
		}
		if es, n, _ := db.FindAuditEntries(ctx, actorAt(tr.countyA), signs); n != 1 || !strings.Contains(es[0].Summary, "审计审阅 2026-03-02 至 2026-03-02") {
			t.Errorf("a colleague's view of the sign-off: %d %+v", n, es)
		}
	})
}
