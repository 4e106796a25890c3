package live

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxPayload is the largest message, counted as len(topic) + 1 + len(data),
// that Publish accepts. PostgreSQL's NOTIFY payload must be shorter than 8000
// bytes in the default build, and the PostgreSQL bridge sends topic + "\n" +
// data as one payload. The Hub enforces the limit on every bridge, so that a
// board that works on SQLite in development does not fail on PostgreSQL in
// production. Publish a small snapshot (counts, state, a version), not a page.
const MaxPayload = 7999

// Errors returned by Publish for messages no bridge could carry.
var (
	ErrTooLarge = errors.New("live: message longer than MaxPayload")
	ErrTopic    = errors.New("live: topic must be non-empty UTF-8 text without newline or NUL")
	ErrNotText  = errors.New("live: data must be UTF-8 text without NUL bytes")
)

// resyncMsg is the message a subscriber receives when messages may have been
// lost. It starts with a NUL byte, which Publish rejects in data, so no
// published message can be mistaken for it.
var resyncMsg = []byte("\x00resync")

// IsResync reports whether msg, received from a subscription, is the resync
// signal rather than published data: messages may have been lost (the
// PostgreSQL bridge reconnected), so the receiver should send the current
// snapshot again. Stream does that when its Refresh is set.
func IsResync(msg []byte) bool { return bytes.Equal(msg, resyncMsg) }

// Hub fans messages out to subscribers by topic. Publishing never waits for a
// subscriber: each subscription holds at most one undelivered message, and a
// newer message for it replaces the older one, so a slow subscriber skips to
// the latest state instead of holding up the publisher or growing a queue.
// Messages are therefore states (snapshots), not events to be counted.
//
// A Hub is safe for concurrent use. Create it with NewHub and Close it at
// shutdown.
type Hub struct {
	bridge  Bridge
	cancel  context.CancelFunc
	stopped <-chan struct{}

	mu     sync.RWMutex
	topics map[string]map[*subscription]struct{}
	closed bool
}

type subscription struct {
	mu     sync.Mutex // serialises offer and close; the reader never takes it
	ch     chan []byte
	closed bool
}

// offer hands msg to the subscriber without blocking, replacing a message it
// has not read yet.
func (s *subscription) offer(msg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.ch <- msg:
		return
	default:
	}
	select { // full: drop the stale message
	case <-s.ch:
	default:
	}
	select { // only offer (under s.mu) fills ch, so there is room now
	case s.ch <- msg:
	default:
	}
}

func (s *subscription) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}

// NewHub returns a Hub whose messages travel through b: Local for one
// process (SQLite), a PGBridge when several nodes share a PostgreSQL
// database. A nil b means Local. A bridge serves one Hub.
func NewHub(b Bridge) *Hub {
	if b == nil {
		b = NewLocal()
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		bridge: b,
		cancel: cancel,
		topics: make(map[string]map[*subscription]struct{}),
	}
	h.stopped = b.Open(ctx, h.deliver, h.resync)
	return h
}

// Publish sends data to every subscriber of topic on every node. It copies
// data and returns at once; delivery is asynchronous and, for a slow
// subscriber, coalesced with later messages. Publish after the change has
// committed, so that the snapshot subscribers fetch on resync agrees.
//
// It returns ErrTopic, ErrNotText or ErrTooLarge for a message no bridge
// could carry (see MaxPayload), and nothing else: delivery is best effort.
func (h *Hub) Publish(topic string, data []byte) error {
	if topic == "" || strings.ContainsAny(topic, "\n\x00") || !utf8.ValidString(topic) {
		return ErrTopic
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return ErrNotText
	}
	if len(topic)+1+len(data) > MaxPayload {
		return ErrTooLarge
	}
	h.bridge.Send(topic, bytes.Clone(data))
	return nil
}

// Subscribe returns a channel of the messages published to topic from now on,
// and a function that ends the subscription. The channel is closed when the
// subscription ends: cancel is called, ctx is done, or the Hub is closed.
// Received slices are shared between subscribers and must not be modified.
// A message for which IsResync is true asks the receiver to refresh.
//
// Subscribe before reading the snapshot to send first, so that no change can
// fall between the two. Calling cancel more than once is harmless.
func (h *Hub) Subscribe(ctx context.Context, topic string) (<-chan []byte, func()) {
	s := &subscription{ch: make(chan []byte, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		s.close()
		return s.ch, func() {}
	}
	subs := h.topics[topic]
	if subs == nil {
		subs = make(map[*subscription]struct{})
		h.topics[topic] = subs
	}
	subs[s] = struct{}{}
	h.mu.Unlock()

	var once sync.Once
	end := func() { once.Do(func() { h.unsubscribe(topic, s) }) }
	// AfterFunc starts no goroutine until ctx is done: 2,000 idle boards
	// cost 2,000 small structs, not 2,000 goroutines.
	stop := context.AfterFunc(ctx, end)
	return s.ch, func() {
		stop()
		end()
	}
}

func (h *Hub) unsubscribe(topic string, s *subscription) {
	h.mu.Lock()
	if subs := h.topics[topic]; subs != nil {
		delete(subs, s)
		if len(subs) == 0 {
			delete(h.topics, topic)
		}
	}
	h.mu.Unlock()
	s.close()
}

// Subscribers returns the number of open subscriptions, for metrics and tests.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, subs := range h.topics {
		n += len(subs)
	}
	return n
}

// Close stops the bridge and ends every subscription (their channels close,
// so Stream.Serve returns and http.Server.Shutdown need not wait for open
// boards). Register it with http.Server.RegisterOnShutdown. Publish after
// Close is ignored; Subscribe after Close returns a closed channel.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	topics := h.topics
	h.topics = make(map[string]map[*subscription]struct{})
	h.mu.Unlock()

	h.cancel()
	<-h.stopped
	for _, subs := range topics {
		for s := range subs {
			s.close()
		}
	}
}

// deliver passes a message that arrived through the bridge to the topic's
// subscribers.
func (h *Hub) deliver(topic string, data []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.topics[topic] {
		s.offer(data)
	}
}

// resync asks every subscriber to refresh: messages may have been lost.
func (h *Hub) resync() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, subs := range h.topics {
		for s := range subs {
			s.offer(resyncMsg)
		}
	}
}
