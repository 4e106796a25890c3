package notice

import (
	"net/mail"
	"net/url"
	"strings"
	"testing"
)

// FuzzRelativeLink: a link a notice may carry stays on the app's host
// however a browser resolves it — the WHATWG parser strips tabs and
// newlines and reads a backslash as a slash, which RelativeLink refuses —
// and is a path with no scheme or host of its own.
func FuzzRelativeLink(f *testing.F) {
	for _, s := range []string{"/meetings/3", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"https://evil.example", "/a?next=//x#y", "javascript:alert(1)", "/%2F%2Fevil", " /x", "/\x7f"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://xieshang.example/notices/1")
	f.Fuzz(func(t *testing.T, s string) {
		if !RelativeLink(s) {
			return
		}
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\t\r\n") {
			t.Fatalf("RelativeLink(%q): not a plain path", s)
		}
		u, err := url.Parse(s)
		if err != nil {
			return // the browser gets it as text of this host; net/url is stricter about escapes
		}
		if u.Scheme != "" || u.Host != "" || u.User != nil {
			t.Fatalf("RelativeLink(%q): scheme %q host %q", s, u.Scheme, u.Host)
		}
		if r := base.ResolveReference(u); r.Host != base.Host || r.Scheme != base.Scheme {
			t.Fatalf("RelativeLink(%q) resolves to %s", s, r)
		}
	})
}

// FuzzRecipientContact: after Normalize, a phone PhoneOK takes is 11
// digits starting with 1 (after an optional +86), and an e-mail EmailOK
// takes is one plain address, fit for a To: header as it is; Normalize
// is idempotent.
func FuzzRecipientContact(f *testing.F) {
	f.Add(" 张三 ", " zhang@example.org ", "138 1234-5678")
	f.Add("", "张三 <zhang@example.org>", "+8613812345678")
	f.Add("", "a@b", "+86 12345")
	f.Add("", "\"a b\"@example.org", "1381234567８")
	f.Fuzz(func(t *testing.T, name, email, phone string) {
		r := Recipient{MemberID: 1, Name: name, Email: email, Phone: phone}
		r.Normalize()
		once := r
		r.Normalize()
		if r != once {
			t.Fatalf("Normalize not idempotent: %+v then %+v", once, r)
		}
		if r.PhoneOK() {
			p := strings.TrimPrefix(r.Phone, "+86")
			if len(p) != 11 || p[0] != '1' || strings.Trim(p, "0123456789") != "" {
				t.Fatalf("PhoneOK(%q)", r.Phone)
			}
		}
		if r.EmailOK() {
			// It goes into a To: header as it is: one address, no line break.
			list, err := mail.ParseAddressList(r.Email)
			if err != nil || len(list) != 1 || list[0].Address != r.Email || strings.ContainsAny(r.Email, "\r\n") ||
				len(r.Email) > 254 || !strings.Contains(r.Email, "@") {
				t.Fatalf("EmailOK(%q): %v %+v", r.Email, err, list)
			}
		}
	})
}
