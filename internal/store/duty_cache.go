package store

import (
	"context"
	"slices"
	"sync"
)

// dutyScoreCache keeps committees' scored years — every seated member's
// total and rank, which a duty file (for one member's rank), the ranking and
// the dashboard read whole — for one data version (listcache.go): any
// audited change, on this node or another, makes an entry stale. Scoring a
// city committee's year reads its whole tally (6,300 rows in the province
// world: 16 ms); a duty file's view then costs the tally of one member.
type dutyScoreCache struct {
	mu      sync.Mutex
	entries map[dutyScoreKey]dutyScoreEntry
}

type dutyScoreKey struct {
	committee int64
	year      int
}

type dutyScoreEntry struct {
	version int64
	scores  []DutyScore
	rules   DutyRuleSet
}

// maxDutyScores bounds the cache: committees × years viewed.
const maxDutyScores = 64

// cachedDutyScores is dutyScores from the cache when it is current. The
// slice is the caller's own; its elements' ByCategory maps are shared and
// must not be changed.
func (db *DB) cachedDutyScores(ctx context.Context, committeeID int64, year int) ([]DutyScore, DutyRuleSet, error) {
	version, err := db.DataVersion(ctx)
	if err != nil {
		return nil, DutyRuleSet{}, err
	}
	key := dutyScoreKey{committeeID, year}
	c := &db.dutyScores
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.version == version {
		return slices.Clone(e.scores), e.rules, nil
	}
	scores, rules, err := dutyScores(ctx, db.read, committeeID, year)
	if err != nil {
		return nil, rules, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxDutyScores {
		c.entries = map[dutyScoreKey]dutyScoreEntry{}
	}
	c.entries[key] = dutyScoreEntry{version: version, scores: scores, rules: rules}
	c.mu.Unlock()
	return slices.Clone(scores), rules, nil
}

// clear forgets every entry.
func (c *dutyScoreCache) clear() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}
