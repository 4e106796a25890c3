package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// The meeting list's figures, read for a page at once, are AttendanceOf's
// for every open and closed meeting: sign-ins on time and late, an approved
// and a refused leave, guests; meetings not yet open and another county's
// are left out.
func TestAttendanceOfMeetingsMatchesAttendanceOf(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		mk := func(day string) meeting.Meeting {
			return mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
				StartsAt: w.at(day, 9, 0)})
		}
		busy, empty, closed, draft := mk("2024-06-10"), mk("2024-06-11"), mk("2024-06-12"), mk("2024-06-20")
		mustOK(t, "guest", func() error {
			_, err := db.AddGuest(ctx, a, busy.ID, store.GuestInput{Name: "刘局长", Kind: store.GuestAttending})
			return err
		}())
		qian, err := db.RequestLeave(ctx, a, busy.ID, w.qian.ID, "外出学习")
		mustOK(t, "leave", err)
		sun, err := db.RequestLeave(ctx, a, busy.ID, w.sun.ID, "身体原因")
		mustOK(t, "leave", err)
		_, err = db.DecideLeave(ctx, a, qian.ID, true)
		mustOK(t, "approve", err)
		_, err = db.DecideLeave(ctx, a, sun.ID, false)
		mustOK(t, "refuse", err)
		for _, m := range []meeting.Meeting{busy, empty, closed} {
			_, err := db.OpenMeeting(ctx, a, m.ID)
			mustOK(t, "open", err)
		}
		_, err = db.SignIn(ctx, a, busy.ID, w.zhang.ID, store.SignInClerk, w.at("2024-06-10", 8, 50))
		mustOK(t, "sign in", err)
		_, err = db.SignIn(ctx, w.memberActor(w.zhao), busy.ID, w.zhao.ID, store.SignInQR, w.at("2024-06-10", 9, 5))
		mustOK(t, "late sign in", err)
		_, err = db.SignIn(ctx, a, closed.ID, w.li.ID, store.SignInClerk, w.at("2024-06-12", 8, 55))
		mustOK(t, "sign in", err)
		db.Now = func() time.Time { return w.at("2024-06-12", 12, 0) }
		_, err = db.CloseMeeting(ctx, a, closed.ID)
		mustOK(t, "close", err)

		ids := []int64{busy.ID, empty.ID, closed.ID, draft.ID}
		got, err := db.AttendanceOfMeetings(ctx, a, ids)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got[draft.ID]; ok || len(got) != 3 {
			t.Fatalf("figures for %d meetings (%v), want the 3 opened", len(got), got)
		}
		for _, m := range []meeting.Meeting{busy, empty, closed} {
			want, err := db.AttendanceOf(ctx, a, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got[m.ID] != want {
				t.Errorf("meeting %s: %+v, AttendanceOf %+v", m.StartsAt.Format("01-02"), got[m.ID], want)
			}
		}
		if got[busy.ID].Late != 1 || got[busy.ID].Excused != 1 || got[busy.ID].Guests != 1 || got[busy.ID].Present != 2 {
			t.Fatalf("the busy meeting: %+v", got[busy.ID])
		}
		if other, err := db.AttendanceOfMeetings(ctx, w.actorB, ids); err != nil || len(other) != 0 {
			t.Fatalf("county B reads county A's figures: %v %v", other, err)
		}
		if none, err := db.AttendanceOfMeetings(ctx, a, nil); err != nil || len(none) != 0 {
			t.Fatalf("no ids: %v %v", none, err)
		}
	})
}
