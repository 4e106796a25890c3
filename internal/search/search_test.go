package search

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTokens(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"政协", []string{"政协", "协"}},
		{"扶贫协商", []string{"扶贫", "贫协", "协商", "商"}},
		{"建设5G基站", []string{"建设", "设", "5g", "基站", "站"}},
		{"2023年度", []string{"2023", "年度", "度"}},
		{"二〇二三年", []string{"二〇", "〇二", "二三", "三年", "年"}},
		{"①号㉶", []string{"号"}},
		{"ＣＰＰＣＣ　全国政协", []string{"cppcc", "全国", "国政", "政协", "协"}},
		{"关于“乡村振兴”的建议。", []string{"关于", "于", "乡村", "村振", "振兴", "兴", "的建", "建议", "议"}},
		{"a", []string{"a"}},
		{"政", []string{"政"}},
		{"", nil},
		{"…，。！", nil},
		{"ID: ABC-123", []string{"id", "abc", "123"}},
	} {
		if got := Tokens(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	long := strings.Repeat("协商", MaxTokens)
	if n := len(Tokens(long)); n != MaxTokens {
		t.Errorf("a long text gives %d tokens, want at most %d", n, MaxTokens)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []Phrase
	}{
		{"扶贫", []Phrase{{Tokens: []string{"扶贫"}, Text: "扶贫"}}},
		{"协商", []Phrase{{Tokens: []string{"协商"}, Text: "协商"}}},
		{"政", []Phrase{{Tokens: []string{"政"}, Prefix: true, Text: "政"}}},
		{"5G基站", []Phrase{{Tokens: []string{"5g", "基站"}, Text: "5g 基站"}}},
		{"2023年", []Phrase{{Tokens: []string{"2023", "年"}, Prefix: true, Text: "2023 年"}}},
		{"基站5G", []Phrase{{Tokens: []string{"基站", "站", "5g"}, Prefix: true, Text: "基站 5g"}}},
		{"乡村振兴 养老", []Phrase{{Tokens: []string{"乡村", "村振", "振兴"}, Text: "乡村振兴"}, {Tokens: []string{"养老"}, Text: "养老"}}},
		{`"协商" AND 扶贫*`, []Phrase{{Tokens: []string{"协商"}, Text: "协商"}, {Tokens: []string{"and"}, Prefix: true, Text: "and"},
			{Tokens: []string{"扶贫"}, Text: "扶贫"}}},
		{"NEAR(协商 扶贫)", []Phrase{{Tokens: []string{"near", "协商"}, Text: "near 协商"}, {Tokens: []string{"扶贫"}, Text: "扶贫"}}},
		{"'; DROP TABLE member; --", []Phrase{{Tokens: []string{"drop"}, Prefix: true, Text: "drop"},
			{Tokens: []string{"table"}, Prefix: true, Text: "table"}, {Tokens: []string{"member"}, Prefix: true, Text: "member"}}},
		{"", nil},
		{"  *** \"\" () - ", nil},
		{"协\xff\xfe商", []Phrase{{Tokens: []string{"协"}, Prefix: true, Text: "协"}, {Tokens: []string{"商"}, Prefix: true, Text: "商"}}},
	} {
		q, err := Parse(c.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(q.Phrases, c.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", c.q, q.Phrases, c.want)
		}
	}
	if _, err := Parse(strings.Repeat("协", 10000)); err == nil || !strings.Contains(err.Error(), "过长") {
		t.Errorf("a 10,000-character query: %v, want 搜索词过长", err)
	}
	if _, err := Parse(strings.Repeat("协商 ", 9)); err == nil || !strings.Contains(err.Error(), "太多") {
		t.Errorf("nine words: %v, want 搜索词太多", err)
	}
}

func TestRender(t *testing.T) {
	q, _ := Parse("5G基站 政")
	if got, want := q.FTS5("body"), `body : "5g 基站" AND body : "政"*`; got != want {
		t.Errorf("FTS5 = %s, want %s", got, want)
	}
	if got, want := q.TSQuery("t."), `('t.5g' <-> 't.基站') & ('t.政':*)`; got != want {
		t.Errorf("TSQuery = %s, want %s", got, want)
	}
	if got, want := TSVector("t.", []string{"政协", "协", "政协"}), `'t.政协':1,3 't.协':2`; got != want {
		t.Errorf("TSVector = %s, want %s", got, want)
	}
	if got, want := TagMatch("tags", []string{"o1", "kmember"}), `tags : "o1" AND tags : "kmember"`; got != want {
		t.Errorf("TagMatch = %s, want %s", got, want)
	}
}

func TestSnippet(t *testing.T) {
	q, _ := Parse("5G基站")
	got := Snippet("推进全市5G 基站建设的建议", q, 0)
	want := []Segment{{Text: "推进全市"}, {Text: "5G", Mark: true}, {Text: " "}, {Text: "基站", Mark: true}, {Text: "建设的建议"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Snippet = %+v, want %+v", got, want)
	}
	q, _ = Parse("扶贫")
	text := strings.Repeat("前文", 100) + "产业扶贫\n成效" + strings.Repeat("后文", 100)
	seg := Snippet(text, q, 40)
	var all strings.Builder
	marked := 0
	for _, s := range seg {
		all.WriteString(s.Text)
		if s.Mark {
			marked++
			if s.Text != "扶贫" {
				t.Errorf("marked %q", s.Text)
			}
		}
	}
	s := all.String()
	if marked != 1 || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || strings.Contains(s, "\n") {
		t.Errorf("snippet %q (%d marks)", s, marked)
	}
	if n := utf8.RuneCountInString(s); n > 42 {
		t.Errorf("snippet of %d characters, want about 40", n)
	}
}

// phraseIn reports whether p matches the token list as the databases do:
// consecutive tokens, the last a prefix when p.Prefix.
func phraseIn(p Phrase, tokens []string) bool {
	for i := 0; i+len(p.Tokens) <= len(tokens); i++ {
		ok := true
		for j, want := range p.Tokens {
			got := tokens[i+j]
			if p.Prefix && j == len(p.Tokens)-1 {
				ok = ok && strings.HasPrefix(got, want)
			} else {
				ok = ok && got == want
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Any piece of a text that starts at the beginning of a word or inside a
// run of Chinese characters finds the text: the property that makes
// two-character words and mixed scripts work.
func TestQueryFromTextFindsText(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	han := []rune("政协委员扶贫协商乡村振兴基站养老年度会议")
	latin := []string{"5G", "2023", "CPPCC", "ai", "x86", "Ｗｉ"}
	seps := []string{" ", "，", "、", "\n", "“", "-"}
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			switch rng.IntN(3) {
			case 0:
				for range 1 + rng.IntN(6) {
					b.WriteRune(han[rng.IntN(len(han))])
				}
			case 1:
				b.WriteString(latin[rng.IntN(len(latin))])
			default:
				b.WriteString(seps[rng.IntN(len(seps))])
			}
		}
		text := []rune(b.String())
		tokens := Tokens(string(text))
		// Start at a word boundary or inside a Han run, end anywhere after.
		var starts []int
		for i, r := range text {
			prev := rune(0)
			if i > 0 {
				prev = fold(text[i-1])
			}
			k := runKind(fold(r))
			if k == 'h' || (k == 'w' && runKind(prev) != 'w') {
				starts = append(starts, i)
			}
		}
		if len(starts) == 0 {
			continue
		}
		a := starts[rng.IntN(len(starts))]
		e := a + 1 + rng.IntN(len(text)-a)
		piece := string(text[a:e])
		q, err := Parse(piece)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range q.Phrases {
			if !phraseIn(p, tokens) {
				t.Fatalf("query %q (phrase %q) does not find %q (tokens %q)", piece, p.Tokens, string(text), tokens)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"扶贫", "5G基站", "2023年", `"a" OR b*`, "NEAR(x y, 2)", "'; DROP TABLE x; --",
		"\xff\xfe", "col : x", "^协商", "a\x00b", strings.Repeat("协", 101), "协 商 政 协 扶 贫 会 议 多"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if len(q.Phrases) > MaxTerms {
			t.Fatalf("%d phrases", len(q.Phrases))
		}
		for _, p := range q.Phrases {
			if len(p.Tokens) == 0 {
				t.Fatalf("empty phrase from %q", s)
			}
			for _, tok := range p.Tokens {
				if tok == "" || !utf8.ValidString(tok) {
					t.Fatalf("token %q from %q", tok, s)
				}
				for _, r := range tok {
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Nl, r) {
						t.Fatalf("token %q holds %q (from %q)", tok, r, s)
					}
				}
			}
		}
		// The rendered queries have balanced quotes: nothing typed escapes them.
		if n := strings.Count(q.FTS5("body"), `"`); n%2 != 0 {
			t.Fatalf("unbalanced FTS5 %s", q.FTS5("body"))
		}
		if n := strings.Count(q.TSQuery("p."), `'`); n%2 != 0 {
			t.Fatalf("unbalanced tsquery %s", q.TSQuery("p."))
		}
		Snippet(s, q, 40)
	})
}

func BenchmarkTokens(b *testing.B) {
	text := strings.Repeat("关于加快推进全市5G基站建设、促进乡村振兴和养老服务体系建设的建议。", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Tokens(text)
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		Parse("5G基站 乡村振兴")
	}
}
