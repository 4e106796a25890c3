package proposal

import (
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Categories are the subjects proposals are sorted under (提案分类).
var Categories = []string{"经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "党的建设", "其他"}

// Author kinds: a member's own proposal (委员提案) or a group's (集体提案:
// a sector, a special committee, a party or people's organisation).
const (
	ByMember = "member"
	ByGroup  = "group"
)

// Group kinds of a group proposal.
const (
	GroupSector  = "sector"            // 界别
	GroupSpecial = "special_committee" // 专门委员会
	GroupParty   = "party"             // 民主党派、工商联、人民团体
	GroupOther   = "other"
)

// GroupKindLabel is a group kind in Chinese.
func GroupKindLabel(k string) string {
	switch k {
	case GroupSector:
		return "界别"
	case GroupSpecial:
		return "专门委员会"
	case GroupParty:
		return "党派团体"
	case GroupOther:
		return "其他集体"
	}
	return k
}

// Conversions of a proposal not filed.
const (
	ToLetter = "letter" // 转为来信
	ToReport = "report" // 转为社情民意信息
)

// ConversionLabel is a conversion in Chinese.
func ConversionLabel(c string) string {
	switch c {
	case ToLetter:
		return "转为来信处理"
	case ToReport:
		return "转为社情民意信息"
	}
	return c
}

// Input is a proposal's text and authorship as a form or the API gives it.
type Input struct {
	TermID             int64  `json:"term_id"`
	Session            int    `json:"session"` // the plenary session of the term: 4 for 第四次会议
	Title              string `json:"title"`
	Reason             string `json:"reason"`      // 案由与理由
	Suggestions        string `json:"suggestions"` // 办法与建议
	Category           string `json:"category"`
	AuthorKind         string `json:"author_kind"`         // member | group
	MemberID           int64  `json:"member_id,omitempty"` // the lead proposer of a member's proposal
	GroupKind          string `json:"group_kind,omitempty"`
	SectorID           int64  `json:"sector_id,omitempty"`
	SpecialCommitteeID int64  `json:"special_committee_id,omitempty"`
	GroupName          string `json:"group_name,omitempty"`
}

// Normalize trims the text fields and clears the fields the author kind
// does not use.
func (in *Input) Normalize() {
	for _, s := range []*string{&in.Title, &in.Reason, &in.Suggestions, &in.Category, &in.AuthorKind, &in.GroupKind, &in.GroupName} {
		*s = strings.TrimSpace(*s)
	}
	if in.AuthorKind == "" {
		in.AuthorKind = ByMember
	}
	if in.AuthorKind == ByMember {
		in.GroupKind, in.SectorID, in.SpecialCommitteeID, in.GroupName = "", 0, 0, ""
	} else {
		in.MemberID = 0
		if in.GroupKind != GroupSector {
			in.SectorID = 0
		}
		if in.GroupKind != GroupSpecial {
			in.SpecialCommitteeID = 0
		}
	}
}

// Validate checks the fields that need no database.
func (in Input) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.TermID == 0 {
		errs.Add("term_id", "请选择届次")
	}
	if in.Session < 1 || in.Session > 10 {
		errs.Add("session", "请选择第几次会议（1至10）")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "请填写提案标题")
	case n > 100:
		errs.Add("title", "提案标题不能超过100个字")
	}
	if utf8.RuneCountInString(in.Reason) > 20000 {
		errs.Add("reason", "案由不能超过20000个字")
	}
	if utf8.RuneCountInString(in.Suggestions) > 20000 {
		errs.Add("suggestions", "办法与建议不能超过20000个字")
	}
	if in.Category != "" && !contains(Categories, in.Category) {
		errs.Add("category", "提案分类应为"+strings.Join(Categories, "、")+"之一")
	}
	switch in.AuthorKind {
	case ByMember:
		if in.MemberID == 0 {
			errs.Add("member_id", "请选择提案人（第一提案人）")
		}
	case ByGroup:
		switch in.GroupKind {
		case GroupSector:
			if in.SectorID == 0 {
				errs.Add("sector_id", "请选择提出提案的界别")
			}
		case GroupSpecial:
			if in.SpecialCommitteeID == 0 {
				errs.Add("special_committee_id", "请选择提出提案的专门委员会")
			}
		case GroupParty, GroupOther:
			if in.GroupName == "" {
				errs.Add("group_name", "请填写提出提案的党派、团体或集体名称")
			}
		default:
			errs.Add("group_kind", "请选择集体提案的提出者类别（界别、专门委员会、党派团体或其他）")
		}
		if utf8.RuneCountInString(in.GroupName) > 60 {
			errs.Add("group_name", "名称不能超过60个字")
		}
	default:
		errs.Add("author_kind", "提案人应为委员个人或集体")
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
