package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Pages, styles and scripts travel gzipped to browsers that accept it and
// read the same; workbooks and the live board's event stream do not.
func TestCompressedAnswers(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	fetch := func(path, accept string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept) // set by hand: the transport then leaves the body as sent
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.Header.Get("Content-Encoding") != "gzip" {
			return res, string(raw)
		}
		zr, err := gzip.NewReader(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(raw) >= len(plain) {
			t.Errorf("%s: %d bytes gzipped from %d", path, len(raw), len(plain))
		}
		return res, string(plain)
	}
	_, members := fetch("/members", "identity")
	css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(members)
	if css == nil {
		t.Fatal("no stylesheet link on /members")
	}
	for _, p := range []string{"/members", css[1], "/api/v1/orgs"} {
		res, page := fetch(p, "gzip, deflate, br")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: status %d, encoding %q", p, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		_, plain := fetch(p, "identity")
		if page != plain {
			t.Errorf("%s: the gzipped answer differs from the plain one", p)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", p, res.Header.Get("Vary"))
		}
	}
	res, body := fetch("/members/export.xlsx", "gzip")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(body, "PK") {
		t.Errorf("workbook: status %d, encoding %q, starts %q", res.StatusCode, res.Header.Get("Content-Encoding"), body[:min(4, len(body))])
	}
}
