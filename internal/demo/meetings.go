package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// The city committee's meetings in its current term, written through the
// store like a clerk's work:
//
//   - 十三届四次会议 (January 2025), closed: members registered for the
//     session; at its 选举大会 a by-election on paper ballots (election.go);
//     and at its closing sitting (闭幕会) about 92% signed in, a few
//     were on approved leave and the rest absent; two guests were invited
//     (应邀出席) and three resolutions were adopted, two by electronic vote and
//     the political resolution by show of hands.
//   - a chair's meeting last month (relative to Today), closed, with a work
//     plan adopted by show of hands;
//   - an upcoming 双月协商会 with a topic, named invitees, two attending
//     guests (列席) and its notice sent (已通知);
//   - an upcoming standing-committee meeting next month, in preparation, with
//     two agenda items.
//
// Everything is at fixed instants: while the meetings are written the store's
// clock (db.Now) is set to the moment each step happened, so created_at,
// sign-in, leave, vote and audit times are plausible and two loads give the
// same data. The clock is restored afterwards.

// Today is the demo world's reference day: meetings before it are history,
// meetings after it are upcoming. It is fixed so that the demo does not
// depend on the day it is loaded.
var Today = app.MustDate("2026-11-20")

// The numbers of the meetings the demo creates. Earlier meetings of the term
// are not created; the numbers are those a committee would have reached.
const (
	plenarySeq  = 4  // 十三届四次会议
	chairsSeq   = 56 // 十三届五十六次主席会议
	standingSeq = 21 // 十三届二十一次常委会会议
)

// Titles of the closing sitting's agenda, in order.
var plenaryResolutions = []string{
	"关于政协明湖市委员会常务委员会工作报告的决议",
	"关于十三届三次会议以来提案工作情况报告的决议",
	"政协明湖市第十三届委员会第四次会议政治决议",
}

// closingVote is how an agenda item of the closing sitting is voted on:
// against, abstentions and (electronic) members present who did not vote.
type closingVote struct {
	mode                       store.VoteMode
	against, abstain, notVoted int
}

var closingVotes = []closingVote{
	{store.VoteElectronic, 1, 4, 2},
	{store.VoteElectronic, 0, 3, 3},
	{store.VoteHands, 0, 1, 0},
}

var leaveReasons = []string{
	"因公出差在外地，无法参会", "身体原因住院治疗", "参加省委党校专题培训", "在外地参加招商推介活动",
	"陪护家人就医", "单位有重要接待任务", "因病休养", "出国（境）公务考察",
}

// meetingStats is what the progress line reports.
type meetingStats struct {
	meetings, signIns, leaves, votes, ballots int
}

// meetingLoader writes the meetings with the store's clock at fixed instants.
type meetingLoader struct {
	*loader
	committee org.Org
	term      org.Term
	city      loaded
	rng       *rand.Rand
	now       time.Time
	stats     meetingStats
}

// at sets the store's clock.
func (ml *meetingLoader) at(t time.Time) { ml.now = t }

// when is a time of day in the committee time zone.
func (ml *meetingLoader) when(day string, hour, min int) time.Time {
	d := app.MustDate(day)
	return time.Date(d.Y, time.Month(d.M), d.D, hour, min, 0, 0, ml.db.Loc)
}

// meetings writes the city committee's meetings. The store's clock is set to
// fixed instants meanwhile and restored afterwards.
func (l *loader) meetings(ctx context.Context, city loaded) (meetingStats, error) {
	ml := &meetingLoader{loader: l, committee: city.org, city: city,
		rng: rand.New(rand.NewPCG(4, 0x4d454554494e4753))}
	terms, err := l.db.FindTerms(ctx, l.actor, city.org.ID)
	if err != nil {
		return ml.stats, err
	}
	for _, t := range terms {
		if t.Number > ml.term.Number {
			ml.term = t
		}
	}
	saved := l.db.Now
	l.db.Now = func() time.Time { return ml.now }
	defer func() { l.db.Now = saved }()
	for _, step := range []struct {
		what string
		fn   func(context.Context) error
	}{
		{"十三届四次会议", ml.plenary},
		{"主席会议", ml.chairs},
		{"双月协商会", ml.bimonthly},
		{"常委会会议", ml.standing},
	} {
		if err := step.fn(ctx); err != nil {
			return ml.stats, fmt.Errorf("demo: %s: %w", step.what, err)
		}
	}
	return ml.stats, nil
}

func (ml *meetingLoader) create(ctx context.Context, created time.Time, in meeting.Input) (meeting.Meeting, error) {
	ml.at(created)
	in.TermID = ml.term.ID
	m, err := ml.db.CreateMeeting(ctx, ml.actor, ml.committee.ID, in)
	if err == nil {
		ml.stats.meetings++
	}
	return m, err
}

func (ml *meetingLoader) agenda(ctx context.Context, at time.Time, meetingID int64, kind store.AgendaKind, titles ...string) ([]store.AgendaItem, error) {
	ml.at(at)
	var out []store.AgendaItem
	for _, t := range titles {
		a, err := ml.db.AddAgendaItem(ctx, ml.actor, meetingID, store.AgendaItemInput{Kind: kind, Title: t})
		if err != nil {
			return nil, fmt.Errorf("agenda %s: %w", t, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// leave requests leave for each member from requested, over at most two
// days, and approves the requests from decided, at most an hour apart.
func (ml *meetingLoader) leave(ctx context.Context, meetingID int64, ids []int64, reasons []string, requested, decided time.Time) error {
	var requests []store.LeaveRequest
	step := min(37*time.Minute, 48*time.Hour/time.Duration(max(len(ids), 1)))
	for i, id := range ids {
		ml.at(requested.Add(time.Duration(i) * step))
		r, err := ml.db.RequestLeave(ctx, ml.actor, meetingID, id, reasons[i])
		if err != nil {
			return fmt.Errorf("leave: %w", err)
		}
		requests = append(requests, r)
	}
	step = min(time.Minute, time.Hour/time.Duration(max(len(requests), 1)))
	for i, r := range requests {
		ml.at(decided.Add(time.Duration(i) * step))
		if _, err := ml.db.DecideLeave(ctx, ml.actor, r.ID, true); err != nil {
			return fmt.Errorf("decide leave: %w", err)
		}
		ml.stats.leaves++
	}
	return nil
}

// signIn opens the meeting at opened and signs the members in from first,
// step apart; the last late of them sign in after the start.
func (ml *meetingLoader) signIn(ctx context.Context, m meeting.Meeting, opened time.Time, ids []int64, first time.Time,
	step time.Duration, late int) error {
	ml.at(opened)
	if _, err := ml.db.OpenMeeting(ctx, ml.actor, m.ID); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	for i, id := range ids {
		at := first.Add(time.Duration(i) * step)
		if k := i - (len(ids) - late); k >= 0 {
			at = m.StartsAt.Add(time.Duration(3+4*k) * time.Minute)
		}
		ml.at(at)
		if _, err := ml.db.SignIn(ctx, ml.actor, m.ID, id, store.SignInClerk, at); err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		ml.stats.signIns++
	}
	return nil
}

func (ml *meetingLoader) close(ctx context.Context, id int64, at time.Time) error {
	ml.at(at)
	if _, err := ml.db.CloseMeeting(ctx, ml.actor, id); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// guestNames invents the guests' names (another seed than the members').
func guestNames(n int) []string {
	nm := newNamer(98)
	out := make([]string, n)
	for i := range out {
		out[i] = nm.name(nm.gender(25))
	}
	return out
}

// plenary writes 十三届四次会议 and its closing sitting.
func (ml *meetingLoader) plenary(ctx context.Context) error {
	db, a := ml.db, ml.actor
	chair := ml.city.names["chair"]
	session, err := ml.create(ctx, ml.when("2024-12-20", 10, 0), meeting.Input{Kind: meeting.Plenary, Seq: plenarySeq,
		StartsAt: ml.when("2025-01-13", 9, 0), EndsAt: ml.when("2025-01-16", 11, 30), Place: "明湖会堂",
		Presider: "大会主席团"})
	if err != nil {
		return err
	}
	closing, err := ml.create(ctx, ml.when("2024-12-20", 10, 5), meeting.Input{Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Closing, StartsAt: ml.when("2025-01-16", 9, 0),
		EndsAt: ml.when("2025-01-16", 11, 0), Place: "明湖会堂", Presider: chair})
	if err != nil {
		return err
	}
	items, err := ml.agenda(ctx, ml.when("2025-01-06", 15, 0), closing.ID, store.AgendaResolution, plenaryResolutions...)
	if err != nil {
		return err
	}
	names := guestNames(2)
	ml.at(ml.when("2025-01-14", 17, 0))
	for i, g := range []store.GuestInput{
		{Name: names[0], Position: "中共明湖市委书记", Kind: store.GuestInvited, Sort: 10},
		{Name: names[1], Position: "明湖市人大常委会主任", Kind: store.GuestInvited, Sort: 20},
	} {
		if _, err := db.AddGuest(ctx, a, closing.ID, g); err != nil {
			return fmt.Errorf("guest %d: %w", i+1, err)
		}
	}

	// Who comes: the leaders and the member account's member always; of the
	// others about 5% are on leave and about 3% absent.
	body, err := db.ExpectedMembers(ctx, a, closing.ID)
	if err != nil {
		return err
	}
	always := map[int64]bool{ml.city.memberIDs["member"]: true}
	var others []int64
	var present []int64
	for _, e := range body {
		switch {
		case always[e.MemberID] || e.Role == member.Chair || e.Role == member.ViceChair || e.Role == member.SecretaryGeneral:
			present = append(present, e.MemberID)
		default:
			others = append(others, e.MemberID)
		}
	}
	ml.rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	excused := len(body) * 5 / 100
	absent := len(body) - excused - (len(body)*92+50)/100
	absent = max(absent, 0)
	onLeave := others[:excused]
	present = append(present, others[excused+absent:]...)
	ml.rng.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
	reasons := make([]string, len(onLeave))
	for i := range reasons {
		reasons[i] = leaveReasons[ml.rng.IntN(len(leaveReasons))]
	}

	// Leave is requested for the session and its closing sitting alike.
	for _, id := range []int64{session.ID, closing.ID} {
		if err := ml.leave(ctx, id, onLeave, reasons, ml.when("2025-01-06", 9, 0), ml.when("2025-01-10", 16, 0)); err != nil {
			return err
		}
	}
	// Registration (报到) the day before the session opens, then sign-in at
	// the closing sitting, three of them after the start.
	if err := ml.signIn(ctx, session, ml.when("2025-01-12", 13, 30), present, ml.when("2025-01-12", 14, 0),
		35*time.Second, 0); err != nil {
		return err
	}
	if err := ml.election(ctx, session, present, onLeave, reasons); err != nil {
		return fmt.Errorf("选举大会: %w", err)
	}
	if err := ml.signIn(ctx, closing, ml.when("2025-01-16", 8, 0), present, ml.when("2025-01-16", 8, 10),
		7*time.Second, 3); err != nil {
		return err
	}

	// The three resolutions.
	voters := present
	start := ml.when("2025-01-16", 9, 40)
	for i, it := range items {
		v := closingVotes[i]
		opened := start.Add(time.Duration(i*12) * time.Minute)
		ml.at(opened)
		vote, err := db.OpenVote(ctx, a, it.ID, v.mode, meeting.PassRule{})
		if err != nil {
			return fmt.Errorf("vote %s: %w", it.Title, err)
		}
		ml.stats.votes++
		switch v.mode {
		case store.VoteElectronic:
			order := append([]int64(nil), voters...)
			ml.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			order = order[v.notVoted:]
			for k, id := range order {
				c := meeting.VoteFor
				switch {
				case k < v.against:
					c = meeting.VoteAgainst
				case k < v.against+v.abstain:
					c = meeting.VoteAbstain
				}
				ml.at(opened.Add(time.Duration(5+k/8) * time.Second))
				if err := db.CastBallot(ctx, a, vote.ID, id, c); err != nil {
					return fmt.Errorf("ballot: %w", err)
				}
				ml.stats.ballots++
			}
		default:
			ml.at(opened.Add(2 * time.Minute))
			cast := len(present) - v.notVoted
			if _, err := db.RecordHands(ctx, a, vote.ID, meeting.Tally{For: cast - v.against - v.abstain,
				Against: v.against, Abstain: v.abstain}); err != nil {
				return fmt.Errorf("hands: %w", err)
			}
		}
		ml.at(opened.Add(3 * time.Minute))
		closed, err := db.CloseVote(ctx, a, vote.ID)
		if err != nil {
			return fmt.Errorf("close vote: %w", err)
		}
		if !closed.Passed {
			return fmt.Errorf("%s not adopted: %+v", it.Title, closed.Tally)
		}
	}
	if err := ml.close(ctx, closing.ID, ml.when("2025-01-16", 11, 0)); err != nil {
		return err
	}
	return ml.close(ctx, session.ID, ml.when("2025-01-16", 11, 30))
}

// chairs writes last month's chair's meeting: all but one vice-chair present
// (on leave), a work plan adopted by show of hands.
func (ml *meetingLoader) chairs(ctx context.Context) error {
	db, a := ml.db, ml.actor
	m, err := ml.create(ctx, ml.when("2026-10-09", 10, 0), meeting.Input{Kind: meeting.Chairs, Seq: chairsSeq,
		StartsAt: ml.when("2026-10-15", 15, 0), EndsAt: ml.when("2026-10-15", 16, 30),
		Place: "市政协机关三楼会议室", Presider: ml.city.names["chair"]})
	if err != nil {
		return err
	}
	items, err := ml.agenda(ctx, ml.when("2026-10-12", 9, 30), m.ID, store.AgendaWorkPlan,
		"政协明湖市委员会2027年度协商工作计划（草案）")
	if err != nil {
		return err
	}
	if _, err := ml.agenda(ctx, ml.when("2026-10-12", 9, 35), m.ID, store.AgendaOther,
		fmt.Sprintf("研究提交十三届%s次常委会会议审议的有关事项", org.Numeral(standingSeq))); err != nil {
		return err
	}
	away := ml.city.memberIDs["vice-chair-3"]
	if err := ml.leave(ctx, m.ID, []int64{away}, []string{"在省政协参加专题履职培训"}, ml.when("2026-10-13", 10, 20),
		ml.when("2026-10-13", 17, 0)); err != nil {
		return err
	}
	body, err := db.ExpectedMembers(ctx, a, m.ID)
	if err != nil {
		return err
	}
	var present []int64
	for _, e := range body {
		if e.MemberID != away {
			present = append(present, e.MemberID)
		}
	}
	if err := ml.signIn(ctx, m, ml.when("2026-10-15", 14, 40), present, ml.when("2026-10-15", 14, 45), time.Minute, 0); err != nil {
		return err
	}
	ml.at(ml.when("2026-10-15", 15, 50))
	v, err := db.OpenVote(ctx, a, items[0].ID, store.VoteHands, meeting.PassRule{})
	if err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	ml.stats.votes++
	ml.at(ml.when("2026-10-15", 15, 52))
	if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: len(present)}); err != nil {
		return fmt.Errorf("hands: %w", err)
	}
	ml.at(ml.when("2026-10-15", 15, 53))
	if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
		return fmt.Errorf("close vote: %w", err)
	}
	return ml.close(ctx, m.ID, ml.when("2026-10-15", 16, 30))
}

// bimonthlyTopic is the upcoming 双月协商会's topic.
const bimonthlyTopic = "加快推进明湖流域综合治理，打造沿湖生态经济带"

// bimonthly writes the upcoming 双月协商会 with its invitees, two attending
// guests and its notice sent.
func (ml *meetingLoader) bimonthly(ctx context.Context) error {
	db, a := ml.db, ml.actor
	invitees := []int64{ml.city.memberIDs["chair"], ml.city.memberIDs["vice-chair-1"], ml.city.memberIDs["vice-chair-5"],
		ml.city.memberIDs["member"]}
	sectors, err := db.FindSectors(ctx, a, ml.committee.ID)
	if err != nil {
		return err
	}
	want := map[string]int{"农业界": 3, "科学技术界": 3, "经济界": 3, "九三学社": 2, "社会科学界": 2}
	for _, s := range sectors {
		n := want[s.Name]
		if n == 0 {
			continue
		}
		list, _, err := db.FindMembers(ctx, a, store.MemberFilter{CommitteeID: ml.committee.ID, TermID: ml.term.ID,
			SectorID: s.ID, Role: member.Ordinary, Status: member.Serving, Day: Today, Sort: "name", Limit: n})
		if err != nil {
			return err
		}
		for _, m := range list {
			invitees = append(invitees, m.ID)
		}
	}
	m, err := ml.create(ctx, ml.when("2026-11-16", 10, 0), meeting.Input{Kind: meeting.Bimonthly,
		Title: "“加快推进明湖流域综合治理”双月协商会", Topic: bimonthlyTopic,
		StartsAt: ml.when("2026-12-09", 14, 30), EndsAt: ml.when("2026-12-09", 17, 0),
		Place: "市政协机关四楼协商议事厅", Presider: ml.city.names["vice-chair-1"], Invitees: invitees})
	if err != nil {
		return err
	}
	if _, err := ml.agenda(ctx, ml.when("2026-11-16", 10, 10), m.ID, store.AgendaMeetingPlan,
		"“加快推进明湖流域综合治理”双月协商会工作方案"); err != nil {
		return err
	}
	if _, err := ml.agenda(ctx, ml.when("2026-11-16", 10, 12), m.ID, store.AgendaResearchReport,
		"关于明湖流域综合治理情况的调研报告"); err != nil {
		return err
	}
	names := guestNames(4)[2:]
	ml.at(ml.when("2026-11-17", 11, 0))
	for i, g := range []store.GuestInput{
		{Name: names[0], Position: "明湖市生态环境局局长", Kind: store.GuestAttending, Sort: 10},
		{Name: names[1], Position: "明湖市水利局局长", Kind: store.GuestAttending, Sort: 20},
	} {
		if _, err := db.AddGuest(ctx, a, m.ID, g); err != nil {
			return fmt.Errorf("guest %d: %w", i+1, err)
		}
	}
	ml.at(ml.when("2026-11-18", 15, 0))
	if _, err := db.SendMeetingNotice(ctx, a, m.ID); err != nil {
		return fmt.Errorf("notice: %w", err)
	}
	return nil
}

// standing writes next month's standing-committee meeting, in preparation.
func (ml *meetingLoader) standing(ctx context.Context) error {
	m, err := ml.create(ctx, ml.when("2026-11-19", 10, 0), meeting.Input{Kind: meeting.Standing, Seq: standingSeq,
		StartsAt: ml.when("2026-12-18", 9, 0), EndsAt: ml.when("2026-12-18", 11, 30),
		Place: "明湖会堂第一会议室", Presider: ml.city.names["chair"]})
	if err != nil {
		return err
	}
	if _, err := ml.agenda(ctx, ml.when("2026-11-19", 10, 5), m.ID, store.AgendaOther,
		"审议政协明湖市第十三届委员会常务委员会工作报告（送审稿）"); err != nil {
		return err
	}
	_, err = ml.agenda(ctx, ml.when("2026-11-19", 10, 6), m.ID, store.AgendaResolution,
		"审议关于召开政协明湖市第十四届委员会第一次会议的决定（草案）")
	return err
}
