package app

import (
	"strconv"
	"strings"
)

// Actor is who is acting: the signed-in account, its role and the root of the
// organisation subtree it may see. Every store call that reads or writes domain
// data takes an Actor and limits itself to Actor.Path.
type Actor struct {
	AccountID   int64
	Name        string // display name, for the audit log
	Role        string
	OrgID       int64  // 0 for a platform admin bound to the whole deployment
	Path        string // the subtree root's path, e.g. "/1/4/"; "/" for everything
	CommitteeID int64  // the committee the account belongs to (0 for the whole deployment)
	MemberID    int64  // the member this account is, if any
	UnitID      int64  // the handling unit (承办单位) a unit account answers for, if any
	IP          string
}

// System is the actor used by command-line tools and the demo loader.
var System = Actor{Name: "系统", Role: "admin", Path: "/"}

// Sees reports whether an organisation path lies in the actor's subtree.
func (a Actor) Sees(path string) bool {
	return a.Path != "" && strings.HasPrefix(path, a.Path)
}

// Itoa formats an id.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }
