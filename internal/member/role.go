package member

import (
	"strings"

	"xieshang/internal/app"
)

// RoleKind is a position within a term. Every term member is a 委员; the
// positions above it are recorded with effective dates, because a role can
// start mid-term (after an election) and end early.
type RoleKind string

const (
	Chair            RoleKind = "chair"             // 主席
	ViceChair        RoleKind = "vice_chair"        // 副主席
	SecretaryGeneral RoleKind = "secretary_general" // 秘书长
	Standing         RoleKind = "standing"          // 常委
	Ordinary         RoleKind = "member"            // 委员
)

// RoleKinds in protocol order (most senior first).
var RoleKinds = []RoleKind{Chair, ViceChair, SecretaryGeneral, Standing, Ordinary}

// Label is the role in Chinese.
func (k RoleKind) Label() string {
	switch k {
	case Chair:
		return "主席"
	case ViceChair:
		return "副主席"
	case SecretaryGeneral:
		return "秘书长"
	case Standing:
		return "常委"
	case Ordinary:
		return "委员"
	}
	return string(k)
}

// Rank orders roles by protocol; lower is more senior.
func (k RoleKind) Rank() int {
	for i, x := range RoleKinds {
		if x == k {
			return i
		}
	}
	return len(RoleKinds)
}

// ParseRoleKind accepts a code or a Chinese label.
func ParseRoleKind(s string) (RoleKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range RoleKinds {
		if s == string(k) || s == k.Label() {
			return k, true
		}
	}
	return "", false
}

// ChairsMeeting reports whether the role sits on the chair's meeting (主席会议).
func (k RoleKind) ChairsMeeting() bool {
	return k == Chair || k == ViceChair || k == SecretaryGeneral
}

// Role is a position held in a term from StartDate to EndDate (inclusive; zero
// EndDate means still held).
type Role struct {
	ID        int64    `json:"id"`
	MemberID  int64    `json:"member_id"`
	TermID    int64    `json:"term_id"`
	Kind      RoleKind `json:"kind"`
	StartDate app.Date `json:"start_date"`
	EndDate   app.Date `json:"end_date"`
	Note      string   `json:"note"`
	Sort      int      `json:"sort"` // protocol order within the same kind (排名顺序); 0 = not set
}

// MaxRoleSort is the largest protocol order a role may carry.
const MaxRoleSort = 999

// UnsetSortKey is where a role without an order (Sort 0) sorts: after every
// set order.
const UnsetSortKey = MaxRoleSort + 1

// SortKey is the role's protocol order for sorting: Sort, or UnsetSortKey
// when not set.
func (r Role) SortKey() int {
	if r.Sort > 0 {
		return r.Sort
	}
	return UnsetSortKey
}

// CheckRoleSort checks a protocol order; it returns the Chinese reason or "".
func CheckRoleSort(sort int) string {
	if sort < 0 || sort > MaxRoleSort {
		return "排序应为 0–999 的整数（0 为不指定，排在已指定者之后）"
	}
	return ""
}

// Label is the role in Chinese.
func (r Role) Label() string { return r.Kind.Label() }

// ActiveOn reports whether the role is held on day.
func (r Role) ActiveOn(day app.Date) bool {
	if day.Before(r.StartDate) {
		return false
	}
	return r.EndDate.IsZero() || !day.After(r.EndDate)
}

// RoleInput is what a form supplies to give a member a role.
type RoleInput struct {
	TermID    int64    `json:"term_id"`
	Kind      RoleKind `json:"kind"`
	StartDate app.Date `json:"start_date"`
	EndDate   app.Date `json:"end_date"`
	Note      string   `json:"note"`
	Sort      int      `json:"sort"` // protocol order within the same kind; 0 = not set
}

// Validate checks a role's fields.
func (in RoleInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.TermID == 0 {
		errs.Add("term_id", "请选择届次")
	}
	if _, ok := ParseRoleKind(string(in.Kind)); !ok || in.Kind == Ordinary {
		errs.Add("kind", "请选择职务：主席、副主席、秘书长或常委")
	}
	if in.StartDate.IsZero() {
		errs.Add("start_date", "请填写任职开始日期")
	}
	if !in.EndDate.IsZero() && in.EndDate.Before(in.StartDate) {
		errs.Add("end_date", "结束日期不能早于开始日期")
	}
	if msg := CheckRoleSort(in.Sort); msg != "" {
		errs.Add("sort", msg)
	}
	return errs
}

// TopRole returns the most senior role active on day, or Ordinary.
func TopRole(roles []Role, day app.Date) RoleKind {
	best := Ordinary
	for _, r := range roles {
		if r.ActiveOn(day) && r.Kind.Rank() < best.Rank() {
			best = r.Kind
		}
	}
	return best
}

// TermMembership is a member's seat in a term, with sector and special committee.
type TermMembership struct {
	ID                 int64    `json:"id"`
	MemberID           int64    `json:"member_id"`
	TermID             int64    `json:"term_id"`
	TermNumber         int      `json:"term_number"`
	SectorID           int64    `json:"sector_id"`
	SectorName         string   `json:"sector_name"`
	SpecialCommitteeID int64    `json:"special_committee_id"`
	SpecialCommittee   string   `json:"special_committee_name"`
	StartDate          app.Date `json:"start_date"`
	EndDate            app.Date `json:"end_date"`
}

// ActiveOn reports whether the membership holds on day.
func (t TermMembership) ActiveOn(day app.Date) bool {
	if day.Before(t.StartDate) {
		return false
	}
	return t.EndDate.IsZero() || !day.After(t.EndDate)
}

// MembershipInput is what a form supplies to seat a member in a term.
type MembershipInput struct {
	TermID             int64    `json:"term_id"`
	SectorID           int64    `json:"sector_id"`
	SpecialCommitteeID int64    `json:"special_committee_id"`
	StartDate          app.Date `json:"start_date"`
	EndDate            app.Date `json:"end_date"`
}

// Validate checks a membership's fields.
func (in MembershipInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.TermID == 0 {
		errs.Add("term_id", "请选择届次")
	}
	if in.StartDate.IsZero() {
		errs.Add("start_date", "请填写开始日期")
	}
	if !in.EndDate.IsZero() && in.EndDate.Before(in.StartDate) {
		errs.Add("end_date", "结束日期不能早于开始日期")
	}
	return errs
}
