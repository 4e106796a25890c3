package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// TestCrashSafety runs the real binary on a real database, drives sign-ins,
// electronic ballots and assistance visits through the JSON API from several
// goroutines, kills the server with SIGKILL at random moments and restarts
// it on the same database. Afterwards every write that got a success answer
// must be in the database, none is half there (a visit without its aid rows,
// its household's monthly rollup or its audit entry; a sign-in without its
// audit entry), and the audit chain verifies.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds the binary and kills it many times")
	}
	bin := buildBinary(t)
	for _, c := range []struct {
		d     store.Dialect
		kills int
	}{{store.SQLite, 20}, {store.Postgres, 10}} {
		t.Run(string(c.d), func(t *testing.T) {
			dsn := storetest.DSN(t, c.d)
			runCrash(t, bin, dsn, c.kills)
		})
	}
}

// buildBinary builds the xieshang binary into the test's temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "xieshang")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashWorld is what the setup made: tokens and ids the load uses.
type crashWorld struct {
	meetingID, voteID int64
	electionID        int64
	office            string   // office token of county A
	members           []int64  // expected members of the meeting
	tokens            []string // each member's own token, by index
	preSigned         int      // members[:preSigned] signed in before the run
	cadres            []string // cadre tokens, one per household
	households        []int64
}

func crashSetup(t *testing.T, dsn string) crashWorld {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	defer db.Close()
	db.Argon2 = auth.FastArgon2
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		must(err)
		return o
	}
	city := mk(0, org.City, "聊城市政协")
	county := mk(city.ID, org.County, "东阿县政协")
	town := mk(county.ID, org.Township, "铜城街道")
	village := mk(town.ID, org.Village, "前街社区")
	today := db.Today()
	term, err := db.CreateTerm(ctx, app.System, county.ID, org.TermInput{Number: 10,
		StartDate: app.DateOf(today.Time(db.Loc).AddDate(-1, 0, 0))})
	must(err)
	sector, err := db.CreateSector(ctx, app.System, county.ID, org.NamedInput{Name: "教育界", Sort: 10})
	must(err)
	token := func(a auth.Account) string {
		t.Helper()
		must(db.ClearMustChangePassword(ctx, a.ID))
		_, tok, err := db.CreateAPIToken(ctx, a.Actor("127.0.0.1"), "crash", 0)
		must(err)
		return tok
	}
	account := func(in auth.AccountInput) auth.Account {
		t.Helper()
		in.Password = "Crash-test-2026"
		a, err := db.CreateAccount(ctx, app.System, in)
		must(err)
		return a
	}
	var w crashWorld
	const members = 90
	for i := range members {
		m, err := db.CreateMemberInTerm(ctx, app.System, county.ID, member.Input{Name: fmt.Sprintf("委员%03d", i)},
			&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
		must(err)
		a := account(auth.AccountInput{Username: fmt.Sprintf("m%03d", i), DisplayName: m.Name, Role: auth.MemberRole,
			OrgID: county.ID, MemberID: m.ID})
		w.members = append(w.members, m.ID)
		w.tokens = append(w.tokens, token(a))
	}
	officeAcc := account(auth.AccountInput{Username: "office", DisplayName: "办公室", Role: auth.Office, OrgID: county.ID})
	w.office = token(officeAcc)
	office := officeAcc.Actor("127.0.0.1")

	starts := db.Now().In(db.Loc).Add(time.Hour).Truncate(time.Minute)
	m, err := db.CreateMeeting(ctx, office, county.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
		StartsAt: starts, EndsAt: starts.Add(3 * time.Hour), Place: "县会议中心"})
	must(err)
	_, err = db.OpenMeeting(ctx, office, m.ID)
	must(err)
	w.meetingID = m.ID
	w.preSigned = members/2 + 1 // a quorum, so the vote can open
	for _, id := range w.members[:w.preSigned] {
		_, err := db.SignIn(ctx, office, m.ID, id, store.SignInClerk, time.Time{})
		must(err)
	}
	item, err := db.AddAgendaItem(ctx, office, m.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "政治决议"})
	must(err)
	v, err := db.OpenVote(ctx, office, item.ID, store.VoteElectronic, meeting.DefaultPassRule())
	must(err)
	w.voteID = v.ID

	// An electronic election at an election sitting of the session: every
	// member signed in there, so every one holds a ballot.
	sitting, err := db.CreateMeeting(ctx, office, county.ID, meeting.Input{TermID: term.ID, Kind: meeting.Sitting,
		ParentID: m.ID, Sitting: meeting.Election, StartsAt: starts})
	must(err)
	el, err := db.CreateElection(ctx, office, sitting.ID, store.ElectionInput{Title: "补选副主席", Mode: election.Electronic})
	must(err)
	o, err := db.AddOffice(ctx, office, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1})
	must(err)
	must(db.SetCandidates(ctx, office, o.ID, w.members[:1]))
	must(db.SetScrutineers(ctx, office, el.ID, []store.ElectionScrutineer{{MemberID: w.members[1], Duty: store.ChiefScrutineer},
		{MemberID: w.members[2], Duty: store.Scrutineer}}))
	_, err = db.OpenMeeting(ctx, office, sitting.ID)
	must(err)
	for _, id := range w.members {
		_, err := db.SignIn(ctx, office, sitting.ID, id, store.SignInClerk, time.Time{})
		must(err)
	}
	for _, item := range []int64{el.RulesItemID, el.ScrutineersItemID} {
		v, err := db.OpenVote(ctx, office, item, store.VoteHands, meeting.PassRule{})
		must(err)
		_, err = db.RecordHands(ctx, office, v.ID, meeting.Tally{For: len(w.members)})
		must(err)
		_, err = db.CloseVote(ctx, office, v.ID)
		must(err)
	}
	_, err = db.OpenElection(ctx, office, el.ID)
	must(err)
	w.electionID = el.ID

	for i, name := range []string{"甲干部", "乙干部"} {
		a := account(auth.AccountInput{Username: fmt.Sprintf("cadre%d", i), DisplayName: name, Role: auth.Cadre, OrgID: town.ID})
		c, err := db.CreateCadre(ctx, office, store.CadreInput{OrgID: town.ID, Name: name, AccountID: a.ID})
		must(err)
		hh, err := db.CreateHousehold(ctx, office, store.HouseholdInput{OrgID: village.ID, HeadName: fmt.Sprintf("刘大娘%d", i),
			RegisteredOn: app.DateOf(today.Time(db.Loc).AddDate(0, -2, 0))})
		must(err)
		_, err = db.CreatePairing(ctx, office, store.PairingInput{CadreID: c.ID, HouseholdID: hh.ID,
			StartsOn: app.DateOf(today.Time(db.Loc).AddDate(0, -1, 0))})
		must(err)
		w.cadres = append(w.cadres, token(a))
		w.households = append(w.households, hh.ID)
	}
	return w
}

// crashServer is the binary serving on a fixed loopback address.
type crashServer struct {
	t        *testing.T
	bin, dsn string
	addr     string
	args     []string // more flags for serve
	cmd      *exec.Cmd
	exited   chan error   // cmd's Wait
	log      bytes.Buffer // stdout and stderr of every start
	mu       sync.Mutex
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs the server and waits until it says it listens.
func (s *crashServer) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, append([]string{"serve", "--addr", s.addr, "--db", s.dsn, "--log-level", "warn"}, s.args...)...)
	cmd.Env = append(os.Environ(), "XIESHANG_SIGN_KEY="+strings.Repeat("k", 32))
	ready := make(chan struct{})
	lw := &lineWriter{s: s, ready: ready}
	cmd.Stdout, cmd.Stderr = lw, lw
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-ready:
	case err := <-exited:
		s.t.Fatalf("server did not start: %v\n%s", err, s.output())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
		s.t.Fatalf("server did not start in 30 s:\n%s", s.output())
	}
	s.cmd, s.exited = cmd, exited
}

// lineWriter keeps the server's output and closes ready at "listening".
type lineWriter struct {
	s     *crashServer
	ready chan struct{}
	sent  bool
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.s.log.Write(p)
	if !l.sent && bytes.Contains(p, []byte("listening")) {
		close(l.ready)
		l.sent = true
	}
	return len(p), nil
}

// kill sends SIGKILL and reaps the process.
func (s *crashServer) kill() {
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.exited
		s.cmd = nil
	}
}

// stop ends the server gracefully (SIGTERM).
func (s *crashServer) stop() {
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		<-s.exited
		s.cmd = nil
	}
}

func (s *crashServer) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// outcome of one request: acked (2xx), refused (an answer, not 2xx: nothing
// written), or unknown (no answer: may or may not be written).
type outcome int

const (
	acked outcome = iota
	refused
	unknown
)

// ballotTry is one ballot request of a member: its choice and outcome.
type ballotTry struct {
	choice meeting.Choice
	out    outcome
}

// castTries are a member's election ballot requests: the receipt of the
// acknowledged one, how many got no answer, and whether one was refused as
// a second ballot (an earlier one without an answer went in).
type castTries struct {
	receipt string
	unknown int
	second  bool
}

// crashLoad is what the clients sent and what they were told.
type crashLoad struct {
	mu         sync.Mutex
	signins    map[int64]outcome     // member id → the best outcome of its sign-in requests
	ballots    map[int64][]ballotTry // member id → its ballot requests in order
	visits     map[string]outcome    // marker in the visit's "seen" → outcome
	elections  map[int64]*castTries  // member id → its election ballot requests
	acks, errs atomic.Int64
	refusals   map[string]int // status and message of refusals (for the log)

	// onAck, if set, is called after each acknowledged request with the
	// index of the node that answered and when the request was sent.
	onAck func(node int, sent time.Time)
}

func newCrashLoad() *crashLoad {
	return &crashLoad{signins: map[int64]outcome{}, ballots: map[int64][]ballotTry{}, visits: map[string]outcome{},
		elections: map[int64]*castTries{}, refusals: map[string]int{}}
}

func (l *crashLoad) refusal(status int, body []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	msg := string(body)
	if len(msg) > 80 {
		msg = msg[:80]
	}
	l.refusals[fmt.Sprintf("%d %s", status, msg)]++
}

// snapshot copies what the clients were told so far.
func (l *crashLoad) snapshot() *crashLoad {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := &crashLoad{signins: maps.Clone(l.signins), ballots: map[int64][]ballotTry{}, visits: maps.Clone(l.visits),
		elections: map[int64]*castTries{}, refusals: maps.Clone(l.refusals)}
	for id, tries := range l.ballots {
		c.ballots[id] = slices.Clone(tries)
	}
	for id, ct := range l.elections {
		cp := *ct
		c.elections[id] = &cp
	}
	c.acks.Store(l.acks.Load())
	c.errs.Store(l.errs.Load())
	return c
}

// startCrashLoad starts the crash test's clients against the server at base
// (drive with one node). stop ends the clients and waits for them; it may be
// called more than once.
func startCrashLoad(t *testing.T, w crashWorld, base string, spread time.Duration) (load *crashLoad, stop func()) {
	load = newCrashLoad()
	stopLoad := make(chan struct{})
	var stopOnce sync.Once
	var wg sync.WaitGroup
	load.drive(t, w, []string{base}, spread, stopLoad, &wg)
	return load, func() {
		stopOnce.Do(func() { close(stopLoad) })
		wg.Wait()
	}
}

// drive starts the clients, which send requests to the servers at nodes (base
// URLs; each client keeps to one) until stop is closed: members sign in
// (those not signed in before, spread over spread) and vote again and again,
// cast their election ballot once (also spread over spread), cadres record
// visits. Every outcome goes into load.
func (load *crashLoad) drive(t *testing.T, w crashWorld, nodes []string, spread time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	post := func(node int, token, path string, body any) (outcome, []byte) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", nodes[node]+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		sent := time.Now()
		res, err := client.Do(req)
		if err != nil {
			load.errs.Add(1)
			return unknown, nil
		}
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case err != nil:
			load.errs.Add(1)
			return unknown, nil // the answer broke off: its status line may not be the whole story
		case res.StatusCode >= 200 && res.StatusCode < 300:
			load.acks.Add(1)
			if load.onAck != nil {
				load.onAck(node, sent)
			}
			return acked, data
		case res.StatusCode >= 500:
			// 5xx: a server error may come after a commit failed midway; count it as unknown
			load.refusal(res.StatusCode, data)
			return unknown, data
		}
		load.refusal(res.StatusCode, data)
		return refused, data
	}

	castFrom, castEvery := time.Now(), spread/time.Duration(len(w.members))
	// Members: each signs in (through the office) unless signed before, then
	// votes again and again, for, against, abstain in turn.
	choices := []meeting.Choice{meeting.VoteFor, meeting.VoteAgainst, meeting.VoteAbstain}
	const memberWorkers = 6
	for g := range memberWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := g % len(nodes)
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			signed := map[int]bool{}
			var own []int
			for i := g; i < len(w.members); i += memberWorkers {
				own = append(own, i)
			}
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				i := own[k%len(own)]
				id := w.members[i]
				if i >= w.preSigned && !signed[i] {
					if time.Now().Before(castFrom.Add(time.Duration(i-w.preSigned) * 2 * castEvery)) {
						time.Sleep(10 * time.Millisecond) // sign-ins spread over the run too
						continue
					}
					out, body := post(node, w.office, fmt.Sprintf("/api/v1/meetings/%d/signins", w.meetingID), map[string]any{"member_id": id})
					if out == refused && strings.Contains(string(body), "已签到") {
						out = acked // signed in by an earlier request whose answer was lost
					}
					load.mu.Lock()
					if prev, ok := load.signins[id]; !ok || out < prev {
						load.signins[id] = out
					}
					load.mu.Unlock()
					if out != acked {
						time.Sleep(20 * time.Millisecond)
						continue
					}
					signed[i] = true
				}
				load.mu.Lock()
				tries := load.ballots[id]
				load.mu.Unlock()
				c := choices[rng.IntN(3)]
				if n := len(tries); n > 0 { // never the same choice twice in a row
					last := slices.Index(choices, tries[n-1].choice)
					c = choices[(last+1+rng.IntN(2))%3]
				}
				out, _ := post(node, w.tokens[i], fmt.Sprintf("/api/v1/votes/%d/ballots", w.voteID), map[string]any{"choice": c})
				load.mu.Lock()
				load.ballots[id] = append(load.ballots[id], ballotTry{c, out})
				load.mu.Unlock()
				if out == unknown {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				// The election ballot, once: until acknowledged or refused as a second one.
				load.mu.Lock()
				ct := load.elections[id]
				if ct == nil {
					ct = &castTries{}
					load.elections[id] = ct
				}
				// Spread over the run, so that kills fall among them.
				done := ct.receipt != "" || ct.second || time.Now().Before(castFrom.Add(time.Duration(i)*castEvery))
				load.mu.Unlock()
				if done {
					continue
				}
				out, body := post(node, w.tokens[i], fmt.Sprintf("/api/v1/elections/%d/ballots", w.electionID),
					map[string]any{"papers": []any{map[string]any{"offices": []any{map[string]any{"marks": []string{"for"}}}}}})
				var rc struct {
					Receipt string `json:"receipt"`
				}
				load.mu.Lock()
				switch {
				case out == acked && json.Unmarshal(body, &rc) == nil && rc.Receipt != "":
					ct.receipt = rc.Receipt
				case out == acked:
					t.Errorf("election ballot acknowledged without a receipt: %s", body)
				case out == refused && strings.Contains(string(body), "已经投过票"):
					ct.second = true
				case out == unknown:
					ct.unknown++
				}
				load.mu.Unlock()
			}
		}()
	}
	// Cadres: visits with two aid items each, the marker in "seen".
	var visitSeq atomic.Int64
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	for g := range 2 * len(w.cadres) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, node := g%len(w.cadres), g/len(w.cadres)%len(nodes)
			for {
				select {
				case <-stop:
					return
				default:
				}
				marker := fmt.Sprintf("crash-visit-%06d", visitSeq.Add(1))
				out, _ := post(node, w.cadres[c], "/api/v1/visits", map[string]any{"household_id": w.households[c],
					"visited_on": today, "seen": marker, "aid": []map[string]any{
						{"item": "米", "quantity": "1袋", "value_fen": 15000}, {"item": "慰问金", "value_fen": 50000}}})
				load.mu.Lock()
				load.visits[marker] = out
				load.mu.Unlock()
				if out == unknown {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
}

func runCrash(t *testing.T, bin, dsn string, kills int) {
	ctx := context.Background()
	w := crashSetup(t, dsn)
	srv := &crashServer{t: t, bin: bin, dsn: dsn, addr: freeAddr(t)}
	load, stopLoad := startCrashLoad(t, w, "http://"+srv.addr, time.Duration(kills)*700*time.Millisecond)
	t.Cleanup(func() { // also when a start fails midway
		stopLoad()
		srv.kill()
	})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	started := time.Now()
	srv.start()
	for range kills {
		time.Sleep(time.Duration(150+rng.IntN(1200)) * time.Millisecond)
		srv.kill()
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		srv.start()
	}
	time.Sleep(500 * time.Millisecond)
	stopLoad()
	srv.stop()
	elapsed := time.Since(started)
	if t.Failed() {
		return
	}

	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	defer db.Close()
	raw := rawDB(t, dsn)
	checkCrash(t, db, raw, w, load, load)
	if t.Failed() {
		out := srv.output()
		t.Logf("server output (last 4000 bytes):\n%s", out[max(0, len(out)-4000):])
	}
	t.Logf("%s: %d kills in %s; %d acknowledged writes, %d requests without an answer, %d refused",
		db.Dialect, kills, elapsed.Round(100*time.Millisecond), load.acks.Load(), load.errs.Load(), sumMap(load.refusals))
	for k, n := range load.refusals {
		t.Logf("  refused %d× %s", n, k)
	}
}

func sumMap(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// rawDB opens a plain connection to the same database for the checks.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, rawDSN := "pgx", dsn
	if !store.IsPostgres(dsn) {
		driver, rawDSN = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, rawDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// checkCrash checks the database against what the clients were told: every
// write acknowledged in must is there, and everything there is explained by a
// request in may that was not refused. After a crash run both are the whole
// load; for a backup, must is the load as the backup started and may the
// load after it ended.
func checkCrash(t *testing.T, db *store.DB, raw *sql.DB, w crashWorld, must, may *crashLoad) {
	t.Helper()
	ctx := context.Background()
	query := func(q string, args ...any) *sql.Rows {
		t.Helper()
		rows, err := raw.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return rows
	}
	one := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := raw.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	// Sign-ins: every acknowledged one is there, each with its audit entry.
	signed := map[int64]bool{}
	rows := query(`SELECT member_id FROM sign_in WHERE meeting_id = $1`, w.meetingID)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		signed[id] = true
	}
	rows.Close()
	var signAcked, signLost int
	for id, out := range must.signins {
		if out == acked {
			signAcked++
			if !signed[id] {
				signLost++
				t.Errorf("member %d: sign-in acknowledged but not in the database", id)
			}
		}
	}
	if n := one(`SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND entity = 'meeting' AND entity_id = $1`, w.meetingID); n != int64(len(signed)) {
		t.Errorf("sign-ins: %d rows but %d audit entries", len(signed), n)
	}
	for id := range signed {
		if out, ok := may.signins[id]; ok && out == refused {
			t.Errorf("member %d: sign-in refused yet in the database", id)
		}
	}

	// Ballots: the database holds the last choice acknowledged in must, or
	// that of a later request not refused; none of a member not signed in.
	got := map[int64]meeting.Choice{}
	rows = query(`SELECT member_id, choice FROM vote_ballot WHERE vote_id = $1`, w.voteID)
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			t.Fatal(err)
		}
		got[id] = meeting.Choice(c)
		if !signed[id] {
			t.Errorf("member %d: a ballot without a sign-in", id)
		}
	}
	rows.Close()
	var ballotAcked, ballotLost int
	for id, tries := range may.ballots {
		last := -1
		for i, tr := range must.ballots[id] {
			if tr.out == acked {
				ballotAcked++
				last = i
			}
		}
		c, ok := got[id]
		allowed := map[meeting.Choice]bool{}
		if last >= 0 {
			allowed[tries[last].choice] = true
		}
		for _, tr := range tries[last+1:] {
			if tr.out != refused {
				allowed[tr.choice] = true
			}
		}
		switch {
		case last >= 0 && !ok:
			ballotLost++
			t.Errorf("member %d: ballot %s acknowledged, none in the database", id, tries[last].choice)
		case ok && !allowed[c]:
			ballotLost++
			t.Errorf("member %d: ballot %s in the database; tries %v", id, c, tries)
		}
	}

	// Visits: every acknowledged one is there; every one there is whole:
	// two aid rows summing to its aid_fen, an audit entry, the rollup counts it.
	type visitRow struct {
		id, aidFen, aidRows, aidSum, audits int64
	}
	visits := map[string]visitRow{}
	visitUnanswered := 0
	rows = query(`SELECT v.id, v.seen, v.aid_fen,
		(SELECT COUNT(*) FROM assist_aid a WHERE a.visit_id = v.id),
		(SELECT COALESCE(SUM(a.value_fen), 0) FROM assist_aid a WHERE a.visit_id = v.id),
		(SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'assist_visit' AND l.entity_id = v.id)
		FROM assist_visit v`)
	for rows.Next() {
		var r visitRow
		var seen string
		if err := rows.Scan(&r.id, &seen, &r.aidFen, &r.aidRows, &r.aidSum, &r.audits); err != nil {
			t.Fatal(err)
		}
		visits[seen] = r
		if r.aidRows != 2 || r.aidSum != 65000 || r.aidFen != 65000 || r.audits != 1 {
			t.Errorf("visit %s is half there: %+v", seen, r)
		}
		if out, ok := must.visits[seen]; !ok || out != acked {
			visitUnanswered++ // no answer, or answered after the backup began
		}
		if out, ok := may.visits[seen]; !ok || out == refused {
			t.Errorf("visit %s in the database but never sent or refused (%v)", seen, out)
		}
	}
	rows.Close()
	var visitAcked, visitLost int
	for marker, out := range must.visits {
		if out == acked {
			visitAcked++
			if _, ok := visits[marker]; !ok {
				visitLost++
				t.Errorf("visit %s acknowledged but not in the database", marker)
			}
		}
	}
	for _, hh := range w.households {
		var n, fen int64
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(aid_fen), 0) FROM assist_visit WHERE household_id = $1`, hh).
			Scan(&n, &fen); err != nil {
			t.Fatal(err)
		}
		var rn, rfen int64
		if err := raw.QueryRowContext(ctx, `SELECT COALESCE(SUM(visits), 0), COALESCE(SUM(aid_fen), 0) FROM household_month
			WHERE household_id = $1`, hh).Scan(&rn, &rfen); err != nil {
			t.Fatal(err)
		}
		if n != rn || fen != rfen {
			t.Errorf("household %d: %d visits (%d fen) but the rollup counts %d (%d fen)", hh, n, fen, rn, rfen)
		}
	}

	// Election ballots: every acknowledged receipt finds its ballot; every
	// ballot returned has its paper in the box and the other way round.
	returned := map[int64]bool{}
	rows = query(`SELECT member_id FROM election_voter WHERE election_id = $1 AND returned`, w.electionID)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		returned[id] = true
	}
	rows.Close()
	box := one(`SELECT COUNT(*) FROM election_ballot WHERE election_id = $1`, w.electionID)
	if box != int64(len(returned)) {
		t.Errorf("election: %d ballots returned but %d papers in the box", len(returned), box)
	}
	var castAcked, castLost, castUnanswered int
	for id, ct := range must.elections {
		if ct.receipt != "" {
			castAcked++
			r, err := db.CheckReceipt(ctx, app.System, w.electionID, ct.receipt)
			if err != nil || !r.Found || r.Papers != 1 || !returned[id] {
				castLost++
				t.Errorf("member %d: election ballot acknowledged (receipt %s) but not in the box: %+v %v returned %v",
					id, ct.receipt, r, err, returned[id])
			}
		}
		if ct.receipt == "" && returned[id] {
			castUnanswered++
		}
	}
	for id, ct := range may.elections {
		if (ct.second || (returned[id] && ct.receipt == "")) && ct.unknown == 0 {
			t.Errorf("member %d: election ballot in the box that no request without an answer explains: %+v", id, *ct)
		}
	}
	for id := range returned {
		if may.elections[id] == nil {
			t.Errorf("member %d: election ballot returned but never sent", id)
		}
	}

	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("audit: %v", p)
	}
	t.Logf("sign-ins: %d acknowledged, %d in the database (with %d before the run), lost %d", signAcked, len(signed), w.preSigned, signLost)
	t.Logf("ballots: %d acknowledged (%d members), %d in the database, lost or wrong %d", ballotAcked, len(must.ballots), len(got), ballotLost)
	t.Logf("election: %d ballots acknowledged, %d in the box (%d whose answer was lost or came later), lost %d", castAcked, box, castUnanswered, castLost)
	t.Logf("visits: %d acknowledged of %d sent, %d in the database (%d whose answer was lost or came later), lost %d",
		visitAcked, len(must.visits), len(visits), visitUnanswered, visitLost)
	t.Logf("audit: %d chains, %d entries verify", rep.Chains, rep.Entries)
}
