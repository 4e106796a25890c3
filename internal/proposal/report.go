package proposal

import (
	"slices"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Social-conditions reports (社情民意信息): short reports members (and
// others the committee allows) submit; the office edits them, merges
// similar ones, forwards them to a higher body, records each adoption
// (采用) at a level with any leader's written instruction (批示), or
// declines them. Reports have no configurable graph: their few states and
// the actions between them are the small table below.

// Report states.
const (
	ReportSubmitted  = "submitted"   // 已报送: as the author sent it
	ReportEditing    = "editing"     // 编辑中: the office is editing it (or merged others into it)
	ReportForwarded  = "forwarded"   // 已转送: sent on to a higher body (报送上级)
	ReportAdopted    = "adopted"     // 已采用: adopted at one level or more; higher levels may follow
	ReportMerged     = "merged"      // 已合并: merged into another report (final)
	ReportNotAdopted = "not_adopted" // 未采用: declined with a reason (final)
)

// ReportStates in the order of their life.
var ReportStates = []string{ReportSubmitted, ReportEditing, ReportForwarded, ReportAdopted, ReportMerged, ReportNotAdopted}

// ReportStateLabel is a report state in Chinese.
func ReportStateLabel(state string) string {
	switch state {
	case ReportSubmitted:
		return "已报送"
	case ReportEditing:
		return "编辑中"
	case ReportForwarded:
		return "已转送上级"
	case ReportAdopted:
		return "已采用"
	case ReportMerged:
		return "已合并"
	case ReportNotAdopted:
		return "未采用"
	}
	return state
}

// ReportFinal reports whether a report in state takes no more actions.
func ReportFinal(state string) bool { return state == ReportMerged || state == ReportNotAdopted }

// ReportAction is what the office does to a report.
type ReportAction string

const (
	ReportEdit    ReportAction = "edit"    // edit the text
	ReportAbsorb  ReportAction = "absorb"  // merge others into this one
	ReportMergeIn ReportAction = "merge"   // be merged into another
	ReportForward ReportAction = "forward" // forward to a higher body
	ReportAdopt   ReportAction = "adopt"   // record an adoption at a level
	ReportDecline ReportAction = "decline" // not adopted, with a reason
)

// Label is the action in Chinese.
func (a ReportAction) Label() string {
	switch a {
	case ReportEdit:
		return "编辑"
	case ReportAbsorb:
		return "合并其他信息"
	case ReportMergeIn:
		return "并入其他信息"
	case ReportForward:
		return "报送上级"
	case ReportAdopt:
		return "登记采用"
	case ReportDecline:
		return "不予采用"
	}
	return string(a)
}

// reportTransitions: from state, by action, to state. A report is edited
// and merged only before it leaves the office; it is adopted by the
// committee itself (county-level adoption in its own 《社情民意》) or after
// forwarding, and an adopted report may be forwarded again and adopted
// higher up.
var reportTransitions = map[string]map[ReportAction]string{
	ReportSubmitted: {ReportEdit: ReportEditing, ReportAbsorb: ReportEditing, ReportMergeIn: ReportMerged,
		ReportForward: ReportForwarded, ReportAdopt: ReportAdopted, ReportDecline: ReportNotAdopted},
	ReportEditing: {ReportEdit: ReportEditing, ReportAbsorb: ReportEditing, ReportMergeIn: ReportMerged,
		ReportForward: ReportForwarded, ReportAdopt: ReportAdopted, ReportDecline: ReportNotAdopted},
	ReportForwarded: {ReportForward: ReportForwarded, ReportAdopt: ReportAdopted, ReportDecline: ReportNotAdopted},
	ReportAdopted:   {ReportForward: ReportAdopted, ReportAdopt: ReportAdopted},
}

// ReportNext returns the state a report in state moves to by action, and
// an ECONFLICT error saying why when the action is not open to it.
func ReportNext(state string, action ReportAction) (string, error) {
	if to, ok := reportTransitions[state][action]; ok {
		return to, nil
	}
	switch {
	case state == ReportMerged:
		return "", app.Errorf(app.ECONFLICT, "该信息已合并到其他信息，不能再%s", action.Label())
	case state == ReportNotAdopted:
		return "", app.Errorf(app.ECONFLICT, "该信息已不予采用，不能再%s", action.Label())
	case action == ReportDecline:
		return "", app.Errorf(app.ECONFLICT, "该信息%s，不能再登记为未采用", ReportStateLabel(state))
	case action == ReportEdit || action == ReportAbsorb || action == ReportMergeIn:
		return "", app.Errorf(app.ECONFLICT, "该信息%s，不能再%s", ReportStateLabel(state), action.Label())
	}
	return "", app.Errorf(app.ECONFLICT, "该信息%s，不能%s", ReportStateLabel(state), action.Label())
}

// ReportActions lists the actions open to a report in state.
func ReportActions(state string) []ReportAction {
	var out []ReportAction
	for _, a := range []ReportAction{ReportEdit, ReportAbsorb, ReportForward, ReportAdopt, ReportDecline} {
		if _, ok := reportTransitions[state][a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// ParseReportLevel accepts a level code or its label.
func ParseReportLevel(s string) (Level, bool) {
	s = strings.TrimSpace(s)
	for _, l := range Levels {
		if s == string(l) || s == l.Label() {
			return l, true
		}
	}
	return "", false
}

// ReportText is the text of a report as its author or the office writes it.
type ReportText struct {
	Year     int    `json:"year"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Category string `json:"category"` // optional: 经济、社会、民生…
}

// Normalize trims the text.
func (t *ReportText) Normalize() {
	t.Title = strings.TrimSpace(t.Title)
	t.Body = strings.TrimSpace(t.Body)
	t.Category = strings.TrimSpace(t.Category)
}

// Validate checks the text's fields.
func (t ReportText) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if t.Year < 2000 || t.Year > 2100 {
		errs.Add("year", "年度应为2000至2100之间的年份")
	}
	switch n := utf8.RuneCountInString(t.Title); {
	case n == 0:
		errs.Add("title", "请填写信息标题")
	case n > 100:
		errs.Add("title", "标题不能超过100个字")
	}
	switch n := utf8.RuneCountInString(t.Body); {
	case n == 0:
		errs.Add("body", "请填写信息正文")
	case n > 20000:
		errs.Add("body", "正文不能超过20000个字")
	}
	if utf8.RuneCountInString(t.Category) > 20 {
		errs.Add("category", "类别不能超过20个字")
	}
	return errs
}

// Adoption is one adoption of a report at a level.
type Adoption struct {
	Level         Level    `json:"level"`
	AdoptedOn     app.Date `json:"adopted_on"`
	AdoptedBy     string   `json:"adopted_by"`     // the body and issue: 省政协办公厅《社情民意》第12期
	Instruction   string   `json:"instruction"`    // a leader's written instruction (批示), optional
	Leader        string   `json:"leader"`         // who wrote it
	InstructionOn app.Date `json:"instruction_on"` // when, optional
}

// Normalize trims the texts.
func (a *Adoption) Normalize() {
	a.AdoptedBy = strings.TrimSpace(a.AdoptedBy)
	a.Instruction = strings.TrimSpace(a.Instruction)
	a.Leader = strings.TrimSpace(a.Leader)
	if l, ok := ParseReportLevel(string(a.Level)); ok {
		a.Level = l
	}
}

// Validate checks an adoption on the day today: a known level, a date
// not in the future, the adopting body, and an instruction with its
// leader (both or neither) not dated before the adoption.
func (a Adoption) Validate(today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	if !slices.Contains(Levels, a.Level) {
		errs.Add("level", "请选择采用级别（县级、市级、省级或全国）")
	}
	switch {
	case a.AdoptedOn.IsZero():
		errs.Add("adopted_on", "请填写采用日期")
	case a.AdoptedOn.After(today):
		errs.Add("adopted_on", "采用日期不能晚于今天")
	}
	switch n := utf8.RuneCountInString(a.AdoptedBy); {
	case n == 0:
		errs.Add("adopted_by", "请填写采用单位及刊物期次，如“省政协办公厅《社情民意》第12期”")
	case n > 100:
		errs.Add("adopted_by", "采用单位不能超过100个字")
	}
	if utf8.RuneCountInString(a.Instruction) > 2000 {
		errs.Add("instruction", "批示内容不能超过2000个字")
	}
	if utf8.RuneCountInString(a.Leader) > 50 {
		errs.Add("leader", "批示领导不能超过50个字")
	}
	switch {
	case a.Instruction != "" && a.Leader == "":
		errs.Add("leader", "请填写作出批示的领导")
	case a.Instruction == "" && a.Leader != "":
		errs.Add("instruction", "请填写批示内容")
	case a.Instruction == "" && !a.InstructionOn.IsZero():
		errs.Add("instruction", "请填写批示内容")
	}
	if !a.InstructionOn.IsZero() {
		if a.InstructionOn.After(today) {
			errs.Add("instruction_on", "批示日期不能晚于今天")
		} else if !a.AdoptedOn.IsZero() && a.InstructionOn.Before(a.AdoptedOn) {
			errs.Add("instruction_on", "批示日期不能早于采用日期")
		}
	}
	return errs
}
