package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"xieshang/internal/seal"
	"xieshang/internal/store"
)

// Encryption keys (internal/seal) come from, in order: $XIESHANG_KEY_FILE,
// $XIESHANG_KEYS (the file's text), or for a SQLite database the file
// <database>.keys beside it (which `serve --demo` and `demo` create). Without
// any, commands that read or write personal data stop with errNoKeys.

func errNoKeys(dsn string) error {
	hint := ""
	if !store.IsPostgres(dsn) {
		hint = "; or put it at " + dsn + ".keys"
	}
	return errors.New("未配置加密主密钥 (no encryption keys): sensitive personal fields are sealed with SM4 and " +
		"cannot be read or written without them. Make a key file with `xieshang keys new --out FILE` (once; keep it " +
		"secret and back it up apart from the database) and set XIESHANG_KEY_FILE=FILE, or XIESHANG_KEYS to its text" + hint)
}

// keySource says where the key ring is found for dsn; "" when nowhere.
func keySource(dsn string) string { return seal.Source(dsn, !store.IsPostgres(dsn)) }

// loadKeys reads the key ring of dsn.
func loadKeys(dsn string) (*seal.Keys, string, error) {
	k, src, err := seal.ForDatabase(dsn, !store.IsPostgres(dsn))
	if errors.Is(err, seal.ErrNoKeys) {
		return nil, "", errNoKeys(dsn)
	}
	return k, src, err
}

// ensureDemoKeys makes <db>.keys for a SQLite demo database when no keys are
// configured, so that `serve --demo` works on a fresh clone.
func ensureDemoKeys(dsn string, out io.Writer) error {
	if keySource(dsn) != "" || store.IsPostgres(dsn) {
		return nil
	}
	text, err := seal.NewFile("k1")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dsn), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dsn+".keys", []byte(text), 0o600); err != nil {
		return fmt.Errorf("write demo keys: %w", err)
	}
	fmt.Fprintln(out, "已生成演示用加密密钥 (demo encryption keys written to)", dsn+".keys")
	return nil
}

// reloadKeysOnHUP re-reads the key file at SIGHUP, so that a master key
// added for a rotation is known to a running server before `keys rotate`.
func reloadKeysOnHUP(ctx context.Context, db *store.DB, dsn string, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				k, src, err := loadKeys(dsn)
				if err != nil {
					log.Error("reload keys: kept the keys in use", "err", err)
					continue
				}
				db.SetKeys(k)
				log.Info("keys reloaded", "from", src, "master_keys", strings.Join(k.IDs(), ","), "current", k.Current())
			}
		}
	}()
}

const keysUsage = `usage: xieshang keys <command>

  new [--id k1] [--out FILE]   a new key file (index key + one master key); stdout unless --out
  add --id ID                  append a new master key to the key file in use; it seals new values
                               once the servers have it (restart them, or send them SIGHUP)
  rotate [--batch 500]         re-encrypt every sealed value under the newest master key, in
                               batches, while the servers keep serving
  status                       sealed values per column and master key

The key file is found at $XIESHANG_KEY_FILE, in $XIESHANG_KEYS, or at <database>.keys (SQLite).
`

func cmdKeys(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, keysUsage)
		return errors.New("keys: which command?")
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	dsn := dbFlag(fs)
	switch args[0] {
	case "new":
		id := fs.String("id", "k1", "the master key's id (a-z, 0-9, -)")
		out := fs.String("out", "", "write the key file here (mode 0600; an existing file is not replaced)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		text, err := seal.NewFile(*id)
		if err != nil {
			return err
		}
		if *out == "" {
			_, err := io.WriteString(stdout, text)
			return err
		}
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("keys new: %w", err)
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return err
		}
		fmt.Fprintln(stdout, "key file written:", *out)
		return f.Close()
	case "add":
		id := fs.String("id", "", "the new master key's id, e.g. k2 or 2027-01")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		k, src, err := loadKeys(*dsn)
		if err != nil {
			return err
		}
		if src == "$XIESHANG_KEYS" {
			return errors.New("keys add: the keys are in $XIESHANG_KEYS; append a line made by `xieshang keys new --id ID` (its master line) there")
		}
		for _, have := range k.IDs() {
			if have == *id {
				return fmt.Errorf("keys add: master key %q is already in %s", *id, src)
			}
		}
		line, err := seal.NewMaster(*id)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(src, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("keys add: %w", err)
		}
		if _, err := f.WriteString(line); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "master key %s added to %s; it seals new values once the servers have it "+
			"(send them SIGHUP or restart them), then run `xieshang keys rotate`\n", *id, src)
		return nil
	case "rotate", "status":
		batch := fs.Int("batch", 500, "rows per transaction")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		db, err := openDB(ctx, *dsn, io.Discard)
		if err != nil {
			return err
		}
		defer db.Close()
		if args[0] == "rotate" {
			start := time.Now()
			rep, err := db.Reseal(ctx, true, *batch, nil)
			if err != nil {
				return err
			}
			total := 0
			for _, c := range store.SealedColumns {
				if n := rep.Rewritten[c.AAD()]; n > 0 {
					fmt.Fprintf(stdout, "%-28s %d re-encrypted\n", c.AAD(), n)
					total += n
				}
			}
			fmt.Fprintf(stdout, "rotated to master key %s: %d values in %d batches, %.1fs\n", db.Keys().Current(), total,
				rep.Batches, time.Since(start).Seconds())
		}
		return printSealStatus(ctx, db, stdout)
	}
	fmt.Fprint(stdout, keysUsage)
	return fmt.Errorf("keys: unknown command %q", args[0])
}

func printSealStatus(ctx context.Context, db *store.DB, out io.Writer) error {
	st, err := db.FindSealStatus(ctx)
	if err != nil {
		return err
	}
	used := map[string]int{}
	for _, s := range st {
		var parts []string
		for k, n := range s.ByKey {
			name := k
			if k == "" {
				name = "PLAINTEXT"
			}
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
			used[k] += n
		}
		if len(parts) == 0 {
			parts = []string{"empty"}
		}
		fmt.Fprintf(out, "%-28s %s\n", s.Column.AAD(), strings.Join(parts, ", "))
	}
	cur := db.Keys().Current()
	for _, id := range db.Keys().IDs() {
		switch {
		case id == cur:
			fmt.Fprintf(out, "master key %s: current, seals new values (%d)\n", id, used[id])
		case used[id] == 0:
			fmt.Fprintf(out, "master key %s: no longer used; may be removed from the key file (keep a copy with old backups)\n", id)
		default:
			fmt.Fprintf(out, "master key %s: still seals %d values; run `xieshang keys rotate`\n", id, used[id])
		}
	}
	if used[""] > 0 {
		fmt.Fprintf(out, "%d values are not sealed yet; run `xieshang keys rotate`\n", used[""])
	}
	return nil
}
