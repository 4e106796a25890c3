package consult

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Topic collection (议题征集) from the public: what a suggestion may hold,
// the spam heuristics of the public page (a honeypot field, a signed form
// token carrying the time the form was served, a cap on links) and the
// limits per address and campaign. No captcha from a third party: the
// public page must work in a county town's library without it.

// Limits of the public page, counted in the database over the last hour so
// that several nodes agree.
const (
	PublicPerAddressPerHour  = 5   // suggestions from one address (keyed hash) an hour
	PublicPerCampaignPerHour = 200 // suggestions to one campaign an hour, from everyone
	SuggestionMinAge         = 3 * time.Second
	SuggestionMaxAge         = 24 * time.Hour
	SuggestionMaxLinks       = 2 // links in the content; none in the title
	SuggestionTitleMax       = 80
	SuggestionContentMax     = 2000
	SuggestionContentMin     = 10
	SuggestionNameMax        = 40
)

// Suggestion is what a member of the public writes on a campaign's page.
type Suggestion struct {
	Title   string `json:"title"`
	Content string `json:"content"`
	Name    string `json:"name"`  // optional
	Phone   string `json:"phone"` // optional
}

// Normalize trims the fields.
func (s *Suggestion) Normalize() {
	s.Title = strings.TrimSpace(s.Title)
	s.Content = strings.TrimSpace(s.Content)
	s.Name = strings.TrimSpace(s.Name)
	s.Phone = strings.TrimSpace(s.Phone)
}

// Validate checks a suggestion's fields: title and content required and
// within their lengths, no control characters, links only in the content
// and at most SuggestionMaxLinks, name and phone optional.
func (s Suggestion) Validate() app.FieldErrors {
	var errs app.FieldErrors
	text := func(field, label, v string, min, max int) {
		if !utf8.ValidString(v) || hasControl(v) {
			errs.Add(field, label+"包含无效字符")
			return
		}
		switch n := utf8.RuneCountInString(v); {
		case n == 0 && min > 0:
			errs.Add(field, "请填写"+label)
		case n < min:
			errs.Add(field, label+"至少"+strconv.Itoa(min)+"个字")
		case n > max:
			errs.Add(field, label+"不能超过"+strconv.Itoa(max)+"个字")
		}
	}
	text("title", "建议题目", s.Title, 1, SuggestionTitleMax)
	text("content", "建议内容", s.Content, SuggestionContentMin, SuggestionContentMax)
	text("name", "姓名", s.Name, 0, SuggestionNameMax)
	if errs.Get("title") == "" && CountLinks(s.Title) > 0 {
		errs.Add("title", "建议题目中不能包含网址链接")
	}
	if errs.Get("content") == "" && CountLinks(s.Content) > SuggestionMaxLinks {
		errs.Add("content", "建议内容中的网址链接不能超过"+strconv.Itoa(SuggestionMaxLinks)+"个")
	}
	if s.Phone != "" && !phoneOK(s.Phone) {
		errs.Add("phone", "联系电话应为7至20位数字（可含“-”）")
	}
	return errs
}

// hasControl reports control characters other than line breaks and tabs.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return true
		}
	}
	return false
}

// CountLinks counts web addresses in s: http:// and https:// and www.
// (case-insensitive).
func CountLinks(s string) int {
	l := strings.ToLower(s)
	return strings.Count(l, "http://") + strings.Count(l, "https://") +
		strings.Count(l, "www.") - strings.Count(l, "://www.")
}

// Honeypot is the name of the hidden field of the public form that people
// do not see and programs fill in.
const Honeypot = "website"

// ErrHoneypot refuses a form whose honeypot field was filled in.
func ErrHoneypot() error {
	return app.Errorf(app.EINVALID, "提交未被接受：表单中有不应填写的内容。请直接在页面上填写后提交")
}

// SuggestionToken signs the time a campaign's public form was served:
// "<unix seconds>.<HMAC-SHA256 hex>" under the server's key.
func SuggestionToken(key []byte, campaignID int64, served time.Time) string {
	ts := strconv.FormatInt(served.Unix(), 10)
	return ts + "." + tokenMAC(key, campaignID, ts)
}

func tokenMAC(key []byte, campaignID int64, ts string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("suggestion:" + strconv.FormatInt(campaignID, 10) + ":" + ts))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// CheckSuggestionToken verifies a form token for the campaign at now: it
// must be signed with key, not submitted faster than SuggestionMinAge after
// the form was served (a person reads and types; a program posts at once)
// and not older than SuggestionMaxAge.
func CheckSuggestionToken(key []byte, campaignID int64, token string, now time.Time) error {
	ts, mac, ok := strings.Cut(token, ".")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(tokenMAC(key, campaignID, ts))) {
		return app.Errorf(app.EINVALID, "表单已失效，请刷新页面后重新填写")
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age < SuggestionMinAge:
		return app.Errorf(app.EINVALID, "提交过快，请确认内容后再提交")
	case age > SuggestionMaxAge:
		return app.Errorf(app.EINVALID, "表单已打开超过一天，请刷新页面后重新填写")
	}
	return nil
}

// HashAddress is the keyed hash of a client address kept with a public
// suggestion: it lets the limits count per address without storing it.
func HashAddress(key []byte, addr string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("address:" + addr))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// Campaign is a topic-collection campaign's fields (议题征集活动).
type Campaign struct {
	OrgID    int64    `json:"org_id"`
	Year     int      `json:"year"`
	Title    string   `json:"title"`
	Intro    string   `json:"intro"`
	OpensOn  app.Date `json:"opens_on"`
	ClosesOn app.Date `json:"closes_on"`
	Public   bool     `json:"public"` // takes suggestions from the public page
}

// Normalize trims the text fields.
func (c *Campaign) Normalize() {
	c.Title = strings.TrimSpace(c.Title)
	c.Intro = strings.TrimSpace(c.Intro)
}

// Validate checks a campaign's fields.
func (c Campaign) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if c.OrgID <= 0 {
		errs.Add("org_id", "请选择开展征集的组织")
	}
	if c.Year < 2000 || c.Year > 2100 {
		errs.Add("year", "年度应为2000至2100之间的年份")
	}
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		errs.Add("title", "请填写征集活动名称")
	case n > 100:
		errs.Add("title", "征集活动名称不能超过100个字")
	}
	if utf8.RuneCountInString(c.Intro) > 5000 {
		errs.Add("intro", "征集说明不能超过5000个字")
	}
	if c.OpensOn.IsZero() {
		errs.Add("opens_on", "请填写征集开始日期")
	}
	if c.ClosesOn.IsZero() {
		errs.Add("closes_on", "请填写征集截止日期")
	} else if !c.OpensOn.IsZero() && c.ClosesOn.Before(c.OpensOn) {
		errs.Add("closes_on", "截止日期不能早于开始日期")
	}
	return errs
}

// Window says whether day lies in the campaign's window, and if not, why,
// in Chinese.
func (c Campaign) Window(day app.Date) (open bool, why string) {
	switch {
	case day.Before(c.OpensOn):
		return false, "本次议题征集将于" + c.OpensOn.Chinese() + "开始，届时欢迎提出建议"
	case c.ClosesOn.Before(day):
		return false, "本次议题征集已于" + c.ClosesOn.Chinese() + "截止，感谢关注"
	}
	return true, ""
}
