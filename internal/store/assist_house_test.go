package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// houseWorld: county A with two townships (铜城 with a village, 刘集), two
// cadres with accounts (one per township), a member cadre, and a household
// at the village with two persons, paired with cadre 甲.
type houseWorld struct {
	meetingWorld
	village, town2    org.Org
	jia, yi, qianC    store.Cadre
	jiaActor, yiActor app.Actor
	hh                store.Household
	p1, p2            store.Person
	id1               string
}

func buildHouseWorld(t testing.TB, db *store.DB) houseWorld {
	t.Helper()
	ctx := context.Background()
	w := houseWorld{meetingWorld: buildMeetingWorld(t, db)}
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.village = mk(w.town.ID, org.Village, "前街社区")
	w.town2 = mk(w.countyA.ID, org.Township, "刘集镇")
	account := func(name string, at org.Org) app.Actor {
		a, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: name, DisplayName: name, Role: auth.Cadre,
			OrgID: at.ID, Password: "Xieshang-2024!"})
		if err != nil {
			t.Fatal(err)
		}
		return app.Actor{AccountID: a.ID, Name: name, Role: string(auth.Cadre), OrgID: at.ID, Path: at.Path,
			CommitteeID: at.CommitteeID}
	}
	w.jiaActor, w.yiActor = account("cadre.jia", w.town), account("cadre.yi", w.town2)
	cadre := func(in store.CadreInput) store.Cadre {
		c, err := db.CreateCadre(ctx, w.actorA, in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	w.jia = cadre(store.CadreInput{OrgID: w.town.ID, Name: "甲干部", Post: "科员", Phone: "13800001111", AccountID: w.jiaActor.AccountID})
	w.yi = cadre(store.CadreInput{OrgID: w.town2.ID, Name: "乙干部", AccountID: w.yiActor.AccountID})
	w.qianC = cadre(store.CadreInput{OrgID: w.countyA.ID, Name: "钱委", MemberID: w.qian.ID})
	var err error
	w.hh, err = db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: w.village.ID, HeadName: "刘大娘",
		Phone: "13912345678", RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	w.id1 = member.MakeIDNumber("371524", app.MustDate("2015-03-04"), 12)
	w.p1, err = db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "小明", Relation: "孙子",
		IDNumber: w.id1, Categories: []string{"孤儿", "left_behind_child"}})
	if err != nil {
		t.Fatal(err)
	}
	w.p2, err = db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "刘大娘", Relation: "户主",
		Categories: []string{"elder80"}, Disability: "肢体二级"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.jia.ID, HouseholdID: w.hh.ID,
		StartsOn: app.MustDate("2024-02-01")}); err != nil {
		t.Fatal(err)
	}
	return w
}

func auditRows(t *testing.T, db *store.DB, a app.Actor, action string) []string {
	t.Helper()
	es, _, err := db.FindAuditEntries(context.Background(), app.System, store.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if a.AccountID == 0 || e.AccountID == a.AccountID {
			out = append(out, e.Summary)
		}
	}
	return out
}

func TestHouseholdsMaskingAccessAndAudit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)

		// Bad input.
		_, err := db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "某", IDNumber: "371524201503040121"})
		wantErr(t, "bad check digit", err, app.EINVALID, "id_number", "")
		if app.ErrorFields(err).Get("id_number") == "" {
			t.Fatal("bad identity number accepted")
		}
		_, err = db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "重复", IDNumber: w.id1})
		wantErr(t, "duplicate id", err, app.EINVALID, "id_number", "已登记")
		_, err = db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "某", Categories: []string{"富豪"}})
		wantErr(t, "bad category", err, app.EINVALID, "categories", "富豪")
		_, err = db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: w.countyA.ID, HeadName: "某",
			RegisteredOn: app.MustDate("2024-01-02")})
		wantErr(t, "county is no village", err, app.EINVALID, "org_id", "乡镇")
		_, err = db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: w.village.ID, HeadName: "某",
			RegisteredOn: app.MustDate("2030-01-02")})
		wantErr(t, "future registration", err, app.EINVALID, "registered_on", "晚于今天")
		_, err = db.CreateHousehold(ctx, w.jiaActor, store.HouseholdInput{OrgID: w.village.ID, HeadName: "某",
			RegisteredOn: app.MustDate("2024-01-02")})
		wantErr(t, "cadre keeps no register", err, app.EFORBIDDEN, "", "不能维护")

		// Masked for the supervisor, with persons, categories, cadre.
		h, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if h.Phone != "139****5678" || len(h.Persons) != 2 || h.Persons[0].IDNumber != "371524********"+w.id1[14:] ||
			h.Persons[0].BirthDate.String() != "2015-03-04" || h.Cadres != "甲干部" ||
			strings.Join(h.CategoryLabels(), ",") != "孤儿,留守儿童,80岁以上老人" {
			t.Fatalf("household %+v", h)
		}
		if h.Persons[0].IDNumber == w.id1 {
			t.Fatal("identity number not masked")
		}
		// The paired cadre reads it (masked) too; the other township's cadre,
		// a member and county B's office get 404.
		if _, err := db.FindHouseholdByID(ctx, w.jiaActor, w.hh.ID, "走访前核对"); err != nil {
			t.Fatal(err)
		}
		for name, a := range map[string]app.Actor{"other township's cadre": w.yiActor, "member": w.memberActor(w.qian),
			"county B": w.actorB, "office of the other township": actorAt(w.town2)} {
			_, err := db.FindHouseholdByID(ctx, a, w.hh.ID, "")
			wantErr(t, name, err, app.ENOTFOUND, "", "")
			hs, _, err := db.FindHouseholds(ctx, a, store.HouseholdFilter{})
			if len(hs) != 0 {
				t.Fatalf("%s lists %v (%v)", name, hs, err)
			}
		}
		views := auditRows(t, db, app.Actor{}, "household_view")
		if len(views) != 2 || !strings.Contains(views[0], "走访前核对") || !strings.Contains(views[1], store.DefaultViewPurpose) {
			t.Fatalf("view audit rows %q", views)
		}

		// Reveal: only the paired cadre, with a reason, audited.
		_, err = db.RevealHouseholdPerson(ctx, w.actorA, w.p1.ID, "核对")
		wantErr(t, "office reveals", err, app.EFORBIDDEN, "", "结对")
		_, err = db.RevealHouseholdPerson(ctx, w.yiActor, w.p1.ID, "核对")
		wantErr(t, "other cadre reveals", err, app.ENOTFOUND, "", "")
		_, err = db.RevealHouseholdPerson(ctx, w.jiaActor, w.p1.ID, " ")
		wantErr(t, "no reason", err, app.EINVALID, "reason", "事由")
		r, err := db.RevealHouseholdPerson(ctx, w.jiaActor, w.p1.ID, "办理医保")
		if err != nil || r.Person.IDNumber != w.id1 || r.HouseholdPhone != "13912345678" {
			t.Fatalf("reveal %+v %v", r, err)
		}
		if rows := auditRows(t, db, w.jiaActor, "household_reveal"); len(rows) != 1 || !strings.Contains(rows[0], "办理医保") {
			t.Fatalf("reveal audit %q", rows)
		}

		// Lists: masked, filters, one audit row per list with a purpose.
		hs, total, err := db.FindHouseholds(ctx, w.actorA, store.HouseholdFilter{Category: "orphan", Paired: "yes",
			Purpose: "核对名单"})
		if err != nil || total != 1 || hs[0].Phone != "139****5678" || hs[0].PersonCount != 2 {
			t.Fatalf("list %+v %d %v", hs, total, err)
		}
		if hs, _, _ := db.FindHouseholds(ctx, w.actorA, store.HouseholdFilter{Paired: "no"}); len(hs) != 0 {
			t.Fatalf("unpaired %+v", hs)
		}
		if rows := auditRows(t, db, app.Actor{}, "household_list"); len(rows) != 1 {
			t.Fatalf("list audit %q", rows)
		}
		// The audit log keeps no identity number.
		es, _, _ := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Limit: 500})
		for _, e := range es {
			if strings.Contains(e.After+e.Before, w.id1) || strings.Contains(e.After+e.Before, "13912345678") {
				t.Fatalf("audit row %s %s holds personal data: %s", e.Action, e.Entity, e.After)
			}
		}
		checkRollups(t, db, w.actorA, w.countyA.ID, w.town.ID, w.village.ID)
	})
}

func TestPairingsRulesAndHandover(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		// One-to-one: the household already has 甲.
		_, err := db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.yi.ID, HouseholdID: w.hh.ID,
			StartsOn: app.MustDate("2024-03-01")})
		wantErr(t, "second cadre", err, app.EINVALID, "household_id", "一对一")
		h2, err := db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: w.town.ID, HeadName: "王大爷",
			RegisteredOn: app.MustDate("2024-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.jia.ID, HouseholdID: h2.ID,
			StartsOn: app.MustDate("2024-03-01")})
		wantErr(t, "second household", err, app.EINVALID, "cadre_id", "最多结对1户")
		// Rules are data: two households per cadre.
		r := assist.DefaultRules()
		r.HouseholdsPerCadre = 2
		if _, err := db.SaveAssistRules(ctx, w.actorA, 0, r); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindAssistRules(ctx, w.actorA, 0); got.HouseholdsPerCadre != 2 || len(got.Occasions) != 6 {
			t.Fatalf("rules %+v", got)
		}
		bad := r
		bad.VisitEveryDays = -1
		_, err = db.SaveAssistRules(ctx, w.actorA, 0, bad)
		wantErr(t, "bad rules", err, app.EINVALID, "visit_every_days", "0")
		p2, err := db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.jia.ID, HouseholdID: h2.ID,
			StartsOn: app.MustDate("2024-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		// Handover of one pairing.
		_, err = db.HandoverPairing(ctx, w.actorA, p2.ID, w.jia.ID, app.MustDate("2024-04-01"), "调整")
		wantErr(t, "hand to self", err, app.EINVALID, "to_cadre_id", "另一名")
		np, err := db.HandoverPairing(ctx, w.actorA, p2.ID, w.yi.ID, app.MustDate("2024-04-01"), "工作调整")
		if err != nil || np.HandedFrom != p2.ID || np.CadreID != w.yi.ID || np.StartsOn.String() != "2024-04-01" {
			t.Fatalf("handover %+v %v", np, err)
		}
		// 甲 leaves: the remaining pairing goes to 钱委 in one transaction.
		c, err := db.CadreLeaves(ctx, w.actorA, w.jia.ID, app.MustDate("2024-05-01"), w.qianC.ID, "调离")
		if err != nil || c.Active() || c.Households != 0 {
			t.Fatalf("leaves %+v %v", c, err)
		}
		ps, _ := db.FindPairings(ctx, w.actorA, store.PairingFilter{HouseholdID: w.hh.ID})
		if len(ps) != 2 || ps[0].CadreName != "钱委" || !ps[0].Active() || ps[1].EndReason != "调离" || ps[0].HandedFrom != ps[1].ID {
			t.Fatalf("pairings after leaving %+v", ps)
		}
		// 甲's account no longer reads the household.
		_, err = db.FindHouseholdByID(ctx, w.jiaActor, w.hh.ID, "")
		wantErr(t, "former cadre", err, app.ENOTFOUND, "", "")
		_, err = db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.jia.ID, HouseholdID: h2.ID,
			StartsOn: app.MustDate("2024-05-20")})
		wantErr(t, "cadre who left", err, app.EINVALID, "cadre_id", "离开")
		checkRollups(t, db, w.actorA, w.countyA.ID, w.town.ID, w.village.ID)
	})
}

func TestAssistVisitsRollupAndProblems(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		in := func(on string, aid ...store.AidInput) store.AssistVisitInput {
			return store.AssistVisitInput{HouseholdID: w.hh.ID, VisitedOn: app.MustDate(on), Seen: "身体尚可", Aid: aid}
		}
		bad := []struct {
			name  string
			in    store.AssistVisitInput
			field string
			want  string
		}{
			{"future", in("2024-06-02"), "visited_on", "晚于今天"},
			{"before pairing", in("2024-01-15"), "visited_on", "早于结对开始日期（2024-02-01）"},
			{"negative aid", in("2024-03-01", store.AidInput{Item: "米", Yuan: "-5"}), "aid", "金额"},
			{"absurd aid", in("2024-03-01", store.AidInput{Item: "米", Yuan: "200000"}), "aid", "10万元"},
			{"aid without item", in("2024-03-01", store.AidInput{Yuan: "20"}), "aid", "物资名称"},
			{"bad occasion", store.AssistVisitInput{HouseholdID: w.hh.ID, VisitedOn: app.MustDate("2024-03-01"), Occasion: "x"}, "occasion", "时机"},
		}
		for _, b := range bad {
			_, err := db.AddAssistVisit(ctx, w.jiaActor, b.in, nil)
			wantErr(t, b.name, err, app.EINVALID, b.field, b.want)
		}
		// Another township's cadre is not paired.
		_, err := db.AddAssistVisit(ctx, w.yiActor, in("2024-03-01"), nil)
		wantErr(t, "other township's cadre", err, app.EINVALID, "household_id", "管辖范围")
		unpaired := in("2024-03-01")
		unpaired.CadreID = w.qianC.ID
		_, err = db.AddAssistVisit(ctx, w.actorA, unpaired, nil)
		wantErr(t, "unpaired cadre", err, app.EINVALID, "household_id", "钱委目前未与该户结对")
		_, err = db.AddAssistVisit(ctx, w.jiaActor, in("2024-03-01"), []store.DocumentInput{{FileName: "a.pdf", Data: pdfBytes}})
		wantErr(t, "pdf photo", err, app.EINVALID, "photos", "JPEG")

		v1, err := db.AddAssistVisit(ctx, w.jiaActor, in("2024-03-01", store.AidInput{Item: "米", Quantity: "1袋", Yuan: "150"},
			store.AidInput{Item: "慰问金", Yuan: "1,000.50"}), []store.DocumentInput{{FileName: "p.png", Data: pngBytes}})
		if err != nil || v1.AidFen != 115050 || len(v1.Aid) != 2 || len(v1.Photos) != 1 || v1.CadreName != "甲干部" {
			t.Fatalf("visit %+v %v", v1, err)
		}
		if _, err := db.AddAssistVisit(ctx, w.jiaActor, in("2024-03-20"), nil); err != nil {
			t.Fatal(err)
		}
		// The office records one for the member cadre after a handover; a duty event follows.
		if _, err := db.CadreLeaves(ctx, w.actorA, w.jia.ID, app.MustDate("2024-04-01"), w.qianC.ID, "调离"); err != nil {
			t.Fatal(err)
		}
		_, err = db.AddAssistVisit(ctx, w.jiaActor, in("2024-04-05"), nil)
		wantErr(t, "former cadre visits", err, app.EINVALID, "household_id", "未与该户结对")
		v3in := in("2024-04-10", store.AidInput{Item: "油", ValueFen: 8000})
		v3in.CadreID = w.qianC.ID
		v3, err := db.AddAssistVisit(ctx, w.actorA, v3in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if es := dutyKinds(t, db, w.actorA, store.DutyAssistVisit); len(es) != 1 || es[0].MemberID != w.qian.ID || es[0].SourceID != v3.ID {
			t.Fatalf("duty events %+v", es)
		}
		// Enterprise visits need a reason (the enterprise is registered directly: the ledger is the other helper's).
		if err := db.ExecForTest(ctx, `INSERT INTO enterprise (org_id, committee_id, name, uscc, created_at, updated_at)
			VALUES ($1, $2, '阿胶厂', '91371524MA3C0000X1', $3, $3)`, w.town2.ID, w.countyA.ID, db.Now()); err != nil {
			t.Fatal(err)
		}
		entID := db.LastIDForTest(ctx, "enterprise")
		if _, err := db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.yi.ID, EnterpriseID: entID,
			StartsOn: app.MustDate("2024-02-01")}); err != nil {
			t.Fatal(err)
		}
		_, err = db.AddAssistVisit(ctx, w.yiActor, store.AssistVisitInput{EnterpriseID: entID, VisitedOn: app.MustDate("2024-05-01")}, nil)
		wantErr(t, "enterprise without reason", err, app.EINVALID, "reason", "有事必应")
		ev, err := db.AddAssistVisit(ctx, w.yiActor, store.AssistVisitInput{EnterpriseID: entID, VisitedOn: app.MustDate("2024-05-01"),
			Reason: "企业反映用气紧张"}, nil)
		if err != nil {
			t.Fatal(err)
		}

		// The household_month rollup equals the visits.
		got := db.HouseholdMonthsForTest(ctx, w.hh.ID)
		if got != "2024-03:2:1:115050 2024-04:1:1:8000" {
			t.Fatalf("household_month %q", got)
		}
		vs, err := db.FindAssistVisits(ctx, w.actorA, store.AssistVisitFilter{HouseholdID: w.hh.ID})
		if err != nil || len(vs) != 3 {
			t.Fatalf("visits %d %v", len(vs), err)
		}
		// 乙 reads its enterprise visit but not the household's visits.
		if vs, _ := db.FindAssistVisits(ctx, w.yiActor, store.AssistVisitFilter{}); len(vs) != 1 || vs[0].ID != ev.ID {
			t.Fatalf("yi's visits %+v", vs)
		}
		if _, _, err := db.FindAssistFile(ctx, w.yiActor, v1.Photos[0].ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("photo to another cadre: %v", err)
		}

		// Problems.
		p, err := db.CreateProblem(ctx, w.actorA, store.ProblemInput{VisitID: v3.ID, Category: "就医", Description: "需要办理慢病卡",
			Department: "县医保局"})
		if err != nil || p.HouseholdID != w.hh.ID || p.Status != assist.ProblemOpen || p.RaisedOn.String() != "2024-04-10" {
			t.Fatalf("problem %+v %v", p, err)
		}
		_, err = db.CreateProblem(ctx, w.yiActor, store.ProblemInput{HouseholdID: w.hh.ID, Category: "living", Description: "x"})
		wantErr(t, "unpaired cadre raises", err, app.ENOTFOUND, "", "")
		_, err = db.CreateProblem(ctx, w.actorA, store.ProblemInput{HouseholdID: w.hh.ID, Category: "赌博", Description: "x"})
		wantErr(t, "bad category", err, app.EINVALID, "category", "类别")
		jian, err := db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: "东阿县住房和城乡建设局"})
		if err != nil {
			t.Fatal(err)
		}
		ep, err := db.CreateProblem(ctx, w.yiActor, store.ProblemInput{EnterpriseID: entID, Category: "energy", Description: "用气紧张",
			UnitID: jian.ID})
		if err != nil || ep.Department != "东阿县住房和城乡建设局" {
			t.Fatalf("enterprise problem %+v %v", ep, err)
		}
		_, err = db.ChangeProblem(ctx, w.actorA, p.ID, store.ProblemChange{Status: assist.ProblemSolved})
		wantErr(t, "closed without resolution", err, app.EINVALID, "resolution", "解决情况")
		if _, err := db.ChangeProblem(ctx, w.actorA, p.ID, store.ProblemChange{Status: assist.ProblemInProgress}); err != nil {
			t.Fatal(err)
		}
		sp, err := db.ChangeProblem(ctx, w.actorA, p.ID, store.ProblemChange{Status: assist.ProblemSolved, Resolution: "已办理慢病卡",
			ResolvedOn: app.MustDate("2024-05-30")})
		if err != nil || sp.Status != assist.ProblemSolved || sp.Department != "县医保局" {
			t.Fatalf("solved %+v %v", sp, err)
		}
		list, total, err := db.FindProblems(ctx, w.actorA, store.ProblemFilter{Kind: "enterprise"})
		if err != nil || total != 1 || list[0].ID != ep.ID {
			t.Fatalf("enterprise problems %+v %d %v", list, total, err)
		}
		if list, _, _ := db.FindProblems(ctx, w.actorA, store.ProblemFilter{Status: "solved"}); len(list) != 1 {
			t.Fatalf("solved problems %+v", list)
		}
		if list, _, _ := db.FindProblems(ctx, w.yiActor, store.ProblemFilter{}); len(list) != 1 || list[0].ID != ep.ID {
			t.Fatalf("yi's problems %+v", list)
		}
		if list, _, _ := db.FindProblems(ctx, w.actorB, store.ProblemFilter{}); len(list) != 0 {
			t.Fatalf("county B's problems %+v", list)
		}
		checkRollups(t, db, w.actorA, w.countyA.ID, w.town.ID, w.village.ID)
	})
}

func TestDueVisitsPerCadre(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		if _, err := db.AddAssistVisit(ctx, w.jiaActor, store.AssistVisitInput{HouseholdID: w.hh.ID,
			VisitedOn: app.MustDate("2024-04-15")}, nil); err != nil {
			t.Fatal(err)
		}
		due, err := db.FindDueVisits(ctx, w.jiaActor, app.MustDate("2024-06-01"))
		if err != nil || len(due) != 1 || len(due[0].Overdue) != 1 || due[0].Overdue[0].DueOn.String() != "2024-05-15" {
			t.Fatalf("due %+v %v", due, err)
		}
		if due, _ := db.FindDueVisits(ctx, w.yiActor, app.MustDate("2024-06-01")); len(due) != 0 {
			t.Fatalf("yi's due %+v", due)
		}
		if due, _ := db.FindDueVisits(ctx, w.actorA, app.MustDate("2024-06-01")); len(due) != 1 || due[0].CadreName != "甲干部" {
			t.Fatalf("office due %+v", due)
		}
	})
}
