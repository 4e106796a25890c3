package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Consultation in the province world: a room in nearly every village (the
// rest served by a joint room at their township), members assigned to them
// and their activities; topics at all four tiers through the built-in
// graph, each with the steps it took and what its state implies
// (participants, research visits, speeches at a linked consultation
// meeting, outcomes, handling units and their replies); village topics
// escalated to their county, city topics pushed down to counties; each
// committee's yearly consultation plan holding its selected topics.

// provTopic is a topic as planned.
type provTopic struct {
	id        int64
	pc        *provCommittee
	org       org.Org
	tier      org.Kind
	year      int
	subject   subject
	title     string
	desc      string
	source    consult.Source
	srcName   string
	srcMember int64
	room      int64
	origin    int64
	parent    int64
	form      consult.Form
	lead      int64
	month     int
	plan      int64
	state     string
	since     time.Time
	created   time.Time
	meeting   *provMeeting
}

var topicPath = []string{consult.Collected, consult.Selected, consult.Participants, consult.Research, consult.Consultation,
	consult.Outcome, consult.Sent, consult.Feedback, consult.Closed}

// topicTargets weighs where a topic is headed (its state if time allows).
var topicTargets = []struct {
	state  string
	weight int
}{
	{consult.Collected, 5}, {consult.Declined, 8}, {consult.Escalated, 5}, {consult.Selected, 5},
	{consult.Participants, 5}, {consult.Research, 7}, {consult.Consultation, 7}, {consult.Outcome, 7},
	{consult.Sent, 8}, {consult.Feedback, 7}, {consult.Closed, 36},
}

var roomBrands = []string{"有事好商量", "协商在基层", "民生议事厅", "有事来商量"}
var declineReasons = []string{"已纳入部门年度工作计划，转交有关部门办理", "不属于政协协商范围，已转有关部门参考",
	"与已立项议题重复，合并协商", "条件尚不成熟，暂不列入协商计划"}

// consult writes rooms, their activities, plans and topics.
func (pl *provLoader) consult(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedConsult)
	ids, err := pl.nextIDs(ctx, "room", "room_activity", "room_member", "topic", "consult_plan", "topic_visit",
		"topic_outcome", "topic_assignment", "topic_speech", "topic_participant")
	if err != nil {
		return err
	}
	next := func(t string) int64 { id := ids[t]; ids[t]++; return id }
	var duty []dutyRow
	var rooms, roomVillages, roomMembers, activities, activityMembers [][]any
	roomOf := map[int64]int64{}            // village id → its room
	roomStaff := map[int64][]*provMember{} // room → members assigned
	roomCommittee := map[int64]*provCommittee{}
	for _, pc := range pl.committees[1:] {
		seated := pc.seated[1]
		for ti, town := range pc.townships {
			var joint []org.Org
			for vi, v := range pc.villages {
				if pc.villageTown[vi] != ti {
					continue
				}
				if vi%7 == 6 {
					joint = append(joint, v)
					continue
				}
				id := next("room")
				est := app.Date{Y: 2019 + r.IntN(5), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
				rooms = append(rooms, []any{id, v.ID, v.Name + "协商议事室", pick(r, roomBrands), v.Name + "党群服务中心二楼",
					newNamer(uint64(id)).name("男"), fmt.Sprintf("1390%03d%04d", pc.idx, int(id)%10000), est.String(), false,
					at(est, 10, 0), at(est, 10, 0)})
				roomOf[v.ID] = id
				roomCommittee[id] = pc
			}
			if len(joint) > 0 {
				id := next("room")
				est := app.Date{Y: 2020 + r.IntN(4), M: time.Month(1 + r.IntN(12)), D: 1 + r.IntN(28)}
				rooms = append(rooms, []any{id, town.ID, town.Name + "联建协商议事室", pick(r, roomBrands), town.Name + "便民服务中心",
					newNamer(uint64(id)).name("女"), fmt.Sprintf("1390%03d%04d", pc.idx, int(id)%10000), est.String(), false,
					at(est, 10, 0), at(est, 10, 0)})
				roomCommittee[id] = pc
				for _, v := range joint {
					roomVillages = append(roomVillages, []any{id, v.ID})
					roomOf[v.ID] = id
				}
			}
		}
		// Members sink to the rooms (委员下沉): up to three each, from the current term.
		for _, row := range rooms {
			id := row[0].(int64)
			if roomCommittee[id] != pc {
				continue
			}
			from := app.MustDate(row[7].(string))
			if from.Before(pc.start[1]) {
				from = pc.start[1]
			}
			for range 3 {
				m := pc.members[seated[r.IntN(len(seated))]]
				if slices.Contains(roomStaff[id], m) {
					continue
				}
				roomStaff[id] = append(roomStaff[id], m)
				roomMembers = append(roomMembers, []any{next("room_member"), id, m.id, from.String(), "", at(from, 10, 0)})
			}
		}
	}
	// Activities: six to ten per room since it opened.
	for _, row := range rooms {
		id := row[0].(int64)
		pc := roomCommittee[id]
		est := app.MustDate(row[7].(string))
		span := daysBetween(est, provToday)
		n := 6 + r.IntN(5)
		for k := range n {
			d := addDays(est, (k*span+r.IntN(max(1, span/n)))/n)
			if !d.Before(provToday) {
				continue
			}
			aid := next("room_activity")
			vm := villageMatters[r.IntN(len(villageMatters))]
			activities = append(activities, []any{aid, id, d.String(), vm.title, "围绕" + vm.title + "开展协商议事，听取群众意见。",
				10 + r.IntN(50), "村（社区）“两委”成员、群众代表", vm.result, nil, at(d, 16, 0), at(d, 16, 0)})
			for _, m := range roomStaff[id] {
				if !d.Before(pc.start[1]) && r.IntN(100) < 85 {
					activityMembers = append(activityMembers, []any{aid, m.id})
					duty = append(duty, dutyRow{committee: pc.org.ID, member: m.id, kind: store.DutyRoomActivity,
						on: d.String(), source: store.SourceRoomActivity, sourceID: aid})
				}
			}
		}
	}
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"协商议事室", "room", "id, org_id, name, brand, address, coordinator, coordinator_phone, established_on, archived, created_at, updated_at", rooms},
		{"议事室服务村（社区）", "room_village", "room_id, village_id", roomVillages},
		{"下沉委员", "room_member", "id, room_id, member_id, from_date, to_date, created_at", roomMembers},
		{"议事活动", "room_activity", "id, room_id, held_on, title, content, residents, others, result, topic_id, created_at, updated_at", activities},
		{"议事活动参加委员", "room_activity_member", "activity_id, member_id", activityMembers},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	if err := pl.writeDuty("议事活动", duty); err != nil {
		return err
	}
	return pl.topics(ctx, r, ids, roomOf)
}

// topics plans and writes Counts.Topics topics.
func (pl *provLoader) topics(ctx context.Context, r *rand.Rand, ids map[string]int64, roomOf map[int64]int64) error {
	next := func(t string) int64 { id := ids[t]; ids[t]++; return id }
	total := 0
	for _, w := range topicTargets {
		total += w.weight
	}
	// Yearly plans of each committee.
	type planKey struct {
		committee int64
		year      int
	}
	plans := map[planKey]int64{}
	var planRows [][]any
	planOf := func(pc *provCommittee, year int) int64 {
		k := planKey{pc.org.ID, year}
		if id, ok := plans[k]; ok {
			return id
		}
		id := next("consult_plan")
		plans[k] = id
		adopted := app.Date{Y: year, M: time.February, D: 10}
		planRows = append(planRows, []any{id, pc.org.ID, year, fmt.Sprintf("%s%d年度协商工作计划", pc.org.Name, year), "adopted",
			adopted.String(), 1, at(adopted, 9, 0).AddDate(0, -1, 0), at(adopted, 9, 0)})
		return id
	}
	var topics []*provTopic
	add := func(t *provTopic) *provTopic {
		t.id = next("topic")
		topics = append(topics, t)
		return t
	}
	years := []int{}
	for y := 2019; y <= provToday.Y; y++ {
		years = append(years, y)
	}
	// The origin of each topic: tier by weight, organisation, year.
	draw := func() *provTopic {
		pc := pl.committees[r.IntN(len(pl.committees))]
		t := &provTopic{pc: pc, year: years[r.IntN(len(years))], subject: subjects[r.IntN(len(subjects))]}
		x := r.IntN(100)
		switch {
		case pc.idx == 0 || x < 12:
			t.org, t.tier = pc.org, pc.org.Kind
		case x < 35:
			t.org, t.tier = pc.townships[r.IntN(len(pc.townships))], org.Township
		default:
			vi := r.IntN(len(pc.villages))
			t.org, t.tier = pc.villages[vi], org.Village
			t.room = roomOf[t.org.ID]
		}
		if t.year == provToday.Y && t.tier == org.City {
			t.year = years[r.IntN(len(years))]
		}
		t.created = at(app.Date{Y: t.year, M: time.Month(1 + r.IntN(10)), D: 1 + r.IntN(28)}, 10, 0)
		if t.created.After(at(provToday, 0, 0)) {
			t.created = at(addDays(provToday, -20-r.IntN(200)), 10, 0)
			t.year = app.DateOf(t.created.In(shanghai)).Y
		}
		switch t.tier {
		case org.Village:
			vm := villageMatters[r.IntN(len(villageMatters))]
			t.title, t.form = vm.title, consult.Grassroots
			t.desc = "群众反映" + vm.title + "方面的问题，希望通过协商推动解决。"
			t.source, t.srcName = consult.FromRoom, t.org.Name+"协商议事室"
			if t.room == 0 {
				t.source, t.srcName = consult.FromPublic, newNamer(uint64(len(topics))).name("男")
			}
		case org.Township:
			t.title, t.form = titleOf(r, topicForms, t.subject), consult.Grassroots
			t.source, t.srcName = consult.FromDepartment, t.org.Name+"党委"
		default:
			t.title = titleOf(r, topicForms, t.subject)
			t.form = []consult.Form{consult.Plenary, consult.Thematic, consult.Counterpart, consult.Sector, consult.Proposal,
				consult.Online, consult.Remote}[r.IntN(7)]
			switch r.IntN(4) {
			case 0:
				m := pc.members[pc.seated[1][r.IntN(len(pc.seated[1]))]]
				t.source, t.srcName, t.srcMember = consult.FromMember, m.name, m.id
			case 1:
				t.source, t.srcName = consult.FromParty, "中共"+pc.place+"委"
			case 2:
				t.source, t.srcName = consult.FromDepartment, pc.unitFor(t.subject).Name
			default:
				t.source, t.srcName = consult.FromOffice, pc.org.Name+"办公室"
			}
			t.lead = pc.specials[r.IntN(len(pc.specials))].ID
			t.month = 1 + r.IntN(12)
		}
		if t.desc == "" {
			t.desc = t.subject.problem
		}
		return t
	}
	for len(topics) < pl.c.Topics {
		t := add(draw())
		x, target := r.IntN(total), ""
		for _, w := range topicTargets {
			if x < w.weight {
				target = w.state
				break
			}
			x -= w.weight
		}
		if target == consult.Escalated && t.tier != org.Village && t.tier != org.Township {
			target = consult.Closed
		}
		pl.walkTopic(t, target, r)
		switch {
		case t.state == consult.Escalated && len(topics) < pl.c.Topics:
			up := *t
			up.org, up.tier, up.origin, up.room = t.pc.org, org.County, t.id, 0
			up.source, up.srcName, up.srcMember = consult.FromLower, t.org.Name, 0
			up.created = t.since
			up.lead, up.month = t.pc.specials[r.IntN(len(t.pc.specials))].ID, 1+r.IntN(12)
			u := add(&up)
			pl.walkTopic(u, consult.Closed, r)
		case t.tier == org.City && t.state != consult.Collected && t.state != consult.Declined && r.IntN(100) < 15:
			for _, c := range pl.committees[1:] {
				if len(topics) >= pl.c.Topics || r.IntN(100) < 70 {
					continue
				}
				down := *t
				down.pc, down.org, down.tier, down.parent, down.origin = c, c.org, org.County, t.id, 0
				down.source, down.srcName, down.srcMember = consult.FromUpper, t.org.Name, 0
				down.created = t.created.AddDate(0, 0, 30)
				down.lead = c.specials[r.IntN(len(c.specials))].ID
				d := add(&down)
				pl.walkTopic(d, consult.Closed, r)
			}
		}
	}
	pl.stats.topics = len(topics)
	// What each topic's state implies.
	var steps, parts, visits, visitMembers, speeches, outcomes, assigns, replies, topicRows [][]any
	var duty []dutyRow
	for _, t := range topics {
		pc := t.pc
		if (t.tier == org.City || t.tier == org.County) && reached(t.state, consult.Selected) && t.source != consult.FromUpper {
			t.plan = planOf(pc, t.year)
		}
		office := pc.officeAcc
		prev := ""
		path := pathTo(t.state)
		gap := t.since.Sub(t.created) / time.Duration(max(1, len(path)-1))
		for k, s := range path {
			at := t.created.Add(time.Duration(k) * gap)
			if k == len(path)-1 {
				at = t.since
			}
			note := ""
			switch {
			case k == 0:
				note = t.source.Label()
				if t.srcName != "" {
					note += "：" + t.srcName
				}
			case s == consult.Declined:
				note = pick(r, declineReasons)
			case s == consult.Escalated:
				note = "涉及上级资金和部门职责，本级难以解决"
			}
			steps = append(steps, []any{t.id, prev, s, note, office.ID, office.DisplayName, at})
			prev = s
		}
		seated := pc.seated[1]
		if t.year < pc.start[1].Y || (t.year == pc.start[1].Y && t.created.Before(at(pc.start[1], 0, 0))) {
			seated = pc.seated[0]
		}
		memberAt := func() *provMember { return pc.members[seated[r.IntN(len(seated))]] }
		when := func(s string) time.Time { // the day a state was entered
			for k, x := range path {
				if x == s {
					if k == len(path)-1 {
						return t.since
					}
					return t.created.Add(time.Duration(k) * gap)
				}
			}
			return t.since
		}
		if reached(t.state, consult.Participants) {
			var chosen []*provMember
			for range 2 + r.IntN(3) {
				m := memberAt()
				if slices.Contains(chosen, m) {
					continue
				}
				chosen = append(chosen, m)
				parts = append(parts, []any{next("topic_participant"), t.id, "member", m.id, nil, m.name, "政协委员", "", when(consult.Selected)})
			}
			u := pc.unitFor(t.subject)
			parts = append(parts, []any{next("topic_participant"), t.id, "department", nil, u.ID, u.Name, "承办部门", "", when(consult.Selected)})
			if t.tier == org.Village || t.tier == org.Township {
				parts = append(parts, []any{next("topic_participant"), t.id, "resident", nil, nil, "群众代表", t.org.Name, "", when(consult.Selected)})
			} else if r.IntN(2) == 0 {
				parts = append(parts, []any{next("topic_participant"), t.id, "expert", nil, nil, newNamer(uint64(t.id)).name("男") + "教授",
					"江州学院", "", when(consult.Selected)})
			}
			if reached(t.state, consult.Research) {
				d := app.DateOf(when(consult.Participants).In(shanghai))
				vid := next("topic_visit")
				kind := []string{"research", "inspection", "supervision"}[r.IntN(3)]
				visits = append(visits, []any{vid, t.id, pc.org.ID, kind, d.String(), addDays(d, r.IntN(3)).String(),
					t.org.Name + "\n" + pc.unitFor(t.subject).Name, pc.unitFor(t.subject).Name + "负责同志",
					fmt.Sprintf(pick(r, findingForms), t.subject.problem), at(d, 17, 0), at(d, 17, 0)})
				for _, m := range chosen {
					visitMembers = append(visitMembers, []any{vid, m.id})
					duty = append(duty, dutyRow{committee: pc.org.ID, member: m.id, kind: store.DutyResearch, on: d.String(),
						source: store.SourceTopicVisit, sourceID: vid})
				}
			}
			if reached(t.state, consult.Consultation) && t.meeting != nil {
				for k, m := range chosen {
					sid := next("topic_speech")
					speeches = append(speeches, []any{sid, t.id, t.meeting.id, k + 1, m.id, m.name, "政协委员",
						pick(r, opinionOpenings) + t.subject.advice, t.meeting.end})
					duty = append(duty, dutyRow{committee: pc.org.ID, member: m.id, kind: store.DutySpeech, on: t.meeting.day.String(),
						meeting: t.meeting.id, source: store.SourceTopicSpeech, sourceID: sid})
				}
				u := pc.unitFor(t.subject)
				speeches = append(speeches, []any{next("topic_speech"), t.id, t.meeting.id, len(chosen) + 1, nil, u.Name + "负责同志",
					u.Name, "将认真研究委员意见，抓好落实。", t.meeting.end})
			}
		}
		if reached(t.state, consult.Outcome) {
			kinds := []struct{ kind, form string }{{"recommendation", "关于%s的建议案"}, {"report", "关于%s的调研报告"}, {"opinions", "关于%s的协商意见"}}
			k := kinds[r.IntN(len(kinds))]
			oid := next("topic_outcome")
			sentTo, sentOn := "", ""
			if reached(t.state, consult.Sent) {
				sentTo = "中共" + pc.place + "委、" + pc.place + "人民政府"
				sentOn = app.DateOf(when(consult.Sent).In(shanghai)).String()
			}
			made := when(consult.Outcome)
			outcomes = append(outcomes, []any{oid, t.id, k.kind, fmt.Sprintf(k.form, t.subject.phrase),
				"一、" + t.subject.advice + "\n二、建立工作台账，明确责任单位和完成时限。\n三、加强督办，定期通报进展。", sentTo, sentOn, made, made})
			if reached(t.state, consult.Sent) {
				sent := when(consult.Sent)
				units := []store.Unit{pc.unitFor(t.subject)}
				if r.IntN(3) == 0 && units[0].ID != pc.units[1].ID {
					units = append(units, pc.units[1])
				}
				for ui, u := range units {
					aid := next("topic_assignment")
					status, satisfaction := "sent", ""
					var replied, accepted any
					if reached(t.state, consult.Feedback) {
						status = "replied"
						rep := when(consult.Feedback)
						replied = rep
						verdict, vat := "", any(nil)
						if t.state == consult.Closed {
							status, accepted, satisfaction = "accepted", t.since, []string{"satisfied", "satisfied", "basically"}[r.IntN(3)]
							verdict, vat = "accepted", t.since
						}
						replies = append(replies, []any{aid, "已按协商成果要求制定落实方案：" + t.subject.advice, 0, u.Name, rep,
							verdict, "", office.DisplayName, vat})
					}
					assigns = append(assigns, []any{aid, t.id, oid, u.ID, ui == 0, app.DateOf(sent.In(shanghai).AddDate(0, 3, 0)).String(),
						status, sent, replied, accepted, satisfaction})
				}
			}
		}
		var meetingID any
		if t.meeting != nil {
			meetingID = t.meeting.id
		}
		var lead any
		if t.lead != 0 {
			lead = t.lead
		}
		topicRows = append(topicRows, []any{t.id, t.org.ID, pc.org.ID, t.year, t.title, t.desc, string(t.form), lead,
			t.month, string(t.source), t.srcName, nullID(t.srcMember), nullID(t.room), nullID(t.plan), t.state, t.since, meetingID,
			nullID(t.origin), nullID(t.parent), office.ID, t.created, t.since})
	}
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"年度协商计划", "consult_plan", "id, committee_id, year, title, status, adopted_on, version, created_at, updated_at", planRows},
		{"协商议题", "topic", "id, org_id, committee_id, year, title, description, form, lead_committee_id, planned_month, source, " +
			"source_name, source_member_id, room_id, plan_id, state, state_since, meeting_id, origin_id, parent_id, created_by, created_at, updated_at", topicRows},
		{"议题流转记录", "topic_step", "topic_id, from_state, to_state, note, account_id, actor, at", steps},
		{"协商主体", "topic_participant", "id, topic_id, kind, member_id, unit_id, name, affiliation, note, created_at", parts},
		{"调研视察", "topic_visit", "id, topic_id, committee_id, kind, starts_on, ends_on, places, others, findings, created_at, updated_at", visits},
		{"调研视察委员", "topic_visit_member", "visit_id, member_id", visitMembers},
		{"协商发言", "topic_speech", "id, topic_id, meeting_id, seq, member_id, speaker, affiliation, opinion, created_at", speeches},
		{"协商成果", "topic_outcome", "id, topic_id, kind, title, body, sent_to, sent_on, created_at, updated_at", outcomes},
		{"成果交办", "topic_assignment", "id, topic_id, outcome_id, unit_id, lead, deadline, status, sent_at, replied_at, accepted_at, satisfaction", assigns},
		{"落实反馈", "topic_reply", "assignment_id, body, account_id, actor, at, verdict, verdict_reason, verdict_actor, verdict_at", replies},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return pl.writeDuty("协商议题", duty)
}

// reached reports whether a topic in state has passed through s on the main path.
func reached(state, s string) bool {
	i, j := slices.Index(topicPath, state), slices.Index(topicPath, s)
	return i >= 0 && j >= 0 && i >= j
}

// pathTo is the states a topic went through to reach state.
func pathTo(state string) []string {
	switch state {
	case consult.Declined, consult.Escalated:
		return []string{consult.Collected, state}
	}
	if i := slices.Index(topicPath, state); i >= 0 {
		return topicPath[:i+1]
	}
	return []string{state}
}

// walkTopic moves a topic toward target, a state every few weeks from its
// creation, stopping where today is reached; the consultation is a
// consultation meeting of its committee after the research.
func (pl *provLoader) walkTopic(t *provTopic, target string, r *rand.Rand) {
	start := 0
	if t.source == consult.FromUpper {
		start = 1 // pushed down: runs from selection on
	}
	t.state, t.since = topicPath[start], t.created
	if target == consult.Declined || target == consult.Escalated {
		d := t.created.AddDate(0, 0, 10+r.IntN(40))
		if d.Before(at(provToday, 0, 0)) {
			t.state, t.since = target, d
		}
		return
	}
	limit := slices.Index(topicPath, target)
	now := t.created
	for k := start + 1; k <= limit; k++ {
		s := topicPath[k]
		d := now.AddDate(0, 0, 12+r.IntN(35))
		if s == consult.Consultation {
			m := pl.consultMeetingAfter(t.pc, now)
			if m == nil {
				return
			}
			d = m.end
			t.meeting = m
		}
		if !d.Before(at(provToday, 0, 0)) {
			if s == consult.Consultation {
				t.meeting = nil
			}
			return
		}
		now = d
		t.state, t.since = s, d
	}
}

// consultMeetingAfter is the committee's first closed consultation meeting
// after from (within a year), nil if none.
func (pl *provLoader) consultMeetingAfter(pc *provCommittee, from time.Time) *provMeeting {
	by := pl.consultMeetings[pc.org.ID]
	d := app.DateOf(from.In(shanghai))
	for y := d.Y; y <= d.Y+1; y++ {
		for _, m := range by[y] {
			if m.start.After(from) && m.start.Before(from.AddDate(1, 0, 0)) {
				return m
			}
		}
	}
	return nil
}
