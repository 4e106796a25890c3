package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
)

// The figures of social-conditions reports a committee reports each year:
// submitted, merged, forwarded, adopted per level, leaders' instructions,
// and the same per author (members) and per sector (界别).

// NoSector is the sector line of members without a sector in the term.
const NoSector = "未分界别"

// ReportStats are a committee's report figures for a year.
type ReportStats struct {
	CommitteeID   int64               `json:"committee_id"`
	CommitteeName string              `json:"committee_name"`
	Year          int                 `json:"year"` // 0: every year
	Submitted     int                 `json:"submitted"`
	Merged        int                 `json:"merged"`      // merged into others
	Forwarded     int                 `json:"forwarded"`   // sent on to a higher body
	Adopted       int                 `json:"adopted"`     // adopted at one level or more
	NotAdopted    int                 `json:"not_adopted"` // declined
	Adoptions     int                 `json:"adoptions"`   // adoptions at every level
	Instructions  int                 `json:"instructions"`
	Levels        []ReportLevelCount  `json:"levels"`
	Authors       []ReportAuthorCount `json:"authors"`
	Sectors       []ReportSectorCount `json:"sectors"`
}

// ReportLevelCount is the adoptions at one level.
type ReportLevelCount struct {
	Level        proposal.Level `json:"level"`
	Label        string         `json:"label"`
	Adopted      int            `json:"adopted"`
	Instructions int            `json:"instructions"`
}

// ReportAuthorCount is one member's reports: submitted (as an author of
// the report as sent, not by a merge) and adopted (as an author of an
// adopted report, merged-in authors included).
type ReportAuthorCount struct {
	MemberID  int64  `json:"member_id"`
	Name      string `json:"name"`
	Sector    string `json:"sector"`
	Submitted int    `json:"submitted"`
	Adopted   int    `json:"adopted"`
}

// ReportSectorCount is the reports with an author of the sector (a report
// counts once per sector).
type ReportSectorCount struct {
	SectorID  int64  `json:"sector_id"` // 0: NoSector
	Name      string `json:"name"`
	Submitted int    `json:"submitted"`
	Adopted   int    `json:"adopted"`
}

// FindReportStats computes the figures of committeeID (the actor's own
// when 0) for year (every year when 0), over the reports of the actor's
// subtree. Member accounts, which see only some reports, get EFORBIDDEN.
func (db *DB) FindReportStats(ctx context.Context, actor app.Actor, committeeID int64, year int) (ReportStats, error) {
	st := ReportStats{Year: year}
	if isMemberAccount(actor) || !auth.Role(actor.Role).Can(auth.ProposalRead) {
		return st, app.Errorf(app.EFORBIDDEN, "当前账号不能查看社情民意信息统计")
	}
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if committeeID == 0 {
		return st, app.Errorf(app.EINVALID, "请选择政协组织")
	}
	path := actor.Path
	if committeeID == actor.CommitteeID {
		c, err := findOrg(ctx, db.read, app.System, committeeID)
		if err != nil {
			return st, err
		}
		st.CommitteeName = c.Name
		if strings.HasPrefix(c.Path, actor.Path) {
			path = c.Path
		}
	} else {
		c, err := findCommittee(ctx, db.read, actor, committeeID)
		if err != nil {
			return st, err
		}
		st.CommitteeName, path = c.Name, c.Path
	}
	st.CommitteeID = committeeID
	where := `r.committee_id = $1 AND o.path LIKE $2 || '%'`
	args := []any{committeeID, path}
	if year != 0 {
		where += ` AND r.year = $3`
		args = append(args, year)
	}

	// The reports.
	type rep struct {
		year    int
		adopted bool
	}
	reports := map[int64]*rep{}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.year, r.state, r.forwarded_to`+reportFrom+` WHERE `+where, args...)
	if err != nil {
		return st, app.Internal(err, "report stats")
	}
	for rows.Next() {
		var id int64
		var r rep
		var state, forwarded string
		if err := rows.Scan(&id, &r.year, &state, &forwarded); err != nil {
			rows.Close()
			return st, app.Internal(err, "report stats")
		}
		reports[id] = &r
		st.Submitted++
		switch state {
		case proposal.ReportMerged:
			st.Merged++
		case proposal.ReportNotAdopted:
			st.NotAdopted++
		}
		if forwarded != "" {
			st.Forwarded++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, app.Internal(err, "report stats")
	}

	// Adoptions per level.
	levels := map[proposal.Level]*ReportLevelCount{}
	for _, l := range proposal.Levels {
		st.Levels = append(st.Levels, ReportLevelCount{Level: l, Label: l.Label()})
	}
	for i := range st.Levels {
		levels[st.Levels[i].Level] = &st.Levels[i]
	}
	rows, err = db.read.QueryContext(ctx, `SELECT ad.report_id, ad.level, ad.instruction FROM report_adoption ad
		JOIN report r ON r.id = ad.report_id JOIN org o ON o.id = r.org_id WHERE `+where, args...)
	if err != nil {
		return st, app.Internal(err, "report stats: adoptions")
	}
	for rows.Next() {
		var id int64
		var level proposal.Level
		var instruction string
		if err := rows.Scan(&id, &level, &instruction); err != nil {
			rows.Close()
			return st, app.Internal(err, "report stats: adoptions")
		}
		if r := reports[id]; r != nil && !r.adopted {
			r.adopted = true
			st.Adopted++
		}
		st.Adoptions++
		lc := levels[level]
		if lc != nil {
			lc.Adopted++
		}
		if instruction != "" {
			st.Instructions++
			if lc != nil {
				lc.Instructions++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, app.Internal(err, "report stats: adoptions")
	}

	// Member authors, and their sectors in the term covering each report's year.
	type authorRow struct {
		report, member int64
		name           string
		mergedIn       bool
	}
	var authorRows []authorRow
	rows, err = db.read.QueryContext(ctx, `SELECT ra.report_id, ra.member_id, ra.name, COALESCE(ra.merged_from, 0)
		FROM report_author ra JOIN report r ON r.id = ra.report_id JOIN org o ON o.id = r.org_id
		WHERE ra.member_id IS NOT NULL AND `+where+` ORDER BY ra.report_id, ra.seq`, args...)
	if err != nil {
		return st, app.Internal(err, "report stats: authors")
	}
	for rows.Next() {
		var a authorRow
		var from int64
		if err := rows.Scan(&a.report, &a.member, &a.name, &from); err != nil {
			rows.Close()
			return st, app.Internal(err, "report stats: authors")
		}
		a.mergedIn = from != 0
		authorRows = append(authorRows, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, app.Internal(err, "report stats: authors")
	}
	sectors, err := db.sectorsByYear(ctx, committeeID)
	if err != nil {
		return st, err
	}
	type tally struct {
		count     ReportAuthorCount
		submitted map[int64]bool
		adopted   map[int64]bool
		sort      int
	}
	newTally := func() *tally { return &tally{submitted: map[int64]bool{}, adopted: map[int64]bool{}} }
	byMember := map[int64]*tally{}
	bySector := map[int64]*tally{}
	for _, a := range authorRows {
		r := reports[a.report]
		if r == nil {
			continue
		}
		sec := sectors.of(a.member, r.year)
		m := byMember[a.member]
		if m == nil {
			m = newTally()
			m.count = ReportAuthorCount{MemberID: a.member, Name: a.name, Sector: sec.name}
			byMember[a.member] = m
		}
		s := bySector[sec.id]
		if s == nil {
			s = newTally()
			s.count = ReportAuthorCount{Name: sec.name}
			s.sort = sec.sort
			bySector[sec.id] = s
		}
		for _, t := range []*tally{m, s} {
			if !a.mergedIn {
				t.submitted[a.report] = true
			}
			if r.adopted {
				t.adopted[a.report] = true
			}
		}
	}
	for _, m := range byMember {
		c := m.count
		c.Submitted, c.Adopted = len(m.submitted), len(m.adopted)
		st.Authors = append(st.Authors, c)
	}
	slices.SortFunc(st.Authors, func(a, b ReportAuthorCount) int {
		if a.Adopted != b.Adopted {
			return b.Adopted - a.Adopted
		}
		if a.Submitted != b.Submitted {
			return b.Submitted - a.Submitted
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	type sectorLine struct {
		ReportSectorCount
		sort int
	}
	var lines []sectorLine
	for id, s := range bySector {
		lines = append(lines, sectorLine{ReportSectorCount{SectorID: id, Name: s.count.Name, Submitted: len(s.submitted),
			Adopted: len(s.adopted)}, s.sort})
	}
	slices.SortFunc(lines, func(a, b sectorLine) int {
		switch {
		case (a.SectorID == 0) != (b.SectorID == 0): // 未分界别 last
			if a.SectorID == 0 {
				return 1
			}
			return -1
		case a.sort != b.sort:
			return a.sort - b.sort
		}
		return cmp.Compare(a.SectorID, b.SectorID)
	})
	for _, l := range lines {
		st.Sectors = append(st.Sectors, l.ReportSectorCount)
	}
	return st, nil
}

// sectorOf is a member's sector in a term.
type sectorOf struct {
	id   int64
	name string
	sort int
}

// memberSectors finds a member's sector in the term covering a year.
type memberSectors struct {
	terms []org.Term                   // newest first
	seats map[int64]map[int64]sectorOf // member → term → sector
}

// of returns the member's sector in the newest term covering year in
// which it held a seat, or NoSector.
func (ms memberSectors) of(memberID int64, year int) sectorOf {
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	for _, t := range ms.terms {
		if t.StartDate.String() > last || !t.EndDate.IsZero() && t.EndDate.String() < first {
			continue
		}
		if s, ok := ms.seats[memberID][t.ID]; ok {
			if s.id == 0 {
				break // a seat without a sector
			}
			return s
		}
	}
	return sectorOf{name: NoSector}
}

func (db *DB) sectorsByYear(ctx context.Context, committeeID int64) (memberSectors, error) {
	ms := memberSectors{seats: map[int64]map[int64]sectorOf{}}
	var err error
	if ms.terms, err = findTerms(ctx, db.read, committeeID); err != nil {
		return ms, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT tm.member_id, tm.term_id, COALESCE(tm.sector_id, 0), COALESCE(s.name, ''),
		COALESCE(s.sort, 0) FROM term_member tm LEFT JOIN sector s ON s.id = tm.sector_id WHERE tm.committee_id = $1`, committeeID)
	if err != nil {
		return ms, app.Internal(err, "member sectors")
	}
	defer rows.Close()
	for rows.Next() {
		var member, term int64
		var s sectorOf
		if err := rows.Scan(&member, &term, &s.id, &s.name, &s.sort); err != nil {
			return ms, app.Internal(err, "member sectors")
		}
		if ms.seats[member] == nil {
			ms.seats[member] = map[int64]sectorOf{}
		}
		ms.seats[member][term] = s
	}
	return ms, app.Internal(rows.Err(), "member sectors")
}
