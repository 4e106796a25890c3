package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// apiError is the JSON error answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

func (e apiError) field(name string) string {
	for _, f := range e.Error.Fields {
		if f.Field == name {
			return f.Message
		}
	}
	return ""
}

// raw sends a JSON body as it is, with the session's CSRF header.
func (c *client) raw(method, path, body string, out any) int {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		c.t.Fatalf("%s %s: decode: %v", method, path, err)
	}
	return res.StatusCode
}

var han = regexp.MustCompile(`\p{Han}`)

// wantAPIError checks an error answer's status and that its message (and
// each named field's reason) is in Chinese.
func wantAPIError(t *testing.T, what string, status, want int, e apiError, fields ...string) {
	t.Helper()
	if status != want || !han.MatchString(e.Error.Message) {
		t.Fatalf("%s: %d %+v, want %d with a Chinese message", what, status, e, want)
	}
	for _, f := range fields {
		if !han.MatchString(e.field(f)) {
			t.Fatalf("%s: field %s not named in Chinese: %+v", what, f, e)
		}
	}
}

type proposalDetail struct {
	Proposal store.Proposal       `json:"proposal"`
	Steps    []store.ProposalStep `json:"steps"`
	Next     []struct {
		To string `json:"to"`
	} `json:"next"`
	Work store.ProposalWork `json:"work"`
}

// The proposals API end to end: the office drafts (refused without its
// fields), moves the proposal through the graph (refused transitions and
// requirements answered in Chinese with fields), lists and reads it; the
// unit signs, is refused a return without a reason and a reply without a
// grade or document, replies with a PDF; the proposer rates; another unit
// gets 404.
func TestProposalAPI(t *testing.T) {
	pe := newUnitProposalEnv(t)
	office := pe.login("office-a")
	var e apiError

	// Create: every missing field named.
	status := office.api("POST", "/api/v1/proposals", map[string]any{"author_kind": "member"}, &e)
	wantAPIError(t, "empty proposal", status, http.StatusUnprocessableEntity, e, "term_id", "session", "title", "member_id")
	e = apiError{}
	status = office.api("POST", "/api/v1/proposals", map[string]any{"term_id": pe.term.ID, "session": 4,
		"title": "关于加强农村饮水安全的建议", "member_id": pe.zhang.ID, "category": "不存在的分类"}, &e)
	wantAPIError(t, "bad category", status, http.StatusUnprocessableEntity, e, "category")
	var p store.Proposal
	status = office.api("POST", "/api/v1/proposals", map[string]any{"term_id": pe.term.ID, "session": 4,
		"title": "关于加强农村饮水安全的建议", "reason": "部分村庄水质不稳定", "member_id": pe.zhang.ID, "category": "社会建设"}, &p)
	if status != http.StatusCreated || p.State != proposal.Draft || p.Proposer != "张三" || p.ID == 0 {
		t.Fatalf("create: %d %+v", status, p)
	}
	base := "/api/v1/proposals/" + id(p.ID)

	// Bodies that are not what a route takes: 422 naming the problem, nothing changed.
	for route, typed := range map[string]string{"PUT " + base: "title", "POST " + base + "/advance": "note",
		"POST " + base + "/cosign": "member_id", "POST " + base + "/sign": "unit_id", "POST " + base + "/return": "note",
		"POST " + base + "/reply": "unit_id", "POST " + base + "/rating": "unit_id"} {
		method, path, _ := strings.Cut(route, " ")
		for raw, field := range map[string]string{`{"no_such_field": 1}`: "no_such_field", `[1]`: "", `{} {}`: "",
			`{"` + typed + `": true}`: typed} {
			e = apiError{}
			status := office.raw(method, path, raw, &e)
			wantAPIError(t, route+" "+raw, status, http.StatusUnprocessableEntity, e)
			if field != "" && e.field(field) == "" {
				t.Fatalf("%s %s: field %s not named: %+v", route, raw, field, e)
			}
		}
	}
	var d proposalDetail
	if status := office.api("GET", base, nil, &d); status != http.StatusOK || len(d.Steps) != 1 || d.Proposal.State != proposal.Draft {
		t.Fatalf("bad bodies changed the proposal: %d %+v", status, d)
	}

	// Advance: a transition the graph lacks, a missing target, a requirement unmet.
	e = apiError{}
	status = office.api("POST", base+"/advance", map[string]any{"to": proposal.Filed}, &e)
	wantAPIError(t, "draft to filed", status, http.StatusConflict, e)
	e = apiError{}
	status = office.api("POST", base+"/advance", map[string]any{"note": "x"}, &e)
	wantAPIError(t, "advance without to", status, http.StatusUnprocessableEntity, e, "to")
	for _, to := range []string{proposal.Submitted, proposal.Filed} {
		if status := office.api("POST", base+"/advance", map[string]any{"to": to}, &p); status != http.StatusOK || p.State != to {
			t.Fatalf("advance to %s: %d %+v", to, status, p)
		}
	}
	if p.Number != "第十三届第四次会议第0001号" {
		t.Fatalf("number %q", p.Number)
	}
	e = apiError{}
	status = office.api("POST", base+"/advance", map[string]any{"to": proposal.Assigned,
		"units": []map[string]any{{"unit_id": pe.jiao.ID, "lead": false}}}, &e)
	wantAPIError(t, "assign without a lead unit", status, http.StatusUnprocessableEntity, e, "units")
	e = apiError{}
	status = office.api("POST", base+"/advance", map[string]any{"to": proposal.Assigned, "deadline": "2000-01-01",
		"units": []map[string]any{{"unit_id": pe.jian.ID, "lead": true}}}, &e)
	wantAPIError(t, "deadline in the past", status, http.StatusUnprocessableEntity, e, "deadline")
	if st := pe.state(t, p.ID); st != proposal.Filed {
		t.Fatalf("refused assignments changed the state: %s", st)
	}
	status = office.api("POST", base+"/advance", map[string]any{"to": proposal.Assigned,
		"units": []map[string]any{{"unit_id": pe.jian.ID, "lead": true}}}, &p)
	if status != http.StatusOK || p.State != proposal.Assigned || len(p.Units) != 1 || p.Units[0] != pe.jian.Name {
		t.Fatalf("assign: %d %+v", status, p)
	}
	// Editing after filing is refused.
	e = apiError{}
	status = office.api("PUT", base, map[string]any{"term_id": pe.term.ID, "session": 4, "title": "改题", "member_id": pe.zhang.ID}, &e)
	wantAPIError(t, "edit after filing", status, http.StatusConflict, e)

	// The list with filters; a bad filter named.
	var list struct {
		Items []store.Proposal `json:"items"`
		Total int              `json:"total"`
	}
	if status := office.api("GET", "/api/v1/proposals?state=assigned&q=饮水&unit_id="+id(pe.jian.ID), nil, &list); status != http.StatusOK ||
		list.Total != 1 || list.Items[0].ID != p.ID {
		t.Fatalf("list: %d %+v", status, list)
	}
	e = apiError{}
	status = office.api("GET", "/api/v1/proposals?term_id=abc", nil, &e)
	wantAPIError(t, "bad term filter", status, http.StatusUnprocessableEntity, e, "term_id")

	// The unit: its list; a return request without a reason; signing.
	unit := pe.login("unit-a")
	var mine []store.ProposalAssignment
	if status := unit.api("GET", "/api/v1/unit/proposals?open=1", nil, &mine); status != http.StatusOK || len(mine) != 1 ||
		mine[0].ProposalID != p.ID || mine[0].Status != store.PAAssigned || mine[0].Number != p.Number {
		t.Fatalf("unit list: %d %+v", status, mine)
	}
	e = apiError{}
	status = unit.api("POST", base+"/return", map[string]any{"note": " "}, &e)
	wantAPIError(t, "return without reason", status, http.StatusUnprocessableEntity, e, "note")
	d = proposalDetail{}
	if status := unit.api("POST", base+"/sign", map[string]any{}, &d); status != http.StatusOK || d.Proposal.State != proposal.Accepted ||
		d.Work.Assignments[0].Status != store.PASigned {
		t.Fatalf("sign: %d %+v", status, d)
	}
	// A reply without grade and document: both named; as JSON and as multipart.
	e = apiError{}
	status = unit.api("POST", base+"/reply", map[string]any{"body": "正在办理"}, &e)
	wantAPIError(t, "JSON reply without grade", status, http.StatusUnprocessableEntity, e, "grade", "document")
	e = apiError{}
	res := unit.multipart(base+"/reply", url.Values{"grade": {"C"}}, "", "", nil, &e)
	wantAPIError(t, "multipart reply, grade C without reason or document", res.StatusCode, http.StatusUnprocessableEntity, e,
		"reason", "document")
	e = apiError{}
	res = unit.multipart(base+"/reply", url.Values{"grade": {"B"}}, "document", "答复.docx", []byte("%PDF-1.4 x"), &e)
	wantAPIError(t, "a PDF named .docx", res.StatusCode, http.StatusUnprocessableEntity, e, "document")
	d = proposalDetail{}
	res = unit.multipart(base+"/reply", url.Values{"grade": {"B"}, "body": {"已列入2027年农村供水提升工程"}}, "document", "答复函.pdf", pdf, &d)
	if res.StatusCode != http.StatusCreated || d.Proposal.State != proposal.Replied || d.Work.Assignments[0].Grade != proposal.GradeB ||
		len(d.Work.Assignments[0].Replies) != 1 || len(d.Work.Assignments[0].Replies[0].Files) != 1 {
		t.Fatalf("reply: %d %+v", res.StatusCode, d)
	}

	// Another unit: 404 on every route of it.
	other := pe.login("unit-a2")
	if status := other.api("GET", base, nil, nil); status != http.StatusNotFound {
		t.Fatalf("another unit reads it: %d", status)
	}
	for _, path := range []string{"/sign", "/return", "/reply"} {
		e = apiError{}
		if status := other.api("POST", base+path, map[string]any{"note": "冒名"}, &e); status != http.StatusNotFound ||
			!strings.Contains(e.Error.Message, "提案") {
			t.Fatalf("another unit POST %s: %d %+v", path, status, e)
		}
	}

	// The proposer rates; the office may not rate a member's proposal.
	e = apiError{}
	status = office.api("POST", base+"/rating", map[string]any{"unit_id": pe.jian.ID, "satisfaction": "basically", "contact": "phone"}, &e)
	wantAPIError(t, "office rates", status, http.StatusForbidden, e)
	zhang := pe.login("member-zhang")
	e = apiError{}
	status = zhang.api("POST", base+"/rating", map[string]any{"unit_id": pe.jian.ID, "satisfaction": "so-so", "contact": "phone"}, &e)
	wantAPIError(t, "bad rating", status, http.StatusUnprocessableEntity, e, "satisfaction")
	d = proposalDetail{}
	status = zhang.api("POST", base+"/rating", map[string]any{"unit_id": pe.jian.ID, "satisfaction": "basically", "contact": "phone"}, &d)
	if status != http.StatusOK || d.Proposal.State != proposal.Rated || d.Work.Assignments[0].Satisfaction != proposal.FairlySatisfied {
		t.Fatalf("rating: %d %+v", status, d)
	}

	// The office reads it all: the steps in order and what it may do next.
	d = proposalDetail{}
	if status := office.api("GET", base, nil, &d); status != http.StatusOK {
		t.Fatalf("detail: %d", status)
	}
	var path []string
	for _, s := range d.Steps {
		path = append(path, s.To)
	}
	want := []string{proposal.Draft, proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.Accepted, proposal.Replied, proposal.Rated}
	if strings.Join(path, ",") != strings.Join(want, ",") || len(d.Next) != 1 || d.Next[0].To != proposal.Closed {
		t.Fatalf("steps %v next %+v", path, d.Next)
	}
}

// Co-signing through the API: the member signs, twice is refused, withdraws.
func TestProposalAPICosign(t *testing.T) {
	pe := newUnitProposalEnv(t)
	office := pe.login("office-a")
	var p store.Proposal
	if status := office.api("POST", "/api/v1/proposals", map[string]any{"term_id": pe.term.ID, "session": 4,
		"title": "关于发展县域职业教育的建议", "member_id": pe.li.ID}, &p); status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	base := "/api/v1/proposals/" + id(p.ID)
	if status := office.api("POST", base+"/advance", map[string]any{"to": proposal.Cosigning}, &p); status != http.StatusOK ||
		p.CosignDeadline == "" {
		t.Fatalf("open co-signing: %d %+v", status, p)
	}
	zhang := pe.login("member-zhang")
	var d proposalDetail
	if status := zhang.api("POST", base+"/cosign", map[string]any{}, &d); status != http.StatusOK || len(d.Work.Cosigners) != 1 ||
		d.Work.Cosigners[0].Name != "张三" {
		t.Fatalf("co-sign: %d %+v", status, d)
	}
	var e apiError
	status := zhang.api("POST", base+"/cosign", map[string]any{}, &e)
	wantAPIError(t, "co-sign twice", status, http.StatusConflict, e)
	d = proposalDetail{}
	if status := zhang.api("DELETE", base+"/cosign", nil, &d); status != http.StatusOK || len(d.Work.Cosigners) != 0 {
		t.Fatalf("withdraw: %d %+v", status, d)
	}
	e = apiError{}
	status = office.api("POST", base+"/cosign", map[string]any{}, &e)
	wantAPIError(t, "office co-signs nobody", status, http.StatusUnprocessableEntity, e, "member_id")
}
