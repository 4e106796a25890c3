package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// electionBench is `xsbench election`: electronic ballots ingested over
// HTTP. Against a running server (--url) whose database (--db, for setup)
// holds the demo world with a large city committee (`xieshang demo
// --members 10000`):
//
//  1. setup through the store: a plenary of the city committee's current
//     term with a 选举大会 sitting, an electronic by-election on two ballot
//     papers (副主席 and 秘书长, 1 seat each; 常务委员, 11 seats from 12
//     candidates), its rules and scrutineers adopted by show of hands, every
//     member expected signed in by the clerk and issued a ballot, and a
//     member account for each (bench-<member id>, FastArgon2: setup only);
//  2. every member signs in to the site and opens the ballot page (phase
//     "login", not part of the figures);
//  3. all of them cast their ballots at once through the JSON API (POST
//     /api/v1/elections/{id}/ballots with the session cookie and its CSRF
//     header), c at a time: the measured phase;
//  4. the voting closes and the tally is signed through the store; the
//     ballots counted must equal the 201 answers.
func electionBench(args []string) error {
	fs := flag.NewFlagSet("election", flag.ContinueOnError)
	base := fs.String("url", "", "the running server, e.g. http://127.0.0.1:8080")
	dsn := fs.String("db", "", "its database (SQLite file or postgres:// URL), for setup")
	limit := fs.Int("members", 0, "members who vote (0: every expected member)")
	conc := fs.Int("c", 64, "concurrent requests in the ballot phase")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *dsn == "" {
		return errors.New("election: --url and --db are required")
	}
	*base = strings.TrimRight(*base, "/")
	ctx := context.Background()

	t0 := time.Now()
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Argon2 = auth.FastArgon2 // bench accounts only
	el, members, err := benchElection(ctx, db, *limit)
	if err != nil {
		return err
	}
	fmt.Printf("setup: %s at %s, %d ballots issued, %d accounts ready in %s\n", el.Title, el.MeetingTitle,
		el.Figures.Issued, len(members), time.Since(t0).Round(time.Millisecond))

	tr := &http.Transport{MaxIdleConnsPerHost: *conc + 16, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	epath := "/elections/" + app.Itoa(el.ID)
	clients := make([]*benchClient, len(members))
	for i := range clients {
		clients[i] = newBenchClient(tr)
	}
	login := runPhase("login", len(members), *conc, func(i int) error {
		c := clients[i]
		if err := c.login(*base, members[i].username, benchPassword); err != nil {
			return err
		}
		page, err := c.get(*base + epath + "/ballot")
		if err != nil {
			return err
		}
		if c.csrf = csrfOf(page); c.csrf == "" {
			return errors.New("the ballot page has no form")
		}
		return nil
	})

	// Ballots: most for everyone on paper 1; on paper 2 eleven for-votes
	// (valid), three in four against the last candidate, the others against,
	// abstaining on or leaving blank one of the first eleven in turn.
	bodies := make([][]byte, len(members))
	for i := range bodies {
		p2 := make([]string, 12)
		for k := range p2 {
			p2[k] = "for"
		}
		if i%4 != 0 {
			p2[11] = "against"
		} else {
			p2[i%11] = []string{"against", "abstain", "blank"}[i%3]
		}
		b, _ := json.Marshal(map[string]any{"papers": []any{
			map[string]any{"offices": []any{map[string]any{"marks": []string{"for"}}, map[string]any{"marks": []string{[]string{"for", "for", "for", "against", "abstain"}[i%5]}}}},
			map[string]any{"offices": []any{map[string]any{"marks": p2}}},
		}})
		bodies[i] = b
	}
	ballot := runPhase("ballot", len(members), *conc, func(i int) error {
		c := clients[i]
		req, err := http.NewRequest("POST", *base+"/api/v1"+epath+"/ballots", bytes.NewReader(bodies[i]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
		resp, err := c.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusCreated || !bytes.Contains(b, []byte(`"receipt"`)) {
			return fmt.Errorf("ballot: %s: %s", resp.Status, b)
		}
		return nil
	})

	// Close and count through the store.
	countStart := time.Now()
	if _, err := db.CloseElectionVoting(ctx, app.System, el.ID); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	signed, err := db.SignTally(ctx, app.System, el.ID)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	tallies, err := db.FindTally(ctx, app.System, el.ID)
	if err != nil {
		return err
	}
	counted := time.Since(countStart)

	fmt.Println()
	fmt.Printf("election %d: %d ballots issued, %d members voting (c=%d)\n\n", el.ID, el.Figures.Issued, len(members), *conc)
	fmt.Println("| phase | requests | errors | seconds | req/s | p50 ms | p99 ms | max ms |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, p := range []phase{login, ballot} {
		fmt.Printf("| %s | %d | %d | %.2f | %.0f | %.1f | %.1f | %.1f |\n", p.name, p.n, p.errs, p.took.Seconds(),
			float64(p.n)/p.took.Seconds(), ms(p.pct(50)), ms(p.pct(99)), ms(p.pct(100)))
	}
	fmt.Println()
	fmt.Printf("- closed, counted and signed through the store in %.2f s: %d ballots returned\n", counted.Seconds(), signed.Returned)
	for _, line := range election.ReportLines("市政协", tallies) {
		fmt.Printf("  %s\n", line)
	}
	for _, p := range []phase{login, ballot} {
		if p.firstErr != nil {
			fmt.Printf("- first error in %s: %v\n", p.name, p.firstErr)
		}
	}
	if ballot.errs > 0 || signed.Returned != ballot.ok {
		return fmt.Errorf("election: %d errors, %d ballots counted for %d accepted", ballot.errs, signed.Returned, ballot.ok)
	}
	return nil
}

// benchElection writes the election under test and the member accounts
// (reusing those of an earlier run) through the store.
func benchElection(ctx context.Context, db *store.DB, limit int) (store.Election, []benchMember, error) {
	a := app.System
	city, term, err := benchCity(ctx, db)
	if err != nil {
		return store.Election{}, nil, err
	}
	now := db.Now().In(db.Loc).Truncate(time.Minute)
	session, err := db.CreateMeeting(ctx, a, city.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
		StartsAt: now.Add(time.Hour), EndsAt: now.Add(4 * time.Hour), Place: "基准测试会场"})
	if err != nil {
		return store.Election{}, nil, fmt.Errorf("plenary: %w", err)
	}
	sitting, err := db.CreateMeeting(ctx, a, city.ID, meeting.Input{TermID: term.ID, Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Election, StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour),
		Place: "基准测试会场"})
	if err != nil {
		return store.Election{}, nil, fmt.Errorf("sitting: %w", err)
	}
	body, err := db.ExpectedMembers(ctx, a, sitting.ID)
	if err != nil {
		return store.Election{}, nil, err
	}
	var ordinary []int64
	for _, e := range body {
		if e.Role == member.Ordinary {
			ordinary = append(ordinary, e.MemberID)
		}
	}
	if len(ordinary) < 16 {
		return store.Election{}, nil, fmt.Errorf("only %d ordinary members", len(ordinary))
	}
	el, err := db.CreateElection(ctx, a, sitting.ID, store.ElectionInput{Title: "基准测试补选", Mode: election.Electronic,
		Rules: election.DefaultRules()})
	if err != nil {
		return el, nil, err
	}
	for _, o := range []struct {
		in    store.OfficeInput
		cands []int64
	}{
		{store.OfficeInput{Paper: 1, Name: "副主席", Seats: 1}, ordinary[:1]},
		{store.OfficeInput{Paper: 1, Name: "秘书长", Seats: 1}, ordinary[1:2]},
		{store.OfficeInput{Paper: 2, Name: "常务委员", Seats: 11, Competitive: true}, ordinary[2:14]},
	} {
		off, err := db.AddOffice(ctx, a, el.ID, o.in)
		if err != nil {
			return el, nil, err
		}
		if err := db.SetCandidates(ctx, a, off.ID, o.cands); err != nil {
			return el, nil, err
		}
	}
	if err := db.SetScrutineers(ctx, a, el.ID, []store.ElectionScrutineer{{MemberID: ordinary[14], Duty: store.ChiefScrutineer},
		{MemberID: ordinary[15], Duty: store.Scrutineer}}); err != nil {
		return el, nil, err
	}
	if _, err := db.OpenMeeting(ctx, a, sitting.ID); err != nil {
		return el, nil, err
	}
	if limit > 0 && limit < len(body) {
		body = body[:limit]
	}
	var out []benchMember
	for _, e := range body {
		if _, err := db.SignIn(ctx, a, sitting.ID, e.MemberID, store.SignInClerk, db.Now()); err != nil {
			return el, nil, fmt.Errorf("sign in: %w", err)
		}
		name, err := benchAccount(ctx, db, city.ID, e.MemberID, e.Name)
		if err != nil {
			return el, nil, err
		}
		out = append(out, benchMember{id: e.MemberID, username: name})
	}
	for _, item := range []int64{el.RulesItemID, el.ScrutineersItemID} {
		v, err := db.OpenVote(ctx, a, item, store.VoteHands, meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BasePresent})
		if err != nil {
			return el, nil, fmt.Errorf("vote: %w", err)
		}
		if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: len(out)}); err != nil {
			return el, nil, err
		}
		if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
			return el, nil, err
		}
	}
	el, err = db.OpenElection(ctx, a, el.ID)
	if err != nil {
		return el, nil, fmt.Errorf("open election: %w", err)
	}
	return el, out, nil
}

// benchCity finds the first city committee and its latest term (FindTerms
// lists the latest first).
func benchCity(ctx context.Context, db *store.DB) (org.Org, org.Term, error) {
	cs, err := db.FindCommittees(ctx, app.System)
	if err != nil {
		return org.Org{}, org.Term{}, err
	}
	for _, c := range cs {
		if c.Kind != org.City {
			continue
		}
		terms, err := db.FindTerms(ctx, app.System, c.ID)
		if err != nil || len(terms) == 0 {
			return c, org.Term{}, fmt.Errorf("no term of %s: %v", c.Name, err)
		}
		return c, terms[0], nil
	}
	return org.Org{}, org.Term{}, errors.New("no city committee in the database (load the demo world first)")
}

// benchAccount creates the member account bench-<id>, or finds it from an
// earlier run, and returns its username.
func benchAccount(ctx context.Context, db *store.DB, cityID, memberID int64, name string) (string, error) {
	username := "bench-" + app.Itoa(memberID)
	acc, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: username, DisplayName: name,
		Role: auth.MemberRole, OrgID: cityID, MemberID: memberID, Password: benchPassword})
	switch {
	case err == nil:
		return username, db.ClearMustChangePassword(ctx, acc.ID)
	case app.ErrorFields(err).Get("username") != "": // from an earlier run
		return username, nil
	}
	return "", fmt.Errorf("account %s: %w", username, err)
}
