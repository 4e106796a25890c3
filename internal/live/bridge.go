package live

import (
	"context"
	"sync/atomic"
)

// A Bridge carries published messages to the Hubs of every app node. The Hub
// hands each published message to Send and receives messages, its own
// included, through the deliver function it passed to Open.
type Bridge interface {
	// Open starts the bridge. From then on every message sent by any node
	// sharing the bridge's medium is passed to deliver (possibly from
	// several goroutines at once), and resync is called whenever messages may have been lost, e.g. after a
	// reconnect. Open returns at once; the bridge stops when ctx is done and
	// then closes the returned channel.
	Open(ctx context.Context, deliver func(topic string, data []byte), resync func()) <-chan struct{}

	// Send publishes one message. It must not block on the network: a
	// bridge that needs a round trip queues the message (and may keep only
	// the latest per topic) and sends it from its own goroutine.
	Send(topic string, data []byte)
}

// Local is the Bridge for a single process (SQLite deployments and tests):
// Send delivers directly to the Hub's subscribers; nothing is ever lost, so
// it never asks for a resync.
type Local struct {
	deliver atomic.Pointer[func(topic string, data []byte)]
}

// NewLocal returns an in-process bridge.
func NewLocal() *Local { return &Local{} }

// Open implements Bridge.
func (l *Local) Open(ctx context.Context, deliver func(string, []byte), _ func()) <-chan struct{} {
	l.deliver.Store(&deliver)
	stopped := make(chan struct{})
	context.AfterFunc(ctx, func() {
		l.deliver.Store(nil)
		close(stopped)
	})
	return stopped
}

// Send implements Bridge: it fans the message out before returning, which
// takes microseconds because subscribers never block (see Hub).
func (l *Local) Send(topic string, data []byte) {
	if deliver := l.deliver.Load(); deliver != nil {
		(*deliver)(topic, data)
	}
}
