package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// unitProposalEnv is the test server with county A's 13th term, two seated
// members (张三 with the member account "member-zhang"), and two handling
// units with an account each: unit-a's (made by the fixture) and unit-a2's.
type unitProposalEnv struct {
	*env
	term       org.Term
	zhang, li  member.Member
	jian, jiao store.Unit // unit-a's and unit-a2's
	office     app.Actor
}

func newUnitProposalEnv(t *testing.T) unitProposalEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	pe := unitProposalEnv{env: e, office: app.Actor{AccountID: 1, Name: "提案委", Role: "office", OrgID: e.countyA.ID,
		Path: e.countyA.Path, CommitteeID: e.countyA.CommitteeID}}
	var err error
	pe.term, err = e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13,
		StartDate: app.DateOf(e.db.Today().Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	seat := func(name string) member.Member {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: pe.term.ID, SectorID: sector.ID, StartDate: pe.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	pe.zhang, pe.li = seat("张三"), seat("李四")
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "member-zhang", DisplayName: "张三",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: pe.zhang.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	units, err := e.db.FindUnits(ctx, pe.office, store.UnitFilter{})
	if err != nil || len(units) != 1 {
		t.Fatalf("units %+v %v", units, err)
	}
	pe.jian = units[0]
	a2 := e.account("unit-a2", auth.Unit, e.countyA.ID)
	if pe.jiao, err = e.db.FindUnitByID(ctx, pe.office, a2.UnitID); err != nil {
		t.Fatal(err)
	}
	return pe
}

// assigned writes a proposal of 张三 and takes it through submission and
// filing to assignment to the units, as the office.
func (pe unitProposalEnv) assigned(t *testing.T, title string, units ...store.AssignUnit) store.Proposal {
	t.Helper()
	ctx := context.Background()
	p, err := pe.db.CreateProposal(ctx, pe.office, proposal.Input{TermID: pe.term.ID, Session: 4, Title: title,
		Reason: "城区停车位缺口大，<b>占道停车</b>严重。", Suggestions: "一是挖潜建设公共停车场；二是错时共享。",
		Category: "社会建设", MemberID: pe.zhang.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []store.ProposalAdvance{{To: proposal.Submitted}, {To: proposal.Filed},
		{To: proposal.Assigned, Units: units}} {
		if p, err = pe.db.AdvanceProposal(ctx, pe.office, p.ID, step); err != nil {
			t.Fatalf("%s to %s: %v", title, step.To, err)
		}
	}
	return p
}

// assignment reads the unit's assignment of a proposal from the database.
func (pe unitProposalEnv) assignment(t *testing.T, proposalID, unitID int64) store.ProposalAssignment {
	t.Helper()
	w, err := pe.db.FindProposalWork(context.Background(), app.System, proposalID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range w.Assignments {
		if a.UnitID == unitID && !a.Withdrawn {
			return a
		}
	}
	t.Fatalf("proposal %d has no assignment of unit %d", proposalID, unitID)
	return store.ProposalAssignment{}
}

func (pe unitProposalEnv) state(t *testing.T, id int64) string {
	t.Helper()
	p, err := pe.db.FindProposalByID(context.Background(), app.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return p.State
}

// multipart posts fields and an optional file (field fileField) with the
// session's CSRF token as a header, as a page or an API client would, and
// returns the response; out, when non-nil, receives the JSON answer.
func (c *client) multipart(path string, fields url.Values, fileField, fileName string, data []byte, out any) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	if out != nil {
		raw, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("POST %s: decode %q: %v", path, raw, err)
		}
	}
	return res
}

// A unit's whole part through its pages: the inbox counts, the list, the
// proposal as it sees it, a return request refused without a reason and
// made with one, signing, replies refused without a grade or a document
// (what was typed kept), a graded reply with a PDF, the office returning
// it and the list saying why, overdue flags; another unit gets 404 for it.
func TestUnitProposalSignReturnReply(t *testing.T) {
	pe := newUnitProposalEnv(t)
	ctx := context.Background()
	p := pe.assigned(t, "关于缓解城区停车难的建议", store.AssignUnit{UnitID: pe.jian.ID, Lead: true}, store.AssignUnit{UnitID: pe.jiao.ID})
	other := pe.assigned(t, "关于校园周边交通安全的建议", store.AssignUnit{UnitID: pe.jiao.ID, Lead: true})
	path := "/unit/proposals/" + id(p.ID)

	unit := pe.login("unit-a")
	status, page := unit.get("/unit")
	if status != http.StatusOK {
		t.Fatalf("/unit: %d", status)
	}
	mustContain(t, "/unit", page, `href="/unit/proposals"`, "交办的提案", "待签收 1 件", "办理中 0 件")
	status, page = unit.get("/unit/proposals")
	if status != http.StatusOK {
		t.Fatalf("list: %d", status)
	}
	mustContain(t, "list", page, "关于缓解城区停车难的建议", "第十三届第四次会议第0001号", "待签收", "签收期限", "主办",
		pe.assignment(t, p.ID, pe.jian.ID).SignBy)
	if strings.Contains(page, "校园周边") {
		t.Fatal("the list shows another unit's proposal")
	}

	// Another unit's proposal is not there for it, by page, action, file or API.
	for _, get := range []string{"/unit/proposals/" + id(other.ID), "/api/v1/proposals/" + id(other.ID)} {
		if status, _ := unit.get(get); status != http.StatusNotFound {
			t.Fatalf("GET %s: %d", get, status)
		}
	}
	for _, post := range []string{"/sign", "/return", "/reply"} {
		res := unit.post("/unit/proposals/"+id(other.ID)+post, url.Values{"note": {"冒名"}, "grade": {"A"}})
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("POST %s on another unit's proposal: %d", post, res.StatusCode)
		}
	}
	if a := pe.assignment(t, other.ID, pe.jiao.ID); a.Status != store.PAAssigned {
		t.Fatalf("another unit's assignment changed: %s", a.Status)
	}

	status, page = unit.get(path)
	if status != http.StatusOK {
		t.Fatalf("proposal page: %d", status)
	}
	mustContain(t, "proposal page", page, "关于缓解城区停车难的建议", "张三", "&lt;b&gt;占道停车&lt;/b&gt;", "错时共享",
		"本单位办理情况", "共同承办的单位", pe.jiao.Name+"（会办）", `action="`+path+`/sign"`, `action="`+path+`/return"`)
	if strings.Contains(page, `action="`+path+`/reply"`) {
		t.Fatal("the reply form is offered before signing")
	}

	// The supporting unit asks to return it: without a reason refused, nothing changed.
	jiao := pe.login("unit-a2")
	res := jiao.post(path+"/return", url.Values{"note": {"  "}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写申请退回的理由") ||
		!strings.Contains(b, `id="e-note"`) {
		t.Fatalf("return without reason: %d %s", res.StatusCode, b)
	}
	if a := pe.assignment(t, p.ID, pe.jiao.ID); a.Status != store.PAAssigned || pe.state(t, p.ID) != proposal.Assigned {
		t.Fatalf("refused return changed %s / %s", a.Status, pe.state(t, p.ID))
	}
	res = jiao.post(path+"/return", url.Values{"note": {"学校周边道路不属于本单位职责"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", res.StatusCode, body(res))
	}
	if a := pe.assignment(t, p.ID, pe.jiao.ID); a.Status != store.PAReturnAsked || a.ReturnReason != "学校周边道路不属于本单位职责" ||
		pe.state(t, p.ID) != proposal.ReturnAsked {
		t.Fatalf("return asked: %+v %s", a, pe.state(t, p.ID))
	}
	_, page = jiao.get(path + "?ok=proposal_return_asked")
	mustContain(t, "after asking", page, "退回申请已提交", "已申请退回，等待政协提案委审核")
	// The office refuses; both units sign; the proposal is accepted.
	if _, err := pe.db.AdvanceProposal(ctx, pe.office, p.ID, store.ProposalAdvance{To: proposal.Assigned, Note: "涉及学校周边，请会办"}); err != nil {
		t.Fatal(err)
	}
	if res := unit.post(path+"/sign", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", res.StatusCode, body(res))
	}
	res = unit.post(path+"/sign", nil)
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "不需要签收") {
		t.Fatalf("sign twice: %d", res.StatusCode)
	}
	if res := jiao.post(path+"/sign", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("jiao signs: %d", res.StatusCode)
	}
	if st := pe.state(t, p.ID); st != proposal.Accepted {
		t.Fatalf("after both signed: %s", st)
	}
	_, page = unit.get(path)
	mustContain(t, "after signing", page, "办理中", `action="`+path+`/reply"`, `enctype="multipart/form-data"`)

	// A lead unit's reply without a grade and a document: 422, both named, what was typed kept, nothing stored.
	res = unit.multipart(path+"/reply", url.Values{"body": {"正在与住建部门会商<方案>"}}, "", "", nil, nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `id="e-grade"`) ||
		!strings.Contains(b, "请选择办理类别") || !strings.Contains(b, `id="e-document"`) || !strings.Contains(b, "请上传答复文件") ||
		!strings.Contains(b, "正在与住建部门会商&lt;方案&gt;") {
		t.Fatalf("reply without grade and document: %d %s", res.StatusCode, b)
	}
	// Grade C without its reason, and a document that is not PDF or Word.
	res = unit.multipart(path+"/reply", url.Values{"grade": {"C"}, "body": {"暂不具备条件"}}, "document", "答复.pdf", []byte("not a pdf"), nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "C类答复须说明") ||
		!strings.Contains(b, `<option value="C" selected`) {
		t.Fatalf("grade C without reason: %d %s", res.StatusCode, b)
	}
	res = unit.multipart(path+"/reply", url.Values{"grade": {"B"}, "body": {"已列入计划"}}, "document", "答复.txt", []byte("plain text"), nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `id="e-document"`) ||
		!strings.Contains(b, "不支持该文件类型") {
		t.Fatalf("reply with a text file: %d %s", res.StatusCode, b)
	}
	if a := pe.assignment(t, p.ID, pe.jian.ID); a.Status != store.PASigned {
		t.Fatalf("refused replies changed the assignment: %s", a.Status)
	}
	res = unit.multipart(path+"/reply", url.Values{"grade": {"A"}, "body": {"新增公共停车位1200个"}}, "document", "答复函.pdf", pdf, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, body(res))
	}
	a := pe.assignment(t, p.ID, pe.jian.ID)
	w, err := pe.db.FindProposalWork(ctx, app.System, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var reply store.ProposalReply
	for _, x := range w.Assignments {
		if x.UnitID == pe.jian.ID {
			reply = x.Replies[len(x.Replies)-1]
		}
	}
	if a.Status != store.PAReplied || a.Grade != proposal.GradeA || len(reply.Files) != 1 || reply.Files[0].FileName != "答复函.pdf" ||
		reply.Body != "新增公共停车位1200个" || pe.state(t, p.ID) != proposal.Replied {
		t.Fatalf("after the reply: %+v %+v %s", a, reply, pe.state(t, p.ID))
	}
	_, page = unit.get(path)
	mustContain(t, "after replying", page, "待审核", "答复函.pdf", "A类（已解决或采纳）", "/unit/proposals/files/"+id(reply.Files[0].ID))

	// The reply's document: the unit and the co-assigned unit read it; a unit of another committee does not.
	fileURL := "/unit/proposals/files/" + id(reply.Files[0].ID)
	if status, b := unit.get(fileURL); status != http.StatusOK || b != string(pdf) {
		t.Fatalf("file: %d", status)
	}
	if status, _ := jiao.get(fileURL); status != http.StatusOK {
		t.Fatalf("co-assigned unit's file: %d", status)
	}
	if status, _ := pe.login("unit-city").get(fileURL); status != http.StatusNotFound {
		t.Fatalf("a city unit reads the file: %d", status)
	}

	// The office returns the reply; the list and the page say why, and the form comes back.
	if _, err := pe.db.AdvanceProposal(ctx, pe.office, p.ID, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "答复未说明资金来源"}); err != nil {
		t.Fatal(err)
	}
	_, page = unit.get("/unit/proposals")
	mustContain(t, "list after the return", page, "答复退回重办", "退回理由：答复未说明资金来源", "答复期限")
	_, page = unit.get(path)
	mustContain(t, "page after the return", page, "第1次答复", "退回重办", "答复未说明资金来源", "重新答复")

	// Four months on, the returned reply is overdue.
	now := pe.db.Now
	pe.db.Now = func() time.Time { return now().AddDate(0, 4, 0) }
	defer func() { pe.db.Now = now }()
	unit, jiao = pe.login("unit-a"), pe.login("unit-a2") // the sessions expired meanwhile
	_, page = unit.get("/unit/proposals?show=overdue")
	mustContain(t, "overdue list", page, "关于缓解城区停车难的建议", "已逾期")
	_, page = unit.get("/unit")
	mustContain(t, "/unit when overdue", page, "已逾期 1 件")
	// The supporting unit still has its opinion to give: both of its proposals are open.
	_, page = jiao.get("/unit/proposals")
	mustContain(t, "the supporting unit's list", page, "关于缓解城区停车难的建议", "会办", "关于校园周边交通安全的建议")
}
