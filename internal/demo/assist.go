package demo

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Pairing assistance in the demo world, 东岭县 in 2026, in the shape of
// the real report: 13 cadres paired one-to-one with 13 households of 14
// persons (orphans, the severely disabled, the extremely poor), visited and
// given aid every quarter (one household not yet this quarter), six urgent
// problems of which five solved; two enterprises liaised by the county
// committee's leaders with their problem lists; a winter visit campaign.
// The `cadre` login is the first cadre: it sees its own household.

type assistStats struct {
	households, visits, problems, enterprises int
}

func (l *loader) assist(ctx context.Context, county loaded) (assistStats, error) {
	var st assistStats
	db, a := l.db, l.actor
	var now time.Time
	saved := db.Now
	db.Now = func() time.Time { return now }
	defer func() { db.Now = saved }()
	at := func(day string) app.Date {
		d := app.MustDate(day)
		now = time.Date(d.Y, d.M, d.D, 10, 0, 0, 0, db.Loc)
		return d
	}
	towns, err := db.FindOrgs(ctx, a, store.OrgFilter{ParentID: county.org.ID, Kinds: []org.Kind{org.Township}})
	if err != nil || len(towns) == 0 {
		return st, fmt.Errorf("townships: %v", err)
	}
	villages, err := db.FindOrgs(ctx, a, store.OrgFilter{ParentID: towns[0].ID, Kinds: []org.Kind{org.Village}})
	if err != nil || len(villages) == 0 {
		return st, fmt.Errorf("villages: %v", err)
	}
	at("2025-12-20")
	var cadres []store.Cadre
	for i := range 13 {
		in := store.CadreInput{OrgID: county.org.ID, Name: cadreNames[i], Post: "县政协机关干部",
			Phone: fmt.Sprintf("1395300%04d", 100+i)}
		if i == 0 {
			if acc, ok := l.accountByName["cadre"]; ok {
				in.Name, in.AccountID = acc.DisplayName, acc.ID
			}
		}
		c, err := db.CreateCadre(ctx, a, in)
		if err != nil {
			return st, fmt.Errorf("cadre: %w", err)
		}
		cadres = append(cadres, c)
	}
	// 13 households, 14 persons: 5 orphans' households (one with two
	// children), 4 severely disabled, 4 extremely poor.
	kinds := []string{"orphan", "orphan", "orphan", "orphan", "orphan", "severe_disability", "severe_disability",
		"severe_disability", "severe_disability", "extreme_poverty", "extreme_poverty", "extreme_poverty", "extreme_poverty"}
	var households []store.Household
	for i, k := range kinds {
		v := villages[i%len(villages)]
		h, err := db.CreateHousehold(ctx, a, store.HouseholdInput{OrgID: v.ID, HeadName: householdNames[i],
			Address: v.Name + fmt.Sprintf("%d号", 10+i), Phone: fmt.Sprintf("1586350%04d", 200+i),
			RegisteredOn: app.MustDate("2025-12-01")})
		if err != nil {
			return st, fmt.Errorf("household: %w", err)
		}
		birth := app.MustDate("1958-03-12")
		if k == "orphan" {
			birth = app.MustDate(fmt.Sprintf("201%d-0%d-1%d", 2+i%6, 1+i%9, i%9))
		}
		p := store.PersonInput{Name: householdNames[i], Relation: "户主", IDNumber: member.MakeIDNumber("379921", birth, 100+2*i),
			BirthDate: birth, Categories: []string{k}}
		if k == "severe_disability" {
			p.Disability = "肢体二级"
		}
		if k == "orphan" {
			p.Relation = "本人"
		}
		if _, err := db.AddHouseholdPerson(ctx, a, h.ID, p); err != nil {
			return st, fmt.Errorf("person: %w", err)
		}
		if i == 2 { // the fourteenth person: a younger brother
			b := app.MustDate("2016-09-03")
			if _, err := db.AddHouseholdPerson(ctx, a, h.ID, store.PersonInput{Name: householdNames[i] + "弟",
				Relation: "兄弟", IDNumber: member.MakeIDNumber("379921", b, 301), BirthDate: b,
				Categories: []string{"orphan"}}); err != nil {
				return st, fmt.Errorf("person: %w", err)
			}
		}
		households = append(households, h)
	}
	st.households = len(households)
	at("2026-01-05")
	for i, h := range households {
		if _, err := db.CreatePairing(ctx, a, store.PairingInput{CadreID: cadres[i].ID, HouseholdID: h.ID,
			StartsOn: app.MustDate("2026-01-05")}); err != nil {
			return st, fmt.Errorf("pairing: %w", err)
		}
	}
	// A visit each quarter with aid; in the fourth quarter the last
	// household is not yet visited.
	aid := []store.AidInput{{Item: "米面油", Quantity: "1份", Yuan: "120"}, {Item: "慰问金", Yuan: "44"}}
	for q, day := range []string{"2026-02-10", "2026-05-15", "2026-08-20", "2026-10-28"} {
		for i, h := range households {
			if q == 3 && i == len(households)-1 {
				continue
			}
			d := at(day)
			in := store.AssistVisitInput{CadreID: cadres[i].ID, HouseholdID: h.ID, VisitedOn: d,
				Seen: "生活基本稳定", Needs: "", Aid: aid}
			if q == 0 {
				in.Occasion = "spring_festival"
				in.VisitedOn = at("2026-02-12")
			}
			if _, err := db.AddAssistVisit(ctx, a, in, nil); err != nil {
				return st, fmt.Errorf("visit: %w", err)
			}
			st.visits++
		}
	}
	problems := []struct {
		household int
		category  string
		what      string
		unit      string
		solved    string
		how       string
	}{
		{0, "education", "孩子上学交通不便", "东岭县教育和体育局", "2026-03-10", "已安排校车接送"},
		{3, "housing", "房屋漏雨", "东岭县住房和城乡建设局", "2026-04-22", "已纳入危房改造并完成维修"},
		{5, "care", "无人照料", "东岭县民政局", "2026-05-30", "已安排护理员每周上门两次"},
		{7, "medical", "康复器具损坏", "东岭县残疾人联合会", "2026-06-18", "已更换轮椅一台"},
		{10, "policy", "低保待遇未及时调整", "东岭县民政局", "2026-09-05", "已重新核定并补发"},
		{12, "infrastructure", "自来水管冬季冻裂", "东岭县水利局", "", ""},
	}
	for _, p := range problems {
		raised := at("2026-02-12")
		pr, err := db.CreateProblem(ctx, a, store.ProblemInput{HouseholdID: households[p.household].ID, Category: p.category,
			Description: p.what, Department: p.unit, RaisedOn: raised})
		if err != nil {
			return st, fmt.Errorf("problem: %w", err)
		}
		st.problems++
		if p.solved == "" {
			continue
		}
		d := at(p.solved)
		if _, err := db.ChangeProblem(ctx, a, pr.ID, store.ProblemChange{Status: assist.ProblemSolved, Resolution: p.how,
			ResolvedOn: d}); err != nil {
			return st, fmt.Errorf("solve problem: %w", err)
		}
	}
	// Enterprise liaison by the county committee's chair and a vice-chair.
	leaders := []int64{county.memberIDs["chair"], county.memberIDs["vice-chair-1"]}
	for i, e := range []struct{ name, first17, sector, size, reason, problem, category string }{
		{"东岭县恒达机械制造有限公司", "91379921MA3D4K2P5", "装备制造", "medium", "企业反映燃气供应不稳定", "天然气冬季限供影响生产", "energy"},
		{"东岭县绿源农产品加工有限公司", "91379921MA3E7R8Q1", "农产品加工", "small", "了解设备升级和用工需求", "设备更新缺少贷款", "finance"},
	} {
		at("2026-03-01")
		check, ok := assist.USCCCheckChar(e.first17)
		if !ok {
			return st, fmt.Errorf("credit code %s", e.first17)
		}
		ent, err := db.CreateEnterprise(ctx, a, store.EnterpriseInput{OrgID: county.org.ID, Name: e.name,
			USCC: e.first17 + string(check), Sector: e.sector, Size: e.size, Contact: "办公室", Employees: 80 + 60*i})
		if err != nil {
			return st, fmt.Errorf("enterprise: %w", err)
		}
		st.enterprises++
		leader, err := db.CreateCadre(ctx, a, store.CadreInput{OrgID: county.org.ID, Name: county.names[[]string{"chair", "vice-chair-1"}[i]],
			Post: []string{"县政协主席", "县政协副主席"}[i], MemberID: leaders[i]})
		if err != nil {
			return st, fmt.Errorf("leader cadre: %w", err)
		}
		if _, err := db.CreateEnterprisePairing(ctx, a, ent.ID, store.EnterprisePairingInput{CadreID: leader.ID,
			StartsOn: app.MustDate("2026-03-01")}); err != nil {
			return st, fmt.Errorf("liaison: %w", err)
		}
		d := at("2026-04-08")
		if _, err := db.CreateEnterpriseVisit(ctx, a, ent.ID, store.LiaisonVisitInput{CadreID: leader.ID, VisitedOn: d,
			Reason: e.reason, Seen: "生产经营正常"}); err != nil {
			return st, fmt.Errorf("enterprise visit: %w", err)
		}
		if _, err := db.CreateEnterpriseProblem(ctx, a, ent.ID, store.LiaisonProblemInput{Category: e.category,
			Description: e.problem, Department: "东岭县发展和改革局", RaisedOn: d}); err != nil {
			return st, fmt.Errorf("enterprise problem: %w", err)
		}
	}
	// A winter visit campaign over the 13 households.
	at("2026-11-20")
	c, err := db.CreateVisitCampaign(ctx, a, store.VisitCampaignInput{OrgID: county.org.ID, Title: "2026年冬季困难群众遍访",
		StartsOn: app.MustDate("2026-11-20"), EndsOn: app.MustDate("2026-12-31"), Note: "入冬前走遍全部结对户，查看取暖和用水情况"})
	if err != nil {
		return st, fmt.Errorf("campaign: %w", err)
	}
	if _, err := db.AddCampaignTargets(ctx, a, c.ID, store.CampaignTargetsInput{All: true, CadreID: cadres[0].ID}); err != nil {
		return st, fmt.Errorf("campaign targets: %w", err)
	}
	return st, nil
}

var cadreNames = []string{"王立新", "李海燕", "张建国", "刘晓梅", "陈志强", "杨丽华", "赵明", "黄静", "周文斌", "吴晓丽",
	"徐永刚", "孙红霞", "马俊"}

var householdNames = []string{"高小宇", "林思琪", "何浩然", "郭桂英", "罗秀兰", "梁德福", "宋玉珍", "郑长海", "谢金凤",
	"韩老汉", "唐秀芳", "冯永贵", "曹凤英"}
