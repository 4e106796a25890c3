package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/notice"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// noticeWorld: the tree, a member of county A with e-mail and phone, a member
// of county A with neither, a member account linked to the first and an
// office account of county A.
type noticeWorld struct {
	tree
	zhang, li      member.Member
	zhangAcct      auth.Account
	officeA        auth.Account
	actorA, actorB app.Actor
}

func buildNoticeWorld(t *testing.T, db *store.DB) noticeWorld {
	t.Helper()
	ctx := context.Background()
	w := noticeWorld{tree: buildTree(t, db)}
	var err error
	w.zhang, err = db.CreateMember(ctx, app.System, w.countyA.ID, member.Input{Name: "张三", Phone: "13812345678",
		Email: "zhang@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	w.li, err = db.CreateMember(ctx, app.System, w.countyA.ID, member.Input{Name: "李四"})
	if err != nil {
		t.Fatal(err)
	}
	w.zhangAcct, err = db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "zhang", DisplayName: "张三",
		Role: auth.MemberRole, OrgID: w.countyA.ID, MemberID: w.zhang.ID, Password: acctPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.officeA = mkAccount(t, db, "office-a", auth.Office, &w.countyA)
	w.actorA, w.actorB = actorAt(w.countyA), actorAt(w.countyB)
	return w
}

func (w noticeWorld) meetingNotice() notice.Notice {
	return notice.Notice{OrgID: w.countyA.ID, Kind: notice.KindMeeting, Subject: "关于召开县政协十届九次常委会会议的通知",
		Body: "定于5月8日上午9时在县政协三楼会议室召开。", Link: "/meetings/9", Source: "meeting", SourceID: 9}
}

func TestNoticeSendCopiesContactsAndQueuesDeliveries(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		db.Notify = store.NoticeDelivery{Email: true, SMS: true}
		id, err := db.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{
			{MemberID: w.zhang.ID}, {AccountID: w.zhangAcct.ID}, // the same person twice
			{MemberID: w.li.ID}, {AccountID: w.officeA.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		rs, total, err := db.FindNoticeRecipients(ctx, w.actorA, id, store.RecipientFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 3 || len(rs) != 3 {
			t.Fatalf("recipients %d %+v, want 3 (duplicate dropped)", total, rs)
		}
		by := map[string]store.RecipientStatus{}
		for _, r := range rs {
			by[r.Name] = r
		}
		z, l, o := by["张三"], by["李四"], by["测试office-a"]
		if z.Email != "zhang@example.org" || z.Phone != "13812345678" || z.EmailStatus != "pending" || z.SMSStatus != "pending" {
			t.Fatalf("张三 %+v", z)
		}
		if l.EmailStatus != "" || l.EmailError != "未登记电子邮箱" || l.SMSError != "未登记手机号" {
			t.Fatalf("李四 %+v", l)
		}
		if o.AccountID != w.officeA.ID || o.MemberID != 0 || o.EmailStatus != "" {
			t.Fatalf("office %+v", o)
		}
		// Only 张三's two deliveries wait in the outbox.
		ds, err := db.ClaimDeliveries(ctx, db.Now().Add(time.Second), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].Recipient.Email != "zhang@example.org" || ds[0].Notice.OrgName != "东阿县政协" ||
			ds[0].Notice.Subject != w.meetingNotice().Subject || ds[0].Attempts != 1 {
			t.Fatalf("deliveries %+v", ds)
		}
		// The audit log names the notice and its size, not the contacts.
		entries, _, err := db.FindAuditEntries(ctx, auditReader(w.actorA), store.AuditFilter{Entity: "notice"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Summary != "发送通知 关于召开县政协十届九次常委会会议的通知（3人）" {
			t.Fatalf("audit %+v", entries)
		}
	})
}

func TestNoticeInboxAndReadStatus(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		first, err := db.SendNotice(ctx, w.actorA, notice.Notice{OrgID: w.countyA.ID, Subject: "第一份通知"},
			[]notice.Recipient{{MemberID: w.zhang.ID}, {MemberID: w.li.ID}})
		if err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Now().Add(time.Minute) }
		if _, err := db.SendNotice(ctx, w.actorA, notice.Notice{OrgID: w.countyA.ID, Subject: "第二份通知"},
			[]notice.Recipient{{AccountID: w.zhangAcct.ID}}); err != nil {
			t.Fatal(err)
		}
		me := w.zhangAcct.Actor("")
		items, total, err := db.FindInbox(ctx, me, store.InboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || items[0].Notice.Subject != "第二份通知" || items[1].Notice.Subject != "第一份通知" {
			t.Fatalf("inbox %d %+v", total, items)
		}
		// Reading the older one puts it after the unread one, and records the time once.
		it, err := db.OpenInboxItem(ctx, me, items[1].RecipientID)
		if err != nil || it.ReadAt.IsZero() {
			t.Fatalf("open: %+v %v", it, err)
		}
		again, err := db.OpenInboxItem(ctx, me, items[1].RecipientID)
		if err != nil || !again.ReadAt.Equal(it.ReadAt) {
			t.Fatalf("second open changed read_at: %v → %v (%v)", it.ReadAt, again.ReadAt, err)
		}
		if n, err := db.CountUnread(ctx, me); err != nil || n != 1 {
			t.Fatalf("unread %d %v", n, err)
		}
		unread, _, err := db.FindInbox(ctx, me, store.InboxFilter{Unread: true})
		if err != nil || len(unread) != 1 || unread[0].Notice.Subject != "第二份通知" {
			t.Fatalf("unread filter %+v %v", unread, err)
		}
		// Someone else's row is not found.
		other := w.officeA.Actor("")
		if _, err := db.OpenInboxItem(ctx, other, items[0].RecipientID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other's notice: %v", err)
		}
		if got, _, _ := db.FindInbox(ctx, other, store.InboxFilter{}); len(got) != 0 {
			t.Fatalf("office sees %+v", got)
		}
		// The office sees who has read the first notice.
		st, err := db.FindNoticeStats(ctx, w.actorA, first)
		if err != nil || st.Recipients != 2 || st.Read != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		read, _, err := db.FindNoticeRecipients(ctx, w.actorA, first, store.RecipientFilter{Status: "read"})
		if err != nil || len(read) != 1 || read[0].Name != "张三" || read[0].ReadAt.IsZero() {
			t.Fatalf("read %+v %v", read, err)
		}
	})
}

func TestNoticeScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		id, err := db.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindNoticeByID(ctx, w.actorB, id); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B finds A's notice: %v", err)
		}
		if _, _, err := db.FindNoticeRecipients(ctx, w.actorB, id, store.RecipientFilter{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B lists A's recipients: %v", err)
		}
		if _, err := db.FindNoticeStats(ctx, w.actorB, id); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B sees A's stats: %v", err)
		}
		if _, err := db.FindNoticeByID(ctx, actorAt(w.city), id); err != nil {
			t.Fatalf("the city sees its county's notice: %v", err)
		}
		// County B may not send as county A, nor to A's members.
		if _, err := db.SendNotice(ctx, w.actorB, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("B sends as A: %v", err)
		}
		n := w.meetingNotice()
		n.OrgID = w.countyB.ID
		_, err = db.SendNotice(ctx, w.actorB, n, []notice.Recipient{{MemberID: w.zhang.ID}})
		if app.ErrorFields(err).Get("recipients") == "" {
			t.Fatalf("B notifies A's member: %v", err)
		}
		_, err = db.SendNotice(ctx, w.actorB, n, nil)
		if app.ErrorFields(err).Get("recipients") == "" {
			t.Fatalf("no recipients: %v", err)
		}
	})
}

func TestNoticeRollbackLeavesNoOutbox(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		db.Notify = store.NoticeDelivery{Email: true, SMS: true}
		var id int64
		boom := errors.New("the meeting failed to save")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if id, err = tx.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || id == 0 {
			t.Fatalf("InTx: %v (id %d)", err, id)
		}
		if _, err := db.FindNoticeByID(ctx, w.actorA, id); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("rolled-back notice found: %v", err)
		}
		ds, err := db.ClaimDeliveries(ctx, db.Now().Add(time.Hour), 10, time.Minute)
		if err != nil || len(ds) != 0 {
			t.Fatalf("outbox after rollback: %+v %v", ds, err)
		}
	})
}

func TestNoticeInAppOnlyWithoutDeliveryConfig(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		id, err := db.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}, {MemberID: w.li.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := db.ClaimDeliveries(ctx, db.Now().Add(time.Hour), 10, time.Minute)
		if err != nil || len(ds) != 0 {
			t.Fatalf("outbox without config: %+v %v", ds, err)
		}
		rs, _, err := db.FindNoticeRecipients(ctx, w.actorA, id, store.RecipientFilter{})
		if err != nil || len(rs) != 2 || rs[1].EmailError != "" || rs[1].SMSError != "" {
			t.Fatalf("recipients %+v %v", rs, err)
		}
		// A notice may ask for SMS only.
		db.Notify = store.NoticeDelivery{Email: true, SMS: true}
		n := w.meetingNotice()
		n.Channels = []notice.Channel{notice.SMS}
		if _, err := db.SendNotice(ctx, w.actorA, n, []notice.Recipient{{MemberID: w.zhang.ID}}); err != nil {
			t.Fatal(err)
		}
		ds, err = db.ClaimDeliveries(ctx, db.Now().Add(time.Hour), 10, time.Minute)
		if err != nil || len(ds) != 1 || ds[0].Channel != notice.SMS {
			t.Fatalf("SMS-only notice: %+v %v", ds, err)
		}
	})
}

func TestOutboxLeaseRetryAndFailure(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildNoticeWorld(t, db)
		db.Notify = store.NoticeDelivery{Email: true}
		id, err := db.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now().UTC().Add(time.Second)
		ds, err := db.ClaimDeliveries(ctx, now, 10, 5*time.Minute)
		if err != nil || len(ds) != 1 {
			t.Fatalf("claim: %+v %v", ds, err)
		}
		// Leased: another node finds nothing until the lease runs out.
		if again, err := db.ClaimDeliveries(ctx, now.Add(time.Minute), 10, 5*time.Minute); err != nil || len(again) != 0 {
			t.Fatalf("leased row claimed again: %+v %v", again, err)
		}
		// A failure is retried at the given time.
		retry := now.Add(time.Minute)
		if err := db.RecordDelivery(ctx, ds[0].ID, now, "smtp: RCPT TO: 451 try later", retry); err != nil {
			t.Fatal(err)
		}
		rs, _, _ := db.FindNoticeRecipients(ctx, w.actorA, id, store.RecipientFilter{Status: "failed"})
		if len(rs) != 1 || rs[0].EmailStatus != "pending" || rs[0].EmailError != "重试中：smtp: RCPT TO: 451 try later" {
			t.Fatalf("after a failure %+v", rs)
		}
		if got, _ := db.ClaimDeliveries(ctx, retry.Add(-time.Second), 10, time.Minute); len(got) != 0 {
			t.Fatalf("claimed before the retry time: %+v", got)
		}
		got, err := db.ClaimDeliveries(ctx, retry, 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("retry claim %+v %v", got, err)
		}
		if err := db.RecordDelivery(ctx, got[0].ID, retry, "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		rs, _, _ = db.FindNoticeRecipients(ctx, w.actorA, id, store.RecipientFilter{})
		if len(rs) != 1 || rs[0].EmailStatus != "sent" || rs[0].EmailError != "" || rs[0].EmailedAt.IsZero() {
			t.Fatalf("after success %+v", rs)
		}
		st, _ := db.FindNoticeStats(ctx, w.actorA, id)
		if st.Emailed != 1 || st.EmailPending != 0 || st.EmailError != 0 {
			t.Fatalf("stats %+v", st)
		}

		// A final failure marks the row failed and is not claimed again.
		id2, err := db.SendNotice(ctx, w.actorA, w.meetingNotice(), []notice.Recipient{{MemberID: w.zhang.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ds, _ = db.ClaimDeliveries(ctx, db.Now().UTC().Add(time.Second), 10, time.Minute)
		if len(ds) != 1 {
			t.Fatalf("claim second: %+v", ds)
		}
		if err := db.RecordDelivery(ctx, ds[0].ID, now, "smtp: RCPT TO: 550 no such user", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.ClaimDeliveries(ctx, now.Add(24*time.Hour), 10, time.Minute); len(got) != 0 {
			t.Fatalf("failed row claimed: %+v", got)
		}
		st, _ = db.FindNoticeStats(ctx, w.actorA, id2)
		if st.EmailError != 1 {
			t.Fatalf("stats after failure %+v", st)
		}
	})
}
