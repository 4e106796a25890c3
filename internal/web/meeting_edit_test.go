package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/web"
)

func TestMeetingEditKeepsInputAndFreezes(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	status, page := c.get(path + "/edit")
	if status != http.StatusOK || !strings.Contains(page, "编辑会议") || !strings.Contains(page, `value="县会议中心"`) ||
		!strings.Contains(page, `name="starts_at"`) {
		t.Fatalf("edit form %d:\n%s", status, page)
	}
	if _, page := c.get(path); !strings.Contains(page, `href="`+path+`/edit"`) {
		t.Errorf("meeting page lacks the edit link")
	}
	// Errors keep what was typed.
	form := url.Values{"term_id": {id(fx.term.ID)}, "kind": {"plenary"}, "starts_at": {fx.starts.Format("2006-01-02T15:04")},
		"ends_at": {fx.starts.Add(-time.Hour).Format("2006-01-02T15:04")}, "place": {"政协礼堂"}, "presider": {"张主席"},
		"quorum_num": {"1"}, "quorum_den": {"2"}, "quorum_strict": {"1"}}
	res := c.post(path+"/edit", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "结束时间应晚于开始时间") ||
		!strings.Contains(b, `value="政协礼堂"`) || !strings.Contains(b, `value="张主席"`) {
		t.Fatalf("invalid edit: %d\n%s", res.StatusCode, b)
	}
	form.Set("ends_at", fx.starts.Add(2*time.Hour).Format("2006-01-02T15:04"))
	form.Set("quorum_num", "3")
	res = c.post(path+"/edit", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "法定人数比例应为不超过1的正分数") ||
		!strings.Contains(b, `value="3"`) {
		t.Fatalf("quorum 3/2: %d\n%s", res.StatusCode, b)
	}
	form.Set("quorum_num", "2")
	form.Set("quorum_den", "3")
	form.Set("quorum_strict", "0")
	if res := c.post(path+"/edit", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.StatusCode, body(res))
	}
	m, err := e.db.FindMeetingByID(context.Background(), app.System, fx.meetingID)
	if err != nil || m.Place != "政协礼堂" || m.Presider != "张主席" || m.Quorum.Num != 2 || m.Quorum.Den != 3 ||
		m.Quorum.Strict || m.Title != "十三届一次会议" {
		t.Fatalf("after edit: %+v %v", m, err)
	}

	// Once open, only topic, place, presider and end change; the rest is shown.
	if res := c.post(path+"/open", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d", res.StatusCode)
	}
	_, page = c.get(path + "/edit")
	if !strings.Contains(page, "只能修改议题、地点、主持人和结束时间") || strings.Contains(page, `name="starts_at"`) ||
		!strings.Contains(page, "不少于应到人数的三分之二") {
		t.Fatalf("edit form of an open meeting:\n%s", page)
	}
	if res := c.post(path+"/edit", url.Values{"place": {"县政协三楼"}, "topic": {"审议工作报告"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit while open: %d\n%s", res.StatusCode, body(res))
	}
	m, _ = e.db.FindMeetingByID(context.Background(), app.System, fx.meetingID)
	if m.Place != "县政协三楼" || m.Topic != "审议工作报告" || !m.StartsAt.Equal(fx.starts) {
		t.Fatalf("after edit while open: %+v", m)
	}
	// County B sees nothing; a leader may not edit.
	if status, _ := e.login("office-b").get(path + "/edit"); status != http.StatusNotFound {
		t.Errorf("county B edit form: %d", status)
	}
	if res := e.login("leader-a").post(path+"/edit", url.Values{"place": {"别处"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader edit: %d", res.StatusCode)
	}
	if res := c.post(path+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", res.StatusCode)
	}
	if _, page := c.get(path + "/edit"); !strings.Contains(page, "会议已结束，不能再修改") || strings.Contains(page, `action="`+path+`/edit"`) {
		t.Fatalf("edit form of a closed meeting:\n%s", page)
	}
	if res := c.post(path+"/edit", url.Values{"place": {"别处"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("edit after close: %d", res.StatusCode)
	}
}

func TestAgendaEdit(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	c.post("/meetings/"+id(fx.meetingID)+"/agenda", url.Values{"kind": {"resolution"}, "title": {"政治决议"}})
	items, err := e.db.FindAgendaItems(context.Background(), app.System, fx.meetingID)
	if err != nil || len(items) != 1 {
		t.Fatalf("items %+v %v", items, err)
	}
	path := "/agenda/" + id(items[0].ID) + "/edit"
	if status, page := c.get(path); status != http.StatusOK || !strings.Contains(page, `value="政治决议"`) {
		t.Fatalf("agenda form %d:\n%s", status, page)
	}
	res := c.post(path, url.Values{"seq": {"1"}, "kind": {"resolution"}, "title": {""}, "note": {"提请大会审议"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写议程名称") ||
		!strings.Contains(b, "提请大会审议") {
		t.Fatalf("invalid agenda edit: %d\n%s", res.StatusCode, b)
	}
	if res := c.post(path, url.Values{"seq": {"1"}, "kind": {"work_plan"}, "title": {"2027年协商工作计划"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agenda edit: %d\n%s", res.StatusCode, body(res))
	}
	if _, page := c.get("/meetings/" + id(fx.meetingID)); !strings.Contains(page, "2027年协商工作计划") ||
		!strings.Contains(page, "协商工作计划</span>") {
		t.Fatalf("meeting page after agenda edit:\n%s", page)
	}
	if status, _ := e.login("office-b").get(path); status != http.StatusNotFound {
		t.Errorf("county B agenda form: %d", status)
	}
}

func TestAgendaDocumentsUploadDownload(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	meetingPath := "/meetings/" + id(fx.meetingID)
	c.post(meetingPath+"/agenda", url.Values{"kind": {"resolution"}, "title": {"政治决议"}})
	items, _ := e.db.FindAgendaItems(context.Background(), app.System, fx.meetingID)
	upPath := "/agenda/" + id(items[0].ID) + "/documents"
	itemField := url.Values{"agenda_item_id": {id(items[0].ID)}}

	pdf := append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), bytes.Repeat([]byte("政治决议 0123456789\n"), 5000)...)
	res := c.postFile(upPath, itemField, "file", "政治决议（草案）.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?ok=uploaded") {
		t.Fatalf("upload: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(res))
	}
	_, page := c.get(meetingPath)
	docs, err := e.db.FindAgendaDocuments(context.Background(), app.System, fx.meetingID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %+v %v", docs, err)
	}
	docPath := "/documents/" + id(docs[0].ID)
	if !strings.Contains(page, "政治决议（草案）.pdf") || !strings.Contains(page, `href="`+docPath+`"`) || !strings.Contains(page, "PDF") {
		t.Fatalf("meeting page lacks the document:\n%s", page)
	}
	dl, err := c.http.Get(e.srv.URL + docPath)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != http.StatusOK || !bytes.Equal(got, pdf) || dl.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(dl.Header.Get("Content-Disposition"), url.PathEscape("政治决议")) ||
		dl.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %d bytes %v", dl.StatusCode, len(got), dl.Header)
	}

	// A program renamed to .pdf is refused with the reason on the page.
	res = c.postFile(upPath, itemField, "file", "决议.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"))
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "不支持该文件类型") {
		t.Fatalf("renamed exe: %d\n%s", res.StatusCode, b)
	}
	res = c.postFile(upPath, itemField, "file", "", nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请选择要上传的文件") {
		t.Fatalf("no file: %d\n%s", res.StatusCode, b)
	}
	// County B: the document does not exist for it.
	b := e.login("office-b")
	if status, _ := b.get(docPath); status != http.StatusNotFound {
		t.Errorf("county B download: %d", status)
	}
	if res := b.post(docPath+"/delete", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B delete: %d", res.StatusCode)
	}
	if res := b.postFile(upPath, itemField, "file", "决议.pdf", pdf); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B upload: %d", res.StatusCode)
	}
	// A member's own account expected at the meeting may read the documents.
	if status, _ := e.login("member-zhang").get(docPath); status != http.StatusOK {
		t.Errorf("expected member download: %d", status)
	}
	// Delete.
	if res := c.post(docPath+"/delete", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", res.StatusCode, body(res))
	}
	if status, _ := c.get(docPath); status != http.StatusNotFound {
		t.Errorf("after delete: %d", status)
	}

	// Over the upload limit: 413, nothing stored.
	small := *e
	small.web = web.New(e.db, web.Config{MaxUploadBytes: 64 << 10}, nil)
	small.srv = httptest.NewServer(small.web)
	t.Cleanup(small.srv.Close)
	sc := small.login("office-a")
	res = sc.postFile(upPath, itemField, "file", "大文件.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 80<<10)...))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the limit: %d\n%s", res.StatusCode, body(res))
	}
	if docs, _ := e.db.FindAgendaDocuments(context.Background(), app.System, fx.meetingID); len(docs) != 0 {
		t.Fatalf("stored after refusals: %+v", docs)
	}
}

func TestVoteWithChosenPassRule(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	c.post(path+"/agenda", url.Values{"kind": {"recommendation"}, "title": {"关于乡村振兴的建议案"}})
	items, _ := e.db.FindAgendaItems(context.Background(), app.System, fx.meetingID)
	c.post(path+"/open", nil)
	for _, m := range fx.members {
		c.post(path+"/signin", url.Values{"member_id": {id(m.ID)}})
	}
	_, page := c.get(path)
	if !strings.Contains(page, `name="rule_base"`) || !strings.Contains(page, `<option value="expected" selected>应到人数</option>`) ||
		!strings.Contains(page, `<option value="1" selected>超过</option>`) {
		t.Fatalf("open-vote form lacks the default rule:\n%s", page)
	}
	votePath := "/agenda/" + id(items[0].ID) + "/vote"
	form := url.Values{"meeting_id": {id(fx.meetingID)}, "agenda_item_id": {id(items[0].ID)}, "mode": {"hands"},
		"rule_base": {"present"}, "rule_num": {"3"}, "rule_den": {"2"}, "rule_strict": {"0"}}
	res := c.post(votePath, form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "通过比例应为不超过1的正分数") ||
		!strings.Contains(b, `<option value="present" selected>实到人数</option>`) {
		t.Fatalf("bad rule: %d\n%s", res.StatusCode, b)
	}
	form.Set("rule_num", "2")
	form.Set("rule_den", "3")
	if res := c.post(votePath, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open vote: %d\n%s", res.StatusCode, body(res))
	}
	votes, err := e.db.FindVotes(context.Background(), app.System, fx.meetingID)
	if err != nil || len(votes) != 1 || votes[0].Rule.Num != 2 || votes[0].Rule.Den != 3 || votes[0].Rule.Strict {
		t.Fatalf("votes %+v %v", votes, err)
	}
	// 2 of 3 present is not less than two thirds: adopted.
	c.post("/votes/"+id(votes[0].ID)+"/hands", url.Values{"for": {"2"}, "against": {"1"}, "abstain": {"0"}})
	if res := c.post("/votes/"+id(votes[0].ID)+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close vote: %d\n%s", res.StatusCode, body(res))
	}
	_, page = c.get(path)
	if !strings.Contains(page, "赞成票不少于实到人数的三分之二") || !strings.Contains(page, "赞成2票，反对1票，弃权0票") ||
		!strings.Contains(page, `<span class="tag ok">通过</span>`) {
		t.Fatalf("result with the rule:\n%s", page)
	}
}
