package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/notice"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// noticeRoutes: the inbox of every signed-in account, and for the office the
// page showing whom a notice has reached.
//
// Opening a notice is a GET that records read_at. It writes, but only the
// fact that the account itself opened its own notice, once (the first time
// is kept), and changes no domain data: a read receipt belongs to the act of
// reading, and a separate "mark as read" POST would leave notices people have
// read shown as unread to the office. A cross-site page could at most mark
// one of the victim's own notices read, and only by guessing its id.
func (s *Server) noticeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/inbox", Handle: s.inboxList},
		{Method: "GET", Pattern: "/inbox/{id}", Handle: s.inboxShow},
		{Method: "GET", Pattern: "/notices/{id}/recipients", Perm: auth.MemberRead, Handle: s.noticeRecipients},
	}
}

const (
	inboxPageSize     = 50
	recipientPageSize = 100
)

// noticeTime formats a time in the committee's zone.
func (s *Server) noticeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.db.Loc).Format("2006-01-02 15:04")
}

// noticeListRest is the query without paging and flash, for pager links.
func noticeListRest(q url.Values) url.Values {
	rest := url.Values{}
	for k, v := range q {
		if k != "offset" && k != "ok" {
			rest[k] = v
		}
	}
	return rest
}

func (s *Server) inboxList(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	f := store.InboxFilter{Unread: q.Get("status") == "unread", Q: strings.TrimSpace(q.Get("q")),
		Sort: q.Get("sort"), Desc: q.Get("dir") == "desc",
		Offset: queryInt(r, "offset", 0, 1_000_000_000), Limit: inboxPageSize}
	items, total, err := s.db.FindInbox(ctx, a, f)
	if err != nil {
		return err
	}
	unread, err := s.db.CountUnread(ctx, a)
	if err != nil {
		return err
	}
	d := view.InboxList{Total: total, Unread: unread, Q: q}
	for _, it := range items {
		d.Rows = append(d.Rows, view.InboxRow{ID: it.RecipientID, Subject: it.Notice.Subject,
			Kind: it.Notice.Kind.Label(), From: it.Notice.OrgName, At: s.noticeTime(it.Notice.CreatedAt),
			Unread: it.ReadAt.IsZero()})
	}
	d.Filters = []view.Field{
		{Name: "status", Label: "状态", Value: q.Get("status"),
			Options: []view.Option{{Value: "", Label: "全部"}, {Value: "unread", Label: "未读"}}},
		{Name: "q", Label: "标题", Type: "search", Value: q.Get("q")},
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: inboxPageSize, Query: noticeListRest(q), Path: "/inbox"}
	return render(w, r, http.StatusOK, view.InboxPage(page(r, "我的通知", "inbox"), d))
}

func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.OpenInboxItem(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	n := it.Notice
	d := view.InboxShow{Subject: n.Subject, Kind: n.Kind.Label(), From: n.OrgName, At: s.noticeTime(n.CreatedAt)}
	for _, p := range strings.Split(n.Body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.Paragraphs = append(d.Paragraphs, p)
		}
	}
	if notice.RelativeLink(n.Link) {
		d.Link = n.Link
	}
	return render(w, r, http.StatusOK, view.InboxShowPage(page(r, n.Subject, "inbox"), d))
}

func (s *Server) noticeRecipients(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	n, err := s.db.FindNoticeByID(ctx, a, id)
	if err != nil {
		return err
	}
	st, err := s.db.FindNoticeStats(ctx, a, id)
	if err != nil {
		return err
	}
	f := store.RecipientFilter{Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"),
		Desc: q.Get("dir") == "desc", Offset: queryInt(r, "offset", 0, 1_000_000_000), Limit: recipientPageSize}
	rows, total, err := s.db.FindNoticeRecipients(ctx, a, id, f)
	if err != nil {
		return err
	}
	path := "/notices/" + app.Itoa(id) + "/recipients"
	d := view.NoticeRecipients{ID: id, Subject: n.Subject, From: n.OrgName, At: s.noticeTime(n.CreatedAt), Q: q, Path: path}
	d.Stats = []view.MemberKV{
		{Label: "通知对象", Value: app.Itoa(int64(st.Recipients)) + " 人"},
		{Label: "已读", Value: app.Itoa(int64(st.Read)) + " 人，未读 " + app.Itoa(int64(st.Recipients-st.Read)) + " 人"},
		{Label: "电子邮件", Value: "已发送 " + app.Itoa(int64(st.Emailed)) + "，待发送 " + app.Itoa(int64(st.EmailPending)) +
			"，未送达 " + app.Itoa(int64(st.EmailError))},
		{Label: "短信", Value: "已发送 " + app.Itoa(int64(st.SMSSent)) + "，待发送 " + app.Itoa(int64(st.SMSPending)) +
			"，未送达 " + app.Itoa(int64(st.SMSError))},
	}
	for _, rs := range rows {
		row := view.NoticeRecipientRow{Name: rs.Name, Read: s.noticeTime(rs.ReadAt)}
		row.Email, row.EmailTone = s.deliveryState(rs.EmailStatus, rs.EmailedAt, rs.EmailError)
		row.SMS, row.SMSTone = s.deliveryState(rs.SMSStatus, rs.SMSAt, rs.SMSError)
		d.Rows = append(d.Rows, row)
	}
	d.Filters = []view.Field{
		{Name: "status", Label: "状态", Value: f.Status, Options: []view.Option{{Value: "", Label: "全部"},
			{Value: "read", Label: "已读"}, {Value: "unread", Label: "未读"}, {Value: "failed", Label: "未送达"}}},
		{Name: "q", Label: "姓名", Type: "search", Value: q.Get("q")},
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: recipientPageSize, Query: noticeListRest(q), Path: path}
	return render(w, r, http.StatusOK, view.NoticeRecipientsPage(page(r, "通知送达情况", "inbox"), d))
}

// deliveryState puts one channel's delivery in words with a tag tone.
func (s *Server) deliveryState(status string, at time.Time, errText string) (string, string) {
	switch {
	case status == "sent":
		return "已发送 " + s.noticeTime(at), "ok"
	case status == "failed":
		return "发送失败：" + errText, "err"
	case status == "pending" && errText != "":
		return errText, "warn"
	case status == "pending":
		return "待发送", ""
	case errText != "":
		return errText, "warn" // e.g. 未登记手机号
	}
	return "—", ""
}
