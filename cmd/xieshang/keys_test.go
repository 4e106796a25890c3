package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"xieshang/internal/storetest"
)

// TestMain gives every command the tests run, and every server they start,
// the test key ring (XIESHANG_KEYS), unless a test says otherwise.
func TestMain(m *testing.M) {
	os.Setenv("XIESHANG_KEYS", storetest.KeysText)
	os.Exit(m.Run())
}

// TestKeysMissing: without keys a server does not start and says why; the
// demo makes its own key file beside a SQLite database.
func TestKeysMissing(t *testing.T) {
	t.Setenv("XIESHANG_KEYS", "")
	t.Setenv("XIESHANG_KEY_FILE", "")
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--db", path, "--addr", "127.0.0.1:0"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "未配置加密主密钥") || !strings.Contains(err.Error(), "xieshang keys new") ||
		!strings.Contains(err.Error(), path+".keys") {
		t.Fatalf("serve without keys: %v", err)
	}
	t.Setenv("XIESHANG_KEY_FILE", filepath.Join(dir, "missing.keys"))
	if err := run(context.Background(), []string{"serve", "--db", path}, &out, &out); err == nil ||
		!strings.Contains(err.Error(), "missing.keys") {
		t.Fatalf("serve with a missing key file: %v", err)
	}
	bad := filepath.Join(dir, "bad.keys")
	os.WriteFile(bad, []byte("index 12\n"), 0o600)
	t.Setenv("XIESHANG_KEY_FILE", bad)
	if err := run(context.Background(), []string{"serve", "--db", path}, &out, &out); err == nil ||
		!strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("serve with a bad key file: %v", err)
	}
	t.Setenv("XIESHANG_KEY_FILE", "")
	out.Reset()
	if err := run(context.Background(), []string{"demo", "--db", path}, &out, &out); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path + ".keys")
	if err != nil || st.Mode().Perm() != 0o600 || !strings.Contains(out.String(), path+".keys") {
		t.Fatalf("the demo's key file: %v %v\n%s", st, err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"keys", "status", "--db", path}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "member.id_number") || !strings.Contains(out.String(), "master key k1: current") ||
		strings.Contains(out.String(), "PLAINTEXT") {
		t.Fatalf("keys status after the demo:\n%s", out.String())
	}
}

// TestKeysAddRotate: a master key added to the file seals nothing until
// rotate, which moves every value to it; status then says k1 may go.
func TestKeysAddRotate(t *testing.T) {
	dir := t.TempDir()
	path, keys := filepath.Join(dir, "x.db"), filepath.Join(dir, "keys")
	t.Setenv("XIESHANG_KEYS", "")
	t.Setenv("XIESHANG_KEY_FILE", keys)
	var out bytes.Buffer
	ctx := context.Background()
	for _, args := range [][]string{
		{"keys", "new", "--out", keys},
		{"demo", "--db", path},
		{"keys", "add", "--db", path, "--id", "k2"},
	} {
		if err := run(ctx, args, &out, &out); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
	}
	if err := run(ctx, []string{"keys", "new", "--out", keys}, &out, &out); err == nil {
		t.Fatal("keys new replaced an existing key file")
	}
	if err := run(ctx, []string{"keys", "add", "--db", path, "--id", "k2"}, &out, &out); err == nil {
		t.Fatal("a second k2 was added")
	}
	out.Reset()
	if err := run(ctx, []string{"keys", "rotate", "--db", path, "--batch", "50"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "rotated to master key k2") || !strings.Contains(s, "master key k1: no longer used") ||
		!strings.Contains(s, "master key k2: current") || strings.Contains(s, " k1 ") {
		t.Fatalf("rotate printed:\n%s", s)
	}
}

// TestKeysReloadOnHUP: a running server takes a master key added to its key
// file at SIGHUP (the step before `keys rotate`), and keeps the keys it has
// when the file it is sent to read is broken.
func TestKeysReloadOnHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	path, keys := filepath.Join(dir, "x.db"), filepath.Join(dir, "keys")
	t.Setenv("XIESHANG_KEYS", "")
	t.Setenv("XIESHANG_KEY_FILE", keys)
	var out bytes.Buffer
	ctx := context.Background()
	for _, args := range [][]string{{"keys", "new", "--out", keys}, {"migrate", "--db", path}} {
		if err := run(ctx, args, &out, &out); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
	}
	s := &crashServer{t: t, bin: buildBinary(t), dsn: path, addr: freeAddr(t), args: []string{"--log-level", "info"}}
	s.start()
	defer s.stop()
	waitLog := func(want string) {
		t.Helper()
		for range 200 {
			if strings.Contains(s.output(), want) {
				return
			}
			time.Sleep(25 * time.Millisecond)
		}
		t.Fatalf("the server did not log %q:\n%s", want, s.output())
	}
	if err := run(ctx, []string{"keys", "add", "--db", path, "--id", "k2"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog("master_keys=k1,k2 current=k2")

	good, _ := os.ReadFile(keys)
	os.WriteFile(keys, []byte("index 00\n"), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog("reload keys: kept the keys in use")
	os.WriteFile(keys, good, 0o600)
	res, err := http.Get("http://" + s.addr + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz after a failed reload: %v %v", res, err)
	}
	res.Body.Close()
}
