package workflow

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
)

var roles = []string{"office", "unit"}
var reqs = map[string]string{"reason": "须填写理由", "outcome": "须先形成成果"}

func small() Graph {
	return Graph{Kind: "topic", Initial: "a",
		States: []State{{Code: "a", Label: "甲", DueDays: 10}, {Code: "b", Label: "乙", Progress: 50},
			{Code: "c", Label: "丙", Final: true, Progress: 100}, {Code: "x", Label: "否", Final: true}},
		Transitions: []Transition{
			{From: "a", To: "b", Label: "推进", Roles: []string{"office"}},
			{From: "a", To: "x", Label: "否决", Roles: []string{"office"}, Requires: []string{"reason"}},
			{From: "b", To: "c", Label: "完成", Roles: []string{"office", "unit"}, Requires: []string{"outcome"}},
		}}
}

func TestValidate(t *testing.T) {
	if errs := small().Validate(roles, reqs); len(errs) != 0 {
		t.Fatalf("valid graph refused: %v", errs)
	}
	cases := []struct {
		name string
		edit func(g *Graph)
		want string
	}{
		{"bad code", func(g *Graph) { g.States[0].Code = "A b" }, "只能由小写字母"},
		{"duplicate code", func(g *Graph) { g.States[1].Code = "a" }, "重复"},
		{"no label", func(g *Graph) { g.States[1].Label = " " }, "名称不能为空"},
		{"unknown initial", func(g *Graph) { g.Initial = "z" }, "初始状态"},
		{"unknown state", func(g *Graph) { g.Transitions[0].To = "z" }, "不存在的状态"},
		{"unknown role", func(g *Graph) { g.Transitions[0].Roles = []string{"boss"} }, "角色“boss”不存在"},
		{"no role", func(g *Graph) { g.Transitions[0].Roles = nil }, "没有指定"},
		{"unknown requirement", func(g *Graph) { g.Transitions[2].Requires = []string{"magic"} }, "条件“magic”不存在"},
		{"unreachable", func(g *Graph) { g.States = append(g.States, State{Code: "lost", Label: "孤立", Final: true}) }, "无法到达"},
		{"final with a way out", func(g *Graph) { g.States[1].Final = true }, "终结状态“乙”"},
		{"dead end", func(g *Graph) { g.States[2].Final = false }, "没有可以流转的下一步"},
		{"duplicate transition", func(g *Graph) { g.Transitions = append(g.Transitions, g.Transitions[0]) }, "重复"},
		{"progress out of range", func(g *Graph) { g.States[1].Progress = 101 }, "进度"},
	}
	for _, c := range cases {
		g := small()
		c.edit(&g)
		errs := g.Validate(roles, reqs)
		if errs.Err() == nil || !strings.Contains(errs.Err().Error()+fmt.Sprint(errs), c.want) {
			t.Errorf("%s: errors %v, want one containing %q", c.name, errs, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	g := small()
	if tr, err := g.Check("b", "c", "unit"); err != nil || tr.Label != "完成" {
		t.Fatalf("allowed transition: %v %v", tr, err)
	}
	_, err := g.Check("b", "c", "member")
	if app.ErrorCode(err) != app.EFORBIDDEN {
		t.Errorf("wrong role: %v", err)
	}
	_, err = g.Check("a", "c", "office")
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "“推进”（到乙）") {
		t.Errorf("missing transition: %v", err)
	}
	_, err = g.Check("c", "a", "office")
	if !strings.Contains(err.Error(), "不能再流转") {
		t.Errorf("from a final state: %v", err)
	}
	if n := g.Next("a", "office"); len(n) != 2 || n[0].To != "b" {
		t.Errorf("Next: %v", n)
	}
	if n := g.Next("a", "unit"); len(n) != 0 {
		t.Errorf("Next for unit: %v", n)
	}
}

func TestDueAndProgress(t *testing.T) {
	g := small()
	since := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if g.Overdue("a", since, since.AddDate(0, 0, 10)) {
		t.Error("overdue on the last day")
	}
	if !g.Overdue("a", since, since.AddDate(0, 0, 10).Add(time.Minute)) {
		t.Error("not overdue after the limit")
	}
	if g.Overdue("b", since, since.AddDate(5, 0, 0)) || g.Overdue("c", since, since.AddDate(5, 0, 0)) {
		t.Error("a state without limit, or a final one, is never overdue")
	}
	if g.Progress("b") != 50 || g.Progress("gone") != 0 || g.Label("gone") != "gone" {
		t.Error("progress/label")
	}
	for _, c := range []struct {
		own      int
		children []int
		want     int
	}{{35, nil, 35}, {10, []int{100, 50}, 75}, {0, []int{100, 0, 0}, 33}} {
		if got := Rollup(c.own, c.children); got != c.want {
			t.Errorf("Rollup(%d, %v) = %d, want %d", c.own, c.children, got, c.want)
		}
	}
}
