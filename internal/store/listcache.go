package store

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"xieshang/internal/app"
)

// listCache keeps the ordered ids of recent list queries, so that paging
// through a long list sorts it once instead of on every page. An entry is
// valid only for the data version it was computed at: the sum of the audit
// chains' change counters (migration 0025), which grows with every committed
// change — each audited change advances its chain's, a transaction without an
// audit row (a ballot) the deployment chain's — so any change anywhere, by
// this node or another sharing the database, makes older entries stale.
// Audited reads (a household viewed, a sign-in, an export: readActions) do
// not advance it.
type listCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]*listEntry
	clock   uint64
}

type listEntry struct {
	version int64
	ids     []int64
	used    uint64
}

func newListCache(max int) *listCache {
	return &listCache{max: max, entries: make(map[string]*listEntry, max)}
}

func (c *listCache) get(key string, version int64) ([]int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version {
		return nil, false
	}
	c.clock++
	e.used = c.clock
	return e.ids, true
}

func (c *listCache) put(key string, version int64, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		// Evict the least recently used entry.
		var oldest string
		var at uint64
		for k, e := range c.entries {
			if oldest == "" || e.used < at {
				oldest, at = k, e.used
			}
		}
		delete(c.entries, oldest)
	}
	c.clock++
	c.entries[key] = &listEntry{version: version, ids: ids, used: c.clock}
}

// DataVersion is the current data version (see listCache): caches of what
// records show are valid while it stays the same.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(changes), 0) FROM audit_head`).Scan(&v)
	return v, app.Internal(err, "data version")
}

// AuditVersion grows with every audit row, reads included: a cache of the
// audit log is valid while it stays the same.
func (db *DB) AuditVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(seq), 0) FROM audit_head`).Scan(&v)
	return v, app.Internal(err, "audit version")
}

// cachedIDs returns the ids a query yields, in order, from the cache when it
// is current, else by running it.
func (db *DB) cachedIDs(ctx context.Context, query string, args []any) ([]int64, error) {
	version, err := db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	var key strings.Builder
	key.WriteString(query)
	for _, a := range args {
		fmt.Fprintf(&key, "\x00%v", a)
	}
	if ids, ok := db.lists.get(key.String(), version); ok {
		return ids, nil
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err, "list ids")
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err, "list ids")
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "list ids")
	}
	db.lists.put(key.String(), version, ids)
	return ids, nil
}
