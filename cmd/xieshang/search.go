package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// cmdSearchIndex rebuilds the search index from the records, or with
// --verify compares it with them and exits non-zero on a difference.
func cmdSearchIndex(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search-index", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dsn := dbFlag(fs)
	verify := fs.Bool("verify", false, "compare the index with the records instead of rebuilding it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	if *verify {
		diff, err := db.VerifySearch(ctx)
		if err != nil {
			return err
		}
		if len(diff) > 0 {
			fmt.Fprintln(stdout, strings.Join(diff, "\n"))
			return errors.New("search-index: the index differs from the records; run xieshang search-index to rebuild it")
		}
		fmt.Fprintln(stdout, "search index matches the records")
		return nil
	}
	last := ""
	err = db.RebuildSearch(ctx, func(kind string, done, total int) {
		if kind != last || done == total {
			fmt.Fprintf(stdout, "search index: %s %d/%d\n", kind, done, total)
			last = kind
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "search index rebuilt from the records")
	return nil
}
