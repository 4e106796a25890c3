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

// twoNodes opens one database twice, as two app nodes sharing it would.
func twoNodes(t *testing.T, d store.Dialect) (*store.DB, *store.DB) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	open := func() *store.DB { return storetest.OpenDSN(t, dsn) }
	return open(), open()
}

// The security policy saved by the security administrator on one node
// applies on another at once; what was never saved keeps the start-up value
// (the environment's, else the default), and each value says where it comes from.
func TestSecuritySettings(t *testing.T) {
	for _, d := range storetest.Backends {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			one, two := twoNodes(t, d)
			two.Passwords = auth.PasswordPolicy{MinLength: 12, MinClasses: 3} // as from XIESHANG_PASSWORD_MIN_LENGTH
			tr := buildTree(t, one)
			sec := mkAccount(t, one, "sec-root", auth.SecAdmin, nil)
			secA := mkAccount(t, one, "sec-a", auth.SecAdmin, &tr.countyA)
			adm := mkAccount(t, one, "adm-root", auth.Admin, nil)
			office := mkAccount(t, one, "office-a", auth.Office, &tr.countyA)

			st, err := two.SecuritySettings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Policy.PasswordMinLength != 12 || st.Source["password_min_length"] != store.SourceEnv ||
				st.Source["password_min_classes"] != store.SourceDefault || st.Policy.AuditRetentionDays != 180 ||
				st.Policy.SessionIdleMinutes != 120 || st.Source["session_idle_minutes"] != store.SourceDefault {
				t.Fatalf("start-up settings: %+v", st)
			}

			want := st.Policy
			want.PasswordMinLength, want.SessionIdleMinutes, want.LockAfter, want.ThrottleFailures = 16, 5, 3, 3
			for _, a := range []auth.Account{adm, office, secA} {
				if _, err := one.UpdateSecuritySettings(ctx, a.Actor("10.0.0.9"), want); app.ErrorCode(err) != app.EFORBIDDEN {
					t.Fatalf("%s saves the policy: err = %v, want forbidden", a.Username, err)
				}
			}
			bad := want
			bad.PasswordMinLength, bad.AuditRetentionDays, bad.PasswordMaxAgeDays = 40, 30, 400
			_, err = one.UpdateSecuritySettings(ctx, sec.Actor("10.0.0.9"), bad)
			fields := app.ErrorFields(err)
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(fields.Get("password_min_length"), "8至32") ||
				!strings.Contains(fields.Get("audit_retention_days"), "180") || !strings.Contains(fields.Get("password_max_age_days"), "0或1至365") {
				t.Fatalf("out of bounds: err = %v, fields %v", err, fields)
			}

			saved, err := one.UpdateSecuritySettings(ctx, sec.Actor("10.0.0.9"), want)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Policy != want || saved.Source["password_min_length"] != store.SourceSaved || saved.UpdatedBy == "" ||
				saved.Source["lock_minutes"] != store.SourceDefault {
				t.Fatalf("saved: %+v", saved)
			}
			list, _, err := one.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "settings_change", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || !strings.Contains(list[0].Summary, "密码最短长度 10→16") ||
				!strings.Contains(list[0].Before, `"password_min_length":10`) || !strings.Contains(list[0].After, `"password_min_length":16`) {
				t.Fatalf("audit of the change: %+v", list)
			}

			// The other node: a saved setting overrides its start-up value at once.
			if _, err := two.CreateAccount(ctx, app.System, auth.AccountInput{Username: "short-pw", DisplayName: "短密码",
				Role: auth.Leader, OrgID: tr.countyA.ID, Password: "Short-pw-2026"}); !strings.Contains(app.ErrorFields(err).Get("password"), "16") {
				t.Fatalf("13 characters under a minimum of 16: err = %v", err)
			}
			now := fixedClock(two)
			if _, _, err := two.Login(ctx, "office-a", acctPassword, "10.0.0.1", "t"); err != nil {
				t.Fatal(err)
			}
			_, token, err := two.Login(ctx, "office-a", acctPassword, "10.0.0.1", "t")
			if err != nil {
				t.Fatal(err)
			}
			*now = now.Add(4 * time.Minute)
			if _, _, err := two.FindSession(ctx, token); err != nil {
				t.Fatalf("session after 4 idle minutes: %v", err)
			}
			*now = now.Add(6 * time.Minute)
			if _, _, err := two.FindSession(ctx, token); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("session after 6 idle minutes under a 5-minute limit: err = %v", err)
			}
			// Three failures lock the account; the security administrator unlocks it.
			for i := 0; i < 3; i++ {
				*now = now.Add(time.Second)
				if _, _, err := two.Login(ctx, "office-a", "wrong", "10.0.0.2", "t"); app.ErrorCode(err) != app.EUNAUTHORIZED {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			if _, _, err := two.Login(ctx, "office-a", acctPassword, "10.0.0.2", "t"); app.ErrorCode(err) != app.ETHROTTLED {
				t.Fatalf("after 3 failures with lock_after 3: err = %v, want locked", err)
			}
			if err := one.UnlockAccount(ctx, adm.Actor(""), sec.ID); err != nil {
				t.Fatalf("the system administrator unlocks the security administrator: %v", err)
			}
			if err := one.UnlockAccount(ctx, office.Actor(""), adm.ID); app.ErrorCode(err) != app.ENOTFOUND && app.ErrorCode(err) != app.EFORBIDDEN {
				t.Fatalf("an office unlocks a deployment-wide account: err = %v", err)
			}
			if err := one.UnlockAccount(ctx, sec.Actor(""), office.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := two.Login(ctx, "office-a", acctPassword, "10.0.0.2", "t"); err != nil {
				t.Fatalf("after unlocking: %v", err)
			}
		})
	}
}

// A shortened absolute lifetime ends sessions opened before the change.
func TestSecuritySettingsShortenSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		sec := mkAccount(t, db, "sec-root", auth.SecAdmin, nil)
		mkAccount(t, db, "leader-a", auth.Leader, &tr.countyA)
		now := fixedClock(db)
		_, token, err := db.Login(ctx, "leader-a", acctPassword, "10.0.0.1", "t")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ { // used every 50 minutes: never idle
			*now = now.Add(50 * time.Minute)
			if _, _, err := db.FindSession(ctx, token); err != nil {
				t.Fatalf("at %d: %v", i, err)
			}
		}
		st, err := db.SecuritySettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := st.Policy
		p.SessionAbsoluteHours = 2
		if _, err := db.UpdateSecuritySettings(ctx, sec.Actor(""), p); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindSession(ctx, token); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("a session of 2.5 hours under a 2-hour lifetime: err = %v", err)
		}
	})
}
