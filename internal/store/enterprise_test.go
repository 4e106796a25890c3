package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// liaisonWorld is buildTree's tree with a fixed clock (2026-06-15), two
// cadres of county A (one with a cadre account) and one of county B.
type liaisonWorld struct {
	tree
	office, officeB, cadreActor app.Actor
	cadre1, cadre2, cadreB      int64
}

func buildLiaisonWorld(t *testing.T, db *store.DB) liaisonWorld {
	t.Helper()
	db.Now = func() time.Time { return time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	w := liaisonWorld{tree: buildTree(t, db)}
	w.office, w.officeB = actorAt(w.countyA), actorAt(w.countyB)
	acc, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "cadre1", DisplayName: "张干部",
		Role: auth.Cadre, OrgID: w.countyA.ID, Password: "Test-pass-2026"})
	if err != nil {
		t.Fatal(err)
	}
	w.cadreActor = actorAt(w.countyA)
	w.cadreActor.Role, w.cadreActor.AccountID = "cadre", acc.ID
	w.cadre1 = rawCadre(t, db, w.countyA.ID, w.countyA.ID, "张干部", acc.ID)
	w.cadre2 = rawCadre(t, db, w.countyA.ID, w.countyA.ID, "李主席", 0)
	w.cadreB = rawCadre(t, db, w.countyB.ID, w.countyB.ID, "赵干部", 0)
	return w
}

// rawExec runs SQL for fixtures of tables whose store lives elsewhere
// (cadres, households).
func rawExec(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), q, args...).Scan(&id)
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func rawCadre(t *testing.T, db *store.DB, orgID, committeeID int64, name string, accountID int64) int64 {
	var acc any
	if accountID != 0 {
		acc = accountID
	}
	return rawExec(t, db, `INSERT INTO cadre (org_id, committee_id, name, post, account_id, created_at, updated_at)
		VALUES ($1, $2, $3, '干部', $4, $5, $5) RETURNING id`, orgID, committeeID, name, acc, time.Now().UTC())
}

func rawHousehold(t *testing.T, db *store.DB, orgID, committeeID int64, head string, exited bool) int64 {
	exit := ""
	if exited {
		exit = "2026-01-01"
	}
	return rawExec(t, db, `INSERT INTO household (org_id, committee_id, head_name, registered_on, exited_on, created_at,
		updated_at) VALUES ($1, $2, $3, '2025-01-01', $4, $5, $5) RETURNING id`, orgID, committeeID, head, exit,
		time.Now().UTC())
}

func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorFields(err).Get(field), msg) {
		t.Fatalf("err = %v (fields %v), want %s: %s", err, app.ErrorFields(err), field, msg)
	}
}

func TestEnterpriseLedger(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildLiaisonWorld(t, db)
		in := store.EnterpriseInput{OrgID: w.town.ID, Name: "东阿阿胶机械有限公司", USCC: "91371524ma3c8pkl10",
			Sector: "装备制造", Size: "小型", Address: "铜城街道工业园", Contact: "王经理", ContactPhone: "13812345678",
			Employees: 86}
		before := auditCount(t, db)
		e, err := db.CreateEnterprise(ctx, w.office, in)
		if err != nil {
			t.Fatal(err)
		}
		if e.USCC != "91371524MA3C8PKL10" || e.Size != "small" || e.SizeLabel != "小型" || e.CommitteeID != w.countyA.ID ||
			e.OrgName != "铜城街道" {
			t.Fatalf("created %+v", e)
		}
		if auditCount(t, db) != before+1 {
			t.Fatal("no audit row")
		}
		if e.Masked().ContactPhone != "138****5678" {
			t.Fatalf("masked phone %q", e.Masked().ContactPhone)
		}

		// Invalid and duplicate codes are refused with the field named.
		bad := in
		bad.USCC = "91371524MA3C8PKL11"
		_, err = db.CreateEnterprise(ctx, w.office, bad)
		wantField(t, err, "uscc", "校验位不正确")
		bad.USCC = "91371524MA3C8PKI10"
		_, err = db.CreateEnterprise(ctx, w.office, bad)
		wantField(t, err, "uscc", "不能是字母I")
		dup := in
		dup.Name = "另一家"
		_, err = db.CreateEnterprise(ctx, w.office, dup)
		wantField(t, err, "uscc", "已有该统一社会信用代码")
		// The same code in another committee's ledger is its own business.
		dup.OrgID = w.countyB.ID
		if _, err := db.CreateEnterprise(ctx, w.officeB, dup); err != nil {
			t.Fatalf("same code in county B: %v", err)
		}
		bad = in
		bad.Size, bad.Name, bad.ContactPhone = "巨型", "", "abc"
		bad.USCC = "91350100M000100Y43"
		_, err = db.CreateEnterprise(ctx, w.office, bad)
		for _, f := range []string{"size", "name", "contact_phone"} {
			if app.ErrorFields(err).Get(f) == "" {
				t.Errorf("no error on %s: %v", f, err)
			}
		}

		// Scope: county B and a cadre of B see nothing of A's enterprise.
		if _, err := db.FindEnterpriseByID(ctx, w.officeB, e.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads A's enterprise: %v", err)
		}
		if _, err := db.UpdateEnterprise(ctx, w.officeB, e.ID, in); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B edits A's enterprise: %v", err)
		}
		list, total, err := db.FindEnterprises(ctx, w.office, store.EnterpriseFilter{Query: "阿胶"})
		if err != nil || total != 1 || list[0].ID != e.ID {
			t.Fatalf("find = %v %d %v", list, total, err)
		}
		if _, total, _ := db.FindEnterprises(ctx, w.office, store.EnterpriseFilter{Query: "91371524ma"}); total != 1 {
			t.Fatalf("find by code start: %d", total)
		}
		if _, total, _ := db.FindEnterprises(ctx, w.office, store.EnterpriseFilter{Size: "large"}); total != 0 {
			t.Fatalf("size filter: %d", total)
		}

		upd := in
		upd.Employees = 120
		if e, err = db.UpdateEnterprise(ctx, w.office, e.ID, upd); err != nil || e.Employees != 120 {
			t.Fatalf("update: %+v %v", e, err)
		}
		if _, err := db.ArchiveEnterprise(ctx, w.office, e.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := db.FindEnterprises(ctx, w.office, store.EnterpriseFilter{}); total != 0 {
			t.Fatalf("archived enterprise listed: %d", total)
		}
		if _, total, _ := db.FindEnterprises(ctx, w.office, store.EnterpriseFilter{Archived: true}); total != 1 {
			t.Fatalf("archived not listed with Archived: %d", total)
		}
		if _, err := db.CreateEnterpriseProblem(ctx, w.office, e.ID, store.LiaisonProblemInput{Category: "energy",
			Description: "用气", RaisedOn: app.MustDate("2026-06-01")}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("problem on archived enterprise: %v", err)
		}
		// A cadre cannot keep the ledger.
		if _, err := db.CreateEnterprise(ctx, w.cadreActor, in); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("cadre creates enterprise: %v", err)
		}
	})
}

func TestEnterpriseLiaisonVisitsAndProblems(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildLiaisonWorld(t, db)
		e, err := db.CreateEnterprise(ctx, w.office, store.EnterpriseInput{OrgID: w.countyA.ID, Name: "鲁西燃气设备厂",
			USCC: "91371524MA3D1FN27K", Size: "medium"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateEnterprisePairing(ctx, w.office, e.ID, store.EnterprisePairingInput{CadreID: w.cadreB,
			StartsOn: app.MustDate("2026-03-01")})
		wantField(t, err, "cadre_id", "本政协的干部")
		p, err := db.CreateEnterprisePairing(ctx, w.office, e.ID, store.EnterprisePairingInput{CadreID: w.cadre2,
			StartsOn: app.MustDate("2026-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateEnterprisePairing(ctx, w.office, e.ID, store.EnterprisePairingInput{CadreID: w.cadre2,
			StartsOn: app.MustDate("2026-04-01")})
		wantField(t, err, "cadre_id", "已在包联该企业")

		// 有事必应、无事不扰: a visit without a reason is refused, and nothing is written.
		visit := store.LiaisonVisitInput{CadreID: w.cadre2, VisitedOn: app.MustDate("2026-05-10"), Reason: "  "}
		_, err = db.CreateEnterpriseVisit(ctx, w.office, e.ID, visit)
		wantField(t, err, "reason", "请填写走访事由")
		visit.Reason = "企业反映天然气供应不足，影响生产"
		visit.VisitedOn = app.MustDate("2026-02-10")
		_, err = db.CreateEnterpriseVisit(ctx, w.office, e.ID, visit)
		wantField(t, err, "visited_on", "不能早于包联开始日期")
		visit.VisitedOn = app.MustDate("2026-07-01")
		_, err = db.CreateEnterpriseVisit(ctx, w.office, e.ID, visit)
		wantField(t, err, "visited_on", "不能晚于今天")
		visit.VisitedOn = app.MustDate("2026-05-10")
		v, err := db.CreateEnterpriseVisit(ctx, w.office, e.ID, visit)
		if err != nil || v.CadreName != "李主席" || v.Reason != visit.Reason {
			t.Fatalf("visit %+v %v", v, err)
		}
		// A cadre account not liaising with the enterprise cannot visit it.
		if _, err := db.CreateEnterpriseVisit(ctx, w.cadreActor, e.ID, visit); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unpaired cadre visits: %v", err)
		}
		visits, err := db.FindEnterpriseVisits(ctx, w.office, e.ID)
		if err != nil || len(visits) != 1 || visits[0].Reason != visit.Reason {
			t.Fatalf("visits %+v %v", visits, err)
		}

		unit, err := db.CreateUnit(ctx, w.office, store.UnitInput{Name: "县住建局"})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := db.CreateEnterpriseProblem(ctx, w.office, e.ID, store.LiaisonProblemInput{Category: "energy",
			Description: "天然气供应不足", UnitID: unit.ID, RaisedOn: app.MustDate("2026-05-10")})
		if err != nil || pr.Department != "县住建局" || pr.Status != assist.ProblemOpen {
			t.Fatalf("problem %+v %v", pr, err)
		}
		pr2, err := db.CreateEnterpriseProblem(ctx, w.office, e.ID, store.LiaisonProblemInput{Category: "finance",
			Description: "流动资金贷款", Department: "县金融服务中心", RaisedOn: app.MustDate("2026-05-10")})
		if err != nil || pr2.Department != "县金融服务中心" {
			t.Fatalf("problem %+v %v", pr2, err)
		}
		_, err = db.CreateEnterpriseProblem(ctx, w.office, e.ID, store.LiaisonProblemInput{Category: "nope",
			RaisedOn: app.MustDate("2026-05-10")})
		wantField(t, err, "category", "请选择问题类别")

		// Closing without a resolution is refused; with one it closes.
		_, err = db.ChangeLiaisonProblemStatus(ctx, w.office, pr.ID, store.ProblemStatusInput{Status: assist.ProblemSolved,
			ResolvedOn: app.MustDate("2026-06-01")})
		wantField(t, err, "resolution", "请填写解决情况")
		got, err := db.ChangeLiaisonProblemStatus(ctx, w.office, pr.ID, store.ProblemStatusInput{Status: assist.ProblemSolved,
			Resolution: "协调燃气公司增压供气", ResolvedOn: app.MustDate("2026-06-01")})
		if err != nil || got.StatusLabel != "已解决" || got.Resolution != "协调燃气公司增压供气" {
			t.Fatalf("solve %+v %v", got, err)
		}
		if _, err := db.ChangeLiaisonProblemStatus(ctx, w.officeB, pr2.ID, store.ProblemStatusInput{
			Status: assist.ProblemInProgress}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B changes A's problem: %v", err)
		}
		got2, err := db.FindEnterpriseByID(ctx, w.office, e.ID)
		if err != nil || got2.Problems != 2 || got2.OpenProblems != 1 || len(got2.Liaisons) != 1 {
			t.Fatalf("enterprise figures %+v %v", got2, err)
		}

		// Pair the cadre account; it may now visit; ending the pairing ends that.
		if _, err := db.CreateEnterprisePairing(ctx, w.office, e.ID, store.EnterprisePairingInput{CadreID: w.cadre1,
			StartsOn: app.MustDate("2026-06-01")}); err != nil {
			t.Fatal(err)
		}
		visit.VisitedOn, visit.CadreID = app.MustDate("2026-06-10"), w.cadre2 // ignored: the cadre's own
		if v, err := db.CreateEnterpriseVisit(ctx, w.cadreActor, e.ID, visit); err != nil || v.CadreID != w.cadre1 {
			t.Fatalf("cadre's own visit %+v %v", v, err)
		}
		_, err = db.EndEnterprisePairing(ctx, w.office, p.ID, app.MustDate("2026-02-01"), "调岗")
		wantField(t, err, "ends_on", "不能早于开始日期")
		if _, err := db.EndEnterprisePairing(ctx, w.office, p.ID, app.MustDate("2026-06-12"), "调岗"); err != nil {
			t.Fatal(err)
		}
		visit.CadreID, visit.VisitedOn = w.cadre2, app.MustDate("2026-06-14")
		_, err = db.CreateEnterpriseVisit(ctx, w.office, e.ID, visit)
		wantField(t, err, "visited_on", "不在包联该企业")
		ps, err := db.FindEnterprisePairings(ctx, w.office, e.ID)
		if err != nil || len(ps) != 2 || !ps[0].EndsOn.IsZero() || ps[1].EndReason != "调岗" {
			t.Fatalf("pairings %+v %v", ps, err)
		}
	})
}

func TestVisitCampaignProgressAndRectification(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildLiaisonWorld(t, db)
		h1 := rawHousehold(t, db, w.village.ID, w.countyA.ID, "刘大娘", false)
		h2 := rawHousehold(t, db, w.village.ID, w.countyA.ID, "陈大爷", false)
		h3 := rawHousehold(t, db, w.town.ID, w.countyA.ID, "周某", false)
		rawHousehold(t, db, w.village.ID, w.countyA.ID, "已脱困户", true)
		hB := rawHousehold(t, db, w.countyB.ID, w.countyB.ID, "外县户", false)

		_, err := db.CreateVisitCampaign(ctx, w.office, store.VisitCampaignInput{OrgID: w.town.ID, Title: "春节遍访",
			StartsOn: app.MustDate("2026-06-10"), EndsOn: app.MustDate("2026-06-01")})
		wantField(t, err, "ends_on", "不能早于开始日期")
		c, err := db.CreateVisitCampaign(ctx, w.office, store.VisitCampaignInput{OrgID: w.town.ID,
			Title: "困难群众遍访", StartsOn: app.MustDate("2026-06-01"), EndsOn: app.MustDate("2026-06-30")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindVisitCampaignByID(ctx, w.officeB, c.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads A's campaign: %v", err)
		}
		_, err = db.AddCampaignTargets(ctx, w.office, c.ID, store.CampaignTargetsInput{HouseholdIDs: []int64{hB}})
		wantField(t, err, "household_ids", "在册的困难户")
		n, err := db.AddCampaignTargets(ctx, w.office, c.ID, store.CampaignTargetsInput{HouseholdIDs: []int64{h1},
			CadreID: w.cadre1})
		if err != nil || n != 1 {
			t.Fatalf("add one: %d %v", n, err)
		}
		// All registered households of the township and below: h2 and h3 added, h1 kept, the exited one left out.
		if n, err = db.AddCampaignTargets(ctx, w.office, c.ID, store.CampaignTargetsInput{All: true}); err != nil || n != 2 {
			t.Fatalf("add all: %d %v", n, err)
		}
		if err := db.SetCampaignVisitor(ctx, w.office, c.ID, []int64{h2}, w.cadre2); err != nil {
			t.Fatal(err)
		}

		// Visits: h1 by its visitor in the window; h3 had a visit before the window (not counted).
		if _, err := db.CreateCampaignVisit(ctx, w.cadreActor, c.ID, h2, store.LiaisonVisitInput{
			VisitedOn: app.MustDate("2026-06-05")}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("cadre visits another's target: %v", err)
		}
		_, err = db.CreateCampaignVisit(ctx, w.cadreActor, c.ID, h1, store.LiaisonVisitInput{VisitedOn: app.MustDate("2026-05-20")})
		wantField(t, err, "visited_on", "遍访期间")
		if _, err := db.CreateCampaignVisit(ctx, w.cadreActor, c.ID, h1, store.LiaisonVisitInput{
			VisitedOn: app.MustDate("2026-06-05"), Seen: "房屋安全，冬季取暖有保障"}); err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateCampaignVisit(ctx, w.office, c.ID, h3, store.LiaisonVisitInput{VisitedOn: app.MustDate("2026-06-06")})
		wantField(t, err, "cadre_id", "尚未分配走访人")
		rawExec(t, db, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, created_at)
			VALUES ($1, $2, $3, $4, '2026-05-01', $5) RETURNING id`, w.countyA.ID, w.town.ID, w.cadre2, h3, time.Now().UTC())
		var visits int
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT visits FROM household_month WHERE household_id = $1 AND month = '2026-06'`,
				h1).Scan(&visits)
		}); err != nil || visits != 1 {
			t.Fatalf("household_month visits = %d %v", visits, err)
		}

		c, err = db.FindVisitCampaignByID(ctx, w.office, c.ID)
		if err != nil || c.Targets != 3 || c.Visited != 1 || c.Percent() != 33 {
			t.Fatalf("progress %+v %v", c, err)
		}
		targets, err := db.FindCampaignTargets(ctx, w.office, c.ID)
		if err != nil || len(targets) != 3 {
			t.Fatalf("targets %+v %v", targets, err)
		}
		by := store.CampaignProgressByVisitor(targets)
		if len(by) != 3 || by[len(by)-1].CadreID != 0 || by[len(by)-1].Targets != 1 {
			t.Fatalf("by visitor %+v", by)
		}
		for _, p := range by {
			if p.CadreID == w.cadre1 && (p.Targets != 1 || p.Visited != 1 || p.Percent() != 100) {
				t.Fatalf("cadre1 %+v", p)
			}
		}
		own, err := db.FindCampaignTargets(ctx, w.cadreActor, c.ID)
		if err != nil || len(own) != 1 || own[0].HouseholdID != h1 || !own[0].Visited {
			t.Fatalf("cadre's own targets %+v %v", own, err)
		}
		// A routine visit in the window counts too (the rule in visit_campaign.go).
		rawExec(t, db, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, created_at)
			VALUES ($1, $2, $3, $4, '2026-06-12', $5) RETURNING id`, w.countyA.ID, w.town.ID, w.cadre2, h3, time.Now().UTC())
		if c, _ = db.FindVisitCampaignByID(ctx, w.office, c.ID); c.Visited != 2 {
			t.Fatalf("visited = %d, want 2", c.Visited)
		}

		// Rectification list: complete only when every problem is closed.
		if c.Rectified {
			t.Fatal("rectified without problems")
		}
		p1, err := db.CreateCampaignProblem(ctx, w.cadreActor, c.ID, store.LiaisonProblemInput{HouseholdID: h1,
			Category: "housing", Description: "屋顶漏雨", Department: "镇村建办", RaisedOn: app.MustDate("2026-06-05")})
		if err != nil || p1.HouseholdName != "刘大娘" {
			t.Fatalf("problem %+v %v", p1, err)
		}
		_, err = db.CreateCampaignProblem(ctx, w.office, c.ID, store.LiaisonProblemInput{HouseholdID: hB,
			Category: "housing", Description: "x", RaisedOn: app.MustDate("2026-06-05")})
		wantField(t, err, "household_id", "本次遍访的对象")
		p2, err := db.CreateCampaignProblem(ctx, w.office, c.ID, store.LiaisonProblemInput{Category: "policy",
			Description: "低保政策宣传不到位", RaisedOn: app.MustDate("2026-06-06")})
		if err != nil {
			t.Fatal(err)
		}
		close := func(id int64) {
			t.Helper()
			if _, err := db.ChangeLiaisonProblemStatus(ctx, w.office, id, store.ProblemStatusInput{
				Status: assist.ProblemSolved, Resolution: "已整改", ResolvedOn: app.MustDate("2026-06-14")}); err != nil {
				t.Fatal(err)
			}
		}
		close(p1.ID)
		if c, _ = db.FindVisitCampaignByID(ctx, w.office, c.ID); c.Rectified || c.OpenProblems != 1 {
			t.Fatalf("rectified with one open: %+v", c)
		}
		close(p2.ID)
		if c, _ = db.FindVisitCampaignByID(ctx, w.office, c.ID); !c.Rectified || c.Problems != 2 {
			t.Fatalf("not rectified when all closed: %+v", c)
		}
		// Reopening one makes the list incomplete again.
		if _, err := db.ChangeLiaisonProblemStatus(ctx, w.office, p2.ID, store.ProblemStatusInput{
			Status: assist.ProblemInProgress}); err != nil {
			t.Fatal(err)
		}
		if c, _ = db.FindVisitCampaignByID(ctx, w.office, c.ID); c.Rectified {
			t.Fatal("rectified after reopening")
		}
		list, err := db.FindCampaignProblems(ctx, w.office, c.ID)
		if err != nil || len(list) != 2 || list[0].ID != p2.ID {
			t.Fatalf("rectification list %+v %v", list, err)
		}
	})
}
