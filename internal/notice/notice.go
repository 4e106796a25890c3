// Package notice holds notices (通知) that reach people: the notice and its
// recipients, the channels it travels by (the in-app inbox, e-mail, SMS),
// validation, the rendering of the e-mail and SMS texts, the reminder rule
// and the delivery worker that drains the outbox. Pure rules and interfaces:
// no SQL and no HTTP here; the store keeps notices and the outbox, package
// mail speaks SMTP and the SMS gateway's webhook.
package notice

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Kind says what a notice is about.
type Kind string

const (
	KindMeeting      Kind = "meeting"      // 会议通知
	KindReminder     Kind = "reminder"     // 会前提醒
	KindProposal     Kind = "proposal"     // 提案
	KindConsultation Kind = "consultation" // 协商
	KindGeneral      Kind = "general"      // 其他通知
)

// Label is the kind in Chinese.
func (k Kind) Label() string {
	switch k {
	case KindMeeting:
		return "会议通知"
	case KindReminder:
		return "会前提醒"
	case KindProposal:
		return "提案"
	case KindConsultation:
		return "协商"
	case KindGeneral:
		return "通知"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindMeeting, KindReminder, KindProposal, KindConsultation, KindGeneral:
		return true
	}
	return false
}

// Channel is a way a notice reaches a person. The inbox is always used; e-mail
// and SMS only when the deployment configures them.
type Channel string

const (
	InApp Channel = "inapp" // 站内通知
	Email Channel = "email" // 电子邮件
	SMS   Channel = "sms"   // 短信
)

// Label is the channel in Chinese.
func (c Channel) Label() string {
	switch c {
	case InApp:
		return "站内通知"
	case Email:
		return "电子邮件"
	case SMS:
		return "短信"
	}
	return string(c)
}

// Limits on a notice's text.
const (
	MaxSubject = 100  // characters
	MaxBody    = 5000 // characters
)

// Notice is one notice sent to a list of recipients.
type Notice struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	OrgID       int64     `json:"org_id"` // the organisation that sends it; scopes who may see its recipients
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	Kind        Kind      `json:"kind"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	Link        string    `json:"link"`      // a relative URL in the app, e.g. /meetings/12
	Source      string    `json:"source"`    // the module that sent it: meeting, proposal, …
	SourceID    int64     `json:"source_id"` // the record in that module
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`

	// Channels narrows the channels to use beyond the inbox (nil: every
	// configured channel). Not stored: the outbox rows show what was used.
	Channels []Channel `json:"-"`
}

// Wants reports whether the notice asks for channel c (the inbox always).
func (n Notice) Wants(c Channel) bool {
	if c == InApp || n.Channels == nil {
		return true
	}
	for _, x := range n.Channels {
		if x == c {
			return true
		}
	}
	return false
}

// Normalize trims the texts and removes line breaks from the subject (it
// becomes a mail header).
func (n *Notice) Normalize() {
	n.Subject = strings.Join(strings.Fields(n.Subject), " ")
	n.Body = strings.TrimSpace(strings.ReplaceAll(n.Body, "\r\n", "\n"))
	n.Link = strings.TrimSpace(n.Link)
	n.Source = strings.TrimSpace(n.Source)
	if n.Kind == "" {
		n.Kind = KindGeneral
	}
}

// Validate checks a notice before it is sent.
func (n Notice) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if n.OrgID == 0 {
		errs.Add("org_id", "请选择发送通知的组织")
	}
	if !n.Kind.Valid() {
		errs.Add("kind", "通知类别无效")
	}
	switch l := utf8.RuneCountInString(n.Subject); {
	case l == 0:
		errs.Add("subject", "通知标题不能为空")
	case l > MaxSubject:
		errs.Add("subject", "通知标题不能超过100个字")
	}
	if utf8.RuneCountInString(n.Body) > MaxBody {
		errs.Add("body", "通知正文不能超过5000个字")
	}
	if n.Link != "" && !RelativeLink(n.Link) {
		errs.Add("link", "链接须为本平台内的相对地址，以 / 开头")
	}
	for _, c := range n.Channels {
		if c != InApp && c != Email && c != SMS {
			errs.Add("channels", "通知渠道无效")
			break
		}
	}
	return errs
}

// RelativeLink reports whether s is a path in the app: it starts with one
// slash (not "//", which browsers read as another host) and holds no
// backslash or control character.
func RelativeLink(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, `\`) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Recipient is one person a notice goes to: an account, a member, or both.
// Name, e-mail and phone are copied at send time, so the notice shows whom it
// reached even if the member's details change later.
type Recipient struct {
	ID         int64     `json:"id"`
	NoticeID   int64     `json:"notice_id"`
	AccountID  int64     `json:"account_id"`
	MemberID   int64     `json:"member_id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Phone      string    `json:"phone"`
	ReadAt     time.Time `json:"read_at"`
	EmailedAt  time.Time `json:"emailed_at"`
	EmailError string    `json:"email_error"`
	SMSAt      time.Time `json:"sms_at"`
	SMSError   string    `json:"sms_error"`
}

// Key identifies the person, to drop duplicates from a recipient list.
func (r Recipient) Key() string {
	if r.MemberID != 0 {
		return "m" + app.Itoa(r.MemberID)
	}
	return "a" + app.Itoa(r.AccountID)
}

// Normalize trims the contact details.
func (r *Recipient) Normalize() {
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.TrimSpace(r.Email)
	// Trimmed after the separators go: "-\v0" trimmed first kept a
	// space the next Normalize removed.
	r.Phone = strings.TrimSpace(strings.NewReplacer(" ", "", "-", "").Replace(r.Phone))
}

// Validate checks that the recipient names a person.
func (r Recipient) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if r.AccountID == 0 && r.MemberID == 0 {
		errs.Add("recipients", "通知对象须为账号或委员")
	}
	return errs
}

// EmailOK reports whether the recipient's e-mail address can be used.
func (r Recipient) EmailOK() bool { return ValidEmail(r.Email) }

// PhoneOK reports whether the recipient's phone can take an SMS: a mainland
// mobile number of 11 digits starting with 1.
func (r Recipient) PhoneOK() bool { return ValidMobile(r.Phone) }

// ValidEmail reports whether s is one plain address (no display name).
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// ValidMobile reports whether s is a mainland mobile number (+86 allowed).
func ValidMobile(s string) bool {
	s = strings.TrimPrefix(s, "+86")
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
