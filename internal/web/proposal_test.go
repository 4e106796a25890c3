package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// proposalEnv is the test server with county A's 10th term, a sector,
// three members each with an account (wy-qian, wy-sun, wy-li; 吴委 of no
// term has none) and two handling units: 住建局 and the fixture's unit-a.
type proposalEnv struct {
	*env
	term              org.Term
	sector            org.Sector
	qian, sun, li, wu member.Member
	jian, other       store.Unit
}

func newProposalEnv(t *testing.T) proposalEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	pe := proposalEnv{env: e}
	var err error
	pe.term, err = e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10,
		StartDate: app.DateOf(e.db.Today().Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if pe.sector, err = e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 1}); err != nil {
		t.Fatal(err)
	}
	mk := func(name, username string) member.Member {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name, Workplace: name + "的单位"},
			&member.MembershipInput{TermID: pe.term.ID, SectorID: pe.sector.ID, StartDate: pe.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: username, DisplayName: name,
			Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: m.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		return m
	}
	pe.qian, pe.sun, pe.li = mk("钱委", "wy-qian"), mk("孙委", "wy-sun"), mk("李委", "wy-li")
	if pe.wu, err = e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "吴委"}); err != nil {
		t.Fatal(err)
	}
	if pe.jian, err = e.db.CreateUnit(ctx, app.System, store.UnitInput{CommitteeID: e.countyA.ID, Name: "县住房和城乡建设局",
		Kind: store.UnitGovernment}); err != nil {
		t.Fatal(err)
	}
	units, err := e.db.FindUnits(ctx, app.System, store.UnitFilter{CommitteeID: e.countyA.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.ID != pe.jian.ID {
			pe.other = u // 单位unit-a, made by the fixture
		}
	}
	if pe.other.ID == 0 {
		t.Fatal("no fixture unit")
	}
	return pe
}

var pdf = []byte("%PDF-1.4 test")

var proposalLoc = regexp.MustCompile(`^/proposals/(\d+)\?ok=`)

// created posts the new-proposal form and returns the proposal's id.
func created(t *testing.T, c *client, fields url.Values, file string, data []byte) int64 {
	t.Helper()
	res := c.postFile("/proposals/new", fields, "file", file, data)
	m := proposalLoc.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create proposal: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(res))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// proposal reads a proposal as the platform, or (a draft, which only its
// proposer and writer see) as one of the members.
func (pe proposalEnv) proposal(t *testing.T, id int64) store.Proposal {
	t.Helper()
	p, err := pe.db.FindProposalByID(context.Background(), app.System, id)
	for _, m := range []member.Member{pe.qian, pe.sun, pe.li} {
		if app.ErrorCode(err) != app.ENOTFOUND {
			break
		}
		p, err = pe.db.FindProposalByID(context.Background(), app.Actor{Role: string(auth.MemberRole), MemberID: m.ID,
			Path: pe.countyA.Path, CommitteeID: pe.countyA.ID}, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pageHas(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, page)
		}
	}
}

func pageLacks(t *testing.T, what, page string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(page, w) {
			t.Fatalf("%s shows %q", what, w)
		}
	}
}

// A member writes a proposal (its text escaped on every page), opens
// co-signing, another member co-signs and withdraws and signs again, a
// co-signer cannot submit, early submission needs a reason, and the
// proposer submits it: numbered, in both members' own lists.
func TestProposalMemberWritesAndCosigns(t *testing.T) {
	pe := newProposalEnv(t)
	qian := pe.login("wy-qian")
	status, page := qian.get("/proposals/new")
	pageHas(t, "new form", page, "提案人：<strong>钱委</strong>", `name="title"`, `name="reason"`, `name="suggestions"`,
		`<option value="`+id(pe.term.ID)+`" selected>第十届</option>`)
	pageLacks(t, "member's new form", page, `name="author_kind"`, `name="member"`)
	if status != http.StatusOK {
		t.Fatalf("new: %d", status)
	}
	title := `<script>alert(1)</script>关于加快老旧小区改造的建议`
	// A refused form keeps what was typed and writes nothing.
	res := qian.postFile("/proposals/new", url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "reason": {"设施<b>老化</b>"}},
		"file", "说明.txt", []byte("plain"))
	b := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused create: %d", res.StatusCode)
	}
	pageHas(t, "refused create", b, "请填写提案标题", "说明.txt：", "设施&lt;b&gt;老化&lt;/b&gt;")
	if ps, total, _ := pe.db.FindProposals(context.Background(), app.System, store.ProposalFilter{}); total != 0 {
		t.Fatalf("refused form wrote %d proposals: %+v", total, ps)
	}
	pid := created(t, qian, url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "title": {title},
		"reason": {"设施<b>老化</b>"}, "suggestions": {"一是……"}, "category": {"社会建设"}}, "调研报告.pdf", pdf)
	p := pe.proposal(t, pid)
	if p.State != proposal.Draft || p.MemberID != pe.qian.ID || p.Title != title {
		t.Fatalf("created %+v", p)
	}
	path := "/proposals/" + id(pid)
	_, page = qian.get(path)
	pageHas(t, "draft page", page, "&lt;script&gt;alert(1)&lt;/script&gt;关于加快老旧小区改造的建议", "草稿", "钱委",
		"设施&lt;b&gt;老化&lt;/b&gt;", "调研报告.pdf", `name="to" value="cosigning"`, `name="to" value="submitted"`, path+"/edit")
	pageLacks(t, "draft page", page, "<script>alert(1)", path+"/key", "代为录入答复", `value="filed"`)
	// Another member does not see the draft.
	sun := pe.login("wy-sun")
	if status, _ := sun.get(path); status != http.StatusNotFound {
		t.Fatalf("another member reads the draft: %d", status)
	}
	// The proposer edits the draft; the form comes filled in.
	_, page = qian.get(path + "/edit")
	pageHas(t, "edit form", page, `value="&lt;script&gt;alert(1)&lt;/script&gt;关于加快老旧小区改造的建议"`, "设施&lt;b&gt;老化&lt;/b&gt;",
		`<option value="社会建设" selected>`)
	seeOther(t, qian, path+"/edit", url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "title": {title},
		"reason": {"设施<b>老化</b>"}, "suggestions": {"一是……二是……"}, "category": {"经济建设"}})
	if p := pe.proposal(t, pid); p.Category != "经济建设" || p.Suggestions != "一是……二是……" || p.MemberID != pe.qian.ID {
		t.Fatalf("edited %+v", p)
	}
	seeOther(t, qian, path+"/advance", url.Values{"to": {"cosigning"}})
	// The other member co-signs, withdraws, and co-signs again.
	_, page = sun.get(path)
	pageHas(t, "co-signing page", page, "征集联名至", `action="`+path+`/cosign"`)
	pageLacks(t, "co-signer's page", page, `name="to"`, path+"/edit")
	seeOther(t, sun, path+"/cosign", nil)
	_, page = sun.get(path)
	pageHas(t, "after co-signing", page, "孙委的单位", "撤回我的联名")
	seeOther(t, sun, path+"/uncosign", nil)
	seeOther(t, sun, path+"/cosign", nil)
	res = sun.post(path+"/cosign", nil)
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "孙委已联名本提案") {
		t.Fatalf("co-sign twice: %d", res.StatusCode)
	}
	// A co-signer may not submit; the proposer must say why before the deadline.
	if res := sun.post(path+"/advance", url.Values{"to": {"submitted"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("co-signer submits: %d", res.StatusCode)
	}
	res = qian.post(path+"/advance", url.Values{"to": {"submitted"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "提前提交请说明理由") {
		t.Fatalf("early submit: %d\n%s", res.StatusCode, b)
	}
	if p := pe.proposal(t, pid); p.State != proposal.Cosigning || p.Number != "" {
		t.Fatalf("refused submit changed %s %q", p.State, p.Number)
	}
	seeOther(t, qian, path+"/advance", url.Values{"to": {"submitted"}, "note": {"会期临近"}})
	p = pe.proposal(t, pid)
	if p.State != proposal.Submitted || p.Number != "第十届第四次会议第0001号" || p.Cosigners != 1 {
		t.Fatalf("submitted: %s %q %d", p.State, p.Number, p.Cosigners)
	}
	// Submitted: the proposer no longer edits it.
	if status, _ := qian.get(path + "/edit"); status != http.StatusConflict {
		t.Fatalf("proposer edits after submission: %d", status)
	}
	if res := qian.post(path+"/edit", url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "title": {"改"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("proposer posts an edit after submission: %d", res.StatusCode)
	}
	// Both members find it among their own; the list shows number, proposer and co-signers.
	for _, c := range []*client{qian, sun} {
		_, page = c.get("/proposals")
		pageHas(t, "member's list", page, "我的提案（1）", "第十届第四次会议第0001号", "联名 1 人", "全部提案", "已提交")
	}
	_, page = pe.login("wy-li").get("/proposals")
	pageHas(t, "third member's list", page, "我的提案（0）", "第十届第四次会议第0001号")
	_, page = qian.get("/proposals?mine=1&term_id=&session=")
	pageHas(t, "mine only", page, "第十届第四次会议第0001号")
	pageLacks(t, "mine only", page, "我的提案（")
	// The attachment downloads for readers of the committee, not for another county.
	_, page = qian.get(path)
	fileID := grab(t, `/proposal-files/(\d+)`, page, "attachment link")
	res2, err := sun.http.Get(pe.srv.URL + "/proposal-files/" + fileID)
	if err != nil || res2.StatusCode != 200 || res2.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %v %v", err, res2)
	}
	res2.Body.Close()
	if status, _ := pe.login("office-b").get("/proposal-files/" + fileID); status != http.StatusNotFound {
		t.Fatalf("county B downloads: %d", status)
	}
}

// The office writes a proposal for a member by name, and takes it through
// filing, refused forms (not filed without a reason, a merge across
// sessions, an assignment without a lead unit) that change nothing,
// merging, assignment to a lead and a supporting unit, signing and a
// reply on the units' behalf, the proposer's rating, closure and the key
// mark; a member's page shows none of the office's forms.
func TestProposalOfficeFilesAndAssigns(t *testing.T) {
	pe := newProposalEnv(t)
	ctx := context.Background()
	office := pe.login("office-a")
	_, page := office.get("/proposals/new")
	pageHas(t, "office form", page, `name="author_kind"`, `name="member"`, `<option value="孙委#`+id(pe.sun.ID)+`">`,
		`name="group_kind"`, "经济界")
	form := url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "author_kind": {"member"}, "member": {"无名氏"},
		"reason": {"停车难"}}
	res := office.postFile("/proposals/new", form, "file", "", nil)
	b := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused office create: %d", res.StatusCode)
	}
	pageHas(t, "refused office create", b, "第十届委员中没有名为“无名氏”的委员", "请填写提案标题", `value="无名氏"`, "停车难")
	form.Set("member", "吴委") // a member of the committee but not of the term
	form.Set("title", "关于缓解城区停车难的建议")
	res = office.postFile("/proposals/new", form, "file", "", nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "第十届委员中没有名为“吴委”的委员") {
		t.Fatalf("member of no term: %d", res.StatusCode)
	}
	form.Set("member", "钱委")
	pid := created(t, office, form, "", nil)
	if p := pe.proposal(t, pid); p.MemberID != pe.qian.ID || p.Proposer != "钱委" {
		t.Fatalf("office's proposal for qian: %+v", p)
	}
	// A group proposal of the sector.
	gid := created(t, office, url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "author_kind": {"group"},
		"group_kind": {"sector"}, "sector_id": {id(pe.sector.ID)}, "title": {"关于停车场建设的建议"}}, "", nil)
	// One of session 5, to be refused as a merge target across sessions.
	lid := created(t, office, url.Values{"term_id": {id(pe.term.ID)}, "session": {"5"}, "author_kind": {"member"},
		"member": {"李委#" + id(pe.li.ID)}, "title": {"小区加装电梯"}}, "", nil)
	path, gpath, lpath := "/proposals/"+id(pid), "/proposals/"+id(gid), "/proposals/"+id(lid)
	// The office gathers co-signers for 李委's proposal: adds one by name, is refused one of no term, removes one.
	seeOther(t, office, lpath+"/advance", url.Values{"to": {"cosigning"}})
	seeOther(t, office, lpath+"/cosign", url.Values{"member": {"孙委"}})
	seeOther(t, office, lpath+"/cosign", url.Values{"member": {"钱委#" + id(pe.qian.ID)}})
	res = office.post(lpath+"/cosign", url.Values{"member": {"吴委"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "第十届委员中没有名为“吴委”的委员") ||
		!strings.Contains(b, `value="吴委"`) {
		t.Fatalf("co-signer of no term: %d", res.StatusCode)
	}
	_, page = office.get(lpath)
	pageHas(t, "co-signing (office)", page, "孙委的单位", "钱委的单位", lpath+"/uncosign", `name="member_id" value="`+id(pe.sun.ID)+`"`)
	seeOther(t, office, lpath+"/uncosign", url.Values{"member_id": {id(pe.sun.ID)}})
	if l := pe.proposal(t, lid); l.Cosigners != 1 {
		t.Fatalf("co-signers after the office's changes: %d", l.Cosigners)
	}
	seeOther(t, office, lpath+"/advance", url.Values{"to": {"submitted"}, "note": {"会期临近"}})
	for _, p := range []string{path, gpath} {
		seeOther(t, office, p+"/advance", url.Values{"to": {"submitted"}})
	}
	// The office still edits a submitted proposal; its number stays.
	seeOther(t, office, path+"/edit", url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "author_kind": {"member"},
		"member": {"钱委#" + id(pe.qian.ID)}, "title": {"关于缓解城区停车难的建议"}, "reason": {"停车难，车位少"}})
	if p := pe.proposal(t, pid); p.Reason != "停车难，车位少" || p.Number != "第十届第四次会议第0001号" {
		t.Fatalf("office's edit: %q %q", p.Reason, p.Number)
	}
	if g := pe.proposal(t, gid); g.Proposer != "经济界" || g.AuthorKind != proposal.ByGroup {
		t.Fatalf("group proposal %+v", g)
	}
	_, page = office.get(path)
	pageHas(t, "submitted page (office)", page, "第十届第四次会议第0001号", `value="filed"`, `value="not_filed"`,
		`name="conversion"`, `name="merge_into"`, "第十届第四次会议第0002号 关于停车场建设的建议", path+"/edit")
	pageLacks(t, "merge choices", page, "小区加装电梯")
	// Not filed without a reason: 422, nothing changed.
	res = office.post(path+"/advance", url.Values{"to": {"not_filed"}, "conversion": {"letter"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写理由") ||
		!strings.Contains(b, `value="letter" checked`) {
		t.Fatalf("not filed without reason: %d", res.StatusCode)
	}
	if p := pe.proposal(t, pid); p.State != proposal.Submitted || p.Conversion != "" {
		t.Fatalf("refused not-filed changed %s %q", p.State, p.Conversion)
	}
	// A merge across sessions: the store's reason, nothing changed.
	res = office.post(lpath+"/advance", url.Values{"to": {"merged"}, "merge_into": {id(pid)}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "只能并入同一次会议的提案") {
		t.Fatalf("merge across sessions: %d", res.StatusCode)
	}
	if l := pe.proposal(t, lid); l.State != proposal.Submitted || l.MergedInto != 0 {
		t.Fatalf("refused merge changed %+v", l)
	}
	// A transition the graph does not have from here: the reason at the top of the page.
	res = office.post(path+"/advance", url.Values{"to": {"closed"}})
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "不能从“已提交”直接转到“已办结”") {
		t.Fatalf("skipping to closed: %d", res.StatusCode)
	}
	seeOther(t, office, path+"/advance", url.Values{"to": {"filed"}})
	seeOther(t, office, gpath+"/advance", url.Values{"to": {"merged"}, "merge_into": {id(pid)}})
	_, page = office.get(path)
	pageHas(t, "filed page", page, "已立案", "并入本案的提案", "关于停车场建设的建议", `name="unit_`+id(pe.jian.ID)+`"`,
		`name="deadline"`, "县住房和城乡建设局")
	_, gpage := office.get(gpath)
	pageHas(t, "merged page", gpage, "已并入", "关于缓解城区停车难的建议", "经济界")
	// An assignment without a lead unit is refused whole.
	res = office.post(path+"/advance", url.Values{"to": {"assigned"}, "unit_" + id(pe.other.ID): {"support"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请至少选择一个主办单位") ||
		!strings.Contains(b, `value="support" aria-label="单位unit-a会办" checked`) {
		t.Fatalf("no lead unit: %d\n%s", res.StatusCode, b)
	}
	if w, _ := pe.db.FindProposalWork(ctx, app.System, pid); len(w.Assignments) != 0 || pe.proposal(t, pid).State != proposal.Filed {
		t.Fatalf("refused assignment left %d assignments", len(w.Assignments))
	}
	seeOther(t, office, path+"/advance", url.Values{"to": {"assigned"}, "unit_" + id(pe.jian.ID): {"lead"},
		"unit_" + id(pe.other.ID): {"support"}})
	p := pe.proposal(t, pid)
	if p.State != proposal.Assigned || len(p.Units) != 2 || p.Units[0] != "县住房和城乡建设局" {
		t.Fatalf("assigned: %s %v", p.State, p.Units)
	}
	_, page = office.get("/proposals?state=assigned&session=4")
	pageHas(t, "list of assigned", page, "关于缓解城区停车难的建议", "县住房和城乡建设局", "单位unit-a（会办）", p.ReplyDue)
	pageLacks(t, "list of assigned", page, "小区加装电梯")
	_, page = office.get("/proposals?unit_id=" + id(pe.jian.ID) + "&term_id=&session=")
	pageHas(t, "list by unit", page, "关于缓解城区停车难的建议")
	_, page = office.get(path)
	pageHas(t, "assigned page", page, "待签收", "主办", "会办", "代为签收")
	// The office signs for both units and enters the lead unit's reply.
	seeOther(t, office, path+"/sign", url.Values{"unit_id": {id(pe.jian.ID)}})
	seeOther(t, office, path+"/sign", url.Values{"unit_id": {id(pe.other.ID)}})
	if p := pe.proposal(t, pid); p.State != proposal.Accepted {
		t.Fatalf("both signed: %s", p.State)
	}
	res = office.postFile(path+"/reply", url.Values{"unit_id": {id(pe.jian.ID)}, "body": {"正在办理"}}, "document", "", nil)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请选择办理类别") ||
		!strings.Contains(b, "请上传答复文件") || !strings.Contains(b, "正在办理") {
		t.Fatalf("reply without grade and document: %d", res.StatusCode)
	}
	res = office.postFile(path+"/reply", url.Values{"unit_id": {id(pe.jian.ID)}, "grade": {"B"}, "body": {"已列入改造计划"}},
		"document", "答复函.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, body(res))
	}
	if p := pe.proposal(t, pid); p.State != proposal.Replied {
		t.Fatalf("replied: %s", p.State)
	}
	// The proposer's page: the rating form, none of the office's forms.
	qian := pe.login("wy-qian")
	_, page = qian.get(path)
	pageHas(t, "proposer's page", page, "B类（正在解决或列入计划解决）", "答复函.pdf", path+"/rate", "基本满意")
	pageLacks(t, "proposer's page", page, path+"/sign", path+"/reply", path+"/key", `value="reply_returned"`, "代为")
	_, page = pe.login("wy-sun").get(path)
	pageLacks(t, "another member's page", page, path+"/rate", path+"/sign", path+"/key", `name="to"`)
	if _, page := office.get(path); strings.Contains(page, path+"/rate") {
		t.Fatal("the office may not rate a member's proposal")
	}
	res = qian.post(path+"/rate", url.Values{"unit_id": {id(pe.jian.ID)}, "contact": {"face"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请选择满意、基本满意或不满意") {
		t.Fatalf("rating without satisfaction: %d", res.StatusCode)
	}
	seeOther(t, qian, path+"/rate", url.Values{"unit_id": {id(pe.jian.ID)}, "satisfaction": {"basically"}, "contact": {"face"}})
	if p := pe.proposal(t, pid); p.State != proposal.Rated {
		t.Fatalf("rated: %s", p.State)
	}
	seeOther(t, office, path+"/advance", url.Values{"to": {"closed"}})
	// Key proposal: the leader is required; the mark shows on the page and in the list filter.
	res = office.post(path+"/key", url.Values{"key_year": {"2026"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写督办领导") {
		t.Fatalf("key without leader: %d", res.StatusCode)
	}
	seeOther(t, office, path+"/key", url.Values{"key_year": {"2026"}, "key_leader": {"张主席"}})
	_, page = office.get(path)
	pageHas(t, "closed page", page, "已办结", "2026年度重点提案", "张主席", "基本满意", "当面沟通", "办理经过", "交县住房和城乡建设局（主办）")
	_, page = office.get("/proposals?key=1&term_id=&session=")
	pageHas(t, "key list", page, "关于缓解城区停车难的建议", "重点")
	pageLacks(t, "key list", page, "小区加装电梯")
	// Leaders read; they neither write nor act.
	leader := pe.login("leader-a")
	_, page = leader.get(path)
	pageLacks(t, "leader's page", page, `name="to"`, path+"/key")
	_, page = leader.get("/proposals")
	pageLacks(t, "leader's list", page, "撰写提案")
	if status, _ := leader.get("/proposals/new"); status != http.StatusForbidden {
		t.Fatalf("leader writes: %d", status)
	}
	if status, _ := pe.login("office-b").get(path); status != http.StatusNotFound {
		t.Fatalf("county B reads: %d", status)
	}
}

// The proposal workflow editor saves a committee's proposal graph (with a
// pre-review step) without touching its topic graph; members may not.
func TestProposalGraphEditor(t *testing.T) {
	pe := newProposalEnv(t)
	ctx := context.Background()
	c := pe.login("office-a")
	code, page := c.get("/proposals/graph")
	if code != 200 {
		t.Fatalf("editor: %d", code)
	}
	pageHas(t, "proposal graph editor", page, "提案办理流程", "平台内置流程", `value="cosigning"`, `action="/proposals/graph"`,
		"<code>merge_into</code>", "<code>unit</code>")
	g := proposal.Graph()
	form := url.Values{"committee_id": {id(pe.countyA.ID)}, "initial": {g.Initial}}
	for _, s := range g.States {
		final := "0"
		if s.Final {
			final = "1"
		}
		form.Add("state_code", s.Code)
		form.Add("state_label", s.Label)
		form.Add("state_progress", strconv.Itoa(s.Progress))
		form.Add("state_due", strconv.Itoa(s.DueDays))
		form.Add("state_final", final)
	}
	form.Add("state_code", "prereview")
	form.Add("state_label", "预审")
	form.Add("state_progress", "15")
	form.Add("state_due", "10")
	form.Add("state_final", "0")
	for _, tr := range g.Transitions {
		form.Add("tr_from", tr.From)
		form.Add("tr_to", tr.To)
		form.Add("tr_label", tr.Label)
		form.Add("tr_roles", strings.Join(tr.Roles, ","))
		form.Add("tr_requires", strings.Join(tr.Requires, ","))
	}
	form.Add("tr_from", "submitted")
	form.Add("tr_to", "prereview")
	form.Add("tr_label", "送预审")
	form.Add("tr_roles", "office")
	form.Add("tr_requires", "")
	// A requirement the proposal store does not know is refused.
	form.Add("tr_from", "prereview")
	form.Add("tr_to", "filed")
	form.Add("tr_label", "预审通过")
	form.Add("tr_roles", "office")
	form.Add("tr_requires", "meeting")
	res := c.post("/proposals/graph", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "meeting") ||
		!strings.Contains(b, `value="prereview"`) {
		t.Fatalf("unknown requirement: %d\n%s", res.StatusCode, b)
	}
	form["tr_requires"][len(form["tr_requires"])-1] = "reason"
	if res := pe.login("wy-qian").post("/proposals/graph", form); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member saves the graph: %d", res.StatusCode)
	}
	seeOther(t, c, "/proposals/graph", form)
	pg, own, err := pe.db.FindGraph(ctx, app.System, pe.countyA.ID, store.GraphKindProposal)
	if err != nil || !own || len(pg.States) != len(g.States)+1 || len(pg.Transitions) != len(g.Transitions)+2 {
		t.Fatalf("saved proposal graph: own %v, %d states, %v", own, len(pg.States), err)
	}
	if _, own, _ := pe.db.FindGraph(ctx, app.System, pe.countyA.ID, store.GraphKindTopic); own {
		t.Fatal("the topic graph changed")
	}
	_, page = c.get("/proposals/graph")
	pageHas(t, "saved editor", page, "本政协已自定义提案办理流程", `value="prereview"`)
	// The next proposal offers the pre-review on its page.
	pid := created(t, c, url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "member": {"钱委"}, "title": {"农村饮水安全"}}, "", nil)
	seeOther(t, c, "/proposals/"+id(pid)+"/advance", url.Values{"to": {"submitted"}})
	_, page = c.get("/proposals/" + id(pid))
	pageHas(t, "page after the graph changed", page, `value="prereview"`, "送预审")
	seeOther(t, c, "/proposals/graph/reset", url.Values{"committee_id": {id(pe.countyA.ID)}})
	if _, own, _ := pe.db.FindGraph(ctx, app.System, pe.countyA.ID, store.GraphKindProposal); own {
		t.Fatal("reset kept the committee's graph")
	}
}

// The committee's rules: shown with the defaults, refused out of range
// with what was typed, saved, and not for members.
func TestProposalRulesForm(t *testing.T) {
	pe := newProposalEnv(t)
	c := pe.login("office-a")
	_, page := c.get("/proposals/rules")
	pageHas(t, "rules", page, `name="cosign_days"`, `value="15"`, `value="3"`, `value="7"`, "议事室联络员")
	res := c.post("/proposals/rules", url.Values{"committee_id": {id(pe.countyA.ID)}, "cosign_days": {"0"}, "reply_months": {"3"},
		"sign_days": {"7"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "联名期限应为1至90天") ||
		!strings.Contains(b, `value="0"`) {
		t.Fatalf("bad rules: %d", res.StatusCode)
	}
	seeOther(t, c, "/proposals/rules", url.Values{"committee_id": {id(pe.countyA.ID)}, "cosign_days": {"20"}, "reply_months": {"2"},
		"sign_days": {"5"}, "report_roles": {"coordinator"}})
	r, err := pe.db.FindProposalRules(context.Background(), app.System, pe.countyA.ID)
	if err != nil || r.CosignDays != 20 || r.ReplyMonths != 2 || r.SignDays != 5 || len(r.ReportRoles) != 1 {
		t.Fatalf("saved rules %+v %v", r, err)
	}
	if res := pe.login("wy-qian").post("/proposals/rules", url.Values{"committee_id": {id(pe.countyA.ID)}, "cosign_days": {"1"},
		"reply_months": {"1"}, "sign_days": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member saves rules: %d", res.StatusCode)
	}
}
