package live_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"xieshang/internal/live"
)

const boards = 2000 // open boards the issue asks for

func newHub(t testing.TB) *live.Hub {
	t.Helper()
	h := live.NewHub(live.NewLocal())
	t.Cleanup(h.Close)
	return h
}

// receive waits for one message or fails the test.
func receive(t testing.TB, ch <-chan []byte, within time.Duration) []byte {
	t.Helper()
	select {
	case msg, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return msg
	case <-time.After(within):
		t.Fatalf("no message within %v", within)
		return nil
	}
}

// fanOut subscribes n readers to one topic and returns a function that
// publishes one message and waits until every reader has it.
func fanOut(tb testing.TB, h *live.Hub, n int) func(msg []byte) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var got sync.WaitGroup
	var readers sync.WaitGroup
	for range n {
		events, _ := h.Subscribe(ctx, "board/1")
		readers.Go(func() {
			for range events {
				got.Done()
			}
		})
	}
	tb.Cleanup(func() {
		cancel()
		readers.Wait()
	})
	return func(msg []byte) {
		got.Add(n)
		if err := h.Publish("board/1", msg); err != nil {
			tb.Fatal(err)
		}
		got.Wait()
	}
}

func TestFanOut2000(t *testing.T) {
	h := newHub(t)
	publish := fanOut(t, h, boards)
	if got := h.Subscribers(); got != boards {
		t.Fatalf("Subscribers() = %d, want %d", got, boards)
	}
	publish([]byte(`{"warmup":true}`))
	const rounds = 20
	var worst, total time.Duration
	for i := range rounds {
		start := time.Now()
		publish([]byte(`{"expected":120,"present":` + strconv.Itoa(i) + `}`))
		d := time.Since(start)
		total += d
		worst = max(worst, d)
	}
	t.Logf("one event to %d subscribers: mean %v, worst %v (GOMAXPROCS=%d)",
		boards, total/rounds, worst, runtime.GOMAXPROCS(0))
	if worst > 2*time.Second {
		t.Errorf("delivering one event to %d subscribers took %v", boards, worst)
	}
}

func BenchmarkFanOut2000(b *testing.B) {
	h := live.NewHub(live.NewLocal())
	defer h.Close()
	publish := fanOut(b, h, boards)
	msg := []byte(`{"expected":120,"present":97,"voted":88}`)
	b.ResetTimer()
	for b.Loop() {
		publish(msg)
	}
}

// Subscribers that never read must not slow the publisher down, and each
// must end up with the latest message only.
func TestPublishNeverBlocks(t *testing.T) {
	h := newHub(t)
	subs := make([]<-chan []byte, boards)
	for i := range subs {
		subs[i], _ = h.Subscribe(t.Context(), "board/7")
	}
	const n = 1000
	start := time.Now()
	for i := 1; i <= n; i++ {
		if err := h.Publish("board/7", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d publishes to %d stalled subscribers: %v", n, boards, time.Since(start))
	for i, ch := range subs {
		if got := string(receive(t, ch, time.Second)); got != strconv.Itoa(n) {
			t.Fatalf("subscriber %d got %q, want the latest %q", i, got, strconv.Itoa(n))
		}
		select {
		case msg := <-ch:
			t.Fatalf("subscriber %d got a second message %q", i, msg)
		default:
		}
	}
}

// A slow subscriber skips stale states but sees them in order and always
// ends on the newest; a fast one on the same topic is not held up.
func TestCoalescingSlowSubscriber(t *testing.T) {
	h := newHub(t)
	slow, _ := h.Subscribe(t.Context(), "board/3")
	fast, _ := h.Subscribe(t.Context(), "board/3")
	const n = 300
	fastDone := make(chan int)
	go func() {
		count := 0
		for msg := range fast {
			count++
			if string(msg) == strconv.Itoa(n) {
				break
			}
		}
		fastDone <- count
	}()
	go func() {
		for i := 1; i <= n; i++ {
			if err := h.Publish("board/3", []byte(strconv.Itoa(i))); err != nil {
				t.Error(err)
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	var seen []int
	for last := 0; last != n; {
		msg := receive(t, slow, 5*time.Second)
		v, err := strconv.Atoi(string(msg))
		if err != nil {
			t.Fatal(err)
		}
		if v <= last {
			t.Fatalf("slow subscriber got %d after %d", v, last)
		}
		last = v
		seen = append(seen, v)
		time.Sleep(5 * time.Millisecond) // a busy screen
	}
	if len(seen) >= n/2 {
		t.Errorf("slow subscriber received %d of %d messages; expected coalescing", len(seen), n)
	}
	if count := <-fastDone; count < len(seen) {
		t.Errorf("fast subscriber received %d messages, fewer than the slow one's %d", count, len(seen))
	}
	t.Logf("slow subscriber received %d of %d states, ending with the newest", len(seen), n)
}

func TestTopicsAreSeparate(t *testing.T) {
	h := newHub(t)
	a, _ := h.Subscribe(t.Context(), "board/1")
	b, _ := h.Subscribe(t.Context(), "board/2")
	if err := h.Publish("board/1", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if got := string(receive(t, a, time.Second)); got != "one" {
		t.Fatalf("board/1 got %q", got)
	}
	select {
	case msg := <-b:
		t.Fatalf("board/2 got %q meant for board/1", msg)
	case <-time.After(50 * time.Millisecond):
	}
}

// Publish copies: the caller may reuse its buffer.
func TestPublishCopies(t *testing.T) {
	h := newHub(t)
	ch, _ := h.Subscribe(t.Context(), "t")
	buf := []byte("first")
	if err := h.Publish("t", buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	if got := string(receive(t, ch, time.Second)); got != "first" {
		t.Fatalf("got %q, want %q", got, "first")
	}
}

func TestUnsubscribeFreesResources(t *testing.T) {
	h := newHub(t)
	runtime.GC()
	before := runtime.NumGoroutine()

	ctx, cancelAll := context.WithCancel(context.Background())
	var chans []<-chan []byte
	var cancels []func()
	for i := range boards {
		sctx := ctx
		if i%2 == 1 {
			sctx = context.Background() // ended by its cancel func only
		}
		ch, cancel := h.Subscribe(sctx, "board/"+strconv.Itoa(i%10))
		chans = append(chans, ch)
		cancels = append(cancels, cancel)
	}
	if got := h.Subscribers(); got != boards {
		t.Fatalf("Subscribers() = %d, want %d", got, boards)
	}
	if during := runtime.NumGoroutine(); during > before+10 {
		t.Errorf("%d subscriptions started %d goroutines; want none per subscription", boards, during-before)
	}
	cancelAll() // the even ones: client went away
	for i := 1; i < boards; i += 2 {
		cancels[i]() // the odd ones: handler returned
	}
	for i := 0; i < boards; i += 2 {
		cancels[i]() // harmless after ctx ended it
	}
	for i, ch := range chans {
		select {
		case _, ok := <-ch:
			if ok {
				t.Fatalf("subscription %d: got a message, want closed", i)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("subscription %d: channel not closed", i)
		}
	}
	if got := h.Subscribers(); got != 0 {
		t.Fatalf("Subscribers() after unsubscribing = %d, want 0", got)
	}
	if err := h.Publish("board/1", []byte("nobody")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		after := runtime.NumGoroutine()
		if after <= before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %d before, %d after unsubscribing", before, after)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseEndsSubscriptions(t *testing.T) {
	h := live.NewHub(nil)
	ch, cancel := h.Subscribe(t.Context(), "board/1")
	defer cancel()
	h.Close()
	h.Close() // idempotent
	if _, ok := <-ch; ok {
		t.Fatal("subscription open after Close")
	}
	late, _ := h.Subscribe(t.Context(), "board/1")
	if _, ok := <-late; ok {
		t.Fatal("Subscribe after Close returned an open channel")
	}
	if err := h.Publish("board/1", []byte("late")); err != nil {
		t.Fatalf("Publish after Close: %v", err)
	}
}

func TestPublishRejects(t *testing.T) {
	h := newHub(t)
	tests := []struct {
		name  string
		topic string
		data  string
		want  error
	}{
		{"empty topic", "", "x", live.ErrTopic},
		{"newline in topic", "board\n1", "x", live.ErrTopic},
		{"NUL in topic", "board\x001", "x", live.ErrTopic},
		{"invalid UTF-8 topic", "board\xff", "x", live.ErrTopic},
		{"NUL in data", "board/1", "a\x00b", live.ErrNotText},
		{"invalid UTF-8 data", "board/1", "\xfe\xff", live.ErrNotText},
		{"too large", "board/1", strings.Repeat("x", live.MaxPayload-len("board/1")), live.ErrTooLarge},
		{"largest", "board/1", strings.Repeat("x", live.MaxPayload-len("board/1")-1), nil},
		{"Chinese", "board/1", `{"title":"全体会议","应到":120,"实到":97}`, nil},
		{"empty data", "board/1", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := h.Publish(tt.topic, []byte(tt.data)); !errors.Is(err, tt.want) {
				t.Fatalf("Publish: %v, want %v", err, tt.want)
			}
		})
	}
}

func ExampleHub() {
	hub := live.NewHub(live.NewLocal())
	defer hub.Close()

	events, cancel := hub.Subscribe(context.Background(), "board/42")
	defer cancel()

	if err := hub.Publish("board/42", []byte(`{"应到":120,"实到":97}`)); err != nil {
		fmt.Println(err)
	}
	fmt.Println(string(<-events))
	// Output: {"应到":120,"实到":97}
}
