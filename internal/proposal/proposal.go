// Package proposal holds proposals (提案) and social-conditions reports
// (社情民意): the built-in handling workflow as a workflow.Graph (the same
// engine as consultation topics), the requirement codes a proposal graph
// may use, numbering per term and session (第十三届第四次会议第0123号), the
// committee's rules as data (co-signing window, reply deadline), reply
// grades, satisfaction and how the unit communicated, and the shares in
// which an adopted report scores for its authors. Pure: no SQL, no HTTP.
package proposal

import (
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/workflow"
)

// Proposal states of the built-in graph. A committee's edited graph may add
// others (a pre-review step, say); these are the ones the platform itself
// moves proposals to.
const (
	Draft         = "draft"          // 草稿
	Cosigning     = "cosigning"      // 征集联名
	Submitted     = "submitted"      // 已提交
	Filed         = "filed"          // 已立案
	NotFiled      = "not_filed"      // 不予立案（转为来信或社情民意）
	Merged        = "merged"         // 已并案
	Assigned      = "assigned"       // 已交办
	Accepted      = "accepted"       // 已签收
	ReturnAsked   = "return_asked"   // 申请退回
	Replied       = "replied"        // 已答复
	ReplyReturned = "reply_returned" // 答复退回重办
	Rated         = "rated"          // 已评价
	Closed        = "closed"         // 已办结
)

// Requirement codes a proposal graph's transitions may name; the store
// checks each.
const (
	NeedReason     = "reason"      // a note saying why is given
	NeedConversion = "conversion"  // not filed: converted to a letter or a report (来信 / 社情民意)
	NeedCosignOver = "cosign_over" // the co-signing deadline has passed (or no co-signers are sought)
	NeedMergeInto  = "merge_into"  // merged: the proposal it is merged into, of the same session
	NeedUnits      = "units"       // at least one lead unit with a deadline
	NeedAllSigned  = "all_signed"  // every assigned unit has signed for it
	NeedGrade      = "grade"       // every lead unit's reply has a grade (C with its reason) and a document
	NeedRating     = "rating"      // the proposer has rated every unit's handling
)

// Requirements describes each requirement code.
var Requirements = map[string]string{
	NeedReason:     "须填写理由",
	NeedConversion: "须选择转为来信或社情民意",
	NeedCosignOver: "须联名截止后再提交",
	NeedMergeInto:  "须选择并入的同一次会议的提案",
	NeedUnits:      "须指定主办单位和办理期限",
	NeedAllSigned:  "须各承办单位均已签收",
	NeedGrade:      "须答复注明办理类别（A、B、C）并附答复文件",
	NeedRating:     "须提案人对各承办单位作出评价",
}

// Roles are the account roles a proposal transition may name.
var Roles = []string{"admin", "office", "leader", "member", "unit"}

// Graph is the built-in proposal workflow (DOMAIN.md §6).
func Graph() workflow.Graph {
	t := func(from, to, label string, roles []string, requires ...string) workflow.Transition {
		return workflow.Transition{From: from, To: to, Label: label, Roles: roles, Requires: requires}
	}
	office := []string{"admin", "office"}
	author := []string{"member", "admin", "office"}
	unit := []string{"unit"}
	return workflow.Graph{
		Kind:    "proposal",
		Initial: Draft,
		States: []workflow.State{
			{Code: Draft, Label: "草稿", Progress: 0},
			{Code: Cosigning, Label: "征集联名", Progress: 5, DueDays: 30},
			{Code: Submitted, Label: "已提交", Progress: 10, DueDays: 30},
			{Code: Filed, Label: "已立案", Progress: 20, DueDays: 15},
			{Code: NotFiled, Label: "不予立案", Final: true, Progress: 100},
			{Code: Merged, Label: "已并案", Final: true, Progress: 100},
			{Code: Assigned, Label: "已交办", Progress: 30, DueDays: 7},
			{Code: ReturnAsked, Label: "申请退回", Progress: 30, DueDays: 7},
			{Code: Accepted, Label: "已签收", Progress: 40, DueDays: 90},
			{Code: Replied, Label: "已答复", Progress: 70, DueDays: 15},
			{Code: ReplyReturned, Label: "答复退回重办", Progress: 50, DueDays: 30},
			{Code: Rated, Label: "已评价", Progress: 90, DueDays: 15},
			{Code: Closed, Label: "已办结", Final: true, Progress: 100},
		},
		Transitions: []workflow.Transition{
			t(Draft, Cosigning, "征集联名", author),
			t(Draft, Submitted, "提交", author),
			t(Cosigning, Submitted, "提交", author, NeedCosignOver),
			t(Submitted, Filed, "立案", office),
			t(Submitted, NotFiled, "不予立案", office, NeedReason, NeedConversion),
			t(Submitted, Merged, "并案", office, NeedMergeInto),
			t(Filed, Merged, "并案", office, NeedMergeInto),
			t(Filed, Assigned, "交办", office, NeedUnits),
			t(Assigned, Accepted, "签收", append(unit, office...), NeedAllSigned),
			t(Assigned, ReturnAsked, "申请退回", unit, NeedReason),
			t(ReturnAsked, Filed, "同意退回，重新交办", office),
			t(ReturnAsked, Assigned, "不同意退回", office, NeedReason),
			t(Accepted, Replied, "答复", append(unit, office...), NeedGrade),
			t(Replied, ReplyReturned, "退回重办", office, NeedReason),
			t(ReplyReturned, Replied, "重新答复", append(unit, office...), NeedGrade),
			t(Replied, Rated, "评价", author, NeedRating),
			t(Rated, Closed, "办结", office),
		},
	}
}

// Rules are a committee's proposal rules, as data.
type Rules struct {
	CosignDays  int `json:"cosign_days"`  // co-signers may join for this many days after co-signing opens
	ReplyMonths int `json:"reply_months"` // units reply within this many months of assignment (3: 三个月内办复)
	SignDays    int `json:"sign_days"`    // units sign for (or ask to return) within this many days
	// ReportRoles are the account roles besides members and the office
	// that may submit social-conditions reports (特约信息员: a room's
	// coordinator, say).
	ReportRoles []string `json:"report_roles"`
}

// DefaultRules: 15 days of co-signing, replies within three months, seven
// days to sign for an assignment; reports from members and the office.
func DefaultRules() Rules { return Rules{CosignDays: 15, ReplyMonths: 3, SignDays: 7} }

// Validate checks the rules' ranges and roles.
func (r Rules) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if r.CosignDays < 1 || r.CosignDays > 90 {
		errs.Add("cosign_days", "联名期限应为1至90天")
	}
	if r.ReplyMonths < 1 || r.ReplyMonths > 12 {
		errs.Add("reply_months", "办理期限应为1至12个月")
	}
	if r.SignDays < 1 || r.SignDays > 30 {
		errs.Add("sign_days", "签收期限应为1至30天")
	}
	for _, role := range r.ReportRoles {
		if role != "coordinator" && role != "cadre" && role != "leader" {
			errs.Add("report_roles", "可报送社情民意的其他角色只能是议事室联络员、帮扶干部或领导")
			break
		}
	}
	return errs
}

// SignDeadline is the day by which a unit signs for an assignment made on assigned.
func (r Rules) SignDeadline(assigned app.Date) app.Date {
	return app.DateOf(assigned.Time(time.UTC).AddDate(0, 0, r.SignDays))
}

// ReplyDeadline is the day a reply is due for an assignment on assigned.
func (r Rules) ReplyDeadline(assigned app.Date) app.Date {
	return app.DateOf(assigned.Time(time.UTC).AddDate(0, r.ReplyMonths, 0))
}

// CosignDeadline is the last day co-signers may join when co-signing opened on opened.
func (r Rules) CosignDeadline(opened app.Date) app.Date {
	return app.DateOf(opened.Time(time.UTC).AddDate(0, 0, r.CosignDays))
}

// Number writes a proposal's number: 第十三届第四次会议第0123号 for term 13,
// session 4, sequence 123 (sequences numbered per term and session).
func Number(term, session, seq int) string {
	return fmt.Sprintf("第%s届第%s次会议第%04d号", org.Numeral(term), org.Numeral(session), seq)
}

// Grade is a reply's handling category.
type Grade string

const (
	GradeA Grade = "A" // 已解决或采纳
	GradeB Grade = "B" // 正在解决或列入计划
	GradeC Grade = "C" // 因条件限制暂时不能解决（须说明原因）
)

// Label is the grade in Chinese.
func (g Grade) Label() string {
	switch g {
	case GradeA:
		return "A类（已解决或采纳）"
	case GradeB:
		return "B类（正在解决或列入计划解决）"
	case GradeC:
		return "C类（因条件限制暂不能解决）"
	}
	return string(g)
}

// CheckReply checks a reply: a grade, a C grade's reason, the document.
func CheckReply(g Grade, reason string, hasDocument bool) app.FieldErrors {
	var errs app.FieldErrors
	switch g {
	case GradeA, GradeB:
	case GradeC:
		if reason == "" {
			errs.Add("reason", "C类答复须说明暂不能解决的原因")
		}
	default:
		errs.Add("grade", "请选择办理类别（A、B、C）")
	}
	if !hasDocument {
		errs.Add("document", "请上传答复文件")
	}
	return errs
}

// Satisfaction is the proposer's rating of a unit's handling.
type Satisfaction string

const (
	Satisfied       Satisfaction = "satisfied"    // 满意
	FairlySatisfied Satisfaction = "basically"    // 基本满意
	Dissatisfied    Satisfaction = "dissatisfied" // 不满意
)

// Label is the rating in Chinese.
func (s Satisfaction) Label() string {
	switch s {
	case Satisfied:
		return "满意"
	case FairlySatisfied:
		return "基本满意"
	case Dissatisfied:
		return "不满意"
	}
	return string(s)
}

// Valid reports whether s is a known rating.
func (s Satisfaction) Valid() bool {
	return s == Satisfied || s == FairlySatisfied || s == Dissatisfied
}

// Contact is how a unit communicated with the proposer.
type Contact string

const (
	FaceToFace Contact = "face"    // 当面沟通
	Meeting    Contact = "meeting" // 座谈会
	Phone      Contact = "phone"   // 电话沟通
	Letter     Contact = "letter"  // 书面函件
	NoContact  Contact = "none"    // 未沟通
)

// Label is the way in Chinese.
func (c Contact) Label() string {
	switch c {
	case FaceToFace:
		return "当面沟通"
	case Meeting:
		return "座谈会"
	case Phone:
		return "电话沟通"
	case Letter:
		return "书面函件"
	case NoContact:
		return "未沟通"
	}
	return string(c)
}

// Level is the level at which a social-conditions report was adopted (采用).
type Level string

const (
	County   Level = "county"   // 县级
	City     Level = "city"     // 市级
	Province Level = "province" // 省级
	National Level = "national" // 全国
)

// Levels from the bottom.
var Levels = []Level{County, City, Province, National}

// Label is the level in Chinese.
func (l Level) Label() string {
	switch l {
	case County:
		return "县级采用"
	case City:
		return "市级采用"
	case Province:
		return "省级采用"
	case National:
		return "全国政协采用"
	}
	return string(l)
}

// Share is an author's share of an adopted report's score: full when the
// report is written alone and not merged, half when it is co-written or
// merged with others, a quarter when both (DOMAIN.md §7), in quarters of
// the full score (4, 2 or 1).
func Share(coAuthors int, merged bool) int {
	q := 4
	if coAuthors > 0 {
		q /= 2
	}
	if merged {
		q /= 2
	}
	return q
}
