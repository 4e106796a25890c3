package member

import (
	"strings"
	"time"

	"xieshang/internal/app"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// CheckIDNumber validates an 18-digit resident identity number (GB 11643):
// digits, a real birth date and the ISO 7064 MOD 11-2 check character.
// It returns "" when valid, otherwise the reason in Chinese.
func CheckIDNumber(s string) string {
	if len(s) != 18 {
		return "身份证号应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "身份证号前17位应为数字"
		}
		sum += int(c-'0') * idWeights[i]
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return "身份证号中的出生日期无效"
	}
	if s[17] != idCheck[sum%11] {
		return "身份证号校验位不正确"
	}
	return ""
}

// IDBirthDate returns the birth date encoded in a valid identity number.
func IDBirthDate(s string) app.Date {
	t, err := time.Parse("20060102", s[6:14])
	if err != nil {
		return app.Date{}
	}
	return app.DateOf(t)
}

// IDGender returns 男 or 女 from a valid identity number.
func IDGender(s string) string {
	if (s[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// MaskIDNumber keeps the first 4 and last 2 characters: 3715**********123X → 3715************3X.
func MaskIDNumber(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-6) + s[len(s)-2:]
}

// MaskPhone keeps the first 3 and last 4 digits: 138****5678.
func MaskPhone(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

// MakeIDNumber builds a valid identity number from a 6-digit area code, a
// birth date and a 3-digit sequence (odd for men); for the demo world and tests.
func MakeIDNumber(area string, birth app.Date, seq int) string {
	b := []byte(area + birth.Time(time.UTC).Format("20060102"))
	b = append(b, byte('0'+seq/100%10), byte('0'+seq/10%10), byte('0'+seq%10))
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(b[i]-'0') * idWeights[i]
	}
	return string(append(b, idCheck[sum%11]))
}
