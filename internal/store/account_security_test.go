package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// With the default throttle, slow guessing (under 5 per 15 minutes) still
// locks the account after 10 failures in a day.
func TestLoginLockoutWithDefaults(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "slow-a", auth.Office, &tr.countyA)
		now := fixedClock(db)
		start := *now
		for i := 0; i < 10; i++ {
			*now = start.Add(auth.DefaultThrottle.Window * 1 / 4 * time.Duration(i))
			if _, _, err := db.Login(ctx, "slow-a", "wrong", "10.0.0.1", "t"); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("attempt %d: err = %v, want bad credentials", i+1, err)
			}
		}
		*now = (*now).Add(auth.DefaultThrottle.Window)
		if _, _, err := db.Login(ctx, "slow-a", acctPassword, "10.0.0.1", "t"); app.ErrorCode(err) != app.ETHROTTLED {
			t.Fatalf("right password after 10 slow failures: err = %v, want locked", err)
		}
		*now = (*now).Add(auth.DefaultThrottle.LockFor + auth.DefaultThrottle.Window)
		if _, _, err := db.Login(ctx, "slow-a", acctPassword, "10.0.0.1", "t"); err != nil {
			t.Fatalf("after the lock ends: %v", err)
		}
	})
}

// An office account may not reset the password of an admin bound inside its
// subtree (it would then sign in as that admin).
func TestResetPasswordNeedsAssignableRole(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		admin := mkAccount(t, db, "admin-a", auth.Admin, &tr.countyA)
		office := mkAccount(t, db, "office-a", auth.Office, &tr.countyA)
		if err := db.ResetPassword(ctx, office.Actor(""), admin.ID, "New-pass-2026"); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("office resets admin: err = %v, want forbidden", err)
		}
		if err := db.ResetPassword(ctx, admin.Actor(""), office.ID, "New-pass-2026"); err != nil {
			t.Fatalf("admin resets office: %v", err)
		}
	})
}

// Changing or resetting a password revokes the account's API tokens.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := mkAccount(t, db, "owner-a", auth.Leader, &tr.countyA)
		admin := mkAccount(t, db, "admin-x", auth.Admin, nil)
		_, secret, err := db.CreateAPIToken(ctx, a.Actor(""), "脚本", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ChangePassword(ctx, a.Actor(""), "", acctPassword, "Changed-pass-2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindAPIToken(ctx, secret); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("token after password change: err = %v", err)
		}
		_, secret, _ = db.CreateAPIToken(ctx, a.Actor(""), "脚本2", 0)
		if err := db.ResetPassword(ctx, admin.Actor(""), a.ID, "Reset-pass-2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindAPIToken(ctx, secret); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("token after reset: err = %v", err)
		}
	})
}
