package store

import (
	"context"
	"slices"
	"sync"
)

// Group commit. Writes arriving together — electronic ballots, the audit
// rows of reads — are written in one transaction: its commit (half the cost
// of a small write on SQLite, a disk flush on PostgreSQL) and the wait for
// SQLite's single writer are shared. The first caller finding no batch
// running runs one with whatever is pending; items arriving meanwhile wait
// and are run by a goroutine in the next batch. run delivers each item's
// own result (items carry a done channel).
type groupQueue[T any] struct {
	max int                             // the most items in one batch
	run func(context.Context, *DB, []T) // writes a batch and delivers every item's result

	mu      sync.Mutex
	pending []T
	running bool
}

// submit queues item and, when no batch is running, runs batches until the
// queue is empty: the first in the caller's goroutine, later ones in a
// goroutine of their own so the caller returns with its result.
func (q *groupQueue[T]) submit(ctx context.Context, db *DB, item T) {
	q.mu.Lock()
	q.pending = append(q.pending, item)
	if q.running {
		q.mu.Unlock()
		return
	}
	q.running = true
	q.mu.Unlock()
	q.flush(context.WithoutCancel(ctx), db, true)
}

func (q *groupQueue[T]) flush(ctx context.Context, db *DB, handOff bool) {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		n := min(len(q.pending), q.max)
		batch := slices.Clone(q.pending[:n])
		q.pending = slices.Delete(q.pending, 0, n)
		q.mu.Unlock()
		q.run(ctx, db, batch)
		if handOff {
			q.mu.Lock()
			if len(q.pending) == 0 {
				q.running = false
				q.mu.Unlock()
				return
			}
			q.mu.Unlock()
			go q.flush(ctx, db, false)
			return
		}
	}
}
