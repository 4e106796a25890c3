package notice

import (
	"strings"
	"time"
	"unicode/utf16"
)

// Site is what the texts say about the sender.
type Site struct {
	Name    string // the sending committee, e.g. 甲县政协; the SMS signature 【…】
	BaseURL string // the platform's public address, e.g. https://zx.example.gov.cn; "" if unknown
	Loc     *time.Location
}

// EmailText renders the e-mail of notice n to r: a subject (the notice's own)
// and a plain-text body with greeting, text, link and signature.
func EmailText(n Notice, r Recipient, s Site) (subject, body string) {
	var b strings.Builder
	if r.Name != "" {
		b.WriteString(r.Name + "：\n\n")
	}
	b.WriteString(n.Subject + "\n\n")
	if n.Body != "" {
		b.WriteString(n.Body + "\n\n")
	}
	switch {
	case n.Link != "" && s.BaseURL != "":
		b.WriteString("详情请登录平台查看：" + strings.TrimRight(s.BaseURL, "/") + n.Link + "\n\n")
	default:
		b.WriteString("详情请登录平台，在“我的通知”中查看。\n\n")
	}
	if s.Name != "" {
		b.WriteString(s.Name + "\n")
	}
	if !n.CreatedAt.IsZero() {
		loc := s.Loc
		if loc == nil {
			loc = time.UTC
		}
		b.WriteString(n.CreatedAt.In(loc).Format("2006年1月2日") + "\n")
	}
	b.WriteString("\n（本邮件由系统自动发送，请勿直接回复。）\n")
	return n.Subject, b.String()
}

// SMS length. A text with any Chinese character is sent as UCS-2: one SMS
// carries 70 characters; a longer text is split into segments of 67 (each
// loses 3 to the concatenation header) and the operator bills each segment.
// The signature 【…】 counts. Notices therefore send a single segment: the
// subject is shortened with "…" and the full text waits in the inbox.
const (
	SMSSegment       = 70 // characters in a single UCS-2 SMS
	SMSConcatSegment = 67 // characters per segment of a concatenated SMS
)

// SMSLen counts a text as the network does: UTF-16 code units (a character
// outside the Basic Multilingual Plane, such as an emoji, counts twice).
func SMSLen(s string) int { return len(utf16.Encode([]rune(s))) }

// SMSSegments is the number of SMS a text is sent as.
func SMSSegments(s string) int {
	n := SMSLen(s)
	if n <= SMSSegment {
		return 1
	}
	return (n + SMSConcatSegment - 1) / SMSConcatSegment
}

// SMSText renders the SMS of notice n to r, never longer than one segment:
// 【甲县政协】张三：关于召开…的通知。详见平台通知。
func SMSText(n Notice, r Recipient, s Site) string {
	sign := s.Name
	if sign == "" {
		sign = "政协"
	}
	head := "【" + sign + "】"
	if r.Name != "" {
		head += r.Name + "："
	}
	tail := "。详见平台通知。"
	subject := strings.TrimRight(n.Subject, "。.！!")
	room := SMSSegment - SMSLen(head) - SMSLen(tail)
	if SMSLen(subject) > room {
		subject = cut(subject, room-1) + "…"
	}
	return head + subject + tail
}

// cut returns the longest prefix of s of at most n UTF-16 units.
func cut(s string, n int) string {
	used := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if used+w > n {
			return s[:i]
		}
		used += w
	}
	return s
}
