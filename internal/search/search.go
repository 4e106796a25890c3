// Package search turns text into the tokens of the full-text index and a
// user's query into the same tokens, the same way for SQLite and PostgreSQL.
//
// Chinese has no spaces between words and neither database ships a Chinese
// tokenizer we can rely on (SQLite's trigram tokenizer cannot find a
// two-character word; Debian's PostgreSQL has no zhparser, pg_bigm or
// pgroonga), so the text is tokenised here and the databases only store and
// intersect tokens:
//
//   - a run of Han characters becomes its overlapping bigrams plus its last
//     character alone: 政协协商 → 政协 协协 协商 商. Every two-character word
//     of the text is a token, and every character starts a token, so a
//     one-character query is a prefix query;
//   - a run of letters and digits of other scripts becomes one lower-cased
//     word: 5G基站 → 5g 基站 站, 2023年 → 2023 年;
//   - everything else separates tokens.
//
// A query is tokenised the same way and its tokens must appear as a phrase
// (consecutive positions), so 协商 does not match 协…商 and 5G基站 does not
// match "5G" in one place and 基站 in another. Words separated by spaces are
// ANDed. Nothing the user types becomes syntax: tokens hold only letters and
// digits, and the FTS5 and tsquery strings are built from them.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what is indexed and asked.
const (
	// MaxTokens is the most tokens indexed for one document: PostgreSQL's
	// positions stop at 16,383, and beyond a few pages of text a search
	// result is found by its beginning anyway.
	MaxTokens = 16000
	// MaxQueryRunes is the longest query accepted (after trimming).
	MaxQueryRunes = 100
	// MaxTerms is the most space-separated words in a query.
	MaxTerms     = 8
	maxWordBytes = 64 // a longer Latin "word" is cut: no real word is this long
)

// isHan reports whether r is written as Chinese characters are, one
// character per syllable: Han, and the kana and hangul that share the
// treatment in CJK text.
func isHan(r rune) bool {
	return (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)) && // 〇 is a number letter; ㉶ a symbol
		unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// fold maps full-width ASCII to half-width and upper to lower case, so that
// ＡＢＣ１２３ and abc123 are the same token.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	if r == 0x3000 {
		r = ' '
	}
	return unicode.ToLower(r)
}

// runKind classifies a rune: 'h' Han, 'w' letter or digit of another script,
// 0 a separator.
func runKind(r rune) byte {
	switch {
	case isHan(r):
		return 'h'
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		return 'w'
	}
	return 0
}

// run is a maximal stretch of one kind.
type run struct {
	kind byte
	text []rune
}

// runs splits folded text into runs of Han and of word characters.
func runs(s string) []run {
	var out []run
	var cur run
	flush := func() {
		if len(cur.text) > 0 {
			out = append(out, cur)
		}
		cur = run{}
	}
	for _, r := range s {
		if r == utf8.RuneError {
			flush()
			continue
		}
		r = fold(r)
		k := runKind(r)
		if k != cur.kind {
			flush()
			cur.kind = k
		}
		if k != 0 {
			cur.text = append(cur.text, r)
		}
	}
	flush()
	return out
}

// word is a Latin/digit run as a token, cut at maxWordBytes on a rune
// boundary.
func word(rs []rune) string {
	s := string(rs)
	if len(s) <= maxWordBytes {
		return s
	}
	cut := maxWordBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Tokens returns the index tokens of text in order (their positions are
// their indexes), at most MaxTokens.
func Tokens(text string) []string {
	var out []string
	for _, rn := range runs(text) {
		if rn.kind == 'w' {
			out = append(out, word(rn.text))
		} else {
			for i := 0; i+1 < len(rn.text); i++ {
				out = append(out, string(rn.text[i:i+2]))
			}
			out = append(out, string(rn.text[len(rn.text)-1]))
		}
		if len(out) >= MaxTokens {
			return out[:MaxTokens]
		}
	}
	return out
}

// Phrase is one word of a query: tokens that must be consecutive, the last
// one possibly a prefix.
type Phrase struct {
	Tokens []string
	Prefix bool   // the last token is a prefix (a single trailing character or a Latin word being typed)
	Text   string // the word as folded, for highlighting
}

// Query is a parsed query: every phrase must match.
type Query struct {
	Phrases []Phrase
}

// Empty reports whether the query asks for nothing (empty, or only
// punctuation and operators).
func (q Query) Empty() bool { return len(q.Phrases) == 0 }

// ParseError says why a query was refused, in Chinese.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return e.Reason }

// Parse reads what a user typed into the search box. Invalid UTF-8 is
// dropped, every character that is not a letter or digit separates words
// (quotes, *, parentheses, operators such as NEAR or AND are plain words or
// nothing), and a query longer than MaxQueryRunes or with more than MaxTerms
// words is refused with a reason. An empty result is not an error: it asks for
// nothing and finds nothing.
func Parse(s string) (Query, error) {
	s = strings.ToValidUTF8(s, " ")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		return Query{}, &ParseError{Reason: "搜索词过长，最多100个字"}
	}
	var q Query
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == 0x3000 }) {
		p, ok := phrase(w)
		if !ok {
			continue
		}
		if len(q.Phrases) == MaxTerms {
			return Query{}, &ParseError{Reason: "搜索词太多，最多8个"}
		}
		q.Phrases = append(q.Phrases, p)
	}
	return q, nil
}

// phrase tokenises one space-free word of a query. A Han run inside the word
// contributes its bigrams, and its last character as well when another run
// follows (the index has that character right before the next run); a
// trailing single Han character or a trailing Latin word is a prefix, so
// that 政 finds 政协 and cppc finds cppcc.
func phrase(w string) (Phrase, bool) {
	rs := runs(w)
	if len(rs) == 0 {
		return Phrase{}, false
	}
	var p Phrase
	var text []string
	for i, rn := range rs {
		last := i == len(rs)-1
		text = append(text, string(rn.text))
		switch {
		case rn.kind == 'w':
			p.Tokens = append(p.Tokens, word(rn.text))
			p.Prefix = last
		case len(rn.text) == 1:
			p.Tokens = append(p.Tokens, string(rn.text))
			p.Prefix = last
		default:
			for j := 0; j+1 < len(rn.text); j++ {
				p.Tokens = append(p.Tokens, string(rn.text[j:j+2]))
			}
			if !last {
				p.Tokens = append(p.Tokens, string(rn.text[len(rn.text)-1]))
			}
			p.Prefix = false
		}
	}
	if len(p.Tokens) > MaxTokens {
		p.Tokens = p.Tokens[:MaxTokens]
	}
	p.Text = strings.Join(text, " ")
	return p, true
}

// FTS5 renders the query for SQLite's FTS5 MATCH against column col: each
// phrase quoted (tokens hold only letters and digits, so nothing inside can
// be syntax), ANDed.
func (q Query) FTS5(col string) string {
	var b strings.Builder
	for i, p := range q.Phrases {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(col)
		b.WriteString(` : "`)
		b.WriteString(strings.Join(p.Tokens, " "))
		b.WriteByte('"')
		if p.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// TSQuery renders the query as a PostgreSQL tsquery literal (cast with
// ::tsquery, not parsed by a text search configuration): each phrase's
// lexemes joined by <-> (followed by), the last one :* when a prefix,
// phrases joined by &. Every lexeme is prefixed with space (see TSVector).
func (q Query) TSQuery(space string) string {
	var b strings.Builder
	for i, p := range q.Phrases {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('(')
		for j, t := range p.Tokens {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteString(quoteLexeme(space + t))
			if p.Prefix && j == len(p.Tokens)-1 {
				b.WriteString(":*")
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// TSVector renders tokens as a PostgreSQL tsvector literal with their
// positions (1-based), cast with ::tsvector. Every lexeme is prefixed with
// space (the store gives each kind of record its own, so that the GIN
// index's posting lists and the planner's statistics are per kind and
// word: a word common in topics and absent from households is estimated as
// such, and the plan for each follows).
func TSVector(space string, tokens []string) string {
	pos := map[string][]int{}
	var order []string
	for i, t := range tokens {
		if _, ok := pos[t]; !ok {
			order = append(order, t)
		}
		if len(pos[t]) < 256 { // PostgreSQL keeps at most 256 positions per lexeme
			pos[t] = append(pos[t], i+1)
		}
	}
	var b strings.Builder
	for i, t := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(space + t))
		b.WriteByte(':')
		for j, p := range pos[t] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(itoa(p))
		}
	}
	return b.String()
}

// Words renders tags (or any tokens without positions) as a plain
// space-separated list, for FTS5, or as a tsvector literal without
// positions.
func Words(tags []string) string { return strings.Join(tags, " ") }

// TagMatch renders tags that must all be present for FTS5's MATCH against
// column col.
func TagMatch(col string, tags []string) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = col + ` : "` + t + `"`
	}
	return strings.Join(q, " AND ")
}

// quoteLexeme quotes a token for a tsvector or tsquery literal. Tokens hold
// only letters and digits, but quoting keeps that an invariant of the
// output rather than an assumption.
func quoteLexeme(t string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", "''") + "'"
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}
