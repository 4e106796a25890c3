// Command xsbench is scripts/bench's helper. Its modes:
//
//	xsbench baseline --size N [--addr 127.0.0.1:0]
//	    serves a static HTML page of exactly N bytes on / (and of M bytes on
//	    /M) with a bare net/http handler: the ceiling a page of that size
//	    could reach on this machine, measured in the same run as the real pages.
//
//	xsbench coldstart [--runs 5] [--path /login] -- xieshang serve --db … --addr 127.0.0.1:0
//	    times the server's start to its first 200 (coldstart.go).
//
//	xsbench signin --url U --user NAME --password PW [--c 4] [--duration 10s]
//	    the sign-in form under load (signin.go).
//
//	xsbench report --in results.tsv
//	    the suite's tables and targets as Markdown (report.go).
//
//	xsbench profile --db FILE --user NAME --password PW --path /members?… [--n 3000] [--duration 0] [--out cpu.prof]
//	    runs the real handler (web.New on the database) in-process, signs in,
//	    requests the path n times (or for the duration) from 4 goroutines
//	    while recording a CPU profile, and prints the time per request; read the profile with
//	    `go tool pprof -top cpu.prof`.
//
//	xsbench meeting --url http://127.0.0.1:8080 --db FILE|postgres://… --password PW [--office office]
//	        [--members 0] [--boards 200] [--c 64] [--board-url URL of another node]
//	    the plenary load test against a running server (meeting.go): every
//	    expected member signs in with the QR code and votes on one item over
//	    HTTP while board clients hold the live event stream open; prints
//	    req/s, p50 and p99 per phase and when every board showed the result.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"xieshang/internal/seal"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: xsbench baseline --size N [--addr A] | xsbench profile --db FILE --path P … | xsbench meeting --url U --db DSN --password PW … | xsbench election --url U --db DSN … | xsbench coldstart -- CMD … | xsbench signin --url U --user N --password PW | xsbench report --in FILE")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "baseline":
		err = baseline(os.Args[2:])
	case "profile":
		err = profile(os.Args[2:])
	case "meeting":
		err = meetingBench(os.Args[2:])
	case "election":
		err = electionBench(os.Args[2:])
	case "coldstart":
		err = coldStart(os.Args[2:])
	case "signin":
		err = signinBench(os.Args[2:])
	case "report":
		err = report(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "xsbench:", err)
		os.Exit(1)
	}
}

// page returns an HTML page of exactly n bytes (at least a minimal document).
func page(n int) []byte {
	head := []byte("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>baseline</title></head><body><pre>\n")
	tail := []byte("</pre></body></html>\n")
	var b bytes.Buffer
	b.Write(head)
	line := "委员名单 baseline 0123456789 abcdefghijklmnopqrstuvwxyz\n"
	for b.Len()+len(tail)+len(line) <= n {
		b.WriteString(line)
	}
	for b.Len()+len(tail) < n {
		b.WriteByte(' ')
	}
	b.Write(tail)
	return b.Bytes()
}

func baseline(args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	size := fs.Int("size", 5000, "page size in bytes")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: baselineHandler(*size), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("baseline listening: http://%s/ (%d bytes; /N serves N bytes)\n", ln.Addr(), *size)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// maxBaseline is the largest page the baseline serves.
const maxBaseline = 64 << 20

// baselineHandler serves a static page of size bytes on /, and of N bytes on
// /N (made once, then kept): one bare handler for every size a suite needs.
func baselineHandler(size int) http.Handler {
	var pages sync.Map // int → []byte
	get := func(n int) []byte {
		if b, ok := pages.Load(n); ok {
			return b.([]byte)
		}
		b, _ := pages.LoadOrStore(n, page(n))
		return b.([]byte)
	}
	get(size)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := size
		if p := strings.TrimPrefix(r.URL.Path, "/"); p != "" {
			v, err := strconv.Atoi(p)
			if err != nil || v < 0 || v > maxBaseline {
				http.NotFound(w, r)
				return
			}
			n = v
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(get(n))
	})
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func profile(args []string) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	dsn := fs.String("db", "", "database (SQLite file or postgres:// URL) with the demo world")
	user := fs.String("user", "office", "account to sign in as")
	password := fs.String("password", "", "its password")
	path := fs.String("path", "/members", "page to request")
	n := fs.Int("n", 3000, "requests")
	dur := fs.Duration("duration", 0, "stop after this long, even before n requests (0: no limit)")
	out := fs.String("out", "cpu.prof", "CPU profile file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	srv := httptest.NewServer(web.New(db, web.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body, err := get(c, srv.URL+"/login")
	if err != nil {
		return err
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		return errors.New("no csrf_token on /login")
	}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"username": {*user}, "password": {*password}, "csrf_token": {m[1]}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	first, err := get(c, srv.URL+*path)
	if err != nil {
		return err
	}
	if strings.Contains(first, `name="password"`) {
		return errors.New("sign-in failed (the login form came back)")
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	start := time.Now()
	var deadline time.Time
	if *dur > 0 {
		deadline = start.Add(*dur)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var done atomic.Int64
	per := *n / 4
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				if _, err := get(c, srv.URL+*path); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	pprof.StopCPUProfile()
	if firstErr != nil {
		return firstErr
	}
	fmt.Printf("%s: %d requests in %s: %.1f req/s, %.1f ms each, %d bytes each; profile in %s\n", *path, done.Load(),
		took.Round(time.Millisecond), float64(done.Load())/took.Seconds(), ms(took)*4/float64(max(done.Load(), 1)), len(first), *out)
	return nil
}

func get(c *http.Client, u string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), nil
}

// openStore opens the database the server under test uses, with its
// encryption keys (as `xieshang serve` finds them: seal.ForDatabase).
func openStore(ctx context.Context, dsn string) (*store.DB, error) {
	keys, _, err := seal.ForDatabase(dsn, !store.IsPostgres(dsn))
	if err != nil {
		return nil, fmt.Errorf("the database's encryption keys: %w", err)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	db.SetKeys(keys)
	return db, nil
}
