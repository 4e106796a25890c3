package press

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The corpus: testdata/NAME.txt with NAME.json, its expected output
// written by hand ("options_year" is the --year the page is read with).
type expectedPage struct {
	OptionsYear int        `json:"options_year"`
	Articles    []expected `json:"articles"`
}

type expected struct {
	Article
	Text *string `json:"text"` // compared when given
}

// corpusFields are the fields the corpus scores, in the README's order.
var corpusFields = []string{"items", "title", "kicker", "org", "date", "kind", "byline", "meeting", "elected", "figures", "continued_from", "caption", "text"}

// scoreArticle returns, per field, whether got matches want (fields
// not scored for this article are absent).
func scoreArticle(want expected, got *Article) map[string]bool {
	if got == nil {
		got = &Article{}
	}
	s := map[string]bool{
		"title":          want.Title == got.Title,
		"kicker":         slices.Equal(want.Kicker, got.Kicker),
		"org":            want.Org == got.Org,
		"date":           reflect.DeepEqual(want.Date, got.Date),
		"kind":           want.Kind == got.Kind,
		"byline":         slices.Equal(want.Byline, got.Byline) && (len(want.Byline) > 0 || got.Byline != nil),
		"meeting":        reflect.DeepEqual(want.Meeting, got.Meeting) && reflect.DeepEqual(want.MeetingRef, got.MeetingRef),
		"elected":        reflect.DeepEqual(want.Elected, got.Elected),
		"figures":        maps.Equal(want.Figures, got.Figures),
		"continued_from": reflect.DeepEqual(want.ContinuedFrom, got.ContinuedFrom),
		"caption":        want.Caption == got.Caption,
	}
	if want.Text != nil {
		s["text"] = *want.Text == got.Text
	}
	return s
}

type tally struct{ ok, all int }

func (t tally) String() string {
	if t.all == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d %.0f%%", t.ok, t.all, 100*float64(t.ok)/float64(t.all))
}

func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) < 5 {
		t.Fatalf("corpus has %d pages", len(files))
	}
	total := map[string]*tally{}
	for _, f := range corpusFields {
		total[f] = &tally{}
	}
	var rows []string
	for _, jf := range files {
		name := strings.TrimSuffix(filepath.Base(jf), ".json")
		var want expectedPage
		raw, err := os.ReadFile(jf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: %v", jf, err)
		}
		src, err := os.ReadFile(strings.TrimSuffix(jf, ".json") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		page, err := Parse(src, Options{Year: want.OptionsYear})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		per := map[string]*tally{}
		for _, f := range corpusFields {
			per[f] = &tally{}
		}
		per["items"].all++
		if len(page.Articles) == len(want.Articles) {
			per["items"].ok++
		} else {
			t.Errorf("%s: %d items, want %d", name, len(page.Articles), len(want.Articles))
		}
		for i, w := range want.Articles {
			got := match(page.Articles, w, i)
			for f, ok := range scoreArticle(w, got) {
				per[f].all++
				if ok {
					per[f].ok++
				} else {
					t.Logf("%s item %d %q: %s differs:\n  got  %s\n  want %s", name, i+1, w.Title, f, show(got, f), show(&w.Article, f, w.Text))
				}
			}
		}
		row := fmt.Sprintf("%-20s", name)
		for _, f := range corpusFields {
			row += fmt.Sprintf(" %-11s", per[f])
			total[f].ok += per[f].ok
			total[f].all += per[f].all
		}
		rows = append(rows, row)
		if name == "liaocheng-2020-05" { // the real page must be read right
			for _, f := range corpusFields {
				if per[f].ok != per[f].all {
					t.Errorf("real page: %s %s", f, per[f])
				}
			}
		}
	}
	head := fmt.Sprintf("%-20s", "page")
	all := fmt.Sprintf("%-20s", "all")
	for _, f := range corpusFields {
		head += fmt.Sprintf(" %-11s", f)
		all += fmt.Sprintf(" %-11s", total[f])
	}
	t.Logf("per-field accuracy:\n%s\n%s\n%s", head, strings.Join(rows, "\n"), all)
	for _, f := range corpusFields {
		if tl := total[f]; tl.all > 0 && float64(tl.ok) < corpusThreshold*float64(tl.all) {
			t.Errorf("%s accuracy %s, below %.0f%%", f, tl, 100*corpusThreshold)
		}
	}
}

// corpusThreshold is the accuracy each field must reach over the corpus.
const corpusThreshold = 0.85

// match finds the parsed article for an expected one: the same title, else
// the same position.
func match(got []Article, w expected, i int) *Article {
	for k := range got {
		if got[k].Title == w.Title && got[k].Caption == w.Caption && (w.Title != "" || k == i) {
			return &got[k]
		}
	}
	if i < len(got) {
		return &got[i]
	}
	return nil
}

func show(a *Article, field string, text ...*string) string {
	if a == nil {
		return "(missing)"
	}
	var v any
	switch field {
	case "title":
		v = a.Title
	case "kicker":
		v = a.Kicker
	case "org":
		v = a.Org
	case "date":
		v = a.Date
	case "kind":
		v = a.Kind
	case "byline":
		v = a.Byline
	case "meeting":
		v = []any{a.Meeting, a.MeetingRef}
	case "elected":
		v = a.Elected
	case "figures":
		v = a.Figures
	case "continued_from":
		v = a.ContinuedFrom
	case "caption":
		v = a.Caption
	case "text":
		v = a.Text
		if len(text) > 0 && text[0] != nil {
			v = *text[0]
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}
