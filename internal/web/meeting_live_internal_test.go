package web

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/live"
)

// testFeed is a boardFeed over a local Hub whose snapshot is a counter: the
// number of changes made so far.
func testFeed(t *testing.T, interval, idle time.Duration) (*boardFeed, *live.Hub, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	hub := live.NewHub(nil)
	t.Cleanup(hub.Close)
	var state, builds atomic.Int64
	f := &boardFeed{hub: hub, interval: interval, idle: idle, boards: map[int64]*boardEntry{},
		build: func(ctx context.Context, a app.Actor, id int64) ([]byte, error) {
			builds.Add(1)
			return []byte(strconv.FormatInt(state.Load(), 10)), nil
		}}
	return f, hub, &state, &builds
}

// waitFor polls cond for up to 2 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within 2s", what)
}

func (f *boardFeed) size() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.boards)
}

// Thousands of changes a second are published as a few snapshots, the last
// of which shows the final state; the feed's goroutine then ends when idle.
func TestBoardFeedCoalescesAndStops(t *testing.T) {
	before := runtime.NumGoroutine()
	f, hub, state, builds := testFeed(t, 50*time.Millisecond, 100*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	events, _ := hub.Subscribe(ctx, boardTopic(7))
	var received atomic.Int64
	var last atomic.Value
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range events {
			received.Add(1)
			last.Store(string(msg))
		}
	}()
	start := time.Now()
	const changes = 500
	for range changes {
		state.Add(1)
		f.markDirty(app.System, 7)
		time.Sleep(100 * time.Microsecond)
	}
	took := time.Since(start)
	waitFor(t, "the final state published", func() bool { v, _ := last.Load().(string); return v == strconv.Itoa(changes) })
	// One snapshot per interval (plus the first at once and the last).
	if limit := int64(took/(50*time.Millisecond)) + 3; builds.Load() > limit {
		t.Errorf("%d changes in %s built %d snapshots, want at most %d", changes, took, builds.Load(), limit)
	}
	if received.Load() > builds.Load() {
		t.Errorf("received %d > built %d", received.Load(), builds.Load())
	}
	// A reader gets the kept snapshot without reading again.
	n := builds.Load()
	if b, err := f.snapshot(ctx, app.System, 7, time.Time{}, true); err != nil || string(b) != strconv.Itoa(changes) {
		t.Fatalf("snapshot %q %v", b, err)
	}
	if builds.Load() != n {
		t.Errorf("a reader rebuilt the kept snapshot")
	}
	// Idle: the feed's goroutine ends.
	waitFor(t, "the idle feed removed", func() bool { return f.size() == 0 })
	cancel()
	<-done
	waitFor(t, "goroutines back to "+strconv.Itoa(before), func() bool { return runtime.NumGoroutine() <= before })
}

// Closing the Hub ends every feed at once.
func TestBoardFeedEndsWithHub(t *testing.T) {
	before := runtime.NumGoroutine()
	f, hub, _, _ := testFeed(t, 10*time.Millisecond, time.Hour)
	for id := range int64(50) {
		f.markDirty(app.System, id+1)
	}
	if _, err := f.snapshot(context.Background(), app.System, 99, time.Time{}, false); err != nil {
		t.Fatal(err)
	}
	if f.size() != 51 {
		t.Fatalf("%d feeds, want 51", f.size())
	}
	hub.Close()
	waitFor(t, "feeds removed", func() bool { return f.size() == 0 })
	waitFor(t, "goroutines back to "+strconv.Itoa(before), func() bool { return runtime.NumGoroutine() <= before })
	// After the close a change starts nothing that lingers.
	f.markDirty(app.System, 1)
	waitFor(t, "no feed after close", func() bool { return f.size() == 0 })
}

// A snapshot read while a change is marked is not kept: the page asking for
// the current board reads again until the change has been published.
func TestBoardFeedCurrentAfterChange(t *testing.T) {
	f, _, state, _ := testFeed(t, time.Hour, time.Hour) // publishes only the first change
	ctx := context.Background()
	f.markDirty(app.System, 3) // published at once: "0"
	waitFor(t, "first publish", func() bool {
		b, _ := f.snapshot(ctx, app.System, 3, time.Time{}, true)
		return string(b) == "0"
	})
	state.Add(1)
	f.markDirty(app.System, 3) // held back by the hour-long interval
	if b, _ := f.snapshot(ctx, app.System, 3, time.Time{}, true); string(b) != "1" {
		t.Errorf("current snapshot %q, want 1", b)
	}
	// That read began after the change, so it is kept for the streams too.
	if b, _ := f.snapshot(ctx, app.System, 3, time.Time{}, false); string(b) != "1" {
		t.Errorf("kept snapshot %q, want 1", b)
	}
}
