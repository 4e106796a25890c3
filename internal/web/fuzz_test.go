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
	"slices"
	"strconv"
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
			// Handlers ask for fixed names, short identifiers; any valid one
			// of such a length may be asked for (an error names the field).
			if !utf8.ValidString(k) || utf8.RuneCountInString(k) > 64 {
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

// FuzzCheckCSRF: a signed-in write passes the CSRF check exactly when the
// session has a token and the request carries the same one, in the
// X-CSRF-Token header or else the form's csrf_token field (of either form
// encoding); otherwise it is 403 with a Chinese message, or 413 for a
// body over the limit, never another error.
func FuzzCheckCSRF(f *testing.F) {
	want := auth.NewToken()
	f.Add("", []byte("csrf_token="+want+"&name=x"), false, want)
	f.Add(want, []byte(""), false, want)
	f.Add("", []byte("--xsfuzz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"+want+"\r\n--xsfuzz--\r\n"), true, want)
	f.Add("", []byte("csrf_token=&csrf_token="+want), false, "")
	f.Add(want[:10], []byte("csrf_token="+want), false, want)
	f.Add("", []byte("csrf_token=%zz"), false, "%zz")
	s := &Server{}
	f.Fuzz(func(t *testing.T, header string, body []byte, multipart bool, want string) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		if multipart {
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if header != "" {
			r.Header["X-Csrf-Token"] = []string{header}
		}
		r.Body = http.MaxBytesReader(nil, r.Body, fuzzBodyLimit)
		err := s.checkCSRF(r, want)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			if header != "" || len(body) <= fuzzBodyLimit {
				t.Fatalf("MaxBytesError for %d bytes with header %q", len(body), header)
			}
			return
		}
		got := header
		if got == "" {
			got = r.PostFormValue("csrf_token")
		}
		if pass := want != "" && got == want; pass != (err == nil) {
			t.Fatalf("checkCSRF(got %q, want %q) = %v", got, want, err)
		}
		if err != nil && (app.ErrorCode(err) != app.EFORBIDDEN || !hasHan(app.ErrorMessage(err))) {
			t.Fatalf("checkCSRF: %v, want EFORBIDDEN in Chinese", err)
		}
	})
}

// FuzzMemberRef: the proposal form names its lead author and co-signers as
// "姓名", "姓名#编号", "#编号" or "编号". A reference resolves to one member
// of the term without an error, and only to the one its number (and name,
// when given) names, or to the only member of that name; otherwise it is
// 0 with exactly one Chinese error on the field. Every member's
// "姓名#编号" resolves to that member, even names holding a # or shared.
func FuzzMemberRef(f *testing.F) {
	ms := []member.Member{{ID: 3, Name: "张三"}, {ID: 7, Name: "王芳"}, {ID: 12, Name: "王芳"},
		{ID: 15, Name: "阿依古丽·买买提"}, {ID: 21, Name: "李#四"}, {ID: 1 << 40, Name: "12"}}
	for _, s := range []string{"张三", "王芳", "王芳#12", "#7", "７", "12", "张三#7", " 张三 ＃ 3 ", "李#四#21", "李#四",
		"#", "#-3", "#99999999999999999999", "", "阿依古丽·买买提"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		var errs app.FieldErrors
		id := memberRef(ms, ref, "本届", "lead", &errs)
		if id == 0 {
			if len(errs) != 1 || errs[0].Field != "lead" || !hasHan(errs[0].Message) {
				t.Fatalf("memberRef(%q) = 0 with errors %+v", ref, errs)
			}
			return
		}
		if len(errs) != 0 {
			t.Fatalf("memberRef(%q) = %d with errors %+v", ref, id, errs)
		}
		i := slices.IndexFunc(ms, func(m member.Member) bool { return m.ID == id })
		if i < 0 {
			t.Fatalf("memberRef(%q) = %d, not a member of the term", ref, id)
		}
		trimmed := strings.TrimSpace(ref)
		if strings.ContainsAny(trimmed, "#＃") {
			k := strings.LastIndexAny(trimmed, "#＃")
			name := strings.TrimSpace(trimmed[:k])
			if name != "" && name != ms[i].Name {
				t.Fatalf("memberRef(%q) = %d, who is %s", ref, id, ms[i].Name)
			}
			return
		}
		if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil {
			if n != id {
				t.Fatalf("memberRef(%q) = %d", ref, id)
			}
			return
		}
		same := 0
		for _, m := range ms {
			if m.Name == trimmed {
				same++
			}
		}
		if ms[i].Name != trimmed || same != 1 {
			t.Fatalf("memberRef(%q) = %d (%s) among %d of that name", ref, id, ms[i].Name, same)
		}
	})
}

func TestMemberRefEveryMember(t *testing.T) {
	ms := []member.Member{{ID: 7, Name: "王芳"}, {ID: 12, Name: "王芳"}, {ID: 21, Name: "李#四"}, {ID: 30, Name: "12"}}
	for _, m := range ms {
		for _, ref := range []string{m.Name + "#" + app.Itoa(m.ID), "#" + app.Itoa(m.ID), m.Name + " ＃" + app.Itoa(m.ID)} {
			var errs app.FieldErrors
			if id := memberRef(ms, ref, "本届", "lead", &errs); id != m.ID || len(errs) > 0 {
				t.Errorf("memberRef(%q) = %d, %v; want %d", ref, id, errs, m.ID)
			}
		}
	}
}
