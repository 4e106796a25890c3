package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
)

// Assistance rollups (migration 0013). The figures of a county with 50,000
// households and a million visits cannot be counted from the records on
// every page view; these tables keep them, changed in the transaction of
// every change they summarise:
//
//   - assist_org_stock / assist_org_category: per organisation and month,
//     the change in households and persons on the register, in paired
//     households and their persons (by category). The state at the end of
//     month M is the sum over the months up to M. Each household's
//     contribution is kept in household_rollup, so restockHousehold, called
//     after any change to a household, its persons or its pairings,
//     replaces it exactly.
//   - assist_org_period: per organisation and period (month, quarter,
//     year), distinct paired households visited and aided, aid value,
//     household problems raised and solved; rollupVisit and rollupProblem
//     keep it.
//
// rollupSolved moves a household problem's solved count when its status
// or resolution date changes (problems of enterprises count elsewhere).
func (tx *Tx) rollupSolved(ctx context.Context, problemID int64, was assist.ProblemStatus, wasOn app.Date, now assist.ProblemStatus, nowOn app.Date) error {
	var orgID int64
	var household sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT org_id, household_id FROM assist_problem WHERE id = $1`, problemID).
		Scan(&orgID, &household); err != nil {
		return app.Internal(err, "rollup problem")
	}
	if !household.Valid {
		return nil
	}
	if was == assist.ProblemSolved {
		if err := tx.rollupProblem(ctx, orgID, app.Date{}, 0, wasOn, -1); err != nil {
			return err
		}
	}
	if now == assist.ProblemSolved {
		return tx.rollupProblem(ctx, orgID, app.Date{}, 0, nowOn, 1)
	}
	return nil
}

// RebuildAssistRollups recomputes all of it from the records; the tests
// compare the rollups with the figures counted from the records.

// monthKey is 'YYYY-MM'.
func monthKey(d app.Date) string { return fmt.Sprintf("%04d-%02d", d.Y, int(d.M)) }

// periodKeys are the month, quarter and year a day falls in.
func periodKeys(d app.Date) []string {
	return []string{monthKey(d), fmt.Sprintf("%04d-Q%d", d.Y, (int(d.M)-1)/3+1), fmt.Sprintf("%04d", d.Y)}
}

// monthEnd is the last day of the month of key 'YYYY-MM'.
func monthEnd(key string) app.Date {
	var y, m int
	fmt.Sscanf(key, "%d-%d", &y, &m)
	return app.DateOf(time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC))
}

func nextMonth(key string) string {
	var y, m int
	fmt.Sscanf(key, "%d-%d", &y, &m)
	return monthKey(app.DateOf(time.Date(y, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC)))
}

// pairingSpan is a pairing's cadre and dates.
type pairingSpan struct {
	cadre    int64
	from, to string
}

// stockDelta is one month's change of a household's contribution.
type stockDelta struct {
	Households    int            `json:"h,omitempty"`
	Persons       int            `json:"p,omitempty"`
	Paired        int            `json:"ph,omitempty"`
	PairedPersons int            `json:"pp,omitempty"`
	Categories    map[string]int `json:"c,omitempty"` // paired persons by category
	Cadres        map[int64]int  `json:"k,omitempty"` // households paired with each cadre
}

// householdStock is a household's contribution by month.
type householdStock map[string]stockDelta

// contribution computes a household's contribution: at the end of each
// month it is on the register (registered on or before the day, not exited
// by it) and paired (an active pairing on the day) or not; the
// contribution is the change from one month's end to the next.
func contribution(registered, exited string, persons int, categories map[string]int, pairings []pairingSpan) householdStock {
	events := []string{registered}
	if exited != "" {
		events = append(events, exited)
	}
	for _, p := range pairings {
		events = append(events, p.from)
		if p.to != "" {
			events = append(events, p.to)
		}
	}
	months := map[string]bool{}
	for _, e := range events {
		if d, err := app.ParseDate(e); err == nil {
			months[monthKey(d)] = true
		}
	}
	keys := make([]string, 0, len(months))
	for k := range months {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	state := func(day string) (bool, bool, map[int64]bool) {
		onRegister := registered <= day && (exited == "" || exited > day)
		cadres := map[int64]bool{}
		for _, p := range pairings {
			if onRegister && p.from <= day && (p.to == "" || p.to > day) {
				cadres[p.cadre] = true
			}
		}
		return onRegister, len(cadres) > 0, cadres
	}
	out := householdStock{}
	var wasReg, wasPaired bool
	was := map[int64]bool{}
	for _, k := range keys {
		reg, paired, cadres := state(monthEnd(k).String())
		var d stockDelta
		for c := range cadres {
			if !was[c] {
				if d.Cadres == nil {
					d.Cadres = map[int64]int{}
				}
				d.Cadres[c]++
			}
		}
		for c := range was {
			if !cadres[c] {
				if d.Cadres == nil {
					d.Cadres = map[int64]int{}
				}
				d.Cadres[c]--
			}
		}
		was = cadres
		if reg != wasReg {
			sign := map[bool]int{true: 1, false: -1}[reg]
			d.Households, d.Persons = sign, sign*persons
		}
		if paired != wasPaired {
			sign := map[bool]int{true: 1, false: -1}[paired]
			d.Paired, d.PairedPersons = sign, sign*persons
			d.Categories = map[string]int{}
			for c, n := range categories {
				d.Categories[c] = sign * n
			}
		}
		if d.Households != 0 || d.Paired != 0 || len(d.Cadres) > 0 {
			out[k] = d
		}
		wasReg, wasPaired = reg, paired
	}
	return out
}

// restockHousehold replaces a household's contribution to the stock
// rollups with one computed from its current records. Call it in the
// transaction of any change to the household, its persons or pairings.
func (tx *Tx) restockHousehold(ctx context.Context, householdID int64) error {
	var orgID int64
	var registered, exited string
	err := tx.QueryRowContext(ctx, `SELECT org_id, registered_on, exited_on FROM household WHERE id = $1`, householdID).
		Scan(&orgID, &registered, &exited)
	if err != nil {
		return app.Internal(err, "restock household")
	}
	persons, categories := 0, map[string]int{}
	rows, err := tx.QueryContext(ctx, `SELECT categories FROM household_person WHERE household_id = $1`, householdID)
	if err != nil {
		return app.Internal(err, "restock household: persons")
	}
	for rows.Next() {
		var cs string
		if err := rows.Scan(&cs); err != nil {
			rows.Close()
			return app.Internal(err, "restock household: persons")
		}
		persons++
		for _, c := range strings.Split(cs, ",") {
			if c = strings.TrimSpace(c); c != "" {
				categories[c]++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "restock household: persons")
	}
	var pairings []pairingSpan
	prows, err := tx.QueryContext(ctx, `SELECT cadre_id, starts_on, ends_on FROM pairing WHERE household_id = $1`, householdID)
	if err != nil {
		return app.Internal(err, "restock household: pairings")
	}
	for prows.Next() {
		var p pairingSpan
		if err := prows.Scan(&p.cadre, &p.from, &p.to); err != nil {
			prows.Close()
			return app.Internal(err, "restock household: pairings")
		}
		pairings = append(pairings, p)
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return app.Internal(err, "restock household: pairings")
	}
	next := contribution(registered, exited, persons, categories, pairings)

	var oldOrg int64
	var raw string
	err = tx.QueryRowContext(ctx, `SELECT org_id, stock_json FROM household_rollup WHERE household_id = $1`, householdID).
		Scan(&oldOrg, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return app.Internal(err, "restock household: previous")
	default:
		var prev householdStock
		if err := json.Unmarshal([]byte(raw), &prev); err != nil {
			return app.Internal(err, "restock household: previous")
		}
		if err := tx.applyStock(ctx, oldOrg, prev, -1); err != nil {
			return err
		}
	}
	if err := tx.applyStock(ctx, orgID, next, 1); err != nil {
		return err
	}
	b, _ := json.Marshal(next)
	if _, err := tx.ExecContext(ctx, `DELETE FROM household_rollup WHERE household_id = $1`, householdID); err != nil {
		return app.Internal(err, "restock household: save")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO household_rollup (household_id, org_id, stock_json) VALUES ($1, $2, $3)`,
		householdID, orgID, string(b))
	return app.Internal(err, "restock household: save")
}

// applyStock adds sign × a contribution to an organisation's stock rows and
// its committee's, and to the cadre rows of the organisation and every one
// above it up to its committee (with the committee's count of cadres).
func (tx *Tx) applyStock(ctx context.Context, orgID int64, s householdStock, sign int) error {
	// The cadre rows go to the organisation and those above it up to its
	// committee: cadres belong to a committee, and a city's count adds its
	// counties' (FindAssistFigures).
	var path string
	var committee int64
	if err := tx.QueryRowContext(ctx, `SELECT path, committee_id FROM org WHERE id = $1`, orgID).Scan(&path, &committee); err != nil {
		return app.Internal(err, "assist stock: org")
	}
	orgs := cadreOrgs(path, committee)
	if len(orgs) > 0 { // orgs[0] is the committee
		change := map[int64]map[string]int{} // cadre → month → households
		for month, d := range s {
			for c, n := range d.Cadres {
				if change[c] == nil {
					change[c] = map[string]int{}
				}
				change[c][month] += sign * n
			}
		}
		for c, ch := range change {
			if err := tx.countCadre(ctx, committee, c, ch); err != nil {
				return err
			}
		}
	}
	targets := []struct {
		stock, category, key string
		id                   int64
	}{{"assist_org_stock", "assist_org_category", "org_id", orgID},
		{"assist_committee_stock", "assist_committee_category", "committee_id", committee}}
	for month, d := range s {
		for c, n := range d.Cadres {
			for _, o := range orgs {
				if _, err := tx.ExecContext(ctx, `INSERT INTO assist_org_cadre (org_id, cadre_id, month, households)
					VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, cadre_id, month) DO UPDATE SET
					households = assist_org_cadre.households + excluded.households`, o, c, month, sign*n); err != nil {
					return app.Internal(err, "assist stock cadres")
				}
			}
		}
		for _, t := range targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.stock+` (`+t.key+`, month, households, persons, paired, paired_persons)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (`+t.key+`, month) DO UPDATE SET
				households = `+t.stock+`.households + excluded.households, persons = `+t.stock+`.persons + excluded.persons,
				paired = `+t.stock+`.paired + excluded.paired, paired_persons = `+t.stock+`.paired_persons + excluded.paired_persons`,
				t.id, month, sign*d.Households, sign*d.Persons, sign*d.Paired, sign*d.PairedPersons); err != nil {
				return app.Internal(err, "assist stock")
			}
			for c, n := range d.Categories {
				if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.category+` (`+t.key+`, month, category, persons)
					VALUES ($1, $2, $3, $4) ON CONFLICT (`+t.key+`, month, category) DO UPDATE SET
					persons = `+t.category+`.persons + excluded.persons`, t.id, month, c, sign*n); err != nil {
					return app.Internal(err, "assist stock categories")
				}
			}
		}
	}
	return nil
}

// cadreOrgs are the organisations that keep the cadre rows of an
// organisation's households: its committee and those below it on its path,
// down to the organisation.
func cadreOrgs(path string, committee int64) []int64 {
	var orgs []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		var id int64
		if _, err := fmt.Sscan(part, &id); err == nil && (id == committee || len(orgs) > 0) {
			orgs = append(orgs, id)
		}
	}
	return orgs
}

// countCadre moves a committee's count of cadres (assist_committee_cadres)
// by a change to the cadre's rows at the committee (households by month),
// before the change is written: the months the cadre starts and stops
// counting after it, less those before.
func (tx *Tx) countCadre(ctx context.Context, committee, cadre int64, change map[string]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT month, households FROM assist_org_cadre WHERE org_id = $1 AND cadre_id = $2`,
		committee, cadre)
	if err != nil {
		return app.Internal(err, "count cadre")
	}
	before := map[string]int{}
	for rows.Next() {
		var month string
		var n int
		if err := rows.Scan(&month, &n); err != nil {
			rows.Close()
			return app.Internal(err, "count cadre")
		}
		before[month] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "count cadre")
	}
	after := maps.Clone(before)
	for month, n := range change {
		after[month] += n
	}
	diff := cadreSpans(after)
	for month, n := range cadreSpans(before) {
		diff[month] -= n
	}
	for month, n := range diff {
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_committee_cadres (committee_id, month, cadres) VALUES ($1, $2, $3)
			ON CONFLICT (committee_id, month) DO UPDATE SET cadres = assist_committee_cadres.cadres + excluded.cadres`,
			committee, month, n); err != nil {
			return app.Internal(err, "count cadre")
		}
	}
	return nil
}

// cadreSpans gives, for a cadre's rows at a committee (the change in its
// households by month), the months it starts counting (+1) and stops
// (−1): it counts while the sum up to the month is above zero.
func cadreSpans(rows map[string]int) map[string]int {
	months := slices.Sorted(maps.Keys(rows))
	out := map[string]int{}
	total, was := 0, false
	for _, m := range months {
		total += rows[m]
		if is := total > 0; is != was {
			out[m] = map[bool]int{true: 1, false: -1}[is]
			was = is
		}
	}
	return out
}

// rollupVisit records a visit to a household in household_month and, when
// the household was paired on the day, in the visited/aided counts of the
// month, quarter and year the visit is its first (first aided) of.
func (tx *Tx) rollupVisit(ctx context.Context, householdID int64, day app.Date, aidFen int64) error {
	var orgID, committeeID int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id, committee_id FROM household WHERE id = $1`, householdID).
		Scan(&orgID, &committeeID); err != nil {
		return app.Internal(err, "rollup visit")
	}
	var paired int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing WHERE household_id = $1 AND starts_on <= $2
		AND (ends_on = '' OR ends_on > $2)`, householdID, day.String()).Scan(&paired); err != nil {
		return app.Internal(err, "rollup visit: paired")
	}
	keys := periodKeys(day)
	month := keys[0]
	// The household's paired visits (with aid) so far in the month, quarter and year.
	var visitedM, aidedM, visitedQ, aidedQ, visitedY, aidedY int
	if err := tx.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN month = $2 THEN paired_visits ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN month = $2 THEN paired_aided ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN month BETWEEN $3 AND $4 THEN paired_visits ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN month BETWEEN $3 AND $4 THEN paired_aided ELSE 0 END), 0),
		COALESCE(SUM(paired_visits), 0), COALESCE(SUM(paired_aided), 0)
		FROM household_month WHERE household_id = $1 AND month BETWEEN $5 AND $6`,
		householdID, month, quarterStart(day), quarterLast(day), fmt.Sprintf("%04d-01", day.Y), fmt.Sprintf("%04d-12", day.Y)).
		Scan(&visitedM, &aidedM, &visitedQ, &aidedQ, &visitedY, &aidedY); err != nil {
		return app.Internal(err, "rollup visit: household months")
	}
	aided := 0
	if aidFen > 0 {
		aided = 1
	}
	pv, pa := 0, 0
	if paired > 0 {
		pv, pa = 1, aided
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO household_month (household_id, month, committee_id, visits, aided, aid_fen,
		paired_visits, paired_aided) VALUES ($1, $2, $3, 1, $4, $5, $6, $7) ON CONFLICT (household_id, month) DO UPDATE SET
		visits = household_month.visits + 1, aided = household_month.aided + excluded.aided,
		aid_fen = household_month.aid_fen + excluded.aid_fen, paired_visits = household_month.paired_visits + excluded.paired_visits,
		paired_aided = household_month.paired_aided + excluded.paired_aided`,
		householdID, month, committeeID, aided, aidFen, pv, pa); err != nil {
		return app.Internal(err, "rollup visit: household month")
	}
	firstVisit := []int{visitedM, visitedQ, visitedY}
	firstAid := []int{aidedM, aidedQ, aidedY}
	for i, key := range keys {
		v, a := 0, 0
		if pv == 1 && firstVisit[i] == 0 {
			v = 1
		}
		if pa == 1 && firstAid[i] == 0 {
			a = 1
		}
		if err := tx.addPeriod(ctx, orgID, key, v, a, aidFen, 0, 0); err != nil {
			return err
		}
	}
	return nil
}

func quarterStart(d app.Date) string {
	return fmt.Sprintf("%04d-%02d", d.Y, (int(d.M)-1)/3*3+1)
}

func quarterLast(d app.Date) string {
	return fmt.Sprintf("%04d-%02d", d.Y, (int(d.M)-1)/3*3+3)
}

// addPeriod adds to an organisation's period row and its committee's.
func (tx *Tx) addPeriod(ctx context.Context, orgID int64, key string, visited, aided int, aidFen int64, raised, solved int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assist_org_period (org_id, period, visited, aided, aid_fen, raised, solved)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, period) DO UPDATE SET
		visited = assist_org_period.visited + excluded.visited, aided = assist_org_period.aided + excluded.aided,
		aid_fen = assist_org_period.aid_fen + excluded.aid_fen, raised = assist_org_period.raised + excluded.raised,
		solved = assist_org_period.solved + excluded.solved`, orgID, key, visited, aided, aidFen, raised, solved)
	if err != nil {
		return app.Internal(err, "assist period")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO assist_committee_period (committee_id, period, visited, aided, aid_fen, raised, solved)
		VALUES ((SELECT committee_id FROM org WHERE id = $1), $2, $3, $4, $5, $6, $7) ON CONFLICT (committee_id, period) DO UPDATE SET
		visited = assist_committee_period.visited + excluded.visited, aided = assist_committee_period.aided + excluded.aided,
		aid_fen = assist_committee_period.aid_fen + excluded.aid_fen, raised = assist_committee_period.raised + excluded.raised,
		solved = assist_committee_period.solved + excluded.solved`, orgID, key, visited, aided, aidFen, raised, solved)
	return app.Internal(err, "assist committee period")
}

// rollupProblem counts a household problem: raised (+1/−1) in the periods
// of raisedOn, solved (+1/−1) in the periods of solvedOn (zero: none).
// Call it when a household problem is created (raised +1), solved
// (solved +1), reopened after being solved (solved −1 on the old date) or
// its dates change.
func (tx *Tx) rollupProblem(ctx context.Context, orgID int64, raisedOn app.Date, raised int, solvedOn app.Date, solved int) error {
	if raised != 0 && !raisedOn.IsZero() {
		for _, k := range periodKeys(raisedOn) {
			if err := tx.addPeriod(ctx, orgID, k, 0, 0, 0, raised, 0); err != nil {
				return err
			}
		}
	}
	if solved != 0 && !solvedOn.IsZero() {
		for _, k := range periodKeys(solvedOn) {
			if err := tx.addPeriod(ctx, orgID, k, 0, 0, 0, 0, solved); err != nil {
				return err
			}
		}
	}
	return nil
}

// RebuildAssistRollups recomputes the rollups of a committee's
// organisations from the records: households (register and pairings),
// visits (household_month and the period counts) and household problems.
func (db *DB) RebuildAssistRollups(ctx context.Context, actor app.Actor, committeeID int64) error {
	if !canRunConsultation(actor) && actor.Role != "admin" {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能重建统计")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		c, err := findOrg(ctx, tx, actor, committeeID)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM assist_org_stock WHERE org_id IN (SELECT id FROM org WHERE committee_id = $1)`,
			`DELETE FROM assist_org_category WHERE org_id IN (SELECT id FROM org WHERE committee_id = $1)`,
			`DELETE FROM assist_org_cadre WHERE org_id IN (SELECT id FROM org WHERE committee_id = $1)`,
			`DELETE FROM assist_org_period WHERE org_id IN (SELECT id FROM org WHERE committee_id = $1)`,
			`DELETE FROM household_rollup WHERE household_id IN (SELECT id FROM household WHERE committee_id = $1)`,
			`DELETE FROM household_month WHERE committee_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, committeeID); err != nil {
				return app.Internal(err, "rebuild assist rollups")
			}
		}
		households, err := tx.restockCommittee(ctx, committeeID)
		if err != nil {
			return err
		}
		// Visits and problems, set-based: a province's million visits in a
		// few statements. A visit counts as paired when a pairing of its
		// household was active on the day; household_month keeps how many
		// were (with aid), and the periods' households visited and aided
		// are counted from it.
		const pairedOnVisit = `EXISTS (SELECT 1 FROM pairing p WHERE p.household_id = v.household_id
			AND p.starts_on <= v.visited_on AND (p.ends_on = '' OR p.ends_on > v.visited_on))`
		stmts := []string{`INSERT INTO household_month (household_id, month, committee_id, visits, aided, aid_fen,
			paired_visits, paired_aided)
			SELECT v.household_id, substr(v.visited_on, 1, 7), $1, COUNT(*), SUM(CASE WHEN v.aid_fen > 0 THEN 1 ELSE 0 END),
			SUM(v.aid_fen), SUM(CASE WHEN ` + pairedOnVisit + ` THEN 1 ELSE 0 END),
			SUM(CASE WHEN v.aid_fen > 0 AND ` + pairedOnVisit + ` THEN 1 ELSE 0 END)
			FROM assist_visit v JOIN household h ON h.id = v.household_id WHERE h.committee_id = $1
			GROUP BY v.household_id, substr(v.visited_on, 1, 7)`}
		// The month, quarter and year of a day 'YYYY-MM-DD' or a month 'YYYY-MM' (x).
		periods := []string{`substr(x, 1, 7)`,
			`substr(x, 1, 4) || '-Q' || CAST((CAST(substr(x, 6, 2) AS INTEGER) + 2) / 3 AS TEXT)`,
			`substr(x, 1, 4)`}
		for _, per := range periods {
			month := strings.ReplaceAll(per, "x", "hm.month")
			stmts = append(stmts, `INSERT INTO assist_org_period (org_id, period, visited, aided, aid_fen, raised, solved)
				SELECT h.org_id, `+month+`, COUNT(DISTINCT CASE WHEN hm.paired_visits > 0 THEN hm.household_id END),
				COUNT(DISTINCT CASE WHEN hm.paired_aided > 0 THEN hm.household_id END), SUM(hm.aid_fen), 0, 0
				FROM household_month hm JOIN household h ON h.id = hm.household_id WHERE h.committee_id = $1
				GROUP BY h.org_id, `+month)
			for _, col := range []struct{ date, cond, field string }{
				{"pr.raised_on", "TRUE", "raised"}, {"pr.resolved_on", "pr.status = 'solved'", "solved"}} {
				per2 := strings.ReplaceAll(per, "x", col.date)
				stmts = append(stmts, `INSERT INTO assist_org_period (org_id, period, visited, aided, aid_fen, raised, solved)
					SELECT pr.org_id, `+per2+`, 0, 0, 0, `+map[bool]string{true: "COUNT(*)", false: "0"}[col.field == "raised"]+`,
					`+map[bool]string{true: "COUNT(*)", false: "0"}[col.field == "solved"]+`
					FROM assist_problem pr WHERE pr.committee_id = $1 AND pr.household_id IS NOT NULL AND `+col.cond+`
					GROUP BY pr.org_id, `+per2+`
					ON CONFLICT (org_id, period) DO UPDATE SET `+col.field+` = assist_org_period.`+col.field+` + excluded.`+col.field)
			}
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, committeeID); err != nil {
				return app.Internal(err, "rebuild assist rollups")
			}
		}
		if err := tx.recountCommitteeAssist(ctx, committeeID); err != nil {
			return err
		}
		var vs int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(visits), 0) FROM household_month WHERE committee_id = $1`,
			committeeID).Scan(&vs); err != nil {
			return app.Internal(err, "rebuild: visits")
		}
		return tx.Audit(ctx, actor, Change{Action: "assist_rebuild", Entity: "org", EntityID: committeeID,
			Committee: committeeID, OrgPath: c.Path, Summary: fmt.Sprintf("重建%s的帮扶统计（%d户，%d次走访）", c.Name, households, vs)})
	})
}

// committeeRecounts count each committee rollup from the organisations'
// rows (as migration 0026 first filled them), for the committees whose org
// row o passes the filter (%s).
var committeeRecounts = []struct{ table, columns, keys, query string }{
	{"assist_committee_stock", "committee_id, month, households, persons, paired, paired_persons", "committee_id, month",
		`SELECT o.committee_id, s.month, SUM(s.households), SUM(s.persons), SUM(s.paired), SUM(s.paired_persons)
		FROM assist_org_stock s JOIN org o ON o.id = s.org_id WHERE %s GROUP BY o.committee_id, s.month`},
	{"assist_committee_category", "committee_id, month, category, persons", "committee_id, month, category",
		`SELECT o.committee_id, c.month, c.category, SUM(c.persons)
		FROM assist_org_category c JOIN org o ON o.id = c.org_id WHERE %s GROUP BY o.committee_id, c.month, c.category`},
	{"assist_committee_period", "committee_id, period, visited, aided, aid_fen, raised, solved", "committee_id, period",
		`SELECT o.committee_id, r.period, SUM(r.visited), SUM(r.aided), SUM(r.aid_fen), SUM(r.raised), SUM(r.solved)
		FROM assist_org_period r JOIN org o ON o.id = r.org_id WHERE %s GROUP BY o.committee_id, r.period`},
	// A cadre's running total at the committee, and the months it rises
	// above zero (+1) or falls back (−1).
	{"assist_committee_cadres", "committee_id, month, cadres", "committee_id, month",
		`SELECT committee_id, month, SUM(d) FROM (
			SELECT committee_id, month, CASE WHEN total > 0 THEN 1 ELSE 0 END
				- CASE WHEN LAG(total, 1, 0) OVER (PARTITION BY committee_id, cadre_id ORDER BY month) > 0 THEN 1 ELSE 0 END AS d
			FROM (SELECT o.committee_id, c.cadre_id, c.month,
					SUM(c.households) OVER (PARTITION BY o.committee_id, c.cadre_id ORDER BY c.month) AS total
				FROM assist_org_cadre c JOIN org o ON o.id = c.org_id WHERE o.id = o.committee_id AND %s) x
		) y WHERE d <> 0 GROUP BY committee_id, month`},
}

// recountCommitteeAssist replaces a committee's rows of the committee
// rollups with those counted from its organisations' rows: after a
// rebuild, or when organisations move to another committee.
func (tx *Tx) recountCommitteeAssist(ctx context.Context, committeeID int64) error {
	for _, r := range committeeRecounts {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+r.table+` WHERE committee_id = $1`, committeeID); err != nil {
			return app.Internal(err, "recount "+r.table)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+r.table+` (`+r.columns+`) `+
			fmt.Sprintf(r.query, "o.committee_id = $1"), committeeID); err != nil {
			return app.Internal(err, "recount "+r.table)
		}
	}
	return nil
}

// VerifyAssistRollups compares the committee rollups with what the
// organisations' rows add up to, without changing anything, and describes
// every difference ("assist_committee_stock 12 2026-03: 3 6 3 6, counted 2
// 4 2 4") — empty when they agree. Rows of zeros count as absent.
func (db *DB) VerifyAssistRollups(ctx context.Context) ([]string, error) {
	var out []string
	for _, r := range committeeRecounts {
		read := func(q string) (map[string]string, error) {
			rows, err := db.read.QueryContext(ctx, q)
			if err != nil {
				return nil, app.Internal(err, "verify "+r.table)
			}
			defer rows.Close()
			nkeys := len(strings.Split(r.keys, ","))
			got := map[string]string{}
			for rows.Next() {
				keys := make([]string, nkeys)
				values := make([]int64, len(strings.Split(r.columns, ","))-nkeys)
				ptrs := make([]any, 0, len(keys)+len(values))
				for i := range keys {
					ptrs = append(ptrs, &keys[i])
				}
				for i := range values {
					ptrs = append(ptrs, &values[i])
				}
				if err := rows.Scan(ptrs...); err != nil {
					return nil, app.Internal(err, "verify "+r.table)
				}
				zero := !slices.ContainsFunc(values, func(n int64) bool { return n != 0 })
				if !zero {
					got[strings.Join(keys, " ")] = fmt.Sprint(values)
				}
			}
			return got, app.Internal(rows.Err(), "verify "+r.table)
		}
		have, err := read(`SELECT ` + r.columns + ` FROM ` + r.table)
		if err != nil {
			return nil, err
		}
		want, err := read(fmt.Sprintf(r.query, "TRUE"))
		if err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(have)) {
			if have[k] != want[k] {
				out = append(out, fmt.Sprintf("%s %s: %s, counted %s", r.table, k, have[k], cmp.Or(want[k], "none")))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if _, ok := have[k]; !ok {
				out = append(out, fmt.Sprintf("%s %s: none, counted %s", r.table, k, want[k]))
			}
		}
	}
	return out, nil
}

// restockCommittee writes the stock rollups of a committee's households
// (after a rebuild deleted them) as restockHousehold would one household
// at a time, from three reads and multi-row upserts: a province's county
// of 5,000 households in a few statements instead of some 20 each. It
// returns the number of households.
func (tx *Tx) restockCommittee(ctx context.Context, committeeID int64) (int, error) {
	type record struct {
		org                int64
		registered, exited string
		persons            int
		categories         map[string]int
		pairings           []pairingSpan
	}
	byID := map[int64]*record{}
	var ids []int64
	orgs := map[int64][]int64{} // organisation → the organisations keeping its cadre rows
	err := tx.scanRows(ctx, `SELECT h.id, h.org_id, h.registered_on, h.exited_on, o.path, o.committee_id
		FROM household h JOIN org o ON o.id = h.org_id WHERE h.committee_id = $1 ORDER BY h.id`, []any{committeeID},
		func(scan func(...any) error) error {
			var id int64
			var path string
			var committee int64
			r := &record{categories: map[string]int{}}
			if err := scan(&id, &r.org, &r.registered, &r.exited, &path, &committee); err != nil {
				return err
			}
			byID[id] = r
			ids = append(ids, id)
			if _, ok := orgs[r.org]; !ok {
				orgs[r.org] = cadreOrgs(path, committee)
			}
			return nil
		})
	if err != nil {
		return 0, app.Internal(err, "restock committee: households")
	}
	err = tx.scanRows(ctx, `SELECT hp.household_id, hp.categories FROM household_person hp
		JOIN household h ON h.id = hp.household_id WHERE h.committee_id = $1`, []any{committeeID},
		func(scan func(...any) error) error {
			var id int64
			var cs string
			if err := scan(&id, &cs); err != nil {
				return err
			}
			r := byID[id]
			r.persons++
			for _, c := range strings.Split(cs, ",") {
				if c = strings.TrimSpace(c); c != "" {
					r.categories[c]++
				}
			}
			return nil
		})
	if err != nil {
		return 0, app.Internal(err, "restock committee: persons")
	}
	err = tx.scanRows(ctx, `SELECT p.household_id, p.cadre_id, p.starts_on, p.ends_on FROM pairing p
		JOIN household h ON h.id = p.household_id WHERE h.committee_id = $1 ORDER BY p.id`, []any{committeeID},
		func(scan func(...any) error) error {
			var id int64
			var p pairingSpan
			if err := scan(&id, &p.cadre, &p.from, &p.to); err != nil {
				return err
			}
			byID[id].pairings = append(byID[id].pairings, p)
			return nil
		})
	if err != nil {
		return 0, app.Internal(err, "restock committee: pairings")
	}
	type orgMonth struct {
		org   int64
		month string
	}
	type orgMonthCat struct {
		orgMonth
		category string
	}
	type orgCadreMonth struct {
		orgMonth
		cadre int64
	}
	stock := map[orgMonth][4]int{}
	categories := map[orgMonthCat]int{}
	cadres := map[orgCadreMonth]int{}
	var rollups [][]any
	for _, id := range ids {
		r := byID[id]
		next := contribution(r.registered, r.exited, r.persons, r.categories, r.pairings)
		for month, d := range next {
			k := orgMonth{r.org, month}
			s := stock[k]
			stock[k] = [4]int{s[0] + d.Households, s[1] + d.Persons, s[2] + d.Paired, s[3] + d.PairedPersons}
			for c, n := range d.Categories {
				categories[orgMonthCat{k, c}] += n
			}
			for c, n := range d.Cadres {
				for _, o := range orgs[r.org] {
					cadres[orgCadreMonth{orgMonth{o, month}, c}] += n
				}
			}
		}
		b, _ := json.Marshal(next)
		rollups = append(rollups, []any{id, r.org, string(b)})
	}
	var rows [][]any
	for k, s := range stock {
		rows = append(rows, []any{k.org, k.month, s[0], s[1], s[2], s[3]})
	}
	if err := tx.upsertRows(ctx, "assist_org_stock", []string{"org_id", "month"},
		[]string{"households", "persons", "paired", "paired_persons"}, rows); err != nil {
		return 0, err
	}
	rows = rows[:0]
	for k, n := range categories {
		rows = append(rows, []any{k.org, k.month, k.category, n})
	}
	if err := tx.upsertRows(ctx, "assist_org_category", []string{"org_id", "month", "category"}, []string{"persons"}, rows); err != nil {
		return 0, err
	}
	rows = rows[:0]
	for k, n := range cadres {
		rows = append(rows, []any{k.org, k.cadre, k.month, n})
	}
	if err := tx.upsertRows(ctx, "assist_org_cadre", []string{"org_id", "cadre_id", "month"}, []string{"households"}, rows); err != nil {
		return 0, err
	}
	return len(ids), tx.bulkRows(ctx, "household_rollup", []string{"household_id", "org_id", "stock_json"}, "", rollups)
}

// scanRows runs a query and calls each for every row with its Scan.
func (tx *Tx) scanRows(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// upsertRows writes rows (the key columns, then the value columns) in
// multi-row INSERTs; a row whose key exists adds its values to the row's.
func (tx *Tx) upsertRows(ctx context.Context, table string, keys, values []string, rows [][]any) error {
	var set []string
	for _, v := range values {
		set = append(set, v+" = "+table+"."+v+" + excluded."+v)
	}
	return tx.bulkRows(ctx, table, append(slices.Clone(keys), values...),
		` ON CONFLICT (`+strings.Join(keys, ", ")+`) DO UPDATE SET `+strings.Join(set, ", "), rows)
}

// bulkRows writes rows of the columns in Bulk's multi-row INSERTs (with
// SQLite's anonymous parameters, which bind in linear time), each ending
// in conflict (an ON CONFLICT clause, or empty).
func (tx *Tx) bulkRows(ctx context.Context, table string, cols []string, conflict string, rows [][]any) error {
	per := tx.db.Dialect.bulkRowsPer(len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, tx.db.Dialect.bulkInsert(BulkLoad{Table: table, Columns: cols}, n)+conflict,
			args...); err != nil {
			return app.Internal(err, "write "+table)
		}
		rows = rows[n:]
	}
	return nil
}
