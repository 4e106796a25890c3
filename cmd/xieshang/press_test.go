package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPressParseCommand(t *testing.T) {
	page := filepath.Join("..", "..", "internal", "press", "testdata", "liaocheng-2020-05.txt")
	out, _, err := xs(t, "press", "parse", page)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Articles []struct {
			Title         string           `json:"title"`
			Org           string           `json:"org"`
			Date          *string          `json:"date"`
			Kind          string           `json:"kind"`
			Byline        []string         `json:"byline"`
			Meeting       *string          `json:"meeting"`
			Figures       map[string]int64 `json:"figures"`
			ContinuedFrom *string          `json:"continued_from"`
			Text          string           `json:"text"`
		} `json:"articles"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !strings.Contains(out, "\n  \"articles\": [") {
		t.Error("JSON is not indented")
	}
	if len(got.Articles) != 8 {
		t.Fatalf("%d articles, want 8", len(got.Articles))
	}
	a := got.Articles[0]
	if a.Org != "聊城市政协" || a.Date == nil || *a.Date != "2020-05-27" || a.Kind != "meeting" ||
		a.Meeting == nil || *a.Meeting != "十三届四次会议" || a.Figures["members_expected"] != 419 ||
		a.Figures["members_present"] != 386 || len(a.Byline) != 1 || a.Byline[0] != "李军" {
		t.Errorf("plenary item: %+v", a)
	}
	if b := got.Articles[2]; b.Kind != "assistance" || strings.Join(b.Byline, " ") != "何福广 刘少华" || b.Date != nil {
		t.Errorf("assistance item: %+v", b)
	}

	// --year after the file; a page without a year takes it.
	dir := t.TempDir()
	f := filepath.Join(dir, "p.txt")
	os.WriteFile(f, []byte("市政协召开主席会议\n本报讯 6月5日,市政协召开五届十二次主席会议。\n"), 0o600)
	out, _, err = xs(t, "press", "parse", f, "--year", "2021")
	if err != nil || !strings.Contains(out, `"date": "2021-06-05"`) || !strings.Contains(out, `"continued_from": null`) {
		t.Errorf("--year 2021: %v\n%s", err, out)
	}

	// Bad input answers in Chinese, never a crash.
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o600)
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("政协", 9<<20)), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"press", "parse", empty}, "空"},
		{[]string{"press", "parse", big}, "上限"},
		{[]string{"press", "parse", filepath.Join(dir, "missing.txt")}, "no such file"},
		{[]string{"press", "parse"}, "one file"},
		{[]string{"press", "parse", f, "--year", "99"}, "not a year"},
		{[]string{"press", "frob"}, "unknown"},
	} {
		if _, _, err := xs(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	if out, _, err := xs(t, "press", "--help"); err != nil || !strings.Contains(out, "press parse FILE") {
		t.Errorf("help: %v %s", err, out)
	}
}
