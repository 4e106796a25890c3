package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/workflow"
)

// The work done on a topic after its selection: who takes part (主体确定),
// research, inspection and supervisory visits (调研, 视察, 监督性调研) with
// their photos, the speeches and opinions at the consultation meeting, and
// the outcomes (协商成果) with their documents. The requirement checks of the
// topic graph (consult_topic.go) count these rows. Members who join a visit
// or speak earn duty events in the same transaction.
//
// Who may record: the office, and a grassroots room's coordinator for the
// topics of its subtree (a village runs its own consultation). Nothing is
// recorded on a topic in a final state (closed, declined, escalated).

// Participant kinds.
const (
	ParticipantMember     = "member"     // 委员
	ParticipantDepartment = "department" // 部门（承办单位）
	ParticipantExpert     = "expert"     // 专家
	ParticipantResident   = "resident"   // 群众代表
)

// ParticipantKinds in display order.
var ParticipantKinds = []string{ParticipantMember, ParticipantDepartment, ParticipantExpert, ParticipantResident}

var participantLabels = map[string]string{ParticipantMember: "委员", ParticipantDepartment: "部门",
	ParticipantExpert: "专家", ParticipantResident: "群众代表"}

// ParticipantKindLabel is a participant kind in Chinese.
func ParticipantKindLabel(k string) string { return labelOr(participantLabels, k) }

// Visit kinds.
const (
	VisitResearch    = "research"    // 调研
	VisitInspection  = "inspection"  // 视察
	VisitSupervision = "supervision" // 监督性调研
)

// VisitKinds in display order.
var VisitKinds = []string{VisitResearch, VisitInspection, VisitSupervision}

var visitLabels = map[string]string{VisitResearch: "调研", VisitInspection: "视察", VisitSupervision: "监督性调研"}

// VisitKindLabel is a visit kind in Chinese.
func VisitKindLabel(k string) string { return labelOr(visitLabels, k) }

// Outcome kinds.
const (
	OutcomeRecommendation = "recommendation" // 建议案
	OutcomeReport         = "report"         // 调研报告
	OutcomeOpinions       = "opinions"       // 协商意见
)

// OutcomeKinds in display order.
var OutcomeKinds = []string{OutcomeRecommendation, OutcomeReport, OutcomeOpinions}

var outcomeLabels = map[string]string{OutcomeRecommendation: "建议案", OutcomeReport: "调研报告", OutcomeOpinions: "协商意见"}

// OutcomeKindLabel is an outcome kind in Chinese.
func OutcomeKindLabel(k string) string { return labelOr(outcomeLabels, k) }

func labelOr(m map[string]string, k string) string {
	if l, ok := m[k]; ok {
		return l
	}
	return k
}

// Participant is one party to a topic's consultation.
type Participant struct {
	ID          int64     `json:"id"`
	TopicID     int64     `json:"topic_id"`
	Kind        string    `json:"kind"`
	KindLabel   string    `json:"kind_label"`
	MemberID    int64     `json:"member_id,omitempty"`
	UnitID      int64     `json:"unit_id,omitempty"`
	Name        string    `json:"name"`
	Affiliation string    `json:"affiliation"`
	Note        string    `json:"note"`
	CreatedAt   time.Time `json:"created_at"`
}

// ParticipantInput adds a participant. A member is named by MemberID or by
// Member ("姓名", "姓名#编号" or "#编号"); a department by UnitID (a
// handling unit of the committee) or by Name; experts and residents by Name.
type ParticipantInput struct {
	Kind        string `json:"kind"`
	MemberID    int64  `json:"member_id"`
	Member      string `json:"member"`
	UnitID      int64  `json:"unit_id"`
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"`
	Note        string `json:"note"`
}

// Visit is a research, inspection or supervisory visit of a topic.
type Visit struct {
	ID        int64         `json:"id"`
	TopicID   int64         `json:"topic_id"`
	Kind      string        `json:"kind"`
	KindLabel string        `json:"kind_label"`
	StartsOn  app.Date      `json:"starts_on"`
	EndsOn    app.Date      `json:"ends_on"`
	Places    []string      `json:"places"`
	Members   []VisitMember `json:"members"`
	Others    string        `json:"others"`
	Findings  string        `json:"findings"`
	Photos    []TopicFile   `json:"photos"`
	CreatedAt time.Time     `json:"created_at"`
}

// VisitMember is a member who joined a visit.
type VisitMember struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
}

// VisitInput records a visit. Places: one a line. Members join by MemberIDs
// or by Members (names or "姓名#编号", separated by lines, "、" or commas).
type VisitInput struct {
	Kind      string   `json:"kind"`
	StartsOn  app.Date `json:"starts_on"`
	EndsOn    app.Date `json:"ends_on"` // zero: the day it starts
	Places    string   `json:"places"`
	MemberIDs []int64  `json:"member_ids"`
	Members   string   `json:"members"`
	Others    string   `json:"others"`
	Findings  string   `json:"findings"`
}

// Speech is a speech or opinion at a topic's consultation.
type Speech struct {
	ID          int64     `json:"id"`
	TopicID     int64     `json:"topic_id"`
	MeetingID   int64     `json:"meeting_id,omitempty"`
	Seq         int       `json:"seq"`
	MemberID    int64     `json:"member_id,omitempty"`
	Speaker     string    `json:"speaker"`
	Affiliation string    `json:"affiliation"`
	Opinion     string    `json:"opinion"`
	CreatedAt   time.Time `json:"created_at"`
}

// SpeechInput records a speech: a member speaker (MemberID or Member as in
// ParticipantInput) or another speaker by name.
type SpeechInput struct {
	MemberID    int64  `json:"member_id"`
	Member      string `json:"member"`
	Speaker     string `json:"speaker"`
	Affiliation string `json:"affiliation"`
	Opinion     string `json:"opinion"`
}

// Outcome is a consultation outcome.
type Outcome struct {
	ID        int64       `json:"id"`
	TopicID   int64       `json:"topic_id"`
	Kind      string      `json:"kind"`
	KindLabel string      `json:"kind_label"`
	Title     string      `json:"title"`
	Body      string      `json:"body"`
	SentTo    string      `json:"sent_to"`
	SentOn    app.Date    `json:"sent_on"`
	Files     []TopicFile `json:"files"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// OutcomeInput creates or edits an outcome. SentTo and SentOn go together:
// to whom it was sent (报送, e.g. 县委、县政府) and on which day.
type OutcomeInput struct {
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	SentTo string   `json:"sent_to"`
	SentOn app.Date `json:"sent_on"`
}

// TopicWork is everything recorded on a topic after its selection.
type TopicWork struct {
	Participants []Participant `json:"participants"`
	Visits       []Visit       `json:"visits"`
	Speeches     []Speech      `json:"speeches"`
	Outcomes     []Outcome     `json:"outcomes"`
	Assignments  []Assignment  `json:"assignments"`
}

// workTopic locks a topic the actor may record work on: in its subtree, by
// an office or coordinator (office only when officeOnly), not final.
func (tx *Tx) workTopic(ctx context.Context, actor app.Actor, id int64, officeOnly bool) (Topic, workflow.Graph, error) {
	if officeOnly && !canRunConsultation(actor) || !canRaiseTopics(actor) {
		return Topic{}, workflow.Graph{}, app.Errorf(app.EFORBIDDEN, "当前账号不能办理议题")
	}
	t, g, err := tx.lockTopicGraph(ctx, actor, id)
	if err != nil {
		return t, g, err
	}
	if s, _ := g.State(t.State); s.Final {
		return t, g, app.Errorf(app.ECONFLICT, "议题%s，不能再办理", g.Label(t.State))
	}
	return t, g, nil
}

// member references: "张三", "张三#12", "#12", "12".

// resolveMember finds a member of the committee by id or reference and
// returns its id, name and workplace. The error is a field error on field.
func (tx *Tx) resolveMember(ctx context.Context, committeeID, id int64, ref, field string) (int64, string, string, error) {
	var errs app.FieldErrors
	ref = strings.TrimSpace(ref)
	name := ref
	if id == 0 && ref != "" {
		if i := strings.LastIndexAny(ref, "#＃"); i >= 0 {
			name = strings.TrimSpace(ref[:i])
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimLeft(ref[i:], "#＃")), 10, 64)
			if err != nil || n <= 0 {
				errs.Add(field, "委员编号应为数字，如“张三#12”")
				return 0, "", "", errs.Err()
			}
			id = n
		} else if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
			id, name = n, ""
		}
	}
	if id == 0 && name == "" {
		errs.Add(field, "请填写委员姓名")
		return 0, "", "", errs.Err()
	}
	var q string
	var arg any
	if id != 0 {
		q, arg = `SELECT id, name, workplace FROM member WHERE committee_id = $1 AND id = $2`, id
	} else {
		q, arg = `SELECT id, name, workplace FROM member WHERE committee_id = $1 AND name = $2 ORDER BY id LIMIT 2`, name
	}
	rows, err := tx.QueryContext(ctx, q, committeeID, arg)
	if err != nil {
		return 0, "", "", app.Internal(err, "resolve member")
	}
	defer rows.Close()
	type found struct {
		id              int64
		name, workplace string
	}
	var fs []found
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.id, &f.name, &f.workplace); err != nil {
			return 0, "", "", app.Internal(err, "resolve member")
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return 0, "", "", app.Internal(err, "resolve member")
	}
	switch {
	case len(fs) == 0 && id != 0:
		errs.Add(field, fmt.Sprintf("本政协没有编号为%d的委员", id))
	case len(fs) == 0:
		errs.Add(field, "本政协没有名为“"+name+"”的委员")
	case len(fs) > 1:
		errs.Add(field, "本政协有多名委员名为“"+name+"”，请写成“姓名#编号”")
	case name != "" && id != 0 && fs[0].name != name:
		errs.Add(field, fmt.Sprintf("编号%d的委员是%s，不是%s", id, fs[0].name, name))
	}
	if len(errs) > 0 {
		return 0, "", "", errs.Err()
	}
	return fs[0].id, fs[0].name, fs[0].workplace, nil
}

// splitNames splits a list of names written with lines, "、", commas or
// semicolons.
func splitNames(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\n', '\r', '、', ',', '，', ';', '；':
			return true
		}
		return false
	})
	out := f[:0]
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// splitLines returns the non-empty trimmed lines of s.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func tooLong(errs *app.FieldErrors, field, label, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		errs.Add(field, fmt.Sprintf("%s不能超过%d个字", label, max))
	}
}

// --- participants ---

// AddTopicParticipant adds a participant to a topic. A member or unit
// already taking part is a field error.
func (db *DB) AddTopicParticipant(ctx context.Context, actor app.Actor, topicID int64, in ParticipantInput) (Participant, error) {
	in.Name, in.Affiliation, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Affiliation), strings.TrimSpace(in.Note)
	var errs app.FieldErrors
	if _, ok := participantLabels[in.Kind]; !ok {
		errs.Add("kind", "请选择参加主体的类别（委员、部门、专家或群众代表）")
	}
	tooLong(&errs, "name", "姓名或名称", in.Name, 60)
	tooLong(&errs, "affiliation", "单位或身份", in.Affiliation, 60)
	tooLong(&errs, "note", "备注", in.Note, 200)
	if len(errs) > 0 {
		return Participant{}, errs.Err()
	}
	p := Participant{TopicID: topicID, Kind: in.Kind, Affiliation: in.Affiliation, Note: in.Note}
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		dup := ""
		switch in.Kind {
		case ParticipantMember:
			id, name, workplace, err := tx.resolveMember(ctx, t.CommitteeID, in.MemberID, in.Member, "member")
			if err != nil {
				return err
			}
			p.MemberID, p.Name = id, name
			if p.Affiliation == "" {
				p.Affiliation = workplace
			}
			dup = `SELECT COUNT(*) FROM topic_participant WHERE topic_id = $1 AND member_id = $2`
		case ParticipantDepartment:
			if in.UnitID != 0 {
				u, err := tx.unitOfCommittee(ctx, t.CommitteeID, in.UnitID)
				if err != nil {
					errs.Add("unit_id", "请选择本政协的承办单位")
					return errs.Err()
				}
				p.UnitID, p.Name = u.ID, u.Name
				dup = `SELECT COUNT(*) FROM topic_participant WHERE topic_id = $1 AND unit_id = $2`
			} else {
				p.Name = in.Name
			}
		default:
			p.Name = in.Name
		}
		if p.Name == "" {
			errs.Add("name", "请填写姓名或名称")
			return errs.Err()
		}
		if dup != "" {
			var n int
			if err := tx.QueryRowContext(ctx, dup, topicID, max(p.MemberID, p.UnitID)).Scan(&n); err != nil {
				return app.Internal(err, "add participant")
			}
			if n > 0 {
				field := "member"
				if p.UnitID != 0 {
					field = "unit_id"
				}
				errs.Add(field, p.Name+"已是参加主体")
				return errs.Err()
			}
		}
		p.CreatedAt = tx.Now
		if err := tx.QueryRowContext(ctx, `INSERT INTO topic_participant (topic_id, kind, member_id, unit_id, name,
			affiliation, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, topicID, p.Kind,
			nullInt(p.MemberID), nullInt(p.UnitID), p.Name, p.Affiliation, p.Note, tx.Now).Scan(&p.ID); err != nil {
			return app.Internal(err, "add participant")
		}
		p.KindLabel = ParticipantKindLabel(p.Kind)
		return tx.Audit(ctx, actor, Change{Action: "topic_participant", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path,
			Summary: fmt.Sprintf("议题“%s”增加参加主体：%s（%s）", t.Title, p.Name, p.KindLabel), After: p})
	})
	return p, err
}

// RemoveTopicParticipant removes a participant from a topic.
func (db *DB) RemoveTopicParticipant(ctx context.Context, actor app.Actor, topicID, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		var p Participant
		if err := scanParticipant(tx.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM topic_participant
			WHERE id = $1 AND topic_id = $2`, id, topicID), &p); err != nil {
			return notFound(err, "参加主体", "remove participant")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM topic_participant WHERE id = $1`, id); err != nil {
			return app.Internal(err, "remove participant")
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_participant", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path,
			Summary: fmt.Sprintf("议题“%s”移除参加主体：%s（%s）", t.Title, p.Name, p.KindLabel), Before: p})
	})
}

const participantColumns = `id, topic_id, kind, COALESCE(member_id, 0), COALESCE(unit_id, 0), name, affiliation, note, created_at`

func scanParticipant(s scanner, p *Participant) error {
	err := s.Scan(&p.ID, &p.TopicID, &p.Kind, &p.MemberID, &p.UnitID, &p.Name, &p.Affiliation, &p.Note, &p.CreatedAt)
	p.KindLabel = ParticipantKindLabel(p.Kind)
	return err
}

func (db *DB) topicParticipants(ctx context.Context, topicID int64) ([]Participant, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+participantColumns+` FROM topic_participant WHERE topic_id = $1
		ORDER BY CASE kind WHEN 'member' THEN 1 WHEN 'department' THEN 2 WHEN 'expert' THEN 3 ELSE 4 END, id`, topicID)
	if err != nil {
		return nil, app.Internal(err, "topic participants")
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		if err := scanParticipant(rows, &p); err != nil {
			return nil, app.Internal(err, "topic participants")
		}
		out = append(out, p)
	}
	return out, app.Internal(rows.Err(), "topic participants")
}

// --- visits ---

// AddTopicVisit records a visit with its photos (JPEG or PNG); each member
// who joined earns a research duty event on the day it started.
func (db *DB) AddTopicVisit(ctx context.Context, actor app.Actor, topicID int64, in VisitInput, photos []DocumentInput) (Visit, error) {
	in.Places, in.Others, in.Findings = strings.TrimSpace(in.Places), strings.TrimSpace(in.Others), strings.TrimSpace(in.Findings)
	if in.EndsOn.IsZero() {
		in.EndsOn = in.StartsOn
	}
	var errs app.FieldErrors
	if _, ok := visitLabels[in.Kind]; !ok {
		errs.Add("kind", "请选择调研、视察或监督性调研")
	}
	if in.StartsOn.IsZero() {
		errs.Add("starts_on", "请填写开始日期")
	} else if in.EndsOn.Before(in.StartsOn) {
		errs.Add("ends_on", "结束日期不能早于开始日期")
	}
	places := splitLines(in.Places)
	switch {
	case len(places) == 0:
		errs.Add("places", "请填写调研视察的地点，每行一个")
	case len(places) > 100:
		errs.Add("places", "地点不能超过100个")
	}
	for _, p := range places {
		if utf8.RuneCountInString(p) > 80 {
			errs.Add("places", "每个地点不能超过80个字")
			break
		}
	}
	tooLong(&errs, "others", "其他参加人员", in.Others, 1000)
	tooLong(&errs, "findings", "调研发现", in.Findings, 10000)
	if len(photos) > 20 {
		errs.Add("photos", "照片不能超过20张")
	}
	if len(errs) > 0 {
		return Visit{}, errs.Err()
	}
	var v Visit
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		add := func(id int64, name string) {
			if !seen[id] {
				seen[id] = true
				v.Members = append(v.Members, VisitMember{MemberID: id, Name: name})
			}
		}
		for _, mid := range in.MemberIDs {
			id, name, _, err := tx.resolveMember(ctx, t.CommitteeID, mid, "", "members")
			if err != nil {
				return err
			}
			add(id, name)
		}
		for _, ref := range splitNames(in.Members) {
			id, name, _, err := tx.resolveMember(ctx, t.CommitteeID, 0, ref, "members")
			if err != nil {
				return err
			}
			add(id, name)
		}
		if len(v.Members) == 0 && in.Others == "" {
			errs.Add("members", "请填写参加调研视察的委员或其他人员")
			return errs.Err()
		}
		v = Visit{ID: 0, TopicID: topicID, Kind: in.Kind, KindLabel: VisitKindLabel(in.Kind), StartsOn: in.StartsOn,
			EndsOn: in.EndsOn, Places: places, Members: v.Members, Others: in.Others, Findings: in.Findings, CreatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO topic_visit (topic_id, committee_id, kind, starts_on, ends_on,
			places, others, findings, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			topicID, t.CommitteeID, in.Kind, in.StartsOn, in.EndsOn, strings.Join(places, "\n"), in.Others, in.Findings,
			tx.Now).Scan(&v.ID); err != nil {
			return app.Internal(err, "add visit")
		}
		events := make([]DutyEvent, 0, len(v.Members))
		for _, m := range v.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO topic_visit_member (visit_id, member_id) VALUES ($1, $2)`,
				v.ID, m.MemberID); err != nil {
				return app.Internal(err, "add visit member")
			}
			events = append(events, DutyEvent{CommitteeID: t.CommitteeID, MemberID: m.MemberID, Kind: DutyResearch,
				OccurredOn: in.StartsOn, Source: SourceTopicVisit, SourceID: v.ID})
		}
		if len(events) > 0 {
			if err := tx.RecordDuty(ctx, events...); err != nil {
				return err
			}
		}
		for _, ph := range photos {
			f, err := tx.addTopicFile(ctx, actor, t, ph, photoTypes, topicFileLink{VisitID: v.ID}, "photos")
			if err != nil {
				return err
			}
			v.Photos = append(v.Photos, f)
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_visit", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path,
			Summary: fmt.Sprintf("议题“%s”记录%s：%s，%s等%d处", t.Title, v.KindLabel, in.StartsOn.Chinese(), places[0],
				len(places)), After: v})
	})
	return v, err
}

func (db *DB) topicVisits(ctx context.Context, topicID int64, files []TopicFile) ([]Visit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, topic_id, kind, starts_on, ends_on, places, others, findings,
		created_at FROM topic_visit WHERE topic_id = $1 ORDER BY starts_on, id`, topicID)
	if err != nil {
		return nil, app.Internal(err, "topic visits")
	}
	defer rows.Close()
	var out []Visit
	index := map[int64]int{}
	for rows.Next() {
		var v Visit
		var places string
		if err := rows.Scan(&v.ID, &v.TopicID, &v.Kind, &v.StartsOn, &v.EndsOn, &places, &v.Others, &v.Findings,
			&v.CreatedAt); err != nil {
			return nil, app.Internal(err, "topic visits")
		}
		v.KindLabel, v.Places = VisitKindLabel(v.Kind), splitLines(places)
		index[v.ID] = len(out)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "topic visits")
	}
	rows.Close()
	mrows, err := db.read.QueryContext(ctx, `SELECT vm.visit_id, m.id, m.name FROM topic_visit_member vm
		JOIN topic_visit v ON v.id = vm.visit_id JOIN member m ON m.id = vm.member_id
		WHERE v.topic_id = $1 ORDER BY vm.visit_id, m.name, m.id`, topicID)
	if err != nil {
		return nil, app.Internal(err, "topic visit members")
	}
	defer mrows.Close()
	for mrows.Next() {
		var vid int64
		var m VisitMember
		if err := mrows.Scan(&vid, &m.MemberID, &m.Name); err != nil {
			return nil, app.Internal(err, "topic visit members")
		}
		if i, ok := index[vid]; ok {
			out[i].Members = append(out[i].Members, m)
		}
	}
	for _, f := range files {
		if i, ok := index[f.VisitID]; ok && f.VisitID != 0 {
			out[i].Photos = append(out[i].Photos, f)
		}
	}
	return out, app.Internal(mrows.Err(), "topic visit members")
}

// --- speeches ---

// AddTopicSpeech records a speech at the topic's consultation meeting,
// which must be linked first; a member speaker earns a speech duty event on
// the meeting's day.
func (db *DB) AddTopicSpeech(ctx context.Context, actor app.Actor, topicID int64, in SpeechInput) (Speech, error) {
	in.Speaker, in.Affiliation, in.Opinion = strings.TrimSpace(in.Speaker), strings.TrimSpace(in.Affiliation), strings.TrimSpace(in.Opinion)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Opinion); {
	case n == 0:
		errs.Add("opinion", "请填写发言要点或意见")
	case n > 10000:
		errs.Add("opinion", "发言内容不能超过10000个字")
	}
	tooLong(&errs, "speaker", "发言人", in.Speaker, 40)
	tooLong(&errs, "affiliation", "单位或身份", in.Affiliation, 60)
	if len(errs) > 0 {
		return Speech{}, errs.Err()
	}
	var sp Speech
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		if t.MeetingID == 0 {
			return app.Errorf(app.ECONFLICT, "请先关联协商会议，再记录会上的发言")
		}
		var startsAt time.Time
		if err := tx.QueryRowContext(ctx, `SELECT starts_at FROM meeting WHERE id = $1`, t.MeetingID).Scan(&startsAt); err != nil {
			return app.Internal(err, "speech meeting")
		}
		sp = Speech{TopicID: topicID, MeetingID: t.MeetingID, Speaker: in.Speaker, Affiliation: in.Affiliation,
			Opinion: in.Opinion, CreatedAt: tx.Now}
		if in.MemberID != 0 || strings.TrimSpace(in.Member) != "" {
			id, name, workplace, err := tx.resolveMember(ctx, t.CommitteeID, in.MemberID, in.Member, "member")
			if err != nil {
				return err
			}
			sp.MemberID, sp.Speaker = id, name
			if sp.Affiliation == "" {
				sp.Affiliation = workplace
			}
		}
		if sp.Speaker == "" {
			errs.Add("speaker", "请填写发言人（委员或其他人员）")
			return errs.Err()
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM topic_speech WHERE topic_id = $1`,
			topicID).Scan(&sp.Seq); err != nil {
			return app.Internal(err, "speech seq")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO topic_speech (topic_id, meeting_id, seq, member_id, speaker,
			affiliation, opinion, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, topicID, t.MeetingID,
			sp.Seq, nullInt(sp.MemberID), sp.Speaker, sp.Affiliation, sp.Opinion, tx.Now).Scan(&sp.ID); err != nil {
			return app.Internal(err, "add speech")
		}
		if sp.MemberID != 0 {
			if err := tx.RecordDuty(ctx, DutyEvent{CommitteeID: t.CommitteeID, MemberID: sp.MemberID, Kind: DutySpeech,
				OccurredOn: app.DateOf(startsAt.In(db.Loc)), MeetingID: t.MeetingID, Source: SourceTopicSpeech,
				SourceID: sp.ID}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_speech", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path, Summary: fmt.Sprintf("议题“%s”记录%s的发言", t.Title, sp.Speaker),
			After: sp})
	})
	return sp, err
}

func (db *DB) topicSpeeches(ctx context.Context, topicID int64) ([]Speech, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, topic_id, COALESCE(meeting_id, 0), seq, COALESCE(member_id, 0),
		speaker, affiliation, opinion, created_at FROM topic_speech WHERE topic_id = $1 ORDER BY seq`, topicID)
	if err != nil {
		return nil, app.Internal(err, "topic speeches")
	}
	defer rows.Close()
	var out []Speech
	for rows.Next() {
		var s Speech
		if err := rows.Scan(&s.ID, &s.TopicID, &s.MeetingID, &s.Seq, &s.MemberID, &s.Speaker, &s.Affiliation,
			&s.Opinion, &s.CreatedAt); err != nil {
			return nil, app.Internal(err, "topic speeches")
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "topic speeches")
}

// --- outcomes ---

func (in *OutcomeInput) validate() app.FieldErrors {
	in.Title, in.Body, in.SentTo = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.SentTo)
	var errs app.FieldErrors
	if _, ok := outcomeLabels[in.Kind]; !ok {
		errs.Add("kind", "请选择成果类别（建议案、调研报告或协商意见）")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "成果标题不能为空")
	case n > 100:
		errs.Add("title", "成果标题不能超过100个字")
	}
	tooLong(&errs, "body", "成果正文", in.Body, 50000)
	tooLong(&errs, "sent_to", "报送单位", in.SentTo, 100)
	if in.SentTo != "" && in.SentOn.IsZero() {
		errs.Add("sent_on", "请填写报送日期")
	}
	if in.SentTo == "" && !in.SentOn.IsZero() {
		errs.Add("sent_to", "请填写报送给谁（如县委、县政府）")
	}
	return errs
}

// AddTopicOutcome records an outcome with an optional document (PDF or
// Word).
func (db *DB) AddTopicOutcome(ctx context.Context, actor app.Actor, topicID int64, in OutcomeInput, doc *DocumentInput) (Outcome, error) {
	if errs := in.validate(); len(errs) > 0 {
		return Outcome{}, errs.Err()
	}
	var o Outcome
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		o = Outcome{TopicID: topicID, Kind: in.Kind, KindLabel: OutcomeKindLabel(in.Kind), Title: in.Title, Body: in.Body,
			SentTo: in.SentTo, SentOn: in.SentOn, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO topic_outcome (topic_id, kind, title, body, sent_to, sent_on,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, topicID, in.Kind, in.Title,
			in.Body, in.SentTo, dateText(in.SentOn), tx.Now).Scan(&o.ID); err != nil {
			return app.Internal(err, "add outcome")
		}
		if doc != nil {
			f, err := tx.addTopicFile(ctx, actor, t, *doc, documentTypes, topicFileLink{OutcomeID: o.ID}, "file")
			if err != nil {
				return err
			}
			o.Files = append(o.Files, f)
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_outcome", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path, Summary: fmt.Sprintf("议题“%s”形成%s“%s”", t.Title, o.KindLabel, o.Title),
			After: o})
	})
	return o, err
}

// UpdateTopicOutcome changes an outcome's text and where it was sent, and
// adds a document when one is given.
func (db *DB) UpdateTopicOutcome(ctx context.Context, actor app.Actor, topicID, id int64, in OutcomeInput, doc *DocumentInput) (Outcome, error) {
	if errs := in.validate(); len(errs) > 0 {
		return Outcome{}, errs.Err()
	}
	var after Outcome
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, false)
		if err != nil {
			return err
		}
		before, err := tx.outcomeOf(ctx, topicID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic_outcome SET kind = $2, title = $3, body = $4, sent_to = $5,
			sent_on = $6, updated_at = $7 WHERE id = $1`, id, in.Kind, in.Title, in.Body, in.SentTo, dateText(in.SentOn),
			tx.Now); err != nil {
			return app.Internal(err, "update outcome")
		}
		if doc != nil {
			if _, err := tx.addTopicFile(ctx, actor, t, *doc, documentTypes, topicFileLink{OutcomeID: id}, "file"); err != nil {
				return err
			}
		}
		if after, err = tx.outcomeOf(ctx, topicID, id); err != nil {
			return err
		}
		summary := fmt.Sprintf("议题“%s”修改%s“%s”", t.Title, after.KindLabel, in.Title)
		if in.SentTo != "" && before.SentTo == "" {
			summary = fmt.Sprintf("议题“%s”的%s“%s”报送%s", t.Title, after.KindLabel, in.Title, in.SentTo)
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_outcome", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path, Summary: summary, Before: before, After: after})
	})
	return after, err
}

func dateText(d app.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

const outcomeColumns = `id, topic_id, kind, title, body, sent_to, sent_on, created_at, updated_at`

func scanOutcome(s scanner, o *Outcome) error {
	var sentOn string
	err := s.Scan(&o.ID, &o.TopicID, &o.Kind, &o.Title, &o.Body, &o.SentTo, &sentOn, &o.CreatedAt, &o.UpdatedAt)
	o.KindLabel = OutcomeKindLabel(o.Kind)
	if sentOn != "" {
		o.SentOn, _ = app.ParseDate(sentOn)
	}
	return err
}

func (tx *Tx) outcomeOf(ctx context.Context, topicID, id int64) (Outcome, error) {
	var o Outcome
	err := scanOutcome(tx.QueryRowContext(ctx, `SELECT `+outcomeColumns+` FROM topic_outcome WHERE id = $1 AND topic_id = $2`,
		id, topicID), &o)
	return o, notFound(err, "协商成果", "find outcome")
}

func (db *DB) topicOutcomes(ctx context.Context, topicID int64, files []TopicFile) ([]Outcome, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+outcomeColumns+` FROM topic_outcome WHERE topic_id = $1 ORDER BY id`, topicID)
	if err != nil {
		return nil, app.Internal(err, "topic outcomes")
	}
	defer rows.Close()
	var out []Outcome
	for rows.Next() {
		var o Outcome
		if err := scanOutcome(rows, &o); err != nil {
			return nil, app.Internal(err, "topic outcomes")
		}
		for _, f := range files {
			if f.OutcomeID == o.ID {
				o.Files = append(o.Files, f)
			}
		}
		out = append(out, o)
	}
	return out, app.Internal(rows.Err(), "topic outcomes")
}

// FindTopicWork returns what was recorded on a topic the actor sees:
// participants, visits with photos, speeches, outcomes with documents, and
// the assignments to handling units with every reply.
func (db *DB) FindTopicWork(ctx context.Context, actor app.Actor, topicID int64) (TopicWork, error) {
	var w TopicWork
	if !auth.Role(actor.Role).Can(auth.ConsultRead) {
		return w, app.NotFound("议题")
	}
	if _, err := db.findTopic(ctx, db.read, actor, topicID); err != nil {
		return w, err
	}
	files, err := db.topicFiles(ctx, `f.topic_id = $1`, topicID)
	if err != nil {
		return w, err
	}
	if w.Participants, err = db.topicParticipants(ctx, topicID); err != nil {
		return w, err
	}
	if w.Visits, err = db.topicVisits(ctx, topicID, files); err != nil {
		return w, err
	}
	if w.Speeches, err = db.topicSpeeches(ctx, topicID); err != nil {
		return w, err
	}
	if w.Outcomes, err = db.topicOutcomes(ctx, topicID, files); err != nil {
		return w, err
	}
	w.Assignments, err = db.assignments(ctx, `a.topic_id = $1`, topicID, files)
	return w, err
}
