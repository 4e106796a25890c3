// Package org holds the four tiers of organisations (市政协 → 县/区政协 →
// 乡镇/街道 → 村/社区), committee terms (届), sectors (界别) and special
// committees (专门委员会), with the rules that keep the tree well formed.
package org

import (
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Kind is an organisation's tier.
type Kind string

const (
	City     Kind = "city"     // 市政协
	County   Kind = "county"   // 县(区)政协
	Township Kind = "township" // 乡镇(街道)
	Village  Kind = "village"  // 村(社区)
)

// Kinds lists the tiers from the top.
var Kinds = []Kind{City, County, Township, Village}

// Label is the tier's Chinese name.
func (k Kind) Label() string {
	switch k {
	case City:
		return "市政协"
	case County:
		return "县(区)政协"
	case Township:
		return "乡镇(街道)"
	case Village:
		return "村(社区)"
	}
	return string(k)
}

// Valid reports whether k is a known tier.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// IsCommittee reports whether organisations of this tier are committees with
// members, terms and sectors (only city and county levels are).
func (k Kind) IsCommittee() bool { return k == City || k == County }

// ChildKind is the tier directly below k, or "" for villages.
func (k Kind) ChildKind() Kind {
	switch k {
	case City:
		return County
	case County:
		return Township
	case Township:
		return Village
	}
	return ""
}

// CanParent reports whether an organisation of kind child may sit directly
// under one of kind parent. A city committee is a root; the others sit one
// tier below their parent.
func CanParent(parent, child Kind) bool {
	if parent == "" {
		return child == City
	}
	return parent.ChildKind() == child
}

// Org is one node of the tree.
type Org struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"` // the nearest committee at or above
	ParentID    int64     `json:"parent_id"`    // 0 for a root
	Kind        Kind      `json:"kind"`
	Name        string    `json:"name"`
	ShortName   string    `json:"short_name"`
	Code        string    `json:"code"` // administrative division code, optional
	Path        string    `json:"path"`
	Depth       int       `json:"depth"`
	Sort        int       `json:"sort"`
	Archived    bool      `json:"archived"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// KindLabel is the tier's Chinese name.
func (o Org) KindLabel() string { return o.Kind.Label() }

// WrittenName is the name a committee's texts write — notices, minutes,
// the 选举办法 and election results: its short name (市政协) or, without
// one, its name.
func (o Org) WrittenName() string {
	if o.ShortName != "" {
		return o.ShortName
	}
	return o.Name
}

// IsCommittee reports whether the organisation is a committee.
func (o Org) IsCommittee() bool { return o.Kind.IsCommittee() }

// Input is what a form or API call supplies to create or edit an organisation.
type Input struct {
	ParentID  int64  `json:"parent_id"`
	Kind      Kind   `json:"kind"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Code      string `json:"code"`
	Sort      int    `json:"sort"`
}

// Normalize trims the text fields.
func (in *Input) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.Code = strings.TrimSpace(in.Code)
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
}

// Validate checks the fields that do not need the database; parentKind is the
// kind of the chosen parent ("" for none).
func (in Input) Validate(parentKind Kind) app.FieldErrors {
	var errs app.FieldErrors
	if in.Name == "" {
		errs.Add("name", "名称不能为空")
	} else if utf8.RuneCountInString(in.Name) > 60 {
		errs.Add("name", "名称不能超过60个字")
	}
	if utf8.RuneCountInString(in.ShortName) > 20 {
		errs.Add("short_name", "简称不能超过20个字")
	}
	if in.Code != "" && !isDigits(in.Code, 6, 12) {
		errs.Add("code", "行政区划代码应为6至12位数字")
	}
	if !in.Kind.Valid() {
		errs.Add("kind", "请选择组织层级")
	} else if !CanParent(parentKind, in.Kind) {
		if parentKind == "" {
			errs.Add("parent_id", "只有市政协可以作为顶级组织")
		} else {
			errs.Add("kind", parentKind.Label()+"下只能设立"+parentKind.ChildKind().Label())
		}
	}
	if in.Sort < 0 || in.Sort > 100000 {
		errs.Add("sort", "排序号应在0至100000之间")
	}
	return errs
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Move is a recorded change of parent: moving keeps the node's history.
type Move struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	FromParentID int64     `json:"from_parent_id"`
	ToParentID   int64     `json:"to_parent_id"`
	FromPath     string    `json:"from_path"`
	ToPath       string    `json:"to_path"`
	FromName     string    `json:"from_parent_name"`
	ToName       string    `json:"to_parent_name"`
	Reason       string    `json:"reason"`
	MovedAt      time.Time `json:"moved_at"`
	AccountID    int64     `json:"account_id"`
}

// CheckMove validates moving node (kind k, path p) under newParent.
func CheckMove(node Org, newParent Org, reason string) app.FieldErrors {
	var errs app.FieldErrors
	switch {
	case newParent.ID == node.ID || strings.HasPrefix(newParent.Path, node.Path):
		errs.Add("parent_id", "不能移动到自身或其下级组织之下")
	case newParent.ID == node.ParentID:
		errs.Add("parent_id", "新上级与原上级相同")
	case !CanParent(newParent.Kind, node.Kind):
		errs.Add("parent_id", node.Kind.Label()+"只能隶属于"+parentLabel(node.Kind))
	case newParent.Archived:
		errs.Add("parent_id", "不能移动到已撤销的组织之下")
	}
	if utf8.RuneCountInString(strings.TrimSpace(reason)) > 200 {
		errs.Add("reason", "调整原因不能超过200个字")
	}
	return errs
}

func parentLabel(k Kind) string {
	for _, p := range Kinds {
		if p.ChildKind() == k {
			return p.Label()
		}
	}
	return "无"
}
