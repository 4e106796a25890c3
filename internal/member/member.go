// Package member holds committee members (委员): their personal record, their
// membership in terms with a sector, their roles with effective dates, and the
// rules for validating and masking what is personal.
package member

import (
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Status is a member's standing.
type Status string

const (
	Serving  Status = "serving"  // 在职
	Resigned Status = "resigned" // 辞职
	Deceased Status = "deceased" // 去世
	Removed  Status = "removed"  // 撤销委员资格
)

// Statuses in display order.
var Statuses = []Status{Serving, Resigned, Deceased, Removed}

// Label is the status in Chinese.
func (s Status) Label() string {
	switch s {
	case Serving:
		return "在职"
	case Resigned:
		return "辞职"
	case Deceased:
		return "去世"
	case Removed:
		return "撤销资格"
	}
	return string(s)
}

// ParseStatus accepts the code or the Chinese label.
func ParseStatus(s string) (Status, bool) {
	s = strings.TrimSpace(s)
	for _, x := range Statuses {
		if s == string(x) || s == x.Label() {
			return x, true
		}
	}
	if s == "" {
		return Serving, true
	}
	return "", false
}

// Member is a person on the committee's roster.
type Member struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	Name        string    `json:"name"`
	Gender      string    `json:"gender"` // 男 / 女
	BirthDate   app.Date  `json:"birth_date"`
	Ethnicity   string    `json:"ethnicity"` // 民族
	Party       string    `json:"party"`     // 政治面貌 / 党派
	Education   string    `json:"education"`
	Workplace   string    `json:"workplace"` // 工作单位及职务
	IDNumber    string    `json:"id_number"` // 身份证号, sensitive
	Phone       string    `json:"phone"`     // sensitive
	Email       string    `json:"email"`
	Address     string    `json:"address"`
	Status      Status    `json:"status"`
	StatusDate  app.Date  `json:"status_date"`
	Note        string    `json:"note"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	// Filled by list queries for the current term, when asked for.
	CommitteeName string `json:"committee_name,omitempty"`
	SectorName    string `json:"sector_name,omitempty"`
	Roles         []Role `json:"roles,omitempty"`
}

// StatusLabel is the status in Chinese.
func (m Member) StatusLabel() string { return m.Status.Label() }

// Masked returns a copy with identity number and phone masked, for callers
// not allowed to see contact details.
func (m Member) Masked() Member {
	m.IDNumber = MaskIDNumber(m.IDNumber)
	m.Phone = MaskPhone(m.Phone)
	return m
}

// Input is what a form, the API or an import row supplies for a member.
type Input struct {
	Name       string   `json:"name"`
	Gender     string   `json:"gender"`
	BirthDate  app.Date `json:"birth_date"`
	Ethnicity  string   `json:"ethnicity"`
	Party      string   `json:"party"`
	Education  string   `json:"education"`
	Workplace  string   `json:"workplace"`
	IDNumber   string   `json:"id_number"`
	Phone      string   `json:"phone"`
	Email      string   `json:"email"`
	Address    string   `json:"address"`
	Status     Status   `json:"status"`
	StatusDate app.Date `json:"status_date"`
	Note       string   `json:"note"`
}

// Normalize trims fields and canonicalises the identity number and status.
func (in *Input) Normalize() {
	for _, p := range []*string{&in.Name, &in.Gender, &in.Ethnicity, &in.Party, &in.Education,
		&in.Workplace, &in.IDNumber, &in.Phone, &in.Email, &in.Address, &in.Note} {
		*p = strings.TrimSpace(*p)
	}
	in.IDNumber = strings.ToUpper(in.IDNumber)
	in.Phone = strings.ReplaceAll(strings.ReplaceAll(in.Phone, "-", ""), " ", "")
	if in.Status == "" {
		in.Status = Serving
	}
	if st, ok := ParseStatus(string(in.Status)); ok {
		in.Status = st
	}
}

// Validate checks a member's fields. today is the committee's current date.
func (in Input) Validate(today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "姓名不能为空")
	case n > 30:
		errs.Add("name", "姓名不能超过30个字")
	}
	if in.Gender != "" && in.Gender != "男" && in.Gender != "女" {
		errs.Add("gender", "性别应为“男”或“女”")
	}
	if !in.BirthDate.IsZero() && (in.BirthDate.After(today) || in.BirthDate.Y < 1900) {
		errs.Add("birth_date", "出生日期不合理")
	}
	for _, f := range []struct {
		name, label, v string
		max            int
	}{
		{"ethnicity", "民族", in.Ethnicity, 20},
		{"party", "政治面貌", in.Party, 30},
		{"education", "学历", in.Education, 30},
		{"workplace", "工作单位及职务", in.Workplace, 100},
		{"address", "通讯地址", in.Address, 100},
		{"note", "备注", in.Note, 500},
	} {
		if utf8.RuneCountInString(f.v) > f.max {
			errs.Add(f.name, f.label+"不能超过"+itoa(f.max)+"个字")
		}
	}
	if in.IDNumber != "" {
		if msg := CheckIDNumber(in.IDNumber); msg != "" {
			errs.Add("id_number", msg)
		} else if !in.BirthDate.IsZero() && IDBirthDate(in.IDNumber) != in.BirthDate {
			errs.Add("birth_date", "出生日期与身份证号不一致")
		}
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		errs.Add("phone", "手机号应为11位数字，或带区号的固定电话")
	}
	if in.Email != "" && !validEmail(in.Email) {
		errs.Add("email", "电子邮箱格式不正确")
	}
	if _, ok := ParseStatus(string(in.Status)); !ok {
		errs.Add("status", "状态应为在职、辞职、去世或撤销资格")
	}
	if st, ok := ParseStatus(string(in.Status)); ok && st != Serving && in.StatusDate.IsZero() {
		errs.Add("status_date", "请填写状态变更日期")
	}
	return errs
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func validPhone(s string) bool {
	if len(s) == 11 && s[0] == '1' {
		return allDigits(s)
	}
	// landline with area code, e.g. 06358888888 or 0635-8888888 (dashes removed)
	return len(s) >= 10 && len(s) <= 12 && s[0] == '0' && allDigits(s)
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " <>\"") && len(s) <= 100
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
