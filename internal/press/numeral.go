package press

import "strconv"

// cnDigits are the values of the Chinese digits.
var cnDigits = map[rune]int64{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// cnUnits are the multipliers below 万.
var cnUnits = map[rune]int64{'十': 10, '百': 100, '千': 1000}

// Numeral reads an integer written in Arabic digits or Chinese numerals:
// "12", "十三" → 13, "二十" → 20, "一百零五" → 105, "三万" → 30000.
// ok is false when s is not a number.
func Numeral(s string) (n int64, ok bool) {
	if s == "" {
		return 0, false
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v < 0 {
			return 0, false
		}
		return v, true
	}
	var total, section, digit int64
	seen := false
	for _, r := range s {
		if d, isDigit := cnDigits[r]; isDigit {
			digit = d
			seen = true
			continue
		}
		if u, isUnit := cnUnits[r]; isUnit {
			if digit == 0 && !seen {
				digit = 1 // 十三: the leading 一 is left out
			}
			section += digit * u
			digit, seen = 0, true
			continue
		}
		switch r {
		case '万':
			if section+digit > maxNumeral/10000 {
				return 0, false
			}
			total += (section + digit) * 10000
		case '亿':
			// Checked before multiplying: 千亿亿 would overflow int64
			// and come out negative.
			if total+section+digit > maxNumeral/100000000 {
				return 0, false
			}
			total = (total + section + digit) * 100000000
		default:
			return 0, false
		}
		section, digit, seen = 0, 0, true
		if total > maxNumeral {
			return 0, false
		}
	}
	if !seen || total+section+digit > maxNumeral {
		return 0, false
	}
	return total + section + digit, true
}

// maxNumeral is the largest number Numeral reads from Chinese numerals
// (2^53, exact in a float64 and far beyond any count in a newspaper).
const maxNumeral = 1 << 53
