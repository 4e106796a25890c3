package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

const acctPassword = "Acct-pass-2026"

// mkAccount creates an account bound to o (nil: the whole deployment).
func mkAccount(t *testing.T, db *store.DB, username string, role auth.Role, o *org.Org) auth.Account {
	t.Helper()
	in := auth.AccountInput{Username: username, DisplayName: "测试" + username, Role: role, Password: acctPassword}
	if o != nil {
		in.OrgID = o.ID
	}
	if role == auth.Unit && o != nil { // a unit account names its handling unit
		u, err := db.CreateUnit(context.Background(), app.System, store.UnitInput{CommitteeID: o.CommitteeID, Name: "单位" + username})
		if err != nil {
			t.Fatalf("create unit for %s: %v", username, err)
		}
		in.UnitID = u.ID
	}
	a, err := db.CreateAccount(context.Background(), app.System, in)
	if err != nil {
		t.Fatalf("create account %s: %v", username, err)
	}
	return a
}

// fixedClock makes db's clock return *now, which the test moves.
func fixedClock(db *store.DB) *time.Time {
	now := time.Date(2026, 3, 2, 1, 30, 0, 123456000, time.UTC)
	db.Now = func() time.Time { return now }
	return &now
}

func TestAccountPasswordIsArgon2id(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		tr := buildTree(t, db)
		a := mkAccount(t, db, "zhang.san", auth.Office, &tr.countyA)
		got, err := db.FindAccountByID(context.Background(), app.System, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$") {
			t.Fatalf("stored hash %q is not argon2id v19", got.PasswordHash)
		}
		if strings.Contains(got.PasswordHash, acctPassword) {
			t.Fatal("stored hash contains the password")
		}
		for pw, want := range map[string]bool{acctPassword: true, "Acct-pass-2027": false, "": false} {
			ok, err := auth.CheckPassword(got.PasswordHash, pw)
			if err != nil || ok != want {
				t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
			}
		}
		if !got.MustChangePassword {
			t.Error("a new account must change its password at first sign-in")
		}
	})
}

// A password hashed with older cost parameters is rehashed with the
// current ones at the next sign-in, and still signs in afterwards; a wrong
// password changes nothing.
func TestLoginRehashesOldCost(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := mkAccount(t, db, "li.si", auth.Office, &tr.countyA)
		hash := func() string {
			t.Helper()
			got, err := db.FindAccountByID(ctx, app.System, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.PasswordHash
		}
		old := hash()
		db.Argon2 = auth.Argon2Params{Memory: 2048, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
		if _, _, err := db.Login(ctx, "li.si", "Wrong-pass-2026", "10.0.0.2", "test"); err == nil {
			t.Fatal("a wrong password signed in")
		}
		if hash() != old {
			t.Fatal("a failed sign-in changed the hash")
		}
		if _, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test"); err != nil {
			t.Fatal(err)
		}
		now := hash()
		if now == old || !strings.Contains(now, "$m=2048,t=1,p=1$") {
			t.Fatalf("hash after sign-in %q, want the new cost", now)
		}
		if _, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test"); err != nil || hash() != now {
			t.Fatalf("second sign-in: %v, rehashed again: %v", err, hash() != now)
		}
	})
}

func TestLoginLockout(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := mkAccount(t, db, "li.si", auth.Leader, &tr.countyA)
		now := fixedClock(db)
		// The per-account refusal limit is raised so that failures reach the
		// lockout threshold inside one window.
		th := auth.DefaultThrottle
		th.MaxFailures, th.MaxPerIP = 100, 1000
		db.Throttle = th
		for i := 0; i < th.LockAfter; i++ {
			if _, _, err := db.Login(ctx, "li.si", "wrong-password", "10.0.0.1", "test"); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("failure %d: err = %v, want unauthorized", i+1, err)
			}
			*now = now.Add(time.Second)
		}
		_, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test")
		if app.ErrorCode(err) != app.ETHROTTLED || !strings.Contains(app.ErrorMessage(err), "锁定") {
			t.Fatalf("right password after %d failures: err = %v, want locked", th.LockAfter, err)
		}
		locked, _ := db.FindAccountByID(ctx, app.System, a.ID)
		if !locked.LockedUntil.After(*now) {
			t.Fatalf("locked_until = %v, want after %v", locked.LockedUntil, *now)
		}
		// The lock ends by itself …
		*now = now.Add(th.LockFor + time.Minute)
		if _, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test"); err != nil {
			t.Fatalf("after the lock expired: %v", err)
		}
		// … or when an office unlocks the account.
		for i := 0; i < th.LockAfter; i++ {
			db.Login(ctx, "li.si", "wrong-password", "10.0.0.1", "test")
		}
		if _, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test"); app.ErrorCode(err) != app.ETHROTTLED {
			t.Fatalf("locked again: err = %v", err)
		}
		if err := db.UnlockAccount(ctx, actorAt(tr.city), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Login(ctx, "li.si", acctPassword, "10.0.0.2", "test"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		if err := db.UnlockAccount(ctx, actorAt(tr.countyB), a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unlock from another county: err = %v, want not found", err)
		}
	})
}

func TestLoginThrottleDefault(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "wang.wu", auth.Office, &tr.countyA)
		now := fixedClock(db)
		th := auth.DefaultThrottle
		for i := 0; i < th.MaxFailures; i++ {
			db.Login(ctx, "wang.wu", "wrong-password", "10.0.0.1", "test")
		}
		if _, _, err := db.Login(ctx, "wang.wu", acctPassword, "10.0.0.9", "test"); app.ErrorCode(err) != app.ETHROTTLED {
			t.Fatalf("after %d failures, right password from another IP: err = %v, want throttled", th.MaxFailures, err)
		}
		*now = now.Add(th.Window + time.Second)
		if _, _, err := db.Login(ctx, "wang.wu", acctPassword, "10.0.0.9", "test"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestLoginThrottlePerIP(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "zhao.liu", auth.Office, &tr.countyA)
		now := fixedClock(db)
		db.Throttle = auth.Throttle{MaxFailures: 5, Window: 10 * time.Minute, LockAfter: 100, LockFor: time.Hour, MaxPerIP: 4}
		// Four different (mostly unknown) usernames from one address.
		for _, u := range []string{"nobody1", "nobody2", "nobody3", "zhao.liu"} {
			if _, _, err := db.Login(ctx, u, "guess-1234", "192.0.2.7", "test"); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("%s: err = %v", u, err)
			}
		}
		if _, _, err := db.Login(ctx, "zhao.liu", acctPassword, "192.0.2.7", "test"); app.ErrorCode(err) != app.ETHROTTLED {
			t.Fatalf("from the throttled address: err = %v, want throttled", err)
		}
		if _, _, err := db.Login(ctx, "zhao.liu", acctPassword, "192.0.2.8", "test"); err != nil {
			t.Fatalf("from another address: %v", err)
		}
		*now = now.Add(11 * time.Minute)
		if _, _, err := db.Login(ctx, "zhao.liu", acctPassword, "192.0.2.7", "test"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "sun.qi", auth.Office, &tr.countyA)
		a, keep, err := db.Login(ctx, "sun.qi", acctPassword, "10.0.0.1", "browser 1")
		if err != nil {
			t.Fatal(err)
		}
		_, other, err := db.Login(ctx, "sun.qi", acctPassword, "10.0.0.2", "browser 2")
		if err != nil {
			t.Fatal(err)
		}
		me := a.Actor("10.0.0.1")
		const next = "Brand-new-2026!"
		cases := []struct {
			name, current, next, field string
		}{
			{"wrong current", "Not-the-one-99", next, "current_password"},
			{"empty current", "", next, "current_password"},
			{"too short", acctPassword, "Ab1-", "new_password"},
			{"two classes", acctPassword, "abcdefghij12345", "new_password"},
			{"contains username", acctPassword, "Sun.qi-2026-xx", "new_password"},
			{"same as current", acctPassword, acctPassword, "new_password"},
		}
		for _, c := range cases {
			err := db.ChangePassword(ctx, me, keep, c.current, c.next)
			if app.ErrorFields(err).Get(c.field) == "" {
				t.Errorf("%s: err = %v, want field error on %s", c.name, err, c.field)
			}
		}
		if err := db.ChangePassword(ctx, me, keep, acctPassword, next); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindSession(ctx, keep); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		if _, _, err := db.FindSession(ctx, other); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("the other session survived the change: err = %v", err)
		}
		got, _ := db.FindAccountByID(ctx, app.System, a.ID)
		if got.MustChangePassword {
			t.Error("must_change_password still set after the change")
		}
		if ok, _ := auth.CheckPassword(got.PasswordHash, next); !ok {
			t.Error("the new password does not verify")
		}
		if _, _, err := db.Login(ctx, "sun.qi", acctPassword, "10.0.0.3", "x"); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Errorf("old password still accepted: %v", err)
		}
		entries, _, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "password", EntityID: a.ID})
		if err != nil || len(entries) != 1 || entries[0].AccountID != a.ID {
			t.Fatalf("audit of the change: %v %+v", err, entries)
		}
	})
}

func TestChangePasswordThrottled(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "qian.ba", auth.Office, &tr.countyA)
		a, tok, err := db.Login(ctx, "qian.ba", acctPassword, "10.0.0.1", "b")
		if err != nil {
			t.Fatal(err)
		}
		me := a.Actor("10.0.0.1")
		for i := 0; i < auth.DefaultThrottle.MaxFailures; i++ {
			db.ChangePassword(ctx, me, tok, "Guess-number-1", "Brand-new-2026!")
		}
		err = db.ChangePassword(ctx, me, tok, acctPassword, "Brand-new-2026!")
		if app.ErrorCode(err) != app.ETHROTTLED {
			t.Fatalf("after %d wrong current passwords: err = %v, want throttled", auth.DefaultThrottle.MaxFailures, err)
		}
	})
}

func TestFindAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		mkAccount(t, db, "a-office", auth.Office, &tr.countyA)
		mkAccount(t, db, "a-leader", auth.Leader, &tr.countyA)
		mkAccount(t, db, "a-town", auth.Coordinator, &tr.town)
		mkAccount(t, db, "a-village", auth.Coordinator, &tr.village)
		off := mkAccount(t, db, "a-unit", auth.Unit, &tr.countyA)
		mkAccount(t, db, "b-office", auth.Office, &tr.countyB)
		mkAccount(t, db, "city-office", auth.Office, &tr.city)
		mkAccount(t, db, "root", auth.Admin, nil)
		if _, err := db.UpdateAccount(ctx, actorAt(tr.countyA), off.ID, auth.AccountInput{DisplayName: "停用单位",
			Role: auth.Unit, OrgID: tr.countyA.ID, UnitID: off.UnitID, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		names := func(as []auth.Account) string {
			var s []string
			for _, a := range as {
				s = append(s, a.Username)
			}
			return strings.Join(s, ",")
		}
		cases := []struct {
			name  string
			actor app.Actor
			f     store.AccountFilter
			want  string
			total int
		}{
			{"county A sees its subtree", actorAt(tr.countyA), store.AccountFilter{Sort: "username"},
				"a-leader,a-office,a-town,a-unit,a-village", 5},
			{"county B sees its own", actorAt(tr.countyB), store.AccountFilter{}, "b-office", 1},
			{"deployment sees all", app.System, store.AccountFilter{Sort: "username", Limit: 3}, "a-leader,a-office,a-town", 8},
			{"second page", app.System, store.AccountFilter{Sort: "username", Limit: 3, Offset: 6}, "city-office,root", 8},
			{"descending", actorAt(tr.countyA), store.AccountFilter{Sort: "username", Desc: true, Limit: 2}, "a-village,a-unit", 5},
			{"by role", actorAt(tr.city), store.AccountFilter{Role: auth.Office, Sort: "username"}, "a-office,b-office,city-office", 3},
			{"by org subtree", actorAt(tr.city), store.AccountFilter{OrgID: tr.town.ID, Sort: "username"}, "a-town,a-village", 2},
			{"org outside scope", actorAt(tr.countyB), store.AccountFilter{OrgID: tr.countyA.ID}, "", 0},
			{"by name", actorAt(tr.city), store.AccountFilter{Name: "OFFICE", Sort: "username"}, "a-office,b-office,city-office", 3},
			{"by display name", actorAt(tr.countyA), store.AccountFilter{Name: "停用"}, "a-unit", 1},
			{"like wildcards are literal", actorAt(tr.city), store.AccountFilter{Name: "%"}, "", 0},
			{"disabled", actorAt(tr.countyA), store.AccountFilter{Disabled: &yes}, "a-unit", 1},
			{"enabled", actorAt(tr.countyA), store.AccountFilter{Disabled: &no, Role: auth.Leader}, "a-leader", 1},
			{"exact username", actorAt(tr.city), store.AccountFilter{Username: "A-Town"}, "a-town", 1},
			{"unknown sort falls back", actorAt(tr.countyB), store.AccountFilter{Sort: "password_hash; DROP TABLE account"}, "b-office", 1},
		}
		for _, c := range cases {
			got, total, err := db.FindAccounts(ctx, c.actor, c.f)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if names(got) != c.want || total != c.total {
				t.Errorf("%s: got %q total %d, want %q total %d", c.name, names(got), total, c.want, c.total)
			}
		}
	})
}

func TestUpdateAccountRules(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		office := mkAccount(t, db, "office-a", auth.Office, &tr.countyA)
		leader := mkAccount(t, db, "leader-a", auth.Leader, &tr.countyA)
		adminA := mkAccount(t, db, "admin-a", auth.Admin, &tr.countyA)
		other := mkAccount(t, db, "office-b", auth.Office, &tr.countyB)
		me := office.Actor("10.0.0.1")
		edit := func(a auth.Account) auth.AccountInput {
			return auth.AccountInput{DisplayName: a.DisplayName, Role: a.Role, OrgID: a.OrgID, MemberID: a.MemberID, Disabled: a.Disabled}
		}
		with := func(a auth.Account, f func(*auth.AccountInput)) auth.AccountInput {
			in := edit(a)
			f(&in)
			return in
		}
		cases := []struct {
			name  string
			id    int64
			in    auth.AccountInput
			code  string
			field string
		}{
			{"promote to admin", leader.ID, with(leader, func(in *auth.AccountInput) { in.Role = auth.Admin }), app.EINVALID, "role"},
			{"edit an admin", adminA.ID, with(adminA, func(in *auth.AccountInput) { in.DisplayName = "改名" }), app.EFORBIDDEN, ""},
			{"disable oneself", office.ID, with(office, func(in *auth.AccountInput) { in.Disabled = true }), app.EINVALID, "disabled"},
			{"demote oneself", office.ID, with(office, func(in *auth.AccountInput) { in.Role = auth.Leader }), app.EINVALID, "role"},
			{"move oneself", office.ID, with(office, func(in *auth.AccountInput) { in.OrgID = tr.town.ID }), app.EINVALID, "org_id"},
			{"move out of scope", leader.ID, with(leader, func(in *auth.AccountInput) { in.OrgID = tr.countyB.ID }), app.EINVALID, "org_id"},
			{"empty name", leader.ID, with(leader, func(in *auth.AccountInput) { in.DisplayName = " " }), app.EINVALID, "display_name"},
			{"member without member", leader.ID, with(leader, func(in *auth.AccountInput) { in.Role = auth.MemberRole }), app.EINVALID, "member_id"},
			{"member not in scope", leader.ID, with(leader, func(in *auth.AccountInput) { in.Role, in.MemberID = auth.MemberRole, 999 }), app.EINVALID, "member_id"},
			{"another county's account", other.ID, edit(other), app.ENOTFOUND, ""},
		}
		for _, c := range cases {
			_, err := db.UpdateAccount(ctx, me, c.id, c.in)
			if app.ErrorCode(err) != c.code || (c.field != "" && app.ErrorFields(err).Get(c.field) == "") {
				t.Errorf("%s: err = %v, want %s on %q", c.name, err, c.code, c.field)
			}
		}
		// Renaming oneself is fine.
		if _, err := db.UpdateAccount(ctx, me, office.ID, with(office, func(in *auth.AccountInput) { in.DisplayName = "新名字" })); err != nil {
			t.Fatalf("rename oneself: %v", err)
		}
		// Disabling ends the account's sessions and is logged with before/after.
		_, tok, err := db.Login(ctx, "leader-a", acctPassword, "10.0.0.5", "x")
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.UpdateAccount(ctx, me, leader.ID, with(leader, func(in *auth.AccountInput) {
			in.Disabled, in.OrgID, in.Role = true, tr.town.ID, auth.Coordinator
		}))
		if err != nil {
			t.Fatal(err)
		}
		if !after.Disabled || after.OrgID != tr.town.ID || after.Role != auth.Coordinator || after.OrgPath != tr.town.Path {
			t.Fatalf("after = %+v", after)
		}
		if _, _, err := db.FindSession(ctx, tok); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("session of a disabled account: err = %v", err)
		}
		if _, _, err := db.Login(ctx, "leader-a", acctPassword, "10.0.0.5", "x"); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("login of a disabled account: err = %v", err)
		}
		entries, _, err := db.FindAuditEntries(ctx, auditReader(me), store.AuditFilter{Entity: "account", EntityID: leader.ID, Action: "update"})
		if err != nil || len(entries) != 1 || entries[0].Summary != "停用账号 leader-a" ||
			!strings.Contains(entries[0].Before, `"role":"leader"`) || !strings.Contains(entries[0].After, `"role":"coordinator"`) ||
			strings.Contains(entries[0].After, "argon2") {
			t.Fatalf("audit: %v %+v", err, entries)
		}
		// Moved to another county by the city: both counties' logs tell.
		if _, err := db.UpdateAccount(ctx, actorAt(tr.city), other.ID, with(other, func(in *auth.AccountInput) {
			in.OrgID = tr.countyA.ID
		})); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			at   org.Org
			want string
		}{{tr.countyA, "修改账号 office-b"}, {tr.countyB, "账号 office-b 调出至 东阿县政协"}} {
			entries, _, err := db.FindAuditEntries(ctx, auditReader(actorAt(c.at)), store.AuditFilter{Entity: "account", EntityID: other.ID})
			if err != nil || len(entries) == 0 || entries[0].Summary != c.want {
				t.Errorf("log of %s: %v %+v, want %q", c.at.Name, err, entries, c.want)
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		owner := mkAccount(t, db, "owner-a", auth.Leader, &tr.town)
		peer := mkAccount(t, db, "peer-a", auth.Leader, &tr.countyA)
		officeB := mkAccount(t, db, "office-b", auth.Office, &tr.countyB)
		officeA := mkAccount(t, db, "office-a", auth.Office, &tr.countyA)
		tok, secret, err := db.CreateAPIToken(ctx, owner.Actor(""), "报表脚本", 0)
		if err != nil {
			t.Fatal(err)
		}
		if a, err := db.FindAPIToken(ctx, secret); err != nil || a.ID != owner.ID {
			t.Fatalf("find token: %v %+v", err, a)
		}
		list, err := db.ListAPITokens(ctx, owner.Actor(""))
		if err != nil || len(list) != 1 || list[0].Name != "报表脚本" || list[0].Prefix != secret[:9] {
			t.Fatalf("list: %v %+v", err, list)
		}
		if list, _ := db.ListAPITokens(ctx, peer.Actor("")); len(list) != 0 {
			t.Fatalf("another account lists %d tokens", len(list))
		}
		if _, err := db.FindAccountAPITokens(ctx, officeB.Actor(""), owner.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("office B lists A's tokens: %v", err)
		}
		for name, a := range map[string]auth.Account{"peer without account:manage": peer, "office of another county": officeB} {
			if err := db.RevokeAPIToken(ctx, a.Actor(""), tok.ID); app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("%s revokes: err = %v, want not found", name, err)
			}
		}
		if err := db.RevokeAPIToken(ctx, officeA.Actor(""), tok.ID); err != nil {
			t.Fatalf("office in scope revokes: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, owner.Actor(""), tok.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := db.FindAPIToken(ctx, secret); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("revoked token: err = %v", err)
		}
		list, _ = db.FindAccountAPITokens(ctx, officeA.Actor(""), owner.ID)
		if len(list) != 1 || list[0].RevokedAt.IsZero() {
			t.Fatalf("after revoke: %+v", list)
		}
		// The owner revokes its own.
		tok2, _, err := db.CreateAPIToken(ctx, owner.Actor(""), "第二个", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeAPIToken(ctx, owner.Actor(""), tok2.ID); err != nil {
			t.Fatal(err)
		}
		entries, _, _ := db.FindAuditEntries(ctx, auditReader(officeA.Actor("")), store.AuditFilter{Entity: "api_token", EntityID: tok.ID})
		if len(entries) != 2 || !strings.Contains(entries[0].Summary, "吊销") {
			t.Fatalf("token audit: %+v", entries)
		}
	})
}

func TestSessionsListAndRevoke(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := mkAccount(t, db, "zhou.jiu", auth.Leader, &tr.countyA)
		var tokens []string
		for _, ua := range []string{"Firefox", "微信浏览器"} {
			_, tok, err := db.Login(ctx, "zhou.jiu", acctPassword, "198.51.100.1", ua)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, tok)
		}
		if _, err := db.FindSessions(ctx, actorAt(tr.countyB), a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("sessions from another county: %v", err)
		}
		ss, err := db.FindSessions(ctx, actorAt(tr.countyA), a.ID)
		if err != nil || len(ss) != 2 || ss[0].IP != "198.51.100.1" || ss[0].UserAgent == "" {
			t.Fatalf("sessions: %v %+v", err, ss)
		}
		if _, err := db.RevokeSessions(ctx, actorAt(tr.countyB), a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("revoke from another county: %v", err)
		}
		n, err := db.RevokeSessions(ctx, actorAt(tr.countyA), a.ID)
		if err != nil || n != 2 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		for _, tok := range tokens {
			if _, _, err := db.FindSession(ctx, tok); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Fatalf("session alive after revoke: %v", err)
			}
		}
	})
}
