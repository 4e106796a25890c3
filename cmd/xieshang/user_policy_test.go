package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// `xieshang user reset --password` refuses a password the policy rejects,
// as `user create` does (TestUserCreateAndReset), and keeps the old one.
func TestUserResetWeakPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xs.db")
	if _, _, err := xs(t, "user", "create", "--db", path, "--username", "root", "--name", "平台管理员", "--role", "admin",
		"--password", "Chosen-pass-2026"); err != nil {
		t.Fatal(err)
	}
	for _, weak := range []struct{ pw, msg string }{
		{"short", "密码至少10位"},
		{"alllowercase2026", "至少三类"},
		{"My-root-pass-2026", "密码不能包含用户名"},
	} {
		out, _, err := xs(t, "user", "reset", "--db", path, "--username", "root", "--password", weak.pw)
		if err == nil || !strings.Contains(err.Error(), weak.msg) || strings.Contains(out, weak.pw) {
			t.Errorf("reset to %q: err = %v, out %q", weak.pw, err, out)
		}
	}
	db := openStore(t, path)
	if _, _, err := db.Login(t.Context(), "root", "Chosen-pass-2026", "127.0.0.1", "test"); err != nil {
		t.Fatalf("the refused resets changed the password: %v", err)
	}
}
