package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// The structure of the province world: 江州市政协 and its counties, their
// townships and villages, two terms each, sectors and special committees,
// handling units; the members with their seats and roles; the accounts.

// provCommittee is one committee of the province world as loaded.
type provCommittee struct {
	idx                 int // 0 the city, 1… the counties
	org                 org.Org
	place, short        string // 江州市, 江州
	terms               [2]org.Term
	start, end          [2]app.Date // of each term; end[1] is zero (current term)
	sectors             []org.Sector
	specials            []org.SpecialCommittee
	townships           []org.Org
	villages            []org.Org
	villageTown         []int // township index of each village
	members             []*provMember
	seated              [2][]int // member indices seated in each term
	sessions            [2][]*provSession
	units               []store.Unit
	officeAcc, otherAcc auth.Account // pass 1 and pass 2 of paper ballots
	cadreAcc            auth.Account // the county's cadre login
	officeName          string
}

// provMember is a member with seats and roles.
type provMember struct {
	id       int64
	name     string
	gender   string
	sector   int // index in committee.sectors
	special  int // index in committee.specials, -1 none
	seats    [2]bool
	roles    []provRole
	workDone bool
	in       member.Input
}

type provRole struct {
	term       int
	kind       member.RoleKind
	start, end app.Date
	note       string
}

// roleOn is the member's most senior role on day in term t.
func (m *provMember) roleOn(t int, day app.Date) member.RoleKind {
	best := member.Ordinary
	for _, r := range m.roles {
		if r.term != t || day.Before(r.start) || (!r.end.IsZero() && day.After(r.end)) {
			continue
		}
		if r.kind.Rank() < best.Rank() {
			best = r.kind
		}
	}
	return best
}

// hasRole reports whether the member holds kind on day in term t.
func (m *provMember) hasRole(t int, kind member.RoleKind, day app.Date) bool {
	for _, r := range m.roles {
		if r.term == t && r.kind == kind && !day.Before(r.start) && (r.end.IsZero() || !day.After(r.end)) {
			return true
		}
	}
	return false
}

// countySpecs are the counties' names and term numbers.
var countySpecs = []struct {
	name, place, short string
	terms              [2]int
	district           bool
}{
	{"青石县政协", "青石县", "青石", [2]int{9, 10}, false},
	{"柳河县政协", "柳河县", "柳河", [2]int{9, 10}, false},
	{"白马县政协", "白马县", "白马", [2]int{10, 11}, false},
	{"东阳县政协", "东阳县", "东阳", [2]int{9, 10}, false},
	{"西平县政协", "西平县", "西平", [2]int{11, 12}, false},
	{"南岭县政协", "南岭县", "南岭", [2]int{9, 10}, false},
	{"安平县政协", "安平县", "安平", [2]int{10, 11}, false},
	{"宁远县政协", "宁远县", "宁远", [2]int{9, 10}, false},
	{"北湖区政协", "北湖区", "北湖", [2]int{5, 6}, true},
	{"临川区政协", "临川区", "临川", [2]int{4, 5}, true},
}

var townRoots = []string{"城关", "龙泉", "石桥", "柳林", "青山", "河口", "马集", "杨庄", "白塔", "新集", "王店", "高庄",
	"双河", "黄岗", "桃园", "三里", "长岭", "大营", "沙河", "李楼", "孙集", "古城", "梨园", "枣庄", "金山", "花园", "凤凰",
	"太平", "永安", "兴隆"}
var streetRoots = []string{"城东", "城西", "城南", "城北", "湖滨", "新华", "文昌", "凤凰", "建设", "解放", "人民", "中山",
	"和平", "东风", "光明", "朝阳", "育才", "振兴", "滨河", "金桥"}

// share splits n over k parts as evenly as possible; part i's size.
func share(n, k, i int) int {
	q, r := n/k, n%k
	if i < r {
		return q + 1
	}
	return q
}

// structure creates the committees, their trees, terms, sectors, special
// committees and handling units through the store.
func (pl *provLoader) structure(ctx context.Context) error {
	db, a := pl.db, pl.actor
	r := rngFor(pl.opt.Seed, seedStructure)
	mk := func(in org.Input) (org.Org, error) {
		o, err := db.CreateOrg(ctx, a, in)
		if err != nil {
			return o, fmt.Errorf("%s: %w", in.Name, err)
		}
		pl.prog.set(pl.prog.done + 1)
		return o, nil
	}
	city, err := mk(org.Input{Kind: org.City, Name: "江州市政协", Code: "378800"})
	if err != nil {
		return err
	}
	pl.committees = append(pl.committees, &provCommittee{idx: 0, org: city, place: "江州市", short: "江州"})
	for i := range pl.c.Counties {
		s := countySpecs[i%len(countySpecs)]
		name, place, short := s.name, s.place, s.short
		if i >= len(countySpecs) {
			name = fmt.Sprintf("%s%d", strings.TrimSuffix(name, "政协"), i/len(countySpecs)+1) + "政协"
			place = strings.TrimSuffix(name, "政协")
		}
		code := fmt.Sprintf("3788%02d", 21+i)
		c, err := mk(org.Input{ParentID: city.ID, Kind: org.County, Name: name, Code: code, Sort: 10 * (i + 1)})
		if err != nil {
			return err
		}
		pc := &provCommittee{idx: i + 1, org: c, place: place, short: short}
		pl.committees = append(pl.committees, pc)
		towns := share(pl.c.Townships, pl.c.Counties, i)
		townsBefore := 0 // townships of the counties before this one
		for k := range i {
			townsBefore += share(pl.c.Townships, pl.c.Counties, k)
		}
		streets := 0
		if s.district {
			streets = towns * 2 / 3
		} else {
			streets = min(towns, 1+towns/8)
		}
		roots := r.Perm(len(townRoots))
		sroots := r.Perm(len(streetRoots))
		for t := range towns {
			var tname string
			street := t < streets
			switch {
			case street:
				tname = streetRoots[sroots[t%len(sroots)]] + "街道"
			case t%4 == 3:
				tname = townRoots[roots[t%len(roots)]] + "乡"
			default:
				tname = townRoots[roots[t%len(roots)]] + "镇"
			}
			if t >= len(townRoots) || (street && t >= len(streetRoots)) {
				tname = fmt.Sprintf("第%s%s", org.Numeral(t+1), tname)
			}
			town, err := mk(org.Input{ParentID: c.ID, Kind: org.Township, Name: tname,
				Code: fmt.Sprintf("%s%03d", code, t+1), Sort: 10 * (t + 1)})
			if err != nil {
				return err
			}
			pc.townships = append(pc.townships, town)
			nv := share(pl.c.Villages, pl.c.Townships, townsBefore+t)
			vroots, suffix := villageRoots, "村"
			if street {
				vroots, suffix = communityRoots, "社区"
			}
			perm := r.Perm(len(vroots))
			for v := range nv {
				vname := vroots[perm[v%len(perm)]] + suffix
				if v >= len(vroots) {
					vname = vroots[perm[v%len(perm)]] + org.Numeral(v/len(vroots)+1) + suffix
				}
				vo, err := mk(org.Input{ParentID: town.ID, Kind: org.Village, Name: vname,
					Code: fmt.Sprintf("%s%03d%03d", code, t+1, v+1), Sort: 10 * (v + 1)})
				if err != nil {
					return err
				}
				pc.villages = append(pc.villages, vo)
				pc.villageTown = append(pc.villageTown, len(pc.townships)-1)
			}
		}
	}
	// Terms: the city's 十二届 (2017–2022) and 十三届 (from January 2022);
	// the counties' a few days earlier.
	for _, pc := range pl.committees {
		nums := [2]int{12, 13}
		if pc.idx > 0 {
			nums = countySpecs[(pc.idx-1)%len(countySpecs)].terms
		}
		off := -pc.idx
		pc.start = [2]app.Date{addDays(app.MustDate("2017-01-08"), off), addDays(app.MustDate("2022-01-10"), off)}
		pc.end = [2]app.Date{addDays(pc.start[1], -1), {}}
		for t := range 2 {
			term, err := db.CreateTerm(ctx, a, pc.org.ID, org.TermInput{Number: nums[t], StartDate: pc.start[t], EndDate: pc.end[t]})
			if err != nil {
				return fmt.Errorf("%s term: %w", pc.org.Name, err)
			}
			pc.terms[t] = term
		}
		if _, err := db.SeedDefaults(ctx, a, pc.org.ID); err != nil {
			return err
		}
		if pc.sectors, err = db.FindSectors(ctx, a, pc.org.ID); err != nil {
			return err
		}
		if pc.specials, err = db.FindSpecialCommittees(ctx, a, pc.org.ID); err != nil {
			return err
		}
		// Handling units: the departments the subjects name, the party
		// committee's and the government's offices.
		seen := map[string]bool{}
		names := []struct{ name, kind string }{{"中共" + pc.place + "委办公室", store.UnitParty},
			{pc.place + "人民政府办公室", store.UnitGovernment}}
		for _, s := range subjects {
			if s.unit == "政协" || seen[s.unit] {
				continue
			}
			seen[s.unit] = true
			kind := store.UnitGovernment
			if strings.HasSuffix(s.unit, "联合会") || s.unit == "消防救援支队" {
				kind = store.UnitDepartment
			}
			if strings.HasSuffix(s.unit, "办公室") || s.unit == "文明办" {
				kind = store.UnitParty
			}
			names = append(names, struct{ name, kind string }{pc.place + s.unit, kind})
		}
		for i, u := range names {
			unit, err := db.CreateUnit(ctx, a, store.UnitInput{CommitteeID: pc.org.ID, Name: u.name, Kind: u.kind,
				Contact: "办公室", Phone: fmt.Sprintf("0530-8%03d%04d", pc.idx, 1000+i), Sort: 10 * (i + 1)})
			if err != nil {
				return fmt.Errorf("unit %s: %w", u.name, err)
			}
			pc.units = append(pc.units, unit)
			pl.prog.set(pl.prog.done + 1)
		}
	}
	return nil
}

// unitFor is the committee's handling unit for a subject.
func (pc *provCommittee) unitFor(s subject) store.Unit {
	for _, u := range pc.units {
		if strings.HasSuffix(u.Name, s.unit) {
			return u
		}
	}
	return pc.units[1] // the government's office
}

// ---------------------------------------------------------------- members

// members plans every committee's members, seats, sessions and the roles
// its elections give, and writes members, seats and roles in bulk.
func (pl *provLoader) members(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedMembers)
	committees := len(pl.committees)
	per := pl.c.Members / committees
	for _, pc := range pl.committees {
		n := per
		if pc.idx == 0 {
			n += pl.c.Members - per*committees
		}
		pl.planMembers(pc, n)
		pl.planSessions(pc)
	}
	pl.planElections(r)
	// Leaders' posts.
	for _, pc := range pl.committees {
		for _, m := range pc.members {
			var post string
			for _, ro := range m.roles {
				switch ro.kind {
				case member.Chair:
					post = pc.org.Name + "主席"
				case member.ViceChair:
					if post == "" || !strings.HasSuffix(post, "主席") || strings.HasSuffix(post, "副主席") {
						post = pc.org.Name + "副主席"
					}
				case member.SecretaryGeneral:
					if post == "" {
						post = pc.org.Name + "秘书长"
					}
				}
			}
			if post != "" {
				if !m.seats[1] {
					post = "原" + post
				}
				m.in.Workplace = post
			}
		}
	}
	ids, err := pl.nextIDs(ctx, "member")
	if err != nil {
		return err
	}
	next := ids["member"]
	created := dayTime("2016-12-20", 10)
	var all []*provMember
	var owner []*provCommittee
	for _, pc := range pl.committees {
		for _, m := range pc.members {
			m.id = next
			next++
			all = append(all, m)
			owner = append(owner, pc)
		}
	}
	if err := pl.bulkN("委员", "member", "id, committee_id, name, gender, birth_date, ethnicity, party, education, workplace, "+
		"id_number, phone, status, created_at, updated_at", len(all), func(i int) []any {
		m, pc := all[i], owner[i]
		return []any{m.id, pc.org.ID, m.name, m.gender, m.in.BirthDate.String(), m.in.Ethnicity, m.in.Party, m.in.Education,
			m.in.Workplace, m.in.IDNumber, m.in.Phone, string(member.Serving), created, created}
	}); err != nil {
		return err
	}
	type seatRow struct {
		pc *provCommittee
		m  *provMember
		t  int
	}
	var seats []seatRow
	type roleRow struct {
		pc *provCommittee
		m  *provMember
		r  provRole
	}
	var roles []roleRow
	for _, pc := range pl.committees {
		for t := range 2 {
			for _, i := range pc.seated[t] {
				seats = append(seats, seatRow{pc, pc.members[i], t})
			}
		}
		for _, m := range pc.members {
			for _, ro := range m.roles {
				roles = append(roles, roleRow{pc, m, ro})
			}
		}
	}
	if err := pl.bulkN("委员届次席位", "term_member", "committee_id, term_id, member_id, sector_id, special_committee_id, "+
		"start_date, end_date", len(seats), func(i int) []any {
		s := seats[i]
		var special any
		if s.m.special >= 0 {
			special = s.pc.specials[s.m.special].ID
		}
		return []any{s.pc.org.ID, s.pc.terms[s.t].ID, s.m.id, s.pc.sectors[s.m.sector].ID, special,
			s.pc.start[s.t].String(), s.pc.end[s.t].String()}
	}); err != nil {
		return err
	}
	return pl.bulkN("委员职务", "member_role", "committee_id, member_id, term_id, kind, start_date, end_date, note, sort",
		len(roles), func(i int) []any {
			x := roles[i]
			return []any{x.pc.org.ID, x.m.id, x.pc.terms[x.r.term].ID, string(x.r.kind), x.r.start.String(),
				x.r.end.String(), x.r.note, 0}
		})
}

// planMembers draws a committee's n members and their seats.
func (pl *provLoader) planMembers(pc *provCommittee, n int) {
	nm := newNamer(pl.opt.Seed*31 + uint64(pc.idx) + 1000)
	towns := make([]string, 0, len(pc.townships))
	for _, t := range pc.townships {
		towns = append(towns, t.Name)
	}
	if len(towns) == 0 {
		for _, c := range pl.committees[1:] {
			for _, t := range c.townships {
				towns = append(towns, t.Name)
			}
		}
	}
	others := []string{"江州市"}
	if pc.idx == 0 {
		others = nil
		for _, c := range pl.committees[1:] {
			others = append(others, c.place)
		}
	}
	jobs := jobMaker{n: nm, committee: pc.org.Name, place: pc.place, short: pc.short, others: others, towns: towns}
	counts := allocate(n, sectorWeights)
	var sectors []string
	for i, k := range counts {
		for range k {
			sectors = append(sectors, org.DefaultSectors[i])
		}
	}
	nm.rng.Shuffle(len(sectors), func(i, j int) { sectors[i], sectors[j] = sectors[j], sectors[i] })
	sectorIdx := map[string]int{}
	for i, s := range pc.sectors {
		sectorIdx[s.Name] = i
	}
	specialIdx := map[string]int{}
	for i, s := range pc.specials {
		specialIdx[s.Name] = i
	}
	area := pc.org.Code // identity numbers of the committee's place
	for i := range n {
		sector := sectors[i]
		female := 30
		switch sector {
		case "妇联":
			female = 85
		case "中国共产党", "特邀人士":
			female = 20
		}
		g := nm.gender(female)
		birth := nm.birth(1958, 1990)
		m := &provMember{gender: g, sector: sectorIdx[sector], special: -1}
		m.in = member.Input{Name: nm.name(g), Gender: g, BirthDate: birth, Ethnicity: nm.ethnicity(sector == "少数民族界"),
			Party: party(nm, sector), Education: nm.education(), Workplace: jobs.job(sector),
			IDNumber: nm.idNumber(area, birth, g), Phone: nm.phone(pc.idx * 1000)}
		m.name = m.in.Name
		if sc := jobs.specialCommittee(sector); sc != "" {
			if k, ok := specialIdx[sc]; ok {
				m.special = k
			}
		}
		pc.members = append(pc.members, m)
	}
	seats := seatsOf(n)
	for i, m := range pc.members {
		if i < seats {
			m.seats[0] = true
			pc.seated[0] = append(pc.seated[0], i)
		}
		if i >= n-seats {
			m.seats[1] = true
			pc.seated[1] = append(pc.seated[1], i)
		}
	}
}

// ---------------------------------------------------------------- accounts

// accounts creates the demo accounts: for the city and every county an
// office, a leader (the chair), a member, a handling unit and (counties) a
// cadre and two coordinators (a township's and a village's room), all with
// Password.
func (pl *provLoader) accounts(ctx context.Context) error {
	db := pl.db
	if db.Argon2 == (auth.Argon2Params{}) {
		db.Argon2 = auth.FastArgon2
		defer func() { db.Argon2 = auth.Argon2Params{} }()
	}
	nm := newNamer(pl.opt.Seed*7 + 5)
	create := func(in auth.AccountInput) (auth.Account, error) {
		in.Password = Password
		acc, err := db.CreateAccount(ctx, pl.actor, in)
		if err != nil {
			return acc, fmt.Errorf("account %s: %w", in.Username, err)
		}
		if err := db.ClearMustChangePassword(ctx, acc.ID); err != nil {
			return acc, err
		}
		where := acc.OrgName
		if where == "" {
			where = "全平台"
		}
		pl.logins = append(pl.logins, Login{Username: acc.Username, Password: Password, Role: acc.Role.Label(), Org: where})
		pl.prog.set(pl.prog.done + 1)
		return acc, nil
	}
	// The three administrators (三员分立) of the whole deployment.
	for _, in := range []auth.AccountInput{{Username: "admin", DisplayName: "系统管理员", Role: auth.Admin},
		{Username: "secadmin", DisplayName: "安全管理员", Role: auth.SecAdmin},
		{Username: "auditor", DisplayName: "审计管理员", Role: auth.Auditor}} {
		if _, err := create(in); err != nil {
			return err
		}
	}
	for _, pc := range pl.committees {
		suffix := ""
		if pc.idx > 0 {
			suffix = fmt.Sprintf("-%02d", pc.idx)
		}
		var chair, ordinary *provMember
		for _, i := range pc.seated[1] {
			m := pc.members[i]
			switch m.roleOn(1, provToday) {
			case member.Chair:
				chair = m
			case member.Ordinary:
				if ordinary == nil {
					ordinary = m
				}
			}
		}
		office, err := create(auth.AccountInput{Username: "office" + suffix, DisplayName: pc.org.Name + "办公室",
			Role: auth.Office, OrgID: pc.org.ID})
		if err != nil {
			return err
		}
		pc.officeAcc, pc.officeName = office, office.DisplayName
		if chair != nil {
			if _, err := create(auth.AccountInput{Username: "leader" + suffix, DisplayName: chair.name, Role: auth.Leader,
				OrgID: pc.org.ID, MemberID: chair.id}); err != nil {
				return err
			}
		}
		if ordinary != nil {
			acc, err := create(auth.AccountInput{Username: "member" + suffix, DisplayName: ordinary.name,
				Role: auth.MemberRole, OrgID: pc.org.ID, MemberID: ordinary.id})
			if err != nil {
				return err
			}
			pc.otherAcc = acc
		}
		u := pc.units[slices.IndexFunc(pc.units, func(u store.Unit) bool { return strings.HasSuffix(u.Name, "住房和城乡建设局") })]
		if _, err := create(auth.AccountInput{Username: "unit" + suffix, DisplayName: u.Name, Role: auth.Unit,
			OrgID: pc.org.ID, UnitID: u.ID}); err != nil {
			return err
		}
		if pc.idx == 0 {
			continue
		}
		if pc.cadreAcc, err = create(auth.AccountInput{Username: "cadre" + suffix, DisplayName: nm.name(nm.gender(40)),
			Role: auth.Cadre, OrgID: pc.org.ID}); err != nil {
			return err
		}
		if len(pc.townships) > 0 {
			if _, err := create(auth.AccountInput{Username: "coordinator" + suffix + "-t", DisplayName: nm.name(nm.gender(50)),
				Role: auth.Coordinator, OrgID: pc.townships[0].ID}); err != nil {
				return err
			}
		}
		if len(pc.villages) > 0 {
			if _, err := create(auth.AccountInput{Username: "coordinator" + suffix + "-v", DisplayName: nm.name(nm.gender(50)),
				Role: auth.Coordinator, OrgID: pc.villages[0].ID}); err != nil {
				return err
			}
		}
	}
	if pl.committees[0].otherAcc.ID == 0 {
		return fmt.Errorf("no ordinary member for the member account")
	}
	return nil
}
