package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// takenBackup is one backup made under load: what the clients had been told
// when it began (every acknowledged write must be in it) and its figures.
type takenBackup struct {
	path   string
	must   *crashLoad
	during int64 // writes acknowledged while it ran
	took   time.Duration
	size   int64
}

// TestBackupUnderLoad runs the real binary on a SQLite file while the crash
// test's clients write (sign-ins, ballots, election ballots, visits), and
// runs `xieshang backup` several times meanwhile. Each backup must pass
// SQLite's integrity check and `xieshang audit verify`, and be one moment of
// the database: every write acknowledged before the backup began is in it,
// everything in it was sent, and the invariants that span tables hold (every
// visit has its aid rows, rollup and audit entry; the box holds exactly the
// ballots marked returned; no meeting ballot without its sign-in). Then the
// README's restore steps: stop the server, put the last backup in place of
// the database, start the server, sign in and read a page.
func TestBackupUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("backup test: builds the binary and runs it under load")
	}
	ctx := context.Background()
	bin := buildBinary(t)
	dsn := storetest.DSN(t, store.SQLite)
	w := crashSetup(t, dsn)
	srv := &crashServer{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)}
	srv.start()
	load, stopLoad := startCrashLoad(t, w, "http://"+srv.addr, 4*time.Second)
	t.Cleanup(func() {
		stopLoad()
		srv.kill()
	})

	dir := t.TempDir()
	var backups []takenBackup
	for i := range 5 {
		time.Sleep(700 * time.Millisecond) // writes pile up between backups
		b := takenBackup{path: filepath.Join(dir, fmt.Sprintf("backup-%d.db", i)), must: load.snapshot()}
		began := time.Now()
		out, err := exec.Command(bin, "backup", "--db", dsn, "--out", b.path).CombinedOutput()
		b.took = time.Since(began)
		b.during = load.acks.Load() - b.must.acks.Load()
		if err != nil || !strings.Contains(string(out), "backup written: "+b.path) {
			t.Fatalf("backup %d: %v\n%s", i, err, out)
		}
		fi, err := os.Stat(b.path)
		if err != nil {
			t.Fatal(err)
		}
		b.size = fi.Size()
		backups = append(backups, b)
	}
	time.Sleep(300 * time.Millisecond)
	stopLoad()
	may := load.snapshot() // every request sent: explains whatever a backup holds
	if t.Failed() {
		return
	}

	for i, b := range backups {
		raw := rawDB(t, b.path)
		var ok string
		if err := raw.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("backup %d: integrity_check %q %v", i, ok, err)
		}
		if out, err := exec.Command(bin, "audit", "verify", "--db", b.path).CombinedOutput(); err != nil ||
			!strings.Contains(string(out), "OK: every chain verifies") {
			t.Errorf("backup %d: audit verify: %v\n%s", i, err, out)
		}
		db, err := store.Open(ctx, b.path)
		if err != nil {
			t.Fatalf("backup %d: open: %v", i, err)
		}
		t.Logf("backup %d: %d bytes in %s, %d writes acknowledged while it ran, %d before it began",
			i, b.size, b.took.Round(time.Millisecond), b.during, b.must.acks.Load())
		checkCrash(t, db, raw, w, b.must, may)
		db.Close()
		raw.Close()
	}
	t.Logf("load: %d writes acknowledged in all, %d without an answer", may.acks.Load(), may.errs.Load())
	if t.Failed() {
		return
	}

	// Restore, as the README says: stop the server, move the database and its
	// -wal and -shm files aside, copy the backup in its place, start again.
	last := backups[len(backups)-1].path
	want := sqliteCounts(t, last)
	srv.stop()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(dsn+suffix, dsn+suffix+".before-restore"); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	copyFile(t, last, dsn)
	srv.start()
	got := sqliteCounts(t, dsn)
	if !maps.Equal(got, want) {
		for table, n := range want {
			if got[table] != n {
				t.Errorf("restored %s: %d rows, the backup %d", table, got[table], n)
			}
		}
		t.Fatalf("restored database differs from the backup")
	}
	rows := 0
	for _, n := range want {
		rows += int(n)
	}
	t.Logf("restored: %d tables, %d rows, the same counts as the backup", len(want), rows)
	page := signInAndGet(t, "http://"+srv.addr, "office", "Crash-test-2026", fmt.Sprintf("/meetings/%d", w.meetingID))
	if !strings.Contains(page, "县会议中心") {
		t.Errorf("meeting page after the restore lacks its place:\n%.2000s", page)
	}
	srv.stop()
	if out, err := exec.Command(bin, "audit", "verify", "--db", dsn).CombinedOutput(); err != nil {
		t.Errorf("restored database: audit verify: %v\n%s", err, out)
	}
}

// sqliteCounts returns the row count of every table of a SQLite file.
func sqliteCounts(t *testing.T, path string) map[string]int64 {
	t.Helper()
	raw := rawDB(t, path)
	defer raw.Close()
	var tables []string
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	counts := map[string]int64{}
	for _, table := range tables {
		var n int64
		if err := raw.QueryRow(`SELECT COUNT(*) FROM "` + table + `"`).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// signInAndGet signs in through the login form, as a browser does, and
// returns the page at path.
func signInAndGet(t *testing.T, base, username, password, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base + "/login")
	var csrf string
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "xs_login_csrf" {
			csrf = ck.Value
		}
	}
	res, err = c.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}, "csrf_token": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("sign in as %s: %s at %s", username, res.Status, res.Request.URL)
	}
	res, err = c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%.1000s", path, res.Status, body)
	}
	return string(body)
}
