// Package workflow is the one state-graph engine that consultation topics and
// proposals share. A Graph is data — states, the transitions allowed between
// them, which roles may take each and which requirements each needs — kept
// per committee and editable without code changes. Requirements are named by
// code; the store knows how to check each code (a topic's "participants"
// means at least one participant is recorded), so a graph can only use codes
// the store knows (Validate takes them).
package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// State is one state of a graph.
type State struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Final    bool   `json:"final,omitempty"`
	Progress int    `json:"progress"`           // 0–100 along the main path, for progress figures
	DueDays  int    `json:"due_days,omitempty"` // staying longer is overdue; 0: no limit
}

// Transition allows moving from one state to another.
type Transition struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Label    string   `json:"label"`              // the action's name, e.g. 选定
	Roles    []string `json:"roles"`              // account roles that may take it
	Requires []string `json:"requires,omitempty"` // requirement codes checked before it is taken
}

// Graph is a committee's workflow for one kind of record.
type Graph struct {
	Kind        string       `json:"kind"`
	Initial     string       `json:"initial"`
	States      []State      `json:"states"`
	Transitions []Transition `json:"transitions"`
}

var codeOK = func(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Validate checks that the graph is well formed: codes unique and made of
// lower-case letters, digits and underscores; labels given; the initial
// state exists; every transition joins known states, names roles from
// roles and requirements from requirements (code → Chinese description);
// every state is reachable from the initial one; a final state has no way
// out and every other state has one. The errors name the state or
// transition.
func (g Graph) Validate(roles []string, requirements map[string]string) app.FieldErrors {
	var errs app.FieldErrors
	seen := map[string]bool{}
	for i, s := range g.States {
		switch {
		case !codeOK(s.Code):
			errs.Add("states", fmt.Sprintf("第%d个状态的代码“%s”只能由小写字母、数字和下划线组成（不超过40个字符）", i+1, s.Code))
		case seen[s.Code]:
			errs.Add("states", fmt.Sprintf("状态代码“%s”重复", s.Code))
		}
		seen[s.Code] = true
		if strings.TrimSpace(s.Label) == "" || utf8.RuneCountInString(s.Label) > 20 {
			errs.Add("states", fmt.Sprintf("状态“%s”的名称不能为空，也不能超过20个字", s.Code))
		}
		if s.Progress < 0 || s.Progress > 100 {
			errs.Add("states", fmt.Sprintf("状态“%s”的进度应在0到100之间", s.Code))
		}
		if s.DueDays < 0 || s.DueDays > 3650 {
			errs.Add("states", fmt.Sprintf("状态“%s”的办理时限应在0到3650天之间", s.Code))
		}
	}
	if len(g.States) == 0 {
		errs.Add("states", "至少需要一个状态")
	}
	if !seen[g.Initial] {
		errs.Add("initial", fmt.Sprintf("初始状态“%s”不在状态列表中", g.Initial))
	}
	out := map[string]int{}
	pairs := map[[2]string]bool{}
	for i, t := range g.Transitions {
		name := fmt.Sprintf("第%d个流转（%s→%s）", i+1, t.From, t.To)
		if !seen[t.From] || !seen[t.To] {
			errs.Add("transitions", name+"连接了不存在的状态")
			continue
		}
		if t.From == t.To {
			errs.Add("transitions", name+"的起止状态相同")
		}
		if pairs[[2]string{t.From, t.To}] {
			errs.Add("transitions", name+"重复")
		}
		pairs[[2]string{t.From, t.To}] = true
		if strings.TrimSpace(t.Label) == "" || utf8.RuneCountInString(t.Label) > 20 {
			errs.Add("transitions", name+"的操作名称不能为空，也不能超过20个字")
		}
		if len(t.Roles) == 0 {
			errs.Add("transitions", name+"没有指定可以操作的角色")
		}
		for _, r := range t.Roles {
			if !slices.Contains(roles, r) {
				errs.Add("transitions", fmt.Sprintf("%s的角色“%s”不存在", name, r))
			}
		}
		for _, q := range t.Requires {
			if _, ok := requirements[q]; !ok {
				errs.Add("transitions", fmt.Sprintf("%s的条件“%s”不存在（可用：%s）", name, q, requirementList(requirements)))
			}
		}
		out[t.From]++
	}
	if len(errs) > 0 {
		return errs
	}
	reach := g.reachable()
	for _, s := range g.States {
		if !reach[s.Code] {
			errs.Add("states", fmt.Sprintf("状态“%s”从初始状态无法到达", s.Label))
		}
		if s.Final && out[s.Code] > 0 {
			errs.Add("states", fmt.Sprintf("终结状态“%s”不能再流转到其他状态", s.Label))
		}
		if !s.Final && out[s.Code] == 0 {
			errs.Add("states", fmt.Sprintf("状态“%s”不是终结状态，却没有可以流转的下一步", s.Label))
		}
	}
	return errs
}

func requirementList(requirements map[string]string) string {
	codes := make([]string, 0, len(requirements))
	for c := range requirements {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return strings.Join(codes, "、")
}

func (g Graph) reachable() map[string]bool {
	reach := map[string]bool{g.Initial: true}
	queue := []string{g.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range g.Transitions {
			if t.From == s && !reach[t.To] {
				reach[t.To] = true
				queue = append(queue, t.To)
			}
		}
	}
	return reach
}

// State returns the state with the code.
func (g Graph) State(code string) (State, bool) {
	for _, s := range g.States {
		if s.Code == code {
			return s, true
		}
	}
	return State{}, false
}

// Label is the state's label, or the code itself for a state the graph no
// longer has (a record can sit in a state removed from an edited graph).
func (g Graph) Label(code string) string {
	if s, ok := g.State(code); ok {
		return s.Label
	}
	return code
}

// Next lists the transitions out of a state that role may take, in graph order.
func (g Graph) Next(from, role string) []Transition {
	var out []Transition
	for _, t := range g.Transitions {
		if t.From == from && slices.Contains(t.Roles, role) {
			out = append(out, t)
		}
	}
	return out
}

// Check finds the transition from → to and checks that role may take it.
// Errors: ECONFLICT when the graph has no such transition (naming the ways
// out there are), EFORBIDDEN when the role may not take it.
func (g Graph) Check(from, to, role string) (Transition, error) {
	for _, t := range g.Transitions {
		if t.From != from || t.To != to {
			continue
		}
		if !slices.Contains(t.Roles, role) {
			return t, app.Errorf(app.EFORBIDDEN, "当前账号不能执行“%s”", t.Label)
		}
		return t, nil
	}
	var ways []string
	for _, t := range g.Transitions {
		if t.From == from {
			ways = append(ways, "“"+t.Label+"”（到"+g.Label(t.To)+"）")
		}
	}
	if len(ways) == 0 {
		return Transition{}, app.Errorf(app.ECONFLICT, "“%s”状态下不能再流转", g.Label(from))
	}
	return Transition{}, app.Errorf(app.ECONFLICT, "不能从“%s”直接转到“%s”，可以进行的操作：%s",
		g.Label(from), g.Label(to), strings.Join(ways, "、"))
}

// Due is when a record that entered state at since becomes overdue; the
// zero time when the state has no limit or is final.
func (g Graph) Due(state string, since time.Time) time.Time {
	s, ok := g.State(state)
	if !ok || s.Final || s.DueDays == 0 {
		return time.Time{}
	}
	return since.AddDate(0, 0, s.DueDays)
}

// Overdue reports whether a record in state since then is overdue at now.
func (g Graph) Overdue(state string, since, now time.Time) bool {
	due := g.Due(state, since)
	return !due.IsZero() && now.After(due)
}

// Progress is the state's progress figure (0 for an unknown state).
func (g Graph) Progress(state string) int {
	s, _ := g.State(state)
	return s.Progress
}

// Rollup is a parent record's progress: its own when it has no children,
// otherwise the mean of its children's (rounded down), as a parent topic
// pushed down to counties is as far along as they are on average.
func Rollup(own int, children []int) int {
	if len(children) == 0 {
		return own
	}
	sum := 0
	for _, c := range children {
		sum += c
	}
	return sum / len(children)
}
