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

// FindAssistFigures counts the figures for orgID's subtree (the actor's
// own organisation when 0) over the period. who names the organisation in
// the sentence ("县政协"; the organisation's short name when empty).
func (db *DB) FindAssistFigures(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod, who string) (AssistFigures, error) {
	out := AssistFigures{Period: p}
	if p.From > p.To {
		return out, app.Errorf(app.EINVALID, "统计期间的起始月份不能晚于截止月份")
	}
	end, err := p.LastDay()
	if err != nil {
		return out, err
	}
	if _, err := p.firstDay(); err != nil {
		return out, err
	}
	if orgID == 0 {
		orgID = actor.OrgID
	}
	path := actor.Path
	if orgID != 0 {
		o, err := findOrg(ctx, db.read, actor, orgID)
		if err != nil {
			return out, err
		}
		path, out.OrgID, out.OrgName = o.Path, o.ID, o.Name
		if who == "" {
			who = o.WrittenName()
		}
	} else {
		out.OrgName = "全平台"
	}
	from, _ := p.firstDay()
	last := end.String()
	f := &out.Figures
	// The register and the pairings as they stand on the last day.
	const active = `p.starts_on <= $2 AND (p.ends_on = '' OR p.ends_on > $2)`
	const registered = `h.registered_on <= $2 AND (h.exited_on = '' OR h.exited_on > $2)`
	err = db.read.QueryRowContext(ctx, `
		WITH hh AS (SELECT h.id FROM household h JOIN org o ON o.id = h.org_id
			WHERE o.path LIKE $1 || '%' AND `+registered+`),
		paired AS (SELECT DISTINCT p.household_id AS id, p.cadre_id FROM pairing p JOIN hh ON hh.id = p.household_id
			WHERE `+active+`)
		SELECT (SELECT COUNT(*) FROM hh),
			(SELECT COUNT(DISTINCT id) FROM paired),
			(SELECT COUNT(DISTINCT cadre_id) FROM paired),
			(SELECT COUNT(*) FROM household_person hp WHERE hp.household_id IN (SELECT id FROM paired)),
			(SELECT COUNT(DISTINCT m.household_id) FROM household_month m
				WHERE m.household_id IN (SELECT id FROM paired) AND m.month BETWEEN $3 AND $4 AND m.visits > 0),
			(SELECT COUNT(DISTINCT m.household_id) FROM household_month m
				WHERE m.household_id IN (SELECT id FROM paired) AND m.month BETWEEN $3 AND $4 AND m.aided > 0),
			(SELECT COALESCE(SUM(m.aid_fen), 0) FROM household_month m
				WHERE m.household_id IN (SELECT id FROM hh) AND m.month BETWEEN $3 AND $4)`,
		path, last, p.From, p.To).Scan(&f.Registered, &f.Paired, &f.Cadres, &f.Persons, &f.Visited, &f.Aided, &f.AidFen)
	if err != nil {
		return out, app.Internal(err, "assist figures")
	}
	// Problems raised and solved in the period, of households and of enterprises.
	err = db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN pr.household_id IS NOT NULL AND pr.raised_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN pr.household_id IS NOT NULL AND pr.status = 'solved' AND pr.resolved_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN pr.enterprise_id IS NOT NULL AND pr.raised_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN pr.enterprise_id IS NOT NULL AND pr.status = 'solved' AND pr.resolved_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0)
		FROM assist_problem pr JOIN org o ON o.id = pr.org_id WHERE o.path LIKE $1 || '%'`,
		path, from.String(), last).Scan(&f.ProblemsRaised, &f.ProblemsSolved, &f.EnterpriseRaised, &f.EnterpriseSolved)
	if err != nil {
		return out, app.Internal(err, "assist problems")
	}
	// Enterprises liaised and the people liaising, on the last day.
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT p.enterprise_id), COUNT(DISTINCT p.cadre_id)
		FROM pairing p JOIN enterprise e ON e.id = p.enterprise_id JOIN org o ON o.id = e.org_id
		WHERE o.path LIKE $1 || '%' AND `+active+` AND e.archived = FALSE`,
		path, last).Scan(&f.Enterprises, &f.Liaisons)
	if err != nil {
		return out, app.Internal(err, "assist enterprises")
	}
	if out.Kinds, err = db.pairedKinds(ctx, path, last); err != nil {
		return out, err
	}
	rules, err := db.assistRulesOf(ctx, out.OrgID)
	if err != nil {
		return out, err
	}
	oneToOne := rules.HouseholdsPerCadre == 1 && rules.CadresPerHousehold == 1
	out.Sentence = f.Sentence(who, out.Kinds, oneToOne)
	out.Enterprise = f.EnterpriseSentence(who)
	return out, nil
}

// pairedKinds lists the categories of the persons in the households
// paired on day, in the register's order.
func (db *DB) pairedKinds(ctx context.Context, path, day string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT hp.categories FROM household_person hp
		JOIN household h ON h.id = hp.household_id JOIN org o ON o.id = h.org_id
		WHERE o.path LIKE $1 || '%' AND hp.categories <> '' AND EXISTS (SELECT 1 FROM pairing p
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
