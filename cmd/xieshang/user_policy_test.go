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

// The password policy comes from the environment for every command: a
// stricter one refuses what the default takes, and a policy outside its
// bounds stops the command before it writes.
func TestPasswordPolicyFromEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xs.db")
	t.Setenv("XIESHANG_PASSWORD_MIN_LENGTH", "14")
	t.Setenv("XIESHANG_PASSWORD_MIN_CLASSES", "4")
	if _, _, err := xs(t, "user", "create", "--db", path, "--username", "root", "--name", "平台管理员", "--role", "admin",
		"--password", "Chosen-pass-26"); err != nil {
		t.Fatalf("14 characters of four classes: %v", err)
	}
	if _, _, err := xs(t, "user", "reset", "--db", path, "--username", "root", "--password", "Chosen-pass-2"); err == nil ||
		!strings.Contains(err.Error(), "密码至少14位") {
		t.Errorf("13 characters under a 14-character policy: %v", err)
	}
	for name, value := range map[string]string{"XIESHANG_PASSWORD_MIN_LENGTH": "6", "XIESHANG_PASSWORD_MIN_CLASSES": "three",
		"XIESHANG_PASSWORD_MAX_AGE_DAYS": "-1"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			if _, _, err := xs(t, "user", "reset", "--db", path, "--username", "root", "--password", "Another-pass-2026x"); err == nil ||
				!strings.Contains(err.Error(), "password") {
				t.Errorf("%s=%s: %v", name, value, err)
			}
		})
	}
	db := openStore(t, path)
	if _, _, err := db.Login(t.Context(), "root", "Chosen-pass-26", "127.0.0.1", "test"); err != nil {
		t.Fatalf("a refused reset changed the password: %v", err)
	}
}
