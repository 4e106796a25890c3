package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// The test binary doubles as a slow server for TestColdStart.
func TestMain(m *testing.M) {
	if d := os.Getenv("XSBENCH_FAKE_SERVER"); d != "" {
		fakeServer(d)
		return
	}
	os.Exit(m.Run())
}

// fakeServer listens at once, prints its address like xieshang serve, and
// answers /login with 503 until delay has passed since its start, then 200.
func fakeServer(delay string) {
	start := time.Now()
	wait, err := time.ParseDuration(delay)
	if err != nil {
		os.Exit(3) // the test of a server that exits before listening
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(5)
	}
	fmt.Printf("fake 已启动 (listening): http://%s/login\n", ln.Addr())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/login" || time.Since(start) < wait {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
}

func TestColdStartWaitsForTheFirst200(t *testing.T) {
	t.Setenv("XSBENCH_FAKE_SERVER", "300ms")
	d, err := startOnce([]string{os.Args[0]}, "/login", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if d < 300*time.Millisecond || d > 5*time.Second {
		t.Fatalf("cold start %s, want a little over 300ms (the fake answers 503 until then)", d)
	}
	t.Setenv("XSBENCH_FAKE_SERVER", "10s")
	if _, err := startOnce([]string{os.Args[0]}, "/login", 500*time.Millisecond); err == nil ||
		!strings.Contains(err.Error(), "no 200") {
		t.Fatalf("a server that never answers 200: err = %v", err)
	}
	t.Setenv("XSBENCH_FAKE_SERVER", "bad")
	if _, err := startOnce([]string{os.Args[0]}, "/login", 5*time.Second); err == nil ||
		!strings.Contains(err.Error(), "exited") {
		t.Fatalf("a server that exits: err = %v", err)
	}
}

func TestMedian(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{ms(5), 5 * time.Millisecond},
		{ms(900, 100, 300), 300 * time.Millisecond},
		{ms(4, 1, 3, 2), 2 * time.Millisecond},
		{nil, 0},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestBaselineServesEverySize(t *testing.T) {
	srv := httptest.NewServer(baselineHandler(5000))
	defer srv.Close()
	for path, want := range map[string]int{"/": 5000, "/24072": 24072, "/300": 300, "/24073": 24073} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) != want {
			t.Errorf("GET %s: %s, %d bytes, want 200 and %d", path, resp.Status, len(b), want)
		}
		if !strings.HasSuffix(string(b), "</html>\n") {
			t.Errorf("GET %s: not a whole page", path)
		}
	}
	for _, path := range []string{"/x", "/-1", "/999999999999"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s: %s, want 404", path, resp.Status)
		}
	}
}

// The sign-in load against the real handler: every sign-in gets its session.
func TestSigninAgainstTheRealLoginForm(t *testing.T) {
	db := storetest.Open(t)
	db.Argon2 = auth.FastArgon2
	if _, err := db.CreateAccount(context.Background(), app.System, auth.AccountInput{Username: "bench-signin",
		DisplayName: "测速", Role: auth.Admin, Password: "Xs-load-2026-pw"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	if d, err := signInOnce(tr, srv.URL, "bench-signin", "Xs-load-2026-pw"); err != nil || d <= 0 {
		t.Fatalf("sign-in: %v, %v", d, err)
	}
	if _, err := signInOnce(tr, srv.URL, "bench-signin", "wrong-password-1"); err == nil {
		t.Fatal("a wrong password signed in")
	}
}

const sampleResults = `# a run
info	binary_bytes	44040192
info	load_before	0.10 0.50 1.20
info	load_after	2.50 1.80 1.40
page	list	member list	/members
page	detail	a member	/members/7
page	search	search 协商	/search?q=协商
page	dashboard	dashboard	/dashboard
page	list	visits	/visits
skip	visits	no list page of visits
metric	SQLite	world	province, seed 1
metric	SQLite	coldstart_ms	412.5
metric	SQLite	coldstart_runs	400,412,430
base	member list	24072	30000	0.8	2	5	0
load	SQLite	member list	24072	6000	4	7	40	0	60000
load	PostgreSQL	member list	24100	3000	9	15	60	0	0
base	a member	9000	40000	0.7	1.5	4	0
load	SQLite	a member	9000	5000	5	8	30	0	90000
load	PostgreSQL	a member	9000	7000	3	6	20	0	200000
base	search 协商	12000	35000	0.8	2	5	0
load	SQLite	search 协商	12000	300	90	120	150	0	40000
one	SQLite	search 协商	12000	60	12	25	40	0
one	PostgreSQL	search 协商	12000	40	20	35	50	0
base	dashboard	36000	20000	1	3	8	0
one	SQLite	dashboard	36000	11	90	120	130	0
one	PostgreSQL	dashboard	36000	7	140	150	160	0
signin	SQLite	4	20	150	190	220	0
vote	SQLite	9996	6296	7.9	36.7	0
vote	PostgreSQL	9996	3941	15	40	0
metric	SQLite	hwm_kb	90000
metric	SQLite	rss_kb	60000
metric	SQLite	signin_hwm_kb	70000
metric	PostgreSQL	hwm_kb	200000
metric	PostgreSQL	coldstart_ms	1200
`

func TestReportJudgesEveryTarget(t *testing.T) {
	r, err := parseResults(strings.NewReader(sampleResults))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.DBs, ",") != "SQLite,PostgreSQL" {
		t.Fatalf("databases %v", r.DBs)
	}
	check := func(page, db string, want verdict) {
		t.Helper()
		if got, _, _ := pageVerdict(r.page(page), db); got != want {
			t.Errorf("%s on %s: %v, want %v", page, db, got, want)
		}
	}
	check("member list", "SQLite", met)         // 0.2 of the baseline, p99 8×
	check("member list", "PostgreSQL", missed)  // 0.1
	check("a member", "SQLite", missed)         // 0.125
	check("a member", "PostgreSQL", met)        // 0.175, p99 5×
	check("search 协商", "SQLite", notMeasured)   // search has its own target
	check("member list", "Oracle", notMeasured) // no such column

	var b strings.Builder
	writeReport(&b, r)
	out := b.String()
	for _, want := range []string{
		"| member list, `/members` | 24072 | 30,000 | 5.00 | 6,000 | 4.00 | 40.00 | 0.200 | 8.0 | 61 | met | 3,000 | 9.00 | 60.00 | 0.100 | 12.0 | — | **missed** |",
		"- visits, `/visits`: not measured — no list page of visits",
		"| list and detail pages: req/s ≥ 15 % of the baseline's and p99 ≤ 10× the baseline's | 1 of 2 met; missed: a member 0.125, 7.5× | 1 of 2 met; missed: member list 0.100, 12.0× |",
		"| search for a 2-character word: p95 < 30 ms (one connection) | 25.0 ms: met | 35.0 ms: **missed** |",
		"| dashboard < 100 ms (one connection, p50; p95 in brackets) | 90.0 ms (120.0): met | 140.0 ms (150.0): **missed** |",
		"| e-voting ≥ 5,000 ballots/s over HTTP | 6,296/s (9,996 ballots, p99 36.7 ms): met | 3,941/s (9,996 ballots, p99 40.0 ms): **missed** |",
		"| cold start < 1 s (process start → first 200 on /login, median) | 412 ms (400,412,430): met | 1200 ms: **missed** |",
		"| RSS < 150 MB under load (the server's peak VmHWM; each page and the sign-ins on a freshly started server) | 92 MB (a member), then 72 MB (the sign-ins), the rest ≤ 61 MB: met | 205 MB (a member): **missed** |",
		"- SQLite server's RSS after the run: 61 MB",
		"- load average (1, 5, 15 min) before the measurements: 0.10 0.50 1.20; after: 2.50 1.80 1.40",
		"- sign-in (SQLite): 20 sign-ins/s with 4 clients, p50 150.0 ms, p95 190.0 ms, p99 220.0 ms, 0 errors",
		"- SQLite: province, seed 1",
		"- binary size: 42.0 MiB (44040192 bytes)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks\n%s\nin\n%s", want, out)
		}
	}
}

func TestMissedPages(t *testing.T) {
	r, err := parseResults(strings.NewReader(sampleResults))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range missedPages(r) {
		got = append(got, m[0]+" "+m[1])
	}
	want := "SQLite /members/7|PostgreSQL /members|PostgreSQL /search?q=协商|PostgreSQL /dashboard"
	if strings.Join(got, "|") != want {
		t.Errorf("missed %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestReportRefusesBadLines(t *testing.T) {
	for _, in := range []string{
		"bogus\tx\n",
		"load\tSQLite\tmember list\t100\tfast\t1\t2\t3\t0\t0\n",
		"load\tSQLite\tmember list\t100\t1\t1\t2\t3\t0\n",
		"base\tmember list\t100\t1\t2\n",
		"signin\tSQLite\t4\t1\t2\t3\t4\tmany\n",
	} {
		if _, err := parseResults(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 35123.4: "35,123", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}
