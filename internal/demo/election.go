package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

// The 选举大会 of 十三届四次会议 (15 January 2025): a by-election (补选) of
// one vice-chair and one secretary-general on the first ballot paper (等额)
// and eleven standing-committee members from twelve candidates on the
// second (差额), on paper ballots. The meeting adopts the 选举办法 and the
// list of scrutineers by show of hands; the ballots are entered twice, by the
// office (pass 1) and by the demo member account, who serves as a scrutineer
// (pass 2, with two slips that the comparison catches and the office
// resolves); the office signs the tally on the chief scrutineer's behalf
// and confirms the results from the day of the election, so the new
// vice-chair, secretary-general and standing members hold their roles from
// then on. The secretary-general elected replaces the one in office, whose
// role ends the day before (工作调动).

// electionDay is the day of the 选举大会.
const electionDay = "2025-01-15"

// election writes the 选举大会 sitting of session with its election. present
// are the members who come (in sign-in order), onLeave those excused.
func (ml *meetingLoader) election(ctx context.Context, session meeting.Meeting, present, onLeave []int64, reasons []string) error {
	db, a := ml.db, ml.actor
	sitting, err := ml.create(ctx, ml.when("2024-12-20", 10, 3), meeting.Input{Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Election, StartsAt: ml.when(electionDay, 9, 0),
		EndsAt: ml.when(electionDay, 11, 30), Place: "明湖会堂", Presider: ml.city.names["chair"]})
	if err != nil {
		return err
	}
	body, err := db.ExpectedMembers(ctx, a, sitting.ID)
	if err != nil {
		return err
	}
	// Candidates and scrutineers: ordinary members in a fixed shuffle; the
	// demo member account's member is a scrutineer (pass 2 is theirs).
	scrutineerMember := ml.city.memberIDs["member"]
	var ordinary []store.ExpectedMember
	for _, e := range body {
		if e.Role == member.Ordinary && e.MemberID != scrutineerMember {
			ordinary = append(ordinary, e)
		}
	}
	ml.rng.Shuffle(len(ordinary), func(i, j int) { ordinary[i], ordinary[j] = ordinary[j], ordinary[i] })
	// A member who leaves the committee later (a resignation on the roster)
	// cannot take an office for the rest of the term: such a member drawn as
	// a candidate (the first fourteen) changes places with the next serving
	// member drawn after the scrutineers (from the twenty-second on).
	next := 21
	for i := 0; i < min(14, len(ordinary)); i++ {
		for ; next < len(ordinary); next++ {
			m, err := db.FindMemberByID(ctx, a, ordinary[i].MemberID)
			if err != nil {
				return err
			}
			if m.Status == member.Serving {
				break
			}
			ordinary[i], ordinary[next] = ordinary[next], ordinary[i]
		}
	}
	if len(ordinary) < 22 {
		return fmt.Errorf("election: only %d ordinary members", len(ordinary))
	}
	vice, secretary, standing := ordinary[0], ordinary[1], ordinary[2:14]
	var duties []store.ElectionScrutineer
	duties = append(duties, store.ElectionScrutineer{MemberID: ordinary[14].MemberID, Duty: store.ChiefScrutineer},
		store.ElectionScrutineer{MemberID: scrutineerMember, Duty: store.Scrutineer})
	for _, e := range ordinary[15:17] {
		duties = append(duties, store.ElectionScrutineer{MemberID: e.MemberID, Duty: store.Scrutineer})
	}
	duties = append(duties, store.ElectionScrutineer{MemberID: ordinary[17].MemberID, Duty: store.ChiefTeller})
	for _, e := range ordinary[18:21] {
		duties = append(duties, store.ElectionScrutineer{MemberID: e.MemberID, Duty: store.Teller})
	}

	// The secretary-general in office leaves for other work.
	ml.at(ml.when("2025-01-10", 17, 0))
	if err := ml.endRole(ctx, body, member.SecretaryGeneral, app.MustDate("2025-01-14")); err != nil {
		return err
	}

	ml.at(ml.when("2025-01-06", 15, 30))
	el, err := db.CreateElection(ctx, a, sitting.ID, store.ElectionInput{
		Title: "补选市政协副主席、秘书长和常务委员", Mode: election.Paper, Rules: election.DefaultRules()})
	if err != nil {
		return fmt.Errorf("election: %w", err)
	}
	offices := []struct {
		in    store.OfficeInput
		cands []store.ExpectedMember
	}{
		{store.OfficeInput{Paper: 1, Name: "副主席", Role: member.ViceChair, Seats: 1}, []store.ExpectedMember{vice}},
		{store.OfficeInput{Paper: 1, Name: "秘书长", Role: member.SecretaryGeneral, Seats: 1}, []store.ExpectedMember{secretary}},
		{store.OfficeInput{Paper: 2, Name: "常务委员", Role: member.Standing, Seats: 11, Competitive: true}, standing},
	}
	for _, o := range offices {
		off, err := db.AddOffice(ctx, a, el.ID, o.in)
		if err != nil {
			return fmt.Errorf("office %s: %w", o.in.Name, err)
		}
		ids := make([]int64, len(o.cands))
		for i, c := range o.cands {
			ids[i] = c.MemberID
		}
		if err := db.SetCandidates(ctx, a, off.ID, ids); err != nil {
			return fmt.Errorf("candidates %s: %w", o.in.Name, err)
		}
	}
	if err := db.SetScrutineers(ctx, a, el.ID, duties); err != nil {
		return fmt.Errorf("scrutineers: %w", err)
	}

	// Leave as for the session; sign-in; the two items by show of hands.
	if err := ml.leave(ctx, sitting.ID, onLeave, reasons, ml.when("2025-01-06", 9, 30), ml.when("2025-01-10", 16, 30)); err != nil {
		return err
	}
	if err := ml.signIn(ctx, sitting, ml.when(electionDay, 8, 0), present, ml.when(electionDay, 8, 12),
		6*time.Second, 1); err != nil {
		return err
	}
	el, err = db.FindElectionByID(ctx, a, el.ID)
	if err != nil {
		return err
	}
	for i, item := range []int64{el.RulesItemID, el.ScrutineersItemID} {
		opened := ml.when(electionDay, 9, 10+5*i)
		ml.at(opened)
		v, err := db.OpenVote(ctx, a, item, store.VoteHands, meeting.PassRule{})
		if err != nil {
			return fmt.Errorf("election item vote: %w", err)
		}
		ml.at(opened.Add(2 * time.Minute))
		if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: len(present) - i, Abstain: i}); err != nil {
			return err
		}
		ml.at(opened.Add(3 * time.Minute))
		if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
			return err
		}
		ml.stats.votes++
	}

	// Ballots out, ballots back, counted twice.
	ml.at(ml.when(electionDay, 9, 25))
	if el, err = db.OpenElection(ctx, a, el.ID); err != nil {
		return fmt.Errorf("open election: %w", err)
	}
	ml.at(ml.when(electionDay, 9, 50))
	if _, err := db.CloseElectionVoting(ctx, a, el.ID); err != nil {
		return err
	}
	office, scrutineer := ml.accountByName["office"].Actor(""), ml.accountByName["member"].Actor("")
	papers := ml.paperBallots(len(present), standing)
	for p, lines := range papers {
		paper := p + 1
		ml.at(ml.when(electionDay, 10, 0))
		if _, err := db.AppendEntries(ctx, office, el.ID, paper, 1, lines); err != nil {
			return fmt.Errorf("paper %d pass 1: %w", paper, err)
		}
		// Pass 2 with two slips: a mark misread and a write-in missed.
		second := append([]string(nil), lines...)
		slips := []int{len(second) / 3, 2 * len(second) / 3}
		for _, k := range slips {
			second[k] = slip(second[k])
		}
		ml.at(ml.when(electionDay, 10, 5))
		if _, err := db.AppendEntries(ctx, scrutineer, el.ID, paper, 2, second); err != nil {
			return fmt.Errorf("paper %d pass 2: %w", paper, err)
		}
		ml.at(ml.when(electionDay, 10, 20))
		diffs, err := db.CompareEntries(ctx, office, el.ID, paper)
		if err != nil {
			return err
		}
		for _, d := range diffs {
			if err := db.ResolveEntry(ctx, office, el.ID, paper, d.Seq, lines[d.Seq-1]); err != nil {
				return fmt.Errorf("resolve %d: %w", d.Seq, err)
			}
		}
		ml.stats.ballots += len(lines)
	}
	ml.at(ml.when(electionDay, 10, 40))
	if _, err := db.SignTally(ctx, office, el.ID); err != nil {
		return fmt.Errorf("sign tally: %w", err)
	}
	ml.at(ml.when(electionDay, 10, 50))
	if _, err := db.ConfirmElection(ctx, office, el.ID, app.MustDate(electionDay)); err != nil {
		return fmt.Errorf("confirm election: %w", err)
	}
	return ml.close(ctx, sitting.ID, ml.when(electionDay, 11, 30))
}

// paperBallots are the ballots as read from the box, in the entry format:
// paper 1 (副主席/秘书长), paper 2 (twelve 常务委员 candidates, eleven seats).
// Most vote for everyone but one standing candidate, the last on the list
// drawing the most against-votes; a few vote against or abstain on paper 1,
// one writes in another name for secretary-general, one paper comes back
// blank, one is spoiled and a handful over-vote on paper 2 (void).
func (ml *meetingLoader) paperBallots(n int, standing []store.ExpectedMember) [2][]string {
	var out [2][]string
	writeIn := standing[0].Name // a member (not the SG candidate) written in once
	for i := range n {
		switch {
		case i == 7:
			out[0] = append(out[0], "0/0") // blank: valid
		case i == 11:
			out[0] = append(out[0], "*") // spoiled
		case i == 23:
			out[0] = append(out[0], "1/2+"+writeIn)
		case i%41 == 5:
			out[0] = append(out[0], "2/1")
		case i%37 == 3:
			out[0] = append(out[0], "3/1")
		case i%53 == 9:
			out[0] = append(out[0], "1/3")
		default:
			out[0] = append(out[0], "1/1")
		}
		marks := []byte(strings.Repeat("1", len(standing)))
		switch r := ml.rng.IntN(100); {
		case i%97 == 13:
			// all twelve for: more than eleven seats, void
		case r < 62:
			marks[len(marks)-1] = '2'
		case r < 80:
			marks[ml.rng.IntN(len(marks)-1)] = '2'
		case r < 92:
			marks[ml.rng.IntN(len(marks))] = '3'
		case r < 97:
			marks[len(marks)-1], marks[ml.rng.IntN(len(marks)-1)] = '2', '3'
		default:
			marks[len(marks)-1], marks[ml.rng.IntN(len(marks)-1)] = '0', '.'
		}
		out[1] = append(out[1], string(marks))
	}
	return out
}

// slip is a scrutineer's misreading of a line: the first mark read as the
// next choice, or a write-in missed.
func slip(line string) string {
	if i := strings.IndexByte(line, '+'); i >= 0 {
		return line[:i]
	}
	b := []byte(line)
	for i, c := range b {
		switch c {
		case '1':
			b[i] = '2'
			return string(b)
		case '2', '3':
			b[i] = '1'
			return string(b)
		}
	}
	return line
}

// endRole ends the role of kind held by a member of body on end.
func (ml *meetingLoader) endRole(ctx context.Context, body []store.ExpectedMember, kind member.RoleKind, end app.Date) error {
	for _, e := range body {
		if e.Role != kind {
			continue
		}
		roles, err := ml.db.FindRoles(ctx, ml.actor, e.MemberID)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if r.Kind == kind && r.TermID == ml.term.ID && r.EndDate.IsZero() {
				return ml.db.EndRole(ctx, ml.actor, r.ID, end)
			}
		}
	}
	return fmt.Errorf("election: nobody holds %s", kind.Label())
}
