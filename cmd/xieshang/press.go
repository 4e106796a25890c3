package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"xieshang/internal/press"
)

// cmdPress runs "press parse FILE [--year YYYY]": the items of a newspaper
// page's text as JSON.
func cmdPress(args []string, stdout, stderr io.Writer) error {
	const help = "usage: xieshang press parse FILE [--year YYYY]"
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, help)
		return nil
	}
	if args[0] != "parse" {
		fmt.Fprintln(stderr, help)
		return fmt.Errorf("press: unknown subcommand %q", args[0])
	}
	fs := flag.NewFlagSet("press parse", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintln(stdout, help)
		fs.PrintDefaults()
	}
	year := fs.Int("year", 0, "the year of dates printed without one (default: the year the page names)")
	// Flags may come before or after the file.
	var files []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, help)
		return errors.New("press parse: give one file")
	}
	if *year != 0 && (*year < 1949 || *year > 2200) {
		return fmt.Errorf("press parse: --year %d is not a year", *year)
	}
	src, err := readLimited(files[0], press.MaxInput)
	if err != nil {
		return err
	}
	page, err := press.Parse(src, press.Options{Year: *year})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(page)
}

// readLimited reads a file, one byte over limit at most (so that Parse
// refuses it without reading 50 MB into memory).
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}
