package assist

import (
	"strings"
	"unicode/utf8"
)

// EnterpriseSize is an enterprise's size class (大型/中型/小型/微型企业).
type EnterpriseSize struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// EnterpriseSizes in order.
var EnterpriseSizes = []EnterpriseSize{
	{Code: "large", Label: "大型"},
	{Code: "medium", Label: "中型"},
	{Code: "small", Label: "小型"},
	{Code: "micro", Label: "微型"},
}

// EnterpriseSizeLabel is a size's label, "" for none.
func EnterpriseSizeLabel(code string) string {
	for _, s := range EnterpriseSizes {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// ParseEnterpriseSize accepts a code or a label ("小型" or "小型企业");
// empty is allowed (unknown size).
func ParseEnterpriseSize(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "企业")
	if s == "" {
		return "", true
	}
	for _, x := range EnterpriseSizes {
		if s == x.Code || s == x.Label {
			return x.Code, true
		}
	}
	return "", false
}

// CheckVisitReason checks the reason an enterprise was visited: "有事必应、
// 无事不扰" means every visit to an enterprise says why it was made.
func CheckVisitReason(reason string) string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0:
		return "请填写走访事由（有事必应、无事不扰：每次走访企业都要说明原因）"
	case n > 200:
		return "走访事由不能超过200个字"
	}
	return ""
}
