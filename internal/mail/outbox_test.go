package mail_test

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/mail"
	"xieshang/internal/member"
	"xieshang/internal/notice"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// TestDelivererRetriesThenSends runs the whole path on both databases: a
// notice queued in the store, the deliverer sending it through the SMTP sink
// (which answers 451 once) and the signed SMS webhook, the retry after the
// backoff, and the recipient's status the office sees.
func TestDelivererRetriesThenSends(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		county, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "测试市政协"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := db.CreateMember(ctx, app.System, county.ID, member.Input{Name: "张三", Email: "zhang@example.org",
			Phone: "13812345678"})
		if err != nil {
			t.Fatal(err)
		}
		db.Notify = store.NoticeDelivery{Email: true, SMS: true}
		actor := app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: county.ID, Path: county.Path}
		id, err := db.SendNotice(ctx, actor, notice.Notice{OrgID: county.ID, Kind: notice.KindMeeting,
			Subject: "关于召开市政协常委会会议的通知", Body: "定于5月8日上午9时召开。", Link: "/meetings/3"},
			[]notice.Recipient{{MemberID: m.ID}})
		if err != nil {
			t.Fatal(err)
		}

		s := newSink(t)
		s.failRcpt = 1
		secret := []byte("0123456789abcdef-sms")
		got := make(chan map[string]string, 4)
		gw := gateway(t, secret, http.StatusOK, got)
		var logs strings.Builder
		clock := time.Now().Add(time.Second)
		d := &notice.Deliverer{
			Outbox: db,
			Email:  &mail.SMTP{Addr: s.addr, From: "测试市政协 <noreply@example.gov.cn>", Timeout: 5 * time.Second},
			SMS:    &mail.Webhook{URL: gw.URL, Secret: secret, Timeout: 5 * time.Second},
			Site:   notice.Site{BaseURL: "https://zx.example.gov.cn", Loc: db.Loc},
			Now:    func() time.Time { return clock },
			Log:    slogTo(&logs),
		}
		sent, failed, err := d.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 1 {
			t.Fatalf("first run: sent %d failed %d %v", sent, failed, err)
		}
		if strings.Contains(logs.String(), "zhang@example.org") || strings.Contains(logs.String(), "13812345678") ||
			!strings.Contains(logs.String(), "451") {
			t.Fatalf("log: %s", logs.String())
		}
		sms := <-got
		if sms["phone"] != "13812345678" || sms["text"] != "【测试市政协】张三：关于召开市政协常委会会议的通知。详见平台通知。" ||
			!strings.HasPrefix(sms["ref"], "xs-") {
			t.Fatalf("sms %v", sms)
		}
		rs, _, _ := db.FindNoticeRecipients(ctx, actor, id, store.RecipientFilter{})
		if len(rs) != 1 || rs[0].SMSStatus != "sent" || rs[0].EmailStatus != "pending" ||
			!strings.Contains(rs[0].EmailError, "451") {
			t.Fatalf("after the first run %+v", rs[0])
		}

		// Nothing is due before the backoff has passed.
		if sent, failed, err := d.RunOnce(ctx); err != nil || sent+failed != 0 {
			t.Fatalf("early run: %d %d %v", sent, failed, err)
		}
		clock = clock.Add(time.Minute + time.Second)
		if sent, failed, err := d.RunOnce(ctx); err != nil || sent != 1 || failed != 0 {
			t.Fatalf("retry: sent %d failed %d %v", sent, failed, err)
		}
		msgs := s.messages()
		if len(msgs) != 1 {
			t.Fatalf("sink has %d messages", len(msgs))
		}
		mm := parse(t, msgs[0].Data)
		subj, _ := new(mime.WordDecoder).DecodeHeader(mm.Header.Get("Subject"))
		raw, _ := io.ReadAll(mm.Body)
		if subj != "关于召开市政协常委会会议的通知" || len(raw) == 0 {
			t.Fatalf("subject %q", subj)
		}
		rs, _, _ = db.FindNoticeRecipients(ctx, actor, id, store.RecipientFilter{})
		if rs[0].EmailStatus != "sent" || rs[0].EmailError != "" || rs[0].EmailedAt.IsZero() || rs[0].SMSAt.IsZero() {
			t.Fatalf("after the retry %+v", rs[0])
		}
		if len(got) != 0 {
			t.Fatal("the SMS was sent twice")
		}
	})
}
