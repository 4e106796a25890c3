package consult

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// The annual consultation work plan (年度协商工作计划): its items are topics
// with a form, a lead special committee and a planned month. Once the plan
// is adopted at a meeting, every change to its items gives a reason and
// keeps a snapshot of the items before it; DiffPlan says what changed.

// PlanItem is one item of a plan as kept in a revision's snapshot.
type PlanItem struct {
	TopicID       int64  `json:"topic_id"`
	Title         string `json:"title"`
	Form          Form   `json:"form"`
	LeadCommittee string `json:"lead_committee,omitempty"`
	Month         int    `json:"month"`
}

// PlanItemInput places a topic in a plan.
type PlanItemInput struct {
	Form            Form   `json:"form"`
	LeadCommitteeID int64  `json:"lead_committee_id"` // 0 none
	Month           int    `json:"month"`             // 1–12
	Reason          string `json:"reason"`            // required once the plan is adopted
}

// Validate checks an item's placement; adopted says whether a reason is needed.
func (in PlanItemInput) Validate(adopted bool) app.FieldErrors {
	var errs app.FieldErrors
	if in.Form == "" || !in.Form.Valid() {
		errs.Add("form", "请选择协商形式")
	}
	if in.Month < 1 || in.Month > 12 {
		errs.Add("month", "计划月份应为1至12月")
	}
	errs = append(errs, CheckReason(in.Reason, adopted)...)
	return errs
}

// CheckReason requires a reason for changing an adopted plan.
func CheckReason(reason string, adopted bool) app.FieldErrors {
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case adopted && n == 0:
		errs.Add("reason", "计划已经会议通过，调整须填写理由")
	case n > 500:
		errs.Add("reason", "调整理由不能超过500个字")
	}
	return errs
}

// MonthLabel is "3月", or "未定" for 0.
func MonthLabel(m int) string {
	if m < 1 || m > 12 {
		return "未定"
	}
	return strconv.Itoa(m) + "月"
}

// PlanTitle is the agenda item's title for a plan submitted to a meeting:
// 《东阿县政协2026年度协商工作计划（草案）》.
func PlanTitle(committee string, year int) string {
	return "《" + committee + strconv.Itoa(year) + "年度协商工作计划（草案）》"
}

// DiffPlan lists what changed from before to after, item by item, in
// Chinese: items added, removed, and for the others changes of title, form,
// lead special committee or month.
func DiffPlan(before, after []PlanItem) []string {
	old := make(map[int64]PlanItem, len(before))
	for _, it := range before {
		old[it.TopicID] = it
	}
	seen := make(map[int64]bool, len(after))
	var out []string
	for _, it := range after {
		seen[it.TopicID] = true
		was, ok := old[it.TopicID]
		if !ok {
			out = append(out, fmt.Sprintf("增加“%s”（%s，%s）", it.Title, it.Form.Label(), MonthLabel(it.Month)))
			continue
		}
		var ch []string
		if was.Title != it.Title {
			ch = append(ch, fmt.Sprintf("名称改为“%s”", it.Title))
		}
		if was.Form != it.Form {
			ch = append(ch, fmt.Sprintf("协商形式%s→%s", label(was.Form.Label()), label(it.Form.Label())))
		}
		if was.LeadCommittee != it.LeadCommittee {
			ch = append(ch, fmt.Sprintf("牵头专委会%s→%s", label(was.LeadCommittee), label(it.LeadCommittee)))
		}
		if was.Month != it.Month {
			ch = append(ch, fmt.Sprintf("计划月份%s→%s", MonthLabel(was.Month), MonthLabel(it.Month)))
		}
		if len(ch) > 0 {
			out = append(out, fmt.Sprintf("“%s”：%s", was.Title, strings.Join(ch, "，")))
		}
	}
	for _, it := range before {
		if !seen[it.TopicID] {
			out = append(out, fmt.Sprintf("删除“%s”", it.Title))
		}
	}
	return out
}

func label(s string) string {
	if s == "" {
		return "无"
	}
	return s
}
