package org

import (
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Term is a committee's term of office (届), e.g. 第十三届, usually five years.
type Term struct {
	ID          int64    `json:"id"`
	CommitteeID int64    `json:"committee_id"`
	Number      int      `json:"number"`
	StartDate   app.Date `json:"start_date"`
	EndDate     app.Date `json:"end_date"` // zero while the term runs
}

// Covers reports whether day falls within the term.
func (t Term) Covers(day app.Date) bool {
	if day.Before(t.StartDate) {
		return false
	}
	return t.EndDate.IsZero() || !day.After(t.EndDate)
}

// TermInput is what a form supplies for a term.
type TermInput struct {
	Number    int      `json:"number"`
	StartDate app.Date `json:"start_date"`
	EndDate   app.Date `json:"end_date"`
}

// Validate checks a term's fields.
func (in TermInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.Number < 1 || in.Number > 99 {
		errs.Add("number", "届次应在1至99之间")
	}
	if in.StartDate.IsZero() {
		errs.Add("start_date", "请填写本届开始日期")
	}
	if !in.EndDate.IsZero() && !in.StartDate.IsZero() && !in.EndDate.After(in.StartDate) {
		errs.Add("end_date", "结束日期应晚于开始日期")
	}
	return errs
}

// Sector is a 界别, a grouping of members (中共, 民革, 工商联, 教育界 …).
type Sector struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	Name        string `json:"name"`
	Sort        int    `json:"sort"`
}

// SpecialCommittee is a 专门委员会 (提案委员会, 经济委员会 …).
type SpecialCommittee struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	Name        string `json:"name"`
	Sort        int    `json:"sort"`
}

// NamedInput is what a form supplies for a sector or special committee.
type NamedInput struct {
	Name string `json:"name"`
	Sort int    `json:"sort"`
}

// Validate checks a sector's or special committee's fields.
func (in *NamedInput) Validate() app.FieldErrors {
	in.Name = strings.TrimSpace(in.Name)
	var errs app.FieldErrors
	if in.Name == "" {
		errs.Add("name", "名称不能为空")
	} else if utf8.RuneCountInString(in.Name) > 40 {
		errs.Add("name", "名称不能超过40个字")
	}
	if in.Sort < 0 || in.Sort > 100000 {
		errs.Add("sort", "排序号应在0至100000之间")
	}
	return errs
}

// DefaultSectors are the sectors a new committee usually starts with.
var DefaultSectors = []string{
	"中国共产党", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社",
	"无党派人士", "共青团", "工会", "妇联", "工商联", "科协", "台联",
	"文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "教育界",
	"体育界", "新闻出版界", "医药卫生界", "对外友好界", "社会福利和社会保障界",
	"少数民族界", "宗教界", "特邀人士",
}

// DefaultSpecialCommittees are the special committees a new committee usually has.
var DefaultSpecialCommittees = []string{
	"提案委员会", "经济委员会", "农业和农村委员会", "人口资源环境委员会",
	"教科卫体委员会", "社会和法制委员会", "民族宗教委员会",
	"港澳台侨和外事委员会", "文化文史和学习委员会",
}
