package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultChannel is the PostgreSQL notification channel the bridge uses.
const DefaultChannel = "xieshang_live"

// PGConfig configures a PGBridge. Only DSN is required.
type PGConfig struct {
	// DSN of the PostgreSQL database the app nodes share (notification
	// channels are per database). It must reach the server directly or
	// through a session-mode pooler: LISTEN does not work behind a
	// transaction-mode pooler such as PgBouncer's default.
	DSN string
	// Channel is the notification channel; DefaultChannel if empty. Tests
	// use their own so that they do not hear each other.
	Channel string
	// Logger receives connection losses and reconnects; nil discards them.
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, which doubles from MinBackoff (default 200ms) up to
	// MaxBackoff (default 15s), with jitter so that nodes do not reconnect
	// in step.
	MinBackoff, MaxBackoff time.Duration
	// PingInterval is how long the listening connection may stay silent
	// before the bridge pings the server to find a connection that died
	// without a word (default 30s).
	PingInterval time.Duration
}

// PGBridge carries messages between app nodes through PostgreSQL
// LISTEN/NOTIFY. It keeps two connections of its own (not from the store's
// pool): one that LISTENs and one that sends. Each message travels as one
// NOTIFY payload, topic + "\n" + data, which PostgreSQL limits to fewer than
// 8000 bytes (MaxPayload, enforced by Hub.Publish).
//
// Messages published on this node come back through LISTEN like everyone
// else's, so every node sees the same messages in the same order (and while
// the listening connection is down, this node's boards wait too). When the
// listening connection drops, the bridge reconnects with backoff and then
// asks the Hub's subscribers to resync, since notifications sent meanwhile
// are lost. Messages waiting to be sent are kept, the latest per topic, and
// sent after the sending connection is back.
type PGBridge struct {
	conf    *pgx.ConnConfig
	channel string
	log     *slog.Logger
	minB    time.Duration
	maxB    time.Duration
	ping    time.Duration

	mu      sync.Mutex
	pending map[string][]byte // latest unsent message per topic
	order   []string          // topics of pending, oldest first
	wake    chan struct{}     // cap 1: something is pending

	listenPID atomic.Uint32
	sendPID   atomic.Uint32
}

// NewPGBridge checks cfg and returns a bridge; it connects when the Hub
// opens it (NewHub) and keeps trying until the Hub is closed, so a database
// that is down at start-up delays live updates but does not stop the app.
func NewPGBridge(cfg PGConfig) (*PGBridge, error) {
	conf, err := pgx.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("live: parse DSN: %w", err)
	}
	ch := cfg.Channel
	if ch == "" {
		ch = DefaultChannel
	}
	if len(ch) > 63 || strings.ContainsRune(ch, 0) {
		return nil, fmt.Errorf("live: channel %q: at most 63 bytes, no NUL", ch)
	}
	b := &PGBridge{
		conf:    conf,
		channel: ch,
		log:     cfg.Logger,
		minB:    cfg.MinBackoff,
		maxB:    cfg.MaxBackoff,
		ping:    cfg.PingInterval,
		pending: make(map[string][]byte),
		wake:    make(chan struct{}, 1),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.minB <= 0 {
		b.minB = 200 * time.Millisecond
	}
	if b.maxB < b.minB {
		b.maxB = max(15*time.Second, b.minB)
	}
	if b.ping <= 0 {
		b.ping = 30 * time.Second
	}
	return b, nil
}

// ListenerPID returns the server process id of the listening connection, or 0
// while it is not connected; for diagnostics and tests.
func (b *PGBridge) ListenerPID() uint32 { return b.listenPID.Load() }

// SenderPID returns the server process id of the sending connection, or 0
// while it is not connected.
func (b *PGBridge) SenderPID() uint32 { return b.sendPID.Load() }

// Open implements Bridge.
func (b *PGBridge) Open(ctx context.Context, deliver func(string, []byte), resync func()) <-chan struct{} {
	var wg sync.WaitGroup
	wg.Go(func() { b.listen(ctx, deliver, resync) })
	wg.Go(func() { b.send(ctx) })
	stopped := make(chan struct{})
	go func() {
		wg.Wait()
		close(stopped)
	}()
	return stopped
}

// Send implements Bridge: it queues the message, replacing an unsent one of
// the same topic, for the sending goroutine.
func (b *PGBridge) Send(topic string, data []byte) {
	b.mu.Lock()
	if _, ok := b.pending[topic]; !ok {
		b.order = append(b.order, topic)
	}
	b.pending[topic] = data
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

type pgMessage struct {
	topic string
	data  []byte
}

// take removes and returns everything pending, oldest first.
func (b *PGBridge) take() []pgMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	msgs := make([]pgMessage, len(b.order))
	for i, t := range b.order {
		msgs[i] = pgMessage{t, b.pending[t]}
	}
	clear(b.pending)
	b.order = b.order[:0]
	return msgs
}

// putBack returns unsent messages to the front of the queue, except those
// whose topic has a newer message pending already.
func (b *PGBridge) putBack(msgs []pgMessage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var order []string
	for _, m := range msgs {
		if _, newer := b.pending[m.topic]; !newer {
			b.pending[m.topic] = m.data
			order = append(order, m.topic)
		}
	}
	b.order = append(order, b.order...)
}

func (b *PGBridge) connect(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return pgx.ConnectConfig(cctx, b.conf)
}

// send runs the sending connection: it waits for pending messages and sends
// them in one round trip (a batch of pg_notify calls), reconnecting with
// backoff when the connection fails.
func (b *PGBridge) send(ctx context.Context) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			closeConn(conn)
		}
		b.sendPID.Store(0)
	}()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		}
		for msgs := b.take(); len(msgs) > 0; msgs = b.take() {
			err := error(nil)
			if conn == nil {
				conn, err = b.connect(ctx)
				if err == nil {
					b.sendPID.Store(conn.PgConn().PID())
				}
			}
			if err == nil {
				err = b.notify(ctx, conn, msgs)
			}
			if err == nil {
				failures = 0
				continue
			}
			b.putBack(msgs)
			if ctx.Err() != nil {
				return
			}
			b.log.Warn("live: sending notifications failed; retrying", "err", err, "pending", len(msgs))
			if conn != nil {
				closeConn(conn)
				conn = nil
				b.sendPID.Store(0)
			}
			if !sleep(ctx, b.backoff(failures)) {
				return
			}
			failures++
		}
	}
}

func (b *PGBridge) notify(ctx context.Context, conn *pgx.Conn, msgs []pgMessage) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	batch := &pgx.Batch{}
	for _, m := range msgs {
		batch.Queue(`SELECT pg_notify($1, $2)`, b.channel, m.topic+"\n"+string(m.data))
	}
	return conn.SendBatch(ctx, batch).Close()
}

// listen runs the listening connection until ctx is done, reconnecting with
// backoff and calling resync after every (re)connection.
func (b *PGBridge) listen(ctx context.Context, deliver func(string, []byte), resync func()) {
	failures := 0
	for {
		conn, err := b.connect(ctx)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize())
			if err != nil {
				closeConn(conn)
			}
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			b.log.Warn("live: cannot listen for notifications; retrying", "err", err, "attempt", failures+1)
			if !sleep(ctx, b.backoff(failures)) {
				return
			}
			failures++
			continue
		}
		if failures > 0 {
			b.log.Info("live: listening again", "channel", b.channel)
		}
		failures = 0
		b.listenPID.Store(conn.PgConn().PID())
		// Whatever was sent while nobody listened is lost (and at start
		// nobody has subscribed yet, so this costs nothing).
		resync()
		err = b.receive(ctx, conn, deliver)
		b.listenPID.Store(0)
		closeConn(conn)
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("live: listening connection lost; reconnecting", "err", err)
		if !sleep(ctx, b.backoff(0)) {
			return
		}
		failures = 1
	}
}

// receive delivers notifications until the connection fails or ctx is done.
func (b *PGBridge) receive(ctx context.Context, conn *pgx.Conn, deliver func(string, []byte)) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, b.ping)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			// Silent for a while: make sure the server is still there.
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
			continue
		}
		if n.Channel != b.channel {
			continue
		}
		topic, data, ok := strings.Cut(n.Payload, "\n")
		if !ok {
			b.log.Warn("live: ignoring malformed notification", "channel", n.Channel, "bytes", len(n.Payload))
			continue
		}
		deliver(topic, []byte(data))
	}
}

// backoff returns the wait before attempt failures+1: doubling from minB,
// capped at maxB, with up to half of it random.
func (b *PGBridge) backoff(failures int) time.Duration {
	d := b.minB
	for i := 0; i < failures && d < b.maxB; i++ {
		d *= 2
	}
	d = min(d, b.maxB)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn.Close(ctx) // the connection is being discarded; a failed goodbye changes nothing
}
