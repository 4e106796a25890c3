package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/notice"
	"xieshang/internal/store"
)

// noticeFixture: a member of county A with a member account "member-zhang",
// and a meeting notice from county A to that member, returning the notice id.
func noticeFixture(t *testing.T, e *env) (memberID, noticeID int64) {
	t.Helper()
	ctx := context.Background()
	m, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "张三", Email: "zhang@example.org",
		Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "member-zhang", DisplayName: "张三",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: m.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	other, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "李四"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.db.SendNotice(ctx, app.System, notice.Notice{OrgID: e.countyA.ID, Kind: notice.KindMeeting,
		Subject: "关于召开县政协十届九次常委会会议的通知", Body: "定于5月8日上午9时召开。\n请准时参加。",
		Link: "/meetings/9", Source: "meeting", SourceID: 9},
		[]notice.Recipient{{MemberID: m.ID}, {MemberID: other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID, id
}

func TestInboxShowsUnreadAndRecordsReading(t *testing.T) {
	e := newEnv(t)
	_, id := noticeFixture(t, e)
	c := e.login("member-zhang")
	status, body := c.get("/inbox")
	if status != http.StatusOK || !strings.Contains(body, "关于召开县政协十届九次常委会会议的通知") ||
		!strings.Contains(body, "未读 1 条") || !strings.Contains(body, "会议通知") {
		t.Fatalf("inbox %d:\n%s", status, body)
	}
	rs, _, err := e.db.FindNoticeRecipients(context.Background(), app.System, id, store.RecipientFilter{Q: "张三"})
	if err != nil || len(rs) != 1 {
		t.Fatalf("recipients %+v %v", rs, err)
	}
	rid := rs[0].ID
	status, body = c.get("/inbox/" + noticeItoa(rid))
	if status != http.StatusOK || !strings.Contains(body, "定于5月8日上午9时召开。") ||
		!strings.Contains(body, "<p>请准时参加。</p>") || !strings.Contains(body, `href="/meetings/9"`) {
		t.Fatalf("open %d:\n%s", status, body)
	}
	rs, _, _ = e.db.FindNoticeRecipients(context.Background(), app.System, id, store.RecipientFilter{Q: "张三"})
	if rs[0].ReadAt.IsZero() {
		t.Fatal("opening the notice did not record read_at")
	}
	_, body = c.get("/inbox")
	if !strings.Contains(body, "未读 0 条") || !strings.Contains(body, "已读") {
		t.Fatalf("inbox after reading:\n%s", body)
	}
	_, body = c.get("/inbox?status=unread")
	if !strings.Contains(body, "没有通知") {
		t.Fatalf("unread filter:\n%s", body)
	}

	// Another account's inbox does not hold it, and its row answers 404.
	o := e.login("office-a")
	if _, body := o.get("/inbox"); strings.Contains(body, "常委会会议") {
		t.Fatalf("office-a sees the member's notice:\n%s", body)
	}
	if status, _ := o.get("/inbox/" + noticeItoa(rid)); status != http.StatusNotFound {
		t.Fatalf("office-a opens the member's notice: %d", status)
	}
}

func TestNoticeRecipientsForTheOffice(t *testing.T) {
	e := newEnv(t)
	_, id := noticeFixture(t, e)
	m := e.login("member-zhang")
	rs, _, _ := e.db.FindNoticeRecipients(context.Background(), app.System, id, store.RecipientFilter{Q: "张三"})
	m.get("/inbox/" + noticeItoa(rs[0].ID))

	path := "/notices/" + noticeItoa(id) + "/recipients"
	for _, who := range []string{"office-a", "office-city", "leader-a"} {
		status, body := e.login(who).get(path)
		if status != http.StatusOK || !strings.Contains(body, "张三") || !strings.Contains(body, "李四") ||
			!strings.Contains(body, "<dd>1 人，未读 1 人</dd>") {
			t.Fatalf("%s: %d\n%s", who, status, body)
		}
	}
	status, body := e.login("office-a").get(path + "?status=unread")
	if status != http.StatusOK || strings.Contains(body, "张三") || !strings.Contains(body, "李四") {
		t.Fatalf("unread filter: %d\n%s", status, body)
	}
	// County B cannot see county A's notice: not found, not forbidden.
	if status, _ := e.login("office-b").get(path); status != http.StatusNotFound {
		t.Fatalf("office-b: %d", status)
	}
	// A member may not see who has read a notice.
	if status, _ := m.get(path); status != http.StatusForbidden {
		t.Fatalf("member: %d", status)
	}
	if status, _ := e.login("office-a").get("/notices/999999/recipients"); status != http.StatusNotFound {
		t.Fatalf("missing notice: %d", status)
	}
}

func TestInboxNeedsSignIn(t *testing.T) {
	e := newEnv(t)
	res, err := e.anon().http.Get(e.srv.URL + "/inbox")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound && res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous inbox: %d", res.StatusCode)
	}
}

func noticeItoa(n int64) string { return app.Itoa(n) }
