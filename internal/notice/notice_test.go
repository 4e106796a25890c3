package notice

import (
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ok := Notice{OrgID: 1, Kind: KindMeeting, Subject: "关于召开十三届四次会议的通知", Link: "/meetings/3"}
	tests := []struct {
		name  string
		edit  func(*Notice)
		field string
	}{
		{"ok", func(*Notice) {}, ""},
		{"no org", func(n *Notice) { n.OrgID = 0 }, "org_id"},
		{"empty subject", func(n *Notice) { n.Subject = "  " }, "subject"},
		{"long subject", func(n *Notice) { n.Subject = strings.Repeat("会", 101) }, "subject"},
		{"long body", func(n *Notice) { n.Body = strings.Repeat("会", 5001) }, "body"},
		{"absolute link", func(n *Notice) { n.Link = "https://evil.example/x" }, "link"},
		{"scheme-relative link", func(n *Notice) { n.Link = "//evil.example/x" }, "link"},
		{"backslash link", func(n *Notice) { n.Link = `/\evil.example` }, "link"},
		{"javascript link", func(n *Notice) { n.Link = "javascript:alert(1)" }, "link"},
		{"bad kind", func(n *Notice) { n.Kind = "spam" }, "kind"},
		{"bad channel", func(n *Notice) { n.Channels = []Channel{"fax"} }, "channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ok
			tt.edit(&n)
			n.Normalize()
			errs := n.Validate()
			if tt.field == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors %v", errs)
				}
				return
			}
			if errs.Get(tt.field) == "" {
				t.Fatalf("want error on %s, got %v", tt.field, errs)
			}
		})
	}
}

func TestNormalizeSubjectHasNoLineBreak(t *testing.T) {
	n := Notice{Subject: "会议\r\nBcc: x@example.org"}
	n.Normalize()
	if strings.ContainsAny(n.Subject, "\r\n") {
		t.Fatalf("subject keeps a line break: %q", n.Subject)
	}
}

func TestContacts(t *testing.T) {
	tests := []struct {
		s          string
		email, sms bool
	}{
		{"zhang@example.org", true, false},
		{"张三 <zhang@example.org>", false, false},
		{"not an address", false, false},
		{"13812345678", false, true},
		{"+8613812345678", false, true},
		{"1381234567", false, false},
		{"23812345678", false, false},
		{"0531-1234567", false, false},
	}
	for _, tt := range tests {
		r := Recipient{Email: tt.s, Phone: tt.s}
		if r.EmailOK() != tt.email || r.PhoneOK() != tt.sms {
			t.Errorf("%q: email %v sms %v, want %v %v", tt.s, r.EmailOK(), r.PhoneOK(), tt.email, tt.sms)
		}
	}
}

func TestWants(t *testing.T) {
	all := Notice{}
	smsOnly := Notice{Channels: []Channel{SMS}}
	if !all.Wants(Email) || !all.Wants(SMS) || !smsOnly.Wants(InApp) || smsOnly.Wants(Email) || !smsOnly.Wants(SMS) {
		t.Fatal("Wants")
	}
}

func TestEmailText(t *testing.T) {
	at := time.Date(2026, 5, 3, 17, 0, 0, 0, time.UTC) // 4 May in Shanghai
	loc, _ := time.LoadLocation("Asia/Shanghai")
	n := Notice{Subject: "关于召开县政协十届九次常委会会议的通知", Body: "定于5月8日上午9时召开。", Link: "/meetings/9", CreatedAt: at}
	r := Recipient{Name: "张三"}
	subject, body := EmailText(n, r, Site{Name: "甲县政协", BaseURL: "https://zx.example.gov.cn/", Loc: loc})
	if subject != n.Subject {
		t.Fatalf("subject %q", subject)
	}
	for _, want := range []string{"张三：", "定于5月8日上午9时召开。", "https://zx.example.gov.cn/meetings/9", "甲县政协", "2026年5月4日"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	_, body = EmailText(n, r, Site{})
	if !strings.Contains(body, "我的通知") || strings.Contains(body, "/meetings/9") {
		t.Errorf("without a base URL the body should point to the inbox:\n%s", body)
	}
}

func TestSMSText(t *testing.T) {
	tests := []struct {
		name, sign, person, subject, want string
	}{
		{"short", "甲县政协", "张三", "关于召开常委会会议的通知", "【甲县政协】张三：关于召开常委会会议的通知。详见平台通知。"},
		{"no sign", "", "", "会议提醒。", "【政协】会议提醒。详见平台通知。"},
		{"long", "甲县政协", "张三", strings.Repeat("长", 80), ""},
		{"emoji", "甲县政协", "张三", strings.Repeat("😀", 40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SMSText(Notice{Subject: tt.subject}, Recipient{Name: tt.person}, Site{Name: tt.sign})
			if tt.want != "" && got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if SMSLen(got) > SMSSegment || SMSSegments(got) != 1 {
				t.Fatalf("%q is %d units, %d segments", got, SMSLen(got), SMSSegments(got))
			}
			if tt.want == "" && (!strings.Contains(got, "…") || SMSLen(got) < SMSSegment-1) {
				t.Fatalf("long subject should be cut to fill the segment: %q (%d)", got, SMSLen(got))
			}
		})
	}
}

func TestSMSSegments(t *testing.T) {
	tests := []struct{ n, want int }{{0, 1}, {70, 1}, {71, 2}, {134, 2}, {135, 3}}
	for _, tt := range tests {
		if got := SMSSegments(strings.Repeat("字", tt.n)); got != tt.want {
			t.Errorf("%d chars: %d segments, want %d", tt.n, got, tt.want)
		}
	}
}

func TestRetry(t *testing.T) {
	now := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	if got := Retry(now, 1); !got.Equal(now.Add(time.Minute)) {
		t.Fatalf("first retry at %v", got)
	}
	if got := Retry(now, MaxAttempts-1); !got.Equal(now.Add(6 * time.Hour)) {
		t.Fatalf("last retry at %v", got)
	}
	if !Retry(now, MaxAttempts).IsZero() {
		t.Fatal("after the last attempt the delivery fails for good")
	}
}

func TestRedact(t *testing.T) {
	r := Recipient{Email: "zhang@example.org", Phone: "13812345678"}
	got := Redact("550 <zhang@example.org> unknown; 13812345678", r)
	if strings.Contains(got, "zhang@") || strings.Contains(got, "1381234") {
		t.Fatalf("not redacted: %q", got)
	}
}
