package duty

import (
	"strings"
	"testing"
)

// FuzzParsePoints: a value read is one the file can print and read back
// unchanged (Points.String, then ParsePoints), so what a rule form shows is
// what it saves; a refusal names the value in Chinese.
func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{"15", "-2", "7.5", "3.75", " 0.25 ", "1.005", "1e2", "0x10", "NaN", "-Inf",
		"1e30", "-9.2e16", "92233720368547758", "", "五"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePoints(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "分值") {
				t.Fatalf("ParsePoints(%q): %v", s, err)
			}
			return
		}
		if p > maxParsed || p < -maxParsed {
			t.Fatalf("ParsePoints(%q) = %d: out of range", s, p)
		}
		back, err := ParsePoints(p.String())
		if err != nil || back != p {
			t.Fatalf("ParsePoints(%q) = %d, printed %q, read back as %d, %v", s, p, p.String(), back, err)
		}
	})
}
