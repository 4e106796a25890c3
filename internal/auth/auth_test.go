package auth

import (
	"strings"
	"testing"
	"time"
)

func TestHashPasswordArgon2id(t *testing.T) {
	h, err := HashPassword("Correct-horse-9", FastArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	ok, err := CheckPassword(h, "Correct-horse-9")
	if err != nil || !ok {
		t.Fatalf("right password: ok=%v err=%v", ok, err)
	}
	if ok, _ := CheckPassword(h, "correct-horse-9"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("Correct-horse-9", FastArgon2)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	// The default cost is what production uses: OWASP's 19 MiB × 2 passes.
	if DefaultArgon2.Memory != 19*1024 || DefaultArgon2.Time != 2 || DefaultArgon2.Threads != 1 {
		t.Fatalf("DefaultArgon2 = %+v", DefaultArgon2)
	}
	// A hash of other parameters is rehashed at the next sign-in; one of
	// these is not.
	if !NeedsRehash(h, DefaultArgon2) || NeedsRehash(h2, FastArgon2) || !NeedsRehash("plain", FastArgon2) {
		t.Fatalf("NeedsRehash: %v %v", NeedsRehash(h, DefaultArgon2), NeedsRehash(h2, FastArgon2))
	}
}

func TestCheckPasswordBadHash(t *testing.T) {
	for _, h := range []string{"", "plain", "$2a$10$abcdefghijklmnopqrstuv", "$argon2i$v=19$m=1,t=1,p=1$AA$AA",
		"$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x,t=1,p=1$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, err := CheckPassword(h, "x"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a bad hash", h)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := []struct{ pw, user, want string }{
		{"Short-1", "u", "密码至少10位"},
		{"alllowercase", "u", "密码须包含大写字母、小写字母、数字、符号中的至少三类"},
		{"lower-and-symbols", "u", "密码须包含大写字母、小写字母、数字、符号中的至少三类"},
		{"Lower-and-symbols", "u", ""},
		{"Zhangsan-2026", "zhangsan", "密码不能包含用户名"},
		{"密码Abcdef123", "u", ""},
		{strings.Repeat("Aa1", 50), "u", "密码不能超过128个字符"},
	}
	for _, c := range cases {
		if got := CheckPasswordPolicy(c.pw, c.user); got != c.want {
			t.Errorf("policy(%q) = %q, want %q", c.pw, got, c.want)
		}
	}
}

func TestRoleGrants(t *testing.T) {
	cases := []struct {
		role Role
		perm Permission
		want bool
	}{
		{Admin, AccountManage, true},
		{Office, MemberWrite, true},
		{Leader, MemberRead, true},
		{Leader, MemberWrite, false},
		{MemberRole, MemberRead, false},
		{Coordinator, OrgWrite, false},
		{Unit, OrgRead, false},
	}
	for _, c := range cases {
		if got := c.role.Can(c.perm); got != c.want {
			t.Errorf("%s.Can(%s) = %v", c.role, c.perm, got)
		}
	}
	if Office.CanAssign(Admin) || !Admin.CanAssign(Admin) || !Office.CanAssign(Cadre) || Leader.CanAssign(MemberRole) {
		t.Error("CanAssign")
	}
	for _, r := range Roles {
		if r.Label() == string(r) {
			t.Errorf("role %s has no Chinese label", r)
		}
		if p, ok := ParseRole(r.Label()); !ok || p != r {
			t.Errorf("ParseRole(%s)", r.Label())
		}
		for _, p := range r.Grants() {
			found := false
			for _, q := range Permissions {
				found = found || p == q
			}
			if !found {
				t.Errorf("%s grants unknown permission %s", r, p)
			}
		}
	}
}

func TestAccountInputValidate(t *testing.T) {
	in := AccountInput{Username: " Bad Name ", DisplayName: "", Role: "boss", Password: "x"}
	errs := in.Validate(&DefaultPasswordPolicy)
	for _, f := range []string{"username", "display_name", "role", "password"} {
		if errs.Get(f) == "" {
			t.Errorf("no error on %s: %v", f, errs)
		}
	}
	in = AccountInput{Username: "Zhang.san", DisplayName: "张三", Role: MemberRole, OrgID: 3, Password: "Good-pass-2026"}
	errs = in.Validate(&DefaultPasswordPolicy)
	if in.Username != "zhang.san" || errs.Get("member_id") != "委员账号须关联委员" || len(errs) != 1 {
		t.Errorf("member account: %v (username %q)", errs, in.Username)
	}
}

func TestSessionPolicy(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := SessionPolicy{Idle: 2 * time.Hour, Absolute: 12 * time.Hour}
	s := Session{ExpiresAt: now.Add(12 * time.Hour), LastSeenAt: now}
	if !p.Valid(s, now.Add(time.Hour)) {
		t.Error("fresh session invalid")
	}
	if p.Valid(s, now.Add(2*time.Hour+time.Second)) {
		t.Error("idle session still valid")
	}
	s.LastSeenAt = now.Add(12 * time.Hour)
	if p.Valid(s, now.Add(12*time.Hour)) {
		t.Error("session past absolute expiry still valid")
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if TokenHash(a) == a || len(TokenHash(a)) != 64 || TokenHash(a) != TokenHash(a) {
		t.Fatal("TokenHash")
	}
}

// With the default rule an account is throttled first and locked later: the
// lock is reachable (10 failures in a day) though 5 in a window are refused.
func TestDefaultThrottleReachesLock(t *testing.T) {
	th := DefaultThrottle
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var fails []time.Time
	locked := false
	for minute := 0; minute < 24*60 && !locked; minute++ {
		at := now.Add(time.Duration(minute) * time.Minute)
		inWindow, inLock := 0, 0
		for _, f := range fails {
			if f.After(th.Since(at)) {
				inWindow++
			}
			if f.After(th.LockSince(at)) {
				inLock++
			}
		}
		if th.Blocked(inWindow, th.MaxFailures) {
			continue // refused without checking the password
		}
		fails = append(fails, at)
		locked = inLock+1 >= th.LockAfter
	}
	if !locked {
		t.Fatal("default throttle never locks the account")
	}
}

// The password policy's figures are the deployment's, within bounds; its
// messages and hint follow them; a password expires only past MaxAge.
func TestPasswordPolicyFigures(t *testing.T) {
	strict := PasswordPolicy{MinLength: 12, MinClasses: 4, MaxAge: 90 * 24 * time.Hour}
	lax := PasswordPolicy{MinLength: 8, MinClasses: 2}
	for _, c := range []struct {
		p        PasswordPolicy
		pw, want string
	}{
		{strict, "Abc-12345", "密码至少12位"},
		{strict, "Abcdefgh-ijk", "密码须包含大写字母、小写字母、数字、符号中的至少四类"},
		{strict, "Abcdefgh-ij9", ""},
		{lax, "abcdefg1", ""},
		{lax, "abcdefgh", "密码须包含大写字母、小写字母、数字、符号中的至少两类"},
		{lax, "abc1", "密码至少8位"},
		{DefaultPasswordPolicy, "Lower-and-symbols", ""},
	} {
		if got := c.p.Check(c.pw, "u"); got != c.want {
			t.Errorf("%+v.Check(%q) = %q, want %q", c.p, c.pw, got, c.want)
		}
	}
	if h := strict.Hint(); h != "至少12位，包含大写字母、小写字母、数字、符号中的至少四类，且不能包含用户名；每90天须更换一次" {
		t.Errorf("hint %q", h)
	}
	if err := DefaultPasswordPolicy.Validate(); err != nil {
		t.Errorf("default policy: %v", err)
	}
	for _, bad := range []PasswordPolicy{{MinLength: 6, MinClasses: 3}, {MinLength: 40, MinClasses: 3},
		{MinLength: 10, MinClasses: 1}, {MinLength: 10, MinClasses: 5}, {MinLength: 10, MinClasses: 3, MaxAge: time.Hour},
		{MinLength: 10, MinClasses: 3, MaxAge: -24 * time.Hour}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	set := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		p   PasswordPolicy
		at  time.Time
		exp bool
	}{
		{strict, set.Add(90 * 24 * time.Hour), false},
		{strict, set.Add(90*24*time.Hour + time.Second), true},
		{DefaultPasswordPolicy, set.Add(10 * 365 * 24 * time.Hour), false},
	} {
		if got := c.p.Expired(set, c.at); got != c.exp {
			t.Errorf("%+v.Expired at %v = %v", c.p, c.at, got)
		}
	}
}
