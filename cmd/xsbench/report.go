package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// The suite's results file (scripts/bench writes it, `xsbench report` reads
// it): one record a line, fields separated by tabs, the first field the
// record's type. Times in milliseconds.
//
//	page    KIND NAME PATH                           a measured page, in table order (KIND: list, detail, file, dashboard, search)
//	skip    NAME REASON                              a page that could not be measured
//	base    NAME BYTES RPS P50 P95 P99 ERRORS        the bare baseline at that page's size, measured just before it
//	load    DB NAME BYTES RPS P50 P95 P99 ERRORS HWM the page under load (wrk, many connections); HWM: the
//	                                                 server's peak RSS in KiB during it (0: not known)
//	one     DB NAME BYTES RPS P50 P95 P99 ERRORS     the page from one connection (the latency a lone user sees)
//	signin  DB CONC RPS P50 P95 P99 ERRORS           the login POST under load
//	vote    DB BALLOTS RPS P50 P99 ERRORS            electronic ballots over HTTP (xsbench election)
//	metric  DB KEY VALUE                             coldstart_ms, coldstart_runs, rss_kb, hwm_kb, signin_hwm_kb, world
//	info    KEY VALUE                                binary_bytes, load_before, load_after
//
// DB is a database's label ("SQLite", "PostgreSQL"); columns appear in the
// order the databases first appear.

// Targets of issue 9.
const (
	targetRatio      = 0.15  // a list or detail page's req/s over the baseline's, at least
	targetP99Factor  = 10    // its p99 over the baseline's, at most
	targetSearchP95  = 30.0  // ms, one connection
	targetDashboard  = 100.0 // ms, p50 from one connection
	targetBallots    = 5000  // ballots/s over HTTP
	targetColdStart  = 1000  // ms, median
	targetRSSBytes   = 150e6 // peak RSS under load
	targetKindsPages = "list detail file"
)

type measure struct {
	Bytes              int
	RPS, P50, P95, P99 float64
	Errors             int
	HWMKB              float64 // the server's peak RSS while it was measured (KiB), 0 if not known
}

type benchPage struct {
	Kind, Name, Path string
	Skip             string
	Base             *measure
	Load, One        map[string]*measure
}

type signin struct {
	Conc               int
	RPS, P50, P95, P99 float64
	Errors             int
}

type vote struct {
	Ballots       int
	RPS, P50, P99 float64
	Errors        int
}

type results struct {
	DBs     []string
	Pages   []*benchPage
	Signin  map[string]*signin
	Vote    map[string]*vote
	Metrics map[string]map[string]string
	Info    map[string]string
}

func (r *results) page(name string) *benchPage {
	for _, p := range r.Pages {
		if p.Name == name {
			return p
		}
	}
	p := &benchPage{Name: name, Load: map[string]*measure{}, One: map[string]*measure{}}
	r.Pages = append(r.Pages, p)
	return p
}

func (r *results) db(name string) string {
	if !slices.Contains(r.DBs, name) {
		r.DBs = append(r.DBs, name)
	}
	return name
}

func parseResults(in io.Reader) (*results, error) {
	r := &results{Signin: map[string]*signin{}, Vote: map[string]*vote{}, Metrics: map[string]map[string]string{},
		Info: map[string]string{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		bad := func(err error) error { return fmt.Errorf("results line %d (%s): %w", line, f[0], err) }
		want := map[string]int{"page": 4, "skip": 3, "base": 8, "load": 10, "one": 9, "signin": 8, "vote": 7, "metric": 4,
			"info": 3}[f[0]]
		if want == 0 {
			return nil, fmt.Errorf("results line %d: unknown record %q", line, f[0])
		}
		if len(f) != want {
			return nil, bad(fmt.Errorf("%d fields, want %d", len(f), want))
		}
		switch f[0] {
		case "page":
			p := r.page(f[2])
			p.Kind, p.Path = f[1], f[3]
		case "skip":
			r.page(f[1]).Skip = f[2]
		case "base", "load", "one":
			i := 1
			db := ""
			if f[0] != "base" {
				db = r.db(f[1])
				i = 2
			}
			m, err := parseMeasure(f[i+1:])
			if err != nil {
				return nil, bad(err)
			}
			p := r.page(f[i])
			switch f[0] {
			case "base":
				p.Base = m
			case "load":
				if m.HWMKB, err = strconv.ParseFloat(f[9], 64); err != nil {
					return nil, bad(err)
				}
				p.Load[db] = m
			default:
				p.One[db] = m
			}
		case "signin":
			n, err := floats(f[2:7])
			if err != nil {
				return nil, bad(err)
			}
			errs, err := strconv.Atoi(f[7])
			if err != nil {
				return nil, bad(err)
			}
			r.Signin[r.db(f[1])] = &signin{Conc: int(n[0]), RPS: n[1], P50: n[2], P95: n[3], P99: n[4], Errors: errs}
		case "vote":
			n, err := floats(f[2:6])
			if err != nil {
				return nil, bad(err)
			}
			errs, err := strconv.Atoi(f[6])
			if err != nil {
				return nil, bad(err)
			}
			r.Vote[r.db(f[1])] = &vote{Ballots: int(n[0]), RPS: n[1], P50: n[2], P99: n[3], Errors: errs}
		case "metric":
			db := r.db(f[1])
			if r.Metrics[db] == nil {
				r.Metrics[db] = map[string]string{}
			}
			r.Metrics[db][f[2]] = f[3]
		case "info":
			r.Info[f[1]] = f[2]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// parseMeasure reads BYTES RPS P50 P95 P99 ERRORS.
func parseMeasure(f []string) (*measure, error) {
	n, err := floats(f[:5])
	if err != nil {
		return nil, err
	}
	errs, err := strconv.Atoi(f[5])
	if err != nil {
		return nil, err
	}
	return &measure{Bytes: int(n[0]), RPS: n[1], P50: n[2], P95: n[3], P99: n[4], Errors: errs}, nil
}

func floats(f []string) ([]float64, error) {
	out := make([]float64, len(f))
	for i, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("not a number: %q", s)
		}
		out[i] = v
	}
	return out, nil
}

// verdict of one target on one database.
type verdict int

const (
	notMeasured verdict = iota
	met
	missed
)

func (v verdict) String() string {
	return [...]string{"—", "met", "**missed**"}[v]
}

// pageVerdict: a list or detail page against the baseline.
func pageVerdict(p *benchPage, db string) (v verdict, ratio, p99x float64) {
	m := p.Load[db]
	if m == nil || p.Base == nil || p.Base.RPS <= 0 {
		return notMeasured, 0, 0
	}
	ratio = m.RPS / p.Base.RPS
	if p.Base.P99 > 0 {
		p99x = m.P99 / p.Base.P99
	}
	if !strings.Contains(" "+targetKindsPages+" ", " "+p.Kind+" ") {
		return notMeasured, ratio, p99x
	}
	if m.Errors > 0 || ratio < targetRatio || p99x > targetP99Factor {
		return missed, ratio, p99x
	}
	return met, ratio, p99x
}

func metIf(ok bool) verdict {
	if ok {
		return met
	}
	return missed
}

// writeReport writes the pages table, the targets table and the figures
// besides them as Markdown.
func writeReport(w io.Writer, r *results) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	// The pages.
	p("| page | bytes | baseline req/s | baseline p99 ms |")
	for _, db := range r.DBs {
		p(" %s req/s | p50 ms | p99 ms | ratio | p99 × | peak RSS MB | target |", db)
	}
	p("\n| --- | ---: | ---: | ---: |")
	for range r.DBs {
		p(" ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	}
	p("\n")
	var notes []string
	for _, pg := range r.Pages {
		label := pg.Name
		if pg.Path != "" {
			label += ", `" + pg.Path + "`"
		}
		if pg.Skip != "" {
			notes = append(notes, fmt.Sprintf("%s: not measured — %s", label, pg.Skip))
			continue
		}
		bytes, baseRPS, baseP99 := "", "", ""
		if pg.Base != nil {
			bytes, baseRPS, baseP99 = strconv.Itoa(pg.Base.Bytes), num(pg.Base.RPS), fmt.Sprintf("%.2f", pg.Base.P99)
		}
		p("| %s | %s | %s | %s |", label, bytes, baseRPS, baseP99)
		for _, db := range r.DBs {
			m := pg.Load[db]
			if m == nil {
				p(" | | | | | | — |")
				continue
			}
			v, ratio, p99x := pageVerdict(pg, db)
			errs := ""
			if m.Errors > 0 {
				errs = fmt.Sprintf(" (%d errors)", m.Errors)
			}
			rss := "—"
			if m.HWMKB > 0 {
				rss = fmt.Sprintf("%.0f", m.HWMKB*1024/1e6)
			}
			p(" %s%s | %.2f | %.2f | %.3f | %.1f | %s | %s |", num(m.RPS), errs, m.P50, m.P99, ratio, p99x, rss, v)
		}
		p("\n")
	}
	p("\n")
	if len(notes) > 0 {
		for _, n := range notes {
			p("- %s\n", n)
		}
		p("\n")
	}

	// The targets.
	p("| target (issue 9) |")
	for _, db := range r.DBs {
		p(" %s |", db)
	}
	p("\n| --- |")
	for range r.DBs {
		p(" --- |")
	}
	p("\n")
	row := func(name string, cell func(db string) string) {
		p("| %s |", name)
		for _, db := range r.DBs {
			p(" %s |", cell(db))
		}
		p("\n")
	}
	row(fmt.Sprintf("list and detail pages: req/s ≥ %.0f %% of the baseline's and p99 ≤ %d× the baseline's", targetRatio*100,
		targetP99Factor), func(db string) string {
		n, ok := 0, 0
		var miss []string
		for _, pg := range r.Pages {
			v, ratio, p99x := pageVerdict(pg, db)
			switch v {
			case met:
				n++
				ok++
			case missed:
				n++
				miss = append(miss, fmt.Sprintf("%s %.3f, %.1f×", pg.Name, ratio, p99x))
			}
		}
		if n == 0 {
			return "—"
		}
		s := fmt.Sprintf("%d of %d met", ok, n)
		if len(miss) > 0 {
			s += "; missed: " + strings.Join(miss, "; ")
		}
		return s
	})
	oneOf := func(kind string) func(db string) *measure {
		return func(db string) *measure {
			for _, pg := range r.Pages {
				if pg.Kind == kind && pg.One[db] != nil {
					return pg.One[db]
				}
			}
			return nil
		}
	}
	search, dash := oneOf("search"), oneOf("dashboard")
	row(fmt.Sprintf("search for a 2-character word: p95 < %.0f ms (one connection)", targetSearchP95), func(db string) string {
		m := search(db)
		if m == nil {
			return "— (not measured)"
		}
		return fmt.Sprintf("%.1f ms: %s", m.P95, metIf(m.P95 < targetSearchP95 && m.Errors == 0))
	})
	row(fmt.Sprintf("dashboard < %.0f ms (one connection, p50; p95 in brackets)", targetDashboard), func(db string) string {
		m := dash(db)
		if m == nil {
			return "— (not measured)"
		}
		return fmt.Sprintf("%.1f ms (%.1f): %s", m.P50, m.P95, metIf(m.P50 < targetDashboard && m.Errors == 0))
	})
	row(fmt.Sprintf("e-voting ≥ %s ballots/s over HTTP", num(targetBallots)), func(db string) string {
		v := r.Vote[db]
		if v == nil {
			return "— (not measured)"
		}
		return fmt.Sprintf("%s/s (%s ballots, p99 %.1f ms): %s", num(v.RPS), num(float64(v.Ballots)), v.P99,
			metIf(v.RPS >= targetBallots && v.Errors == 0))
	})
	row("cold start < 1 s (process start → first 200 on /login, median)", func(db string) string {
		ms, err := strconv.ParseFloat(r.Metrics[db]["coldstart_ms"], 64)
		if err != nil {
			return "— (not measured)"
		}
		s := fmt.Sprintf("%.0f ms", ms)
		if runs := r.Metrics[db]["coldstart_runs"]; runs != "" {
			s += " (" + runs + ")"
		}
		return s + ": " + metIf(ms < targetColdStart).String()
	})
	row("RSS < 150 MB under load (the server's peak VmHWM; each page and the sign-ins on a freshly started server)", func(db string) string {
		return rssVerdict(r, db)
	})
	p("\n")

	// Figures without a target.
	if len(r.Signin) > 0 {
		for _, db := range r.DBs {
			s := r.Signin[db]
			if s == nil {
				continue
			}
			p("- sign-in (%s): %s sign-ins/s with %d clients, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d errors\n",
				db, num(s.RPS), s.Conc, s.P50, s.P95, s.P99, s.Errors)
		}
	}
	for _, db := range r.DBs {
		if w := r.Metrics[db]["world"]; w != "" {
			p("- %s: %s\n", db, w)
		}
		if kb, err := strconv.ParseFloat(r.Metrics[db]["rss_kb"], 64); err == nil {
			p("- %s server's RSS after the run: %.0f MB\n", db, kb*1024/1e6)
		}
	}
	if l := r.Info["load_before"]; l != "" {
		p("- load average (1, 5, 15 min) before the measurements: %s; after: %s\n", l, r.Info["load_after"])
	}
	if b, err := strconv.ParseFloat(r.Info["binary_bytes"], 64); err == nil {
		p("- binary size: %.1f MiB (%.0f bytes)\n", b/(1<<20), b)
	}
}

// rssVerdict: the highest peak of the run, which page (or the sign-ins)
// reached it, and the highest of the other pages.
func rssVerdict(r *results, db string) string {
	type peak struct {
		what string
		kb   float64
	}
	var peaks []peak
	for _, pg := range r.Pages {
		if m := pg.Load[db]; m != nil && m.HWMKB > 0 {
			peaks = append(peaks, peak{pg.Name, m.HWMKB})
		}
	}
	if kb, err := strconv.ParseFloat(r.Metrics[db]["signin_hwm_kb"], 64); err == nil && kb > 0 {
		peaks = append(peaks, peak{"the sign-ins", kb})
	}
	if len(peaks) == 0 {
		kb, err := strconv.ParseFloat(r.Metrics[db]["hwm_kb"], 64)
		if err != nil {
			return "— (not measured)"
		}
		peaks = append(peaks, peak{"the run", kb})
	}
	slices.SortStableFunc(peaks, func(a, b peak) int { return cmp.Compare(b.kb, a.kb) })
	mb := func(kb float64) float64 { return kb * 1024 / 1e6 }
	s := fmt.Sprintf("%.0f MB (%s)", mb(peaks[0].kb), peaks[0].what)
	if len(peaks) > 1 {
		s += fmt.Sprintf(", then %.0f MB (%s)", mb(peaks[1].kb), peaks[1].what)
	}
	if len(peaks) > 2 {
		s += fmt.Sprintf(", the rest ≤ %.0f MB", mb(peaks[2].kb))
	}
	return s + ": " + metIf(peaks[0].kb*1024 < targetRSSBytes).String()
}

// num formats a count with thousands separators, rounded.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// report is `xsbench report --in results.tsv`.
func report(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "", "results file written by scripts/bench")
	missedOnly := fs.Bool("missed", false, "print only the pages that missed a target, as DB<tab>PATH lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("report: --in is required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := parseResults(f)
	if err != nil {
		return err
	}
	if *missedOnly {
		for _, m := range missedPages(r) {
			fmt.Printf("%s\t%s\n", m[0], m[1])
		}
		return nil
	}
	writeReport(os.Stdout, r)
	return nil
}

// missedPages lists (database, path) of every page that missed its target:
// a list or detail page against the baseline, the search or the dashboard.
func missedPages(r *results) [][2]string {
	var out [][2]string
	for _, db := range r.DBs {
		for _, pg := range r.Pages {
			v, _, _ := pageVerdict(pg, db)
			m := pg.One[db]
			switch {
			case v == missed,
				pg.Kind == "search" && m != nil && !(m.P95 < targetSearchP95 && m.Errors == 0),
				pg.Kind == "dashboard" && m != nil && !(m.P50 < targetDashboard && m.Errors == 0):
				out = append(out, [2]string{db, pg.Path})
			}
		}
	}
	return out
}
