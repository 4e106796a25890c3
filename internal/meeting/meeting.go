// Package meeting holds meetings (会议) of a committee: their kinds and the
// body each expects, numbering the Chinese way (十三届四次会议), attendance
// and quorum as data, deliberation votes with pass rules as data, rostrum
// seating by protocol order, and sign-in tokens for the QR code. Pure rules:
// no SQL, no HTTP, no clock.
package meeting

import (
	"time"

	"xieshang/internal/app"
)

// Kind is a meeting's kind.
type Kind string

const (
	Plenary   Kind = "plenary"   // 全体会议 (a session of the plenary: 十三届四次会议)
	Standing  Kind = "standing"  // 常委会会议
	Chairs    Kind = "chairs"    // 主席会议
	Bimonthly Kind = "bimonthly" // 双月协商会
	Thematic  Kind = "thematic"  // 专题协商会
	Symposium Kind = "symposium" // 协商座谈会
	OnSite    Kind = "onsite"    // 现场观摩推进会
	Sitting   Kind = "sitting"   // a sitting within a plenary session (开幕会, 大会发言, 闭幕会, 选举大会)
)

// Kinds in display order.
var Kinds = []Kind{Plenary, Standing, Chairs, Bimonthly, Thematic, Symposium, OnSite, Sitting}

// Body is who a meeting expects (应到).
type Body string

const (
	BodyAll      Body = "all"      // all members of the term
	BodyStanding Body = "standing" // standing-committee members (incl. chair, vice-chairs, secretary-general)
	BodyChairs   Body = "chairs"   // chair, vice-chairs, secretary-general
	BodyNamed    Body = "named"    // a named list
)

// SittingKind is the kind of a sitting within a plenary session.
type SittingKind string

const (
	Opening  SittingKind = "opening"  // 开幕会
	Speeches SittingKind = "speeches" // 大会发言
	Closing  SittingKind = "closing"  // 闭幕会
	Election SittingKind = "election" // 选举大会
)

// Status is where a meeting stands.
type Status string

const (
	Draft    Status = "draft"    // 筹备中
	Notified Status = "notified" // 已通知
	Open     Status = "open"     // 进行中 (sign-in open)
	Closed   Status = "closed"   // 已结束
)

// Meeting is one meeting or sitting.
type Meeting struct {
	ID          int64       `json:"id"`
	CommitteeID int64       `json:"committee_id"`
	TermID      int64       `json:"term_id"`
	TermNumber  int         `json:"term_number"`
	Kind        Kind        `json:"kind"`
	Seq         int         `json:"seq"` // number within term and kind (0 for unnumbered kinds)
	ParentID    int64       `json:"parent_id"`
	Sitting     SittingKind `json:"sitting"`
	Title       string      `json:"title"` // computed for numbered kinds, typed for others
	Topic       string      `json:"topic"` // for consultation meetings: the topic
	StartsAt    time.Time   `json:"starts_at"`
	EndsAt      time.Time   `json:"ends_at"`
	Place       string      `json:"place"`
	Presider    string      `json:"presider"` // 主持人
	Status      Status      `json:"status"`
	Quorum      QuorumRule  `json:"quorum"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Day is the meeting's civil date in loc (the body is taken on this day).
func (m Meeting) Day(loc *time.Location) app.Date { return app.DateOf(m.StartsAt.In(loc)) }

// QuorumRule is when a meeting may proceed: present members compared with a
// fraction of the expected members (应到), strictly more or at least. The
// record keeps the rule that was applied.
type QuorumRule struct {
	Num    int  `json:"num"`
	Den    int  `json:"den"`
	Strict bool `json:"strict"` // true: more than (超过); false: at least (不少于)
}

// Tally is a deliberation vote's figures.
type Tally struct {
	For      int `json:"for"`
	Against  int `json:"against"`
	Abstain  int `json:"abstain"`
	NotVoted int `json:"not_voted"`
}

// PassBase is what a pass rule's fraction is taken of.
type PassBase string

const (
	BaseExpected PassBase = "expected" // 应到 (default: more than half of all expected members)
	BasePresent  PassBase = "present"  // 实到
	BaseCast     PassBase = "cast"     // votes cast (for + against + abstain)
)

// PassRule is when a deliberation vote passes: for-votes compared with a
// fraction of a base.
type PassRule struct {
	Num    int      `json:"num"`
	Den    int      `json:"den"`
	Strict bool     `json:"strict"`
	Base   PassBase `json:"base"`
}

// Attendance is a meeting's figures: 应到, 实到, 请假, 缺席, and guests apart.
type Attendance struct {
	Expected int `json:"expected"` // 应到
	Present  int `json:"present"`  // 实到
	Excused  int `json:"excused"`  // 请假 (approved leave, not present)
	Absent   int `json:"absent"`   // 缺席
	Late     int `json:"late"`     // signed in after the start
	Guests   int `json:"guests"`   // 列席/应邀出席, never counted
}
