package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"xieshang/internal/election"
	"xieshang/internal/store"
)

// Elections of the province world, confirmed at their sittings: the rules
// and the scrutineers adopted by show of hands, the ballots issued to the
// members signed in, Counts.Ballots of them returned, counted by the
// election package's Counter as SignTally counts them, the tally frozen and
// signed, the elected holding their roles from that day (planned with the
// members, member_role). Electronic elections keep the secret ballots and
// each voter's election_voted duty event; paper ones the two entry passes.

// elections writes every planned election.
func (pl *provLoader) elections(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedElections)
	ids, err := pl.nextIDs(ctx, "agenda_item", "vote", "election", "election_office")
	if err != nil {
		return err
	}
	w := &meetingWriter{pl: pl, r: r, ids: ids}
	rules := election.DefaultRules()
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		return err
	}
	var (
		elections, offices, cands, scrutineers, voters, ballots, entries, passes [][]any
	)
	for _, pc := range pl.committees {
		for t := range 2 {
			for _, s := range pc.sessions[t] {
				for _, e := range s.elections {
					sit := s.sittings[e.sitting]
					if sit == nil || len(sit.present) < pl.c.Ballots {
						return fmt.Errorf("%s: %d present, %d ballots", e.title, len(sit.present), pl.c.Ballots)
					}
					e.id = w.next("election")
					opened := sit.start.Add(10 * time.Minute)
					rulesItem := w.item(sit, store.AgendaElectionRules, "《"+fullSession(pc, t, s.seq)+"选举办法（草案）》")
					w.handsVote(sit, rulesItem, opened)
					scrItem := w.item(sit, store.AgendaScrutineers, "总监票人、监票人名单（草案）")
					w.handsVote(sit, scrItem, opened.Add(5*time.Minute))
					// Offices and candidates.
					var eo []election.Office
					isCand := map[int]bool{}
					for _, o := range e.offices {
						o.id = w.next("election_office")
						offices = append(offices, []any{o.id, pc.org.ID, e.id, o.paper, o.seq, o.name, string(o.role), o.seats, o.competitive})
						office := election.Office{ID: o.id, Paper: o.paper, Seq: o.seq, Name: o.name, Role: o.role, Seats: o.seats,
							Competitive: o.competitive}
						for k, i := range o.cands {
							mb := pc.members[i]
							isCand[i] = true
							cands = append(cands, []any{o.id, mb.id, pc.org.ID, e.id, k + 1})
							office.Candidates = append(office.Candidates, election.Candidate{MemberID: mb.id, Name: mb.name})
						}
						eo = append(eo, office)
					}
					// Scrutineers and tellers from the members present who stand for nothing.
					duties := []store.ScrutineerDuty{store.ChiefScrutineer, store.Scrutineer, store.Scrutineer, store.Scrutineer}
					if e.mode == election.Paper {
						duties = append(duties, store.ChiefTeller, store.Teller, store.Teller, store.Teller)
					}
					chief := ""
					k := 0
					for _, i := range sit.present {
						if k == len(duties) {
							break
						}
						if isCand[i] {
							continue
						}
						mb := pc.members[i]
						if k == 0 {
							chief = mb.name
						}
						scrutineers = append(scrutineers, []any{e.id, mb.id, pc.org.ID, string(duties[k]), k + 1})
						k++
					}
					// Ballots issued to everyone present, returned by Ballots of them.
					issued := make([]int64, len(sit.present))
					for k, i := range sit.present {
						issued[k] = pc.members[i].id
					}
					slices.Sort(issued)
					back := map[int64]bool{}
					for _, k := range r.Perm(len(issued))[:pl.c.Ballots] {
						back[issued[k]] = true
					}
					papers := election.Papers(eo)
					for _, id := range issued {
						for _, p := range papers {
							voters = append(voters, []any{e.id, id, p, pc.org.ID, true, back[id] && e.mode == election.Electronic})
						}
					}
					fig := election.Figures{All: len(pc.seated[t]), Expected: len(sit.expected), Issued: len(issued)}
					var tallies []election.Tally
					var digestLines []string
					for _, p := range papers {
						po := election.PaperOffices(eo, p)
						// Drawn again (rarely, in small worlds) until the
						// planned winners are elected.
						var lines []string
						var tally election.Tally
						for try := 0; ; try++ {
							c := election.NewCounter(rules, po)
							lines = lines[:0]
							for range pl.c.Ballots {
								b := drawBallot(r, po)
								c.Add(b)
								lines = append(lines, election.FormatLine(b))
							}
							tally = c.Tally(p, fig)
							if electedAsPlanned(tally, po) {
								break
							}
							if try == 20 {
								return fmt.Errorf("%s: the planned winners are not elected", e.title)
							}
						}
						tallies = append(tallies, tally)
						if e.mode == election.Electronic {
							type ballot struct{ id, content, receipt string }
							bs := make([]ballot, len(lines))
							for k, l := range lines {
								var raw [16]byte
								for j := range raw {
									raw[j] = byte(r.Uint32())
								}
								code := make([]byte, 10)
								for j := range code {
									code[j] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.IntN(32)]
								}
								h := sha256.Sum256(code)
								bs[k] = ballot{hex.EncodeToString(raw[:]), l, hex.EncodeToString(h[:])}
								digestLines = append(digestLines, fmt.Sprintf("%d:%s\n", p, l))
							}
							sort.Slice(bs, func(a, b int) bool { return bs[a].id < bs[b].id })
							for _, b := range bs {
								ballots = append(ballots, []any{e.id, p, b.id, pc.org.ID, b.content, b.receipt})
							}
						} else {
							for pass := 1; pass <= 2; pass++ {
								acc := pc.officeAcc
								if pass == 2 {
									acc = pc.otherAcc
								}
								passes = append(passes, []any{e.id, p, pass, pc.org.ID, acc.ID, acc.DisplayName})
								for k, l := range lines {
									entries = append(entries, []any{e.id, p, pass, k + 1, pc.org.ID, l, acc.ID})
								}
							}
						}
					}
					digest := ""
					if e.mode == election.Electronic {
						sort.Strings(digestLines)
						h := sha256.New()
						for _, l := range digestLines {
							h.Write([]byte(l))
						}
						digest = hex.EncodeToString(h.Sum(nil))
						for _, id := range issued {
							if back[id] {
								w.duty = append(w.duty, dutyRow{committee: pc.org.ID, member: id, on: sit.day.String(),
									meeting: sit.id, kind: store.DutyElectionVoted, source: store.SourceElection, sourceID: e.id})
							}
						}
					}
					frozen, err := json.Marshal(tallies)
					if err != nil {
						return err
					}
					signed := opened.Add(70 * time.Minute)
					elections = append(elections, []any{e.id, pc.org.ID, sit.id, pc.terms[t].ID, e.title, string(e.mode),
						string(election.Confirmed), string(rulesJSON), rulesItem, scrItem, fig.All, fig.Expected, fig.Issued,
						pl.c.Ballots, digest, string(frozen), chief, pc.officeAcc.ID, signed, sit.day.String(),
						signed.Add(10 * time.Minute), sit.start.AddDate(0, 0, -9), signed.Add(10 * time.Minute)})
					pl.stats.elections++
				}
			}
		}
	}
	steps := []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"选举议程", "agenda_item", "id, committee_id, meeting_id, seq, kind, title, note, created_at, updated_at", w.items},
		{"选举议程表决", "vote", "id, committee_id, meeting_id, agenda_item_id, mode, status, pass_num, pass_den, pass_strict, pass_base, " +
			"expected, present, tallied, for_count, against_count, abstain_count, not_voted, passed, opened_at, closed_at, opened_by, closed_by", w.votes},
		{"选举", "election", "id, committee_id, meeting_id, term_id, title, mode, status, rules_json, rules_item_id, " +
			"scrutineers_item_id, fig_all, fig_expected, fig_issued, returned, ballots_sha256, tally_json, signed_by, " +
			"signed_account, signed_at, effective_date, confirmed_at, created_at, updated_at", elections},
		{"选举职务", "election_office", "id, committee_id, election_id, paper, seq, name, role, seats, competitive", offices},
		{"候选人", "election_candidate", "office_id, member_id, committee_id, election_id, seq", cands},
		{"监票人和计票人", "election_scrutineer", "election_id, member_id, committee_id, duty, seq", scrutineers},
		{"领票和投票记录", "election_voter", "election_id, member_id, paper, committee_id, received, returned", voters},
		{"电子选票", "election_ballot", "election_id, paper, id, committee_id, content, receipt", ballots},
		{"纸质选票录入人", "election_pass", "election_id, paper, pass, committee_id, account_id, who", passes},
		{"纸质选票录入", "election_entry", "election_id, paper, pass, seq, committee_id, line, account_id", entries},
	}
	for _, s := range steps {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return pl.writeDuty("选举", w.duty)
}

// electedAsPlanned reports whether each office elected its first Seats
// candidates.
func electedAsPlanned(t election.Tally, paper []election.Office) bool {
	for k, ot := range t.Offices {
		want := make([]int64, paper[k].Seats)
		for j := range want {
			want[j] = paper[k].Candidates[j].MemberID
		}
		got := slices.Clone(ot.Elected)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return false
		}
	}
	return true
}

// drawBallot draws one valid ballot for a paper: the planned winners (the
// first Seats candidates of each office) for with a few against or
// abstaining; in a competitive list the extra candidate for on about one
// ballot in eight, which then opposes one winner (never more for-marks
// than seats).
func drawBallot(r interface{ IntN(int) int }, paper []election.Office) election.Ballot {
	var b election.Ballot
	for _, o := range paper {
		marks := make([]election.Mark, len(o.Candidates))
		fors := 0
		for j := range marks {
			switch {
			case j >= o.Seats:
				marks[j] = election.MarkAgainst
				if r.IntN(100) < 25 {
					marks[j] = election.MarkAbstain
				}
			default:
				marks[j] = election.MarkFor
				switch x := r.IntN(1000); {
				case x < 15:
					marks[j] = election.MarkAgainst
				case x < 35:
					marks[j] = election.MarkAbstain
				}
			}
			if marks[j] == election.MarkFor {
				fors++
			}
		}
		if o.Competitive && len(marks) > o.Seats && r.IntN(100) < 12 {
			k := o.Seats + r.IntN(len(marks)-o.Seats)
			marks[k] = election.MarkFor
			fors++
			if fors > o.Seats {
				j := r.IntN(o.Seats)
				for marks[j] != election.MarkFor {
					j = (j + 1) % o.Seats
				}
				marks[j] = election.MarkAgainst
			}
		}
		b.Sections = append(b.Sections, election.Section{Marks: marks})
	}
	return b
}
