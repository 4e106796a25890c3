package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// TestGracefulShutdown starts the binary, opens several requests that record
// a visit and sends only the first half of each body, so they are in flight
// for as long as the test likes, and sends SIGTERM. /readyz must answer 503
// (with --drain-delay the server keeps serving meanwhile; a second signal
// ends the delay), then new connections are refused; the requests in flight,
// completed afterwards, each get their success answer and their visits are
// in the database with their aid rows; the process exits 0, that is within
// its 20 s grace (past it, Shutdown fails and serve exits 1).
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("shutdown test: builds the binary")
	}
	bin := buildBinary(t)
	for _, c := range []struct {
		name  string
		d     store.Dialect
		drain bool
	}{{"sqlite", store.SQLite, false}, {"sqlite-drain", store.SQLite, true}, {"postgres-drain", store.Postgres, true}} {
		t.Run(c.name, func(t *testing.T) {
			runShutdown(t, bin, storetest.DSN(t, c.d), c.drain)
		})
	}
}

// slowRequest is a request sent up to the middle of its body.
type slowRequest struct {
	conn   net.Conn
	r      *bufio.Reader
	rest   string
	marker string
}

func runShutdown(t *testing.T, bin, dsn string, drain bool) {
	ctx := context.Background()
	w := crashSetup(t, dsn)
	srv := &crashServer{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)}
	if drain {
		srv.args = []string{"--drain-delay", "10m"} // only the second signal ends it
	}
	srv.start()
	t.Cleanup(srv.kill)
	cmd := srv.cmd
	base := "http://" + srv.addr
	fresh := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path string) (int, error) {
		res, err := fresh.Get(base + path)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	if code, err := get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before shutdown: %d %v", code, err)
	}

	// Requests in flight: the server has read the headers and the handler
	// reads the body (it sends "100 Continue" at its first read).
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	var slow []*slowRequest
	for i := range 4 {
		marker := fmt.Sprintf("shutdown-visit-%d", i)
		body, _ := json.Marshal(map[string]any{"household_id": w.households[i%2], "visited_on": today, "seen": marker,
			"aid": []map[string]any{{"item": "米", "quantity": "1袋", "value_fen": 15000}, {"item": "慰问金", "value_fen": 50000}}})
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/visits HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", srv.addr, w.cadres[i%2], len(body))
		s := &slowRequest{conn: conn, r: bufio.NewReader(conn), rest: string(body[len(body)/2:]), marker: marker}
		if _, err := io.WriteString(conn, string(body[:len(body)/2])); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(s.r, nil)
		if err != nil || res.StatusCode != http.StatusContinue {
			t.Fatalf("request %d: want 100 Continue, got %v %v", i, res, err)
		}
		slow = append(slow, s)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Readiness flips to 503 at the signal.
	if drain {
		for deadline := time.Now().Add(30 * time.Second); ; {
			if time.Now().After(deadline) {
				t.Fatal("/readyz still answers 200 30 s after SIGTERM")
			}
			code, err := get("/readyz")
			if err != nil {
				t.Fatalf("/readyz while draining: %v (the listener closed before the second signal)", err)
			}
			if code == http.StatusServiceUnavailable {
				break
			}
			if code != http.StatusOK {
				t.Fatalf("/readyz while draining: %d", code)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Still serving: a new connection gets its answer; liveness holds.
		if code, err := get("/healthz"); code != http.StatusOK {
			t.Fatalf("/healthz while draining: %d %v", code, err)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	shutdownAt := time.Now()
	// Then new connections are refused.
	for deadline := time.Now().Add(30 * time.Second); ; {
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			// Refused; or reset, when the dial reached the listener's
			// backlog just as it closed.
			if !strings.Contains(err.Error(), "refused") && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("new connection after shutdown began: %v", err)
			}
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections still accepted 30 s after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// The requests in flight finish and get their answers.
	for i, s := range slow {
		if _, err := io.WriteString(s.conn, s.rest); err != nil {
			t.Fatalf("request %d: rest of the body: %v", i, err)
		}
		res, err := http.ReadResponse(s.r, nil)
		if err != nil {
			t.Fatalf("request %d: no answer after shutdown began: %v", i, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated || !strings.Contains(string(body), s.marker) {
			t.Errorf("request %d: %s %s", i, res.Status, body)
		}
	}
	err := <-srv.exited
	exited := time.Since(shutdownAt)
	srv.cmd = nil
	if err != nil {
		t.Fatalf("serve exited with %v after %s\n%s", err, exited, srv.output())
	}

	raw := rawDB(t, dsn)
	for _, s := range slow {
		var aid, audits int
		err := raw.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM assist_aid a WHERE a.visit_id = v.id),
			(SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'assist_visit' AND l.entity_id = v.id)
			FROM assist_visit v WHERE v.seen = $1`, s.marker).Scan(&aid, &audits)
		if err != nil || aid != 2 || audits != 1 {
			t.Errorf("visit %s: %d aid rows, %d audit entries, %v", s.marker, aid, audits, err)
		}
	}
	if out, err := exec.Command(bin, "audit", "verify", "--db", dsn).CombinedOutput(); err != nil {
		t.Errorf("audit verify after shutdown: %v\n%s", err, out)
	}
	t.Logf("%d requests in flight at SIGTERM answered 201 and written; exit 0 %s after shutdown began",
		len(slow), exited.Round(time.Millisecond))
}
