package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of a SQLite database to target while the
// server keeps running (VACUUM INTO reads one snapshot). It returns the size.
// PostgreSQL deployments use DumpPostgres (pg_dump) instead.
func (db *DB) Backup(ctx context.Context, target string) (int64, error) {
	if db.Dialect != SQLite {
		return 0, fmt.Errorf("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(target); err == nil {
		return 0, fmt.Errorf("backup: %s already exists", target)
	}
	if dir := filepath.Dir(target); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
	}
	// The read pool is query_only; VACUUM INTO writes only the new file but
	// SQLite counts it as a write, so use the write connection.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, target); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	fi, err := os.Stat(target)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return fi.Size(), nil
}

// ErrNoPGDump says pg_dump is not on PATH.
var ErrNoPGDump = errors.New("backup: pg_dump not found on PATH (install the PostgreSQL client tools of the server's major version or newer)")

// DumpPostgres writes a pg_dump custom-format archive (pg_dump -Fc) of the
// PostgreSQL database dsn names to target and returns its size. pg_dump reads
// one snapshot while the application keeps writing; pg_restore loads the
// archive into an empty database. A search_path in the URL (which pg_dump
// does not accept) becomes --schema: the dump holds those schemas and
// pg_restore recreates them.
func DumpPostgres(ctx context.Context, dsn, target string) (int64, error) {
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return 0, ErrNoPGDump
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return 0, fmt.Errorf("backup: read the database URL: %w", err)
	}
	q := u.Query()
	args := []string{"--format=custom", "--file=" + target}
	for s := range strings.SplitSeq(q.Get("search_path"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			args = append(args, "--schema="+s)
		}
	}
	q.Del("search_path")
	u.RawQuery = q.Encode()
	env := os.Environ()
	if pw, ok := u.User.Password(); ok { // in the environment, not in the process list
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	if _, err := os.Stat(target); err == nil {
		return 0, fmt.Errorf("backup: %s already exists", target)
	}
	if dir := filepath.Dir(target); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, pgDump, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(target) // a partial archive is no backup
		return 0, fmt.Errorf("backup: pg_dump: %v: %s", err, strings.TrimSpace(string(out)))
	}
	fi, err := os.Stat(target)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return fi.Size(), nil
}
