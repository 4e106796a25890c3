package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// cmdDutyTally rebuilds the duty tally (duty_tally) from the duty events,
// all or nothing: the repair after restoring or editing duty_event by hand.
func cmdDutyTally(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("duty-tally", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dsn := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RebuildDutyTally(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "duty tally rebuilt from the duty events")
	return nil
}
