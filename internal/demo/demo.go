// Package demo loads the demo world: one city committee (明湖市政协, 第十三届)
// with three county and district committees, their townships and villages,
// about 400 city members and 100 per county across the usual sectors with a
// chair, vice-chairs, a secretary-general and a standing committee, an
// account for each role, and the city committee's meetings (meetings.go). Names are invented; the structure is realistic.
//
// The world is planned in memory first (plan, a pure function of Options with
// a fixed seed, so two loads give the same data) and then written through the
// store's ordinary functions, so that everything the demo creates passes the
// same validation and lands in the same audit log as a clerk's work.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/roster"
	"xieshang/internal/store"
)

// Login is a demo account printed at start.
type Login struct {
	Username, Password, Role, Org string
}

// ErrNotEmpty is returned when the database already holds organisations.
var ErrNotEmpty = errors.New("demo: the database already has data; load the demo world into an empty database")

// Password is every demo account's password (printed at start; demo only).
const Password = "Demo-2026-xs"

// Options size the demo world; zero values mean the defaults.
type Options struct {
	// CityMembers is the number of members of the city committee's current
	// term (default 400). The benchmark uses 10,000. Above 2,000 the demo
	// meetings are left out.
	CityMembers int
	// CountyMembers is the number of members of each county committee's
	// current term (default 100).
	CountyMembers int
}

const (
	defaultCityMembers   = 400
	defaultCountyMembers = 100
	// maxMeetingMembers is the largest city committee that gets the demo
	// meetings (meetings.go): every member signs in, asks for leave or votes
	// through the store one by one, which for a benchmark's 10,000 members
	// would take a minute and measure the meetings rather than the roster.
	maxMeetingMembers = 2000
)

// Load fills an empty database with the default demo world and returns the
// demo logins. It refuses a database that already has organisations.
func Load(ctx context.Context, db *store.DB, progress io.Writer) ([]Login, error) {
	return LoadWith(ctx, db, progress, Options{})
}

// LoadWith is Load with a chosen size.
func LoadWith(ctx context.Context, db *store.DB, progress io.Writer, opt Options) ([]Login, error) {
	if progress == nil {
		progress = io.Discard
	}
	start := time.Now()
	orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{Limit: 1, IncludeArchived: true})
	if err != nil {
		return nil, err
	}
	if len(orgs) > 0 {
		return nil, ErrNotEmpty
	}
	w := plan(opt)
	l := &loader{db: db, out: progress, actor: app.System}
	city, err := l.committee(ctx, w.City, 0)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", w.City.Org.Name, err)
	}
	var counties []loaded
	for _, c := range w.Counties {
		lc, err := l.committee(ctx, c, city.org.ID)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", c.Org.Name, err)
		}
		counties = append(counties, lc)
	}
	logins, err := l.accounts(ctx, w, city, counties[0])
	if err != nil {
		return nil, err
	}
	var ms meetingStats
	if opt.CityMembers <= maxMeetingMembers {
		started := time.Now()
		if ms, err = l.meetings(ctx, city); err != nil {
			return nil, err
		}
		fmt.Fprintf(progress, "  %s: %d meetings, %d sign-ins, %d leave requests, %d votes, %d ballots in %.2fs\n",
			city.org.Name, ms.meetings, ms.signIns, ms.leaves, ms.votes, ms.ballots, time.Since(started).Seconds())
	}
	started := time.Now()
	cs, err := l.consult(ctx, city, counties)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "  consultation: %d rooms, %d room activities, %d topics in %.2fs\n", cs.rooms, cs.activities,
		cs.topics, time.Since(started).Seconds())
	started = time.Now()
	as, err := l.assist(ctx, counties[0])
	if err != nil {
		return nil, fmt.Errorf("demo: 结对帮扶: %w", err)
	}
	fmt.Fprintf(progress, "  assistance: %d households, %d visits, %d problems, %d enterprises in %.2fs\n", as.households,
		as.visits, as.problems, as.enterprises, time.Since(started).Seconds())
	started = time.Now()
	ps, err := l.proposals(ctx, city)
	if err != nil {
		return nil, fmt.Errorf("demo: 提案: %w", err)
	}
	fmt.Fprintf(progress, "  proposals: %d proposals, %d closed in %.2fs\n", ps.proposals, ps.closed, time.Since(started).Seconds())
	if _, err := l.db.Reseal(ctx, false, 500, nil); err != nil { // anything written in bulk
		return nil, fmt.Errorf("demo: seal personal fields: %w", err)
	}
	fmt.Fprintf(progress, "demo world loaded in %.1fs: %d committees, %d townships, %d villages, %d members, %d accounts, %d meetings\n",
		time.Since(start).Seconds(), 1+len(counties), l.townships, l.villages, l.members, len(logins), ms.meetings)
	return logins, nil
}

// ---------------------------------------------------------------- the plan

// world is everything the demo creates, before it is written.
type world struct {
	City     committeePlan
	Counties []committeePlan
	Staff    map[string]string // account display names by username
}

// committeePlan is one committee with its tree and roster.
type committeePlan struct {
	Org       org.Input
	Terms     []org.TermInput // in order; the last is the current term
	Townships []townshipPlan
	People    []person     // created one by one: leaders and the member account's member
	Rows      []roster.Row // everyone else, imported in one go into the current term
}

type townshipPlan struct {
	Name, Code string
	Villages   []place
}

type place struct{ Name, Code string }

// person is a member created one by one, with seats and roles in any term.
type person struct {
	Key    string // names the person for the accounts: "chair", "member"
	Member member.Input
	Sector string
	Seats  []seat
	Roles  []role
}

// seat and role refer to a term by its index in committeePlan.Terms.
type seat struct {
	Term       int
	Start, End app.Date
}

type role struct {
	Term       int
	Kind       member.RoleKind
	Start, End app.Date
	Note       string
}

// committeeSpec is what differs between the committees of the demo.
type committeeSpec struct {
	kind       org.Kind
	name       string   // 东岭县政协
	place      string   // 东岭县
	short      string   // 东岭, for company names
	code       string   // administrative division code
	areas      []string // identity-number area codes of members, the first most common
	terms      []org.TermInput
	townships  []string // 镇, 乡 or 街道
	members    int
	viceChairs []leader
	standing   int // standing-committee members besides the chair, vice-chairs and secretary-general
	seed       uint64
	phoneBase  int
}

// leader is a vice-chair's sector and post.
type leader struct{ sector, post string }

func d(s string) app.Date { return app.MustDate(s) }

// plan builds the whole world from the options. It is deterministic.
func plan(opt Options) world {
	if opt.CityMembers <= 0 {
		opt.CityMembers = defaultCityMembers
	}
	if opt.CountyMembers <= 0 {
		opt.CountyMembers = defaultCountyMembers
	}
	counties := []committeeSpec{
		{kind: org.County, name: "东岭县政协", place: "东岭县", short: "东岭", code: "379921", areas: []string{"379921"},
			terms:     []org.TermInput{{Number: 9, StartDate: d("2016-12-26"), EndDate: d("2021-12-27")}, {Number: 10, StartDate: d("2021-12-28")}},
			townships: []string{"城关街道", "东岭镇", "龙泉镇", "石桥镇", "柳林乡", "青山乡"},
			members:   opt.CountyMembers, standing: 13, seed: 21, phoneBase: 30000,
			viceChairs: []leader{{"中国共产党", "{C}副主席"}, {"中国共产党", "{C}副主席、{L}总工会主席"},
				{"工商联", "{C}副主席、{L}工商联主席"}, {"民进", "{C}副主席、民进{L}总支主委"}, {"无党派人士", "{C}副主席、{L}人民医院院长"}}},
		{kind: org.County, name: "西河县政协", place: "西河县", short: "西河", code: "379922", areas: []string{"379922"},
			terms:     []org.TermInput{{Number: 9, StartDate: d("2016-12-20"), EndDate: d("2021-12-21")}, {Number: 10, StartDate: d("2021-12-22")}},
			townships: []string{"西河镇", "河口镇", "马集镇", "杨庄乡", "白塔乡"},
			members:   opt.CountyMembers, standing: 13, seed: 22, phoneBase: 40000,
			viceChairs: []leader{{"中国共产党", "{C}副主席"}, {"中国共产党", "{C}副主席"},
				{"工商联", "{C}副主席、{L}工商联主席"}, {"民盟", "{C}副主席、民盟{L}总支主委"}, {"无党派人士", "{C}副主席、{L}第一中学校长"}}},
		{kind: org.County, name: "南湖区政协", place: "南湖区", short: "南湖", code: "379902", areas: []string{"379902"},
			terms:     []org.TermInput{{Number: 5, StartDate: d("2016-12-22"), EndDate: d("2021-12-23")}, {Number: 6, StartDate: d("2021-12-24")}},
			townships: []string{"湖滨街道", "新华街道", "文昌街道", "凤凰街道", "南湖镇"},
			members:   opt.CountyMembers, standing: 13, seed: 23, phoneBase: 50000,
			viceChairs: []leader{{"中国共产党", "{C}副主席"}, {"中国共产党", "{C}副主席、{L}科协主席"},
				{"工商联", "{C}副主席、{L}工商联主席"}, {"九三学社", "{C}副主席、九三学社{L}支社主委"}, {"民建", "{C}副主席、民建{L}总支主委"}}},
	}
	city := committeeSpec{kind: org.City, name: "明湖市政协", place: "明湖市", short: "明湖", code: "379900",
		areas: []string{"379902", "379902", "379902", "379921", "379922"},
		terms: []org.TermInput{{Number: 12, StartDate: d("2017-01-08"), EndDate: d("2022-01-09")}, {Number: 13, StartDate: d("2022-01-10")}},
		// The vice-chairs serving today; plan adds the one who resigned and
		// the one elected in his place.
		viceChairs: []leader{{"中国共产党", "{C}副主席"}, {"工商联", "{C}副主席、{L}工商联主席"},
			{"民盟", "{C}副主席、民盟{L}委主委"}, {"民建", "{C}副主席、民建{L}委主委"},
			{"九三学社", "{C}副主席、九三学社{L}委主委"}, {"无党派人士", "{C}副主席、明湖学院副院长"}},
		members: opt.CityMembers, standing: 31, seed: 13, phoneBase: 0,
	}
	w := world{Staff: map[string]string{}}
	// Towns of every county, so that city members may work there too.
	var allTowns []string
	for _, c := range counties {
		allTowns = append(allTowns, c.townships...)
	}
	w.City = planCommittee(city, []string{"东岭县", "西河县", "南湖区"}, allTowns)
	for _, c := range counties {
		w.Counties = append(w.Counties, planCommittee(c, []string{"明湖市"}, c.townships))
	}
	n := newNamer(99)
	w.Staff["coordinator"] = n.name(n.gender(50))
	w.Staff["cadre"] = n.name(n.gender(40))
	return w
}

// planCommittee plans one committee: its tree, its leaders and its roster.
// otherPlaces are where some members work besides the committee's own place.
func planCommittee(spec committeeSpec, otherPlaces, towns []string) committeePlan {
	n := newNamer(spec.seed)
	cp := committeePlan{Org: org.Input{Kind: spec.kind, Name: spec.name, Code: spec.code}, Terms: spec.terms}
	cur := len(spec.terms) - 1
	termStart := spec.terms[cur].StartDate

	// The tree: townships (街道 001–, 镇 101–, 乡 201–) and their villages
	// (社区 001–, 村 201–), with 12-digit division codes.
	if spec.kind == org.County {
		seq := map[string]int{"街道": 0, "镇": 100, "乡": 200}
		for _, t := range spec.townships {
			suffix := "镇"
			for _, s := range []string{"街道", "乡"} {
				if strings.HasSuffix(t, s) {
					suffix = s
				}
			}
			seq[suffix]++
			tp := townshipPlan{Name: t, Code: fmt.Sprintf("%s%03d", spec.code, seq[suffix])}
			k := 5 + n.rng.IntN(6)
			names, first := n.places(villageRoots, k, "村"), 201
			if suffix == "街道" {
				names, first = n.places(communityRoots, k, "社区"), 1
			}
			for i, v := range names {
				tp.Villages = append(tp.Villages, place{Name: v, Code: fmt.Sprintf("%s%03d", tp.Code, first+i)})
			}
			cp.Townships = append(cp.Townships, tp)
		}
	}

	jobs := jobMaker{n: n, committee: spec.name, place: spec.place, short: spec.short, others: otherPlaces, towns: towns}
	newMember := func(sector string, fromYear, toYear int) member.Input {
		female := 30
		switch sector {
		case "妇联":
			female = 85
		case "中国共产党", "特邀人士":
			female = 20
		}
		if sector == "共青团" {
			fromYear, toYear = 1983, 1990
		}
		g := n.gender(female)
		birth := n.birth(fromYear, toYear)
		area := spec.areas[0]
		if n.rng.IntN(100) < 40 {
			area = pick(n.rng, spec.areas)
		}
		return member.Input{Name: n.name(g), Gender: g, BirthDate: birth, Ethnicity: n.ethnicity(sector == "少数民族界"),
			Party: party(n, sector), Education: n.education(), Workplace: jobs.job(sector),
			IDNumber: n.idNumber(area, birth, g), Phone: n.phone(spec.phoneBase), Status: member.Serving}
	}
	leaderAt := func(key, sector, post string, kind member.RoleKind) person {
		p := person{Key: key, Member: newMember(sector, 1963, 1975), Sector: sector,
			Seats: []seat{{Term: cur, Start: termStart}},
			Roles: []role{{Term: cur, Kind: kind, Start: termStart}, {Term: cur, Kind: member.Standing, Start: termStart}}}
		p.Member.Workplace = jobs.home().expand(post)
		return p
	}

	chair := leaderAt("chair", "中国共产党", "{C}主席", member.Chair)
	if spec.kind == org.City {
		// The chair was a vice-chair of the previous term: history to look at.
		chair.Seats = append(chair.Seats, seat{Term: cur - 1, Start: spec.terms[cur-1].StartDate, End: spec.terms[cur-1].EndDate})
		chair.Roles = append(chair.Roles, role{Term: cur - 1, Kind: member.ViceChair, Start: spec.terms[cur-1].StartDate,
			End: spec.terms[cur-1].EndDate})
	}
	cp.People = append(cp.People, chair)
	for i, vc := range spec.viceChairs {
		cp.People = append(cp.People, leaderAt(fmt.Sprintf("vice-chair-%d", i+1), vc.sector, vc.post, member.ViceChair))
	}
	if spec.kind == org.City {
		// A vice-chair left mid-term (his seat and roles end that day) and
		// another member was elected vice-chair at the next plenary session:
		// roles carry effective dates.
		left := d("2023-11-20")
		ex := leaderAt("vice-chair-resigned", "中国共产党", "原{C}副主席（已调任外地工作）", member.ViceChair)
		ex.Member.Status, ex.Member.StatusDate = member.Resigned, left
		ex.Member.Note = "因工作调动辞去" + spec.name + "委员职务"
		ex.Seats[0].End = left
		for i := range ex.Roles {
			ex.Roles[i].End = left
		}
		cp.People = append(cp.People, ex)
		by := leaderAt("vice-chair-elected", "中国共产党", "{C}副主席", member.Standing)
		by.Roles = []role{{Term: cur, Kind: member.Standing, Start: termStart},
			{Term: cur, Kind: member.ViceChair, Start: d("2024-01-15"), Note: "市政协十三届三次会议补选"}}
		cp.People = append(cp.People, by)
	}
	cp.People = append(cp.People, leaderAt("secretary-general", "中国共产党", "{C}秘书长", member.SecretaryGeneral))
	if spec.kind == org.City {
		// The member account's member: an ordinary member, a head teacher.
		m := newMember("民进", 1972, 1982)
		m.Workplace = jobs.home().expand("{L}实验小学校长、民进{L}委副主委")
		cp.People = append(cp.People, person{Key: "member", Member: m, Sector: "民进",
			Seats: []seat{{Term: cur, Start: termStart}}})
	}

	// Everyone else, spread over the sectors by realistic weights.
	rest := max(0, spec.members-len(cp.People))
	counts := allocate(rest, sectorWeights)
	var sectors []string
	for i, c := range counts {
		for range c {
			sectors = append(sectors, org.DefaultSectors[i])
		}
	}
	n.rng.Shuffle(len(sectors), func(i, j int) { sectors[i], sectors[j] = sectors[j], sectors[i] })
	standingEvery := 0
	if spec.standing > 0 && len(sectors) > 0 {
		standingEvery = max(1, len(sectors)/spec.standing)
	}
	standing := 0
	for i, sector := range sectors {
		row := roster.Row{Line: i + 2, Member: newMember(sector, 1960, 1990), Sector: sector,
			SpecialCommittee: jobs.specialCommittee(sector)}
		if standingEvery > 0 && i%standingEvery == standingEvery/2 && standing < spec.standing {
			row.Role, row.RoleStart = member.Standing, termStart
			standing++
			if standing == spec.standing && spec.kind == org.City {
				row.RoleStart = d("2023-01-12") // co-opted at the second plenary session (增补)
			}
		}
		cp.Rows = append(cp.Rows, row)
	}
	// A few left the committee: resigned or deceased, with the date.
	departures := []struct {
		status member.Status
		date   string
		note   string
	}{
		{member.Resigned, "2023-06-12", "因工作调动辞去委员职务"},
		{member.Deceased, "2024-09-03", "因病去世"},
		{member.Resigned, "2025-02-20", "因个人原因辞去委员职务"},
	}
	if spec.kind == org.County {
		departures = departures[:1+int(spec.seed%2)]
	}
	for k, dep := range departures {
		i := len(cp.Rows) - 1 - 7*k
		if i < 0 || cp.Rows[i].Role != "" {
			continue
		}
		in := &cp.Rows[i].Member
		in.Status, in.StatusDate, in.Note = dep.status, d(dep.date), dep.note
	}
	return cp
}

// sectorWeights are the members per 400 in each of org.DefaultSectors (same
// order): the Communist Party and the non-party people the largest groups,
// each democratic party 10–20, the people's organisations and the
// professional sectors after them.
var sectorWeights = []int{
	60, 12, 18, 16, 14, 12, 10, 14, // 中国共产党, 民革, 民盟, 民建, 民进, 农工党, 致公党, 九三学社
	36, 6, 10, 10, 18, 8, 4, // 无党派人士, 共青团, 工会, 妇联, 工商联, 科协, 台联
	12, 10, 8, 26, 16, 16, // 文化艺术界, 科学技术界, 社会科学界, 经济界, 农业界, 教育界
	4, 6, 16, 4, 8, // 体育界, 新闻出版界, 医药卫生界, 对外友好界, 社会福利和社会保障界
	6, 6, 14, // 少数民族界, 宗教界, 特邀人士
}

// allocate splits n into len(weights) parts proportional to the weights
// (largest remainder), so the parts add up to n exactly.
func allocate(n int, weights []int) []int {
	total := 0
	for _, w := range weights {
		total += w
	}
	out := make([]int, len(weights))
	if total == 0 || n <= 0 {
		return out
	}
	given := 0
	rem := make([]int, len(weights))
	for i, w := range weights {
		out[i] = n * w / total
		rem[i] = n * w % total
		given += out[i]
	}
	for given < n {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
		given++
	}
	return out
}

// ---------------------------------------------------------------- writing it

// loader writes the plan through the store.
type loader struct {
	db                           *store.DB
	out                          io.Writer
	actor                        app.Actor
	townships, villages, members int
	accountByName                map[string]auth.Account // by username, once created
}

// loaded is what the accounts need of a committee once written.
type loaded struct {
	org       org.Org
	villages  []org.Org
	memberIDs map[string]int64 // person key → member id
	names     map[string]string
}

func (l *loader) committee(ctx context.Context, cp committeePlan, parentID int64) (loaded, error) {
	db, actor := l.db, l.actor
	res := loaded{memberIDs: map[string]int64{}, names: map[string]string{}}
	in := cp.Org
	in.ParentID = parentID
	c, err := db.CreateOrg(ctx, actor, in)
	if err != nil {
		return res, err
	}
	res.org = c
	var terms []org.Term
	for _, ti := range cp.Terms {
		t, err := db.CreateTerm(ctx, actor, c.ID, ti)
		if err != nil {
			return res, fmt.Errorf("term %d: %w", ti.Number, err)
		}
		terms = append(terms, t)
	}
	if _, err := db.SeedDefaults(ctx, actor, c.ID); err != nil {
		return res, err
	}
	for i, tp := range cp.Townships {
		t, err := db.CreateOrg(ctx, actor, org.Input{ParentID: c.ID, Kind: org.Township, Name: tp.Name, Code: tp.Code, Sort: 10 * (i + 1)})
		if err != nil {
			return res, fmt.Errorf("%s: %w", tp.Name, err)
		}
		l.townships++
		for j, v := range tp.Villages {
			o, err := db.CreateOrg(ctx, actor, org.Input{ParentID: t.ID, Kind: org.Village, Name: v.Name, Code: v.Code, Sort: 10 * (j + 1)})
			if err != nil {
				return res, fmt.Errorf("%s%s: %w", tp.Name, v.Name, err)
			}
			res.villages = append(res.villages, o)
			l.villages++
		}
	}
	sectors, err := db.FindSectors(ctx, actor, c.ID)
	if err != nil {
		return res, err
	}
	sectorID := map[string]int64{}
	for _, s := range sectors {
		sectorID[s.Name] = s.ID
	}
	for _, p := range cp.People {
		sid := sectorID[p.Sector]
		if sid == 0 {
			return res, fmt.Errorf("no sector %s", p.Sector)
		}
		first := p.Seats[0]
		m, err := db.CreateMemberInTerm(ctx, actor, c.ID, p.Member, &member.MembershipInput{TermID: terms[first.Term].ID,
			SectorID: sid, StartDate: first.Start, EndDate: first.End})
		if err != nil {
			return res, fmt.Errorf("member %s: %w", p.Member.Name, err)
		}
		for _, s := range p.Seats[1:] {
			if _, err := db.AddMembership(ctx, actor, m.ID, member.MembershipInput{TermID: terms[s.Term].ID,
				SectorID: sid, StartDate: s.Start, EndDate: s.End}); err != nil {
				return res, fmt.Errorf("member %s: seat: %w", p.Member.Name, err)
			}
		}
		for _, r := range p.Roles {
			if _, err := db.AddRole(ctx, actor, m.ID, member.RoleInput{TermID: terms[r.Term].ID, Kind: r.Kind,
				StartDate: r.Start, EndDate: r.End, Note: r.Note}); err != nil {
				return res, fmt.Errorf("member %s: %s: %w", p.Member.Name, r.Kind.Label(), err)
			}
		}
		res.memberIDs[p.Key] = m.ID
		res.names[p.Key] = m.Name
		l.members++
	}
	if len(cp.Rows) > 0 {
		started := time.Now()
		cur := terms[len(terms)-1]
		next := len(cp.Rows) / 4
		n, rowErrs, err := db.ImportMembers(ctx, actor, c.ID, cur.ID, cp.Rows, func(done int) {
			if done >= next && done < len(cp.Rows) {
				fmt.Fprintf(l.out, "  %s: %d/%d members\n", c.Name, done, len(cp.Rows))
				next += len(cp.Rows) / 4
			}
		})
		if err != nil {
			return res, fmt.Errorf("import members: %w", err)
		}
		if len(rowErrs) > 0 {
			e := rowErrs[0]
			return res, fmt.Errorf("import members: %d problems, first: line %d %s: %s", len(rowErrs), e.Line, e.Column, e.Message)
		}
		l.members += n
		fmt.Fprintf(l.out, "  %s: %d members imported in %.2fs\n", c.Name, n, time.Since(started).Seconds())
	}
	fmt.Fprintf(l.out, "%s: %d townships, %d villages, %d members\n", c.Name, len(cp.Townships),
		len(res.villages), len(cp.People)+len(cp.Rows))
	return res, nil
}

// accounts creates one account for each role, all with Password and no
// forced change at first sign-in.
func (l *loader) accounts(ctx context.Context, w world, city, county loaded) ([]Login, error) {
	unit, err := l.db.CreateUnit(ctx, l.actor, store.UnitInput{CommitteeID: city.org.ID, Name: "明湖市住房和城乡建设局",
		ShortName: "市住建局", Kind: store.UnitGovernment})
	if err != nil {
		return nil, fmt.Errorf("demo: handling unit: %w", err)
	}
	specs := []auth.AccountInput{
		{Username: "admin", DisplayName: "系统管理员", Role: auth.Admin},
		{Username: "secadmin", DisplayName: "安全管理员", Role: auth.SecAdmin},
		{Username: "auditor", DisplayName: "审计管理员", Role: auth.Auditor},
		{Username: "office", DisplayName: "市政协办公室", Role: auth.Office, OrgID: city.org.ID},
		{Username: "office-dl", DisplayName: "东岭县政协办公室", Role: auth.Office, OrgID: county.org.ID},
		{Username: "leader", DisplayName: city.names["chair"], Role: auth.Leader, OrgID: city.org.ID,
			MemberID: city.memberIDs["chair"]},
		{Username: "member", DisplayName: city.names["member"], Role: auth.MemberRole, OrgID: city.org.ID,
			MemberID: city.memberIDs["member"]},
		{Username: "coordinator", DisplayName: w.Staff["coordinator"], Role: auth.Coordinator, OrgID: firstVillage(county.villages).ID},
		{Username: "cadre", DisplayName: w.Staff["cadre"], Role: auth.Cadre, OrgID: county.org.ID},
		{Username: "unit", DisplayName: "明湖市住房和城乡建设局", Role: auth.Unit, OrgID: city.org.ID, UnitID: unit.ID},
	}
	// The demo's passwords are printed for everyone to read, so their hashes
	// use the cheap argon2id parameters meant for tests and the demo loader
	// (auth.FastArgon2): eight default-cost hashes would take seconds on a
	// small machine. Passwords changed later get the default cost.
	if l.db.Argon2 == (auth.Argon2Params{}) {
		l.db.Argon2 = auth.FastArgon2
		defer func() { l.db.Argon2 = auth.Argon2Params{} }()
	}
	var logins []Login
	for _, a := range specs {
		a.Password = Password
		acc, err := l.db.CreateAccount(ctx, l.actor, a)
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", a.Username, err)
		}
		if err := l.db.ClearMustChangePassword(ctx, acc.ID); err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", a.Username, err)
		}
		if l.accountByName == nil {
			l.accountByName = map[string]auth.Account{}
		}
		l.accountByName[acc.Username] = acc
		org := acc.OrgName
		if org == "" {
			org = "全平台"
		}
		logins = append(logins, Login{Username: acc.Username, Password: Password, Role: acc.Role.Label(), Org: org})
	}
	return logins, nil
}

// firstVillage is the first 村 among the villages and communities.
func firstVillage(list []org.Org) org.Org {
	for _, o := range list {
		if strings.HasSuffix(o.Name, "村") {
			return o
		}
	}
	return list[0]
}
