package store

// Other duty activities (履职活动): trainings, study sessions, visits to
// members, investment trips, commendations — what no other module records.
// An activity is of one of its committee's activity kinds (activity_kind.go
// reads them; SaveActivityKinds keeps a committee's own list here), has
// named figures and participants; every member who took part earns a duty
// event (duty.ActivityPrefix + kind, source "activity") in the same
// transaction, and editing the date, kind or participants moves or retracts
// them through duty.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/duty"
)

// SourceActivity is the source of an activity participant's duty event: the
// activity's id.
const SourceActivity = "activity"

// ActivityRoles are the usual roles of a participant (any short text is taken).
var ActivityRoles = []string{"带队", "参加", "受表彰", "被走访", "授课", "发言"}

// ActivityFigure is one named figure of an activity: 考察企业 12, 参加人数 80.
type ActivityFigure struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// ActivityParticipant is one who took part: a member of the committee
// (MemberID set) or anyone else by name.
type ActivityParticipant struct {
	ID       int64  `json:"id"`
	MemberID int64  `json:"member_id,omitempty"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Note     string `json:"note,omitempty"`
}

// Activity is one 履职活动.
type Activity struct {
	ID           int64                 `json:"id"`
	OrgID        int64                 `json:"org_id"`
	OrgName      string                `json:"org_name"`
	CommitteeID  int64                 `json:"committee_id"`
	Kind         string                `json:"kind"`
	KindLabel    string                `json:"kind_label"`
	Title        string                `json:"title"`
	StartsOn     app.Date              `json:"starts_on"`
	EndsOn       app.Date              `json:"ends_on"`
	Places       []string              `json:"places"`
	Summary      string                `json:"summary"`
	Figures      []ActivityFigure      `json:"figures"`
	Organiser    string                `json:"organiser"`
	Participants []ActivityParticipant `json:"participants"`
	CreatedAt    time.Time             `json:"created_at"`
	UpdatedAt    time.Time             `json:"updated_at"`
}

// Members are the member participants.
func (a Activity) Members() []ActivityParticipant {
	var out []ActivityParticipant
	for _, p := range a.Participants {
		if p.MemberID != 0 {
			out = append(out, p)
		}
	}
	return out
}

// Others are the participants who are not members.
func (a Activity) Others() []ActivityParticipant {
	var out []ActivityParticipant
	for _, p := range a.Participants {
		if p.MemberID == 0 {
			out = append(out, p)
		}
	}
	return out
}

// ActivityPersonInput names a participant. For a member: MemberID, or Name as
// 姓名 or 姓名#编号 (resolved within the activity's committee); for anyone
// else: Name.
type ActivityPersonInput struct {
	MemberID int64  `json:"member_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"` // 参加 when empty
	Note     string `json:"note,omitempty"`
}

// ActivityInput is what CreateActivity and UpdateActivity take, from a form,
// the API or code (the press import).
type ActivityInput struct {
	OrgID     int64                 `json:"org_id"` // the organising organisation; the actor's own when 0
	Kind      string                `json:"kind"`   // an activity kind's code of the committee
	Title     string                `json:"title"`
	StartsOn  app.Date              `json:"starts_on"`
	EndsOn    app.Date              `json:"ends_on"` // empty: one day
	Places    []string              `json:"places"`
	Summary   string                `json:"summary"`
	Figures   []ActivityFigure      `json:"figures"`
	Organiser string                `json:"organiser"`
	Members   []ActivityPersonInput `json:"members"` // members of the committee
	Others    []ActivityPersonInput `json:"others"`  // others, by name
}

// Limits of an activity's record.
const (
	maxActivityFigures      = 20
	maxActivityFigureName   = 20
	maxActivityFigureValue  = 1_000_000_000
	maxActivityPlaces       = 50
	maxActivityParticipants = 1000
)

// Normalize trims the input and drops empty lines.
func (in *ActivityInput) Normalize() {
	in.Kind, in.Title = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Title)
	in.Summary, in.Organiser = strings.TrimSpace(in.Summary), strings.TrimSpace(in.Organiser)
	var places []string
	for _, p := range in.Places {
		if p = strings.TrimSpace(p); p != "" {
			places = append(places, p)
		}
	}
	in.Places = places
	for i := range in.Figures {
		in.Figures[i].Name = strings.TrimSpace(in.Figures[i].Name)
	}
	trim := func(ps []ActivityPersonInput) []ActivityPersonInput {
		var out []ActivityPersonInput
		for _, p := range ps {
			p.Name, p.Role, p.Note = strings.TrimSpace(p.Name), strings.TrimSpace(p.Role), strings.TrimSpace(p.Note)
			if p.Name == "" && p.MemberID == 0 {
				continue
			}
			if p.Role == "" {
				p.Role = "参加"
			}
			out = append(out, p)
		}
		return out
	}
	in.Members, in.Others = trim(in.Members), trim(in.Others)
}

func overRunes(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Validate checks what needs no database: the kind and title given, dates
// in order and not after today, figures with short distinct names and
// non-negative whole values, lengths. Each problem names its field.
func (in ActivityInput) Validate(today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	if in.Kind == "" {
		errs.Add("kind", "请选择活动类型")
	}
	switch {
	case in.Title == "":
		errs.Add("title", "请填写活动名称")
	case overRunes(in.Title, 100):
		errs.Add("title", "活动名称不能超过100字")
	}
	switch {
	case in.StartsOn.IsZero():
		errs.Add("starts_on", "请填写活动日期")
	case in.StartsOn.After(today):
		errs.Add("starts_on", "活动日期不能晚于今天")
	}
	if !in.EndsOn.IsZero() && !in.StartsOn.IsZero() {
		if in.EndsOn.Before(in.StartsOn) {
			errs.Add("ends_on", "结束日期不能早于开始日期")
		} else if in.EndsOn.Time(time.UTC).Sub(in.StartsOn.Time(time.UTC)) > 366*24*time.Hour {
			errs.Add("ends_on", "一次活动不能超过一年")
		}
	}
	if len(in.Places) > maxActivityPlaces {
		errs.Add("places", fmt.Sprintf("地点不能超过%d处", maxActivityPlaces))
	}
	for _, p := range in.Places {
		if overRunes(p, 100) {
			errs.Add("places", "地点“"+p+"”超过100字")
			break
		}
	}
	if overRunes(in.Summary, 5000) {
		errs.Add("summary", "活动情况不能超过5000字")
	}
	if overRunes(in.Organiser, 100) {
		errs.Add("organiser", "组织单位不能超过100字")
	}
	if len(in.Figures) > maxActivityFigures {
		errs.Add("figures", fmt.Sprintf("数据项不能超过%d项", maxActivityFigures))
	}
	seen := map[string]bool{}
	for i, f := range in.Figures {
		at := fmt.Sprintf("第%d项：", i+1)
		switch {
		case f.Name == "":
			errs.Add("figures", at+"请填写数据项名称")
		case overRunes(f.Name, maxActivityFigureName):
			errs.Add("figures", fmt.Sprintf("%s名称“%s”超过%d字", at, f.Name, maxActivityFigureName))
		case seen[f.Name]:
			errs.Add("figures", at+"“"+f.Name+"”重复")
		}
		seen[f.Name] = true
		if f.Value < 0 {
			errs.Add("figures", at+"“"+f.Name+"”不能为负数")
		} else if f.Value > maxActivityFigureValue {
			errs.Add("figures", at+"“"+f.Name+"”数值过大")
		}
	}
	if len(in.Members)+len(in.Others) > maxActivityParticipants {
		errs.Add("members", fmt.Sprintf("参加人员不能超过%d人", maxActivityParticipants))
	}
	check := func(field, who string, ps []ActivityPersonInput) {
		for i, p := range ps {
			at := fmt.Sprintf("第%d位%s：", i+1, who)
			if p.MemberID == 0 && p.Name == "" {
				errs.Add(field, at+"请填写姓名")
			}
			if overRunes(p.Name, 50) {
				errs.Add(field, at+"姓名过长")
			}
			if overRunes(p.Role, 20) {
				errs.Add(field, at+"角色不能超过20字")
			}
			if overRunes(p.Note, 200) {
				errs.Add(field, at+"备注不能超过200字")
			}
		}
	}
	check("members", "委员", in.Members)
	check("others", "人员", in.Others)
	return errs
}

// --- Reading ---

const activityCols = `a.id, a.org_id, o.name, a.committee_id, a.kind, a.title, a.starts_on, a.ends_on, a.places, a.summary,
	a.figures_json, a.organiser, a.created_at, a.updated_at`

const activityFrom = ` FROM activity a JOIN org o ON o.id = a.org_id`

func scanDutyActivity(s scanner, a *Activity) error {
	var places, figures string
	if err := s.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.CommitteeID, &a.Kind, &a.Title, &a.StartsOn, &a.EndsOn, &places,
		&a.Summary, &figures, &a.Organiser, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return err
	}
	a.Places = []string{}
	if places != "" {
		a.Places = strings.Split(places, "\n")
	}
	a.Figures = []ActivityFigure{}
	if figures != "" {
		if err := json.Unmarshal([]byte(figures), &a.Figures); err != nil {
			return fmt.Errorf("activity %d figures: %w", a.ID, err)
		}
	}
	a.Participants = []ActivityParticipant{}
	return nil
}

// fillActivities adds participants and kind labels.
func fillActivities(ctx context.Context, q querier, list []Activity) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := map[int64]int{}
	labels := map[int64]map[string]string{}
	for i, a := range list {
		ids[i], at[a.ID] = a.ID, i
		if labels[a.CommitteeID] == nil {
			m, err := activityLabels(ctx, q, a.CommitteeID)
			if err != nil {
				return err
			}
			labels[a.CommitteeID] = m
		}
		list[i].KindLabel = labels[a.CommitteeID][a.Kind]
		if list[i].KindLabel == "" {
			list[i].KindLabel = a.Kind
		}
	}
	args, ph := idArgs(ids, 0)
	rows, err := q.QueryContext(ctx, `SELECT activity_id, id, COALESCE(member_id, 0), name, role, note
		FROM activity_participant WHERE activity_id IN (`+ph+`) ORDER BY activity_id, sort, id`, args...)
	if err != nil {
		return app.Internal(err, "find activity participants")
	}
	defer rows.Close()
	for rows.Next() {
		var aid int64
		var p ActivityParticipant
		if err := rows.Scan(&aid, &p.ID, &p.MemberID, &p.Name, &p.Role, &p.Note); err != nil {
			return app.Internal(err, "scan activity participant")
		}
		list[at[aid]].Participants = append(list[at[aid]].Participants, p)
	}
	return app.Internal(rows.Err(), "find activity participants")
}

func findDutyActivity(ctx context.Context, q querier, actor app.Actor, id int64) (Activity, error) {
	var a Activity
	err := scanDutyActivity(q.QueryRowContext(ctx, `SELECT `+activityCols+activityFrom+`
		WHERE a.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &a)
	if err != nil {
		return a, notFound(err, "履职活动", "find activity")
	}
	list := []Activity{a}
	err = fillActivities(ctx, q, list)
	return list[0], err
}

// FindActivity returns an activity of an organisation in the actor's subtree.
func (db *DB) FindActivity(ctx context.Context, actor app.Actor, id int64) (Activity, error) {
	return findDutyActivity(ctx, db.read, actor, id)
}

// ActivityFilter narrows FindActivities.
type ActivityFilter struct {
	OrgID    int64  // that organisation and those under it
	Year     int    // the year the activity started
	Kind     string // an activity kind's code
	MemberID int64  // a member took part
	Query    string // in the title, summary, places or organiser
	Offset   int
	Limit    int // 0: 50; at most 500
}

func (f ActivityFilter) where(actor app.Actor, withKind bool) (string, []any) {
	w := ` WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	add := func(cond string, vs ...any) {
		n := make([]any, len(vs))
		for i, v := range vs {
			args = append(args, v)
			n[i] = len(args)
		}
		w += " AND " + fmt.Sprintf(cond, n...)
	}
	if f.OrgID != 0 {
		add(`o.path LIKE (SELECT path FROM org WHERE id = $%d) || '%%'`, f.OrgID)
	}
	if f.Year != 0 {
		add(`a.starts_on >= $%d AND a.starts_on <= $%d`, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year))
	}
	if withKind && f.Kind != "" {
		add(`a.kind = $%d`, f.Kind)
	}
	if f.MemberID != 0 {
		add(`EXISTS (SELECT 1 FROM activity_participant p WHERE p.activity_id = a.id AND p.member_id = $%d)`, f.MemberID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + likeEscape(q) + "%"
		add(`(a.title LIKE $%d ESCAPE '\' OR a.summary LIKE $%d ESCAPE '\' OR a.places LIKE $%d ESCAPE '\'
			OR a.organiser LIKE $%d ESCAPE '\')`, like, like, like, like)
	}
	return w, args
}

// FindActivities lists activities of organisations in the actor's subtree,
// newest first, with the total for paging.
func (db *DB) FindActivities(ctx context.Context, actor app.Actor, f ActivityFilter) ([]Activity, int, error) {
	w, args := f.where(actor, true)
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	// The total in its own query: COUNT(*) OVER() read and sorted every
	// activity in scope for one page (21,600 in a province: 150 ms); the page
	// walks the index by day (migration 0024) and stops at 50.
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+activityFrom+w, args...).Scan(&total); err != nil {
		return nil, 0, app.Internal(err, "count activities")
	}
	n := len(args)
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, `SELECT `+activityCols+activityFrom+w+
		fmt.Sprintf(` ORDER BY a.starts_on DESC, a.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2), args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find activities")
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		var a Activity
		if err := scanDutyActivity(rows, &a); err != nil {
			return nil, 0, app.Internal(err, "scan activity")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find activities")
	}
	rows.Close()
	return out, total, fillActivities(ctx, db.read, out)
}

// ActivityKindCount is the number of activities of a kind.
type ActivityKindCount struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// CountActivitiesByKind counts the activities FindActivities would list for
// the filter, whatever its kind, by kind: the actor's committee's kinds in
// order (archived ones only when counted), then kinds of other committees.
func (db *DB) CountActivitiesByKind(ctx context.Context, actor app.Actor, f ActivityFilter) ([]ActivityKindCount, error) {
	w, args := f.where(actor, false)
	rows, err := db.read.QueryContext(ctx, `SELECT a.kind, COUNT(*)`+activityFrom+w+` GROUP BY a.kind`, args...)
	if err != nil {
		return nil, app.Internal(err, "count activities")
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var k string
		var c int
		if err := rows.Scan(&k, &c); err != nil {
			return nil, app.Internal(err, "count activities")
		}
		n[k] = c
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "count activities")
	}
	rows.Close()
	kinds, err := db.FindActivityKindList(ctx, actor, actor.CommitteeID)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	var out []ActivityKindCount
	for _, k := range kinds {
		if !k.Archived || n[k.Code] > 0 {
			out = append(out, ActivityKindCount{Kind: k.Code, Label: k.Label, N: n[k.Code]})
		}
		delete(n, k.Code)
	}
	var rest []string
	for k := range n {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, ActivityKindCount{Kind: k, Label: k, N: n[k]})
	}
	return out, nil
}

// --- Kinds ---

// ActivityKindItem is one of a committee's activity kinds as the kinds page
// shows and saves it.
type ActivityKindItem struct {
	Code     string `json:"code"` // empty in SaveActivityKinds: a new kind, given a code
	Label    string `json:"label"`
	Archived bool   `json:"archived"`      // kept for old records, not offered for new ones
	Used     int    `json:"used,omitzero"` // activities of the kind
}

// FindActivityKindList lists a committee's activity kinds with archived
// ones and how many activities each has (its own committee when
// committeeID is 0). Without its own list, duty.DefaultActivityKinds.
func (db *DB) FindActivityKindList(ctx context.Context, actor app.Actor, committeeID int64) ([]ActivityKindItem, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return nil, err
	}
	return activityKindList(ctx, db.read, committeeID)
}

func activityKindList(ctx context.Context, q querier, committeeID int64) ([]ActivityKindItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, label, archived FROM activity_kind WHERE committee_id = $1
		ORDER BY sort, code`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "activity kinds")
	}
	defer rows.Close()
	var out []ActivityKindItem
	for rows.Next() {
		var k ActivityKindItem
		if err := rows.Scan(&k.Code, &k.Label, &k.Archived); err != nil {
			return nil, app.Internal(err, "activity kinds")
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "activity kinds")
	}
	rows.Close()
	if len(out) == 0 {
		for _, k := range duty.DefaultActivityKinds {
			out = append(out, ActivityKindItem{Code: k.Code, Label: k.Label})
		}
	}
	used, err := activityKindUse(ctx, q, committeeID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Used = used[out[i].Code]
	}
	return out, nil
}

func activityKindUse(ctx context.Context, q querier, committeeID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, COUNT(*) FROM activity WHERE committee_id = $1 GROUP BY kind`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "activity kind use")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, app.Internal(err, "activity kind use")
		}
		out[k] = n
	}
	return out, app.Internal(rows.Err(), "activity kind use")
}

var activityKindCode = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// SaveActivityKinds replaces a committee's list of activity kinds, in the
// order given: labels may change, kinds may be added (an empty code gets
// one), archived or restored. A kind with activities cannot be dropped,
// only archived; at least one kind stays in use.
func (db *DB) SaveActivityKinds(ctx context.Context, actor app.Actor, committeeID int64, kinds []ActivityKindItem) ([]ActivityKindItem, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return nil, err
	}
	var after []ActivityKindItem
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := activityKindList(ctx, tx, committeeID)
		if err != nil {
			return err
		}
		var errs app.FieldErrors
		codes, labels := map[string]bool{}, map[string]bool{}
		for _, k := range before {
			codes[k.Code] = false
		}
		live := 0
		list := make([]ActivityKindItem, 0, len(kinds))
		for i, k := range kinds {
			at := fmt.Sprintf("第%d项：", i+1)
			k.Code, k.Label = strings.TrimSpace(k.Code), strings.TrimSpace(k.Label)
			if k.Code == "" && k.Label == "" {
				continue
			}
			if k.Code == "" {
				for n := len(before) + i + 1; ; n++ {
					c := fmt.Sprintf("kind%d", n)
					if _, taken := codes[c]; !taken {
						k.Code = c
						break
					}
				}
			}
			switch {
			case !activityKindCode.MatchString(k.Code):
				errs.Add("kinds", at+"代码“"+k.Code+"”应为小写字母开头的字母、数字或下划线")
			case codes[k.Code]:
				errs.Add("kinds", at+"代码“"+k.Code+"”重复")
			}
			codes[k.Code] = true
			switch {
			case k.Label == "":
				errs.Add("kinds", at+"请填写名称")
			case overRunes(k.Label, 30):
				errs.Add("kinds", at+"名称不能超过30字")
			case labels[k.Label]:
				errs.Add("kinds", at+"名称“"+k.Label+"”重复")
			}
			labels[k.Label] = true
			if !k.Archived {
				live++
			}
			list = append(list, k)
		}
		for _, k := range before {
			if !codes[k.Code] && k.Used > 0 {
				errs.Add("kinds", fmt.Sprintf("“%s”已有%d次活动，不能删除，只能停用", k.Label, k.Used))
			}
		}
		if live == 0 {
			errs.Add("kinds", "至少保留一种在用的活动类型")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_kind WHERE committee_id = $1`, committeeID); err != nil {
			return app.Internal(err, "replace activity kinds")
		}
		if err := tx.insertRows(ctx, `INSERT INTO activity_kind (committee_id, code, label, sort, archived) VALUES `,
			len(list), func(i int) []any {
				return []any{committeeID, list[i].Code, list[i].Label, i + 1, list[i].Archived}
			}); err != nil {
			return app.Internal(err, "insert activity kinds")
		}
		if after, err = activityKindList(ctx, tx, committeeID); err != nil {
			return err
		}
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM org WHERE id = $1`, committeeID).Scan(&path); err != nil {
			return app.Internal(err, "committee path")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "activity_kind", EntityID: committeeID,
			Committee: committeeID, OrgPath: path, Summary: "履职活动类型", Before: before, After: after})
	})
	return after, err
}

// --- Writing ---

// resolveParticipants resolves the member participants within the
// committee and checks the kind; it returns the rows to write in order.
func (tx *Tx) resolveParticipants(ctx context.Context, committeeID int64, in ActivityInput, errs *app.FieldErrors) []ActivityParticipant {
	var out []ActivityParticipant
	seen := map[int64]bool{}
	for i, p := range in.Members {
		id, name, _, err := tx.resolveMember(ctx, committeeID, p.MemberID, p.Name, "members")
		if err != nil {
			msg := app.ErrorFields(err).Get("members")
			if msg == "" {
				errs.Add("members", app.ErrorMessage(err))
			} else {
				errs.Add("members", fmt.Sprintf("第%d位委员：%s", i+1, msg))
			}
			continue
		}
		if seen[id] {
			errs.Add("members", fmt.Sprintf("第%d位委员：%s重复", i+1, name))
			continue
		}
		seen[id] = true
		out = append(out, ActivityParticipant{MemberID: id, Name: name, Role: p.Role, Note: p.Note})
	}
	for _, p := range in.Others {
		out = append(out, ActivityParticipant{Name: p.Name, Role: p.Role, Note: p.Note})
	}
	return out
}

// checkActivity validates an activity's input in the transaction: the
// organisation in the actor's subtree, the kind one of its committee's kinds
// in use (or the activity's current kind), the members its committee's.
func (tx *Tx) checkActivity(ctx context.Context, actor app.Actor, in ActivityInput, today app.Date, currentKind string) (orgID, committeeID int64, path string, ps []ActivityParticipant, err error) {
	errs := in.Validate(today)
	o, err := findOrg(ctx, tx, actor, in.OrgID)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		errs.Add("org_id", "请选择本账号管辖范围内的组织")
	case err != nil:
		return 0, 0, "", nil, err
	case o.Archived && currentKind == "":
		errs.Add("org_id", o.Name+"已撤销")
	}
	if o.ID != 0 {
		kinds, kerr := activityKindList(ctx, tx, o.CommitteeID)
		if kerr != nil {
			return 0, 0, "", nil, kerr
		}
		i := slices.IndexFunc(kinds, func(k ActivityKindItem) bool { return k.Code == in.Kind })
		switch {
		case in.Kind == "":
		case i < 0:
			errs.Add("kind", "未知的活动类型“"+in.Kind+"”")
		case kinds[i].Archived && in.Kind != currentKind:
			errs.Add("kind", "活动类型“"+kinds[i].Label+"”已停用")
		}
		ps = tx.resolveParticipants(ctx, o.CommitteeID, in, &errs)
	}
	if err := errs.Err(); err != nil {
		return 0, 0, "", nil, err
	}
	return o.ID, o.CommitteeID, o.Path, ps, nil
}

func activityFiguresJSON(fs []ActivityFigure) string {
	if fs == nil {
		fs = []ActivityFigure{}
	}
	b, _ := json.Marshal(fs)
	return string(b)
}

// writeParticipants replaces an activity's participants and keeps its
// members' duty events: those no longer named are retracted, all are
// retracted when the date or kind changed, and the current ones recorded.
func (tx *Tx) writeParticipants(ctx context.Context, a Activity, ps []ActivityParticipant, before *Activity) error {
	if before != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_participant WHERE activity_id = $1`, a.ID); err != nil {
			return app.Internal(err, "replace activity participants")
		}
		if before.StartsOn != a.StartsOn || before.Kind != a.Kind {
			if err := tx.RetractDuty(ctx, SourceActivity, a.ID); err != nil {
				return err
			}
		} else {
			keep := map[int64]bool{}
			for _, p := range ps {
				keep[p.MemberID] = true
			}
			var gone []int64
			for _, p := range before.Members() {
				if !keep[p.MemberID] {
					gone = append(gone, p.MemberID)
				}
			}
			if len(gone) > 0 {
				if err := tx.RetractDuty(ctx, SourceActivity, a.ID, gone...); err != nil {
					return err
				}
			}
		}
	}
	if err := tx.insertRows(ctx, `INSERT INTO activity_participant (activity_id, member_id, name, role, note, sort) VALUES `,
		len(ps), func(i int) []any {
			p := ps[i]
			return []any{a.ID, nullInt(p.MemberID), p.Name, p.Role, p.Note, i + 1}
		}); err != nil {
		return app.Internal(err, "insert activity participants")
	}
	var events []DutyEvent
	for _, p := range ps {
		if p.MemberID != 0 {
			events = append(events, DutyEvent{CommitteeID: a.CommitteeID, MemberID: p.MemberID, Kind: duty.ActivityPrefix + a.Kind,
				OccurredOn: a.StartsOn, Source: SourceActivity, SourceID: a.ID})
		}
	}
	return tx.RecordDuty(ctx, events...)
}

// CreateActivity records an activity; every member participant earns a
// duty event in the same transaction.
func (db *DB) CreateActivity(ctx context.Context, actor app.Actor, in ActivityInput) (Activity, error) {
	in.Normalize()
	if in.OrgID == 0 {
		in.OrgID = actor.OrgID
	}
	var created Activity
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		created, err = tx.createActivity(ctx, actor, in, db.Today())
		return err
	})
	return created, err
}

// createActivity records an activity in the transaction (the input
// normalised, its organisation set): CreateActivity and the press import.
func (tx *Tx) createActivity(ctx context.Context, actor app.Actor, in ActivityInput, today app.Date) (Activity, error) {
	var created Activity
	orgID, committeeID, path, ps, err := tx.checkActivity(ctx, actor, in, today, "")
	if err != nil {
		return created, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO activity (org_id, committee_id, kind, title, starts_on, ends_on, places,
			summary, figures_json, organiser, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
			RETURNING id`, orgID, committeeID, in.Kind, in.Title, in.StartsOn, in.EndsOn, strings.Join(in.Places, "\n"),
		in.Summary, activityFiguresJSON(in.Figures), in.Organiser, tx.Now).Scan(&id); err != nil {
		return created, app.Internal(err, "insert activity")
	}
	a := Activity{ID: id, CommitteeID: committeeID, Kind: in.Kind, StartsOn: in.StartsOn}
	if err := tx.writeParticipants(ctx, a, ps, nil); err != nil {
		return created, err
	}
	if created, err = findDutyActivity(ctx, tx, app.System, id); err != nil {
		return created, err
	}
	return created, tx.Audit(ctx, actor, Change{Action: "create", Entity: "activity", EntityID: id, Committee: committeeID,
		OrgPath: path, Summary: "履职活动 " + created.Title, After: created})
}

// UpdateActivity changes an activity: members added earn a duty event,
// members removed lose theirs, and a changed date or kind moves them all.
func (db *DB) UpdateActivity(ctx context.Context, actor app.Actor, id int64, in ActivityInput) (Activity, error) {
	in.Normalize()
	var after Activity
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findDutyActivity(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if in.OrgID == 0 {
			in.OrgID = before.OrgID
		}
		orgID, committeeID, path, ps, err := tx.checkActivity(ctx, actor, in, db.Today(), before.Kind)
		if err != nil {
			return err
		}
		if committeeID != before.CommitteeID {
			var errs app.FieldErrors
			errs.Add("org_id", "不能把活动移到另一个政协")
			return errs.Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activity SET org_id = $2, kind = $3, title = $4, starts_on = $5, ends_on = $6,
			places = $7, summary = $8, figures_json = $9, organiser = $10, updated_at = $11 WHERE id = $1`, id, orgID, in.Kind,
			in.Title, in.StartsOn, in.EndsOn, strings.Join(in.Places, "\n"), in.Summary, activityFiguresJSON(in.Figures),
			in.Organiser, tx.Now); err != nil {
			return app.Internal(err, "update activity")
		}
		a := Activity{ID: id, CommitteeID: committeeID, Kind: in.Kind, StartsOn: in.StartsOn}
		if err := tx.writeParticipants(ctx, a, ps, &before); err != nil {
			return err
		}
		if after, err = findDutyActivity(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "activity", EntityID: id, Committee: committeeID,
			OrgPath: path, Summary: "履职活动 " + after.Title, Before: before, After: after})
	})
	return after, err
}

// DeleteActivity removes an activity and its participants' duty events.
func (db *DB) DeleteActivity(ctx context.Context, actor app.Actor, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := findDutyActivity(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.RetractDuty(ctx, SourceActivity, id); err != nil {
			return err
		}
		if err := tx.releasePressRecord(ctx, PressRecordActivity, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_participant WHERE activity_id = $1`, id); err != nil {
			return app.Internal(err, "delete activity participants")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity WHERE id = $1`, id); err != nil {
			return app.Internal(err, "delete activity")
		}
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM org WHERE id = $1`, before.OrgID).Scan(&path); err != nil {
			return app.Internal(err, "activity org path")
		}
		return tx.Audit(ctx, actor, Change{Action: "delete", Entity: "activity", EntityID: id, Committee: before.CommitteeID,
			OrgPath: path, Summary: "删除履职活动 " + before.Title, Before: before})
	})
}
