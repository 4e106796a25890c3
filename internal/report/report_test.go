package report

import (
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/assist"
)

func TestPeriod(t *testing.T) {
	d := app.MustDate
	for _, c := range []struct {
		from, to, today, want string
	}{
		{"2026-01-01", "2026-12-31", "2026-06-01", "2026年"},
		{"2026-01-01", "2026-05-20", "2026-05-20", "2026年以来"},
		{"2026-04-01", "2026-06-30", "2026-07-01", "2026年第二季度"},
		{"2026-03-01", "2026-03-31", "2026-07-01", "2026年3月"},
		{"2026-01-10", "2026-06-30", "2026-07-01", "2026年1月10日至6月30日"},
		{"2025-07-01", "2026-06-30", "2026-07-01", "2025年7月1日至2026年6月30日"},
		{"2026-01-01", "2026-05-20", "2026-07-01", "2026年1月1日至5月20日"},
	} {
		if got := Period(d(c.from), d(c.to), d(c.today)); got != c.want {
			t.Errorf("Period(%s, %s) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

func TestWrite(t *testing.T) {
	d := app.MustDate
	full := Input{Who: "市政协", From: d("2026-01-01"), To: d("2026-05-20"), Today: d("2026-05-20"),
		Meetings: []KindCount{{"全体会议", 1}, {"常委会会议", 4}, {"主席会议", 10}, {"专题协商会", 0}},
		Expected: 1000, Present: 923, Topics: 25, Outcomes: 8, Feedback: 6,
		RoomsVillages: 40, RoomsCovered: 40, Rooms: 38, Submitted: 312, Filed: 280, Rated: 200, Satisfied: 196, ReportsAdopted: 12}
	for _, c := range []struct {
		name string
		in   Input
		want string
		figs []string // name=value of every figure, in order
	}{
		{"full", full,
			"2026年以来，市政协共召开全体会议1次、常委会会议4次、主席会议10次，委员出席率92.3%；开展协商议题25个，形成协商成果8项，成果反馈率75.0%；" +
				"建成基层协商议事室38个，实现村（社区）全覆盖；收到提案312件，立案280件，办理满意率98.0%；社情民意信息被采用12篇。",
			[]string{"全体会议=1", "常委会会议=4", "主席会议=10", "委员出席率=92.3%", "协商议题=25", "协商成果=8", "成果反馈率=75.0%",
				"议事室=38", "提案=312", "立案=280", "提案办理满意率=98.0%", "社情民意信息采用=12"}},
		{"nothing", Input{Who: "县政协", From: d("2026-03-01"), To: d("2026-03-31")}, "2026年3月，县政协暂无统计数据。", nil},
		{"rooms short, no rate without ratings", Input{Who: "县政协", From: d("2026-01-01"), To: d("2026-12-31"),
			RoomsVillages: 3, RoomsCovered: 2, Rooms: 2, Submitted: 5, Filed: 4, Elections: 1},
			"2026年，县政协完成选举1项；建成基层协商议事室2个，覆盖村（社区）2个，覆盖率66.7%；收到提案5件，立案4件。",
			[]string{"选举=1", "议事室=2", "覆盖村（社区）=2", "议事室覆盖率=66.7%", "提案=5", "立案=4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Write(c.in)
			if s.Text != c.want {
				t.Errorf("text\n got %s\nwant %s", s.Text, c.want)
			}
			var figs []string
			for _, f := range s.Figures {
				figs = append(figs, f.Name+"="+f.Value)
				if f.Source == "" || !strings.Contains(s.Text, f.Value) {
					t.Errorf("figure %v not traceable in the text", f)
				}
			}
			if strings.Join(figs, " ") != strings.Join(c.figs, " ") {
				t.Errorf("figures\n got %v\nwant %v", figs, c.figs)
			}
		})
	}
	in := full
	in.AssistSentence = "市政协13名结对帮扶干部……"
	in.Assist = &assist.Figures{Cadres: 13, Paired: 13, Persons: 14, Visited: 13}
	s := Write(in)
	if !strings.HasSuffix(s.Text, "。市政协13名结对帮扶干部……") || s.Figures[len(s.Figures)-2].Value != "100.0%" {
		t.Errorf("assist: %s %v", s.Text, s.Figures)
	}
}
