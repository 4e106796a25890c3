package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
)

// Assistance figures (DOMAIN.md §5, §8): what the reports print, counted
// from the records for an organisation's subtree and a period of whole
// months. Pairings and the register are taken as they stand on the
// period's last day ("至目前"); visits and aid from household_month, the
// per-household monthly rollup kept with each visit, so a county's
// quarter reads one row per household and month instead of every visit;
// problems raised and solved within the period.

// AssistPeriod is a run of whole months, From and To inclusive ('YYYY-MM').
type AssistPeriod struct {
	From, To string
}

// LastDay is the period's last day.
func (p AssistPeriod) LastDay() (app.Date, error) {
	y, m, err := parseMonth(p.To)
	if err != nil {
		return app.Date{}, err
	}
	return app.DateOf(time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)), nil
}

func (p AssistPeriod) firstDay() (app.Date, error) {
	y, m, err := parseMonth(p.From)
	return app.Date{Y: y, M: time.Month(m), D: 1}, err
}

func parseMonth(s string) (int, int, error) {
	var y, m int
	if _, err := fmt.Sscanf(s, "%d-%d", &y, &m); err != nil || len(s) != 7 || m < 1 || m > 12 || y < 2000 || y > 2100 {
		return 0, 0, app.Errorf(app.EINVALID, "统计期间的月份格式应为 年-月，如 2026-03")
	}
	return y, m, nil
}

// AssistFigures are the figures of one organisation and period, with the
// household kinds present (for the sentence) and the sentences.
type AssistFigures struct {
	OrgID      int64          `json:"org_id"`
	OrgName    string         `json:"org_name"`
	Period     AssistPeriod   `json:"period"`
	Figures    assist.Figures `json:"figures"`
	Kinds      []string       `json:"kinds"` // categories of the paired households' persons, in the register's order
	Sentence   string         `json:"sentence"`
	Enterprise string         `json:"enterprise_sentence"`
}

// periodKey is the rollup key of a period that is one month ('2026-05'),
// one quarter ('2026-Q2') or one year ('2026'); other runs of months are
// refused.
func (p AssistPeriod) periodKey() (string, error) {
	fy, fm, err := parseMonth(p.From)
	if err != nil {
		return "", err
	}
	ty, tm, err := parseMonth(p.To)
	if err != nil {
		return "", err
	}
	switch {
	case fy == ty && fm == tm:
		return p.From, nil
	case fy == ty && fm%3 == 1 && tm == fm+2:
		return fmt.Sprintf("%04d-Q%d", fy, (fm-1)/3+1), nil
	case fy == ty && fm == 1 && tm == 12:
		return fmt.Sprintf("%04d", fy), nil
	}
	return "", app.Errorf(app.EINVALID, "统计期间应为一个月、一个季度或一年")
}

// FindAssistFigures gives the figures for orgID's subtree (the actor's own
// organisation when 0) over a month, a quarter or a year, from the rollups
// (assist_rollup.go): a township sums its organisations' rows, a committee
// (or a city, or the platform) its committees' — a few rows each. who names
// the organisation in the sentence ("县政协"; the organisation's short name
// when empty).
func (db *DB) FindAssistFigures(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod, who string) (AssistFigures, error) {
	return db.assistFigures(ctx, actor, orgID, p, who, false)
}

// assistFigures is FindAssistFigures, from the organisations' rollups
// whatever the organisation when byOrgs (the committee rollups' oracle in
// the tests).
func (db *DB) assistFigures(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod, who string, byOrgs bool) (AssistFigures, error) {
	out := AssistFigures{Period: p}
	key, err := p.periodKey()
	if err != nil {
		return out, err
	}
	path, committees, err := db.assistScope(ctx, actor, orgID, &out, &who)
	if err != nil {
		return out, err
	}
	end, _ := p.LastDay()
	last := end.String()
	f := &out.Figures
	q := orgRollups
	if committees && !byOrgs {
		q = committeeRollups
	}
	if err := db.read.QueryRowContext(ctx, q.stock, path, p.To).Scan(&f.Registered, new(int), &f.Paired, &f.Persons); err != nil {
		return out, app.Internal(err, "assist stock")
	}
	err = db.read.QueryRowContext(ctx, q.period, path, key).
		Scan(&f.Visited, &f.Aided, &f.AidFen, &f.ProblemsRaised, &f.ProblemsSolved)
	if err != nil {
		return out, app.Internal(err, "assist period")
	}
	if err := db.read.QueryRowContext(ctx, q.cadres, path, p.To).Scan(&f.Cadres); err != nil {
		return out, app.Internal(err, "assist cadres")
	}
	from, _ := p.firstDay()
	if err := db.enterpriseFigures(ctx, f, path, from.String(), last); err != nil {
		return out, err
	}
	rows, err := db.read.QueryContext(ctx, q.kinds, path, p.To)
	if err != nil {
		return out, app.Internal(err, "assist kinds")
	}
	present := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return out, app.Internal(err, "assist kinds")
		}
		present[c] = true
	}
	rows.Close()
	for _, c := range assist.Categories {
		if present[c.Code] {
			out.Kinds = append(out.Kinds, c.Label)
		}
	}
	return out, db.assistSentences(ctx, &out, who)
}

// assistRollupQueries read the figures of a subtree ($1, its path) from the
// rollups as they stand at the end of month $2 (the period $2 for period):
// the stock, the period's counts, the cadres paired and the categories
// present.
type assistRollupQueries struct{ stock, period, cadres, kinds string }

var (
	// orgRollups sums the rows of the subtree's organisations. A cadre
	// counts at the organisation itself (path $1), and at each committee
	// below it (the cadre rows are kept up to the committee).
	orgRollups = assistRollupQueries{
		stock: `SELECT COALESCE(SUM(s.households), 0), COALESCE(SUM(s.persons), 0),
			COALESCE(SUM(s.paired), 0), COALESCE(SUM(s.paired_persons), 0)
			FROM assist_org_stock s JOIN org o ON o.id = s.org_id WHERE o.path LIKE $1 || '%' AND s.month <= $2`,
		period: `SELECT COALESCE(SUM(r.visited), 0), COALESCE(SUM(r.aided), 0),
			COALESCE(SUM(r.aid_fen), 0), COALESCE(SUM(r.raised), 0), COALESCE(SUM(r.solved), 0)
			FROM assist_org_period r JOIN org o ON o.id = r.org_id WHERE o.path LIKE $1 || '%' AND r.period = $2`,
		cadres: `SELECT COUNT(*) FROM (SELECT c.org_id, c.cadre_id FROM assist_org_cadre c
			WHERE c.org_id IN (SELECT o.id FROM org o WHERE o.path LIKE $1 || '%' AND (o.path = $1 OR o.id = o.committee_id))
			AND c.month <= $2 GROUP BY c.org_id, c.cadre_id HAVING SUM(c.households) > 0) x`,
		kinds: `SELECT c.category FROM assist_org_category c JOIN org o ON o.id = c.org_id
			WHERE o.path LIKE $1 || '%' AND c.month <= $2 GROUP BY c.category HAVING SUM(c.persons) > 0`,
	}
	// committeeRollups sums the rows of the committees in the subtree, for
	// a subtree that is whole committees (a committee, or the platform):
	// the same figures as orgRollups there (migration 0026).
	committeeRollups = assistRollupQueries{
		stock: `SELECT COALESCE(SUM(households), 0), COALESCE(SUM(persons), 0),
			COALESCE(SUM(paired), 0), COALESCE(SUM(paired_persons), 0)
			FROM assist_committee_stock WHERE ` + inCommittees + ` AND month <= $2`,
		period: `SELECT COALESCE(SUM(visited), 0), COALESCE(SUM(aided), 0),
			COALESCE(SUM(aid_fen), 0), COALESCE(SUM(raised), 0), COALESCE(SUM(solved), 0)
			FROM assist_committee_period WHERE ` + inCommittees + ` AND period = $2`,
		cadres: `SELECT COALESCE(SUM(cadres), 0) FROM assist_committee_cadres WHERE ` + inCommittees + `
			AND month <= $2`,
		kinds: `SELECT category FROM assist_committee_category WHERE ` + inCommittees + ` AND month <= $2
			GROUP BY category HAVING SUM(persons) > 0`,
	}
)

// inCommittees keeps the committee rollups' rows of the committees below
// path $1.
const inCommittees = `committee_id IN (SELECT id FROM org WHERE kind IN ('city', 'county') AND path LIKE $1 || '%')`

// assistScope resolves the organisation of the figures: its path, and
// whether its subtree is whole committees (a committee, or the platform),
// whose figures the committee rollups hold.
func (db *DB) assistScope(ctx context.Context, actor app.Actor, orgID int64, out *AssistFigures, who *string) (string, bool, error) {
	if orgID == 0 {
		orgID = actor.OrgID
	}
	if orgID == 0 {
		out.OrgName = "全平台"
		return actor.Path, actor.Path == "/" || actor.Path == "", nil
	}
	o, err := findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return "", false, err
	}
	out.OrgID, out.OrgName = o.ID, o.Name
	if *who == "" {
		*who = o.WrittenName()
	}
	return o.Path, o.IsCommittee(), nil
}

// enterpriseFigures counts the liaison figures: enterprises and people
// liaising on day last, enterprise problems raised and solved from..last.
func (db *DB) enterpriseFigures(ctx context.Context, f *assist.Figures, path, from, last string) error {
	err := db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN pr.raised_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN pr.status = 'solved' AND pr.resolved_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0)
		FROM assist_problem pr JOIN org o ON o.id = pr.org_id WHERE o.path LIKE $1 || '%' AND pr.enterprise_id IS NOT NULL`,
		path, from, last).Scan(&f.EnterpriseRaised, &f.EnterpriseSolved)
	if err != nil {
		return app.Internal(err, "enterprise problems")
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT p.enterprise_id), COUNT(DISTINCT p.cadre_id)
		FROM pairing p JOIN enterprise e ON e.id = p.enterprise_id JOIN org o ON o.id = e.org_id
		WHERE o.path LIKE $1 || '%' AND p.starts_on <= $2 AND (p.ends_on = '' OR p.ends_on > $2) AND e.archived = FALSE`,
		path, last).Scan(&f.Enterprises, &f.Liaisons)
	return app.Internal(err, "assist enterprises")
}

// assistSentences writes the report's sentences from the figures. A
// household visited while paired whose pairing has since ended (or which
// left the register) is not among the paired at the period's end: visits
// and aid are counted at most once per household paired then.
func (db *DB) assistSentences(ctx context.Context, out *AssistFigures, who string) error {
	f := &out.Figures
	f.Visited, f.Aided = min(f.Visited, f.Paired), min(f.Aided, f.Paired)
	rules, err := db.assistRulesOf(ctx, out.OrgID)
	if err != nil {
		return err
	}
	oneToOne := rules.HouseholdsPerCadre == 1 && rules.CadresPerHousehold == 1
	out.Sentence = out.Figures.Sentence(who, out.Kinds, oneToOne)
	out.Enterprise = out.Figures.EnterpriseSentence(who)
	return nil
}

// exactAssistFigures counts the figures from the records themselves, every
// household, pairing and visit: the rollups' oracle in the tests. A
// household counts as visited (aided) when a visit (with aid) was made on a
// day it was paired, as the rollups count it.
func (db *DB) exactAssistFigures(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod, who string) (AssistFigures, error) {
	out := AssistFigures{Period: p}
	if _, err := p.periodKey(); err != nil {
		return out, err
	}
	path, _, err := db.assistScope(ctx, actor, orgID, &out, &who)
	if err != nil {
		return out, err
	}
	end, _ := p.LastDay()
	from, _ := p.firstDay()
	last := end.String()
	f := &out.Figures
	// The register and the pairings as they stand on the last day.
	const active = `p.starts_on <= $2 AND (p.ends_on = '' OR p.ends_on > $2)`
	const registered = `h.registered_on <= $2 AND (h.exited_on = '' OR h.exited_on > $2)`
	const pairedOnVisit = `EXISTS (SELECT 1 FROM pairing p WHERE p.household_id = v.household_id
		AND p.starts_on <= v.visited_on AND (p.ends_on = '' OR p.ends_on > v.visited_on))`
	err = db.read.QueryRowContext(ctx, `
		WITH hh AS (SELECT h.id FROM household h JOIN org o ON o.id = h.org_id
			WHERE o.path LIKE $1 || '%' AND `+registered+`),
		paired AS (SELECT DISTINCT p.household_id AS id, p.cadre_id FROM pairing p JOIN hh ON hh.id = p.household_id
			WHERE `+active+`),
		sub AS (SELECT h.id FROM household h JOIN org o ON o.id = h.org_id WHERE o.path LIKE $1 || '%')
		SELECT (SELECT COUNT(*) FROM hh),
			(SELECT COUNT(DISTINCT id) FROM paired),
			(SELECT COUNT(DISTINCT cadre_id) FROM paired),
			(SELECT COUNT(*) FROM household_person hp WHERE hp.household_id IN (SELECT id FROM paired)),
			(SELECT COUNT(DISTINCT v.household_id) FROM assist_visit v WHERE v.household_id IN (SELECT id FROM sub)
				AND v.visited_on BETWEEN $3 AND $2 AND `+pairedOnVisit+`),
			(SELECT COUNT(DISTINCT v.household_id) FROM assist_visit v WHERE v.household_id IN (SELECT id FROM sub)
				AND v.visited_on BETWEEN $3 AND $2 AND v.aid_fen > 0 AND `+pairedOnVisit+`),
			(SELECT COALESCE(SUM(v.aid_fen), 0) FROM assist_visit v WHERE v.household_id IN (SELECT id FROM sub)
				AND v.visited_on BETWEEN $3 AND $2),
			(SELECT COUNT(*) FROM assist_problem pr WHERE pr.household_id IN (SELECT id FROM sub) AND pr.raised_on BETWEEN $3 AND $2),
			(SELECT COUNT(*) FROM assist_problem pr WHERE pr.household_id IN (SELECT id FROM sub) AND pr.status = 'solved'
				AND pr.resolved_on BETWEEN $3 AND $2)`,
		path, last, from.String()).Scan(&f.Registered, &f.Paired, &f.Cadres, &f.Persons, &f.Visited, &f.Aided, &f.AidFen,
		&f.ProblemsRaised, &f.ProblemsSolved)
	if err != nil {
		return out, app.Internal(err, "assist figures")
	}
	if err := db.enterpriseFigures(ctx, f, path, from.String(), last); err != nil {
		return out, err
	}
	if out.Kinds, err = db.pairedKinds(ctx, path, last); err != nil {
		return out, err
	}
	return out, db.assistSentences(ctx, &out, who)
}

// pairedKinds lists the categories of the persons in the households
// paired on day, in the register's order.
func (db *DB) pairedKinds(ctx context.Context, path, day string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT hp.categories FROM household_person hp
		JOIN household h ON h.id = hp.household_id JOIN org o ON o.id = h.org_id
		WHERE o.path LIKE $1 || '%' AND hp.categories <> '' AND h.registered_on <= $2 AND (h.exited_on = '' OR h.exited_on > $2)
		AND EXISTS (SELECT 1 FROM pairing p
			WHERE p.household_id = h.id AND p.starts_on <= $2 AND (p.ends_on = '' OR p.ends_on > $2))`, path, day)
	if err != nil {
		return nil, app.Internal(err, "paired kinds")
	}
	defer rows.Close()
	present := map[string]bool{}
	for rows.Next() {
		var cs string
		if err := rows.Scan(&cs); err != nil {
			return nil, app.Internal(err, "paired kinds")
		}
		for _, c := range strings.Split(cs, ",") {
			present[strings.TrimSpace(c)] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "paired kinds")
	}
	var out []string
	for _, c := range assist.Categories {
		if present[c.Code] {
			out = append(out, c.Label)
		}
	}
	return out, nil
}

// assistRulesOf reads the assistance rules of an organisation's committee,
// the built-in ones when it has none (or for the whole platform).
func (db *DB) assistRulesOf(ctx context.Context, orgID int64) (assist.Rules, error) {
	var raw string
	err := db.read.QueryRowContext(ctx, `SELECT r.rules_json FROM assist_rules r JOIN org o ON o.committee_id = r.committee_id
		WHERE o.id = $1`, orgID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return assist.DefaultRules(), nil
	}
	if err != nil {
		return assist.Rules{}, app.Internal(err, "assist rules")
	}
	var r assist.Rules
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, app.Internal(err, "decode assist rules")
	}
	return r, nil
}
