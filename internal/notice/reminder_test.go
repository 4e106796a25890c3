package notice

import (
	"reflect"
	"testing"
	"time"
)

func TestDueReminders(t *testing.T) {
	start := time.Date(2026, 5, 8, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
	rules := []ReminderRule{{HoursBefore: 24}, {HoursBefore: 2, Channels: []Channel{SMS}}}
	at := func(h float64) time.Time { return start.Add(-time.Duration(h * float64(time.Hour))) }
	tests := []struct {
		name   string
		now    time.Time
		sent   []int
		hours  int // the rule expected, 0: none due
		covers []int
	}{
		{"two days before", at(48), nil, 0, nil},
		{"just before 24h", at(24.01), nil, 0, nil},
		{"exactly 24h", at(24), nil, 24, []int{24}},
		{"12h before", at(12), nil, 24, []int{24}},
		{"12h before, sent", at(12), []int{24}, 0, nil},
		{"2h before", at(2), []int{24}, 2, []int{2}},
		{"1h before, both unsent: one reminder covers both", at(1), nil, 2, []int{2, 24}},
		{"all sent", at(1), []int{2, 24}, 0, nil},
		{"started", at(0), nil, 0, nil},
		{"over", at(-1), nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DueReminders(tt.now, []Scheduled{{SourceID: 7, StartsAt: start, Rules: rules, Sent: tt.sent}})
			if tt.hours == 0 {
				if len(got) != 0 {
					t.Fatalf("want none, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].SourceID != 7 || got[0].Rule.HoursBefore != tt.hours ||
				!reflect.DeepEqual(got[0].Covers, tt.covers) {
				t.Fatalf("got %+v, want rule %d covering %v", got, tt.hours, tt.covers)
			}
		})
	}
}

func TestDueRemindersOrderAndOddRules(t *testing.T) {
	now := time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC)
	items := []Scheduled{
		{SourceID: 1, StartsAt: now.Add(5 * time.Hour), Rules: []ReminderRule{{HoursBefore: 24}}},
		{SourceID: 2, StartsAt: now.Add(time.Hour), Rules: []ReminderRule{{HoursBefore: 24}}},
		{SourceID: 3, StartsAt: now.Add(time.Hour), Rules: []ReminderRule{{HoursBefore: 0}, {HoursBefore: -3}}},
		{SourceID: 4, StartsAt: now.Add(time.Hour), Rules: []ReminderRule{{HoursBefore: 2}, {HoursBefore: 2}}},
		{SourceID: 5, StartsAt: now.Add(time.Hour)},
	}
	got := DueReminders(now, items)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.SourceID)
	}
	if !reflect.DeepEqual(ids, []int64{2, 4, 1}) {
		t.Fatalf("order %v, want [2 4 1]", ids)
	}
	if !reflect.DeepEqual(got[1].Covers, []int{2}) {
		t.Fatalf("duplicate rule counted twice: %v", got[1].Covers)
	}
}
