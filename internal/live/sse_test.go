package live_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"xieshang/internal/live"
)

// sseEvent is one thing read from an event stream: an event (Type, Data) or
// a comment line.
type sseEvent struct {
	Type    string // "message" unless an event: field said otherwise
	Data    string
	Comment string
	Retry   string
}

// readEvents parses an event stream the way a browser's EventSource does
// (the fields this package writes) and sends what it reads to the returned
// channel, which is closed at the end of the stream.
func readEvents(body io.Reader) <-chan sseEvent {
	out := make(chan sseEvent, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		var typ string
		var data []string
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if line == "" {
				if data != nil {
					if typ == "" {
						typ = "message"
					}
					out <- sseEvent{Type: typ, Data: strings.Join(data, "\n")}
				}
				typ, data = "", nil
				continue
			}
			if c, ok := strings.CutPrefix(line, ":"); ok {
				out <- sseEvent{Comment: strings.TrimPrefix(c, " ")}
				continue
			}
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				typ = value
			case "data":
				data = append(data, value)
			case "retry":
				out <- sseEvent{Retry: value}
			}
		}
	}()
	return out
}

func next(t *testing.T, events <-chan sseEvent, within time.Duration) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(within):
		t.Fatalf("nothing on the stream within %v", within)
		return sseEvent{}
	}
}

// wrapped is a middleware's response writer, like web's statusWriter: the
// stream must flush through Unwrap.
type wrapped struct{ http.ResponseWriter }

func (w wrapped) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// boardServer serves a board stream for topic "board/1" from h; each
// handler's return value goes to the returned channel.
func boardServer(t *testing.T, h *live.Hub, stream func(events <-chan []byte) *live.Stream) (*httptest.Server, <-chan error) {
	t.Helper()
	done := make(chan error, 8)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		events, cancel := h.Subscribe(r.Context(), "board/1")
		defer cancel()
		done <- stream(events).Serve(wrapped{w}, r)
	}))
	// Cleanups run last-in first-out: the client hangs up (get registers
	// that later) before the server waits for its connections to end.
	t.Cleanup(srv.Close)
	return srv, done
}

func get(t *testing.T, url string) (*http.Response, <-chan sseEvent) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	return res, readEvents(res.Body)
}

func TestServeSSE(t *testing.T) {
	h := newHub(t)
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		events, cancel := h.Subscribe(r.Context(), "board/1")
		defer cancel()
		initial := []byte("{\"应到\":120,\n\"实到\":97}")
		done <- live.ServeSSE(wrapped{w}, r, events, initial, 100*time.Millisecond)
	}))
	t.Cleanup(srv.Close)

	res, events := get(t, srv.URL)
	for name, want := range map[string]string{
		"Content-Type":      "text/event-stream",
		"Cache-Control":     "no-store",
		"X-Accel-Buffering": "no",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}

	ev := next(t, events, time.Second)
	if ev.Type != "message" || ev.Data != "{\"应到\":120,\n\"实到\":97}" {
		t.Fatalf("initial snapshot: %+v", ev)
	}

	// Line breaks of every kind arrive as LF; the event stays one event.
	if err := h.Publish("board/1", []byte("voted: 88\r\nof: 97\rstate: open\n")); err != nil {
		t.Fatal(err)
	}
	ev = next(t, events, time.Second)
	if ev.Type != "message" || ev.Data != "voted: 88\nof: 97\nstate: open\n" {
		t.Fatalf("update: %+v", ev)
	}
	if err := h.Publish("board/2", []byte("another board")); err != nil {
		t.Fatal(err)
	}

	ev = next(t, events, time.Second)
	if ev.Comment != "heartbeat" {
		t.Fatalf("want a heartbeat comment, got %+v", ev)
	}
	ev = next(t, events, time.Second)
	if ev.Comment != "heartbeat" {
		t.Fatalf("want a second heartbeat, got %+v", ev)
	}

	res.Body.Close() // the screen is switched off
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeSSE after the client left: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ServeSSE still running after the client left")
	}
	waitFor(t, func() bool { return h.Subscribers() == 0 })
}

// Closing the hub (server shutdown) ends every open stream.
func TestServeSSEEndsOnHubClose(t *testing.T) {
	h := live.NewHub(live.NewLocal())
	srv, done := boardServer(t, h, func(events <-chan []byte) *live.Stream {
		return &live.Stream{Events: events, Initial: []byte("snap"), Retry: 2500 * time.Millisecond}
	})
	srv.Start()

	_, events := get(t, srv.URL)
	if ev := next(t, events, time.Second); ev.Retry != "2500" {
		t.Fatalf("want retry 2500 first, got %+v", ev)
	}
	if ev := next(t, events, time.Second); ev.Data != "snap" {
		t.Fatalf("initial: %+v", ev)
	}
	h.Close()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	select {
	case ev, ok := <-events:
		if ok {
			t.Fatalf("after hub close: %+v, want end of stream", ev)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("stream still open after the hub closed")
	}
}

// The server's ReadTimeout must not cut a stream that has been open longer
// (net/http clears the read deadline once the request has been read).
func TestServeSSEOutlivesReadTimeout(t *testing.T) {
	h := newHub(t)
	srv, _ := boardServer(t, h, func(events <-chan []byte) *live.Stream {
		return &live.Stream{Events: events, Initial: []byte("snap"), Heartbeat: 50 * time.Millisecond}
	})
	srv.Config.ReadTimeout = 150 * time.Millisecond
	srv.Start()

	_, events := get(t, srv.URL)
	next(t, events, time.Second)
	time.Sleep(500 * time.Millisecond)
	if err := h.Publish("board/1", []byte("still here")); err != nil {
		t.Fatal(err)
	}
	for {
		ev := next(t, events, time.Second)
		if ev.Comment == "" {
			if ev.Data != "still here" {
				t.Fatalf("got %+v", ev)
			}
			return
		}
	}
}

// resyncBridge is the Local bridge plus a way to make it report lost
// messages, as the PostgreSQL bridge does after a reconnect.
type resyncBridge struct {
	*live.Local
	mu     sync.Mutex
	resync func()
}

func (b *resyncBridge) Open(ctx context.Context, deliver func(string, []byte), resync func()) <-chan struct{} {
	b.mu.Lock()
	b.resync = resync
	b.mu.Unlock()
	return b.Local.Open(ctx, deliver, resync)
}

func (b *resyncBridge) lose() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resync()
}

func TestStreamRefreshOnResync(t *testing.T) {
	b := &resyncBridge{Local: live.NewLocal()}
	h := live.NewHub(b)
	defer h.Close()
	var mu sync.Mutex
	current := "v1"
	fail := false
	srv, done := boardServer(t, h, func(events <-chan []byte) *live.Stream {
		mu.Lock()
		initial := []byte(current)
		mu.Unlock()
		return &live.Stream{Events: events, Initial: initial, Refresh: func(context.Context) ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			if fail {
				return nil, errors.New("database unavailable")
			}
			return []byte(current), nil
		}}
	})
	srv.Start()

	_, events := get(t, srv.URL)
	if ev := next(t, events, time.Second); ev.Data != "v1" {
		t.Fatalf("initial: %+v", ev)
	}
	mu.Lock()
	current = "v2" // changed while the notification was lost
	mu.Unlock()
	b.lose()
	if ev := next(t, events, time.Second); ev.Type != "message" || ev.Data != "v2" {
		t.Fatalf("after resync: %+v, want the refreshed snapshot v2", ev)
	}

	mu.Lock()
	fail = true
	mu.Unlock()
	b.lose()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "database unavailable") {
		t.Fatalf("Serve after a failed refresh: %v", err)
	}
}

// Without Refresh, the browser is told to refresh itself.
func TestServeSSEResyncEvent(t *testing.T) {
	b := &resyncBridge{Local: live.NewLocal()}
	h := live.NewHub(b)
	defer h.Close()
	srv, _ := boardServer(t, h, func(events <-chan []byte) *live.Stream {
		return &live.Stream{Events: events}
	})
	srv.Start()

	_, events := get(t, srv.URL)
	waitFor(t, func() bool { return h.Subscribers() == 1 })
	b.lose()
	if ev := next(t, events, time.Second); ev.Type != "resync" || ev.Data != "resync" {
		t.Fatalf("got %+v, want a resync event", ev)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
