package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// The province world (xieshang demo --scale province): one city committee
// and ten county committees with 150 townships and 3,000 villages and
// communities, 6,000 members over two terms, 3,000 meetings with their
// attendance and votes, 500 elections of 400 ballots each, 20,000
// consultation topics, 50,000 proposals, 50,000 households in need with a
// million visits, and two million duty events that each point at the
// record that earned them. The structure (organisations, terms, sectors,
// handling units, accounts) goes through the store's ordinary functions; the
// volume goes through store.Bulk, and the derived tables (duty tally,
// assistance rollups) are rebuilt by the store's own functions afterwards.
//
// Everything follows from (Seed, Counts): each phase draws from its own
// generator seeded from the seed, and ids are given in order from an empty
// database, so two loads with the same seed give the same data.

// ProvinceCounts size the province world.
type ProvinceCounts struct {
	Counties   int // county committees under the city
	Townships  int // in all
	Villages   int // villages and communities in all
	Members    int // distinct members of all committees over both terms
	Meetings   int // meetings and sittings in all
	Elections  int
	Ballots    int // ballots returned in each election
	Topics     int
	Households int
	Visits     int // household and enterprise visits
	DutyEvents int
	Proposals  int
}

// ProvinceScale is the full province world.
var ProvinceScale = ProvinceCounts{Counties: 10, Townships: 150, Villages: 3000, Members: 6000, Meetings: 3000,
	Elections: 500, Ballots: 400, Topics: 20000, Households: 50000, Visits: 1_000_000, DutyEvents: 2_000_000,
	Proposals: 50000}

// ProvinceOptions choose the world.
type ProvinceOptions struct {
	Seed   uint64
	Counts ProvinceCounts // zero: ProvinceScale
}

// check refuses counts the generator cannot honour.
func (c ProvinceCounts) check() error {
	committees := c.Counties + 1
	switch {
	case c.Counties < 1 || c.Townships < c.Counties || c.Villages < c.Townships:
		return fmt.Errorf("demo: province: need at least one township per county and one village per township")
	case c.Members < committees*40:
		return fmt.Errorf("demo: province: need at least 40 members per committee")
	case c.Meetings < committees*2*24:
		return fmt.Errorf("demo: province: need at least 24 meetings per committee and term")
	case c.Ballots > seatsOf(c.Members/committees)*90/100:
		return fmt.Errorf("demo: province: %d ballots per election need more members", c.Ballots)
	case c.Elections < 0 || c.Topics < 0 || c.Households < 0 || c.Visits < 0 || c.Proposals < 0:
		return fmt.Errorf("demo: province: negative counts")
	}
	return nil
}

// seatsOf is the seats of a term of a committee with n members over both
// terms: about 450 of 545 (the rest served only one of the two terms).
func seatsOf(n int) int { return n * 450 / 545 }

// Phase seeds: each phase draws from its own generator.
const (
	seedStructure uint64 = iota + 1
	seedMembers
	seedMeetings
	seedElections
	seedConsult
	seedProposals
	seedReports
	seedAssist
	seedVisits
	seedActivities
)

// rngFor is the generator of one phase.
func rngFor(seed, phase uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed*0x9e3779b97f4a7c15+phase, 0x50524f56494e4345^phase))
}

// provToday is the province world's reference day (as demo.Today): records
// before it are history, the few after it are upcoming.
var provToday = Today

// LoadProvince fills an empty database with the province world, printing
// its progress to out, and returns the demo logins.
func LoadProvince(ctx context.Context, db *store.DB, out io.Writer, opt ProvinceOptions) ([]Login, error) {
	if out == nil {
		out = io.Discard
	}
	if opt.Counts == (ProvinceCounts{}) {
		opt.Counts = ProvinceScale
	}
	if err := opt.Counts.check(); err != nil {
		return nil, err
	}
	n, err := db.CountRows(ctx, "org")
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	pl := &provLoader{db: db, opt: opt, c: opt.Counts, actor: app.System, prog: newProgress(out)}
	// The store's clock stands at a fixed instant while the world is
	// written, so that what the store stamps (audit rows, accounts) is the
	// same in every load.
	saved := db.Now
	fixed := time.Date(provToday.Y, provToday.M, provToday.D, 9, 0, 0, 0, db.Loc)
	db.Now = func() time.Time { return fixed }
	defer func() { db.Now = saved }()
	started := time.Now()
	for _, ph := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"组织和届次", pl.structure},
		{"委员", pl.members},
		{"账号", pl.accounts},
		{"会议", pl.meetings},
		{"选举", pl.elections},
		{"协商议题", pl.consult},
		{"提案", pl.proposals},
		{"社情民意", pl.reports},
		{"结对帮扶", pl.assist},
		{"走访", pl.visits},
		{"履职活动", pl.activities},
		{"重建统计", pl.rebuild},
		{"加密个人信息", pl.seal},
	} {
		pl.prog.begin(ph.name)
		if err := ph.fn(ctx); err != nil {
			return nil, fmt.Errorf("demo: province: %s: %w", ph.name, err)
		}
		pl.prog.end()
	}
	pl.prog.summary(time.Since(started))
	fmt.Fprintf(out, "province world loaded in %.1fs: %d committees, %d townships, %d villages, %d members, %d meetings, "+
		"%d elections, %d topics, %d proposals, %d households, %d visits, %d duty events\n",
		time.Since(started).Seconds(), len(pl.committees), pl.c.Townships, pl.c.Villages, pl.c.Members, pl.stats.meetings,
		pl.stats.elections, pl.stats.topics, pl.stats.proposals, pl.stats.households, pl.stats.visits, pl.dutyWritten)
	return pl.logins, nil
}

// provStats are the counts the closing line prints.
type provStats struct {
	meetings, elections, topics, proposals, households, visits int
}

// provLoader writes the province world.
type provLoader struct {
	db         *store.DB
	opt        ProvinceOptions
	c          ProvinceCounts
	actor      app.Actor
	prog       *progress
	committees []*provCommittee
	logins     []Login
	stats      provStats
	// dutyWritten counts the duty events written so far; the 履职活动
	// phase brings it to Counts.DutyEvents.
	dutyWritten int
	// meetingsOf lists each committee's consultation meetings by year, for
	// topics to be consulted at.
	consultMeetings map[int64]map[int][]*provMeeting
	// notFiledReports are the proposals not filed and turned into reports.
	notFiledReports []*provProposal
	households      []*provHousehold
	enterprises     []provEnterprise
}

// bulk writes one table's rows through store.Bulk, reporting progress;
// total is the rows expected (0 when not known beforehand).
func (pl *provLoader) bulk(what, table string, cols string, total int, rows func(emit func(vals ...any) error) error) (int, error) {
	base := pl.prog.done
	pl.prog.load(what, base, total)
	n, err := pl.db.Bulk(context.Background(), pl.actor, store.BulkLoad{Table: table, Columns: strings.Split(cols, ", "),
		Rows: rows, Summary: what, Progress: func(k int) { pl.prog.set(base + k) }})
	if err != nil {
		return n, fmt.Errorf("%s: %w", what, err)
	}
	pl.prog.set(base + n)
	return n, nil
}

// bulkN writes n rows made by row(i).
func (pl *provLoader) bulkN(what, table, cols string, n int, row func(i int) []any) error {
	_, err := pl.bulk(what, table, cols, n, func(emit func(vals ...any) error) error {
		for i := range n {
			if err := emit(row(i)...); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// nextIDs returns the first id to give to new rows of each table.
func (pl *provLoader) nextIDs(ctx context.Context, tables ...string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range tables {
		id, err := pl.db.NextID(ctx, t)
		if err != nil {
			return nil, err
		}
		out[t] = id
	}
	return out, nil
}

// ---------------------------------------------------------------- duty events

// dutyRow is a duty event as the loader writes it.
type dutyRow struct {
	committee, member int64
	kind              string
	on                string // 'YYYY-MM-DD'
	meeting           int64
	source            string
	sourceID          int64
	share             int
}

const dutyCols = "committee_id, member_id, kind, occurred_on, meeting_id, source, source_id, share, created_at"

func (d dutyRow) values(created time.Time) []any {
	share := d.share
	if share == 0 {
		share = 4
	}
	return []any{d.committee, d.member, d.kind, d.on, nullID(d.meeting), d.source, d.sourceID, share, created}
}

// writeDuty writes a phase's duty events.
func (pl *provLoader) writeDuty(what string, events []dutyRow) error {
	n, err := pl.bulk(what+"履职记录", "duty_event", dutyCols, len(events), func(emit func(vals ...any) error) error {
		for _, e := range events {
			if err := emit(e.values(dayTime(e.on, 18))...); err != nil {
				return err
			}
		}
		return nil
	})
	pl.dutyWritten += n
	return err
}

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullDate is NULL for the zero time.
func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// shanghai is the committees' time zone (the store's Loc).
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// dayTime is hour o'clock of day ('YYYY-MM-DD') in the committees' zone, in UTC.
func dayTime(day string, hour int) time.Time {
	d := app.MustDate(day)
	return time.Date(d.Y, d.M, d.D, hour, 0, 0, 0, shanghai).UTC()
}

// at is a day and time in the committees' zone, in UTC.
func at(d app.Date, hour, min int) time.Time {
	return time.Date(d.Y, d.M, d.D, hour, min, 0, 0, shanghai).UTC()
}

// addDays is d moved by n days.
func addDays(d app.Date, n int) app.Date {
	return app.DateOf(time.Date(d.Y, d.M, d.D+n, 12, 0, 0, 0, time.UTC))
}

// daysBetween is the number of days from a to b.
func daysBetween(a, b app.Date) int {
	return int(time.Date(b.Y, b.M, b.D, 12, 0, 0, 0, time.UTC).Sub(time.Date(a.Y, a.M, a.D, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

// ---------------------------------------------------------------- progress

// progress prints the phase, the rows it wrote, the table being loaded
// with its rows done of its total (when known) and the rate: one line
// rewritten with \r on a terminal, a plain line every few seconds
// otherwise.
type progress struct {
	w          io.Writer
	tty        bool
	phase      string
	done       int
	what       string // the load under way
	whatBase   int    // phase rows before it
	whatTotal  int
	began      time.Time
	last       time.Time
	phases     []phaseTime
	lastLength int
}

type phaseTime struct {
	name string
	rows int
	took time.Duration
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// load starts a table's load of total rows (0: not known) at phase row base.
func (p *progress) load(what string, base, total int) {
	p.what, p.whatBase, p.whatTotal = what, base, total
}

func (p *progress) begin(phase string) {
	p.phase, p.done, p.began, p.last, p.what = phase, 0, time.Now(), time.Now(), ""
	if p.tty {
		p.print(false)
	}
}

// set records rows written in the phase so far.
func (p *progress) set(done int) {
	p.done = done
	every := 3 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if time.Since(p.last) >= every {
		p.last = time.Now()
		p.print(false)
	}
}

func (p *progress) end() {
	took := time.Since(p.began)
	p.phases = append(p.phases, phaseTime{p.phase, p.done, took})
	p.print(true)
}

func (p *progress) print(final bool) {
	secs := time.Since(p.began).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.done) / secs
	}
	line := fmt.Sprintf("[%s] %d 行  %.0f 行/秒  %.1fs", p.phase, p.done, rate, secs)
	if p.what != "" {
		of := ""
		if p.whatTotal > 0 {
			of = fmt.Sprintf("/%d", p.whatTotal)
		}
		line += fmt.Sprintf("  %s %d%s", p.what, p.done-p.whatBase, of)
	}
	if final {
		line = fmt.Sprintf("[%s] 完成：%d 行，%.1fs", p.phase, p.done, secs)
	}
	if p.tty {
		pad := ""
		if n := len(line); n < p.lastLength {
			pad = strings.Repeat(" ", p.lastLength-n)
		}
		p.lastLength = len(line)
		fmt.Fprint(p.w, "\r"+line+pad)
		if final {
			fmt.Fprintln(p.w)
			p.lastLength = 0
		}
		return
	}
	fmt.Fprintln(p.w, line)
}

// summary prints the time of each phase.
func (p *progress) summary(total time.Duration) {
	fmt.Fprintln(p.w, "phase times:")
	for _, ph := range p.phases {
		fmt.Fprintf(p.w, "  %s %10d rows %8.1fs\n", padWidth(ph.name, 12), ph.rows, ph.took.Seconds())
	}
	fmt.Fprintf(p.w, "  %s %10s      %8.1fs\n", padWidth("total", 12), "", total.Seconds())
}

// note prints a step of a phase that writes no rows (a rebuild) with its time.
func (p *progress) note(what string, took time.Duration) {
	line := fmt.Sprintf("[%s] %s：%.1fs", p.phase, what, took.Seconds())
	if p.tty {
		fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", max(0, p.lastLength-len(line)))+"\n")
		p.lastLength = 0
		return
	}
	fmt.Fprintln(p.w, line)
}

// padWidth pads s with spaces to w columns, a Chinese character taking two.
func padWidth(s string, w int) string {
	n := 0
	for _, r := range s {
		n++
		if r > 0x2e80 {
			n++
		}
	}
	return s + strings.Repeat(" ", max(0, w-n))
}

// seal seals the personal fields the bulk phases wrote in plaintext, as a
// start of `serve` would (store.Reseal).
func (pl *provLoader) seal(ctx context.Context) error {
	_, err := pl.db.Reseal(ctx, false, 2000, nil)
	return err
}
