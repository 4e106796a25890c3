package auth

import (
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Account is a login bound to one organisation and one role.
type Account struct {
	ID                 int64     `json:"id"`
	CommitteeID        int64     `json:"committee_id"`
	OrgID              int64     `json:"org_id"` // 0: the whole deployment (platform admin only)
	OrgName            string    `json:"org_name"`
	OrgPath            string    `json:"org_path"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Role               Role      `json:"role"`
	MemberID           int64     `json:"member_id"`
	UnitID             int64     `json:"unit_id,omitempty"` // role unit: the handling unit it answers for
	Disabled           bool      `json:"disabled"`
	MustChangePassword bool      `json:"must_change_password"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	LockedUntil        time.Time `json:"locked_until"`
	LastLoginAt        time.Time `json:"last_login_at"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	PasswordHash       string    `json:"-"`
}

// RoleLabel is the role in Chinese.
func (a Account) RoleLabel() string { return a.Role.Label() }

// Actor returns who the account acts as, for scoping and the audit log.
func (a Account) Actor(ip string) app.Actor {
	path := a.OrgPath
	if a.OrgID == 0 {
		path = "/"
	}
	return app.Actor{AccountID: a.ID, Name: a.DisplayName + "(" + a.Username + ")", Role: string(a.Role),
		OrgID: a.OrgID, Path: path, CommitteeID: a.CommitteeID, MemberID: a.MemberID, UnitID: a.UnitID, IP: ip}
}

// AccountInput is what a form supplies to create or edit an account.
type AccountInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	OrgID       int64  `json:"org_id"`
	MemberID    int64  `json:"member_id"`
	UnitID      int64  `json:"unit_id"`            // role unit: a handling unit of the account's committee
	Password    string `json:"password,omitempty"` // only on creation
	Disabled    bool   `json:"disabled"`
}

// Validate checks the fields; on creation pw is the password policy the
// initial password must meet (nil when an account is edited: no password).
func (in *AccountInput) Validate(pw *PasswordPolicy) app.FieldErrors {
	in.Username = strings.TrimSpace(strings.ToLower(in.Username))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	var errs app.FieldErrors
	if !validUsername(in.Username) {
		errs.Add("username", "用户名应为3至32位小写字母、数字、点、下划线或连字符，以字母开头")
	}
	if in.DisplayName == "" {
		errs.Add("display_name", "姓名不能为空")
	} else if utf8.RuneCountInString(in.DisplayName) > 30 {
		errs.Add("display_name", "姓名不能超过30个字")
	}
	if !in.Role.Valid() {
		errs.Add("role", "请选择角色")
	}
	if in.OrgID == 0 && !in.Role.Platform() {
		errs.Add("org_id", "请选择所属组织")
	}
	if in.Role == MemberRole && in.MemberID == 0 {
		errs.Add("member_id", "委员账号须关联委员")
	}
	if in.Role == Unit && in.UnitID == 0 {
		errs.Add("unit_id", "承办单位账号须关联承办单位")
	}
	if in.Role != Unit {
		in.UnitID = 0
	}
	if pw != nil {
		if msg := pw.Check(in.Password, in.Username); msg != "" {
			errs.Add("password", msg)
		}
	}
	return errs
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Session is a signed-in browser. The cookie holds a random token; the
// database holds its hash.
type Session struct {
	ID         string // token hash
	AccountID  int64
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// SessionPolicy: idle and absolute lifetimes.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionPolicy: 2 hours idle, 12 hours at most (a working day).
var DefaultSessionPolicy = SessionPolicy{Idle: 2 * time.Hour, Absolute: 12 * time.Hour}

// Valid reports whether the session may still be used at now.
func (p SessionPolicy) Valid(s Session, now time.Time) bool {
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < p.Idle
}

// APIToken is a named bearer token for the JSON API.
type APIToken struct {
	ID         int64     `json:"id"`
	AccountID  int64     `json:"account_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	RevokedAt  time.Time `json:"revoked_at"`
}
