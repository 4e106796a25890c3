package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/duty"
	"xieshang/internal/meeting"
)

// A committee's scoring rules (duty_rules): duty.Rules as data, one row per
// range of years, ranges not overlapping. Scores are computed from the
// tally by the rules at read time, so a changed rule shows in every file
// and ranking at once: nothing scored is stored to go stale.

// DutyRuleSet is one stored range of rules.
type DutyRuleSet struct {
	ID          int64 `json:"id"` // 0: the default rules (none stored for the year)
	CommitteeID int64 `json:"committee_id"`
	duty.Rules
	UpdatedAt time.Time `json:"updated_at"`
}

// canReadDuty: the office, leaders and admins see every member's file and
// the rankings of their subtree; a member account sees only its own file.
func canReadDuty(actor app.Actor) bool { return auth.Role(actor.Role).Can(auth.MemberRead) }

// canWriteDutyRules: the office and admins keep the rules.
func canWriteDutyRules(actor app.Actor) bool { return auth.Role(actor.Role).Can(auth.MemberWrite) }

// meetingKindCodes are meeting.Kinds as the rules name them.
func meetingKindCodes() []string {
	out := make([]string, len(meeting.Kinds))
	for i, k := range meeting.Kinds {
		out[i] = string(k)
	}
	return out
}

func dutyRuleSets(ctx context.Context, q querier, committeeID int64) ([]DutyRuleSet, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, committee_id, rules_json, updated_at FROM duty_rules
		WHERE committee_id = $1 ORDER BY from_year DESC, id`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "duty rules")
	}
	defer rows.Close()
	var out []DutyRuleSet
	for rows.Next() {
		var s DutyRuleSet
		var raw string
		if err := rows.Scan(&s.ID, &s.CommitteeID, &raw, &s.UpdatedAt); err != nil {
			return nil, app.Internal(err, "duty rules")
		}
		if err := json.Unmarshal([]byte(raw), &s.Rules); err != nil {
			return nil, app.Internal(err, "decode duty rules")
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "duty rules")
}

// dutyRulesFor are the rules covering year, or duty.DefaultRules.
func dutyRulesFor(ctx context.Context, q querier, committeeID int64, year int) (DutyRuleSet, error) {
	sets, err := dutyRuleSets(ctx, q, committeeID)
	if err != nil {
		return DutyRuleSet{}, err
	}
	for _, s := range sets {
		if s.Covers(year) {
			return s, nil
		}
	}
	return DutyRuleSet{CommitteeID: committeeID, Rules: duty.DefaultRules(year)}, nil
}

// FindDutyRules returns the rules of a committee the actor sees (its own
// when committeeID is 0) covering year, or the default rules (ID 0).
func (db *DB) FindDutyRules(ctx context.Context, actor app.Actor, committeeID int64, year int) (DutyRuleSet, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return DutyRuleSet{}, err
	}
	return dutyRulesFor(ctx, db.read, committeeID, year)
}

// ListDutyRules lists a committee's stored rule sets, the latest years first.
func (db *DB) ListDutyRules(ctx context.Context, actor app.Actor, committeeID int64) ([]DutyRuleSet, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if !canReadDuty(actor) {
		return nil, app.Errorf(app.EFORBIDDEN, "当前账号不能查看积分规则")
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return nil, err
	}
	return dutyRuleSets(ctx, db.read, committeeID)
}

// FindDutyRuleSet returns one stored rule set the actor sees.
func (db *DB) FindDutyRuleSet(ctx context.Context, actor app.Actor, id int64) (DutyRuleSet, error) {
	return findDutyRuleSet(ctx, db.read, actor, id)
}

func findDutyRuleSet(ctx context.Context, q querier, actor app.Actor, id int64) (DutyRuleSet, error) {
	var s DutyRuleSet
	var raw string
	err := q.QueryRowContext(ctx, `SELECT r.id, r.committee_id, r.rules_json, r.updated_at FROM duty_rules r
		JOIN org o ON o.id = r.committee_id WHERE r.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).
		Scan(&s.ID, &s.CommitteeID, &raw, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, app.NotFound("积分规则")
	}
	if err != nil {
		return s, app.Internal(err, "find duty rules")
	}
	return s, app.Internal(json.Unmarshal([]byte(raw), &s.Rules), "decode duty rules")
}

func yearsLabel(r duty.Rules) string {
	if r.ToYear == 0 {
		return fmt.Sprintf("%d年起", r.FromYear)
	}
	if r.ToYear == r.FromYear {
		return fmt.Sprintf("%d年", r.FromYear)
	}
	return fmt.Sprintf("%d至%d年", r.FromYear, r.ToYear)
}

// SaveDutyRules stores a committee's rules for their years (a new set when
// id is 0, else replacing set id), validated against the committee's
// activity kinds and the meeting kinds; a range overlapping another set's
// is refused. Audited.
func (db *DB) SaveDutyRules(ctx context.Context, actor app.Actor, committeeID, id int64, r duty.Rules) (DutyRuleSet, error) {
	if !canWriteDutyRules(actor) {
		return DutyRuleSet{}, app.Errorf(app.EFORBIDDEN, "当前账号不能修改积分规则")
	}
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	var saved DutyRuleSet
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := findOrg(ctx, tx, actor, committeeID)
		if err != nil {
			return err
		}
		if !c.IsCommittee() {
			return app.Errorf(app.EINVALID, "积分规则只能由市、县(区)政协设置")
		}
		var before *DutyRuleSet
		if id != 0 {
			b, err := findDutyRuleSet(ctx, tx, actor, id)
			if err != nil {
				return err
			}
			if b.CommitteeID != committeeID {
				return app.NotFound("积分规则")
			}
			before = &b
		}
		acts, err := activityLabels(ctx, tx, committeeID)
		if err != nil {
			return err
		}
		errs := r.Validate(acts, meetingKindCodes())
		if len(errs) == 0 {
			sets, err := dutyRuleSets(ctx, tx, committeeID)
			if err != nil {
				return err
			}
			for _, s := range sets {
				if s.ID != id && s.Overlaps(r) {
					errs.Add("from_year", "年度与已有的"+yearsLabel(s.Rules)+"积分规则重叠")
					break
				}
			}
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		if r.RequiredMeetings == nil {
			r.RequiredMeetings = []string{}
		}
		raw, err := json.Marshal(r)
		if err != nil {
			return app.Internal(err, "encode duty rules")
		}
		action, summary := "duty_rules_update", fmt.Sprintf("修改%s%s的履职积分规则（%d条）", c.Name, yearsLabel(r), len(r.Rules))
		if id == 0 {
			action, summary = "duty_rules_create", fmt.Sprintf("设置%s%s的履职积分规则（%d条）", c.Name, yearsLabel(r), len(r.Rules))
			if err := tx.QueryRowContext(ctx, `INSERT INTO duty_rules (committee_id, from_year, to_year, rules_json, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, committeeID, r.FromYear, r.ToYear, string(raw), actor.AccountID,
				tx.Now).Scan(&id); err != nil {
				return app.Internal(err, "save duty rules")
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE duty_rules SET from_year = $2, to_year = $3, rules_json = $4,
			updated_by = $5, updated_at = $6 WHERE id = $1`, id, r.FromYear, r.ToYear, string(raw), actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "save duty rules")
		}
		saved = DutyRuleSet{ID: id, CommitteeID: committeeID, Rules: r, UpdatedAt: tx.Now}
		var b any
		if before != nil {
			b = before.Rules
		}
		return tx.Audit(ctx, actor, Change{Action: action, Entity: "duty_rules", EntityID: id, Committee: committeeID,
			OrgPath: c.Path, Summary: summary, Before: b, After: r})
	})
	return saved, err
}

// DeleteDutyRules removes a stored rule set: its years score by the
// default rules again. Audited.
func (db *DB) DeleteDutyRules(ctx context.Context, actor app.Actor, id int64) error {
	if !canWriteDutyRules(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能修改积分规则")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		s, err := findDutyRuleSet(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := findOrg(ctx, tx, actor, s.CommitteeID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM duty_rules WHERE id = $1`, id); err != nil {
			return app.Internal(err, "delete duty rules")
		}
		return tx.Audit(ctx, actor, Change{Action: "duty_rules_delete", Entity: "duty_rules", EntityID: id,
			Committee: s.CommitteeID, OrgPath: c.Path, Summary: fmt.Sprintf("删除%s%s的履职积分规则", c.Name, yearsLabel(s.Rules)),
			Before: s.Rules})
	})
}
