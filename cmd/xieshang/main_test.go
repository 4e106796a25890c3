package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// xs runs the command line and returns what it printed.
func xs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelp(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "audit verify"},
		{[]string{"help"}, "Commands:"},
		{[]string{"serve", "--help"}, "-addr"},
		{[]string{"migrate", "--help"}, "-db"},
		{[]string{"demo", "--help"}, "-db"},
		{[]string{"demo", "--help"}, "-scale"},
		{[]string{"user", "--help"}, "user create"},
		{[]string{"user", "create", "--help"}, "-username"},
		{[]string{"user", "reset", "--help"}, "-password"},
		{[]string{"backup", "--help"}, "-out"},
		{[]string{"audit", "--help"}, "audit verify"},
		{[]string{"audit", "verify", "--help"}, "-db"},
	}
	for _, c := range cases {
		out, errOut, err := xs(t, c.args...)
		if err != nil {
			t.Errorf("%v: err = %v, want nil", c.args, err)
		}
		if !strings.Contains(out+errOut, c.want) {
			t.Errorf("%v: output lacks %q:\n%s%s", c.args, c.want, out, errOut)
		}
	}
	if _, _, err := xs(t, "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
	if _, _, err := xs(t, "user", "delete"); err == nil {
		t.Error("unknown user subcommand accepted")
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"--scale", "country"}, {"--scale", "province", "--members", "900"}} {
		if _, _, err := xs(t, append([]string{"demo", "--db", dir + "/x.db"}, args...)...); err == nil {
			t.Errorf("demo %v accepted", args)
		}
	}
}

var pwRe = regexp.MustCompile(`password: (\S+)`)

// openStore opens the database file a command wrote.
func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	t.Cleanup(func() { db.Close() })
	return db
}

// usernames lists every account of db.
func usernames(t *testing.T, db *store.DB) []string {
	t.Helper()
	list, _, err := db.FindAccounts(context.Background(), app.System, store.AccountFilter{Sort: "username", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Username)
	}
	return out
}

func TestUserCreateAndReset(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "xs.db")
	out, _, err := xs(t, "user", "create", "--db", path, "--username", "Root", "--name", "平台管理员", "--role", "admin")
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	m := pwRe.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "created root (系统管理员)") {
		t.Fatalf("user create printed %q", out)
	}
	first := m[1]
	if msg := auth.CheckPasswordPolicy(first, "root"); msg != "" {
		t.Fatalf("generated password %q: %s", first, msg)
	}
	db := openStore(t, path)
	a, _, err := db.Login(ctx, "root", first, "127.0.0.1", "test")
	if err != nil || !a.MustChangePassword || a.Role != auth.Admin {
		t.Fatalf("login with the printed password: %v %+v", err, a)
	}

	// An office account bound to an organisation, with a chosen password.
	city, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "测试市政协"})
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := xs(t, "user", "create", "--db", path, "--username", "office", "--name", "办公室", "--role", "机关工作人员",
		"--org", app.Itoa(city.ID), "--password", "Chosen-pass-2026"); err != nil || !strings.Contains(out, "Chosen-pass-2026") {
		t.Fatalf("user create office: %v %q", err, out)
	}
	if _, _, err := xs(t, "user", "create", "--db", path, "--username", "weak", "--name", "弱", "--role", "office",
		"--org", app.Itoa(city.ID), "--password", "short"); err == nil || !strings.Contains(err.Error(), "密码至少10位") {
		t.Fatalf("weak password: err = %v", err)
	}
	if _, _, err := xs(t, "user", "create", "--db", path, "--username", "x1", "--name", "x", "--role", "king"); err == nil {
		t.Fatal("unknown role accepted")
	}

	out, _, err = xs(t, "user", "reset", "--db", path, "--username", "ROOT")
	if err != nil {
		t.Fatalf("user reset: %v", err)
	}
	m = pwRe.FindStringSubmatch(out)
	if m == nil || m[1] == first || !strings.HasPrefix(out, "reset root") {
		t.Fatalf("user reset printed %q", out)
	}
	if _, _, err := db.Login(ctx, "root", first, "127.0.0.1", "test"); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("old password after reset: %v", err)
	}
	a, _, err = db.Login(ctx, "root", m[1], "127.0.0.1", "test")
	if err != nil || !a.MustChangePassword {
		t.Fatalf("login after reset: %v %+v", err, a)
	}
	if _, _, err := xs(t, "user", "reset", "--db", path, "--username", "nobody"); err == nil {
		t.Fatal("reset of an unknown user succeeded")
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xs.db")
	// A deployment that chained with SHA-256 and moved to SM3 (the default):
	// one chain holds both, and verifies.
	for i, u := range []string{"alpha", "bravo", "charlie"} {
		alg := ""
		if i == 0 {
			alg = "sha256"
		}
		t.Setenv("XIESHANG_AUDIT_HASH", alg)
		if _, _, err := xs(t, "user", "create", "--db", path, "--username", u, "--name", u, "--role", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XIESHANG_AUDIT_HASH", "md5")
	if _, _, err := xs(t, "user", "create", "--db", path, "--username", "delta", "--name", "delta", "--role", "admin"); err == nil ||
		!strings.Contains(err.Error(), "XIESHANG_AUDIT_HASH") || !strings.Contains(err.Error(), "sm3") {
		t.Fatalf("an unknown audit hash: %v", err)
	}
	t.Setenv("XIESHANG_AUDIT_HASH", "")
	out, _, err := xs(t, "audit", "verify", "--db", path)
	if err != nil || !strings.Contains(out, "OK") || !strings.Contains(out, "3 entries checked (sm3 2, sha256 1)") ||
		!strings.Contains(out, "oldest entry: "+time.Now().In(openStore(t, path).Loc).Format("2006-01-02")) || !strings.Contains(out, "at least 180 days") {
		t.Fatalf("clean log: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// The database refuses the edit; an intruder with the file drops the
	// trigger first, and verify names both.
	if _, err := raw.Exec(`UPDATE audit_log SET summary = 'x' WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("editing an entry: %v, want refused", err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET summary = 'x' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out, _, err = xs(t, "audit", "verify", "--db", path)
	if err == nil || !strings.Contains(out, "PROBLEM") || !strings.Contains(out, "seq 2") || strings.Contains(out, "OK") ||
		!strings.Contains(out, "audit_log_no_update is missing") {
		t.Fatalf("edited log: err = %v\n%s", err, out)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "xs.db")
	for _, u := range []string{"alpha", "bravo"} {
		if _, _, err := xs(t, "user", "create", "--db", path, "--username", u, "--name", u, "--role", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	target := filepath.Join(dir, "backups", "copy.db")
	out, _, err := xs(t, "backup", "--db", path, "--out", target)
	if err != nil || !strings.Contains(out, "backup written: "+target) {
		t.Fatalf("backup: %v %q", err, out)
	}
	orig, copied := usernames(t, openStore(t, path)), usernames(t, openStore(t, target))
	if !slices.Equal(orig, copied) || len(copied) != 2 {
		t.Fatalf("backup holds %v, original %v", copied, orig)
	}
	// The copy is a complete database: its audit log verifies.
	if out, _, err := xs(t, "audit", "verify", "--db", target); err != nil {
		t.Fatalf("verify the backup: %v\n%s", err, out)
	}
	if _, _, err := xs(t, "backup", "--db", path, "--out", target); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
}

func TestBackupPostgresAdvice(t *testing.T) {
	// Without pg_dump on PATH: the commands to run by hand, and a failure
	// (a cron job must not take it for a backup).
	t.Setenv("PATH", t.TempDir())
	target := filepath.Join(t.TempDir(), "x.dump")
	out, _, err := xs(t, "backup", "--db", "postgres://nobody@127.0.0.1:1/xieshang?sslmode=disable", "--out", target)
	if !errors.Is(err, store.ErrNoPGDump) || !strings.Contains(out, "pg_dump --format=custom") || !strings.Contains(out, "pg_restore") {
		t.Fatalf("postgres backup without pg_dump: %v %q", err, out)
	}
}

func TestBackupPostgresUnreachable(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump not on PATH")
	}
	// Nothing listens on port 1: pg_dump fails, the command says so and leaves no file.
	target := filepath.Join(t.TempDir(), "x.dump")
	_, _, err := xs(t, "backup", "--db", "postgres://nobody:secret@127.0.0.1:1/xieshang?sslmode=disable&search_path=xs", "--out", target)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("postgres backup of an unreachable server: %v", err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatalf("a failed dump left %s: %v", target, err)
	}
}

func TestSearchIndexCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xs.db")
	if out, _, err := xs(t, "demo", "--db", path); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, _, err := xs(t, "search-index", "--verify", "--db", path)
	if err != nil || !strings.Contains(out, "matches") {
		t.Fatalf("verify after the demo: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM search_doc WHERE kind = 'topic'`); err != nil {
		t.Fatal(err)
	}
	out, _, err = xs(t, "search-index", "--verify", "--db", path)
	if err == nil || !strings.Contains(out, "topic") || !strings.Contains(out, "missing") {
		t.Fatalf("verify a damaged index: %v\n%s", err, out)
	}
	if out, _, err = xs(t, "search-index", "--db", path); err != nil || !strings.Contains(out, "rebuilt") {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	if out, _, err = xs(t, "search-index", "--verify", "--db", path); err != nil {
		t.Fatalf("verify after the rebuild: %v\n%s", err, out)
	}
}
