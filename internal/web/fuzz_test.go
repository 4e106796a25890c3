package web

// Fuzz targets for the decoders every handler trusts: decodeJSON for API
// bodies and the form decoder for pages. Seed corpora are checked in under
// testdata/fuzz/<Name>/; run one with e.g.
//
//	go test -run '^$' -fuzz '^FuzzDecodeJSON$' -fuzztime 30s ./internal/web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

const fuzzBodyLimit = 4 << 10

// fuzzWantInvalid fails unless err is an EINVALID *app.Error whose message
// and field messages are Chinese.
func fuzzWantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.EINVALID {
		t.Fatalf("%s: %T %v, want an EINVALID *app.Error", what, err, err)
	}
	if !hasHan(ae.Message) {
		t.Fatalf("%s: message %q is not Chinese", what, ae.Message)
	}
	for _, f := range ae.Fields {
		if !hasHan(f.Message) || !utf8.ValidString(f.Field) || utf8.RuneCountInString(f.Field) > 65 {
			t.Fatalf("%s: field error %+v", what, f)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"甲县政协","kind":"county","parent_id":1,"sort":2}`,
		`{"birth_date":"1970年1月2日"}`, `{"name":1}`, `[]`, `null`, `{}]`, `{"x":1}`, `{"role":"admin","org_id":"1"}`} {
		f.Add([]byte(s), "application/json")
	}
	targets := []func() any{
		func() any { return new(org.Input) },
		func() any { return new(member.Input) },
		func() any { return new(auth.AccountInput) },
		func() any { return new(org.TermInput) },
	}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		for _, target := range targets {
			v := target()
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", ctype)
			r.Body = http.MaxBytesReader(nil, r.Body, fuzzBodyLimit)
			err := decodeJSON(r, v)
			what := reflect.TypeOf(v).Elem().String()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					if len(body) <= fuzzBodyLimit {
						t.Fatalf("%s: MaxBytesError for %d bytes", what, len(body))
					}
					continue
				}
				fuzzWantInvalid(t, what, err)
				continue
			}
			// Accepted: it was one JSON object, and what was decoded
			// survives a round trip unchanged.
			if !json.Valid(body) || bytes.TrimSpace(body)[0] != '{' {
				t.Fatalf("%s: accepted %q", what, body)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: marshal %+v: %v", what, v, err)
			}
			again := target()
			r = httptest.NewRequest("POST", "/", bytes.NewReader(out))
			if err := decodeJSON(r, again); err != nil {
				t.Fatalf("%s: own output %s refused: %v", what, out, err)
			}
			if !reflect.DeepEqual(v, again) {
				t.Fatalf("%s: round trip changed %+v into %+v", what, v, again)
			}
		}
	})
}

// fuzzBoundary is the multipart boundary of FuzzForm's multipart bodies.
const fuzzBoundary = "xsfuzz"

func FuzzForm(f *testing.F) {
	f.Add([]byte("name=%E7%94%B2&sort=3&id=12&date=2020-05-12&ok=on"), false)
	f.Add([]byte("--xsfuzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n甲\r\n--xsfuzz--\r\n"), true)
	f.Fuzz(func(t *testing.T, body []byte, multipart bool) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		if multipart {
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.Body = http.MaxBytesReader(nil, r.Body, fuzzBodyLimit)
		fm, err := parseForm(r)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				if len(body) <= fuzzBodyLimit {
					t.Fatalf("MaxBytesError for %d bytes", len(body))
				}
				return
			}
			fuzzWantInvalid(t, "parseForm", err)
			return
		}
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		names := []string{"name", "sort", "id", "date", "ok", "missing"}
		n := 0
		for k := range r.PostForm {
			// Handlers ask for fixed names; any valid one may be asked for.
			if !utf8.ValidString(k) {
				continue
			}
			if n++; n > 20 {
				break
			}
			names = append(names, k)
		}
		for _, name := range names {
			errsBefore := len(fm.Errs)
			s := fm.Str(name)
			if !utf8.ValidString(s) || s != strings.TrimSpace(s) || utf8.RuneCountInString(s) > 10000 {
				t.Fatalf("Str(%q) = %q", name, s)
			}
			if len(fm.Errs) > errsBefore && s != "" {
				t.Fatalf("Str(%q) = %q with an error", name, s)
			}
			if i := fm.Int(name); i < -1e9 || i > 1e9 {
				t.Fatalf("Int(%q) = %d", name, i)
			}
			if id := fm.ID(name); id < 0 {
				t.Fatalf("ID(%q) = %d", name, id)
			}
			d := fm.Date(name)
			if !d.IsZero() {
				if d.M < 1 || d.M > 12 || d.D < 1 || d.D > 31 || d.Y < 0 || d.Y > 9999 {
					t.Fatalf("Date(%q) = %+v", name, d)
				}
				if p, err := app.ParseDate(d.String()); err != nil || p != d {
					t.Fatalf("Date(%q) = %+v does not survive String: %v %+v", name, d, err, p)
				}
			}
			fm.Bool(name)
		}
		for _, e := range fm.Errs {
			if !hasHan(e.Message) {
				t.Fatalf("field error %+v is not Chinese", e)
			}
		}
		if err := fm.merge(nil); len(fm.Errs) > 0 {
			fuzzWantInvalid(t, "merge", err)
		}
	})
}

// TestParseFormTooLarge: a body over the limit is a MaxBytesError (413), not
// an unreadable form (422), for multipart uploads too.
func TestParseFormTooLarge(t *testing.T) {
	big := strings.Repeat("x", 2*fuzzBodyLimit)
	for _, tc := range []struct{ ctype, body string }{
		{"application/x-www-form-urlencoded", "name=" + big},
		{"multipart/form-data; boundary=" + fuzzBoundary, "--xsfuzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" +
			big + "\r\n--xsfuzz--\r\n"},
		{"multipart/form-data; boundary=" + fuzzBoundary, "--xsfuzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n" +
			big + "\r\n--xsfuzz--\r\n"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", tc.ctype)
		r.Body = http.MaxBytesReader(nil, r.Body, fuzzBodyLimit)
		_, err := parseForm(r)
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			t.Errorf("%s: %T %v, want *http.MaxBytesError", tc.ctype, err, err)
		}
	}
}
