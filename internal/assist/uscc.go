package assist

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unified social credit codes (统一社会信用代码, GB 32100-2015): 18
// characters from the 31-character set below (digits and capitals without
// I, O, Z, S and V); the 18th is a check character over the first 17 with
// weights 3^i mod 31. The 3rd to 8th characters are the registering area's
// division code (digits).

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the check character of a code's first 17
// characters; ok is false when they are not 17 characters of the set.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31], true
}

// NormalizeUSCC trims spaces and upper-cases a code as typed.
func NormalizeUSCC(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckUSCC checks a normalized code and says what is wrong in Chinese, or
// "" when it is valid.
func CheckUSCC(code string) string {
	if code == "" {
		return "请填写统一社会信用代码"
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		return "统一社会信用代码应为18位（现为" + strconv.Itoa(n) + "位）"
	}
	for i, r := range code {
		switch {
		case r == 'I' || r == 'O' || r == 'Z' || r == 'S' || r == 'V':
			return "统一社会信用代码第" + strconv.Itoa(i+1) + "位不能是字母" + string(r)
		case r >= utf8.RuneSelf || strings.IndexByte(usccChars, byte(r)) < 0:
			return "统一社会信用代码只能由数字和大写字母组成"
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return "统一社会信用代码第3至8位应为行政区划代码（数字）"
		}
	}
	if c, _ := USCCCheckChar(code[:17]); c != code[17] {
		return "统一社会信用代码校验位不正确，请核对"
	}
	return ""
}
