package notice

import (
	"slices"
	"time"
)

// ReminderRule says when to remind people of an event and how: "24 hours
// before, by SMS". A list of rules is data a committee configures, e.g.
// DefaultReminders.
type ReminderRule struct {
	HoursBefore int       `json:"hours_before"`
	Channels    []Channel `json:"channels"` // besides the inbox; nil: every configured channel
}

// DefaultReminders: the day before, and two hours before.
var DefaultReminders = []ReminderRule{
	{HoursBefore: 24},
	{HoursBefore: 2, Channels: []Channel{SMS}},
}

// Scheduled is one upcoming event that may need reminders: a meeting, say.
type Scheduled struct {
	SourceID int64          // the event, e.g. the meeting's id
	StartsAt time.Time      // when it begins
	Rules    []ReminderRule // the reminders wanted
	Sent     []int          // HoursBefore of the reminders already sent
}

// Reminder is a reminder due now.
type Reminder struct {
	SourceID int64
	Rule     ReminderRule
	// Covers lists the HoursBefore of every rule this reminder settles: when
	// several came due together (the server was down, or the event was
	// announced late), one reminder is sent, by the rule nearest the start,
	// and the caller records them all as sent.
	Covers []int
}

// DueReminders returns the reminders due at now, one per event at most,
// ordered by start time. A rule is due from StartsAt−HoursBefore until the
// event starts, unless already sent; nothing is due once an event has begun.
// Rules with HoursBefore ≤ 0 are ignored.
func DueReminders(now time.Time, items []Scheduled) []Reminder {
	type due struct {
		at time.Time
		r  Reminder
	}
	var out []due
	for _, it := range items {
		if !now.Before(it.StartsAt) {
			continue
		}
		var pick *ReminderRule
		var covers []int
		for i, rule := range it.Rules {
			if rule.HoursBefore <= 0 || slices.Contains(it.Sent, rule.HoursBefore) ||
				slices.Contains(covers, rule.HoursBefore) {
				continue
			}
			if now.Before(it.StartsAt.Add(-time.Duration(rule.HoursBefore) * time.Hour)) {
				continue
			}
			covers = append(covers, rule.HoursBefore)
			if pick == nil || rule.HoursBefore < pick.HoursBefore {
				pick = &it.Rules[i]
			}
		}
		if pick != nil {
			slices.Sort(covers)
			out = append(out, due{it.StartsAt, Reminder{SourceID: it.SourceID, Rule: *pick, Covers: covers}})
		}
	}
	slices.SortStableFunc(out, func(a, b due) int { return a.at.Compare(b.at) })
	rs := make([]Reminder, len(out))
	for i, d := range out {
		rs[i] = d.r
	}
	return rs
}
