package election_test

import (
	"strings"
	"testing"

	"xieshang/internal/election"
	"xieshang/internal/member"
)

// The real case: 聊城市政协十三届四次会议闭幕会 — 419 members (all and
// expected), 386 present, ballots issued and returned.
var realFigures = election.Figures{All: 419, Expected: 419, Issued: 386}

var standingNames = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周军", "吴霞", "徐亮", "孙丽"}

// paperOne is 副主席 1 (王学臣) and 秘书长 1 (周文明), both 等额.
func paperOne() []election.Office {
	return []election.Office{
		{ID: 1, Paper: 1, Seq: 1, Name: "副主席", Role: member.ViceChair, Seats: 1,
			Candidates: []election.Candidate{{MemberID: 101, Name: "王学臣"}}},
		{ID: 2, Paper: 1, Seq: 2, Name: "秘书长", Role: member.SecretaryGeneral, Seats: 1,
			Candidates: []election.Candidate{{MemberID: 102, Name: "周文明"}}},
	}
}

// paperTwo is 常务委员: 11 seats, 12 candidates (差额).
func paperTwo() []election.Office {
	o := election.Office{ID: 3, Paper: 2, Seq: 1, Name: "常务委员", Role: member.Standing, Seats: 11, Competitive: true}
	for i, n := range standingNames {
		o.Candidates = append(o.Candidates, election.Candidate{MemberID: int64(201 + i), Name: n})
	}
	return []election.Office{o}
}

// count counts ballots given as (entry line, how many) pairs.
func count(t testing.TB, r election.Rules, paper []election.Office, lines ...any) *election.Counter {
	t.Helper()
	c := election.NewCounter(r, paper)
	for i := 0; i < len(lines); i += 2 {
		line, n := lines[i].(string), lines[i+1].(int)
		b, err := election.ParseLine(paper, line)
		if err != nil {
			t.Fatalf("ParseLine(%q): %v", line, err)
		}
		for range n {
			c.Add(b)
		}
	}
	return c
}

// realRules are the real case's: more than half of all members (419) to
// be elected.
func realRules() election.Rules {
	r := election.DefaultRules()
	r.ElectBase = election.BaseAll
	return r
}

// cand finds a person's count in an office's tally.
func cand(t testing.TB, o election.OfficeTally, name string) election.CandidateTally {
	t.Helper()
	for _, c := range o.Candidates {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s: no %s in %+v", o.Name, name, o.Candidates)
	return election.CandidateTally{}
}

// against12 is a standing-committee ballot voting for everyone but
// candidate k (1-based), against k.
func against12(k int) string {
	b := []byte(strings.Repeat("1", 12))
	b[k-1] = '2'
	return string(b)
}
