package web

import (
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// The figures page opens on the whole quarter of the day, whichever month
// of it that is.
func TestQuarterOf(t *testing.T) {
	for _, c := range []struct {
		day  string
		want store.AssistPeriod
	}{
		{"2026-11-15", store.AssistPeriod{From: "2026-10", To: "2026-12"}},
		{"2026-01-01", store.AssistPeriod{From: "2026-01", To: "2026-03"}},
		{"2026-06-30", store.AssistPeriod{From: "2026-04", To: "2026-06"}},
		{"2026-08-02", store.AssistPeriod{From: "2026-07", To: "2026-09"}},
	} {
		if got := quarterOf(app.MustDate(c.day)); got != c.want {
			t.Errorf("quarterOf(%s) = %v, want %v", c.day, got, c.want)
		}
	}
}
