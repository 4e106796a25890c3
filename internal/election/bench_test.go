package election_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"xieshang/internal/election"
)

// realisticLines draws n entry lines of a paper: mostly for-votes, some
// against and abstain, a few blanks, unclear marks, over-votes, spoiled
// papers and (when writeIns) write-ins.
func realisticLines(rng *rand.Rand, paper []election.Office, n int, writeIns bool) []string {
	lines := make([]string, n)
	for i := range lines {
		if rng.IntN(500) == 0 {
			lines[i] = "*"
			continue
		}
		var parts []string
		for _, o := range paper {
			var b strings.Builder
			against := 0
			for range o.Candidates {
				switch x := rng.IntN(100); {
				case x < 85:
					b.WriteByte('1')
				case x < 93:
					b.WriteByte('2')
					against++
				case x < 97:
					b.WriteByte('3')
				case x < 99:
					b.WriteByte('0')
				default:
					b.WriteByte('.')
				}
			}
			if writeIns && against > 0 && rng.IntN(20) == 0 {
				b.WriteString("+" + writeInNames[rng.IntN(len(writeInNames))])
			}
			parts = append(parts, b.String())
		}
		lines[i] = strings.Join(parts, "/")
	}
	return lines
}

func parseAll(tb testing.TB, paper []election.Office, lines []string) []election.Ballot {
	bs := make([]election.Ballot, len(lines))
	for i, l := range lines {
		b, err := election.ParseLine(paper, l)
		if err != nil {
			tb.Fatal(err)
		}
		election.ResolveWriteIns(&b, func(name string) int64 { return 900 + int64(slices.Index(writeInNames, name)) })
		bs[i] = b
	}
	return bs
}

// BenchmarkTally1M counts 1,000,000 members' ballots: paper 1 (副主席 1/1,
// 秘书长 1/1) and paper 2 (常务委员 11 seats, 12 candidates), each a
// million ballots drawn from 4,096 realistic ones (1 in 20 ballots with an
// against-vote writes a name in), then tallies both.
func BenchmarkTally1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	one, two := paperOne(), paperTwo()
	pool1 := parseAll(b, one, realisticLines(rng, one, 4096, true))
	pool2 := parseAll(b, two, realisticLines(rng, two, 4096, true))
	r := realRules()
	f := election.Figures{All: 1_100_000, Expected: 1_050_000, Issued: 1_000_000}
	b.ResetTimer()
	for b.Loop() {
		c1, c2 := election.NewCounter(r, one), election.NewCounter(r, two)
		for i := range 1_000_000 {
			c1.Add(pool1[i&4095])
			c2.Add(pool2[i&4095])
		}
		t1, t2 := c1.Tally(1, f), c2.Tally(2, f)
		if t1.Returned != 1_000_000 || t2.Offices[0].Valid+t2.Offices[0].Void != 1_000_000 {
			b.Fatal("miscounted")
		}
	}
}

// BenchmarkEntry400 parses and counts 400 typed standing-committee lines:
// one scrutineer's pass over a hall's ballots.
func BenchmarkEntry400(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	two := paperTwo()
	lines := realisticLines(rng, two, 400, true)
	r := realRules()
	b.ResetTimer()
	for b.Loop() {
		c := election.NewCounter(r, two)
		for _, l := range lines {
			ballot, err := election.ParseLine(two, l)
			if err != nil {
				b.Fatal(err)
			}
			c.Add(ballot)
		}
		c.Tally(2, realFigures)
	}
}
