package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/duty"
	"xieshang/internal/store"
)

// 履职活动 of the province world — trainings, study sessions, visits to
// members, investment trips, commendations — with their participants, in
// the number that brings the duty events to Counts.DutyEvents: every other
// kind of event comes from the records that earn it, and these fill the
// rest. Then the derived tables are rebuilt by the store's own functions
// and the statistics refreshed.

// activities writes the 履职活动 and their participants' duty events.
func (pl *provLoader) activities(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedActivities)
	left := pl.c.DutyEvents - pl.dutyWritten
	if left < 0 {
		return fmt.Errorf("the records already earn %d duty events, more than the %d planned", pl.dutyWritten, pl.c.DutyEvents)
	}
	ids, err := pl.nextIDs(ctx, "activity")
	if err != nil {
		return err
	}
	var acts, parts [][]any
	var events []dutyRow
	from := app.MustDate("2017-03-01")
	span := daysBetween(from, provToday) - 2
	for left > 0 {
		pc := pl.committees[r.IntN(len(pl.committees))]
		d := addDays(from, r.IntN(span))
		t := 0
		if !d.Before(pc.start[1]) {
			t = 1
		}
		kind := duty.DefaultActivityKinds[r.IntN(len(duty.DefaultActivityKinds))]
		id := ids["activity"]
		ids["activity"]++
		title := fmt.Sprintf("%d年%s", d.Y, pick(r, activityTitles[kind.Code]))
		figures := "[]"
		if kind.Code == "investment" {
			figures = fmt.Sprintf(`[{"name":"考察企业","value":%d},{"name":"签约项目","value":%d}]`, 3+r.IntN(10), r.IntN(4))
		}
		acts = append(acts, []any{id, pc.org.ID, pc.org.ID, kind.Code, title, d.String(), addDays(d, r.IntN(3)).String(),
			pc.place, title + "，委员积极参与。", figures, pc.org.Name + "办公室", at(d, 18, 0), at(d, 18, 0)})
		n := min(left, 8+r.IntN(40), len(pc.seated[t]))
		seated := pc.seated[t]
		start := r.IntN(len(seated))
		var chosen []int
		for k := range n {
			chosen = append(chosen, seated[(start+k*7)%len(seated)])
		}
		slices.Sort(chosen)
		chosen = slices.Compact(chosen)
		for k, i := range chosen {
			m := pc.members[i]
			role := "参加"
			if k == 0 {
				role = "带队"
			}
			parts = append(parts, []any{id, m.id, m.name, role, "", k + 1})
			events = append(events, dutyRow{committee: pc.org.ID, member: m.id, kind: duty.ActivityPrefix + kind.Code,
				on: d.String(), source: store.SourceActivity, sourceID: id})
		}
		parts = append(parts, []any{id, nil, pc.org.Name + "机关干部", "工作人员", "", len(chosen) + 1})
		left -= len(chosen)
	}
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"履职活动", "activity", "id, org_id, committee_id, kind, title, starts_on, ends_on, places, summary, figures_json, " +
			"organiser, created_at, updated_at", acts},
		{"履职活动参加人员", "activity_participant", "activity_id, member_id, name, role, note, sort", parts},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return pl.writeDuty("履职活动", events)
}

// rebuild recomputes the derived tables from the records (duty tally,
// assistance rollups, the search index) and refreshes the planner's
// statistics.
func (pl *provLoader) rebuild(ctx context.Context) error {
	step := func(what string, fn func() error) error {
		started := time.Now()
		if err := fn(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		pl.prog.note(what, time.Since(started))
		return nil
	}
	if err := step("履职积分汇总", func() error { return pl.db.RebuildDutyTally(ctx) }); err != nil {
		return err
	}
	if err := step("帮扶统计", func() error {
		for _, pc := range pl.committees[1:] {
			if err := pl.db.RebuildAssistRollups(ctx, pl.actor, pc.org.ID); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := step("全文检索索引", func() error {
		base := map[string]int{}
		sum := 0
		pl.prog.load("全文检索索引", 0, 0)
		return pl.db.RebuildSearch(ctx, func(kind string, done, total int) {
			if _, ok := base[kind]; !ok {
				base[kind] = sum
				sum += total
			}
			pl.prog.set(base[kind] + done)
		})
	}); err != nil {
		return err
	}
	return step("统计信息(ANALYZE)", func() error { return pl.db.Analyze(ctx) })
}
