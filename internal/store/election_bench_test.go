package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// BenchmarkCastElectionBallot measures the electronic election's cast path:
// a 选举大会 of county A with 2,000 members on the roll (about 1,700 seated
// on the day), all signed in; each voter casts two ballot papers (副主席 and
// 秘书长 on paper 1, twelve 常务委员 candidates for eleven seats on paper 2).
// A member votes once per election, so the benchmark opens as many
// elections as b.N needs and spreads the casts over them. "serial" is one
// cast after another; "parallel" is 32×GOMAXPROCS voters at once, whose
// casts the store writes in shared transactions (group commit).
// XIESHANG_TEST_DB=postgres runs it on PostgreSQL.
func BenchmarkCastElectionBallot(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	w := buildMemberWorld(b, db)
	seedMembers(b, db, w, 2000)
	cst := db.Loc
	a := w.actorA
	session, err := db.CreateMeeting(ctx, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
		StartsAt: time.Date(2024, 6, 9, 9, 0, 0, 0, cst)})
	if err != nil {
		b.Fatal(err)
	}
	sitting, err := db.CreateMeeting(ctx, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Election, StartsAt: time.Date(2024, 6, 10, 9, 0, 0, 0, cst)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.OpenMeeting(ctx, a, sitting.ID); err != nil {
		b.Fatal(err)
	}
	body, err := db.ExpectedMembers(ctx, a, sitting.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range body {
		if _, err := db.SignIn(ctx, a, sitting.ID, e.MemberID, store.SignInClerk, time.Date(2024, 6, 10, 8, 30, 0, 0, cst)); err != nil {
			b.Fatal(err)
		}
	}
	// Candidates and scrutineers are the last 16 of the body; the others vote.
	ids := make([]int64, 0, len(body))
	for _, e := range body[:len(body)-16] {
		ids = append(ids, e.MemberID)
	}
	var elections []int64
	open := func() {
		el, err := db.CreateElection(ctx, a, sitting.ID, store.ElectionInput{Title: "补选", Mode: election.Electronic})
		if err != nil {
			b.Fatal(err)
		}
		tail := body[len(body)-16:]
		add := func(in store.OfficeInput, cands []store.ExpectedMember) {
			o, err := db.AddOffice(ctx, a, el.ID, in)
			if err != nil {
				b.Fatal(err)
			}
			var cs []int64
			for _, c := range cands {
				cs = append(cs, c.MemberID)
			}
			if err := db.SetCandidates(ctx, a, o.ID, cs); err != nil {
				b.Fatal(err)
			}
		}
		add(store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1}, tail[0:1])
		add(store.OfficeInput{Name: "秘书长", Role: member.SecretaryGeneral, Seats: 1}, tail[1:2])
		add(store.OfficeInput{Paper: 2, Name: "常务委员", Role: member.Standing, Seats: 11, Competitive: true}, tail[2:14])
		if err := db.SetScrutineers(ctx, a, el.ID, []store.ElectionScrutineer{{MemberID: tail[14].MemberID,
			Duty: store.ChiefScrutineer}, {MemberID: tail[15].MemberID, Duty: store.Scrutineer}}); err != nil {
			b.Fatal(err)
		}
		for _, item := range []int64{el.RulesItemID, el.ScrutineersItemID} {
			v, err := db.OpenVote(ctx, a, item, store.VoteHands, meeting.PassRule{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: len(body)}); err != nil {
				b.Fatal(err)
			}
			if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := db.OpenElection(ctx, a, el.ID); err != nil {
			b.Fatal(err)
		}
		elections = append(elections, el.ID)
	}
	ballot := []election.Ballot{
		{Sections: []election.Section{section("1"), section("1")}},
		{Sections: []election.Section{section("111111111112")}},
	}
	used := 0 // elections whose voters have all cast
	prepare := func(n int) (first int) {
		for len(elections) < used+n/len(ids)+1 {
			open()
		}
		first = used
		used += n/len(ids) + 1
		return first
	}
	cast := func(first, i int) error {
		_, err := db.CastElectionBallot(ctx, a, elections[first+i/len(ids)], ids[i%len(ids)], ballot)
		return err
	}
	b.Run("serial", func(b *testing.B) {
		first := prepare(b.N)
		b.ResetTimer()
		for i := range b.N {
			if err := cast(first, i); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
	b.Run("parallel", func(b *testing.B) {
		first := prepare(b.N)
		var n atomic.Int64
		b.SetParallelism(32) // many voters at once, as over HTTP
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := cast(first, int(n.Add(1)-1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
}
