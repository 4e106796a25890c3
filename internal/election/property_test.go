package election_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"xieshang/internal/election"
	"xieshang/internal/org"
)

// randomElection is one paper's election: rules, offices, figures and the
// returned ballots.
type randomElection struct {
	rules   election.Rules
	paper   []election.Office
	figures election.Figures
	ballots []election.Ballot
}

var writeInNames = []string{"李四", "王五", "赵六", "钱七", "孙八"}

func genElection(rng *rand.Rand) randomElection {
	pick := func(n int) int { return rng.IntN(n) }
	fractions := []election.Fraction{moreThanHalf, atLeastHalf, moreThanTwo3rds, {Num: 1, Den: 3, Strict: true}, {Num: 1, Den: 5}}
	e := randomElection{rules: election.Rules{
		Hold:      moreThanHalf,
		Elect:     fractions[pick(len(fractions))],
		ElectBase: election.Bases[pick(len(election.Bases))],
		Blank:     election.BlankMarks[pick(len(election.BlankMarks))],
		Unclear:   election.UnclearMarks[pick(len(election.UnclearMarks))],
		WriteIns:  election.WriteInRules[pick(len(election.WriteInRules))],
	}}
	id := int64(1)
	for i := range 1 + pick(3) {
		seats := 1 + pick(4)
		n := seats + pick(4)
		o := election.Office{ID: int64(i + 1), Paper: 1, Seq: i + 1, Name: fmt.Sprintf("职务%d", i+1), Seats: seats, Competitive: n > seats}
		for range n {
			o.Candidates = append(o.Candidates, election.Candidate{MemberID: id, Name: "候选人" + org.Numeral(int(id))})
			id++
		}
		e.paper = append(e.paper, o)
	}
	// Mostly small electorates, so that ties and thresholds are hit often.
	voters := pick(60)
	if pick(4) == 0 {
		voters = pick(400)
	}
	marks := []election.Mark{election.MarkFor, election.MarkFor, election.MarkFor, election.MarkAgainst, election.MarkAbstain, election.MarkBlank, election.MarkUnclear}
	for range voters {
		var b election.Ballot
		if pick(40) == 0 {
			b.Spoiled = true
			e.ballots = append(e.ballots, b)
			continue
		}
		for _, o := range e.paper {
			s := election.Section{Marks: make([]election.Mark, len(o.Candidates))}
			for j := range s.Marks {
				s.Marks[j] = marks[pick(len(marks))]
			}
			if pick(60) == 0 { // a malformed section (wrong number of marks)
				s.Marks = s.Marks[:len(s.Marks)-1]
			}
			for range max(0, pick(6)-3) {
				w := election.WriteIn{Name: writeInNames[pick(len(writeInNames))]}
				switch pick(5) {
				case 0: // unknown: id 0
				case 1: // a listed candidate
					c := o.Candidates[pick(len(o.Candidates))]
					w = election.WriteIn{MemberID: c.MemberID, Name: c.Name}
				default:
					w.MemberID = 900 + int64(slices.Index(writeInNames, w.Name))
				}
				s.WriteIns = append(s.WriteIns, w)
			}
			b.Sections = append(b.Sections, s)
		}
		e.ballots = append(e.ballots, b)
	}
	n := len(e.ballots)
	e.figures = election.Figures{All: n + pick(100), Expected: n + pick(50), Issued: n + pick(5) - 1}
	if e.figures.Issued < 0 {
		e.figures.Issued = 0
	}
	return e
}

func (e randomElection) tally(ballots []election.Ballot) election.Tally {
	c := election.NewCounter(e.rules, e.paper)
	for _, b := range ballots {
		c.Add(b)
	}
	return c.Tally(1, e.figures)
}

// recount is an independent count of a listed candidate's columns: for,
// against, abstain, invalid — from Judge and the rules' words.
func (e randomElection) recount(office, cand int) [4]int {
	var n [4]int
	for _, b := range e.ballots {
		if b.Spoiled || len(b.Sections) != len(e.paper) {
			continue
		}
		s := b.Sections[office]
		if void, _ := e.rules.Judge(e.paper[office], s); void {
			continue
		}
		switch m := s.Marks[cand]; {
		case m == election.MarkFor, m == election.MarkBlank && e.rules.Blank == election.BlankFor:
			n[0]++
		case m == election.MarkAgainst:
			n[1]++
		case m == election.MarkAbstain, m == election.MarkBlank && e.rules.Blank == election.BlankAbstain,
			m == election.MarkUnclear && e.rules.Unclear == election.UnclearAbstain:
			n[2]++
		case m == election.MarkUnclear && e.rules.Unclear == election.UnclearInvalid:
			n[3]++
		}
	}
	return n
}

// TestTallyProperties checks the tally over random elections.
func TestTallyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2026))
	ties, voids, elected := 0, 0, 0
	for iter := range 3000 {
		e := genElection(rng)
		tally := e.tally(e.ballots)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("election %d (%+v, %d ballots): %s", iter, e.rules, len(e.ballots), fmt.Sprintf(format, args...))
		}
		if tally.Returned != len(e.ballots) || tally.Void != (tally.Returned > e.figures.Issued) {
			fail("returned %d void %v issued %d", tally.Returned, tally.Void, e.figures.Issued)
		}
		if tally.Void {
			voids++
		}
		for i, o := range tally.Offices {
			if o.Valid > tally.Returned || o.Valid+o.Void != tally.Returned || o.Valid < 0 || o.Void < 0 {
				fail("%s: valid %d void %d returned %d", o.Name, o.Valid, o.Void, tally.Returned)
			}
			if len(o.Elected) > o.Seats || len(o.Elected)+o.Unfilled != o.Seats {
				fail("%s: %d elected, %d unfilled of %d seats", o.Name, len(o.Elected), o.Unfilled, o.Seats)
			}
			if tally.Void && len(o.Elected)+len(o.Tied) != 0 {
				fail("%s: elected on a void paper", o.Name)
			}
			if len(o.Tied) > 0 {
				ties++
			}
			elected += len(o.Elected)
			minElected, maxOther := 1<<62, -1
			tiedFor := -1
			for j, c := range o.Candidates {
				if j < len(e.paper[i].Candidates) {
					if c.WriteIn || c.MemberID != e.paper[i].Candidates[j].MemberID {
						fail("%s: candidate %d is %+v", o.Name, j, c)
					}
					if got, want := [4]int{c.For, c.Against, c.Abstain, c.Invalid}, e.recount(i, j); got != want {
						fail("%s %s: counted %v, recount %v", o.Name, c.Name, got, want)
					}
				} else if !c.WriteIn || c.Against+c.Abstain+c.Invalid != 0 || c.For <= 0 {
					fail("%s: write-in %+v", o.Name, c)
				}
				if c.For+c.Against+c.Abstain+c.Invalid > o.Valid {
					fail("%s %s: %d+%d+%d+%d > %d valid", o.Name, c.Name, c.For, c.Against, c.Abstain, c.Invalid, o.Valid)
				}
				if c.Meets != (c.For > 0 && e.rules.Elect.Met(c.For, o.Base)) || c.Meets != (c.For > 0 && c.For >= o.Need) {
					fail("%s %s: meets %v with %d of base %d (need %d)", o.Name, c.Name, c.Meets, c.For, o.Base, o.Need)
				}
				if c.Elected && c.Tied {
					fail("%s %s: elected and tied", o.Name, c.Name)
				}
				if c.Elected {
					if !c.Meets || !e.rules.Elect.Met(c.For, o.Base) {
						fail("%s %s elected without meeting the threshold", o.Name, c.Name)
					}
					minElected = min(minElected, c.For)
				} else if c.Meets {
					maxOther = max(maxOther, c.For)
				}
				if c.Tied {
					if !c.Meets || (tiedFor >= 0 && tiedFor != c.For) {
						fail("%s: tied %+v", o.Name, c)
					}
					tiedFor = c.For
				}
				if c.Elected != slices.Contains(o.Elected, c.MemberID) || c.Tied != slices.Contains(o.Tied, c.MemberID) {
					fail("%s %s: flags and lists disagree", o.Name, c.Name)
				}
			}
			if !tally.Void && len(o.Elected) > 0 && maxOther >= minElected {
				fail("%s: a qualifier with %d votes left out while one with %d elected", o.Name, maxOther, minElected)
			}
			if !tally.Void && len(o.Elected) < o.Seats && len(o.Tied) == 0 && maxOther >= 0 {
				fail("%s: seat unfilled while a qualifier (%d votes) is not elected", o.Name, maxOther)
			}
			if len(o.Tied) == 1 {
				fail("%s: a tie of one", o.Name)
			}
		}

		// The same result whatever order the ballots arrive in.
		shuffled := slices.Clone(e.ballots)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := e.tally(shuffled); !reflect.DeepEqual(again, tally) {
			fail("order matters:\n%+v\n%+v", tally, again)
		}

		// A void ballot changes no candidate's counts, only Void and Returned.
		over := election.Ballot{}
		for _, o := range e.paper {
			s := election.Section{Marks: make([]election.Mark, len(o.Candidates))}
			for j := range s.Marks {
				s.Marks[j] = election.MarkFor
			}
			for range o.Seats + 1 {
				s.WriteIns = append(s.WriteIns, election.WriteIn{MemberID: 901, Name: "王五"})
			}
			over.Sections = append(over.Sections, s)
		}
		for _, v := range []election.Ballot{{Spoiled: true}, over} {
			after := e.tally(append(slices.Clone(e.ballots), v))
			for i, o := range after.Offices {
				before := tally.Offices[i]
				if o.Void != before.Void+1 || o.Valid != before.Valid || o.InvalidWriteIns != before.InvalidWriteIns || len(o.Candidates) != len(before.Candidates) {
					fail("void ballot %+v changed %s's figures: %+v → %+v", v, o.Name, before, o)
				}
				for j, c := range o.Candidates {
					b := before.Candidates[j]
					if c.MemberID != b.MemberID || c.For != b.For || c.Against != b.Against || c.Abstain != b.Abstain || c.Invalid != b.Invalid {
						fail("void ballot changed %s: %+v → %+v", c.Name, b, c)
					}
				}
			}
		}

		// Every entered form of a ballot reads back the same.
		for _, b := range e.ballots {
			if !wellShaped(e.paper, b) {
				continue
			}
			line := election.FormatLine(b)
			b2, err := election.ParseLine(e.paper, line)
			if err != nil || !reflect.DeepEqual(b, b2) || election.FormatLine(b2) != line {
				fail("round trip %+v → %q → %+v, %v", b, line, b2, err)
			}
		}
	}
	if ties == 0 || voids == 0 || elected == 0 {
		t.Errorf("the generator missed cases: %d ties, %d void papers, %d elected", ties, voids, elected)
	}
	t.Logf("%d ties, %d void papers, %d elected", ties, voids, elected)
}

// wellShaped reports whether b could come from ParseLine (write-ins with a
// name, one mark per candidate).
func wellShaped(paper []election.Office, b election.Ballot) bool {
	if b.Spoiled {
		return len(b.Sections) == 0
	}
	for i, s := range b.Sections {
		if len(s.Marks) != len(paper[i].Candidates) {
			return false
		}
	}
	return true
}
