package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// BenchmarkCastBallot measures the electronic-voting path: a plenary of
// county A with 2,000 members on the roll (about 1,700 seated on the day),
// all signed in, one open vote, ballots cast and changed in turn by the
// members. "serial" is one ballot after another; "parallel" is GOMAXPROCS
// voters at once (SQLite has one writer, so this shows the queueing, not
// more throughput). The sign-in of the whole body during setup is reported
// as signins/s. XIESHANG_TEST_DB=postgres runs it on PostgreSQL.
func BenchmarkCastBallot(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	w := buildMemberWorld(b, db)
	seedMembers(b, db, w, 2000)
	cst := db.Loc
	m, err := db.CreateMeeting(ctx, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
		StartsAt: time.Date(2024, 6, 10, 9, 0, 0, 0, cst)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.OpenMeeting(ctx, w.actorA, m.ID); err != nil {
		b.Fatal(err)
	}
	expected, err := db.ExpectedMembers(ctx, w.actorA, m.ID)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(expected))
	start := time.Now()
	for i, e := range expected {
		ids[i] = e.MemberID
		if _, err := db.SignIn(ctx, w.actorA, m.ID, e.MemberID, store.SignInClerk, time.Date(2024, 6, 10, 8, 30, 0, 0, cst)); err != nil {
			b.Fatal(err)
		}
	}
	signIns := float64(len(ids)) / time.Since(start).Seconds()
	item, err := db.AddAgendaItem(ctx, w.actorA, m.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "政治决议"})
	if err != nil {
		b.Fatal(err)
	}
	v, err := db.OpenVote(ctx, w.actorA, item.ID, store.VoteElectronic, meeting.PassRule{})
	if err != nil {
		b.Fatal(err)
	}
	choices := []meeting.Choice{meeting.VoteFor, meeting.VoteAgainst, meeting.VoteAbstain}
	clerk := w.actorA
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if err := db.CastBallot(ctx, clerk, v.ID, ids[i%len(ids)], choices[i%3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
		b.ReportMetric(signIns, "signins/s")
	})
	b.Run("parallel", func(b *testing.B) {
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(n.Add(1))
				if err := db.CastBallot(ctx, clerk, v.ID, ids[i%len(ids)], choices[i%3]); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
	closed, err := db.CloseVote(ctx, clerk, v.ID)
	if err != nil || closed.Present != len(ids) || closed.Tally.Cast()+closed.Tally.NotVoted != len(ids) {
		b.Fatalf("closed %+v (%d present): %v", closed, len(ids), err)
	}
}
