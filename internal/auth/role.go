// Package auth holds accounts, roles and their permissions, password hashing
// (argon2id), session and API tokens, and the login throttling rule.
package auth

import "strings"

// Role is an account's role; each account is bound to one organisation and
// sees only that organisation's subtree.
type Role string

const (
	Admin       Role = "admin"       // 系统管理员 (formerly 平台管理员)
	SecAdmin    Role = "secadmin"    // 安全管理员: security policy, unlocking accounts
	Auditor     Role = "auditor"     // 审计管理员: reads the audit trail, changes nothing
	Office      Role = "office"      // 机关工作人员
	Leader      Role = "leader"      // 领导
	MemberRole  Role = "member"      // 委员
	Coordinator Role = "coordinator" // 基层协商议事室联络员
	Cadre       Role = "cadre"       // 帮扶干部
	Unit        Role = "unit"        // 承办单位
)

// Roles in display order.
var Roles = []Role{Admin, SecAdmin, Auditor, Office, Leader, MemberRole, Coordinator, Cadre, Unit}

// Label is the role in Chinese.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "系统管理员"
	case SecAdmin:
		return "安全管理员"
	case Auditor:
		return "审计管理员"
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

// ParseRole accepts a code or a Chinese label (平台管理员, the system
// administrator's former label, too: older workbooks and scripts name it).
func ParseRole(s string) (Role, bool) {
	s = strings.TrimSpace(s)
	if s == "平台管理员" {
		return Admin, true
	}
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
	SettingsWrite Permission = "settings:write" // change the security policy: passwords, lockout, sessions, audit retention
	AccountUnlock Permission = "account:unlock" // see locked accounts and lift a lockout
)

// Permissions lists every permission, for the access-matrix tests.
var Permissions = []Permission{OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AuditRead,
	MeetingRead, MeetingWrite, ConsultRead, ConsultWrite, RoomWrite, UnitReply, AssistRead, AssistWrite, AssistVisit,
	AssistExport, ProposalRead, ProposalWrite, ProposalDraft,
	DashboardRead, SettingsWrite, AccountUnlock}

// rolePermissions is the grant table: data, not code paths. The three
// administrators are kept apart (三员分立): the system administrator runs
// the platform but neither reads the audit trail nor sets the security
// policy; the security administrator sets the policy and lifts lockouts but
// reads no audit trail; the audit administrator reads the trail and changes
// nothing. An office clerk runs its committee and reads its audit trail,
// which leaves the clerk's own actions out (ChangesSettings).
var rolePermissions = map[Role][]Permission{
	Admin: {OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AccountUnlock, MeetingRead, MeetingWrite,
		ConsultRead, ConsultWrite, RoomWrite, AssistRead, AssistWrite, AssistVisit, AssistExport, ProposalRead, ProposalWrite,
		ProposalDraft,
		DashboardRead},
	SecAdmin: {OrgRead, SettingsWrite, AccountUnlock},
	Auditor:  {OrgRead, AuditRead},
	Office: {OrgRead, OrgWrite, MemberRead, MemberWrite, MemberContact, AccountManage, AccountUnlock, AuditRead, MeetingRead, MeetingWrite,
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

// Platform reports whether r is one of the three administrators (三员),
// who may be bound to the whole deployment rather than an organisation.
func (r Role) Platform() bool { return r == Admin || r == SecAdmin || r == Auditor }

// CanAssign reports whether an account of role r may create or edit accounts
// of role target: only a system admin creates the three administrators.
func (r Role) CanAssign(target Role) bool {
	if !r.Can(AccountManage) {
		return false
	}
	return !target.Platform() || r == Admin
}

// CanUnlock reports whether an account of role r may lift the lockout of an
// account of role target: the security administrator any account's in its
// subtree, an account manager those it may assign.
func (r Role) CanUnlock(target Role) bool {
	if !r.Can(AccountUnlock) {
		return false
	}
	return !r.Can(AccountManage) || r.CanAssign(target)
}

// ChangesSettings reports whether accounts of role r change how the platform
// is set up — organisations, accounts and their roles, the security
// policy. Under the separation of
// the three administrators (三员分立) such an account must not read the audit
// trail of its own actions: the audit list leaves them out for it.
func (r Role) ChangesSettings() bool {
	return r.Can(AccountManage) || r.Can(OrgWrite) || r.Can(SettingsWrite)
}
