package main

import (
	"context"
	"database/sql"
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
	w, srv, load, stopLoad := serveUnderLoad(t, bin, dsn)

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
		db.SetKeys(storetest.Keys)
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

// pgTools is where the test finds pg_dump and pg_restore.
const pgTools = "/usr/lib/postgresql/15/bin"

// TestBackupPostgres dumps a PostgreSQL database with pg_dump -Fc while the
// crash test's clients write, restores the archive with pg_restore into a new
// database, and compares every table there — row count and an md5 of all its
// rows — with the same table as the dump saw it: the test exports its own
// snapshot and hands it to pg_dump (--snapshot), so both read one moment.
// Then a `xieshang backup` of the live database under load, restored, holds
// every write acknowledged before it began and its invariants; on both
// restored databases the audit chains verify.
func TestBackupPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("backup test: builds the binary and runs it under load")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := os.Stat(filepath.Join(pgTools, tool)); err != nil {
			if os.Getenv(storetest.RequireEnv) == "1" {
				t.Fatalf("%s not found in %s but %s=1", tool, pgTools, storetest.RequireEnv)
			}
			t.Skipf("PostgreSQL backup test: %s not found in %s", tool, pgTools)
		}
	}
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	bin := buildBinary(t)
	schema := pgSchema(t, dsn)
	w, _, load, stopLoad := serveUnderLoad(t, bin, dsn)
	dir := t.TempDir()
	time.Sleep(1500 * time.Millisecond)

	// 1. pg_dump on a snapshot the test holds open and sums itself.
	live := rawDB(t, dsn)
	tx, err := live.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		t.Fatal(err)
	}
	want := pgTableSums(t, tx, schema)
	acksBefore := load.acks.Load()
	archive := filepath.Join(dir, "snapshot.dump")
	began := time.Now()
	conn, pgEnv := pgConn(t, dsn)
	dump := exec.Command(filepath.Join(pgTools, "pg_dump"), "--format=custom", "--snapshot="+snapshot,
		"--schema="+schema, "--file="+archive, "--dbname="+conn)
	dump.Env = pgEnv
	if out, err := dump.CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	took, during := time.Since(began), load.acks.Load()-acksBefore
	tx.Rollback()
	restored := pgRestore(t, dsn, schema, archive)
	got := pgTableSums(t, rawDB(t, restored), schema)
	rows := 0
	for table, sum := range want {
		if got[table] != sum {
			t.Errorf("table %s: restored %q, the dump's snapshot %q", table, got[table], sum)
		}
		var n int
		fmt.Sscan(sum, &n)
		rows += n
	}
	if len(got) != len(want) {
		t.Errorf("restored %d tables, the snapshot %d", len(got), len(want))
	}
	fi, _ := os.Stat(archive)
	t.Logf("pg_dump -Fc: %d bytes in %s, %d writes acknowledged while it ran; restored %d tables, %d rows, each md5 equal",
		fi.Size(), took.Round(time.Millisecond), during, len(want), rows)
	if out, err := exec.Command(bin, "audit", "verify", "--db", restored).CombinedOutput(); err != nil {
		t.Errorf("restored snapshot: audit verify: %v\n%s", err, out)
	}

	// 2. `xieshang backup` (pg_dump from PATH) of the live database under load.
	time.Sleep(700 * time.Millisecond)
	must := load.snapshot()
	archive = filepath.Join(dir, "xieshang.dump")
	backup := exec.Command(bin, "backup", "--db", dsn, "--out", archive)
	backup.Env = append(os.Environ(), "PATH="+pgTools+string(os.PathListSeparator)+os.Getenv("PATH"))
	began = time.Now()
	out, err := backup.CombinedOutput()
	took, during = time.Since(began), load.acks.Load()-must.acks.Load()
	if err != nil || !strings.Contains(string(out), "backup written: "+archive) {
		t.Fatalf("xieshang backup: %v\n%s", err, out)
	}
	time.Sleep(300 * time.Millisecond)
	stopLoad()
	may := load.snapshot()
	fi, _ = os.Stat(archive)
	t.Logf("xieshang backup: %d bytes in %s, %d writes acknowledged while it ran, %d before it began; %d in all",
		fi.Size(), took.Round(time.Millisecond), during, must.acks.Load(), may.acks.Load())
	restored = pgRestore(t, dsn, schema, archive)
	db, err := store.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	defer db.Close()
	checkCrash(t, db, rawDB(t, restored), w, must, may)
	if out, err := exec.Command(bin, "audit", "verify", "--db", restored).CombinedOutput(); err != nil {
		t.Errorf("restored backup: audit verify: %v\n%s", err, out)
	}
}

// pgSchema returns the schema a test DSN's search_path names.
func pgSchema(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Query().Get("search_path") == "" {
		t.Fatalf("no search_path in %s: %v", dsn, err)
	}
	return u.Query().Get("search_path")
}

// pgConn turns a test DSN into what libpq's tools take: no search_path
// (pg_dump and pg_restore reject it), the password in the environment.
func pgConn(t *testing.T, dsn string) (string, []string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	return u.String(), env
}

// pgRestore restores a pg_dump archive into a new database, as the README
// says (createdb, then pg_restore --no-owner --exit-on-error), and returns
// the DSN of the schema there. The database is dropped at the end.
func pgRestore(t *testing.T, dsn, schema, archive string) string {
	t.Helper()
	name := fmt.Sprintf("xs_restore_%d", time.Now().UnixNano())
	admin := rawDB(t, dsn)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	conn, env := pgConn(t, dsn)
	u, _ := url.Parse(conn)
	u.Path = "/" + name
	restore := exec.Command(filepath.Join(pgTools, "pg_restore"), "--no-owner", "--exit-on-error", "--dbname="+u.String(), archive)
	restore.Env = env
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// pgTableSums returns, for every table of schema, its row count and the md5
// of all its rows as text in order.
func pgTableSums(t *testing.T, q querier, schema string) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, schema)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	sums := map[string]string{}
	for _, table := range tables {
		rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT COUNT(*) || ' ' || COALESCE(md5(string_agg(r::text, E'\n'
			ORDER BY r::text COLLATE "C")), '') FROM %q.%q r`, schema, table))
		if err != nil {
			t.Fatalf("sum %s: %v", table, err)
		}
		rows.Next()
		var sum string
		if err := rows.Scan(&sum); err != nil {
			t.Fatalf("sum %s: %v", table, err)
		}
		rows.Close()
		sums[table] = sum
	}
	if len(sums) < 50 {
		t.Fatalf("schema %s: only %d tables", schema, len(sums))
	}
	return sums
}

// serveUnderLoad sets up the crash test's world on dsn, starts the binary on
// it and the crash test's clients against it (their late sign-ins and
// election ballots spread over 4 s). stopLoad ends the clients; the server is
// killed when the test ends.
func serveUnderLoad(t *testing.T, bin, dsn string) (w crashWorld, srv *crashServer, load *crashLoad, stopLoad func()) {
	w = crashSetup(t, dsn)
	srv = &crashServer{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)}
	srv.start()
	load, stopLoad = startCrashLoad(t, w, "http://"+srv.addr, 4*time.Second)
	t.Cleanup(func() {
		stopLoad()
		srv.kill()
	})
	return w, srv, load, stopLoad
}
