package live_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"xieshang/internal/live"
)

// pgDSN returns the test server's DSN, skipping the test without one unless
// XIESHANG_TEST_REQUIRE_PG=1 (the same variables as internal/storetest).
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("XIESHANG_TEST_PG")
	if dsn == "" {
		if os.Getenv("XIESHANG_TEST_REQUIRE_PG") == "1" {
			t.Fatal("XIESHANG_TEST_PG is not set but XIESHANG_TEST_REQUIRE_PG=1")
		}
		t.Skip("PostgreSQL not available: set XIESHANG_TEST_PG (scripts/test does)")
	}
	return dsn
}

// pgHub returns a Hub on a PostgreSQL bridge listening on channel.
func pgHub(t *testing.T, dsn, channel string) (*live.Hub, *live.PGBridge) {
	t.Helper()
	b, err := live.NewPGBridge(live.PGConfig{
		DSN:        dsn,
		Channel:    channel,
		Logger:     slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := live.NewHub(b)
	t.Cleanup(h.Close)
	return h, b
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// deliverUntil publishes msg on from until it arrives on events (the
// listener may still be connecting), skipping resyncs; it returns how many
// resyncs it saw.
func deliverUntil(t *testing.T, from *live.Hub, topic, msg string, events <-chan []byte) int {
	t.Helper()
	resyncs := 0
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	if err := from.Publish(topic, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case got, ok := <-events:
			if !ok {
				t.Fatal("subscription closed")
			}
			switch {
			case live.IsResync(got):
				resyncs++
			case string(got) == msg:
				return resyncs
			}
		case <-tick.C:
			if err := from.Publish(topic, []byte(msg)); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatalf("%q did not arrive within 10s", msg)
		}
	}
}

func TestPGBridge(t *testing.T) {
	dsn := pgDSN(t)
	channel := fmt.Sprintf("xieshang_live_test_%d", time.Now().UnixNano())
	a, bridgeA := pgHub(t, dsn, channel)
	b, bridgeB := pgHub(t, dsn, channel)

	onB, cancel := b.Subscribe(t.Context(), "board/9")
	defer cancel()
	onA, cancelA := a.Subscribe(t.Context(), "board/9")
	defer cancelA()

	// A publish on node A reaches node B, and A's own subscriber too.
	deliverUntil(t, a, "board/9", `{"应到":120,"实到":97}`, onB)
	deliverUntil(t, a, "board/9", `{"应到":120,"实到":98}`, onA)

	// The largest message fits one NOTIFY payload.
	largest := strings.Repeat("票", (live.MaxPayload-len("board/9")-1)/3)
	largest += strings.Repeat("x", live.MaxPayload-len("board/9")-1-len(largest))
	if got := len("board/9") + 1 + len(largest); got != live.MaxPayload {
		t.Fatalf("test message has %d bytes, want %d", got, live.MaxPayload)
	}
	deliverUntil(t, a, "board/9", largest, onB)

	// Kill B's listening connection and A's sending connection from a third.
	admin, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	listener, sender := bridgeB.ListenerPID(), bridgeA.SenderPID()
	if listener == 0 || sender == 0 {
		t.Fatalf("listener pid %d, sender pid %d: want both connected", listener, sender)
	}
	var killed int
	err = admin.QueryRow(t.Context(),
		`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid IN ($1, $2)`,
		int64(listener), int64(sender)).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminate: %v (%d killed)", err, killed)
	}

	// B reconnects and tells its subscriber to resync. Copies of the largest
	// message that deliverUntil published again while the first was on its
	// way (a loaded machine) may still arrive first: they are not news.
	resynced := time.After(10 * time.Second)
	for waiting := true; waiting; {
		select {
		case got := <-onB:
			switch {
			case live.IsResync(got):
				waiting = false
			case string(got) != largest:
				t.Fatalf("after the listener died: %q, want a resync", got)
			}
		case <-resynced:
			t.Fatal("no resync within 10s of killing the listener")
		}
	}
	if pid := bridgeB.ListenerPID(); pid == 0 || pid == listener {
		t.Fatalf("listener pid %d after reconnect (was %d)", pid, listener)
	}

	// And delivers again, through A's new sending connection.
	if n := deliverUntil(t, a, "board/9", `{"state":"closed","赞成":90}`, onB); n != 0 {
		t.Errorf("%d more resyncs after the reconnect", n)
	}
	if pid := bridgeA.SenderPID(); pid == 0 || pid == sender {
		t.Fatalf("sender pid %d after reconnect (was %d)", pid, sender)
	}
}

// MaxPayload is PostgreSQL's limit: one byte more and NOTIFY refuses.
func TestPGPayloadLimit(t *testing.T) {
	dsn := pgDSN(t)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, n := range []int{live.MaxPayload, live.MaxPayload + 1} {
		_, err := conn.Exec(t.Context(), `SELECT pg_notify('xieshang_live_limit', repeat('x', $1))`, n)
		if fits := err == nil; fits != (n <= live.MaxPayload) {
			t.Errorf("NOTIFY with %d bytes: %v", n, err)
		}
	}
}

func TestPGBridgeRejectsBadConfig(t *testing.T) {
	for _, cfg := range []live.PGConfig{
		{DSN: "postgres://[::1"},
		{DSN: "postgres://localhost/x", Channel: strings.Repeat("c", 64)},
	} {
		if _, err := live.NewPGBridge(cfg); err == nil {
			t.Errorf("NewPGBridge(%+v): no error", cfg)
		}
	}
}
