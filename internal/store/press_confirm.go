package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

// PressConfirmInput is what the office confirms for an item: the proposal
// as it stands after its edits.
type PressConfirmInput struct {
	OrgID     int64            `json:"org_id"`
	Kind      string           `json:"kind"` // an activity kind's code
	Title     string           `json:"title"`
	StartsOn  app.Date         `json:"starts_on"`
	Figures   []ActivityFigure `json:"figures"`
	Organiser string           `json:"organiser"` // the byline
}

// PressProposal is the record an item would make.
type PressProposal struct {
	Input    PressConfirmInput
	OrgName  string // the matched organisation's name
	OrgFound bool   // the printed organisation matched one of the tree
	// Meeting is the committee's meeting the item's numbering names:
	// confirming links the item to it instead of making an activity.
	Meeting *meeting.Meeting
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// ProposePressItems proposes a record for each item: the organisation
// matched by name (MatchPressOrg), the activity kind for the item's kind
// when the committee uses it (else 其他履职活动), the title, date, figures
// and byline as printed, and the meeting its numbering names.
func (db *DB) ProposePressItems(ctx context.Context, actor app.Actor, items []PressItem) ([]PressProposal, error) {
	out := make([]PressProposal, len(items))
	kinds := map[int64]map[string]bool{}
	live := func(committeeID int64) (map[string]bool, error) {
		if k, ok := kinds[committeeID]; ok {
			return k, nil
		}
		list, err := activityKindList(ctx, db.read, committeeID)
		if err != nil {
			return nil, err
		}
		m := map[string]bool{}
		for _, k := range list {
			m[k.Code] = !k.Archived
		}
		kinds[committeeID] = m
		return m, nil
	}
	for i, it := range items {
		a := it.Article
		p := PressProposal{Input: PressConfirmInput{Title: clip(strings.TrimSpace(a.Title), 100),
			Organiser: clip(strings.Join(a.Byline, "、"), 100)}}
		committeeID := actor.CommitteeID
		o, err := db.MatchPressOrg(ctx, actor, a.Org)
		switch {
		case err == nil:
			p.Input.OrgID, p.OrgName, p.OrgFound, committeeID = o.ID, o.Name, true, o.CommitteeID
		case app.ErrorCode(err) != app.ENOTFOUND:
			return nil, err
		}
		if a.Date != nil {
			if d, err := app.ParseDate(*a.Date); err == nil {
				p.Input.StartsOn = d
			}
		}
		for _, f := range PressFigureOrder {
			if v, ok := a.Figures[f.Key]; ok {
				p.Input.Figures = append(p.Input.Figures, ActivityFigure{Name: f.Name, Value: int(min(max(v, 0), 1<<31-1))})
			}
		}
		if committeeID != 0 {
			k, err := live(committeeID)
			if err != nil {
				return nil, err
			}
			switch code := pressActivityKinds[a.Kind]; {
			case k[code]:
				p.Input.Kind = code
			case k["other"]:
				p.Input.Kind = "other"
			}
		}
		if p.OrgFound {
			m, ok, err := findPressMeeting(ctx, db.read, committeeID, a.MeetingRef)
			if err != nil {
				return nil, err
			}
			if ok {
				p.Meeting = &m
			}
		}
		out[i] = p
	}
	return out, nil
}

// pressSummary is the activity's 活动情况: the meeting's numbering when
// printed, the election results stated, then the item's text (clipped to
// the activity's limit).
func pressSummary(it PressItem) string {
	var b strings.Builder
	if m := it.Article.Meeting; m != nil && *m != "" {
		b.WriteString("会议届次：" + *m + "\n")
	}
	if len(it.Article.Elected) > 0 {
		var ss []string
		for _, e := range it.Article.Elected {
			if e.Name != "" {
				ss = append(ss, e.Name+"当选"+e.Office)
			} else {
				ss = append(ss, fmt.Sprintf("%d人当选%s", e.Count, e.Office))
			}
		}
		b.WriteString("选举结果：" + strings.Join(ss, "，") + "\n")
	}
	b.WriteString("来源：" + it.SourceLabel() + "\n")
	text := it.Article.Text
	if left := 5000 - utf8.RuneCountInString(b.String()); utf8.RuneCountInString(text) > left {
		text = clip(text, left-1) + "…"
	}
	b.WriteString(text)
	return b.String()
}

// ConfirmPressItem makes an item's record in one transaction: it links the
// item to the meeting of the chosen organisation's committee its numbering
// names, or records a 履职活动 (kind, title, date, figures, byline as
// organiser, the text as summary; no participants). The item must not be
// confirmed already, nor its text confirmed before for that committee
// (ECONFLICT); the fields are checked as an activity's (EINVALID with
// fields org_id, kind, title, starts_on, figures, organiser).
func (db *DB) ConfirmPressItem(ctx context.Context, actor app.Actor, id int64, in PressConfirmInput) (PressItem, error) {
	var out PressItem
	err := db.InTx(ctx, func(tx *Tx) error {
		it, _, err := findPressItem(ctx, tx, actor, id, tx.db.Dialect.forUpdateOf("i"))
		if err != nil {
			return err
		}
		if it.State == PressConfirmed {
			return app.Errorf(app.ECONFLICT, "第%d条已导入", it.Seq)
		}
		ain := ActivityInput{OrgID: in.OrgID, Kind: in.Kind, Title: in.Title, StartsOn: in.StartsOn, Figures: in.Figures,
			Organiser: in.Organiser, Summary: pressSummary(it)}
		ain.Normalize()
		today := db.Today()
		if in.OrgID == 0 {
			errs := ain.Validate(today)
			errs.Add("org_id", "未找到组织，请选择")
			return errs.Err()
		}
		o, err := findOrg(ctx, tx, actor, in.OrgID)
		if err != nil {
			if app.ErrorCode(err) != app.ENOTFOUND {
				return err
			}
			errs := ain.Validate(today)
			errs.Add("org_id", "请选择本账号管辖范围内的组织")
			return errs.Err()
		}
		var done PressRecord
		err = tx.QueryRowContext(ctx, `SELECT record_kind, record_id FROM press_item WHERE committee_id = $1 AND text_hash = $2
			AND state = 'confirmed'`, o.CommitteeID, it.TextHash).Scan(&done.Kind, &done.ID)
		switch {
		case err == nil:
			return app.Errorf(app.ECONFLICT, "第%d条已导入为%s（编号%d），不再重复导入", it.Seq, done.Label(), done.ID)
		case !errors.Is(err, sql.ErrNoRows):
			return app.Internal(err, "find confirmed press item")
		}
		m, linked, err := findPressMeeting(ctx, tx, o.CommitteeID, it.Article.MeetingRef)
		if err != nil {
			return err
		}
		var rec PressRecord
		if linked {
			rec = PressRecord{Kind: PressRecordMeeting, ID: m.ID}
		} else {
			a, err := tx.createActivity(ctx, actor, ain, today)
			if err != nil {
				return err
			}
			rec = PressRecord{Kind: PressRecordActivity, ID: a.ID}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE press_item SET state = 'confirmed', committee_id = $2, record_kind = $3,
			record_id = $4, decided_by = $5, decided_at = $6 WHERE id = $1`, id, o.CommitteeID, rec.Kind, rec.ID,
			actor.AccountID, tx.Now); err != nil {
			if isUniqueViolation(err) {
				return app.Errorf(app.ECONFLICT, "第%d条已导入，不再重复导入", it.Seq)
			}
			return app.Internal(err, "confirm press item")
		}
		if out, _, err = findPressItem(ctx, tx, app.System, id, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "confirm", Entity: "press_item", EntityID: id, Committee: o.CommitteeID,
			OrgPath: o.Path, Summary: fmt.Sprintf("报纸稿件导入：%s → %s %d", it.SourceLabel(), rec.Label(), rec.ID),
			After: out})
	})
	return out, err
}

// SkipPressItem marks a pending item skipped (skip) or a skipped one
// pending again; a confirmed item answers ECONFLICT.
func (db *DB) SkipPressItem(ctx context.Context, actor app.Actor, id int64, skip bool) (PressItem, error) {
	var out PressItem
	err := db.InTx(ctx, func(tx *Tx) error {
		it, path, err := findPressItem(ctx, tx, actor, id, tx.db.Dialect.forUpdateOf("i"))
		if err != nil {
			return err
		}
		if it.State == PressConfirmed {
			return app.Errorf(app.ECONFLICT, "第%d条已导入，不能跳过", it.Seq)
		}
		state, what := PressPending, "恢复"
		if skip {
			state, what = PressSkipped, "跳过"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE press_item SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1`,
			id, state, actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "skip press item")
		}
		out = it
		out.State = state
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "press_item", EntityID: id, Committee: it.CommitteeID,
			OrgPath: path, Summary: fmt.Sprintf("报纸稿件导入：%s %s", what, it.SourceLabel())})
	})
	return out, err
}

// releasePressRecord returns the item a deleted record came from to
// pending, so that it may be imported again.
func (tx *Tx) releasePressRecord(ctx context.Context, kind string, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE press_item SET state = 'pending', record_kind = '', record_id = 0,
		decided_by = 0, decided_at = NULL WHERE record_kind = $1 AND record_id = $2`, kind, id); err != nil {
		return app.Internal(err, "release press item")
	}
	return nil
}
