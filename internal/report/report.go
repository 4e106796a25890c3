// Package report writes the summary sentences of the statistics dashboard
// in the style of the committees' own reports ("2026年以来，市政协共召开全体
// 会议1次、常委会会议4次……"), from figures handed in, with every number
// traceable: each sentence comes with the figures it used, their values and
// where they were counted. Pure: no database, no clock.
package report

import (
	"strconv"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
)

// Figure is a number a sentence quotes, as quoted, and where it comes from.
type Figure struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Summary is the sentences with the figures behind them.
type Summary struct {
	Text    string   `json:"text"`
	Figures []Figure `json:"figures"`
}

// KindCount is one kind of meeting held.
type KindCount struct {
	Label string
	Held  int
}

// Input are the dashboard's figures the sentences draw on.
type Input struct {
	Who                string // 市政协
	From, To           app.Date
	Today              app.Date // to say 以来 when the period runs up to now
	Meetings           []KindCount
	Expected, Present  int
	Elections          int
	Topics             int
	Outcomes, Feedback int
	RoomsVillages      int // 0: no room figure
	RoomsCovered       int
	Rooms              int
	Submitted, Filed   int
	Rated, Satisfied   int // Satisfied: 满意 and 基本满意
	ReportsAdopted     int
	AssistSentence     string          // the assistance figures' own sentence, when there are any
	Assist             *assist.Figures // and the figures it quotes
}

// Period names the period as the reports do: 2026年 for a whole year,
// 2026年以来 for a year so far, 2026年第二季度, 2026年3月, otherwise
// 2026年1月10日至6月30日.
func Period(from, to, today app.Date) string {
	y := strconv.Itoa(from.Y) + "年"
	yearEnd := to.M == time.December && to.D == 31
	monthEnd := to.D == time.Date(to.Y, to.M+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch {
	case from.Y != to.Y:
	case from.M == time.January && from.D == 1 && yearEnd:
		return y
	case from.M == time.January && from.D == 1 && !today.IsZero() && !today.Before(to) && to == today:
		return y + "以来"
	case from.D == 1 && monthEnd && from.M == to.M:
		return y + strconv.Itoa(int(from.M)) + "月"
	case from.D == 1 && monthEnd && (from.M-1)%3 == 0 && to.M == from.M+2:
		return y + "第" + []string{"一", "二", "三", "四"}[(from.M-1)/3] + "季度"
	}
	end := strconv.Itoa(int(to.M)) + "月" + strconv.Itoa(to.D) + "日"
	if to.Y != from.Y {
		end = strconv.Itoa(to.Y) + "年" + end
	}
	return from.Chinese() + "至" + end
}

type writer struct {
	parts []string
	figs  []Figure
}

func (w *writer) fig(name, value, source string) string {
	w.figs = append(w.figs, Figure{Name: name, Value: value, Source: source})
	return value
}

func n(i int) string { return strconv.Itoa(i) }

// Write writes the summary. Figures that are zero are left out, as the
// reports leave out what did not happen; with nothing at all it says so.
func Write(in Input) Summary {
	w := &writer{}
	var meetings []string
	for _, k := range in.Meetings {
		if k.Held > 0 {
			meetings = append(meetings, k.Label+w.fig(k.Label, n(k.Held), "会议：期间内召开（已开启签到；全体会议以其任一场大会开启为准）的"+k.Label)+"次")
		}
	}
	var clauses []string
	if len(meetings) > 0 {
		c := "共召开" + strings.Join(meetings, "、")
		if in.Expected > 0 {
			r := assist.Ratio{Num: in.Present, Den: in.Expected}
			c += "，委员出席率" + w.fig("委员出席率", r.Percent(), "会议签到：实到"+n(in.Present)+"人次 ÷ 应到"+n(in.Expected)+"人次")
		}
		clauses = append(clauses, c)
	}
	if in.Elections > 0 {
		clauses = append(clauses, "完成选举"+w.fig("选举", n(in.Elections), "选举：期间内会议上已签字或确认的选举")+"项")
	}
	if in.Topics > 0 {
		c := "开展协商议题" + w.fig("协商议题", n(in.Topics), "协商议题：所涉年度的议题") + "个"
		if in.Outcomes > 0 {
			r := assist.Ratio{Num: in.Feedback, Den: in.Outcomes}
			c += "，形成协商成果" + w.fig("协商成果", n(in.Outcomes), "协商成果：所涉年度议题的成果") + "项，成果反馈率" +
				w.fig("成果反馈率", r.Percent(), "协商成果：各承办单位均已答复的"+n(in.Feedback)+"项 ÷ "+n(in.Outcomes)+"项")
		}
		clauses = append(clauses, c)
	}
	if in.RoomsVillages > 0 {
		r := assist.Ratio{Num: in.RoomsCovered, Den: in.RoomsVillages}
		c := "建成基层协商议事室" + w.fig("议事室", n(in.Rooms), "议事室：在用的议事室") + "个，"
		if r.Full() {
			c += "实现村（社区）全覆盖"
		} else {
			c += "覆盖村（社区）" + w.fig("覆盖村（社区）", n(in.RoomsCovered), "议事室覆盖：有在用议事室服务的村（社区）") + "个，覆盖率" +
				w.fig("议事室覆盖率", r.Percent(), "议事室覆盖："+n(in.RoomsCovered)+" ÷ 村（社区）总数"+n(in.RoomsVillages))
		}
		clauses = append(clauses, c)
	}
	if in.Submitted > 0 {
		c := "收到提案" + w.fig("提案", n(in.Submitted), "提案：期间内提交（已编号）的提案") + "件，立案" +
			w.fig("立案", n(in.Filed), "提案：其中审查立案的") + "件"
		if in.Rated > 0 {
			r := assist.Ratio{Num: in.Satisfied, Den: in.Rated}
			c += "，办理满意率" + w.fig("提案办理满意率", r.Percent(), "提案评价：满意和基本满意"+n(in.Satisfied)+"件次 ÷ 评价"+n(in.Rated)+"件次")
		}
		clauses = append(clauses, c)
	}
	if in.ReportsAdopted > 0 {
		clauses = append(clauses, "社情民意信息被采用"+w.fig("社情民意信息采用", n(in.ReportsAdopted), "社情民意：期间内有采用记录的信息")+"篇")
	}
	var b strings.Builder
	b.WriteString(Period(in.From, in.To, in.Today) + "，" + in.Who)
	if len(clauses) == 0 {
		b.WriteString("暂无统计数据。")
	} else {
		b.WriteString(strings.Join(clauses, "；") + "。")
	}
	if in.AssistSentence != "" {
		b.WriteString(in.AssistSentence)
		if f := in.Assist; f != nil {
			const src = "帮扶工作统计（期末结对情况，期间内走访、慰问和问题）"
			w.fig("结对帮扶干部", n(f.Cadres), src)
			w.fig("结对户数", n(f.Paired), src)
			w.fig("结对人数", n(f.Persons), src)
			w.fig("走访覆盖率", f.VisitCoverage().Percent(), src+"：走访"+n(f.Visited)+"户 ÷ 结对"+n(f.Paired)+"户")
			w.fig("解决问题", n(f.ProblemsSolved), src)
		}
	}
	return Summary{Text: b.String(), Figures: w.figs}
}
