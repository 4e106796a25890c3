// Package assist holds pairing assistance (结对帮扶), enterprise liaison
// (包联企业), visit campaigns (遍访) and their problem lists: the categories
// of people in need, the committee's assistance rules (one-to-one pairing,
// visit occasions such as 六必访, a minimum visit frequency), problem
// statuses and their changes, aid values in fen, the masking of sensitive
// personal data, and the figures and sentences the reports print. Pure: no
// SQL, no HTTP.
package assist

import (
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Category is why a person is on the register of people in need.
type Category struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Minor bool   `json:"minor,omitempty"` // applies to children: their records are minors' data
}

// Categories are the built-in categories, in the order the reports name them.
var Categories = []Category{
	{Code: "orphan", Label: "孤儿", Minor: true},
	{Code: "unattended_child", Label: "事实无人抚养儿童", Minor: true},
	{Code: "left_behind_child", Label: "留守儿童", Minor: true},
	{Code: "severe_disability", Label: "重度残疾人"},
	{Code: "extreme_poverty", Label: "特困人员"},
	{Code: "low_income", Label: "低保对象"},
	{Code: "elder80", Label: "80岁以上老人"},
	{Code: "empty_nest_elder", Label: "空巢老人"},
	{Code: "serious_illness", Label: "大病患者"},
}

// CategoryLabel is a category's label, or the code for an unknown one.
func CategoryLabel(code string) string {
	for _, c := range Categories {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// ParseCategory accepts a code or a label.
func ParseCategory(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range Categories {
		if s == c.Code || s == c.Label {
			return c.Code, true
		}
	}
	return "", false
}

// ProblemStatus is where a need or problem stands.
type ProblemStatus string

const (
	ProblemOpen       ProblemStatus = "open"        // 待解决
	ProblemInProgress ProblemStatus = "in_progress" // 正在解决
	ProblemSolved     ProblemStatus = "solved"      // 已解决
	ProblemUnsolvable ProblemStatus = "unsolvable"  // 暂无法解决
)

// ProblemStatuses in order.
var ProblemStatuses = []ProblemStatus{ProblemOpen, ProblemInProgress, ProblemSolved, ProblemUnsolvable}

// Label is the status in Chinese.
func (s ProblemStatus) Label() string {
	switch s {
	case ProblemOpen:
		return "待解决"
	case ProblemInProgress:
		return "正在解决"
	case ProblemSolved:
		return "已解决"
	case ProblemUnsolvable:
		return "暂无法解决"
	}
	return string(s)
}

// Closed reports whether the problem is finished (solved or unsolvable).
func (s ProblemStatus) Closed() bool { return s == ProblemSolved || s == ProblemUnsolvable }

// Valid reports whether s is a known status.
func (s ProblemStatus) Valid() bool {
	for _, x := range ProblemStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// CheckProblemChange checks moving a problem from one status to another:
// open → in progress → solved or unsolvable (open may close directly), a
// closed problem may be reopened; closing needs a resolution and its date,
// not before the problem was raised nor after today.
func CheckProblemChange(from, to ProblemStatus, resolution string, resolvedOn, raisedOn, today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	if !to.Valid() {
		errs.Add("status", "状态不正确")
		return errs
	}
	if from == to && !to.Closed() {
		errs.Add("status", "状态没有变化")
		return errs
	}
	if to.Closed() {
		if strings.TrimSpace(resolution) == "" {
			if to == ProblemSolved {
				errs.Add("resolution", "请填写解决情况")
			} else {
				errs.Add("resolution", "请说明暂无法解决的原因")
			}
		} else if utf8.RuneCountInString(resolution) > 2000 {
			errs.Add("resolution", "办理情况不能超过2000个字")
		}
		switch {
		case resolvedOn.IsZero():
			errs.Add("resolved_on", "请填写办结日期")
		case resolvedOn.Before(raisedOn):
			errs.Add("resolved_on", "办结日期不能早于问题提出日期")
		case resolvedOn.After(today):
			errs.Add("resolved_on", "办结日期不能晚于今天")
		}
	}
	return errs
}

// ProblemCategories are the kinds of needs and problems, as data.
var ProblemCategories = []Category{
	{Code: "living", Label: "生活困难"},
	{Code: "housing", Label: "住房安全"},
	{Code: "medical", Label: "就医"},
	{Code: "education", Label: "上学"},
	{Code: "employment", Label: "就业"},
	{Code: "care", Label: "照料护理"},
	{Code: "policy", Label: "政策落实"},
	{Code: "infrastructure", Label: "水电路气"},
	{Code: "finance", Label: "融资贷款"},
	{Code: "land", Label: "用地"},
	{Code: "energy", Label: "用气用电"},
	{Code: "hiring", Label: "用工招聘"},
	{Code: "equipment", Label: "设备升级"},
	{Code: "approval", Label: "审批手续"},
	{Code: "other", Label: "其他"},
}

// ProblemCategoryLabel is a problem category's label.
func ProblemCategoryLabel(code string) string {
	for _, c := range ProblemCategories {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// MaxAidFen is the largest value one aid item may have (100,000 yuan): a
// larger figure is a typing error, not 慰问物资.
const MaxAidFen = 100_000 * 100

// CheckAidFen checks one aid item's value in fen.
func CheckAidFen(fen int64) string {
	switch {
	case fen <= 0:
		return "金额应大于0"
	case fen > MaxAidFen:
		return "单项金额不能超过10万元"
	}
	return ""
}

// ParseYuan reads an amount in yuan ("200", "1,280.50", "99.9") as fen;
// more than two decimals, signs and other text are refused.
func ParseYuan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.TrimSuffix(s, "元")
	if s == "" {
		return 0, false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (dot && frac == "") || len(whole) > 12 {
		return 0, false
	}
	var fen int64
	for _, r := range whole + (frac + "00")[:2] {
		if r < '0' || r > '9' {
			return 0, false
		}
		fen = fen*10 + int64(r-'0')
	}
	return fen, true
}

// MaskIDNumber shows an identity number's first 6 and last 4 characters
// (the area and the last digits, the birth date hidden): 371502********123X.
func MaskIDNumber(s string) string {
	r := []rune(s)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskPhone keeps a phone number's first 3 and last 4 digits.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
