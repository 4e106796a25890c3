// Package storetest gives tests a fresh, migrated database: a new SQLite file
// in the test's temporary directory, or a new schema in the PostgreSQL server
// named by XIESHANG_TEST_PG (scripts/test starts one). No mocks: tests run on
// the real databases.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"xieshang/internal/auth"
	"xieshang/internal/seal"
	"xieshang/internal/store"
)

// PGEnv names the PostgreSQL server for tests, e.g.
// postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable
const PGEnv = "XIESHANG_TEST_PG"

// DBEnv chooses the database for tests that run on one: "sqlite" (default) or "postgres".
const DBEnv = "XIESHANG_TEST_DB"

// RequireEnv, when "1", turns a missing PostgreSQL server into a failure
// instead of a skip (scripts/test sets it).
const RequireEnv = "XIESHANG_TEST_REQUIRE_PG"

// Backends lists the databases the store tests run on.
var Backends = []store.Dialect{store.SQLite, store.Postgres}

// ForEach runs fn as a subtest on every backend: the same store tests on both.
func ForEach(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Backends {
		t.Run(string(d), func(t *testing.T) {
			fn(t, OpenDialect(t, d))
		})
	}
}

// Open returns a fresh database of the kind XIESHANG_TEST_DB names.
func Open(t testing.TB) *store.DB {
	t.Helper()
	if os.Getenv(DBEnv) == "postgres" {
		return OpenDialect(t, store.Postgres)
	}
	return OpenDialect(t, store.SQLite)
}

// DSN returns a DSN for a fresh, empty database of dialect d, dropped at the
// end of the test; for tests that start the binary themselves.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "xieshang.db")
	}
	base := os.Getenv(PGEnv)
	if base == "" {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s is not set but %s=1", PGEnv, RequireEnv)
		}
		t.Skipf("PostgreSQL not available: set %s (scripts/test does)", PGEnv)
	}
	schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1e9, seq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", PGEnv, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: parse %s: %v", PGEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

var seq atomic.Int64

// KeysText is the key file of the test databases, fresh for each test
// process; a server a test starts gets it as XIESHANG_KEYS.
var KeysText = func() string {
	text, err := seal.NewFile("k1")
	if err != nil {
		panic(err)
	}
	return text
}()

// Keys is KeysText parsed: the key ring every test database is given.
var Keys = func() *seal.Keys {
	k, err := seal.Parse(KeysText)
	if err != nil {
		panic(err)
	}
	return k
}()

// OpenDialect returns a fresh, migrated database of dialect d, closed at the
// end of the test.
func OpenDialect(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	return OpenDSN(t, DSN(t, d))
}

// OpenDSN opens and migrates the database at dsn as the tests use it — cheap
// password hashing, the test key ring — and closes it at the end of the
// test. Opening one DSN twice gives two app nodes sharing a database.
func OpenDSN(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.Argon2 = auth.FastArgon2 // same algorithm, test-sized cost
	db.SetKeys(Keys)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return db
}
