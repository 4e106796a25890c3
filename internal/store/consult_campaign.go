package store

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
)

// Topic collection (议题征集): campaigns of an organisation open for a window,
// and the suggestions they collect — topics with campaign_id set, in the
// committee graph's initial state. Members, grassroots rooms' coordinators
// and the office (for departments) submit signed in; the public submits on
// the campaign's page without login (SubmitPublicSuggestion), counted per
// address (a keyed hash) and per campaign over the last hour in the
// database, so several nodes agree on the limits.

// Campaign is a topic-collection campaign.
type Campaign struct {
	ID          int64    `json:"id"`
	OrgID       int64    `json:"org_id"`
	OrgName     string   `json:"org_name"`
	CommitteeID int64    `json:"committee_id"`
	Committee   string   `json:"committee"`
	Year        int      `json:"year"`
	Title       string   `json:"title"`
	Intro       string   `json:"intro"`
	OpensOn     app.Date `json:"opens_on"`
	ClosesOn    app.Date `json:"closes_on"`
	Public      bool     `json:"public"`
	Suggestions int      `json:"suggestions"` // topics collected by the campaign, in any state
	Open        bool     `json:"open"`        // today lies in the window
	Window      string   `json:"window"`      // why not, in Chinese, when closed

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	path string
}

// Input is the campaign's fields.
func (c Campaign) Input() consult.Campaign {
	return consult.Campaign{OrgID: c.OrgID, Year: c.Year, Title: c.Title, Intro: c.Intro, OpensOn: c.OpensOn,
		ClosesOn: c.ClosesOn, Public: c.Public}
}

const campaignColumns = `c.id, c.org_id, o.name, c.committee_id, COALESCE(NULLIF(co.short_name, ''), co.name), c.year,
	c.title, c.intro, c.opens_on, c.closes_on, c.public, (SELECT COUNT(*) FROM topic t WHERE t.campaign_id = c.id),
	c.created_at, c.updated_at, o.path`

const campaignFrom = ` FROM campaign c JOIN org o ON o.id = c.org_id JOIN org co ON co.id = c.committee_id`

func (db *DB) scanCampaign(s scanner, c *Campaign) error {
	var opens, closes string
	err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.CommitteeID, &c.Committee, &c.Year, &c.Title, &c.Intro, &opens,
		&closes, &c.Public, &c.Suggestions, &c.CreatedAt, &c.UpdatedAt, &c.path)
	if err != nil {
		return err
	}
	c.OpensOn, _ = app.ParseDate(opens)
	c.ClosesOn, _ = app.ParseDate(closes)
	c.Open, c.Window = c.Input().Window(db.Today())
	return nil
}

func (db *DB) findCampaign(ctx context.Context, q querier, path string, id int64, lock string) (Campaign, error) {
	var c Campaign
	err := db.scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+campaignFrom+`
		WHERE c.id = $1 AND o.path LIKE $2 || '%'`+lock, id, path), &c)
	return c, notFound(err, "议题征集活动", "find campaign")
}

// campaignScope: a campaign of the actor's subtree or of an organisation
// above it (a village room's coordinator answers its county's campaign).
const campaignScope = `(o.path LIKE $1 || '%' OR $1 LIKE o.path || '%')`

// FindCampaignByID reads a campaign of the actor's subtree or of an
// organisation above it.
func (db *DB) FindCampaignByID(ctx context.Context, actor app.Actor, id int64) (Campaign, error) {
	var c Campaign
	err := db.scanCampaign(db.read.QueryRowContext(ctx, `SELECT `+campaignColumns+campaignFrom+`
		WHERE `+campaignScope+` AND c.id = $2`, actor.Path, id), &c)
	return c, notFound(err, "议题征集活动", "find campaign")
}

// Manages reports whether the actor's subtree holds the campaign (its
// office screens the suggestions and edits it).
func (c Campaign) Manages(actor app.Actor) bool { return actor.Sees(c.path) }

// FindPublicCampaign reads a public campaign for the page without login;
// one that is not public is not found.
func (db *DB) FindPublicCampaign(ctx context.Context, id int64) (Campaign, error) {
	c, err := db.findCampaign(ctx, db.read, "/", id, "")
	if err == nil && !c.Public {
		return Campaign{}, app.NotFound("议题征集活动")
	}
	return c, err
}

// FindCampaigns lists the campaigns of the actor's subtree and of the
// organisations above it (one year, or all with 0), newest first.
func (db *DB) FindCampaigns(ctx context.Context, actor app.Actor, year int) ([]Campaign, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+campaignColumns+campaignFrom+`
		WHERE `+campaignScope+` AND ($2 = 0 OR c.year = $2) ORDER BY c.opens_on DESC, c.id DESC`, actor.Path, year)
	if err != nil {
		return nil, app.Internal(err, "find campaigns")
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		var c Campaign
		if err := db.scanCampaign(rows, &c); err != nil {
			return nil, app.Internal(err, "find campaigns")
		}
		out = append(out, c)
	}
	return out, app.Internal(rows.Err(), "find campaigns")
}

// CreateCampaign opens a campaign at an organisation of the actor's subtree.
func (db *DB) CreateCampaign(ctx context.Context, actor app.Actor, in consult.Campaign) (Campaign, error) {
	if !canRunConsultation(actor) {
		return Campaign{}, app.Errorf(app.EFORBIDDEN, "当前账号不能发起议题征集")
	}
	in.Normalize()
	if errs := in.Validate(); len(errs) > 0 {
		return Campaign{}, errs.Err()
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, in.OrgID)
		if err != nil {
			var errs app.FieldErrors
			errs.Add("org_id", "所选组织不存在或不在本账号管辖范围内")
			return errs.Err()
		}
		if o.Archived {
			return app.Errorf(app.EINVALID, "%s已撤销，不能发起议题征集", o.Name)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaign (org_id, committee_id, year, title, intro, opens_on,
			closes_on, public, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			o.ID, o.CommitteeID, in.Year, in.Title, in.Intro, in.OpensOn.String(), in.ClosesOn.String(), in.Public,
			tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "create campaign")
		}
		return tx.Audit(ctx, actor, Change{Action: "campaign_create", Entity: "campaign", EntityID: id,
			Committee: o.CommitteeID, OrgPath: o.Path, Summary: fmt.Sprintf("%s发起议题征集“%s”（%s至%s）", o.Name, in.Title,
				in.OpensOn, in.ClosesOn), After: in})
	})
	if err != nil {
		return Campaign{}, err
	}
	return db.FindCampaignByID(ctx, actor, id)
}

// UpdateCampaign changes a campaign's title, introduction, window and
// public flag (not its organisation or year).
func (db *DB) UpdateCampaign(ctx context.Context, actor app.Actor, id int64, in consult.Campaign) (Campaign, error) {
	if !canRunConsultation(actor) {
		return Campaign{}, app.Errorf(app.EFORBIDDEN, "当前账号不能修改议题征集")
	}
	in.Normalize()
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := db.findCampaign(ctx, tx, actor.Path, id, tx.db.Dialect.forUpdateOf("c"))
		if err != nil {
			return err
		}
		in.OrgID, in.Year = c.OrgID, c.Year
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaign SET title = $2, intro = $3, opens_on = $4, closes_on = $5,
			public = $6, updated_at = $7 WHERE id = $1`, id, in.Title, in.Intro, in.OpensOn.String(), in.ClosesOn.String(),
			in.Public, tx.Now); err != nil {
			return app.Internal(err, "update campaign")
		}
		return tx.Audit(ctx, actor, Change{Action: "campaign_update", Entity: "campaign", EntityID: id,
			Committee: c.CommitteeID, OrgPath: c.path, Summary: fmt.Sprintf("修改议题征集“%s”（%s至%s）", in.Title,
				in.OpensOn, in.ClosesOn), Before: c.Input(), After: in})
	})
	if err != nil {
		return Campaign{}, err
	}
	return db.FindCampaignByID(ctx, actor, id)
}

// SubmitSuggestion records a suggestion to a campaign by a signed-in
// account: a member's own (source member), a grassroots room's coordinator's
// (source room), or one the office enters for a department (source
// department with the department's name; the office may also record other
// sources). Members and coordinators submit within the window; the office
// may record late ones.
func (db *DB) SubmitSuggestion(ctx context.Context, actor app.Actor, campaignID int64, in consult.TopicInput) (Topic, error) {
	c, err := db.FindCampaignByID(ctx, actor, campaignID)
	if err != nil {
		return Topic{}, err
	}
	in.Normalize()
	// The suggestion lives at the campaign's organisation, or, for a
	// campaign above the actor's subtree, at the actor's own.
	in.OrgID, in.Year, in.CampaignID = c.OrgID, c.Year, c.ID
	if !c.Manages(actor) {
		in.OrgID = actor.OrgID
	}
	in.PlannedMonth, in.LeadCommitteeID, in.RoomID = 0, 0, 0
	switch {
	case isMemberAccount(actor):
		in.Source = consult.FromMember // CreateTopic sets the member
	case canRunConsultation(actor):
		if in.Source == "" {
			in.Source = consult.FromDepartment
		}
		if in.Source == consult.FromDepartment && in.SourceName == "" {
			var errs app.FieldErrors
			errs.Add("source_name", "请填写提出建议的部门名称")
			return Topic{}, errs.Err()
		}
	case canRaiseTopics(actor):
		in.Source = consult.FromRoom
		if in.SourceName == "" {
			in.SourceName = actor.Name
		}
	default:
		return Topic{}, app.Errorf(app.EFORBIDDEN, "当前账号不能提出议题建议")
	}
	if !c.Open && !canRunConsultation(actor) {
		return Topic{}, app.Errorf(app.ECONFLICT, "%s", c.Window)
	}
	return db.CreateTopic(ctx, actor, in)
}

// publicActor is who the audit log names for a suggestion from the public page.
var publicActor = app.Actor{Name: "公众（公开征集页面）", Path: "/"}

// SubmitPublicSuggestion records a suggestion from the public page of a
// public campaign: within its window; at most consult.PublicPerAddressPerHour
// from one address (addrHash, a keyed hash) and consult.PublicPerCampaignPerHour
// to the campaign in the last hour; the same title or content from the same
// address to the same campaign once. Errors: ENOTFOUND for a campaign that is
// not public, ECONFLICT outside the window or for a duplicate, ETHROTTLED over
// a limit, field errors for the content.
func (db *DB) SubmitPublicSuggestion(ctx context.Context, campaignID int64, s consult.Suggestion, addrHash string) (int64, error) {
	s.Normalize()
	if errs := s.Validate(); len(errs) > 0 {
		return 0, errs.Err()
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		// The campaign's row lock makes the counts of one campaign exact.
		c, err := db.findCampaign(ctx, tx, "/", campaignID, tx.db.Dialect.forUpdateOf("c"))
		if err != nil {
			return err
		}
		if !c.Public {
			return app.NotFound("议题征集活动")
		}
		if !c.Open {
			return app.Errorf(app.ECONFLICT, "%s", c.Window)
		}
		since := tx.Now.Add(-time.Hour)
		var fromAddr, toCampaign, dup int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM topic WHERE source_ip_hash = $1 AND created_at > $2),
			(SELECT COUNT(*) FROM topic WHERE campaign_id = $3 AND source = 'public' AND created_at > $2),
			(SELECT COUNT(*) FROM topic WHERE campaign_id = $3 AND source_ip_hash = $1 AND (title = $4 OR description = $5))`,
			addrHash, since, c.ID, s.Title, s.Content).Scan(&fromAddr, &toCampaign, &dup); err != nil {
			return app.Internal(err, "public suggestion: limits")
		}
		switch {
		case fromAddr >= consult.PublicPerAddressPerHour:
			return app.Errorf(app.ETHROTTLED, "同一网络地址每小时最多提交%d条建议，请稍后再试", consult.PublicPerAddressPerHour)
		case toCampaign >= consult.PublicPerCampaignPerHour:
			return app.Errorf(app.ETHROTTLED, "当前提交的建议较多，请稍后再试")
		case dup > 0:
			return app.Errorf(app.ECONFLICT, "您已提交过相同的建议，无需重复提交")
		}
		in := consult.TopicInput{OrgID: c.OrgID, Year: c.Year, Title: s.Title, Description: s.Content,
			Source: consult.FromPublic, SourceName: s.Name, SourcePhone: s.Phone, CampaignID: c.ID}
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		if id, err = tx.createTopic(ctx, publicActor, in, 0, 0); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE topic SET source_ip_hash = $2 WHERE id = $1`, id, addrHash)
		return app.Internal(err, "public suggestion: address")
	})
	return id, err
}

// PublicTopic is a selected topic as the public list shows it: no personal data.
type PublicTopic struct {
	Title string       `json:"title"`
	Form  consult.Form `json:"form"`
	Month int          `json:"month"`
}

// FindSelectedPublic lists what a public campaign's suggestions became:
// the topics selected (in any later state), by planned month.
func (db *DB) FindSelectedPublic(ctx context.Context, campaignID int64) ([]PublicTopic, error) {
	if _, err := db.FindPublicCampaign(ctx, campaignID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT title, form, planned_month FROM topic WHERE campaign_id = $1
		AND state NOT IN ($2, $3, $4) ORDER BY planned_month = 0, planned_month, id`, campaignID,
		consult.Collected, consult.Declined, consult.Escalated)
	if err != nil {
		return nil, app.Internal(err, "selected topics")
	}
	defer rows.Close()
	var out []PublicTopic
	for rows.Next() {
		var t PublicTopic
		if err := rows.Scan(&t.Title, &t.Form, &t.Month); err != nil {
			return nil, app.Internal(err, "selected topics")
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "selected topics")
}
