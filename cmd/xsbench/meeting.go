package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
)

// benchPassword is the password of the member accounts the meeting
// benchmark creates (bench-<member id>), hashed at auth.FastArgon2 cost.
const benchPassword = "Hall-Vote-2026"

// meetingBench is `xsbench meeting`: the plenary load test. Against a running
// server (--url) whose database (--db, for setup) holds a committee with its
// members (the demo world: `xieshang demo --members 2000`):
//
//  1. setup through the store: a plenary of the first city committee's
//     current term, starting in an hour, and a member account for every
//     member it expects (FastArgon2 hashes: bench setup only);
//  2. as the office over HTTP: open the meeting, read the QR sign-in link;
//  3. K board clients open the event stream and count updates;
//  4. every member signs in to the site (GET /login, POST /login) and opens
//     the QR sign-in page (phase "login", not part of the meeting figures);
//  5. all of them sign in with the QR code at once (c at a time);
//  6. the office opens an electronic vote on an agenda item;
//  7. all of them vote at once; the office closes the vote.
//
// For the sign-in and ballot phases it reports throughput, p50 and p99 of
// the requests, and how long until every board showed all of them.
func meetingBench(args []string) error {
	fs := flag.NewFlagSet("meeting", flag.ContinueOnError)
	base := fs.String("url", "", "the running server, e.g. http://127.0.0.1:8080")
	boardBase := fs.String("board-url", "", "where the boards connect, when not --url: another node on the same PostgreSQL database")
	dsn := fs.String("db", "", "its database (SQLite file or postgres:// URL), for setup")
	office := fs.String("office", "office", "office account of the committee")
	password := fs.String("password", "", "its password")
	limit := fs.Int("members", 0, "members who sign in and vote (0: every expected member)")
	boards := fs.Int("boards", 200, "board clients keeping the event stream open")
	conc := fs.Int("c", 64, "concurrent requests in the sign-in and ballot phases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *dsn == "" || *password == "" {
		return errors.New("meeting: --url, --db and --password are required")
	}
	*base = strings.TrimRight(*base, "/")
	if *boardBase == "" {
		*boardBase = *base
	}
	*boardBase = strings.TrimRight(*boardBase, "/")
	ctx := context.Background()

	// 1. setup
	t0 := time.Now()
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Argon2 = auth.FastArgon2 // bench accounts only
	mt, members, err := benchMeeting(ctx, db, *limit)
	if err != nil {
		return err
	}
	fmt.Printf("setup: %s, %d expected members, %d accounts ready in %s\n", mt.Title, mt.expected, len(members),
		time.Since(t0).Round(time.Millisecond))

	tr := &http.Transport{MaxIdleConns: 0, MaxIdleConnsPerHost: *conc + 16, MaxConnsPerHost: 0,
		IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()

	// 2. the office opens the meeting and reads the QR link
	oc := newBenchClient(tr)
	if err := oc.login(*base, *office, *password); err != nil {
		return fmt.Errorf("office: %w", err)
	}
	mpath := "/meetings/" + app.Itoa(mt.ID)
	if err := oc.post(*base+mpath+"/open", url.Values{}, http.StatusSeeOther); err != nil {
		return fmt.Errorf("open meeting: %w", err)
	}
	qr, err := oc.get(*base + mpath + "/qr")
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`/s/([A-Za-z0-9_-]{64})`).FindStringSubmatch(qr)
	if m == nil {
		return errors.New("no sign-in link on the QR page")
	}
	signPath := "/s/" + m[1]
	expected := mt.expected

	// 3. boards (signed in as the office on their node)
	bc := oc
	if *boardBase != *base {
		bc = newBenchClient(tr)
		if err := bc.login(*boardBase, *office, *password); err != nil {
			return fmt.Errorf("office on %s: %w", *boardBase, err)
		}
	}
	bctx, stopBoards := context.WithCancel(ctx)
	defer stopBoards()
	boardsStart := time.Now()
	bs := make([]*boardClient, *boards)
	var ready sync.WaitGroup
	for i := range bs {
		bs[i] = &boardClient{}
		ready.Add(1)
		go bs[i].run(bctx, tr, bc.jar, *boardBase+mpath+"/board/events", &ready)
	}
	ready.Wait()
	open := 0
	for _, b := range bs {
		if b.err.Load() == nil {
			open++
		}
	}
	boardsOpen := time.Since(boardsStart)
	fmt.Printf("boards: %d of %d streams open in %s\n", open, len(bs), boardsOpen.Round(time.Millisecond))

	// 4. members sign in to the site
	clients := make([]*benchClient, len(members))
	for i := range clients {
		clients[i] = newBenchClient(tr)
	}
	login := runPhase("login", len(members), *conc, func(i int) error {
		c := clients[i]
		if err := c.login(*base, members[i].username, benchPassword); err != nil {
			return err
		}
		page, err := c.get(*base + signPath)
		if err != nil {
			return err
		}
		if c.csrf = csrfOf(page); c.csrf == "" || !strings.Contains(page, ">签到</button>") {
			return errors.New("the sign-in page offers no button")
		}
		return nil
	})

	// 5. QR sign-in
	signStart := time.Now()
	for _, b := range bs {
		b.watch(func(s boardState) bool { return s.Present >= len(members) })
	}
	signIn := runPhase("QR sign-in", len(members), *conc, func(i int) error {
		return clients[i].post(*base+signPath, url.Values{"csrf_token": {clients[i].csrf}}, http.StatusSeeOther)
	})
	signBoard := waitBoards(bs, signStart, signStart.Add(signIn.took), 30*time.Second)

	// 6. the office opens a vote
	if err := oc.post(*base+mpath+"/agenda", url.Values{"kind": {string(store.AgendaResolution)}, "title": {"基准测试决议"}},
		http.StatusSeeOther); err != nil {
		return fmt.Errorf("agenda: %w", err)
	}
	items, err := db.FindAgendaItems(ctx, app.System, mt.ID)
	if err != nil || len(items) == 0 {
		return fmt.Errorf("agenda item: %v", err)
	}
	item := items[len(items)-1]
	if err := oc.post(*base+"/agenda/"+app.Itoa(item.ID)+"/vote", url.Values{"mode": {"electronic"},
		"meeting_id": {app.Itoa(mt.ID)}}, http.StatusSeeOther); err != nil {
		return fmt.Errorf("open vote: %w", err)
	}
	votes, err := db.FindVotes(ctx, app.System, mt.ID)
	if err != nil || len(votes) == 0 {
		return fmt.Errorf("vote: %v", err)
	}
	vote := "/votes/" + app.Itoa(votes[len(votes)-1].ID)

	// 7. ballots
	voteStart := time.Now()
	signed := signIn.ok
	for _, b := range bs {
		b.watch(func(s boardState) bool { return s.Vote != nil && s.Vote.Status == "open" && s.Vote.Voted >= signed })
	}
	choices := []string{"for", "for", "for", "against", "abstain"}
	ballot := runPhase("ballot", len(members), *conc, func(i int) error {
		return clients[i].post(*base+vote+"/ballot", url.Values{"csrf_token": {clients[i].csrf},
			"choice": {choices[i%len(choices)]}}, http.StatusSeeOther)
	})
	voteBoard := waitBoards(bs, voteStart, voteStart.Add(ballot.took), 30*time.Second)

	closeStart := time.Now()
	for _, b := range bs {
		b.watch(func(s boardState) bool { return s.Vote != nil && s.Vote.Status == "closed" })
	}
	if err := oc.post(*base+vote+"/close", url.Values{}, http.StatusSeeOther); err != nil {
		return fmt.Errorf("close vote: %w", err)
	}
	closeBoard := waitBoards(bs, closeStart, time.Now(), 30*time.Second)
	stopBoards()

	var updates, leaks, failed int64
	var result string
	for _, b := range bs {
		updates += b.events.Load()
		leaks += b.leaks.Load()
		if b.err.Load() != nil {
			failed++
		}
		if s := b.state(); s.Vote != nil && s.Vote.Result != "" {
			result = s.Vote.Result
		}
	}

	fmt.Println()
	fmt.Printf("meeting %d: %d expected, %d members signing in and voting, %d boards (c=%d)", mt.ID, expected,
		len(members), len(bs), *conc)
	if *boardBase != *base {
		fmt.Printf(", boards on %s, requests to %s", *boardBase, *base)
	}
	fmt.Print("\n\n")
	fmt.Println("| phase | requests | errors | seconds | req/s | p50 ms | p99 ms | max ms | all boards show it after |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, p := range []struct {
		ph    phase
		board string
	}{{login, "—"}, {signIn, signBoard}, {ballot, voteBoard}} {
		fmt.Printf("| %s | %d | %d | %.2f | %.0f | %.1f | %.1f | %.1f | %s |\n", p.ph.name, p.ph.n, p.ph.errs,
			p.ph.took.Seconds(), float64(p.ph.n)/p.ph.took.Seconds(), ms(p.ph.pct(50)), ms(p.ph.pct(99)), ms(p.ph.pct(100)), p.board)
	}
	fmt.Println()
	fmt.Printf("- %d board streams opened (first snapshot received) in %.2f s\n", open, boardsOpen.Seconds())
	fmt.Printf("- board updates received: %d in all, %.1f per board, first snapshots included (%d streams failed)\n", updates,
		float64(updates)/float64(max(1, len(bs))), failed)
	fmt.Printf("- vote closed, every board showed the result after %s: %s\n", closeBoard, result)
	fmt.Printf("- board events during the open vote that showed how members voted: %d\n", leaks)
	for _, p := range []phase{login, signIn, ballot} {
		if p.firstErr != nil {
			fmt.Printf("- first error in %s: %v\n", p.name, p.firstErr)
		}
	}
	if signIn.errs > 0 || ballot.errs > 0 || leaks > 0 || failed > 0 {
		return errors.New("meeting: errors under load (see above)")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchPlenary is the meeting under test.
type benchPlenary struct {
	meeting.Meeting
	expected int
}

type benchMember struct {
	id       int64
	username string
}

// benchMeeting creates the plenary and the member accounts (reusing those
// of an earlier run).
func benchMeeting(ctx context.Context, db *store.DB, limit int) (benchPlenary, []benchMember, error) {
	var p benchPlenary
	city, term, err := benchCity(ctx, db)
	if err != nil {
		return p, nil, err
	}
	now := db.Now().In(db.Loc).Truncate(time.Minute)
	m, err := db.CreateMeeting(ctx, app.System, city.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
		StartsAt: now.Add(time.Hour), EndsAt: now.Add(4 * time.Hour), Place: "基准测试会场"})
	if err != nil {
		return p, nil, fmt.Errorf("create meeting: %w", err)
	}
	p.Meeting = m
	list, err := db.ExpectedMembers(ctx, app.System, m.ID)
	if err != nil {
		return p, nil, err
	}
	p.expected = len(list)
	if limit > 0 && limit < len(list) {
		list = list[:limit]
	}
	var out []benchMember
	for _, e := range list {
		name, err := benchAccount(ctx, db, city.ID, e.MemberID, e.Name)
		if err != nil {
			return p, nil, err
		}
		out = append(out, benchMember{id: e.MemberID, username: name})
	}
	return p, out, nil
}

// benchClient is one browser: its own cookies, a shared transport.
type benchClient struct {
	http *http.Client
	jar  http.CookieJar
	csrf string
}

func newBenchClient(tr *http.Transport) *benchClient {
	jar, _ := cookiejar.New(nil)
	return &benchClient{jar: jar, http: &http.Client{Transport: tr, Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func csrfOf(page string) string {
	if m := csrfRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

func (c *benchClient) get(u string) (string, error) { return get(c.http, u) }

// post sends a form (with the session's CSRF token unless given) and wants status.
func (c *benchClient) post(u string, form url.Values, status int) error {
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf)
	}
	resp, err := c.http.PostForm(u, form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		b, _ := io.ReadAll(resp.Body)
		msg := string(b)
		if m := regexp.MustCompile(`class="(?:flash|errors?)[^"]*"[^>]*>([^<]+)`).FindStringSubmatch(msg); m != nil {
			msg = m[1]
		} else if len(msg) > 200 {
			msg = msg[:200]
		}
		return fmt.Errorf("POST %s: %s: %s", u, resp.Status, strings.TrimSpace(msg))
	}
	io.Copy(io.Discard, resp.Body)
	return nil
}

// login signs in through the login form and keeps the CSRF token of the session.
func (c *benchClient) login(base, user, password string) error {
	page, err := c.get(base + "/login")
	if err != nil {
		return err
	}
	tok := csrfOf(page)
	if tok == "" {
		return errors.New("no csrf_token on /login")
	}
	if err := c.post(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {tok}},
		http.StatusSeeOther); err != nil {
		return err
	}
	home, err := c.get(base + "/")
	if err != nil {
		return err
	}
	if c.csrf = csrfOf(home); c.csrf == "" {
		return fmt.Errorf("sign-in as %s failed", user)
	}
	return nil
}

// phase is one measured round of requests.
type phase struct {
	name     string
	n, ok    int
	errs     int
	took     time.Duration
	lat      []time.Duration
	firstErr error
}

// pct is the p-th percentile latency (100: the maximum).
func (p phase) pct(q int) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	i := (len(p.lat)*q + 99) / 100
	return p.lat[min(max(i-1, 0), len(p.lat)-1)]
}

// runPhase calls do(0..n-1) from conc goroutines, timing each call.
func runPhase(name string, n, conc int, do func(i int) error) phase {
	p := phase{name: name, n: n, lat: make([]time.Duration, n)}
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				err := do(i)
				p.lat[i] = time.Since(t)
				mu.Lock()
				if err != nil {
					p.errs++
					if p.firstErr == nil {
						p.firstErr = err
					}
				} else {
					p.ok++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	p.took = time.Since(start)
	slices.Sort(p.lat)
	fmt.Printf("%s: %d requests in %s, %d errors\n", name, n, p.took.Round(time.Millisecond), p.errs)
	return p
}

// boardState is the board JSON as the stream sends it.
type boardState struct {
	Expected int `json:"expected"`
	Present  int `json:"present"`
	Vote     *struct {
		Status string `json:"status"`
		Voted  int    `json:"voted"`
		Result string `json:"result"`
	} `json:"vote"`
}

// boardClient is one hall screen: an open event stream.
type boardClient struct {
	events atomic.Int64
	leaks  atomic.Int64 // events of an open vote that show how members voted
	err    atomic.Pointer[error]

	mu     sync.Mutex
	cur    boardState
	target func(boardState) bool
	hit    time.Time // when target first held
}

func (b *boardClient) state() boardState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur
}

// watch sets the condition whose first time is recorded.
func (b *boardClient) watch(target func(boardState) bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.target, b.hit = target, time.Time{}
	if target(b.cur) {
		b.hit = time.Now()
	}
}

func (b *boardClient) run(ctx context.Context, tr *http.Transport, jar http.CookieJar, u string, ready *sync.WaitGroup) {
	once := sync.OnceFunc(ready.Done)
	defer once()
	fail := func(err error) { b.err.Store(&err) }
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Accept", "text/event-stream")
	c := &http.Client{Transport: tr, Jar: jar}
	resp, err := c.Do(req)
	if err != nil {
		fail(err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Errorf("board stream: %s", resp.Status))
		return
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		data := strings.TrimPrefix(line, "data: ")
		var s boardState
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			fail(err)
			return
		}
		b.events.Add(1)
		if s.Vote != nil && s.Vote.Status == "open" && (strings.Contains(data, "赞成") || s.Vote.Result != "") {
			b.leaks.Add(1)
		}
		b.mu.Lock()
		b.cur = s
		if b.target != nil && b.hit.IsZero() && b.target(s) {
			b.hit = time.Now()
		}
		b.mu.Unlock()
		once() // the first event: the stream is open
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		fail(err)
	}
}

// waitBoards waits until every open board met its target (at most limit)
// and says when the last one did, counted from start and from end (the
// phase's last answer).
func waitBoards(bs []*boardClient, start, end time.Time, limit time.Duration) string {
	deadline := time.Now().Add(limit)
	for {
		var last time.Time
		missing := 0
		for _, b := range bs {
			if b.err.Load() != nil {
				continue
			}
			b.mu.Lock()
			hit := b.hit
			b.mu.Unlock()
			if hit.IsZero() {
				missing++
			} else if hit.After(last) {
				last = hit
			}
		}
		if missing == 0 {
			if last.IsZero() {
				return "no boards"
			}
			return fmt.Sprintf("%.2f s (%.0f ms after the last answer)", last.Sub(start).Seconds(),
				max(0, ms(last.Sub(end))))
		}
		if time.Now().After(deadline) {
			return fmt.Sprintf("%d boards not after %s", missing, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
