package meeting

import (
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Input is what a form or the API supplies to create or edit a meeting.
type Input struct {
	TermID   int64       `json:"term_id"`
	Kind     Kind        `json:"kind"`
	Seq      int         `json:"seq"`       // 0: the next number in the term (numbered kinds only)
	ParentID int64       `json:"parent_id"` // the plenary session, for a sitting
	Sitting  SittingKind `json:"sitting"`
	Title    string      `json:"title"` // required for unnumbered kinds; computed otherwise
	Topic    string      `json:"topic"`
	StartsAt time.Time   `json:"starts_at"`
	EndsAt   time.Time   `json:"ends_at"`
	Place    string      `json:"place"`
	Presider string      `json:"presider"`
	Quorum   *QuorumRule `json:"quorum"`   // nil: the kind's default
	Invitees []int64     `json:"invitees"` // member ids, for kinds whose body is a named list
}

// Normalize trims the text fields.
func (in *Input) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Topic = strings.TrimSpace(in.Topic)
	in.Place = strings.TrimSpace(in.Place)
	in.Presider = strings.TrimSpace(in.Presider)
}

// Validate checks the fields that need no database.
func (in Input) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if !in.Kind.Valid() {
		errs.Add("kind", "请选择会议类型")
	}
	if in.TermID == 0 {
		errs.Add("term_id", "请选择届次")
	}
	if in.Kind == Sitting {
		if in.ParentID == 0 {
			errs.Add("parent_id", "请选择所属的全体会议")
		}
		if !in.Sitting.Valid() {
			errs.Add("sitting", "请选择会次：开幕会、大会发言、闭幕会或选举大会")
		}
	}
	if in.Kind.Valid() && !in.Kind.Numbered() && in.Kind != Sitting && in.Title == "" {
		errs.Add("title", "请填写会议名称")
	}
	if utf8.RuneCountInString(in.Title) > 100 {
		errs.Add("title", "会议名称不能超过100个字")
	}
	if utf8.RuneCountInString(in.Topic) > 200 {
		errs.Add("topic", "协商议题不能超过200个字")
	}
	if utf8.RuneCountInString(in.Place) > 100 {
		errs.Add("place", "会议地点不能超过100个字")
	}
	if utf8.RuneCountInString(in.Presider) > 50 {
		errs.Add("presider", "主持人不能超过50个字")
	}
	if in.Seq < 0 || in.Seq > 999 {
		errs.Add("seq", "会次应在1至999之间")
	}
	if in.StartsAt.IsZero() {
		errs.Add("starts_at", "请填写开始时间")
	}
	if !in.EndsAt.IsZero() && !in.EndsAt.After(in.StartsAt) {
		errs.Add("ends_at", "结束时间应晚于开始时间")
	}
	if in.Quorum != nil {
		if msg := in.Quorum.Check(); msg != "" {
			errs.Add("quorum", msg)
		}
	}
	if in.Kind.Valid() && in.Kind.Body() == BodyNamed && len(in.Invitees) == 0 {
		errs.Add("invitees", "请选择参会委员")
	}
	return errs
}
