package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// FailoverEnv turns TestFailover on; scripts/failover sets it after
// installing pg_auto_failover.
const FailoverEnv = "XIESHANG_TEST_FAILOVER"

// TestFailover runs the production layout on loopback: PostgreSQL managed by
// pg_auto_failover (a monitor, a primary, a synchronous secondary) and two
// app nodes on the monitor's multi-host DSN. Clients send sign-ins, ballots,
// election ballots and visits to both nodes; the test stops the primary
// (pg_autoctl stop --immediate: its Postgres goes down without a checkpoint,
// as in a crash) and the monitor promotes the secondary. The app nodes must
// find the new primary on their own, without a restart: the test measures,
// per node, the time from the stop to the first acknowledged write sent
// after it, and then checks, as the crash test does, that every write
// answered 2xx is in the database. A board stream opened on node B before
// the stop must show a sign-in made on node A after it (both nodes' LISTEN
// connections came back); a session cookie from node A must still work after
// A restarts, and A's board stream, reconnected, must show the current state.
func TestFailover(t *testing.T) {
	if os.Getenv(FailoverEnv) == "" {
		t.Skipf("failover test: set %s=1 with pg_auto_failover installed (scripts/failover does both)", FailoverEnv)
	}
	if testing.Short() {
		t.Skip("failover test: starts three PostgreSQL servers and two app nodes")
	}
	ctx := context.Background()
	pg := startPGAF(t)
	dsn := pg.uri()
	t.Logf("DSN from the monitor: %s", dsn)

	w := crashSetup(t, dsn)
	bin := filepath.Join(t.TempDir(), "xieshang")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	nodes := []*crashServer{
		{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)},
		{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)},
	}
	var bases []string
	for _, s := range nodes {
		s.start()
		bases = append(bases, "http://"+s.addr)
	}
	a, b := bases[0], bases[1]
	defer func() {
		if t.Failed() {
			for i, s := range nodes {
				out := s.output()
				t.Logf("node %c output (last 3000 bytes):\n%s", 'A'+i, out[max(0, len(out)-3000):])
			}
			pg.dumpLogs()
		}
	}()

	// A session made on node A works on node B (shared XIESHANG_SIGN_KEY
	// and sessions in the database).
	cookie := webLogin(t, a, "office", "Crash-test-2026")
	for _, base := range bases {
		if code := getStatus(t, base+"/", cookie); code != http.StatusOK {
			t.Fatalf("GET %s/ with the session from node A: %d, want 200", base, code)
		}
	}
	boardPath := fmt.Sprintf("/meetings/%d/board/events", w.meetingID)
	watchB := watchBoard(t, b+boardPath, cookie)
	watchA := watchBoard(t, a+boardPath, cookie)

	// The load, on both nodes; sign-ins and election ballots spread over a
	// three minutes, longer than the run, so that some members are left to
	// sign in at the end.
	load := newCrashLoad()
	var stopAt atomic.Int64      // unix nanoseconds of the stop
	var firstAck [2]atomic.Int64 // unix nanoseconds of each node's first ack sent after it
	load.onAck = func(node int, sent time.Time) {
		at := stopAt.Load()
		if at != 0 && sent.UnixNano() >= at {
			firstAck[node].CompareAndSwap(0, time.Now().UnixNano())
		}
	}
	stopLoad := make(chan struct{})
	var stopOnce sync.Once
	var wg sync.WaitGroup
	t.Cleanup(func() {
		stopOnce.Do(func() { close(stopLoad) })
		wg.Wait()
		for _, s := range nodes {
			s.kill()
		}
	})
	load.drive(t, w, bases, 3*time.Minute, stopLoad, &wg)
	time.Sleep(8 * time.Second) // the load runs on both nodes
	ackedBefore := load.acks.Load()
	if ackedBefore == 0 {
		t.Fatalf("no write acknowledged before the stop; node A said:\n%s", nodes[0].output())
	}

	// Stop the primary: kill its pg_autoctl, Postgres and every backend at
	// once, as a lost machine would. Writes sent after that can only
	// succeed on the new primary.
	primary, standby := pg.nodes[0], pg.nodes[1]
	if st := pg.state(primary.name); st != "primary" {
		t.Fatalf("before the stop %s is %q, want primary", primary.name, st)
	}
	pg.crash(primary)
	stopped := time.Now()
	stopAt.Store(stopped.UnixNano())
	t.Logf("killed %s (the primary); %d writes acknowledged before", primary.name, ackedBefore)

	// Wait for both nodes to write again (the monitor's default timeouts
	// make a failover take 20-40 s).
	// Meanwhile, watch the secondary to learn when it takes writes.
	standbyDB, err := sql.Open("pgx", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/xieshang?sslmode=disable&connect_timeout=5", standby.port))
	if err != nil {
		t.Fatal(err)
	}
	defer standbyDB.Close()
	var promotedAt, writableAt time.Time // out of recovery; and not read-only either
	deadline := stopped.Add(2 * time.Minute)
	for firstAck[0].Load() == 0 || firstAck[1].Load() == 0 {
		var recovery, readOnly bool
		if writableAt.IsZero() && standbyDB.QueryRow(`SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'`).
			Scan(&recovery, &readOnly) == nil && !recovery {
			if promotedAt.IsZero() {
				promotedAt = time.Now()
			}
			if !readOnly {
				writableAt = time.Now()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("2 minutes after the stop: node A wrote again %v, node B %v; %s is %q",
				firstAck[0].Load() != 0, firstAck[1].Load() != 0, standby.name, pg.state(standby.name))
		}
		time.Sleep(50 * time.Millisecond)
	}
	promoted := pg.state(standby.name)
	took := [2]time.Duration{time.Unix(0, firstAck[0].Load()).Sub(stopped), time.Unix(0, firstAck[1].Load()).Sub(stopped)}
	t.Logf("first acknowledged write sent after the kill: node A after %.1f s, node B after %.1f s; %s is %q",
		took[0].Seconds(), took[1].Seconds(), standby.name, promoted)
	if !writableAt.IsZero() {
		t.Logf("%s left recovery %.1f s after the kill and took writes (not read-only) %.1f s after it; the nodes wrote again %.1f s and %.1f s after that",
			standby.name, promotedAt.Sub(stopped).Seconds(), writableAt.Sub(stopped).Seconds(),
			(took[0] - writableAt.Sub(stopped)).Seconds(), (took[1] - writableAt.Sub(stopped)).Seconds())
	}
	time.Sleep(5 * time.Second) // writes on the new primary
	stopOnce.Do(func() { close(stopLoad) })
	wg.Wait()

	// Every acknowledged write is there.
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	defer db.Close()
	raw := rawDB(t, dsn)
	var onPrimary bool
	if err := raw.QueryRowContext(ctx, `SELECT NOT pg_is_in_recovery()`).Scan(&onPrimary); err != nil || !onPrimary {
		t.Fatalf("the DSN leads to a server in recovery (%v)", err)
	}
	failedBefore := t.Failed()
	checkCrash(t, db, raw, w, load, load)
	lost := "0"
	if t.Failed() && !failedBefore {
		lost = "some (see errors above)"
	}

	// Node B's board, open since before the stop, shows a sign-in made on
	// node A after it.
	present := signInOne(t, raw, a, w)
	if got := watchB.wait(present); got != present {
		t.Errorf("node B's board shows %d present, want %d after a sign-in on node A", got, present)
	}

	// Node A restarts: the session cookie still works, its board stream
	// reconnects and shows the current state, including a sign-in made on
	// node B while A was down.
	reconnects := watchA.reconnects.Load()
	nodes[0].stop()
	present = signInOne(t, raw, b, w)
	nodes[0].start()
	if code := getStatus(t, a+"/", cookie); code != http.StatusOK {
		t.Errorf("GET / on node A after its restart with the session cookie: %d, want 200", code)
	}
	if got := watchA.wait(present); got != present {
		t.Errorf("node A's board after the restart shows %d present, want %d", got, present)
	}
	if watchA.reconnects.Load() == reconnects {
		t.Errorf("node A's board stream never reconnected after the restart")
	}
	present = signInOne(t, raw, b, w)
	if got := watchA.wait(present); got != present {
		t.Errorf("node A's board after the restart shows %d present, want %d after a sign-in on node B", got, present)
	}

	t.Logf("writes: %d acknowledged (%d before the kill), %d requests without an answer, %d answered with an error (retried); acknowledged writes lost: %s",
		load.acks.Load(), ackedBefore, load.errs.Load(), sumMap(load.refusals), lost)
	for k, n := range load.refusals {
		t.Logf("  %d× %s", n, k)
		if strings.HasPrefix(k, "404 ") {
			t.Errorf("%d× %s: the switch answered as if the record did not exist (clients would not retry)", n, k)
		}
	}
	t.Logf("boards: node B's stream reconnected %d time(s) during the failover; node A's %d time(s) over its restart",
		watchB.reconnects.Load(), watchA.reconnects.Load())
	fmt.Printf("FAILOVER: node A %.1fs, node B %.1fs to the first acknowledged write; %d writes acknowledged, lost %s\n",
		took[0].Seconds(), took[1].Seconds(), load.acks.Load(), lost)
}

// signInOne signs in, through the node at base, a member not yet signed in,
// and returns how many are present now.
func signInOne(t *testing.T, raw *sql.DB, base string, w crashWorld) int {
	t.Helper()
	signed := map[int64]bool{}
	rows, err := raw.Query(`SELECT member_id FROM sign_in WHERE meeting_id = $1`, w.meetingID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		signed[id] = true
	}
	rows.Close()
	for _, id := range w.members {
		if signed[id] {
			continue
		}
		body := strings.NewReader(fmt.Sprintf(`{"member_id": %d}`, id))
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/meetings/%d/signins", base, w.meetingID), body)
		req.Header.Set("Authorization", "Bearer "+w.office)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode/100 != 2 {
			t.Fatalf("sign-in of member %d on %s: %d %s", id, base, res.StatusCode, msg)
		}
		return len(signed) + 1
	}
	t.Fatal("every member is signed in already: the load's spread is too short")
	return 0
}

// webLogin signs in through the login form and returns the session cookie.
func webLogin(t *testing.T, base, username, password string) *http.Cookie {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var csrf *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "xs_login_csrf" {
			csrf = c
		}
	}
	if csrf == nil {
		t.Fatal("GET /login set no CSRF cookie")
	}
	form := url.Values{"username": {username}, "password": {password}, "csrf_token": {csrf.Value}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Value != "" && c.Name != "xs_login_csrf" && c.MaxAge >= 0 {
			return c
		}
	}
	t.Fatalf("POST /login: %d without a session cookie", res.StatusCode)
	return nil
}

// getStatus GETs url with the cookie and returns the status, not following
// redirects (a lost session answers 303 to /login).
func getStatus(t *testing.T, u string, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.AddCookie(c)
	noRedirect := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// boardWatch follows a board's event stream as a browser's EventSource
// would: it reconnects when the stream ends and keeps the latest "present".
type boardWatch struct {
	mu         sync.Mutex
	present    int
	changed    chan struct{} // closed and replaced at every event
	reconnects atomic.Int64
}

func watchBoard(t *testing.T, u string, c *http.Cookie) *boardWatch {
	ctx, cancel := context.WithCancel(context.Background())
	bw := &boardWatch{present: -1, changed: make(chan struct{})}
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	go func() {
		defer close(done)
		for first := true; ctx.Err() == nil; first = false {
			if !first {
				bw.reconnects.Add(1)
				time.Sleep(500 * time.Millisecond)
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
			req.AddCookie(c)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				continue
			}
			if res.StatusCode != http.StatusOK {
				res.Body.Close()
				continue
			}
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				var snap struct {
					Present *int `json:"present"`
				}
				if !ok || json.Unmarshal([]byte(data), &snap) != nil || snap.Present == nil {
					continue
				}
				bw.mu.Lock()
				bw.present = *snap.Present
				close(bw.changed)
				bw.changed = make(chan struct{})
				bw.mu.Unlock()
			}
			res.Body.Close()
		}
	}()
	return bw
}

// wait returns the board's "present" once it is want, or the last one seen
// if it does not get there within 30 seconds.
func (bw *boardWatch) wait(want int) int {
	timeout := time.After(30 * time.Second)
	for {
		bw.mu.Lock()
		got, changed := bw.present, bw.changed
		bw.mu.Unlock()
		if got == want {
			return got
		}
		select {
		case <-changed:
		case <-timeout:
			return got
		}
	}
}

// pgaf is a pg_auto_failover formation on loopback: a monitor and two
// Postgres nodes, each run by its own `pg_autoctl ... --run` service, all
// under one directory in /tmp, as the postgres user when the test runs as
// root (pg_autoctl refuses root).
type pgaf struct {
	t       *testing.T
	dir     string // data directories, config, logs, sockets
	pgBin   string
	autoctl string
	cred    *syscall.Credential // nil: run as the current user
	monitor pgafNode
	nodes   [2]pgafNode
}

type pgafNode struct {
	name, pgdata string
	port         int
	cmd          *exec.Cmd
	exited       chan struct{}
}

func startPGAF(t *testing.T) *pgaf {
	t.Helper()
	autoctl, err := exec.LookPath("pg_autoctl")
	if err != nil {
		t.Fatalf("%s is set but pg_autoctl is not installed (apt-get install postgresql-15-auto-failover): %v", FailoverEnv, err)
	}
	pgBin := os.Getenv("XIESHANG_PG_BIN")
	if pgBin == "" {
		pgBin = "/usr/lib/postgresql/15/bin"
	}
	dir, err := os.MkdirTemp("/tmp", "xieshang-failover-")
	if err != nil {
		t.Fatal(err)
	}
	pg := &pgaf{t: t, dir: dir, pgBin: pgBin, autoctl: autoctl}
	t.Cleanup(pg.close)
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root: pg_autoctl needs another user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	// pg_autoctl keeps its pid files in XDG_RUNTIME_DIR if it exists, else
	// in /tmp/pg_autoctl, where they would outlive the test.
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	if pg.cred != nil {
		if err := os.Chown(run, int(pg.cred.Uid), int(pg.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	port := func() int {
		_, p, _ := strings.Cut(freeAddr(t), ":")
		n, _ := strconv.Atoi(p)
		return n
	}
	pg.monitor = pgafNode{name: "monitor", pgdata: filepath.Join(dir, "monitor"), port: port()}
	for i := range pg.nodes {
		pg.nodes[i] = pgafNode{name: fmt.Sprintf("node%d", i+1), pgdata: filepath.Join(dir, fmt.Sprintf("node%d", i+1)), port: port()}
	}
	started := time.Now()

	// The monitor and the first node start from clusters made here, with
	// small settings (pg_autoctl sizes shared_buffers from the machine's
	// memory); the second node is a base backup of the first and inherits
	// them. fsync is off: the test stops processes, not the machine.
	for _, n := range []pgafNode{pg.monitor, pg.nodes[0]} {
		pg.run(filepath.Join(pgBin, "initdb"), "-D", n.pgdata, "-U", "postgres", "--auth", "trust", "-E", "UTF8", "--no-sync")
		conf := fmt.Sprintf("shared_buffers = '32MB'\nmax_connections = 150\nfsync = off\ncheckpoint_timeout = '30s'\n"+
			"listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n", dir)
		f, err := os.OpenFile(filepath.Join(n.pgdata, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(conf)
		f.Close()
	}
	pg.serve(&pg.monitor, "create", "monitor", "--pgdata", pg.monitor.pgdata, "--pgport", strconv.Itoa(pg.monitor.port),
		"--pgctl", filepath.Join(pgBin, "pg_ctl"), "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--run")
	pg.waitFor(func() bool { return pg.monitorDB() != nil }, "the monitor to accept connections")
	for i := range pg.nodes {
		n := &pg.nodes[i]
		if i == 1 {
			pg.checkpoint(pg.nodes[0]) // the base backup need not wait for a spread one
		}
		pg.serve(n, "create", "postgres", "--pgdata", n.pgdata, "--pgport", strconv.Itoa(n.port),
			"--pgctl", filepath.Join(pgBin, "pg_ctl"), "--hostname", "127.0.0.1", "--name", n.name,
			"--dbname", "xieshang", "--auth", "trust", "--no-ssl", "--monitor", pg.monitorURI(), "--run")
		want := "single"
		if i == 1 {
			want = "secondary"
		}
		pg.waitFor(func() bool { return pg.state(n.name) == want }, n.name+" to be "+want)
	}
	pg.waitFor(func() bool { return pg.state(pg.nodes[0].name) == "primary" }, "node1 to be primary")
	t.Logf("pg_auto_failover: monitor :%d, %s :%d primary, %s :%d secondary, up in %s",
		pg.monitor.port, pg.nodes[0].name, pg.nodes[0].port, pg.nodes[1].name, pg.nodes[1].port,
		time.Since(started).Round(100*time.Millisecond))
	return pg
}

func (pg *pgaf) env() []string {
	return append(os.Environ(), "HOME="+pg.dir, "XDG_CONFIG_HOME="+filepath.Join(pg.dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(pg.dir, "share"), "XDG_RUNTIME_DIR="+filepath.Join(pg.dir, "run"),
		"PGHOST="+pg.dir, "PATH="+pg.pgBin+":"+os.Getenv("PATH"))
}

func (pg *pgaf) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = pg.env()
	cmd.Dir = pg.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: pg.cred, Setpgid: true}
	return cmd
}

// run runs a command to its end and fails the test if it fails.
func (pg *pgaf) run(name string, args ...string) string {
	pg.t.Helper()
	out, err := pg.command(name, args...).CombinedOutput()
	if err != nil {
		pg.t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// serve starts a pg_autoctl service for n in the background, its output in
// dir/NAME.log.
func (pg *pgaf) serve(n *pgafNode, args ...string) {
	pg.t.Helper()
	log, err := os.Create(filepath.Join(pg.dir, n.name+".log"))
	if err != nil {
		pg.t.Fatal(err)
	}
	cmd := pg.command(pg.autoctl, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		pg.t.Fatal(err)
	}
	n.cmd, n.exited = cmd, make(chan struct{})
	go func() {
		cmd.Wait()
		log.Close()
		close(n.exited)
	}()
}

// crash kills n's service, its Postgres and all the backends with SIGKILL
// (they share the process group the service was started in) and returns
// once the postmaster is gone.
func (pg *pgaf) crash(n pgafNode) {
	pg.t.Helper()
	b, err := os.ReadFile(filepath.Join(n.pgdata, "postmaster.pid"))
	if err != nil {
		pg.t.Fatalf("%s: %v", n.name, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	postmaster, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		pg.t.Fatalf("%s: postmaster.pid: %v", n.name, err)
	}
	if err := syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		pg.t.Fatalf("kill %s: %v", n.name, err)
	}
	<-n.exited
	for syscall.Kill(postmaster, 0) == nil {
		// Not in the group after all: kill it by its id.
		syscall.Kill(postmaster, syscall.SIGKILL)
		time.Sleep(10 * time.Millisecond)
	}
}

func (pg *pgaf) close() {
	for _, n := range []pgafNode{pg.nodes[0], pg.nodes[1], pg.monitor} {
		if n.cmd == nil {
			continue
		}
		select {
		case <-n.exited:
			continue
		default:
		}
		pg.command(pg.autoctl, "stop", "--pgdata", n.pgdata, "--immediate").Run()
		select {
		case <-n.exited:
		case <-time.After(20 * time.Second):
			syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL) // the service's own process group
			<-n.exited
		}
	}
	if !pg.t.Failed() || os.Getenv("XIESHANG_KEEP_FAILOVER") == "" {
		os.RemoveAll(pg.dir)
	}
}

// checkpoint runs CHECKPOINT on n.
func (pg *pgaf) checkpoint(n pgafNode) {
	pg.t.Helper()
	db, err := sql.Open("pgx", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", n.port))
	if err != nil {
		pg.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CHECKPOINT`); err != nil {
		pg.t.Fatalf("checkpoint on %s: %v", n.name, err)
	}
}

func (pg *pgaf) monitorURI() string {
	return fmt.Sprintf("postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable", pg.monitor.port)
}

// monitorDB opens the monitor's database, or returns nil if it is not up.
func (pg *pgaf) monitorDB() *sql.DB {
	db, err := sql.Open("pgx", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/pg_auto_failover?sslmode=disable&connect_timeout=5", pg.monitor.port))
	if err != nil {
		return nil
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pgautofailover.node`).Scan(&n); err != nil {
		db.Close()
		return nil
	}
	return db
}

// state is the monitor's reported state of the node called name ("" if
// unknown): single, wait_primary, primary, secondary, demoted...
func (pg *pgaf) state(name string) string {
	db := pg.monitorDB()
	if db == nil {
		return ""
	}
	defer db.Close()
	var st string
	err := db.QueryRow(`SELECT reportedstate::text FROM pgautofailover.node WHERE nodename = $1`, name).Scan(&st)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	return st
}

// uri is the formation's DSN as the monitor gives it (pg_autoctl show uri),
// with the database user added.
func (pg *pgaf) uri() string {
	pg.t.Helper()
	out := strings.TrimSpace(pg.run(pg.autoctl, "show", "uri", "--formation", "default", "--monitor", pg.monitorURI()))
	uri, ok := strings.CutPrefix(out, "postgres://")
	if !ok {
		pg.t.Fatalf("pg_autoctl show uri: %q, want postgres://…", out)
	}
	if !strings.Contains(strings.SplitN(uri, "/", 2)[0], "@") {
		uri = "postgres@" + uri
	}
	return "postgres://" + uri
}

func (pg *pgaf) waitFor(ok func() bool, what string) {
	pg.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			pg.dumpLogs()
			pg.t.Fatalf("waited 3 minutes for %s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// dumpLogs logs the tail of each pg_autoctl service's output.
func (pg *pgaf) dumpLogs() {
	for _, n := range []pgafNode{pg.monitor, pg.nodes[0], pg.nodes[1]} {
		b, err := os.ReadFile(filepath.Join(pg.dir, n.name+".log"))
		if err == nil {
			pg.t.Logf("pg_autoctl %s (last 3000 bytes):\n%s", n.name, b[max(0, len(b)-3000):])
		}
	}
}
