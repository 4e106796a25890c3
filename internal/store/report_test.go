package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func mustReport(t *testing.T, db *store.DB, a app.Actor, in store.ReportInput) store.Report {
	t.Helper()
	r, err := db.CreateReport(context.Background(), a, in)
	if err != nil {
		t.Fatalf("create report %q: %v", in.Title, err)
	}
	return r
}

func authorNames(r store.Report) string {
	var s []string
	for _, a := range r.Authors {
		n := a.Name
		if a.MergedFrom != 0 {
			n += "(并)"
		}
		if a.MemberID == 0 {
			n += "(非委员)"
		}
		s = append(s, n)
	}
	return strings.Join(s, ",")
}

func reportDuty(t *testing.T, db *store.DB, memberID int64) []store.DutyEvent {
	t.Helper()
	es, _, err := db.FindDutyEvents(context.Background(), app.System, store.DutyFilter{MemberID: memberID})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.DutyEvent
	for _, e := range es {
		if e.Source == store.SourceReportAdoption {
			out = append(out, e)
		}
	}
	return out
}

// TestReportLifecycle: a member's report co-written with another is merged
// with a third member's, forwarded and adopted at city level with a
// leader's instruction; each author's duty event scores a quarter (both
// co-written and merged), a report written alone scores in full; a level is
// adopted once; members neither adopt nor see other committees' reports.
func TestReportLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		office := w.actorA
		qian, zhao := w.memberActor(w.qian), w.memberActor(w.zhao)

		// A member submits: itself first, its co-author by name.
		r1 := mustReport(t, db, qian, store.ReportInput{Year: 2024, Title: "关于加强农村养老服务的建议",
			Body: "农村留守老人多，养老服务设施不足。", Authors: []store.ReportAuthorInput{{Member: "孙委"}}})
		if r1.State != proposal.ReportSubmitted || authorNames(r1) != "钱委,孙委" || r1.OrgID != w.countyA.ID ||
			r1.CommitteeID != w.countyA.ID || r1.Submitter != qian.Name {
			t.Fatalf("r1 = %+v", r1)
		}
		r2 := mustReport(t, db, zhao, store.ReportInput{Year: 2024, Title: "农村互助养老点运营难", Body: "运营经费不足。"})
		// The office names any authors: a member without a seat, a non-member.
		r3 := mustReport(t, db, office, store.ReportInput{Year: 2024, Title: "城区停车难问题", Body: "老城区停车位缺口大。",
			Authors: []store.ReportAuthorInput{{Member: "吴外"}}})
		if authorNames(r3) != "吴外" || r3.Submitter != office.Name {
			t.Fatalf("r3 = %+v", r3)
		}

		// Bad input: field errors in Chinese, nothing written.
		_, err := db.CreateReport(ctx, qian, store.ReportInput{Year: 2024, Body: "x"})
		wantErr(t, "no title", err, app.EINVALID, "title", "请填写信息标题")
		_, err = db.CreateReport(ctx, office, store.ReportInput{Year: 2024, Title: "无作者", Body: "x"})
		wantErr(t, "office without authors", err, app.EINVALID, "authors", "至少一名作者")
		_, err = db.CreateReport(ctx, office, store.ReportInput{Year: 2024, Title: "查无此人", Body: "x",
			Authors: []store.ReportAuthorInput{{Member: "查无此人"}}})
		wantErr(t, "unknown member", err, app.EINVALID, "authors", "没有名为“查无此人”的委员")
		_, err = db.CreateReport(ctx, qian, store.ReportInput{Year: 2024, Title: "重复", Body: "x",
			Authors: []store.ReportAuthorInput{{Member: "孙委"}, {Member: "孙委#" + app.Itoa(w.sun.ID)}}})
		wantErr(t, "duplicate author", err, app.EINVALID, "authors", "重复")
		coord := actorAt(w.countyA)
		coord.Role, coord.Name, coord.AccountID = string(auth.Coordinator), "联络员老周", 77
		_, err = db.CreateReport(ctx, coord, store.ReportInput{Year: 2024, Title: "村道破损", Body: "x"})
		wantErr(t, "coordinator not allowed", err, app.EFORBIDDEN, "", "不能报送")
		_, err = db.CreateReport(ctx, coord, store.ReportInput{}) // the role is refused before the text is checked
		wantErr(t, "coordinator, empty report", err, app.EFORBIDDEN, "", "不能报送")

		// A member neither handles nor adopts.
		city := proposal.Adoption{Level: proposal.City, AdoptedOn: app.MustDate("2024-05-20"),
			AdoptedBy: "市政协办公室《社情民意》第5期", Instruction: "请市民政局会同有关部门研究落实。", Leader: "王市长"}
		_, err = db.AdoptReport(ctx, qian, r1.ID, city)
		wantErr(t, "member adopts", err, app.EFORBIDDEN, "", "只有政协机关")
		_, err = db.MergeReports(ctx, qian, r1.ID, []int64{r2.ID}, "")
		wantErr(t, "member merges", err, app.EFORBIDDEN, "", "只有政协机关")

		// Merge: refused as a whole when one report cannot be merged.
		bMember, err := db.CreateMember(ctx, w.actorB, w.countyB.ID, person("阳谷委员", 900))
		if err != nil {
			t.Fatal(err)
		}
		bReport := mustReport(t, db, w.actorB, store.ReportInput{Year: 2024, Title: "阳谷的信息", Body: "x",
			Authors: []store.ReportAuthorInput{{MemberID: bMember.ID}}})
		// Another county's report is not found, whatever the text: it is looked up before the text is checked.
		_, err = db.UpdateReport(ctx, office, bReport.ID, proposal.ReportText{})
		wantErr(t, "empty edit of another county's report", err, app.ENOTFOUND, "", "")
		_, err = db.MergeReports(ctx, office, r1.ID, []int64{r2.ID, bReport.ID}, "")
		wantErr(t, "merge across committees", err, app.EINVALID, "merge_ids", "不存在或不在本账号管辖范围内")
		if r, _ := db.FindReportByID(ctx, office, r2.ID); r.State != proposal.ReportSubmitted || r.MergedInto != 0 {
			t.Fatalf("half-merged: %+v", r)
		}
		merged, err := db.MergeReports(ctx, office, r1.ID, []int64{r2.ID}, "内容相近")
		if err != nil {
			t.Fatal(err)
		}
		if merged.State != proposal.ReportEditing || authorNames(merged) != "钱委,孙委,赵常(并)" ||
			len(merged.MergedFrom) != 1 || merged.MergedFrom[0].ID != r2.ID || !merged.Merged() {
			t.Fatalf("after merge: %+v", merged)
		}
		gone, err := db.FindReportByID(ctx, office, r2.ID)
		if err != nil || gone.State != proposal.ReportMerged || gone.MergedInto != r1.ID || gone.MergedIntoTitle != r1.Title {
			t.Fatalf("merged report: %+v %v", gone, err)
		}
		_, err = db.MergeReports(ctx, office, r3.ID, []int64{r2.ID}, "")
		wantErr(t, "merge a merged report", err, app.EINVALID, "merge_ids", "已合并")
		_, err = db.AdoptReport(ctx, office, r2.ID, city)
		wantErr(t, "adopt a merged report", err, app.ECONFLICT, "", "已合并")

		// The office edits the text: audited with before and after.
		edited, err := db.UpdateReport(ctx, office, r1.ID, proposal.ReportText{Year: 2024,
			Title: "关于加强农村养老服务体系建设的建议", Body: r1.Body + "建议设立互助养老点。", Category: "社会民生"})
		if err != nil || edited.Title != "关于加强农村养老服务体系建设的建议" || edited.Category != "社会民生" {
			t.Fatalf("edit: %+v %v", edited, err)
		}
		es, _, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Entity: "report", EntityID: r1.ID,
			Action: "report_update"})
		if err != nil || len(es) != 1 || !strings.Contains(es[0].Before, "关于加强农村养老服务的建议") ||
			!strings.Contains(es[0].After, "体系建设") {
			t.Fatalf("edit audit: %+v %v", es, err)
		}

		// Forwarded, then adopted at city level with an instruction.
		if _, err := db.ForwardReport(ctx, office, r1.ID, store.ForwardInput{}); err == nil ||
			app.ErrorFields(err).Get("to") == "" {
			t.Fatalf("forward without a body: %v", err)
		}
		fw, err := db.ForwardReport(ctx, office, r1.ID, store.ForwardInput{To: "市政协办公室", On: app.MustDate("2024-05-10")})
		if err != nil || fw.State != proposal.ReportForwarded || fw.ForwardedTo != "市政协办公室" {
			t.Fatalf("forward: %+v %v", fw, err)
		}
		if _, err := db.UpdateReport(ctx, office, r1.ID, proposal.ReportText{Year: 2024, Title: "再改", Body: "x"}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("edit after forwarding: %v", err)
		}
		ad, err := db.AdoptReport(ctx, office, r1.ID, city)
		if err != nil || ad.Level != proposal.City || ad.Leader != "王市长" {
			t.Fatalf("adopt: %+v %v", ad, err)
		}
		for _, m := range []struct {
			name string
			id   int64
		}{{"钱委", w.qian.ID}, {"孙委", w.sun.ID}, {"赵常", w.zhao.ID}} {
			ev := reportDuty(t, db, m.id)
			if len(ev) != 1 || ev[0].Kind != store.DutyReportCity || ev[0].Share != 1 || ev[0].SourceID != ad.ID ||
				ev[0].OccurredOn != city.AdoptedOn || ev[0].CommitteeID != w.countyA.ID {
				t.Fatalf("duty of %s: %+v", m.name, ev)
			}
		}
		// The same level again: refused, nothing written.
		again := city
		again.AdoptedBy = "另一期"
		_, err = db.AdoptReport(ctx, office, r1.ID, again)
		wantErr(t, "adopted twice at a level", err, app.EINVALID, "level", "同一级别只登记一次")
		if ev := reportDuty(t, db, w.qian.ID); len(ev) != 1 {
			t.Fatalf("second adoption wrote duty: %+v", ev)
		}
		// Higher up: province, without an instruction.
		prov, err := db.AdoptReport(ctx, office, r1.ID, proposal.Adoption{Level: proposal.Province,
			AdoptedOn: app.MustDate("2024-05-28"), AdoptedBy: "省政协办公厅《社情民意》第12期"})
		if err != nil {
			t.Fatal(err)
		}
		if ev := reportDuty(t, db, w.sun.ID); len(ev) != 2 || ev[0].Kind != store.DutyReportProvince || ev[0].SourceID != prov.ID {
			t.Fatalf("province duty: %+v", ev)
		}
		got, err := db.FindReportByID(ctx, office, r1.ID)
		if err != nil || got.State != proposal.ReportAdopted || len(got.Adoptions) != 2 ||
			got.Adoptions[0].Instruction != city.Instruction || got.Adoptions[1].Level != proposal.Province {
			t.Fatalf("adopted report: %+v %v", got, err)
		}
		steps, err := db.FindReportSteps(ctx, office, r1.ID)
		if err != nil || len(steps) != 6 || steps[0].ToLabel != "已报送" || steps[2].Action != "edit" ||
			!strings.Contains(steps[4].Note, "王市长批示") {
			t.Fatalf("steps: %+v %v", steps, err)
		}

		// Written alone, not merged: the full score.
		county := proposal.Adoption{Level: proposal.County, AdoptedOn: app.MustDate("2024-05-15"), AdoptedBy: "县政协《社情民意》第3期"}
		if _, err := db.AdoptReport(ctx, office, r3.ID, county); err != nil {
			t.Fatal(err)
		}
		if ev := reportDuty(t, db, w.wu.ID); len(ev) != 1 || ev[0].Share != 4 || ev[0].Kind != store.DutyReportCounty {
			t.Fatalf("alone: %+v", ev)
		}

		// Declined with a reason, then final.
		r4 := mustReport(t, db, qian, store.ReportInput{Year: 2024, Title: "小区噪音扰民", Body: "夜间施工。"})
		_, err = db.DeclineReport(ctx, office, r4.ID, " ")
		wantErr(t, "decline without reason", err, app.EINVALID, "reason", "请填写未采用的原因")
		if d, err := db.DeclineReport(ctx, office, r4.ID, "已由12345热线处理"); err != nil || d.State != proposal.ReportNotAdopted ||
			d.DeclineReason != "已由12345热线处理" {
			t.Fatalf("decline: %+v %v", d, err)
		}
		_, err = db.AdoptReport(ctx, office, r4.ID, county)
		wantErr(t, "adopt a declined report", err, app.ECONFLICT, "", "不予采用")

		// Who sees what: another member sees the adopted reports, not the
		// declined one of 钱委; another committee sees none.
		wang := w.memberActor(w.wang)
		if _, err := db.FindReportByID(ctx, wang, r1.ID); err != nil {
			t.Fatalf("member reads an adopted report: %v", err)
		}
		if _, err := db.FindReportByID(ctx, wang, r4.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("member reads another's declined report: %v", err)
		}
		if _, err := db.FindReportByID(ctx, qian, r4.ID); err != nil {
			t.Fatalf("member reads its own report: %v", err)
		}
		if _, total, err := db.FindReports(ctx, wang, store.ReportFilter{}); err != nil || total != 2 {
			t.Fatalf("member's list: %d %v", total, err)
		}
		bm := actorAt(w.countyB)
		bm.Role, bm.MemberID, bm.AccountID = string(auth.MemberRole), bMember.ID, 900
		for _, a := range []app.Actor{bm, w.actorB} {
			if _, err := db.FindReportByID(ctx, a, r1.ID); app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatalf("%s of county B reads county A's report: %v", a.Role, err)
			}
			if _, err := db.AdoptReport(ctx, a, r1.ID, county); app.ErrorCode(err) == "" {
				t.Fatalf("%s of county B adopts", a.Role)
			}
		}
		if _, err := db.MergeReports(ctx, w.actorB, bReport.ID, []int64{r3.ID}, ""); app.ErrorFields(err).Get("merge_ids") == "" {
			t.Fatalf("county B merges county A's report: %v", err)
		}

		// The committee lets coordinators submit: under their own name.
		if err := db.SaveProposalRules(ctx, office, w.countyA.ID, proposal.Rules{CosignDays: 15, ReplyMonths: 3, SignDays: 7,
			ReportRoles: []string{"coordinator"}}); err != nil {
			t.Fatal(err)
		}
		r5 := mustReport(t, db, coord, store.ReportInput{Year: 2024, Title: "村道破损", Body: "雨后坑洼。",
			Authors: []store.ReportAuthorInput{{Member: "钱委"}}})
		if authorNames(r5) != "联络员老周(非委员),钱委" {
			t.Fatalf("coordinator's report: %s", authorNames(r5))
		}
		if ls, total, err := db.FindReports(ctx, coord, store.ReportFilter{}); err != nil || total != 1 || ls[0].ID != r5.ID {
			t.Fatalf("coordinator sees %d: %v", total, err)
		}

		// Filters.
		for _, tc := range []struct {
			f    store.ReportFilter
			want int
		}{
			{store.ReportFilter{}, 5}, // r1-r5 of county A, none of B
			{store.ReportFilter{Level: proposal.City}, 1},
			{store.ReportFilter{State: proposal.ReportAdopted}, 2},
			{store.ReportFilter{MemberID: w.zhao.ID}, 2}, // r2 and r1 (merged in)
			{store.ReportFilter{Author: "老周"}, 1},
			{store.ReportFilter{Query: "互助养老"}, 2}, // r2's title, r1's edited body
			{store.ReportFilter{Year: 2023}, 0},
		} {
			if _, total, err := db.FindReports(ctx, office, tc.f); err != nil || total != tc.want {
				t.Errorf("filter %+v: %d, want %d (%v)", tc.f, total, tc.want, err)
			}
		}
		counts, err := db.CountReportsByState(ctx, office, store.ReportFilter{State: proposal.ReportAdopted})
		if err != nil || counts[proposal.ReportAdopted] != 2 || counts[proposal.ReportMerged] != 1 ||
			counts[proposal.ReportNotAdopted] != 1 || counts[proposal.ReportSubmitted] != 1 {
			t.Fatalf("counts: %v %v", counts, err)
		}

		// The figures.
		st, err := db.FindReportStats(ctx, office, 0, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if st.Submitted != 5 || st.Merged != 1 || st.Forwarded != 1 || st.Adopted != 2 || st.NotAdopted != 1 ||
			st.Adoptions != 3 || st.Instructions != 1 || st.CommitteeName != w.countyA.Name {
			t.Fatalf("stats: %+v", st)
		}
		levels := map[proposal.Level]store.ReportLevelCount{}
		for _, l := range st.Levels {
			levels[l.Level] = l
		}
		if levels[proposal.City].Adopted != 1 || levels[proposal.City].Instructions != 1 || levels[proposal.County].Adopted != 1 ||
			levels[proposal.Province].Adopted != 1 || levels[proposal.National].Adopted != 0 {
			t.Fatalf("levels: %+v", st.Levels)
		}
		authors := map[string][2]int{}
		for _, a := range st.Authors {
			authors[a.Name+"/"+a.Sector] = [2]int{a.Submitted, a.Adopted}
		}
		want := map[string][2]int{"钱委/教育界": {3, 1}, "孙委/教育界": {1, 1}, "赵常/教育界": {1, 1}, "吴外/未分界别": {1, 1}}
		if len(authors) != len(want) {
			t.Fatalf("authors: %+v", st.Authors)
		}
		for k, v := range want {
			if authors[k] != v {
				t.Errorf("author %s: %v, want %v", k, authors[k], v)
			}
		}
		if len(st.Sectors) != 2 || st.Sectors[0].Name != "教育界" || st.Sectors[0].Submitted != 4 || st.Sectors[0].Adopted != 1 ||
			st.Sectors[1].Name != store.NoSector || st.Sectors[1].Submitted != 1 || st.Sectors[1].Adopted != 1 {
			t.Fatalf("sectors: %+v", st.Sectors)
		}
		if _, err := db.FindReportStats(ctx, qian, 0, 2024); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("member reads the figures: %v", err)
		}
		if _, err := db.FindReportStats(ctx, w.actorB, w.countyA.ID, 2024); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads county A's figures: %v", err)
		}
		if st, err := db.FindReportStats(ctx, office, 0, 2023); err != nil || st.Submitted != 0 || len(st.Authors) != 0 {
			t.Fatalf("2023: %+v %v", st, err)
		}
	})
}
