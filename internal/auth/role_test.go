package auth

import "testing"

// writes classifies every permission: true when it lets an account change
// something (a record, an account, the policy), false when it only reads.
// A new permission must be classified here before the separation rules
// below can pass.
var writes = map[Permission]bool{
	OrgRead: false, OrgWrite: true, MemberRead: false, MemberWrite: true, MemberContact: false,
	AccountManage: true, AccountUnlock: true, AuditRead: false, MeetingRead: false, MeetingWrite: true,
	ConsultRead: false, ConsultWrite: true, RoomWrite: true, UnitReply: true, AssistRead: false,
	AssistWrite: true, AssistVisit: true, AssistExport: false, ProposalRead: false, ProposalWrite: true,
	ProposalDraft: true, DashboardRead: false, SettingsWrite: true,
}

// separation is the three-role separation (三员分立) as data, one row per
// role: whether it changes how the platform is set up, whether it reads the
// audit trail, and whether its audit view leaves out its own actions (the
// audit list does so for every role that ChangesSettings).
var separation = []struct {
	role           Role
	changes, reads bool
	ownHidden      bool
}{
	{Admin, true, false, true},
	{SecAdmin, true, false, true},
	{Auditor, false, true, false},
	{Office, true, true, true},
	{Leader, false, false, false},
	{MemberRole, false, false, false},
	{Coordinator, false, false, false},
	{Cadre, false, false, false},
	{Unit, false, false, false},
}

func TestThreeRoleSeparation(t *testing.T) {
	for _, p := range Permissions {
		if _, ok := writes[p]; !ok {
			t.Errorf("permission %s is not classified as reading or writing", p)
		}
	}
	seen := map[Role]bool{}
	for _, row := range separation {
		r := row.role
		seen[r] = true
		if got := r.ChangesSettings(); got != row.changes {
			t.Errorf("%s.ChangesSettings() = %v, table says %v", r, got, row.changes)
		}
		if got := r.Can(AuditRead); got != row.reads {
			t.Errorf("%s.Can(AuditRead) = %v, table says %v", r, got, row.reads)
		}
		// No account both changes the set-up and reads its own actions in the trail.
		if row.changes && row.reads && !row.ownHidden {
			t.Errorf("%s changes settings and reads the audit trail with its own actions", r)
		}
		if row.ownHidden != r.ChangesSettings() {
			t.Errorf("%s: the audit list hides own actions exactly for roles that change settings", r)
		}
	}
	for _, r := range Roles {
		if !seen[r] {
			t.Errorf("role %s is missing from the separation table", r)
		}
	}
	for _, p := range Auditor.Grants() {
		if writes[p] {
			t.Errorf("the audit administrator may change something: %s", p)
		}
	}
	if SecAdmin.Can(AuditRead) {
		t.Error("the security administrator reads the audit trail")
	}
	if Admin.Can(AuditRead) || Admin.Can(SettingsWrite) {
		t.Error("the system administrator reads the audit trail or sets the security policy")
	}
	for _, r := range Roles {
		if r != SecAdmin && r.Can(SettingsWrite) {
			t.Errorf("%s sets the security policy", r)
		}
	}
}

func TestAssignAndUnlock(t *testing.T) {
	for _, c := range []struct {
		by, target Role
		assign     bool
	}{
		{Admin, Admin, true}, {Admin, SecAdmin, true}, {Admin, Auditor, true}, {Admin, Office, true},
		{Office, Admin, false}, {Office, SecAdmin, false}, {Office, Auditor, false}, {Office, Cadre, true},
		{SecAdmin, Auditor, false}, {SecAdmin, Office, false}, {Auditor, Auditor, false}, {Auditor, Unit, false},
		{Leader, MemberRole, false},
	} {
		if got := c.by.CanAssign(c.target); got != c.assign {
			t.Errorf("%s.CanAssign(%s) = %v", c.by, c.target, got)
		}
	}
	for _, c := range []struct {
		by, target Role
		unlock     bool
	}{
		{SecAdmin, Admin, true}, {SecAdmin, Office, true}, {SecAdmin, Auditor, true},
		{Admin, Office, true}, {Office, Cadre, true}, {Office, Admin, false}, {Office, Auditor, false},
		{Auditor, Office, false}, {Leader, MemberRole, false},
	} {
		if got := c.by.CanUnlock(c.target); got != c.unlock {
			t.Errorf("%s.CanUnlock(%s) = %v", c.by, c.target, got)
		}
	}
	if r, ok := ParseRole("平台管理员"); !ok || r != Admin {
		t.Error("the former label of the system administrator is not read")
	}
	for _, r := range []Role{Admin, SecAdmin, Auditor} {
		in := AccountInput{Username: "root-" + string(r), DisplayName: "x", Role: r}
		if errs := in.Validate(nil); errs.Get("org_id") != "" {
			t.Errorf("%s cannot be bound to the whole deployment", r)
		}
	}
	in := AccountInput{Username: "office-x", DisplayName: "x", Role: Office}
	if errs := in.Validate(nil); errs.Get("org_id") == "" {
		t.Error("an office account without an organisation")
	}
}
