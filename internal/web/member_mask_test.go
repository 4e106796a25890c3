package web

import (
	"net/http/httptest"
	"testing"

	"xieshang/internal/auth"
	"xieshang/internal/member"
)

// TestMemberMaskedWithoutContact: no role in the grant table reads members
// without auth.MemberContact, so the web tests cannot sign in as one; this
// checks the one helper every member page, list, export and API answer goes
// through, for a role with and without the permission.
func TestMemberMaskedWithoutContact(t *testing.T) {
	m := member.Member{Name: "张三", IDNumber: "37152419680504001X", Phone: "13812345678"}
	for _, c := range []struct {
		role      auth.Role
		id, phone string
	}{
		{auth.Office, "37152419680504001X", "13812345678"},
		{auth.Leader, "37152419680504001X", "13812345678"},
		{auth.Unit, "3715************1X", "138****5678"},
		{auth.MemberRole, "3715************1X", "138****5678"},
	} {
		r := httptest.NewRequest("GET", "/members", nil)
		r = r.WithContext(withState(r.Context(), &reqState{signed: true, account: auth.Account{Role: c.role}}))
		got := memberFor(r, m)
		if got.IDNumber != c.id || got.Phone != c.phone || got.Name != "张三" {
			t.Errorf("%s sees %q %q", c.role, got.IDNumber, got.Phone)
		}
	}
}
