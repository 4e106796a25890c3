package org_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"xieshang/internal/org"
)

// TestNumeralTable checks representative values by hand, most of them in
// 1–199 (terms and session numbers), and the larger rules up to 9999.
func TestNumeralTable(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{
		{0, "零"},
		{1, "一"}, {2, "二"}, {3, "三"}, {4, "四"}, {5, "五"},
		{6, "六"}, {7, "七"}, {8, "八"}, {9, "九"},
		{10, "十"}, {11, "十一"}, {12, "十二"}, {13, "十三"}, {15, "十五"}, {19, "十九"},
		{20, "二十"}, {21, "二十一"}, {22, "二十二"}, {29, "二十九"},
		{30, "三十"}, {34, "三十四"}, {40, "四十"}, {47, "四十七"},
		{50, "五十"}, {56, "五十六"}, {60, "六十"}, {68, "六十八"},
		{70, "七十"}, {73, "七十三"}, {80, "八十"}, {85, "八十五"},
		{90, "九十"}, {99, "九十九"},
		{100, "一百"}, {101, "一百零一"}, {102, "一百零二"}, {105, "一百零五"}, {109, "一百零九"},
		{110, "一百一十"}, {111, "一百一十一"}, {115, "一百一十五"}, {119, "一百一十九"},
		{120, "一百二十"}, {121, "一百二十一"}, {130, "一百三十"}, {138, "一百三十八"},
		{150, "一百五十"}, {160, "一百六十"}, {177, "一百七十七"},
		{190, "一百九十"}, {198, "一百九十八"}, {199, "一百九十九"},
		{200, "二百"}, {201, "二百零一"}, {210, "二百一十"}, {222, "二百二十二"},
		{419, "四百一十九"}, {386, "三百八十六"}, {999, "九百九十九"},
		{1000, "一千"}, {1001, "一千零一"}, {1010, "一千零一十"}, {1011, "一千零一十一"},
		{1100, "一千一百"}, {1101, "一千一百零一"}, {1110, "一千一百一十"}, {1234, "一千二百三十四"},
		{2000, "二千"}, {2005, "二千零五"}, {2020, "二千零二十"}, {2050, "二千零五十"},
		{2200, "二千二百"}, {9999, "九千九百九十九"},
		// Outside the range: digits.
		{-1, "-1"}, {-13, "-13"}, {10000, "10000"}, {123456, "123456"},
	}
	for _, c := range cases {
		if got := org.Numeral(c.n); got != c.want {
			t.Errorf("Numeral(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestNumeralProperties checks every number 0–9999 against rules that do not
// depend on how Numeral is written: it reads back to the same number, and its
// form follows the conventions.
func TestNumeralProperties(t *testing.T) {
	seen := map[string]int{}
	for n := 0; n <= 9999; n++ {
		s := org.Numeral(n)
		if v, ok := parseNumeral(s); !ok || v != n {
			t.Fatalf("Numeral(%d) = %q reads back as %d (ok=%v)", n, s, v, ok)
		}
		if m, dup := seen[s]; dup {
			t.Fatalf("Numeral(%d) = Numeral(%d) = %q", n, m, s)
		}
		seen[s] = n
		if strings.ContainsAny(s, "0123456789两〇") {
			t.Fatalf("Numeral(%d) = %q: digits, 两 or 〇", n, s)
		}
		if strings.Contains(s, "零零") {
			t.Fatalf("Numeral(%d) = %q: repeated 零", n, s)
		}
		if n != 0 && strings.Contains(s, "零") != hasInnerZero(n) {
			t.Fatalf("Numeral(%d) = %q: 零 should appear exactly when a zero lies between non-zero digits", n, s)
		}
		if n != 0 && strings.HasSuffix(s, "零") {
			t.Fatalf("Numeral(%d) = %q: trailing 零", n, s)
		}
		// 一 before 十 is dropped only when 十 leads the number.
		if (n >= 10 && n <= 19) != strings.HasPrefix(s, "十") {
			t.Fatalf("Numeral(%d) = %q: leading 十 only for 10–19", n, s)
		}
		if n >= 100 && n%100/10 == 1 && !strings.Contains(s, "一十") {
			t.Fatalf("Numeral(%d) = %q: tens of one inside a larger number is 一十", n, s)
		}
		// Each non-zero digit takes one character and, except the units, one
		// more for its place; each zero gap one 零 (the short 十x form drops 一).
		want := 0
		for p, i := 1, 0; i < 4; p, i = p*10, i+1 {
			if d := n / p % 10; d != 0 {
				want++
				if i > 0 {
					want++
				}
			}
		}
		if strings.Contains(s, "零") {
			want++
		}
		if n >= 10 && n <= 19 {
			want--
		}
		if n == 0 {
			want = 1
		}
		if got := utf8.RuneCountInString(s); got != want {
			t.Fatalf("Numeral(%d) = %q has %d characters, want %d", n, s, got, want)
		}
	}
}

func TestTermLabel(t *testing.T) {
	for n, want := range map[int]string{1: "第一届", 5: "第五届", 10: "第十届", 13: "第十三届", 21: "第二十一届"} {
		if got := (org.Term{Number: n}).Label(); got != want {
			t.Errorf("Term{%d}.Label() = %q, want %q", n, got, want)
		}
	}
}

// hasInnerZero reports whether n (1–9999) has a zero digit with a non-zero
// digit on each side of it, e.g. 105, 1001, 2050 (but not 100 or 1200).
func hasInnerZero(n int) bool {
	return strings.Contains(strings.TrimRight(strconv.Itoa(n), "0"), "0")
}

// parseNumeral reads a Chinese numeral of the kind Numeral writes: digits
// each followed by a descending place (千, 百, 十, or none for the units),
// a single 零 standing for skipped places, and 十 alone at the start for
// 10–19. It rejects anything else, so a round trip checks both value and form.
func parseNumeral(s string) (int, bool) {
	if s == "零" {
		return 0, true
	}
	digit := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	place := map[rune]int{'千': 1000, '百': 100, '十': 10}
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	total, last := 0, 10000 // last: the place written last
	zero := false           // a 零 was just read: the next place must skip one
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '零' {
			if zero || i == 0 || i == len(rs)-1 {
				return 0, false
			}
			zero = true
			continue
		}
		d, isDigit := digit[r]
		if !isDigit {
			if r == '十' && i == 0 { // 十, 十一 … 十九
				d, i = 1, i-1
			} else {
				return 0, false
			}
		}
		p := 1
		if i+1 < len(rs) {
			if q, ok := place[rs[i+1]]; ok {
				p = q
				i++
			}
		}
		if p >= last || (zero && p*10 >= last) || (!zero && last != 10000 && p*10 != last) {
			return 0, false
		}
		total += d * p
		last, zero = p, false
	}
	return total, true
}

// TestParseNumeral keeps the test's reader honest: it must refuse forms that
// Numeral must never write, or the round trip would prove little.
func TestParseNumeral(t *testing.T) {
	good := map[string]int{"十": 10, "十三": 13, "一百零五": 105, "一百一十": 110, "一千零一十": 1010, "二千": 2000}
	for s, want := range good {
		if v, ok := parseNumeral(s); !ok || v != want {
			t.Errorf("parseNumeral(%q) = %d, %v; want %d", s, v, ok, want)
		}
	}
	for _, s := range []string{"", "一百五", "一百零零五", "零一", "二十零", "十百", "百", "一十十", "一百一千", "一千一十", "五四", "一百零一十"} {
		if v, ok := parseNumeral(s); ok {
			t.Errorf("parseNumeral(%q) = %d, want rejected", s, v)
		}
	}
}
