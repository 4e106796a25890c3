package assist

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParseYuan: an amount read is never negative, below a trillion yuan
// (12 digits), and reads back unchanged from its own yuan form, with or
// without thousands separators and 元; YuanApprox writes any of them
// without panicking, in 元.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"200", "1,280.50", "99.9", "0.01", "200元", " 3 ", "-5", "+5", "1.", ".5", "1.234",
		"999999999999.99", "9999999999999", "１２", "1e3", ",", "元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, ok := ParseYuan(s)
		if !ok {
			if fen != 0 {
				t.Fatalf("ParseYuan(%q) = %d, false", s, fen)
			}
			return
		}
		if fen < 0 || fen >= 1e14 {
			t.Fatalf("ParseYuan(%q) = %d: out of range", s, fen)
		}
		plain := fmt.Sprintf("%d.%02d", fen/100, fen%100)
		for _, form := range []string{plain, plain + "元", withCommas(fen/100) + fmt.Sprintf(".%02d", fen%100)} {
			if back, ok := ParseYuan(form); !ok || back != fen {
				t.Fatalf("ParseYuan(%q) = %d, but %q reads as %d, %v", s, fen, form, back, ok)
			}
		}
		if a := YuanApprox(fen); !strings.HasSuffix(a, "元") {
			t.Fatalf("YuanApprox(%d) = %q", fen, a)
		}
	})
}

func withCommas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
