// Package consult holds consultation (协商) pushed down to the grassroots:
// the forms of consultation, where topics come from, the built-in topic
// workflow (collected → selected → participants → research → consultation
// → outcome → sent → feedback → closed) as a workflow.Graph, the
// requirement codes a graph may use, topic validation, and grassroots
// rooms' coverage. Pure: no SQL, no HTTP.
package consult

import (
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/workflow"
)

// Form is a form of consultation (协商形式).
type Form string

const (
	Plenary     Form = "plenary"     // 全会协商
	Thematic    Form = "thematic"    // 专题协商
	Counterpart Form = "counterpart" // 对口协商
	Sector      Form = "sector"      // 界别协商
	Proposal    Form = "proposal"    // 提案办理协商
	Online      Form = "online"      // 网络议政
	Remote      Form = "remote"      // 远程协商
	Grassroots  Form = "grassroots"  // 基层协商
)

// Forms in the order the reports list them.
var Forms = []Form{Plenary, Thematic, Counterpart, Sector, Proposal, Online, Remote, Grassroots}

var formLabels = map[Form]string{Plenary: "全会协商", Thematic: "专题协商", Counterpart: "对口协商", Sector: "界别协商",
	Proposal: "提案办理协商", Online: "网络议政", Remote: "远程协商", Grassroots: "基层协商"}

// Label is the form in Chinese ("" for none).
func (f Form) Label() string { return formLabels[f] }

// Valid reports whether f is a known form; "" (not yet decided) is valid.
func (f Form) Valid() bool { return f == "" || formLabels[f] != "" }

// ParseForm accepts a code or a Chinese label.
func ParseForm(s string) (Form, bool) {
	s = strings.TrimSpace(s)
	for _, f := range Forms {
		if s == string(f) || s == f.Label() {
			return f, true
		}
	}
	return "", s == ""
}

// Source is where a topic came from (议题来源).
type Source string

const (
	FromMember     Source = "member"     // 委员提出
	FromPublic     Source = "public"     // 群众建议（公开征集页面）
	FromRoom       Source = "room"       // 基层协商议事室
	FromDepartment Source = "department" // 党政部门
	FromParty      Source = "party"      // 党委交办
	FromOffice     Source = "office"     // 政协机关拟定
	FromLower      Source = "lower"      // 下级上报
	FromUpper      Source = "upper"      // 上级部署
)

// Sources in display order.
var Sources = []Source{FromMember, FromPublic, FromRoom, FromDepartment, FromParty, FromOffice, FromLower, FromUpper}

var sourceLabels = map[Source]string{FromMember: "委员提出", FromPublic: "群众建议", FromRoom: "基层议事室",
	FromDepartment: "党政部门", FromParty: "党委交办", FromOffice: "政协机关", FromLower: "下级上报", FromUpper: "上级部署"}

// Label is the source in Chinese.
func (s Source) Label() string {
	if l, ok := sourceLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return sourceLabels[s] != "" }

// Topic states of the built-in graph. A committee's edited graph may add
// others; these codes are the ones the platform itself moves topics to.
const (
	Collected    = "collected"    // 已征集
	Declined     = "declined"     // 未采纳
	Escalated    = "escalated"    // 已上报
	Selected     = "selected"     // 已选定
	Participants = "participants" // 主体确定
	Research     = "research"     // 调研视察
	Consultation = "consultation" // 协商议事
	Outcome      = "outcome"      // 成果形成
	Sent         = "sent"         // 已报送
	Feedback     = "feedback"     // 落实反馈
	Closed       = "closed"       // 已办结
)

// Requirement codes a topic graph's transitions may name. The store checks
// each (store/consult_topic.go and the files registering the others).
const (
	NeedReason       = "reason"       // a note saying why is given
	NeedTarget       = "target"       // escalation: an upper organisation is named
	NeedParticipants = "participants" // at least one participant recorded
	NeedResearch     = "research"     // at least one research visit recorded
	NeedMeeting      = "meeting"      // the consultation meeting is linked
	NeedOutcome      = "outcome"      // at least one outcome recorded
	NeedUnits        = "units"        // an outcome sent to at least one handling unit
	NeedReplies      = "replies"      // every handling unit sent to has replied
	NeedFeedback     = "feedback"     // every handling unit's reply accepted
)

// Requirements describes each requirement code, for the graph editor and
// Graph.Validate.
var Requirements = map[string]string{
	NeedReason:       "须填写理由",
	NeedTarget:       "须选择上报的上级组织",
	NeedParticipants: "须先确定参加协商的主体",
	NeedResearch:     "须先记录调研视察",
	NeedMeeting:      "须先关联协商会议",
	NeedOutcome:      "须先形成协商成果",
	NeedUnits:        "须先将成果交承办单位",
	NeedReplies:      "须各承办单位均已答复",
	NeedFeedback:     "须各承办单位的答复均已认可",
}

// Roles are the account roles a topic transition may name (auth.Role codes).
var Roles = []string{"admin", "office", "leader", "coordinator", "unit", "member"}

var staff = []string{"admin", "office", "coordinator"}

// TopicGraph is the built-in topic workflow, used by a committee until it
// saves its own.
func TopicGraph() workflow.Graph {
	t := func(from, to, label string, requires ...string) workflow.Transition {
		return workflow.Transition{From: from, To: to, Label: label, Roles: staff, Requires: requires}
	}
	return workflow.Graph{
		Kind:    "topic",
		Initial: Collected,
		States: []workflow.State{
			{Code: Collected, Label: "已征集", Progress: 0, DueDays: 60},
			{Code: Declined, Label: "未采纳", Final: true},
			{Code: Escalated, Label: "已上报", Final: true},
			{Code: Selected, Label: "已选定", Progress: 10, DueDays: 30},
			{Code: Participants, Label: "主体确定", Progress: 20, DueDays: 30},
			{Code: Research, Label: "调研视察", Progress: 35, DueDays: 60},
			{Code: Consultation, Label: "协商议事", Progress: 50, DueDays: 30},
			{Code: Outcome, Label: "成果形成", Progress: 65, DueDays: 30},
			{Code: Sent, Label: "已报送", Progress: 75, DueDays: 90},
			{Code: Feedback, Label: "落实反馈", Progress: 90, DueDays: 30},
			{Code: Closed, Label: "已办结", Final: true, Progress: 100},
		},
		Transitions: []workflow.Transition{
			t(Collected, Selected, "选定"),
			t(Collected, Declined, "不予采纳", NeedReason),
			t(Collected, Escalated, "上报上级", NeedTarget),
			t(Selected, Participants, "确定协商主体", NeedParticipants),
			t(Participants, Research, "开展调研视察", NeedResearch),
			t(Participants, Consultation, "直接协商", NeedMeeting, NeedReason),
			t(Research, Consultation, "召开协商会议", NeedMeeting),
			t(Consultation, Outcome, "形成成果", NeedOutcome),
			t(Outcome, Sent, "报送并交办", NeedUnits),
			t(Sent, Feedback, "收到落实反馈", NeedReplies),
			t(Feedback, Closed, "办结", NeedFeedback),
		},
	}
}

// TopicInput is what a form or API call supplies to create or edit a topic.
type TopicInput struct {
	OrgID           int64  `json:"org_id"`
	Year            int    `json:"year"`
	Title           string `json:"title"`
	Description     string `json:"description"`
	Form            Form   `json:"form"`
	LeadCommitteeID int64  `json:"lead_committee_id"` // special committee, 0 none
	PlannedMonth    int    `json:"planned_month"`     // 1–12, 0 not planned
	Source          Source `json:"source"`
	SourceName      string `json:"source_name"`
	SourcePhone     string `json:"source_phone"`
	SourceMemberID  int64  `json:"source_member_id"`
	CampaignID      int64  `json:"campaign_id"`
	RoomID          int64  `json:"room_id"`
}

// Normalize trims the text fields.
func (in *TopicInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.SourceName = strings.TrimSpace(in.SourceName)
	in.SourcePhone = strings.TrimSpace(in.SourcePhone)
}

// Validate checks the fields that need no database.
func (in TopicInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.OrgID <= 0 {
		errs.Add("org_id", "请选择议题所属的组织")
	}
	if in.Year < 2000 || in.Year > 2100 {
		errs.Add("year", "年度应为2000至2100之间的年份")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "议题名称不能为空")
	case n > 80:
		errs.Add("title", "议题名称不能超过80个字")
	}
	if utf8.RuneCountInString(in.Description) > 5000 {
		errs.Add("description", "议题说明不能超过5000个字")
	}
	if !in.Form.Valid() {
		errs.Add("form", "协商形式不正确")
	}
	if in.PlannedMonth < 0 || in.PlannedMonth > 12 {
		errs.Add("planned_month", "计划月份应为1至12月")
	}
	if !in.Source.Valid() {
		errs.Add("source", "议题来源不正确")
	}
	if utf8.RuneCountInString(in.SourceName) > 40 {
		errs.Add("source_name", "建议人不能超过40个字")
	}
	if in.SourcePhone != "" && !phoneOK(in.SourcePhone) {
		errs.Add("source_phone", "联系电话应为7至20位数字（可含“-”）")
	}
	return errs
}

func phoneOK(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}
