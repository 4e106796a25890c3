package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// call sends a JSON request with the probe's bearer token (no body when in
// is nil) and decodes a successful answer into out.
func call(p *apiProbe, method, path string, in, out any) (int, probeAnswer) {
	p.t.Helper()
	var a probeAnswer
	if in == nil {
		a = p.do(method, path, "", nil)
	} else {
		a = p.json(method, path, in)
	}
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			p.t.Fatalf("%s: decode: %v", a, err)
		}
	}
	return a.status, a
}

func TestAPIMeetingFlow(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	ctx := context.Background()
	// 李四 gets an own account too, to vote.
	li, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "member-li", DisplayName: "李四",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: fx.members[1].ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, li.ID); err != nil {
		t.Fatal(err)
	}
	office := probeToken(e, "office-a")
	starts := fx.starts.Add(48 * time.Hour)

	type meetingJSON struct {
		ID     int64  `json:"id"`
		Title  string `json:"title"`
		Place  string `json:"place"`
		Status string `json:"status"`
	}
	var m meetingJSON
	status, a := call(office, "POST", "/api/v1/meetings", map[string]any{"committee_id": e.countyA.ID, "term_id": fx.term.ID,
		"kind": "plenary", "starts_at": starts.Format(time.RFC3339), "place": "县会议中心"}, &m)
	if status != http.StatusCreated || m.Title != "十三届二次会议" || m.Status != "draft" {
		t.Fatalf("create: %s", a)
	}
	mp := "/api/v1/meetings/" + id(m.ID)
	// Validation as on the pages: a missing start is a field error.
	status, a = call(office, "POST", "/api/v1/meetings", map[string]any{"committee_id": e.countyA.ID, "term_id": fx.term.ID,
		"kind": "plenary"}, nil)
	if status != http.StatusUnprocessableEntity || a.err.Fields.Get("starts_at") != "请填写开始时间" {
		t.Fatalf("create without a start: %s", a)
	}
	status, a = call(office, "POST", "/api/v1/meetings", map[string]any{"committee_id": e.countyA.ID, "term_id": fx.term.ID,
		"kind": "plenary", "starts_at": "明天上午"}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(a.err.Fields.Get("starts_at"), "RFC 3339") {
		t.Fatalf("create with a bad start: %s", a)
	}
	var list struct {
		Items []meetingJSON `json:"items"`
		Total int           `json:"total"`
	}
	if status, a := call(office, "GET", "/api/v1/meetings?kind=plenary&sort=starts_at", nil, &list); status != 200 ||
		list.Total != 2 || list.Items[0].ID != m.ID {
		t.Fatalf("list: %s", a)
	}
	if status, a := call(office, "GET", "/api/v1/meetings?kind=lunch", nil, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("list with a bad kind: %s", a)
	}
	// PATCH changes only what is sent.
	if status, a := call(office, "PATCH", mp, map[string]any{"place": "政协礼堂", "topic": "审议工作报告"}, &m); status != 200 ||
		m.Place != "政协礼堂" || m.Title != "十三届二次会议" {
		t.Fatalf("patch: %s", a)
	}

	var item struct {
		ID int64 `json:"id"`
	}
	if status, a := call(office, "POST", mp+"/agenda", map[string]any{"kind": "resolution", "title": "政治决议"}, &item); status != http.StatusCreated {
		t.Fatalf("agenda: %s", a)
	}
	var leave struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if status, a := call(office, "POST", mp+"/leave", map[string]any{"member_id": fx.members[2].ID, "reason": "出差"}, &leave); status != http.StatusCreated {
		t.Fatalf("leave: %s", a)
	}
	if status, a := call(office, "POST", "/api/v1/leave/"+id(leave.ID)+"/decision", map[string]any{}, nil); status != http.StatusUnprocessableEntity ||
		a.err.Fields.Get("approve") == "" {
		t.Fatalf("decision without approve: %s", a)
	}
	if status, a := call(office, "POST", "/api/v1/leave/"+id(leave.ID)+"/decision", map[string]any{"approve": true}, &leave); status != 200 ||
		leave.Status != "approved" {
		t.Fatalf("decision: %s", a)
	}

	if status, a := call(office, "POST", mp+"/open", nil, &m); status != 200 || m.Status != "open" {
		t.Fatalf("open: %s", a)
	}
	// Frozen once open.
	if status, a := call(office, "PATCH", mp, map[string]any{"starts_at": starts.Add(time.Hour).Format(time.RFC3339)}, nil); status != http.StatusConflict {
		t.Fatalf("move the start of an open meeting: %s", a)
	}
	for _, mb := range fx.members[:2] {
		if status, a := call(office, "POST", mp+"/signins", map[string]any{"member_id": mb.ID}, nil); status != http.StatusCreated {
			t.Fatalf("sign-in: %s", a)
		}
	}
	if status, a := call(office, "POST", mp+"/signins", map[string]any{"member_id": fx.members[0].ID}, nil); status != http.StatusConflict ||
		!strings.Contains(a.err.Message, "不能重复签到") {
		t.Fatalf("second sign-in: %s", a)
	}
	var att struct {
		Attendance struct{ Expected, Present, Excused int } `json:"attendance"`
		Quorum     struct{ Met bool }                       `json:"quorum"`
		Sentence   string                                   `json:"sentence"`
	}
	if status, a := call(office, "GET", mp+"/attendance", nil, &att); status != 200 || att.Attendance.Expected != 3 ||
		att.Attendance.Present != 2 || att.Attendance.Excused != 1 || !att.Quorum.Met || !strings.Contains(att.Sentence, "符合规定人数") {
		t.Fatalf("attendance: %s", a)
	}
	var expected struct {
		Total int `json:"total"`
	}
	if status, a := call(office, "GET", mp+"/expected", nil, &expected); status != 200 || expected.Total != 3 {
		t.Fatalf("expected: %s", a)
	}

	type voteJSON struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		RuleText string `json:"rule_text"`
		Result   string `json:"result"`
		Cast     int    `json:"cast"`
		Tally    struct {
			For int `json:"for"`
		} `json:"tally"`
	}
	var v voteJSON
	status, a = call(office, "POST", "/api/v1/agenda/"+id(item.ID)+"/votes", map[string]any{"mode": "electronic",
		"rule": map[string]any{"num": 2, "den": 3, "strict": false, "base": "present"}}, &v)
	if status != http.StatusCreated || v.RuleText != "赞成票不少于实到人数的三分之二" || v.Status != "open" {
		t.Fatalf("open vote: %s", a)
	}
	vp := "/api/v1/votes/" + id(v.ID)
	// The office has no ballot of its own.
	if status, a := call(office, "POST", vp+"/ballots", map[string]any{"choice": "for"}, nil); status != http.StatusForbidden {
		t.Fatalf("office ballot: %s", a)
	}
	zhang, liP := probeToken(e, "member-zhang"), probeToken(e, "member-li")
	if status, a := call(zhang, "POST", vp+"/ballots", map[string]any{"choice": "maybe"}, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad choice: %s", a)
	}
	if status, a := call(zhang, "POST", vp+"/ballots", map[string]any{"choice": "for"}, nil); status != http.StatusCreated {
		t.Fatalf("ballot: %s", a)
	}
	// While open: how many have voted, never how.
	if status, a := call(office, "GET", vp, nil, &v); status != 200 || v.Cast != 1 || v.Tally.For != 0 || v.Result != "" {
		t.Fatalf("open vote read: %s", a)
	}
	if status, a := call(liP, "POST", vp+"/ballots", map[string]any{"choice": "for"}, nil); status != http.StatusCreated {
		t.Fatalf("ballot of 李四: %s", a)
	}
	// A member's own account sees its meetings only, and may not close votes.
	if status, a := call(zhang, "POST", vp+"/close", nil, nil); status != http.StatusForbidden {
		t.Fatalf("member closes: %s", a)
	}
	if status, a := call(office, "POST", vp+"/close", nil, &v); status != 200 || v.Status != "closed" || v.Result != "通过" ||
		v.Tally.For != 2 {
		t.Fatalf("close vote: %s", a)
	}
	if status, a := call(office, "POST", mp+"/close", nil, &m); status != 200 || m.Status != "closed" {
		t.Fatalf("close meeting: %s", a)
	}
	if status, a := call(office, "PATCH", mp, map[string]any{"place": "别处"}, nil); status != http.StatusConflict {
		t.Fatalf("patch after close: %s", a)
	}

	// County B: none of it exists.
	b := probeToken(e, "office-b")
	for _, path := range []string{mp, mp + "/attendance", mp + "/agenda", vp} {
		if status, a := call(b, "GET", path, nil, nil); status != http.StatusNotFound {
			t.Errorf("county B GET %s: %s", path, a)
		}
	}
	if status, _ := call(b, "GET", "/api/v1/meetings", nil, &list); status != 200 || list.Total != 0 {
		t.Errorf("county B list: %d meetings", list.Total)
	}
}
