package assist

import (
	"strings"
	"testing"

	"xieshang/internal/app"
)

func dates(ss ...string) []app.Date {
	var out []app.Date
	for _, s := range ss {
		out = append(out, app.MustDate(s))
	}
	return out
}

func dueText(ds []Due) string {
	var s []string
	for _, d := range ds {
		mark := "soon"
		if d.Overdue {
			mark = "overdue"
		}
		s = append(s, d.Household+":"+d.Kind+":"+mark+":"+d.DueOn.String())
	}
	return strings.Join(s, " ")
}

func TestDueVisits(t *testing.T) {
	regular := Rules{VisitEveryDays: 30}
	spring := Rules{Occasions: []Occasion{{Code: "spring_festival", Label: "春节", Dates: []string{"2026-02-17"}, WithinDays: 15}}}
	yearly := Rules{Occasions: []Occasion{{Code: "elders", Label: "重阳节", Month: 10, Day: 29, WithinDays: 3},
		{Code: "illness", Label: "生病住院", WithinDays: 7}}}
	p := func(name, start string, visits ...string) PairingVisits {
		return PairingVisits{CadreID: 1, CadreName: "甲", Household: name, StartsOn: app.MustDate(start), Visits: dates(visits...)}
	}
	tests := []struct {
		name  string
		rules Rules
		today string
		ps    []PairingVisits
		want  string
	}{
		{"never visited, started 40 days ago", regular, "2026-03-12", []PairingVisits{p("A", "2026-01-31")},
			"A:regular:overdue:2026-03-02"},
		{"visited recently: nothing due", regular, "2026-03-12", []PairingVisits{p("A", "2025-01-01", "2026-03-01")}, ""},
		{"due within 7 days", regular, "2026-03-25", []PairingVisits{p("A", "2025-01-01", "2026-03-01")},
			"A:regular:soon:2026-03-31"},
		{"8 days ahead is not yet due", regular, "2026-03-23", []PairingVisits{p("A", "2025-01-01", "2026-03-01")}, ""},
		{"exactly on the due day", regular, "2026-03-31", []PairingVisits{p("A", "2025-01-01", "2026-03-01")},
			"A:regular:soon:2026-03-31"},
		{"future-dated visits ignored", regular, "2026-03-12", []PairingVisits{p("A", "2026-01-31", "2026-04-01")},
			"A:regular:overdue:2026-03-02"},
		{"overdue before due soon", regular, "2026-03-12", []PairingVisits{p("B", "2026-02-12"), p("A", "2026-01-01")},
			"A:regular:overdue:2026-01-31 B:regular:soon:2026-03-14"},
		{"spring festival window opens soon", spring, "2026-01-28", []PairingVisits{p("A", "2025-01-01")},
			"A:spring_festival:soon:2026-03-04"},
		{"spring festival visited in window", spring, "2026-02-20", []PairingVisits{p("A", "2025-01-01", "2026-02-10")}, ""},
		{"visit before the window does not count", spring, "2026-02-20", []PairingVisits{p("A", "2025-01-01", "2026-01-20")},
			"A:spring_festival:soon:2026-03-04"},
		{"spring festival missed", spring, "2026-03-10", []PairingVisits{p("A", "2025-01-01")},
			"A:spring_festival:overdue:2026-03-04"},
		{"missed long ago drops off", spring, "2026-04-10", []PairingVisits{p("A", "2025-01-01")}, ""},
		{"paired after the window closed", spring, "2026-03-10", []PairingVisits{p("A", "2026-03-05")}, ""},
		{"yearly date, event occasions never due", yearly, "2026-10-24", []PairingVisits{p("A", "2025-01-01")},
			"A:elders:soon:2026-11-01"},
		{"no rules", Rules{}, "2026-10-24", []PairingVisits{p("A", "2025-01-01")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dueText(DueVisits(tt.rules, tt.ps, app.MustDate(tt.today)))
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestByCadre(t *testing.T) {
	ds := []Due{{CadreID: 2, CadreName: "乙", Overdue: true}, {CadreID: 1, CadreName: "甲"}, {CadreID: 2, CadreName: "乙"}}
	g := ByCadre(ds)
	if len(g) != 2 || g[0].CadreID != 2 || len(g[0].Overdue) != 1 || len(g[0].Soon) != 1 || len(g[1].Soon) != 1 {
		t.Fatalf("groups %+v", g)
	}
	if DaysBetween(app.MustDate("2026-02-27"), app.MustDate("2026-03-01")) != 2 {
		t.Fatal("days between")
	}
}
