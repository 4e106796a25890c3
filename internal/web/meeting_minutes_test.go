package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

func TestMeetingNoticeAccess(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	path := "/meetings/" + id(fx.meetingID)

	// A leader reads meetings but does not send notices; county B does not
	// see county A's meeting at all.
	leader := e.login("leader-a")
	if status, _ := leader.get(path + "/notice"); status != http.StatusForbidden {
		t.Errorf("leader notice page: %d", status)
	}
	if res := leader.post(path+"/notify", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader notify: %d", res.StatusCode)
	}
	b := e.login("office-b")
	if status, _ := b.get(path + "/notice"); status != http.StatusNotFound {
		t.Errorf("county B notice page: %d", status)
	}
	if res := b.post(path+"/notify", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B notify: %d", res.StatusCode)
	}
	if status, _ := b.get(path + "/minutes"); status != http.StatusNotFound {
		t.Errorf("county B minutes: %d", status)
	}
	if status, _ := b.get(path + "/attendance.xlsx"); status != http.StatusNotFound {
		t.Errorf("county B sheet: %d", status)
	}
	ns, err := e.db.FindMeetingNotices(context.Background(), app.System, fx.meetingID)
	if err != nil || len(ns) != 0 {
		t.Fatalf("notices after refused attempts: %+v %v", ns, err)
	}

	// A leader may read the minutes and download the sheet; a member account may not.
	if status, page := leader.get(path + "/minutes"); status != http.StatusOK ||
		!strings.Contains(page, "甲县政协十三届一次会议纪要") || !strings.Contains(page, "会议尚未结束") ||
		!strings.Contains(page, "会议应到委员3人，实到0人，不符合规定人数。") {
		t.Fatalf("leader minutes %d:\n%s", status, page)
	}
	if status, _ := leader.get(path + "/attendance.xlsx"); status != http.StatusOK {
		t.Errorf("leader sheet: %d", status)
	}
	if status, _ := e.login("member-zhang").get(path + "/attendance.xlsx"); status != http.StatusForbidden {
		t.Errorf("member sheet: %d", status)
	}
}

func TestMeetingNoticeClosedMeeting(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	path := "/meetings/" + id(fx.meetingID)
	c := e.login("office-a")
	c.post(path+"/open", nil)
	c.post(path+"/signin", url.Values{"member_id": {id(fx.members[0].ID)}})
	c.post(path+"/close", nil)
	m, err := e.db.FindMeetingByID(context.Background(), app.System, fx.meetingID)
	if err != nil || m.Status != meeting.Closed {
		t.Fatalf("meeting %+v %v", m, err)
	}
	if status, page := c.get(path + "/notice"); status != http.StatusOK || strings.Contains(page, "发送会议通知</button>") {
		t.Fatalf("notice page of a closed meeting %d:\n%s", status, page)
	}
	res := c.post(path+"/notify", nil)
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "会议已结束，不能再发送会议通知") {
		t.Fatalf("notify closed meeting: %d\n%s", res.StatusCode, b)
	}
	// The closed meeting's minutes: no draft note, one present, two absent.
	_, page := c.get(path + "/minutes")
	if strings.Contains(page, "会议尚未结束") || !strings.Contains(page, "会议应到委员3人，实到1人，不符合规定人数。") {
		t.Fatalf("minutes of the closed meeting:\n%s", page)
	}
}
