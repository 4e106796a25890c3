package audit

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// chain makes n linked entries; each entry's hash is the i-th of algs
// (cycling), so a chain may change its hash midway as a deployment does.
func chain(n int, algs ...string) []Entry {
	if len(algs) == 0 {
		algs = []string{AlgSM3}
	}
	var out []Entry
	prev := ""
	at := time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{ID: int64(i), Chain: 7, Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), AccountID: 3,
			Actor: "张三(office)", Action: "update", Entity: "member", EntityID: int64(i % 5), OrgPath: "/1/7/",
			Summary: "修改委员", Before: `{"name":"甲"}`, After: `{"name":"乙"}`, Alg: algs[(i-1)%len(algs)], PrevHash: prev}
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

// The three chains a deployment may hold: SM3 only, SHA-256 only (written
// before SM3), and one that moved from SHA-256 to SM3 (and back) midway.
var chainAlgs = map[string][]string{"sm3": {AlgSM3}, "sha256": {AlgSHA256},
	"mixed": {AlgSHA256, AlgSHA256, AlgSM3, AlgSM3, AlgSM3, AlgSHA256}}

func TestVerifyIntact(t *testing.T) {
	for name, algs := range chainAlgs {
		es := chain(20, algs...)
		if p := verify(es, 20, es[19].Hash); len(p) != 0 {
			t.Fatalf("intact %s chain: %v", name, p)
		}
	}
}

// The hash is SM3 itself (GB/T 32905-2016, appendix A: "abc") and SHA-256.
func TestChainHashes(t *testing.T) {
	for alg, want := range map[string]string{
		AlgSM3:    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
		AlgSHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	} {
		h, err := newHash(alg)
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte("abc"))
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("%s(abc) = %s, want %s", alg, got, want)
		}
	}
	// The same entry hashes differently under each, so relabelling an
	// entry's algorithm is an edit the chain detects.
	e := chain(1, AlgSM3)[0]
	e.Alg = AlgSHA256
	if h, _ := ComputeHash(e); h == e.Hash {
		t.Fatal("SM3 and SHA-256 gave one hash")
	}
	if p := verify([]Entry{e}, 1, e.Hash); len(p) == 0 {
		t.Fatal("an entry relabelled sha256 went undetected")
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
	for name, algs := range chainAlgs {
		for _, c := range cases {
			es, seq, h := c.tamper(chain(20, algs...))
			p := verify(es, seq, h)
			all := ""
			for _, x := range p {
				all += x.String() + "\n"
			}
			if !strings.Contains(all, c.want) {
				t.Errorf("%s chain, %s: problems %q, want one mentioning %q", name, c.name, all, c.want)
			}
		}
	}
}

// Property: any single-field change anywhere in a random chain is detected.
func TestVerifyAnyEditProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		es := chain(1+r.IntN(30), chainAlgs["mixed"][r.IntN(6):]...)
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
	for alg, ok := range map[string]bool{"sm3": true, "sha256": true, "": false, "SM3": false, "md5": false} {
		if err := CheckAlg(alg); (err == nil) != ok {
			t.Errorf("CheckAlg(%q) = %v", alg, err)
		}
	}
}

// BenchmarkComputeHash: one entry's hash under each algorithm (an entry of
// the size an update of a member writes).
func BenchmarkComputeHash(b *testing.B) {
	for _, alg := range Algs {
		b.Run(alg, func(b *testing.B) {
			e := chain(1, alg)[0]
			b.SetBytes(int64(len(e.Before) + len(e.After) + len(e.Summary) + len(e.Actor) + len(e.OrgPath) + 13*8))
			for b.Loop() {
				ComputeHash(e)
			}
		})
	}
}
