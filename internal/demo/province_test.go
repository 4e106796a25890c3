package demo

import (
	"bytes"
	"context"
	"testing"

	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// smallProvince is the province world shrunk for tests: the same shapes,
// a few hundred rows of each.
var smallProvince = ProvinceCounts{Counties: 2, Townships: 4, Villages: 12, Members: 330, Meetings: 180,
	Elections: 14, Ballots: 60, Topics: 300, Households: 200, Visits: 2000, DutyEvents: 30000, Proposals: 400}

func loadSmallProvince(t *testing.T, db *store.DB, seed uint64) []Login {
	t.Helper()
	var out bytes.Buffer
	logins, err := LoadProvince(context.Background(), db, &out, ProvinceOptions{Seed: seed, Counts: smallProvince})
	if err != nil {
		t.Fatalf("LoadProvince: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	return logins
}

func TestProvince(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		loadSmallProvince(t, db, 1)
	})
}
