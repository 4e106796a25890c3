package search

import (
	"sort"
	"strings"
)

// Segment is a piece of a snippet; Mark is set on the pieces the query
// matched.
type Segment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// Snippet cuts a window of about width characters from text around the first
// place the query matches and marks every match inside it; with no match the
// window is the beginning. Matching folds case and full-width forms as the
// index does, and marks each run of a query word (so 5G基站 marks "5G" and
// "基站" in "5G 基站" too). Leading and trailing cuts are shown as "…".
func Snippet(text string, q Query, width int) []Segment {
	src := []rune(text)
	folded := make([]rune, len(src))
	for i, r := range src {
		folded[i] = fold(r)
	}
	marks := matches(folded, q)
	start, end := 0, len(src)
	if width > 0 && len(src) > width {
		first := 0
		if len(marks) > 0 {
			first = marks[0][0]
		}
		start = max(first-width/4, 0)
		end = min(start+width, len(src))
		start = max(end-width, 0)
	}
	var out []Segment
	add := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{Text: s, Mark: mark})
	}
	if start > 0 {
		add("…", false)
	}
	pos := start
	for _, m := range marks {
		a, b := max(m[0], pos), min(m[1], end)
		if a >= b {
			continue
		}
		add(clean(src[pos:a]), false)
		add(clean(src[a:b]), true)
		pos = b
	}
	add(clean(src[pos:end]), false)
	if end < len(src) {
		add("…", false)
	}
	return out
}

// Highlight marks every match of the query in a short text (a title).
func Highlight(text string, q Query) []Segment { return Snippet(text, q, 0) }

// clean turns line breaks and tabs into spaces: a snippet is one line.
func clean(rs []rune) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, string(rs))
}

// matches returns the sorted, merged [start, end) rune ranges of folded
// where a run of a query word occurs.
func matches(folded []rune, q Query) [][2]int {
	var needles [][]rune
	for _, p := range q.Phrases {
		for _, t := range strings.Fields(p.Text) {
			needles = append(needles, []rune(t))
		}
	}
	var out [][2]int
	for _, n := range needles {
		if len(n) == 0 {
			continue
		}
		for i := 0; i+len(n) <= len(folded); i++ {
			if equalRunes(folded[i:i+len(n)], n) {
				out = append(out, [2]int{i, i + len(n)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	merged := out[:0]
	for _, m := range out {
		if k := len(merged); k > 0 && m[0] <= merged[k-1][1] {
			merged[k-1][1] = max(merged[k-1][1], m[1])
			continue
		}
		merged = append(merged, m)
	}
	return merged
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
