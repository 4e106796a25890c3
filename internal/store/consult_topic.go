package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/workflow"
)

// Consultation topics (协商议题). A topic lives at its organisation's tier
// (city, county, township or village) and moves through its committee's
// state graph (consult_graph.go) by AdvanceTopic, which checks the graph,
// the role, and the transition's requirements, and records the step. A
// lower tier escalates a topic to an upper organisation (the "target"
// requirement creates the linked upper topic); an upper tier pushes a topic
// down to named lower organisations (PushDownTopic), whose progress rolls
// up into the parent's.
//
// Scope: an account reads and changes the topics of its subtree. A topic's
// links across tiers (the upper topic it was escalated to, the parent it was
// pushed down from) are shown as summaries even when outside the subtree,
// so a village sees what became of what it raised.

// Topic is one consultation topic.
type Topic struct {
	ID              int64          `json:"id"`
	OrgID           int64          `json:"org_id"`
	OrgName         string         `json:"org_name"`
	OrgKind         string         `json:"org_kind"`
	CommitteeID     int64          `json:"committee_id"`
	Year            int            `json:"year"`
	Title           string         `json:"title"`
	Description     string         `json:"description"`
	Form            consult.Form   `json:"form"`
	LeadCommitteeID int64          `json:"lead_committee_id,omitempty"`
	LeadCommittee   string         `json:"lead_committee,omitempty"`
	PlannedMonth    int            `json:"planned_month,omitempty"`
	Source          consult.Source `json:"source"`
	SourceName      string         `json:"source_name,omitempty"`
	SourcePhone     string         `json:"source_phone,omitempty"`
	SourceMemberID  int64          `json:"source_member_id,omitempty"`
	CampaignID      int64          `json:"campaign_id,omitempty"`
	PlanID          int64          `json:"plan_id,omitempty"`
	RoomID          int64          `json:"room_id,omitempty"`
	MeetingID       int64          `json:"meeting_id,omitempty"`
	OriginID        int64          `json:"origin_id,omitempty"` // escalated from
	ParentID        int64          `json:"parent_id,omitempty"` // pushed down from
	State           string         `json:"state"`
	StateLabel      string         `json:"state_label"`
	StateSince      time.Time      `json:"state_since"`
	Due             time.Time      `json:"due,omitzero"` // when the current step becomes overdue
	Overdue         bool           `json:"overdue"`
	Progress        int            `json:"progress"` // own, or the mean of pushed-down children
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`

	path string
}

// TopicLink is a topic on another tier, as a summary.
type TopicLink struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Title      string `json:"title"`
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
	Progress   int    `json:"progress"`
	Overdue    bool   `json:"overdue"`
	Visible    bool   `json:"visible"` // in the reader's subtree: the title links to it
}

// TopicStep is one transition a topic took.
type TopicStep struct {
	ID        int64     `json:"id"`
	From      string    `json:"from"`
	FromLabel string    `json:"from_label"`
	To        string    `json:"to"`
	ToLabel   string    `json:"to_label"`
	Note      string    `json:"note"`
	AccountID int64     `json:"account_id"`
	Actor     string    `json:"actor"`
	At        time.Time `json:"at"`
}

// TopicLinks are a topic's links across tiers.
type TopicLinks struct {
	Origin   *TopicLink  `json:"origin,omitempty"`   // the lower topic it was escalated from
	Upper    *TopicLink  `json:"upper,omitempty"`    // the upper topic it was escalated to
	Parent   *TopicLink  `json:"parent,omitempty"`   // the upper topic it was pushed down from
	Children []TopicLink `json:"children,omitempty"` // pushed down to lower tiers
}

const topicColumns = `t.id, t.org_id, o.name, o.kind, t.committee_id, t.year, t.title, t.description, t.form,
	COALESCE(t.lead_committee_id, 0), COALESCE(sc.name, ''), t.planned_month, t.source, t.source_name, t.source_phone,
	COALESCE(t.source_member_id, 0), COALESCE(t.campaign_id, 0), COALESCE(t.plan_id, 0), COALESCE(t.room_id, 0),
	COALESCE(t.meeting_id, 0), COALESCE(t.origin_id, 0), COALESCE(t.parent_id, 0), t.state, t.state_since,
	t.created_at, t.updated_at, o.path`

const topicFrom = ` FROM topic t JOIN org o ON o.id = t.org_id
	LEFT JOIN special_committee sc ON sc.id = t.lead_committee_id`

// scanTopic reads a topic row, opening the sealed phone of its source.
func (db *DB) scanTopic(s scanner, t *Topic, extra ...any) error {
	if err := s.Scan(append([]any{&t.ID, &t.OrgID, &t.OrgName, &t.OrgKind, &t.CommitteeID, &t.Year, &t.Title,
		&t.Description, &t.Form, &t.LeadCommitteeID, &t.LeadCommittee, &t.PlannedMonth, &t.Source, &t.SourceName,
		&t.SourcePhone, &t.SourceMemberID, &t.CampaignID, &t.PlanID, &t.RoomID, &t.MeetingID, &t.OriginID,
		&t.ParentID, &t.State, &t.StateSince, &t.CreatedAt, &t.UpdatedAt, &t.path}, extra...)...); err != nil {
		return err
	}
	return db.openAll(colTopicSourcePhone, &t.SourcePhone)
}

// graphs caches the committees' topic graphs for one read or change.
type graphs map[int64]workflow.Graph

func (gs graphs) of(ctx context.Context, q querier, committeeID int64) (workflow.Graph, error) {
	return cachedGraph(ctx, q, gs, committeeID, GraphKindTopic)
}

// derive fills the state label, due date, overdue flag and own progress
// from the topic's committee graph. A topic selected for a planned month is
// not due before that month ends: the plan, not the selection date, sets
// when its work starts.
func (t *Topic) derive(g workflow.Graph, now time.Time, loc *time.Location) {
	t.StateLabel = g.Label(t.State)
	t.Due = g.Due(t.State, t.StateSince)
	if !t.Due.IsZero() && t.State == consult.Selected && t.PlannedMonth > 0 {
		monthEnd := time.Date(t.Year, time.Month(t.PlannedMonth)+1, 1, 0, 0, 0, 0, loc)
		if monthEnd.After(t.Due) {
			t.Due = monthEnd
		}
	}
	t.Overdue = !t.Due.IsZero() && now.After(t.Due)
	t.Progress = g.Progress(t.State)
}

// maskFor masks the suggester's phone for an actor without auth.MemberContact.
func (t *Topic) maskFor(actor app.Actor) {
	if t.SourcePhone != "" && !auth.Role(actor.Role).Can(auth.MemberContact) {
		t.SourcePhone = member.MaskPhone(t.SourcePhone)
	}
}

// canRunConsultation reports whether the actor runs consultation (office,
// admin) rather than only a grassroots room (coordinator).
func canRunConsultation(actor app.Actor) bool {
	return auth.Role(actor.Role).Can(auth.ConsultWrite)
}

// canRaiseTopics reports whether the actor may create and move topics in
// its subtree: the office, or a grassroots room's coordinator.
func canRaiseTopics(actor app.Actor) bool {
	return canRunConsultation(actor) || auth.Role(actor.Role).Can(auth.RoomWrite)
}

func (db *DB) findTopic(ctx context.Context, q querier, actor app.Actor, id int64) (Topic, error) {
	var t Topic
	err := db.scanTopic(q.QueryRowContext(ctx, `SELECT `+topicColumns+topicFrom+`
		WHERE t.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &t)
	return t, notFound(err, "议题", "find topic")
}

// lockTopicGraph locks a topic of the actor's subtree and reads its
// committee's graph, as every change of a topic needs both.
func (tx *Tx) lockTopicGraph(ctx context.Context, actor app.Actor, id int64) (Topic, workflow.Graph, error) {
	t, err := tx.lockTopic(ctx, actor, id)
	if err != nil {
		return t, workflow.Graph{}, err
	}
	g, _, err := readGraph(ctx, tx, t.CommitteeID, GraphKindTopic)
	return t, g, err
}

func (tx *Tx) lockTopic(ctx context.Context, actor app.Actor, id int64) (Topic, error) {
	var t Topic
	err := tx.db.scanTopic(tx.QueryRowContext(ctx, `SELECT `+topicColumns+topicFrom+`
		WHERE t.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("t"), id, actor.Path), &t)
	return t, notFound(err, "议题", "lock topic")
}

// FindTopicByID returns a topic in the actor's subtree with its progress
// rolled up from the topics pushed down from it.
func (db *DB) FindTopicByID(ctx context.Context, actor app.Actor, id int64) (Topic, error) {
	t, err := db.findTopic(ctx, db.read, actor, id)
	if err != nil {
		return t, err
	}
	gs := graphs{}
	g, err := gs.of(ctx, db.read, t.CommitteeID)
	if err != nil {
		return t, err
	}
	t.derive(g, db.Now(), db.Loc)
	t.maskFor(actor)
	children, err := db.topicChildren(ctx, actor, gs, id)
	if err != nil {
		return t, err
	}
	if len(children) > 0 {
		t.Progress = workflow.Rollup(t.Progress, progresses(children))
	}
	return t, db.upperProgress(ctx, actor, gs, &t)
}

// upperProgress gives an escalated topic the progress of the topic it
// became upstairs: a village's topic is as far along as the county's.
func (db *DB) upperProgress(ctx context.Context, actor app.Actor, gs graphs, t *Topic) error {
	if t.State != consult.Escalated {
		return nil
	}
	ups, err := db.topicLinks(ctx, actor, gs, `t.origin_id = $1`, t.ID)
	if err != nil || len(ups) == 0 {
		return err
	}
	t.Progress = ups[0].Progress
	return nil
}

func progresses(links []TopicLink) []int {
	out := make([]int, len(links))
	for i, l := range links {
		out[i] = l.Progress
	}
	return out
}

// FindTopicLinks returns the topic's links across tiers: where it came from
// and went to, and the topics pushed down from it with their progress.
func (db *DB) FindTopicLinks(ctx context.Context, actor app.Actor, id int64) (TopicLinks, error) {
	t, err := db.findTopic(ctx, db.read, actor, id)
	if err != nil {
		return TopicLinks{}, err
	}
	gs := graphs{}
	var links TopicLinks
	one := func(where string, arg int64) (*TopicLink, error) {
		ls, err := db.topicLinks(ctx, actor, gs, where, arg)
		if err != nil || len(ls) == 0 {
			return nil, err
		}
		return &ls[0], nil
	}
	if t.OriginID != 0 {
		if links.Origin, err = one(`t.id = $1`, t.OriginID); err != nil {
			return links, err
		}
	}
	if links.Upper, err = one(`t.origin_id = $1`, t.ID); err != nil {
		return links, err
	}
	if t.ParentID != 0 {
		if links.Parent, err = one(`t.id = $1`, t.ParentID); err != nil {
			return links, err
		}
	}
	links.Children, err = db.topicChildren(ctx, actor, gs, id)
	return links, err
}

func (db *DB) topicChildren(ctx context.Context, actor app.Actor, gs graphs, id int64) ([]TopicLink, error) {
	return db.topicLinks(ctx, actor, gs, `t.parent_id = $1`, id)
}

// topicLinks reads linked topics as summaries, whatever the reader's scope
// (the reader can see the topic they are linked to), with each child's own
// progress rolled up one level from its own children.
func (db *DB) topicLinks(ctx context.Context, actor app.Actor, gs graphs, where string, arg int64) ([]TopicLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.org_id, o.name, t.title, t.state, t.state_since, t.committee_id,
		o.path, (SELECT COUNT(*) FROM topic c WHERE c.parent_id = t.id)
		FROM topic t JOIN org o ON o.id = t.org_id WHERE `+where+` ORDER BY o.path, t.id`, arg)
	if err != nil {
		return nil, app.Internal(err, "topic links")
	}
	defer rows.Close()
	type row struct {
		link      TopicLink
		since     time.Time
		committee int64
		children  int
	}
	var rs []row
	for rows.Next() {
		var r row
		var path string
		if err := rows.Scan(&r.link.ID, &r.link.OrgID, &r.link.OrgName, &r.link.Title, &r.link.State, &r.since,
			&r.committee, &path, &r.children); err != nil {
			return nil, app.Internal(err, "topic links")
		}
		r.link.Visible = actor.Sees(path)
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "topic links")
	}
	rows.Close()
	out := make([]TopicLink, len(rs))
	now := db.Now()
	for i, r := range rs {
		g, err := gs.of(ctx, db.read, r.committee)
		if err != nil {
			return nil, err
		}
		l := r.link
		l.StateLabel, l.Progress, l.Overdue = g.Label(l.State), g.Progress(l.State), g.Overdue(l.State, r.since, now)
		if r.children > 0 {
			grand, err := db.topicLinks(ctx, actor, gs, `t.parent_id = $1`, l.ID)
			if err != nil {
				return nil, err
			}
			l.Progress = workflow.Rollup(l.Progress, progresses(grand))
		}
		out[i] = l
	}
	return out, nil
}

// TopicFilter narrows FindTopics.
type TopicFilter struct {
	OrgID      int64  // topics of this organisation's subtree (0: the actor's)
	Year       int    // 0: every year
	State      string // "" every state
	Form       consult.Form
	CampaignID int64
	PlanID     int64
	ParentID   int64
	Overdue    bool   // only topics whose current step is overdue
	Query      string // substring of the title
	Limit      int    // 0: 50
	Offset     int
}

// FindTopics lists topics in the actor's subtree, newest first, with the
// total matching.
func (db *DB) FindTopics(ctx context.Context, actor app.Actor, f TopicFilter) ([]Topic, int, error) {
	path := actor.Path
	if f.OrgID != 0 {
		o, err := findOrg(ctx, db.read, actor, f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		path = o.Path
	}
	where := []string{`o.path LIKE $1 || '%'`}
	args := []any{path}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Year != 0 {
		add(`t.year = ?`, f.Year)
	}
	if f.State != "" {
		add(`t.state = ?`, f.State)
	}
	if f.Form != "" {
		add(`t.form = ?`, string(f.Form))
	}
	if f.CampaignID != 0 {
		add(`t.campaign_id = ?`, f.CampaignID)
	}
	if f.PlanID != 0 {
		add(`t.plan_id = ?`, f.PlanID)
	}
	if f.ParentID != 0 {
		add(`t.parent_id = ?`, f.ParentID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add(`t.title LIKE '%' || ? || '%' ESCAPE '\'`, likeEscape(q))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	query := `SELECT ` + topicColumns + topicFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY t.year DESC, t.planned_month, t.id DESC`
	if !f.Overdue { // overdue is decided by the graph in Go: then every match is read
		query += fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find topics")
	}
	defer rows.Close()
	var all []Topic
	for rows.Next() {
		var t Topic
		if err := db.scanTopic(rows, &t); err != nil {
			return nil, 0, app.Internal(err, "find topics")
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find topics")
	}
	rows.Close()
	gs, now := graphs{}, db.Now()
	kept := all[:0]
	for _, t := range all {
		g, err := gs.of(ctx, db.read, t.CommitteeID)
		if err != nil {
			return nil, 0, err
		}
		t.derive(g, now, db.Loc)
		t.maskFor(actor)
		if f.Overdue && !t.Overdue {
			continue
		}
		kept = append(kept, t)
	}
	total := len(kept)
	if !f.Overdue {
		// The page came from the database. The total without the overdue
		// filter comes from a count, without the lead committee's join (at
		// most one row a topic): the count is then read from the indexes
		// alone (27 → 2 ms for 20,000 topics).
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM topic t JOIN org o ON o.id = t.org_id WHERE `+
			strings.Join(where, " AND "), args...).Scan(&total); err != nil {
			return nil, 0, app.Internal(err, "count topics")
		}
	} else {
		kept = kept[min(max(f.Offset, 0), len(kept)):]
		kept = kept[:min(limit, len(kept))]
	}
	// The progress rolled up from lower tiers, for the page's topics only
	// (queries per topic: 2,700 overdue topics of a province took seconds).
	for i := range kept {
		if err := db.upperProgress(ctx, actor, gs, &kept[i]); err != nil {
			return nil, 0, err
		}
	}
	if len(kept) == 0 {
		return nil, total, nil
	}
	return kept, total, nil
}

// FindTopicSteps lists a topic's steps, oldest first.
func (db *DB) FindTopicSteps(ctx context.Context, actor app.Actor, id int64) ([]TopicStep, error) {
	t, err := db.findTopic(ctx, db.read, actor, id)
	if err != nil {
		return nil, err
	}
	g, _, err := readGraph(ctx, db.read, t.CommitteeID, GraphKindTopic)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, from_state, to_state, note, account_id, actor, at
		FROM topic_step WHERE topic_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, app.Internal(err, "topic steps")
	}
	defer rows.Close()
	var out []TopicStep
	for rows.Next() {
		var s TopicStep
		if err := rows.Scan(&s.ID, &s.From, &s.To, &s.Note, &s.AccountID, &s.Actor, &s.At); err != nil {
			return nil, app.Internal(err, "topic steps")
		}
		s.FromLabel, s.ToLabel = g.Label(s.From), g.Label(s.To)
		if s.From == "" {
			s.FromLabel = ""
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "topic steps")
}

// CreateTopic creates a topic at an organisation of the actor's subtree in
// its committee graph's initial state. The office and coordinators create
// topics of any source; a member's own account only its own suggestion
// (source member, itself as the member).
func (db *DB) CreateTopic(ctx context.Context, actor app.Actor, in consult.TopicInput) (Topic, error) {
	in.Normalize()
	if isMemberAccount(actor) {
		in.Source, in.SourceMemberID = consult.FromMember, actor.MemberID
	} else if !canRaiseTopics(actor) {
		return Topic{}, app.Errorf(app.EFORBIDDEN, "当前账号不能提出议题")
	}
	if errs := in.Validate(); len(errs) > 0 {
		return Topic{}, errs.Err()
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.createTopic(ctx, actor, in, 0, 0)
		return err
	})
	if err != nil {
		return Topic{}, err
	}
	return db.FindTopicByID(ctx, actor, id)
}

// createTopic inserts a topic (origin or parent set for a linked topic,
// whose organisation may lie outside the actor's subtree) and its first
// step, with its audit row.
func (tx *Tx) createTopic(ctx context.Context, actor app.Actor, in consult.TopicInput, originID, parentID int64) (int64, error) {
	scope := actor
	if originID != 0 || parentID != 0 {
		scope = app.System // the link was checked by the caller
	}
	o, err := findOrg(ctx, tx, scope, in.OrgID)
	if err != nil {
		var errs app.FieldErrors
		errs.Add("org_id", "所选组织不存在或不在本账号管辖范围内")
		return 0, errs.Err()
	}
	if o.Archived {
		return 0, app.Errorf(app.EINVALID, "%s已撤销，不能再提出议题", o.Name)
	}
	if err := tx.checkTopicRefs(ctx, o.CommitteeID, in); err != nil {
		return 0, err
	}
	if in.RoomID, err = tx.topicRoom(ctx, o, in); err != nil {
		return 0, err
	}
	g, _, err := readGraph(ctx, tx, o.CommitteeID, GraphKindTopic)
	if err != nil {
		return 0, err
	}
	state := g.Initial
	if parentID != 0 { // pushed down: the lower tier runs it from selection on
		if _, ok := g.State(consult.Selected); ok {
			state = consult.Selected
		}
	}
	sourcePhone, err := tx.db.seal(colTopicSourcePhone, in.SourcePhone)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO topic (org_id, committee_id, year, title, description, form,
		lead_committee_id, planned_month, source, source_name, source_phone, source_member_id, campaign_id, room_id,
		state, state_since, origin_id, parent_id, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $16, $16)
		RETURNING id`, o.ID, o.CommitteeID, in.Year, in.Title, in.Description, string(in.Form),
		nullInt(in.LeadCommitteeID), in.PlannedMonth, string(in.Source), in.SourceName, sourcePhone,
		nullInt(in.SourceMemberID), nullInt(in.CampaignID), nullInt(in.RoomID), state, tx.Now, nullInt(originID),
		nullInt(parentID), actor.AccountID).Scan(&id); err != nil {
		return 0, app.Internal(err, "create topic")
	}
	note := in.Source.Label()
	if in.SourceName != "" {
		note += "：" + in.SourceName
	}
	if err := tx.topicStep(ctx, actor, id, "", state, note); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, actor, Change{Action: "topic_create", Entity: "topic", EntityID: id,
		Committee: o.CommitteeID, OrgPath: o.Path, Summary: fmt.Sprintf("%s提出议题“%s”（%s）", o.Name, in.Title, note),
		After: in})
}

// topicRoom checks the grassroots room a topic names: registered at the
// topic's organisation or above it, or serving it. A topic from a room that
// names none is linked to the one active room serving its organisation,
// when there is exactly one.
func (tx *Tx) topicRoom(ctx context.Context, o org.Org, in consult.TopicInput) (int64, error) {
	const serving = `SELECT r.id FROM room r JOIN org ro ON ro.id = r.org_id
		WHERE r.archived = FALSE AND (r.org_id = $1 OR EXISTS (SELECT 1 FROM room_village rv WHERE rv.room_id = r.id AND rv.village_id = $1)`
	if in.RoomID == 0 {
		if in.Source != consult.FromRoom {
			return 0, nil
		}
		rows, err := tx.QueryContext(ctx, serving+`)`, o.ID)
		if err != nil {
			return 0, app.Internal(err, "topic room")
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return 0, app.Internal(err, "topic room")
			}
			ids = append(ids, id)
		}
		if len(ids) == 1 {
			return ids[0], rows.Err()
		}
		return 0, rows.Err()
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM room r JOIN org ro ON ro.id = r.org_id WHERE r.id = $2
		AND ($3 LIKE ro.path || '%' OR EXISTS (SELECT 1 FROM room_village rv WHERE rv.room_id = r.id AND rv.village_id = $1))`,
		o.ID, in.RoomID, o.Path).Scan(&n); err != nil {
		return 0, app.Internal(err, "topic room")
	}
	if n == 0 {
		var errs app.FieldErrors
		errs.Add("room_id", "所选议事室不在议题所属组织或其上级，也不服务该组织")
		return 0, errs.Err()
	}
	return in.RoomID, nil
}

// checkTopicRefs checks that the special committee, member and campaign a
// topic names belong to its committee.
func (tx *Tx) checkTopicRefs(ctx context.Context, committeeID int64, in consult.TopicInput) error {
	var errs app.FieldErrors
	check := func(field, msg, query string, id int64) error {
		if id == 0 {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, query, id, committeeID).Scan(&n); err != nil {
			return app.Internal(err, "check topic references")
		}
		if n == 0 {
			errs.Add(field, msg)
		}
		return nil
	}
	for _, c := range []struct {
		field, msg, query string
		id                int64
	}{
		{"lead_committee_id", "牵头专门委员会不属于本政协", `SELECT COUNT(*) FROM special_committee WHERE id = $1 AND committee_id = $2`, in.LeadCommitteeID},
		{"source_member_id", "提出议题的委员不属于本政协", `SELECT COUNT(*) FROM member WHERE id = $1 AND committee_id = $2`, in.SourceMemberID},
		{"campaign_id", "议题征集活动不属于本政协", `SELECT COUNT(*) FROM campaign WHERE id = $1 AND committee_id = $2`, in.CampaignID},
	} {
		if err := check(c.field, c.msg, c.query, c.id); err != nil {
			return err
		}
	}
	return errs.Err()
}

func (tx *Tx) topicStep(ctx context.Context, actor app.Actor, topicID int64, from, to, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO topic_step (topic_id, from_state, to_state, note, account_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, topicID, from, to, note, actor.AccountID, actor.Name, tx.Now)
	return app.Internal(err, "topic step")
}

// UpdateTopic changes a topic's text and plan fields (not its state, source
// or tier). Closed and declined topics are not edited.
func (db *DB) UpdateTopic(ctx context.Context, actor app.Actor, id int64, in consult.TopicInput) (Topic, error) {
	if !canRaiseTopics(actor) {
		return Topic{}, app.Errorf(app.EFORBIDDEN, "当前账号不能修改议题")
	}
	in.Normalize()
	err := db.InTx(ctx, func(tx *Tx) error {
		t, g, err := tx.lockTopicGraph(ctx, actor, id)
		if err != nil {
			return err
		}
		if s, _ := g.State(t.State); s.Final {
			return app.Errorf(app.ECONFLICT, "议题已%s，不能再修改", g.Label(t.State))
		}
		in.OrgID, in.Source, in.SourceMemberID, in.CampaignID, in.RoomID = t.OrgID, t.Source, t.SourceMemberID, t.CampaignID, t.RoomID
		in.SourceName, in.SourcePhone = t.SourceName, t.SourcePhone
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		if err := tx.checkTopicRefs(ctx, t.CommitteeID, in); err != nil {
			return err
		}
		if in.Form != t.Form || in.PlannedMonth != t.PlannedMonth || in.LeadCommitteeID != t.LeadCommitteeID || in.Year != t.Year {
			var adopted int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM consult_plan WHERE id = $1 AND status = 'adopted'`,
				t.PlanID).Scan(&adopted); err != nil {
				return app.Internal(err, "update topic: plan")
			}
			if adopted > 0 { // an adopted plan changes only by a revision with its reason
				return app.Errorf(app.ECONFLICT, "议题已列入已通过的年度协商计划，协商形式、牵头专委会和计划月份请在计划页面修改并说明理由")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic SET year = $2, title = $3, description = $4, form = $5,
			lead_committee_id = $6, planned_month = $7, updated_at = $8 WHERE id = $1`, id, in.Year, in.Title,
			in.Description, string(in.Form), nullInt(in.LeadCommitteeID), in.PlannedMonth, tx.Now); err != nil {
			return app.Internal(err, "update topic")
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_update", Entity: "topic", EntityID: id,
			Committee: t.CommitteeID, OrgPath: t.path, Summary: fmt.Sprintf("修改议题“%s”", in.Title),
			Before: t, After: in})
	})
	if err != nil {
		return Topic{}, err
	}
	return db.FindTopicByID(ctx, actor, id)
}

// AdvanceInput is a transition a user takes.
type AdvanceInput struct {
	To          string `json:"to"`
	Note        string `json:"note"`
	TargetOrgID int64  `json:"target_org_id"` // escalation: the upper organisation
}

// topicRequirement checks one requirement code before a transition (and,
// for "target", does what it names). A failed check returns an error that
// says what is missing.
type topicRequirement func(ctx context.Context, tx *Tx, actor app.Actor, t Topic, in AdvanceInput) error

// topicRequirements are the checks behind consult.Requirements; a test
// keeps the two lists equal.
var topicRequirements = map[string]topicRequirement{
	consult.NeedReason: func(_ context.Context, _ *Tx, _ app.Actor, _ Topic, in AdvanceInput) error {
		if strings.TrimSpace(in.Note) == "" {
			var errs app.FieldErrors
			errs.Add("note", "请填写理由")
			return errs.Err()
		}
		return nil
	},
	consult.NeedTarget:       escalate,
	consult.NeedParticipants: countAtLeast(`SELECT COUNT(*) FROM topic_participant WHERE topic_id = $1`, "请先确定参加协商的主体（委员、部门、专家或群众代表）"),
	consult.NeedResearch:     countAtLeast(`SELECT COUNT(*) FROM topic_visit WHERE topic_id = $1`, "请先记录至少一次调研视察"),
	consult.NeedMeeting: func(_ context.Context, _ *Tx, _ app.Actor, t Topic, _ AdvanceInput) error {
		if t.MeetingID == 0 {
			return app.Errorf(app.ECONFLICT, "请先关联协商会议")
		}
		return nil
	},
	consult.NeedOutcome: countAtLeast(`SELECT COUNT(*) FROM topic_outcome WHERE topic_id = $1`, "请先形成协商成果（建议案、调研报告或协商意见）"),
	consult.NeedUnits:   countAtLeast(`SELECT COUNT(*) FROM topic_assignment WHERE topic_id = $1`, "请先将协商成果交承办单位办理"),
	consult.NeedReplies: noneLeft(`SELECT COUNT(*) FROM topic_assignment WHERE topic_id = $1 AND status = 'sent'`,
		`SELECT COUNT(*) FROM topic_assignment WHERE topic_id = $1`, "还有%d个承办单位尚未答复"),
	consult.NeedFeedback: noneLeft(`SELECT COUNT(*) FROM topic_assignment WHERE topic_id = $1 AND status <> 'accepted'`,
		`SELECT COUNT(*) FROM topic_assignment WHERE topic_id = $1`, "还有%d个承办单位的答复尚未认可"),
}

func countAtLeast(query, msg string) topicRequirement {
	return func(ctx context.Context, tx *Tx, _ app.Actor, t Topic, _ AdvanceInput) error {
		var n int
		if err := tx.QueryRowContext(ctx, query, t.ID).Scan(&n); err != nil {
			return app.Internal(err, "check requirement")
		}
		if n == 0 {
			return app.Errorf(app.ECONFLICT, "%s", msg)
		}
		return nil
	}
}

// noneLeft passes when no row is left by the first count and the second
// (the assignments) is not zero.
func noneLeft(left, all, msg string) topicRequirement {
	return func(ctx context.Context, tx *Tx, actor app.Actor, t Topic, in AdvanceInput) error {
		var n, total int
		if err := tx.QueryRowContext(ctx, all, t.ID).Scan(&total); err != nil {
			return app.Internal(err, "check requirement")
		}
		if total == 0 {
			return app.Errorf(app.ECONFLICT, "协商成果尚未交承办单位办理")
		}
		if err := tx.QueryRowContext(ctx, left, t.ID).Scan(&n); err != nil {
			return app.Internal(err, "check requirement")
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, msg, n)
		}
		return nil
	}
}

// AdvanceTopic moves a topic to in.To: the committee's graph must allow the
// transition from the current state, the actor's role must be one the
// transition names, and its requirements must be met. The step is recorded
// with who, when and the note. Errors: ECONFLICT for a transition the graph
// lacks or a requirement unmet, EFORBIDDEN for a role not allowed, field
// errors for a missing reason or target.
func (db *DB) AdvanceTopic(ctx context.Context, actor app.Actor, id int64, in AdvanceInput) (Topic, error) {
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 {
		var errs app.FieldErrors
		errs.Add("note", "说明不能超过2000个字")
		return Topic{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error { return tx.advanceTopic(ctx, actor, id, in) })
	if err != nil {
		return Topic{}, err
	}
	return db.FindTopicByID(ctx, actor, id)
}

// advanceTopic is AdvanceTopic inside a transaction, for use cases that move
// a topic together with other changes (selection into a plan).
func (tx *Tx) advanceTopic(ctx context.Context, actor app.Actor, id int64, in AdvanceInput) error {
	t, g, err := tx.lockTopicGraph(ctx, actor, id)
	if err != nil {
		return err
	}
	tr, err := g.Check(t.State, in.To, actor.Role)
	if err != nil {
		return err
	}
	for _, code := range tr.Requires {
		check, ok := topicRequirements[code]
		if !ok {
			return app.Internal(fmt.Errorf("requirement %q has no check", code), "advance topic")
		}
		if err := check(ctx, tx, actor, t, in); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE topic SET state = $2, state_since = $3, updated_at = $3 WHERE id = $1`,
		id, in.To, tx.Now); err != nil {
		return app.Internal(err, "advance topic")
	}
	if err := tx.topicStep(ctx, actor, id, t.State, in.To, in.Note); err != nil {
		return err
	}
	summary := fmt.Sprintf("议题“%s”：%s（%s → %s）", t.Title, tr.Label, g.Label(t.State), g.Label(in.To))
	if in.Note != "" {
		summary += "，" + in.Note
	}
	return tx.Audit(ctx, actor, Change{Action: "topic_advance", Entity: "topic", EntityID: id,
		Committee: t.CommitteeID, OrgPath: t.path, Summary: summary,
		Before: struct{ State string }{t.State}, After: in})
}

// escalate is the "target" requirement: the named organisation must be an
// ancestor of the topic's (上报 goes up, never sideways or down); a linked
// topic is created there, from source "lower", in its committee graph's
// initial state. The note, when given, goes with it.
func escalate(ctx context.Context, tx *Tx, actor app.Actor, t Topic, in AdvanceInput) error {
	var errs app.FieldErrors
	if in.TargetOrgID == 0 {
		errs.Add("target_org_id", "请选择上报的上级组织")
		return errs.Err()
	}
	target, err := findOrg(ctx, tx, app.System, in.TargetOrgID)
	if err != nil || target.Path == t.path || !strings.HasPrefix(t.path, target.Path) {
		errs.Add("target_org_id", "只能上报给本组织的上级（乡镇(街道)或县(区)、市政协）")
		return errs.Err()
	}
	if target.Archived {
		errs.Add("target_org_id", target.Name+"已撤销")
		return errs.Err()
	}
	up := consult.TopicInput{OrgID: target.ID, Year: t.Year, Title: t.Title, Description: t.Description, Form: t.Form,
		Source: consult.FromLower, SourceName: t.OrgName}
	if in.Note != "" {
		up.Description = strings.TrimSpace(up.Description + "\n\n上报说明：" + in.Note)
	}
	_, err = tx.createTopic(ctx, actor, up, t.ID, 0)
	return err
}

// PushDownTopic sends a topic down to lower organisations of its subtree
// (a city topic to named counties or townships): each gets a linked topic,
// from source "upper", which it runs from selection on; the parent's
// progress is its children's mean. An organisation gets a topic once.
func (db *DB) PushDownTopic(ctx context.Context, actor app.Actor, id int64, orgIDs []int64) ([]TopicLink, error) {
	if !canRunConsultation(actor) {
		return nil, app.Errorf(app.EFORBIDDEN, "当前账号不能部署议题")
	}
	var errs app.FieldErrors
	if len(orgIDs) == 0 {
		errs.Add("org_ids", "请选择至少一个下级组织")
		return nil, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		t, g, err := tx.lockTopicGraph(ctx, actor, id)
		if err != nil {
			return err
		}
		if s, _ := g.State(t.State); s.Final || t.State == g.Initial {
			return app.Errorf(app.ECONFLICT, "议题%s，不能向下部署（选定后、办结前可以部署）", g.Label(t.State))
		}
		var names []string
		seen := map[int64]bool{}
		for _, oid := range orgIDs {
			if seen[oid] {
				continue
			}
			seen[oid] = true
			o, err := findOrg(ctx, tx, actor, oid)
			if err != nil || o.Path == t.path || !strings.HasPrefix(o.Path, t.path) {
				errs.Add("org_ids", fmt.Sprintf("组织（编号%d）不是本议题所属组织的下级", oid))
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM topic WHERE parent_id = $1 AND org_id = $2`,
				id, oid).Scan(&n); err != nil {
				return app.Internal(err, "push down")
			}
			if n > 0 {
				errs.Add("org_ids", o.Name+"已部署过本议题")
				continue
			}
			if _, err := tx.createTopic(ctx, actor, consult.TopicInput{OrgID: o.ID, Year: t.Year, Title: t.Title,
				Description: t.Description, Form: t.Form, Source: consult.FromUpper, SourceName: t.OrgName}, 0, id); err != nil {
				return err
			}
			names = append(names, o.Name)
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_push_down", Entity: "topic", EntityID: id,
			Committee: t.CommitteeID, OrgPath: t.path,
			Summary: fmt.Sprintf("议题“%s”部署到%s", t.Title, strings.Join(names, "、")), After: orgIDs})
	})
	if err != nil {
		return nil, err
	}
	return db.topicChildren(ctx, actor, graphs{}, id)
}

// LinkTopicMeeting links (or, with 0, unlinks) the consultation meeting of
// a topic: a meeting of the topic's committee in the actor's subtree.
func (db *DB) LinkTopicMeeting(ctx context.Context, actor app.Actor, id, meetingID int64) error {
	if !canRaiseTopics(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能修改议题")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		t, err := tx.lockTopic(ctx, actor, id)
		if err != nil {
			return err
		}
		title := ""
		if meetingID != 0 {
			m, err := findMeeting(ctx, tx, actor, meetingID)
			if err != nil {
				var errs app.FieldErrors
				errs.Add("meeting_id", "所选会议不存在或不在本账号管辖范围内")
				return errs.Err()
			}
			if m.CommitteeID != t.CommitteeID {
				var errs app.FieldErrors
				errs.Add("meeting_id", "协商会议应为本政协的会议")
				return errs.Err()
			}
			title = m.Title
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic SET meeting_id = $2, updated_at = $3 WHERE id = $1`,
			id, nullInt(meetingID), tx.Now); err != nil {
			return app.Internal(err, "link meeting")
		}
		summary := fmt.Sprintf("议题“%s”关联协商会议“%s”", t.Title, title)
		if meetingID == 0 {
			summary = fmt.Sprintf("议题“%s”取消关联协商会议", t.Title)
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_meeting", Entity: "topic", EntityID: id,
			Committee: t.CommitteeID, OrgPath: t.path, Summary: summary,
			Before: struct{ MeetingID int64 }{t.MeetingID}, After: struct{ MeetingID int64 }{meetingID}})
	})
}

// TopicNext lists the transitions the actor may take from the topic's
// current state under its committee's graph.
func (db *DB) TopicNext(ctx context.Context, actor app.Actor, t Topic) ([]workflow.Transition, error) {
	g, _, err := readGraph(ctx, db.read, t.CommitteeID, GraphKindTopic)
	if err != nil {
		return nil, err
	}
	next := g.Next(t.State, actor.Role)
	return slices.Clip(next), nil
}
