// Package auth holds accounts, roles and their permissions, password hashing
// (argon2id), session and API tokens, and the login throttling rule.
package auth

import "strings"

// Role is an account's role; each account is bound to one organisation and
// sees only that organisation's subtree.
type Role string

const (
	Admin       Role = "admin"       // 平台管理员
	Office      Role = "office"      // 机关工作人员
	Leader      Role = "leader"      // 领导
	MemberRole  Role = "member"      // 委员
	Coordinator Role = "coordinator" // 基层协商议事室联络员
	Cadre       Role = "cadre"       // 帮扶干部
	Unit        Role = "unit"        // 承办单位
)

// Roles in display order.
var Roles = []Role{Admin, Office, Leader, MemberRole, Coordinator, Cadre, Unit}

// Label is the role in Chinese.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "平台管理员"
	case Office:
		return "机关工作人员"
	case Leader:
		return "领导"
	case MemberRole:
		return "委员"
	case Coordinator:
		return "议事室联络员"
	case Cadre:
		return "帮扶干部"
	case Unit:
		return "承办单位"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ParseRole accepts a code or a Chinese label.
func ParseRole(s string) (Role, bool) {
	s = strings.TrimSpace(s)
	for _, r := range Roles {
		if s == string(r) || s == r.Label() {
			return r, true
		}
	}
	return "", false
}

// Permission names an action on a resource.
type Permission string

const (
	OrgRead       Permission = "org:read"
	OrgWrite      Permission = "org:write"
	MemberRead    Permission = "member:read"
	MemberWrite   Permission = "member:write"
	MemberContact Permission = "member:contact" // see identity numbers and phones unmasked
	AccountManage Permission = "account:manage"
	AuditRead     Permission = "audit:read"
	MeetingRead   Permission = "meeting:read"   // see meetings; a member account sees only those it is expected at
	MeetingWrite  Permission = "meeting:write"  // prepare and run meetings: sign-in, leave, agenda, votes
	ConsultRead   Permission = "consult:read"   // see consultation plans, topics, rooms and their progress
	ConsultWrite  Permission = "consult:write"  // run consultation: plans, campaigns, topics, outcomes, handling units
	RoomWrite     Permission = "room:write"     // keep a grassroots room's record and raise topics from it
	UnitReply     Permission = "unit:reply"     // a handling unit signs for and replies to what was sent to it
	AssistRead    Permission = "assist:read"    // see assistance: households (masked), pairings, visits, problems, figures
	AssistWrite   Permission = "assist:write"   // keep the register: households, cadres, pairings, enterprises, campaigns
	AssistVisit   Permission = "assist:visit"   // record visits, aid and problems (a cadre: only for its own pairings)
	AssistExport  Permission = "assist:export"  // export personal data of households
	ProposalRead  Permission = "proposal:read"  // see proposals and social-conditions reports of the committee
	ProposalWrite Permission = "proposal:write" // handle them: review, merge, assign, check replies, close, adopt reports
	ProposalDraft Permission = "proposal:draft" // write proposals and reports, co-sign, rate the handling (a member: its own)
	DashboardRead Permission = "dashboard:read" // see the statistics dashboard (统计概览) of the organisation's subtree
)

// Permissions lists every permission, for the access-matrix tests.
var Permissions = []Permission{OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AuditRead,
	MeetingRead, MeetingWrite, ConsultRead, ConsultWrite, RoomWrite, UnitReply, AssistRead, AssistWrite, AssistVisit,
	AssistExport, ProposalRead, ProposalWrite, ProposalDraft,
	DashboardRead}

// rolePermissions is the grant table: data, not code paths.
var rolePermissions = map[Role][]Permission{
	Admin: {OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AuditRead, MeetingRead, MeetingWrite,
		ConsultRead, ConsultWrite, RoomWrite, AssistRead, AssistWrite, AssistVisit, AssistExport, ProposalRead, ProposalWrite,
		ProposalDraft,
		DashboardRead},
	Office: {OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AuditRead, MeetingRead, MeetingWrite,
		ConsultRead, ConsultWrite, RoomWrite, AssistRead, AssistWrite, AssistVisit, AssistExport, ProposalRead, ProposalWrite,
		ProposalDraft,
		DashboardRead},
	Leader: {OrgRead, MemberRead, MemberContact, MeetingRead, ConsultRead, AssistRead, ProposalRead,
		DashboardRead},
	MemberRole:  {OrgRead, MeetingRead, ConsultRead, ProposalRead, ProposalDraft},
	Coordinator: {OrgRead, ConsultRead, RoomWrite},
	Cadre:       {OrgRead, AssistRead, AssistVisit},
	Unit:        {UnitReply},
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool {
	for _, x := range rolePermissions[r] {
		if x == p {
			return true
		}
	}
	return false
}

// Grants returns the permissions of r.
func (r Role) Grants() []Permission { return rolePermissions[r] }

// CanAssign reports whether an account of role r may create or edit accounts
// of role target: only a platform admin creates admins.
func (r Role) CanAssign(target Role) bool {
	if !r.Can(AccountManage) {
		return false
	}
	return target != Admin || r == Admin
}

// ChangesSettings reports whether accounts of role r change how the platform
// is set up — organisations, accounts and their roles. Under the separation of
// the three administrators (三员分立) such an account must not read the audit
// trail of its own actions: the audit list leaves them out for it.
func (r Role) ChangesSettings() bool {
	return r.Can(AccountManage) || r.Can(OrgWrite)
}
