package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// Cadre pickers (pairing, visits, a cadre's leaving, handovers) do not list
// every active cadre of the scope: a province has 8,500, and two pickers of
// them were 90 % of a household page's 973 KB. A picker offers the cadres of
// a township's subtree (a household is usually paired with its township's
// cadres), at most cadreNearCap, and the cadres whose name holds what the
// page's cadre_q asks (its PickerSearch), at most cadreSearchCap. The forms
// post the same cadre ids as before.

const (
	cadreSearchParam = "cadre_q"
	cadreSearchCap   = 50
	cadreNearCap     = 100
)

// cadrePicker builds a page's cadre pickers.
type cadrePicker struct {
	near    []store.CadreChoice // the township's cadres
	nearIn  string              // the township's name
	more    bool                // the township has more than cadreNearCap
	found   []store.CadreChoice // the search's matches
	asked   string
	tooMany bool
	kept    []store.CadreChoice // the cadres a form sent back with errors had chosen
}

// newCadrePicker reads the cadres a page's pickers offer: those of the
// township of near (an organisation id: a village stands for its township;
// 0 offers none), the matches of the page's cadre_q, and the cadre named
// by a posted field of keep (a form shown again keeps its choice); only
// cadres of committee when it is not 0.
func (s *Server) newCadrePicker(r *http.Request, near, committee int64, keep ...string) (*cadrePicker, error) {
	ctx, a := r.Context(), actor(r)
	p := &cadrePicker{asked: strings.TrimSpace(r.URL.Query().Get(cadreSearchParam))}
	if utf8.RuneCountInString(p.asked) > 30 {
		p.asked = string([]rune(p.asked)[:30])
	}
	if near != 0 {
		o, err := s.db.FindOrgByID(ctx, a, near)
		if err != nil {
			return nil, err
		}
		if o.Kind == org.Village {
			if town, err := s.db.FindOrgByID(ctx, a, o.ParentID); err == nil {
				o = town
			}
		}
		p.nearIn = o.Name
		if p.near, p.more, err = s.db.FindCadreChoices(ctx, a, store.CadreChoiceFilter{OrgID: o.ID,
			CommitteeID: committee, Limit: cadreNearCap}); err != nil {
			return nil, err
		}
	}
	if p.asked != "" {
		var err error
		if p.found, p.tooMany, err = s.db.FindCadreChoices(ctx, a, store.CadreChoiceFilter{Query: p.asked,
			CommitteeID: committee, Limit: cadreSearchCap}); err != nil {
			return nil, err
		}
	}
	for _, name := range keep {
		if id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64); err == nil && id > 0 && !p.offers(id) {
			if c, err := s.db.FindCadreByID(ctx, a, id); err == nil && c.Active() && (committee == 0 || c.CommitteeID == committee) {
				p.kept = append(p.kept, store.CadreChoice{ID: c.ID, Name: c.Name, Post: c.Post, OrgID: c.OrgID, OrgName: c.OrgName})
			}
		}
	}
	return p, nil
}

func (p *cadrePicker) offers(id int64) bool {
	for _, list := range [][]store.CadreChoice{p.near, p.found, p.kept} {
		for _, c := range list {
			if c.ID == id {
				return true
			}
		}
	}
	return false
}

// Options are a picker's choices after first (its empty choice).
func (p *cadrePicker) Options(first string) []view.Option {
	out := []view.Option{{Label: first}}
	for _, c := range p.kept {
		out = append(out, cadreOption(c, ""))
	}
	if p.nearIn == "" && p.asked == "" {
		out = append(out, view.Option{Label: "请先在上方按姓名查找干部", Disabled: true})
	}
	if p.nearIn != "" {
		capped := ""
		if p.more {
			capped = "只列出前" + strconv.Itoa(cadreNearCap) + "名，其他请按姓名查找"
		}
		out = append(out, cadreGroup(p.nearIn+"的干部", p.near, "没有在岗干部，请按姓名查找", capped)...)
	}
	if p.asked != "" {
		capped := ""
		if p.tooMany {
			capped = "只列出前" + strconv.Itoa(cadreSearchCap) + "名，请输入更多字缩小范围"
		}
		out = append(out, cadreGroup("姓名含“"+p.asked+"”的干部", p.found, "没有找到，请换个写法", capped)...)
	}
	return out
}

// cadreGroup is one group of a picker: its cadres, then a disabled note
// saying that it is empty, or (capped, when not "") that it shows only the
// first ones.
func cadreGroup(group string, cs []store.CadreChoice, empty, capped string) []view.Option {
	var out []view.Option
	for _, c := range cs {
		out = append(out, cadreOption(c, group))
	}
	switch {
	case len(cs) == 0:
		out = append(out, view.Option{Label: empty, Group: group, Disabled: true})
	case capped != "":
		out = append(out, view.Option{Label: capped, Group: group, Disabled: true})
	}
	return out
}

func cadreOption(c store.CadreChoice, group string) view.Option {
	return view.Option{Value: app.Itoa(c.ID), Label: c.Name + "（" + c.OrgName + "）", Group: group}
}

// Search is the search form above the first form with a picker; action is
// the page's path and keep its other query parameters.
func (p *cadrePicker) Search(action string, keep url.Values) *view.PickerSearch {
	hint := "按姓名查找其他干部，结果列在下方选择框的末尾"
	switch {
	case p.asked != "" && len(p.found) > 0:
		hint = "请在下方的选择框中选择查找结果"
	case p.nearIn != "":
		hint = "选择框列出" + p.nearIn + "的在岗干部；" + hint
	}
	return &view.PickerSearch{Action: action + "#cadre-search", Name: cadreSearchParam, Label: "查找干部", Value: p.asked,
		Hint: hint, Keep: keep}
}

// cadreListKeep and pairingListKeep are the list filters a cadre search
// on those pages keeps.
func cadreListKeep(r *http.Request) url.Values { return keepQuery(r, "org_id") }

func pairingListKeep(r *http.Request) url.Values { return keepQuery(r, "cadre_id", "kind", "active") }

func keepQuery(r *http.Request, names ...string) url.Values {
	out := url.Values{}
	for _, n := range names {
		if v := r.URL.Query().Get(n); v != "" {
			out.Set(n, v)
		}
	}
	return out
}
