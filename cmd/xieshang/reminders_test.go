package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/notice"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func TestParseReminders(t *testing.T) {
	tests := []struct {
		in   string
		want []notice.ReminderRule
		ok   bool
	}{
		{"", notice.DefaultReminders, true},
		{"off", nil, true},
		{"24,2:sms", []notice.ReminderRule{{HoursBefore: 24}, {HoursBefore: 2, Channels: []notice.Channel{notice.SMS}}}, true},
		{"48h:email+sms, 3", []notice.ReminderRule{{HoursBefore: 48, Channels: []notice.Channel{notice.Email, notice.SMS}}, {HoursBefore: 3}}, true},
		{"2:inapp", []notice.ReminderRule{{HoursBefore: 2, Channels: []notice.Channel{}}}, true},
		{"0", nil, false},
		{"abc", nil, false},
		{"24,24", nil, false},
		{"24:fax", nil, false},
		{"1000", nil, false},
	}
	for _, tt := range tests {
		got, err := parseReminders(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseReminders(%q) error %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if !slices.EqualFunc(got, tt.want, func(a, b notice.ReminderRule) bool {
			return a.HoursBefore == b.HoursBefore && slices.Equal(a.Channels, b.Channels) && (a.Channels == nil) == (b.Channels == nil)
		}) {
			t.Errorf("parseReminders(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestSelectReminders runs the selection at fixed times against a meeting
// starting at 9:00 on 24 May 2020, noticed three days before.
func TestSelectReminders(t *testing.T) {
	start := time.Date(2020, 5, 24, 1, 0, 0, 0, time.UTC) // 9:00 in Shanghai
	at := func(h float64) time.Time { return start.Add(-time.Duration(h * float64(time.Hour))) }
	rules := notice.DefaultReminders
	noticed := []time.Time{at(72)}
	tests := []struct {
		name  string
		now   time.Time
		sent  []time.Time
		hours int   // the rule of the reminder due; 0: none
		cover []int // what it settles
	}{
		{"two days before: nothing", at(48), noticed, 0, nil},
		{"a minute before the day-before reminder", at(24 + 1.0/60), noticed, 0, nil},
		{"the day before", at(24), noticed, 24, []int{24}},
		{"day-before reminder sent", at(20), append(slices.Clone(noticed), at(24)), 0, nil},
		{"two hours before", at(2), append(slices.Clone(noticed), at(24)), 2, []int{2}},
		{"server down the whole day: one reminder settles both", at(1), noticed, 2, []int{2, 24}},
		{"notice sent late settles the day-before reminder", at(10), []time.Time{at(20)}, 0, nil},
		{"both sent", at(1), append(slices.Clone(noticed), at(24), at(2)), 0, nil},
		{"meeting begun", at(0), noticed, 0, nil},
	}
	for _, tt := range tests {
		cands := []store.ReminderCandidate{{MeetingID: 7, StartsAt: start, SentAt: tt.sent}}
		due := selectReminders(tt.now, rules, cands)
		if tt.hours == 0 {
			if len(due) != 0 {
				t.Errorf("%s: due %+v, want none", tt.name, due)
			}
			continue
		}
		if len(due) != 1 || due[0].SourceID != 7 || due[0].Rule.HoursBefore != tt.hours || !slices.Equal(due[0].Covers, tt.cover) {
			t.Errorf("%s: due %+v, want the %d-hour rule covering %v", tt.name, due, tt.hours, tt.cover)
		}
	}
	if h := horizon(rules); h != 24*time.Hour {
		t.Errorf("horizon %v", h)
	}
}

// TestReminderRun sends reminders from a real database with a fixed clock:
// none before the notice, the day-before reminder once, then the two-hour
// one by SMS to everyone but the member whose leave was approved.
func TestReminderRun(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
		db.Now = func() time.Time { return clock }
		db.Notify = store.NoticeDelivery{Email: true, SMS: true}
		c, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "聊城市政协", ShortName: "市政协"})
		if err != nil {
			t.Fatal(err)
		}
		term, err := db.CreateTerm(ctx, app.System, c.ID, org.TermInput{Number: 13, StartDate: app.MustDate("2023-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		sector, err := db.CreateSector(ctx, app.System, c.ID, org.NamedInput{Name: "经济界", Sort: 1})
		if err != nil {
			t.Fatal(err)
		}
		var members []member.Member
		for i, name := range []string{"张三", "李四", "王五"} {
			m, err := db.CreateMemberInTerm(ctx, app.System, c.ID, member.Input{Name: name, Phone: "1380000000" + string(rune('1'+i))},
				&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, m)
		}
		start := clock.Add(72 * time.Hour)
		m, err := db.CreateMeeting(ctx, app.System, c.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
			StartsAt: start, Place: "东昌宾馆"})
		if err != nil {
			t.Fatal(err)
		}
		r := &reminder{db: db, rules: notice.DefaultReminders}
		run := func(want int) {
			t.Helper()
			n, err := r.runOnce(ctx)
			if err != nil || n != want {
				t.Fatalf("at %s: sent %d (%v), want %d", clock, n, err, want)
			}
		}
		clock = start.Add(-23 * time.Hour)
		run(0) // no notice yet: nothing to remind of
		clock = start.Add(-72 * time.Hour)
		if _, err := db.SendMeetingNotice(ctx, app.System, m.ID); err != nil {
			t.Fatal(err)
		}
		run(0)
		clock = start.Add(-23 * time.Hour)
		run(1)
		run(0)
		if id, err := db.SendMeetingReminder(ctx, m.ID, notice.DefaultReminders); err != nil || id != 0 {
			t.Fatalf("second node's reminder: %d %v", id, err)
		}
		l, err := db.RequestLeave(ctx, app.System, m.ID, members[1].ID, "外出学习")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideLeave(ctx, app.System, l.ID, true); err != nil {
			t.Fatal(err)
		}
		clock = start.Add(-90 * time.Minute)
		run(1)
		run(0)
		clock = start.Add(time.Minute)
		run(0)

		ns, err := db.FindMeetingNotices(ctx, app.System, m.ID)
		if err != nil || len(ns) != 3 {
			t.Fatalf("notices %+v %v", ns, err)
		}
		if ns[0].Kind != notice.KindMeeting || ns[0].Subject != "关于召开市政协十三届一次会议的通知" || ns[0].Recipients != 3 {
			t.Errorf("notice %+v", ns[0])
		}
		if ns[1].Kind != notice.KindReminder || ns[1].Subject != "会前提醒：市政协十三届一次会议" || ns[1].Recipients != 3 {
			t.Errorf("day-before reminder %+v", ns[1])
		}
		if ns[2].Recipients != 2 {
			t.Errorf("two-hour reminder went to %d, want 2 (leave approved for one)", ns[2].Recipients)
		}
		rs, _, err := db.FindNoticeRecipients(ctx, app.System, ns[2].ID, store.RecipientFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range rs {
			if x.MemberID == members[1].ID {
				t.Errorf("member on leave reminded: %+v", x)
			}
			if x.SMSStatus != "pending" || x.EmailStatus != "" {
				t.Errorf("two-hour reminder should go by SMS only: %+v", x)
			}
		}
		after, err := db.FindMeetingByID(ctx, app.System, m.ID)
		if err != nil || after.Status != meeting.Notified {
			t.Errorf("meeting status %q %v, want notified", after.Status, err)
		}
	})
}
