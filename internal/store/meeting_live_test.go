package store_test

import (
	"context"
	"reflect"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// FindExpectedMember gives the same line as ExpectedMembers, before the
// meeting opens (computed body) and after (frozen list), and nothing for a
// member not expected or a meeting out of scope.
func TestFindExpectedMember(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		same := func(when string) {
			t.Helper()
			list, err := db.ExpectedMembers(ctx, a, m.ID)
			if err != nil || len(list) == 0 {
				t.Fatalf("%s: expected %v %v", when, list, err)
			}
			for _, want := range list {
				got, err := db.FindExpectedMember(ctx, a, m.ID, want.MemberID)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: line of %s\n got %+v %v\nwant %+v", when, want.Name, got, err, want)
				}
			}
			_, err = db.FindExpectedMember(ctx, a, m.ID, w.wu.ID) // no seat in the term
			wantErr(t, when+": member not expected", err, app.ENOTFOUND, "", "")
			_, err = db.FindExpectedMember(ctx, w.actorB, m.ID, w.zhang.ID)
			wantErr(t, when+": county B", err, app.ENOTFOUND, "", "")
		}
		l, err := db.RequestLeave(ctx, w.memberActor(w.qian), m.ID, w.qian.ID, "外出学习")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideLeave(ctx, a, l.ID, true); err != nil {
			t.Fatal(err)
		}
		same("before opening")
		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{w.zhang.ID, w.sun.ID} {
			if _, err := db.SignIn(ctx, a, m.ID, id, store.SignInClerk, w.at("2024-06-10", 8, 50)); err != nil {
				t.Fatal(err)
			}
		}
		same("open")
		got, err := db.FindExpectedMember(ctx, a, m.ID, w.zhang.ID)
		if err != nil || !got.SignedIn || got.Method != store.SignInClerk || got.SignedAt.IsZero() {
			t.Fatalf("signed in: %+v %v", got, err)
		}
		if got, _ := db.FindExpectedMember(ctx, a, m.ID, w.qian.ID); got.Leave != store.LeaveApproved || got.SignedIn {
			t.Fatalf("on leave: %+v", got)
		}
	})
}
