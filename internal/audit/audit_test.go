package audit

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	prev := ""
	at := time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{ID: int64(i), Chain: 7, Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), AccountID: 3,
			Actor: "张三(office)", Action: "update", Entity: "member", EntityID: int64(i % 5), OrgPath: "/1/7/",
			Summary: "修改委员", Before: `{"name":"甲"}`, After: `{"name":"乙"}`, Alg: AlgSHA256, PrevHash: prev}
		e.Hash, _ = ComputeHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []Entry, headSeq int64, headHash string) []Problem {
	v := NewVerifier(7)
	for _, e := range es {
		v.Add(e)
	}
	v.Finish(headSeq, headHash)
	return v.Problems
}

func TestVerifyIntact(t *testing.T) {
	es := chain(20)
	if p := verify(es, 20, es[19].Hash); len(p) != 0 {
		t.Fatalf("intact chain: %v", p)
	}
}

func TestVerifyDetects(t *testing.T) {
	cases := []struct {
		name   string
		tamper func([]Entry) ([]Entry, int64, string)
		want   string
	}{
		{"edited summary", func(es []Entry) ([]Entry, int64, string) { es[5].Summary = "x"; return es, 20, es[19].Hash }, "edited"},
		{"edited field moved between fields", func(es []Entry) ([]Entry, int64, string) {
			es[3].Before, es[3].After = `{"name":"甲"}{"name":"乙"}`, ""
			return es, 20, es[19].Hash
		}, "edited"},
		{"middle row deleted", func(es []Entry) ([]Entry, int64, string) {
			return append(es[:7:7], es[8:]...), 20, es[19].Hash
		}, "missing"},
		{"newest row deleted", func(es []Entry) ([]Entry, int64, string) { return es[:19], 20, es[19].Hash }, "deleted"},
		{"rehashed edit", func(es []Entry) ([]Entry, int64, string) {
			es[4].Summary = "改过"
			es[4].Hash, _ = ComputeHash(es[4])
			return es, 20, es[19].Hash
		}, "prev_hash"},
	}
	for _, c := range cases {
		es, seq, h := c.tamper(chain(20))
		p := verify(es, seq, h)
		all := ""
		for _, x := range p {
			all += x.String() + "\n"
		}
		if !strings.Contains(all, c.want) {
			t.Errorf("%s: problems %q, want one mentioning %q", c.name, all, c.want)
		}
	}
}

// Property: any single-field change anywhere in a random chain is detected.
func TestVerifyAnyEditProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		es := chain(1 + r.IntN(30))
		k := r.IntN(len(es))
		switch r.IntN(6) {
		case 0:
			es[k].Actor += "x"
		case 1:
			es[k].EntityID++
		case 2:
			es[k].At = es[k].At.Add(time.Microsecond)
		case 3:
			es[k].After = ""
		case 4:
			es[k].OrgPath = "/1/"
		case 5:
			es[k].AccountID = 0
		}
		last := es[len(es)-1]
		if p := verify(es, last.Seq, last.Hash); len(p) == 0 {
			t.Fatalf("edit of entry %d in chain of %d went undetected", k, len(es))
		}
	}
}

func TestUnknownAlgorithm(t *testing.T) {
	if _, err := ComputeHash(Entry{Alg: "md5"}); err == nil {
		t.Fatal("unknown algorithm accepted")
	}
}
