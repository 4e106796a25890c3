package member

import (
	"strconv"
	"strings"
	"testing"

	"xieshang/internal/app"
)

// FuzzCheckIDNumber: an accepted identity number is exactly the one
// MakeIDNumber builds from its area, birth date and sequence (so its check
// character and date are right), gives the gender of its sequence's
// parity, and masks to the same length hiding the birth date; changing its
// check character makes it invalid. A refusal is a Chinese reason.
func FuzzCheckIDNumber(f *testing.F) {
	f.Add(MakeIDNumber("371502", app.MustDate("1975-06-18"), 123))
	f.Add(MakeIDNumber("110101", app.MustDate("2000-02-29"), 8))
	f.Add("37150219750618123")
	f.Add("371502197502301234")
	f.Add("37150219750618123x")
	f.Add("３７１５０２１９７５０６１８１２３Ｘ")
	f.Add("000000000000000000")
	f.Fuzz(func(t *testing.T, s string) {
		msg := CheckIDNumber(s)
		if msg != "" {
			if !strings.HasPrefix(msg, "身份证号") {
				t.Fatalf("CheckIDNumber(%q) = %q", s, msg)
			}
			return
		}
		birth := IDBirthDate(s)
		if birth.IsZero() {
			t.Fatalf("%q accepted without a birth date", s)
		}
		seq, err := strconv.Atoi(s[14:17])
		if err != nil {
			t.Fatalf("%q accepted with sequence %q", s, s[14:17])
		}
		if again := MakeIDNumber(s[:6], birth, seq); again != s {
			t.Fatalf("%q accepted, but its parts make %q", s, again)
		}
		if want := map[bool]string{true: "男", false: "女"}[seq%2 == 1]; IDGender(s) != want {
			t.Fatalf("IDGender(%q) = %s", s, IDGender(s))
		}
		m := MaskIDNumber(s)
		if len(m) != len(s) || m[:4] != s[:4] || m[16:] != s[16:] || strings.Contains(m, s[6:14]) {
			t.Fatalf("MaskIDNumber(%q) = %q", s, m)
		}
		for _, c := range []byte("0123456789X") {
			if c != s[17] && CheckIDNumber(s[:17]+string(c)) == "" {
				t.Fatalf("%q and %q both valid", s, s[:17]+string(c))
			}
		}
	})
}
