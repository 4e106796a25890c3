package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Pairing assistance in the province world, in the counties: each county's
// current members and its township cadres paired with households in need
// (members up to eight households each, township cadres five; the
// county's rules say so), the households with their
// persons and categories, handovers and exits; a million visits, each by
// the cadre paired with the household that day, a third with aid; problems
// raised and worked; enterprises liaised by the committees' leaders with
// their visits and problem lists; a winter visit campaign per county.

// Households a cadre is paired with at most: a member, a township cadre.
const (
	householdsPerMember = 8
	householdsPerCadre  = 5
)

// provCadre is a cadre as planned.
type provCadre struct {
	id      int64
	pc      *provCommittee
	org     org.Org
	name    string
	post    string
	phone   string
	member  *provMember
	account int64
	load    int // households paired so far (planning)
}

// capacity is the households the cadre may be paired with.
func (c *provCadre) capacity() int {
	if c.member != nil {
		return householdsPerMember
	}
	return householdsPerCadre
}

// provHousehold is a household as planned; its visits are drawn from its
// own generator so that every pass over them draws the same.
type provHousehold struct {
	id         int64
	pc         *provCommittee
	org        org.Org
	town       int
	registered app.Date
	exited     app.Date
	pairings   []provPairing
	seed       uint64
	campaigns  []*provCampaign // campaigns that target it, each with a visit
}

type provPairing struct {
	id       int64
	cadre    *provCadre
	from, to app.Date // to zero: still paired
	reason   string
	handed   int64
}

type provCampaign struct {
	id       int64
	pc       *provCommittee
	town     int
	from, to app.Date
}

// cadreOn is the pairing active on day, nil if none.
func (h *provHousehold) pairingOn(day app.Date) *provPairing {
	for i := range h.pairings {
		p := &h.pairings[i]
		if !day.Before(p.from) && (p.to.IsZero() || day.Before(p.to)) {
			return p
		}
	}
	return nil
}

// assist writes cadres, households, persons, pairings, enterprises and
// their liaison, campaigns and problems; visits follow in their own phase.
func (pl *provLoader) assist(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedAssist)
	ids, err := pl.nextIDs(ctx, "cadre", "household", "pairing", "enterprise", "visit_campaign")
	if err != nil {
		return err
	}
	next := func(t string) int64 { id := ids[t]; ids[t]++; return id }
	counties := pl.committees[1:]
	totalVillages := 0
	for _, pc := range counties {
		totalVillages += len(pc.villages)
	}
	rules := assist.DefaultRules()
	rules.HouseholdsPerCadre, rules.VisitEveryDays = householdsPerMember, 90
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		return err
	}
	var ruleRows, cadreRows, householdRows, personRows, pairingRows, enterpriseRows, campaignRows, targetRows, problemRows [][]any
	var households []*provHousehold
	enterprises := 0
	vi := 0 // global village index
	nm := newNamer(pl.opt.Seed*131 + 7)
	for ci, pc := range counties {
		ruleRows = append(ruleRows, []any{pc.org.ID, string(rulesJSON), at(app.MustDate("2018-01-01"), 9, 0)})
		nh := 0
		first := vi
		for range pc.villages {
			nh += share(pl.c.Households, totalVillages, vi)
			vi++
		}
		// Cadres: the current members, then the townships' cadres.
		var cadres []*provCadre
		for _, i := range pc.seated[1] {
			m := pc.members[i]
			cadres = append(cadres, &provCadre{pc: pc, org: pc.org, name: m.name, post: pc.org.Name + "委员", phone: m.in.Phone, member: m})
		}
		// Township cadres for three households in ten, or what the members cannot take.
		office := max((nh*3/10+householdsPerCadre-1)/householdsPerCadre,
			(nh-len(cadres)*householdsPerMember+householdsPerCadre-1)/householdsPerCadre)
		office = max(office, 1) + max(1, nh/50) // and some for handovers
		for k := range office {
			g := nm.gender(45)
			t := pc.townships[k%len(pc.townships)]
			post := t.Name + "干部"
			if k%5 == 0 {
				post = pc.org.Name + "机关干部"
			}
			c := &provCadre{pc: pc, org: t, name: nm.name(g), post: post, phone: fmt.Sprintf("1395%03d%04d", ci, k)}
			if k == 0 && pc.cadreAcc.ID != 0 {
				c.name, c.account, c.org = pc.cadreAcc.DisplayName, pc.cadreAcc.ID, pc.org
			}
			cadres = append(cadres, c)
		}
		for _, c := range cadres {
			c.id = next("cadre")
			cadreRows = append(cadreRows, []any{c.id, c.org.ID, pc.org.ID, c.name, c.post, c.phone, memberID(c.member),
				nullID(c.account), "", at(app.MustDate("2018-01-05"), 9, 0), at(app.MustDate("2018-01-05"), 9, 0)})
		}
		// The pool that takes handovers: the last tenth of the township cadres.
		handover := cadres[len(cadres)-max(1, nh/50):]
		regular := cadres[:len(cadres)-len(handover)]
		// Households village by village.
		k := 0
		area := pc.org.Code
		seen := map[string]bool{}
		for v := range pc.villages {
			n := share(pl.c.Households, totalVillages, first+v)
			vo := pc.villages[v]
			for range n {
				h := &provHousehold{id: next("household"), pc: pc, org: vo, town: pc.villageTown[v], seed: r.Uint64()}
				h.registered = app.Date{Y: 2018 + r.IntN(8), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
				if !h.registered.Before(provToday) {
					h.registered = addDays(provToday, -30-r.IntN(300))
				}
				if r.IntN(100) < 8 && daysBetween(h.registered, provToday) > 500 {
					h.exited = addDays(h.registered, 400+r.IntN(daysBetween(h.registered, provToday)-400))
				}
				// Paired a few days after registering, with the next cadre that has room.
				var c *provCadre
				for tries := 0; tries < len(regular); tries++ {
					c = regular[k%len(regular)]
					k++
					if c.load < c.capacity() {
						break
					}
				}
				c.load++
				from := addDays(h.registered, 3+r.IntN(20))
				if !from.Before(provToday) {
					from = h.registered
				}
				p := provPairing{id: next("pairing"), cadre: c, from: from}
				end := h.exited
				if r.IntN(100) < 12 && daysBetween(from, provToday) > 400 {
					// A handover: the first cadre changes posts, another takes over.
					x := addDays(from, 200+r.IntN(daysBetween(from, provToday)-200))
					if end.IsZero() || x.Before(end) {
						p.to, p.reason = x, "帮扶干部工作调整"
						h.pairings = append(h.pairings, p)
						var b *provCadre
						for _, cand := range handover {
							if cand.load < householdsPerCadre {
								b = cand
								break
							}
						}
						if b == nil {
							b = handover[r.IntN(len(handover))]
						}
						b.load++
						p = provPairing{id: next("pairing"), cadre: b, from: x, handed: p.id}
					}
				}
				if !end.IsZero() {
					p.to, p.reason = end, "已退出帮扶对象名单"
				}
				h.pairings = append(h.pairings, p)
				households = append(households, h)
				// The household's persons.
				head := nm.name(nm.gender(45))
				cat := pickCategory(r)
				persons := 1 + r.IntN(3)
				exitReason := ""
				if !h.exited.IsZero() {
					exitReason = []string{"家庭收入稳定，脱离困境", "迁出本地", "户主去世，家庭成员投靠亲属"}[r.IntN(3)]
				}
				householdRows = append(householdRows, []any{h.id, vo.ID, pc.org.ID, head, vo.Name + fmt.Sprintf("%d号", 1+r.IntN(180)),
					fmt.Sprintf("158%04d%04d", ci*10+r.IntN(10), int(h.id)%10000), "", h.registered.String(), h.exited.String(), exitReason,
					at(h.registered, 10, 0), at(h.registered, 10, 0)})
				for pi := range persons {
					name, relation, gender := head, "户主", "男"
					birth := app.Date{Y: 1935 + r.IntN(50), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
					cats := []string{cat}
					if cat == "orphan" || cat == "unattended_child" || cat == "left_behind_child" {
						birth = app.Date{Y: 2010 + r.IntN(12), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
						relation = "本人"
					}
					if pi > 0 {
						gender = nm.gender(50)
						relation = []string{"配偶", "子女", "孙子女", "父母"}[r.IntN(4)]
						name = nm.name(gender)
						if relation != "配偶" { // children and parents share the head's surname
							name = string([]rune(head)[:1]) + string([]rune(name)[1:])
						}
						if relation == "子女" || relation == "孙子女" {
							birth = app.Date{Y: 2008 + r.IntN(14), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
						}
						if r.IntN(2) == 0 {
							cats = nil
						}
					}
					if cat == "elder80" && pi == 0 {
						birth = app.Date{Y: 1930 + r.IntN(14), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
					}
					id := ""
					for tries := 0; tries < 5; tries++ {
						seq := r.IntN(1000)
						if (seq%2 == 1) != (gender == "男") {
							seq = (seq + 1) % 1000
						}
						x := member.MakeIDNumber(area, birth, seq)
						if !seen[x] {
							seen[x], id = true, x
							break
						}
					}
					disability := ""
					if slices.Contains(cats, "severe_disability") {
						disability = []string{"肢体二级", "视力一级", "智力二级", "精神一级"}[r.IntN(4)]
					}
					health := ""
					if slices.Contains(cats, "serious_illness") {
						health = []string{"尿毒症，定期透析", "恶性肿瘤术后", "重度脑梗后遗症"}[r.IntN(3)]
					}
					personRows = append(personRows, []any{h.id, pc.org.ID, name, relation, gender, birth.String(), id,
						strings.Join(cats, ","), disability, health, at(h.registered, 10, 30), at(h.registered, 10, 30)})
				}
				for _, p := range h.pairings {
					pairingRows = append(pairingRows, []any{p.id, pc.org.ID, p.cadre.id, h.id, nil, p.from.String(), p.to.String(),
						p.reason, nullID(p.handed), at(p.from, 9, 0), at(p.from, 9, 0)})
				}
				// About one household in seven raises a problem.
				if r.IntN(7) == 0 {
					pr := householdProblems[r.IntN(len(householdProblems))]
					raised := addDays(from, r.IntN(max(1, daysBetween(from, provToday))))
					problemRows = append(problemRows, pl.problemRow(r, pc, vo.ID, h.id, 0, pr.category, pr.text, pr.resolution, raised))
				}
			}
		}
		// Enterprises liaised by the committee's leaders and standing members.
		var leaders []*provCadre
		for _, c := range cadres {
			if c.member != nil && c.member.roleOn(1, provToday) != member.Ordinary {
				leaders = append(leaders, c)
			}
		}
		ne := max(1, nh/25)
		for e := range ne {
			id := next("enterprise")
			enterprises++
			kind := enterpriseKinds[r.IntN(len(enterpriseKinds))]
			name := pc.short + companyRoots[(e/len(enterpriseKinds))%len(companyRoots)] + kind.suffix
			if e >= len(companyRoots)*len(enterpriseKinds) {
				name = fmt.Sprintf("%s%s%d%s", pc.short, companyRoots[e%len(companyRoots)], e, kind.suffix)
			}
			first17 := fmt.Sprintf("91%sMA%s", area, base31(e, 7))
			check, ok := assist.USCCCheckChar(first17)
			if !ok {
				return fmt.Errorf("credit code %s", first17)
			}
			o := pc.org
			if e%3 != 0 {
				o = pc.townships[e%len(pc.townships)]
			}
			since := app.Date{Y: 2019 + r.IntN(5), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
			enterpriseRows = append(enterpriseRows, []any{id, o.ID, pc.org.ID, name, first17 + string(check), kind.sector,
				[]string{"large", "medium", "small", "small", "micro"}[r.IntN(5)], o.Name + "工业园区", "办公室",
				fmt.Sprintf("0530-7%03d%04d", ci, e), 20 + r.IntN(800), "", false, at(since, 9, 0), at(since, 9, 0)})
			c := leaders[e%len(leaders)]
			pid := next("pairing")
			pairingRows = append(pairingRows, []any{pid, pc.org.ID, c.id, nil, id, since.String(), "", "", nil, at(since, 9, 0), at(since, 9, 0)})
			pl.enterprises = append(pl.enterprises, provEnterprise{id: id, pc: pc, org: o, cadre: c, since: since})
			for range r.IntN(3) {
				ep := enterpriseProblems[r.IntN(len(enterpriseProblems))]
				raised := addDays(since, r.IntN(max(1, daysBetween(since, provToday))))
				problemRows = append(problemRows, pl.problemRow(r, pc, o.ID, 0, id, ep.category, ep.text, "已协调有关部门解决", raised))
			}
		}
		// A winter visit campaign each year from 2024 over the first township's households.
		for y := 2024; y < provToday.Y || (y == provToday.Y && provToday.M >= time.November); y++ {
			c := &provCampaign{id: next("visit_campaign"), pc: pc, town: 0, from: app.Date{Y: y, M: time.November, D: 20},
				to: app.Date{Y: y, M: time.December, D: 31}}
			campaignRows = append(campaignRows, []any{c.id, pc.org.ID, pc.org.ID, fmt.Sprintf("%d年冬季困难群众遍访", y), c.from.String(),
				c.to.String(), "入冬前走遍全部结对户，查看取暖和用水情况", at(addDays(c.from, -5), 9, 0), at(addDays(c.from, -5), 9, 0)})
			for _, h := range households {
				if h.pc != pc || h.town != 0 {
					continue
				}
				p := h.pairingOn(c.from)
				if p == nil || (!h.exited.IsZero() && !h.exited.After(c.to)) {
					continue
				}
				targetRows = append(targetRows, []any{c.id, h.id, p.cadre.id})
				if c.from.Before(provToday) {
					h.campaigns = append(h.campaigns, c) // the campaign's visit (drawn with the others)
				}
			}
		}
	}
	pl.households = households
	pl.stats.households = len(households)
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"帮扶规则", "assist_rules", "committee_id, rules_json, updated_at", ruleRows},
		{"帮扶干部", "cadre", "id, org_id, committee_id, name, post, phone, member_id, account_id, left_on, created_at, updated_at", cadreRows},
		{"帮扶对象", "household", "id, org_id, committee_id, head_name, address, phone, note, registered_on, exited_on, exit_reason, " +
			"created_at, updated_at", householdRows},
		{"家庭成员", "household_person", "household_id, committee_id, name, relation, gender, birth_date, id_number, categories, " +
			"disability, health, created_at, updated_at", personRows},
		{"包联企业", "enterprise", "id, org_id, committee_id, name, uscc, sector, size, address, contact, contact_phone, employees, " +
			"note, archived, created_at, updated_at", enterpriseRows},
		{"结对和包联", "pairing", "id, committee_id, cadre_id, household_id, enterprise_id, starts_on, ends_on, end_reason, " +
			"handed_from, created_at, updated_at", pairingRows},
		{"遍访活动", "visit_campaign", "id, org_id, committee_id, title, starts_on, ends_on, note, created_at, updated_at", campaignRows},
		{"遍访对象", "campaign_target", "campaign_id, household_id, cadre_id", targetRows},
		{"急难愁盼问题", "assist_problem", "committee_id, org_id, household_id, enterprise_id, category, description, department, " +
			"status, raised_on, resolution, resolved_on, created_by, created_at, updated_at", problemRows},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return nil
}

// provEnterprise is an enterprise with its liaison.
type provEnterprise struct {
	id    int64
	pc    *provCommittee
	org   org.Org
	cadre *provCadre
	since app.Date
}

func memberID(m *provMember) any {
	if m == nil {
		return nil
	}
	return m.id
}

// problemRow is a problem raised on a day and worked since.
func (pl *provLoader) problemRow(r *rand.Rand, pc *provCommittee, orgID, household, enterprise int64, category, text, resolution string,
	raised app.Date) []any {
	status, resolved, how := assist.ProblemOpen, "", ""
	age := daysBetween(raised, provToday)
	switch x := r.IntN(100); {
	case x < 70 && age > 30:
		status, resolved, how = assist.ProblemSolved, addDays(raised, 5+r.IntN(min(age-5, 120))).String(), resolution
	case x < 78 && age > 30:
		status, resolved, how = assist.ProblemUnsolvable, addDays(raised, 10+r.IntN(min(age-10, 60))).String(), "受政策限制暂无法解决，已做好解释工作"
	case x < 90:
		status = assist.ProblemInProgress
	}
	dept := pc.place + []string{"民政局", "住房和城乡建设局", "卫生健康委员会", "教育局", "人力资源和社会保障局", "水利局"}[r.IntN(6)]
	return []any{pc.org.ID, orgID, nullID(household), nullID(enterprise), category, text, dept, string(status), raised.String(),
		how, resolved, pc.officeAcc.ID, at(raised, 11, 0), at(raised, 11, 0)}
}

// pickCategory draws why a household is on the register.
func pickCategory(r *rand.Rand) string {
	weights := []int{4, 3, 8, 14, 16, 25, 12, 10, 8}
	x := r.IntN(100)
	for i, w := range weights {
		if x < w {
			return assist.Categories[i].Code
		}
		x -= w
	}
	return "low_income"
}

// base31 writes n in k characters of the credit code's alphabet (no I, O,
// S, V, Z), so that each enterprise of a county has its own code.
func base31(n, k int) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := make([]byte, k)
	for i := k - 1; i >= 0; i-- {
		b[i] = alphabet[n%31]
		n /= 31
	}
	return string(b)
}

// ---------------------------------------------------------------- visits

// visitOf is one visit drawn for a household or an enterprise.
type visitOf struct {
	day      app.Date
	cadre    *provCadre
	occasion string
	seen     string
	needs    string
	aid      []int // indices in aidItems
	campaign int64
}

// householdVisits draws a household's visits: spread over its paired
// time, each by the cadre paired that day; the campaign's visit in its
// window. The household's own generator makes every pass draw the same.
func householdVisits(h *provHousehold, n int) []visitOf {
	r := rand.New(rand.NewPCG(h.seed, 0x56495349))
	first := h.pairings[0].from
	last := addDays(provToday, -1)
	if !h.exited.IsZero() {
		last = addDays(h.exited, -1)
	}
	span := daysBetween(first, last)
	if span < 0 {
		return nil
	}
	out := make([]visitOf, 0, n+1)
	for k := range n {
		d := addDays(first, (k*span+r.IntN(max(1, span/max(1, n))))/max(1, n))
		p := h.pairingOn(d)
		if p == nil {
			continue
		}
		v := visitOf{day: d, cadre: p.cadre, seen: visitSeen[r.IntN(len(visitSeen))], needs: visitNeeds[r.IntN(len(visitNeeds))]}
		switch {
		case d.M == time.January || d.M == time.February:
			v.occasion = "spring_festival"
		case d.M == time.September:
			v.occasion = "mid_autumn"
		case r.IntN(20) == 0:
			v.occasion = []string{"illness", "hardship", "disaster"}[r.IntN(3)]
		}
		if r.IntN(3) == 0 || v.occasion == "spring_festival" {
			v.aid = append(v.aid, r.IntN(len(aidItems)))
			if r.IntN(3) == 0 {
				v.aid = append(v.aid, r.IntN(len(aidItems)))
			}
		}
		out = append(out, v)
	}
	for _, c := range h.campaigns {
		to := c.to
		if !to.Before(provToday) {
			to = addDays(provToday, -1)
		}
		d := addDays(c.from, r.IntN(daysBetween(c.from, to)+1))
		if p := h.pairingOn(d); p != nil {
			out = append(out, visitOf{day: d, cadre: p.cadre, seen: "取暖设施正常，饮水正常", campaign: c.id, aid: []int{6}})
		}
	}
	return out
}

// visits writes the households' and enterprises' visits, their aid and the
// member cadres' duty events, drawing the same visits in each pass.
func (pl *provLoader) visits(ctx context.Context) error {
	ids, err := pl.nextIDs(ctx, "assist_visit")
	if err != nil {
		return err
	}
	first := ids["assist_visit"]
	entVisits := 0
	if len(pl.enterprises) > 0 {
		entVisits = min(pl.c.Visits/100, 5*len(pl.enterprises))
	}
	// Visits per household: the rest, spread evenly (campaign visits included).
	campaignVisits := 0
	for _, h := range pl.households {
		campaignVisits += len(h.campaigns)
	}
	perHousehold := func(i int) int {
		return share(max(0, pl.c.Visits-entVisits-campaignVisits), len(pl.households), i)
	}
	// each calls fn for every visit in order with its id.
	each := func(fn func(id int64, h *provHousehold, e *provEnterprise, v visitOf) error) error {
		id := first
		for i, h := range pl.households {
			for _, v := range householdVisits(h, perHousehold(i)) {
				if err := fn(id, h, nil, v); err != nil {
					return err
				}
				id++
			}
		}
		for k := range entVisits {
			e := &pl.enterprises[k%len(pl.enterprises)]
			r := rand.New(rand.NewPCG(uint64(e.id), uint64(k)))
			span := max(1, daysBetween(e.since, provToday))
			v := visitOf{day: addDays(e.since, r.IntN(span)), cadre: e.cadre, seen: "生产经营正常"}
			if err := fn(id, nil, e, v); err != nil {
				return err
			}
			id++
		}
		return nil
	}
	reasons := []string{"了解企业生产经营情况", "企业反映用工困难", "宣讲惠企政策", "协调解决融资需求", "了解项目建设进展"}
	n, err := pl.bulk("走访记录", "assist_visit", "id, committee_id, org_id, cadre_id, household_id, enterprise_id, campaign_id, "+
		"visited_on, occasion, reason, seen, needs, aid_fen, created_by, created_at", pl.c.Visits, func(emit func(vals ...any) error) error {
		return each(func(id int64, h *provHousehold, e *provEnterprise, v visitOf) error {
			var fen int64
			for _, a := range v.aid {
				fen += aidItems[a].fen
			}
			created := at(v.day, 17, 0)
			if h != nil {
				return emit(id, h.pc.org.ID, h.org.ID, v.cadre.id, h.id, nil, nullID(v.campaign), v.day.String(), v.occasion, "",
					v.seen, v.needs, fen, h.pc.officeAcc.ID, created)
			}
			return emit(id, e.pc.org.ID, e.org.ID, v.cadre.id, nil, e.id, nil, v.day.String(), "", reasons[int(id)%len(reasons)],
				v.seen, "", fen, e.pc.officeAcc.ID, created)
		})
	})
	if err != nil {
		return err
	}
	pl.stats.visits = n
	if _, err := pl.bulk("慰问物资", "assist_aid", "visit_id, item, quantity, value_fen", 0, func(emit func(vals ...any) error) error {
		return each(func(id int64, _ *provHousehold, _ *provEnterprise, v visitOf) error {
			for _, a := range v.aid {
				it := aidItems[a]
				if err := emit(id, it.item, it.quantity, it.fen); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		return err
	}
	k, err := pl.bulk("委员走访履职记录", "duty_event", dutyCols, 0, func(emit func(vals ...any) error) error {
		return each(func(id int64, _ *provHousehold, _ *provEnterprise, v visitOf) error {
			if v.cadre.member == nil {
				return nil
			}
			d := dutyRow{committee: v.cadre.pc.org.ID, member: v.cadre.member.id, kind: store.DutyAssistVisit, on: v.day.String(),
				source: store.SourceAssistVisit, sourceID: id}
			return emit(d.values(at(v.day, 17, 0))...)
		})
	})
	pl.dutyWritten += k
	return err
}
