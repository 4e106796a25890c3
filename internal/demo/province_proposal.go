package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// Proposals of the province world: Counts.Proposals over every committee's
// ten plenary sessions, written around each session and numbered without
// gaps per term and session in the order they were submitted; earlier
// sessions' proposals are handled to the end (filed, assigned, replied,
// rated, closed — or not filed, or merged), the current session's are
// spread over the lifecycle. Each state carries what it implies: steps,
// co-signers, assignments to handling units, graded replies with their
// documents, ratings, and the duty events of filing, key and excellent
// proposals. Social-conditions reports follow with their authors,
// forwarding and adoptions.

// proposalTargets weigh the states of a session's proposals: handled
// sessions and the session still in hand.
var proposalTargets = map[bool][]struct {
	state  string
	weight int
}{
	false: {{proposal.Closed, 76}, {proposal.NotFiled, 10}, {proposal.Merged, 8}, {proposal.Rated, 3}, {proposal.Replied, 3}},
	true: {{proposal.Draft, 2}, {proposal.Cosigning, 2}, {proposal.Submitted, 6}, {proposal.Filed, 8}, {proposal.Merged, 6},
		{proposal.NotFiled, 8}, {proposal.Assigned, 8}, {proposal.ReturnAsked, 2}, {proposal.Accepted, 14},
		{proposal.Replied, 14}, {proposal.ReplyReturned, 3}, {proposal.Rated, 10}, {proposal.Closed, 17}},
}

// proposalPath is the states a proposal went through to reach state.
func proposalPath(state string, cosigned bool) []string {
	head := []string{proposal.Draft}
	if cosigned {
		head = append(head, proposal.Cosigning)
	}
	switch state {
	case proposal.Draft:
		return head[:1]
	case proposal.Cosigning:
		return []string{proposal.Draft, proposal.Cosigning}
	case proposal.Submitted:
		return append(head, proposal.Submitted)
	case proposal.NotFiled, proposal.Merged:
		return append(head, proposal.Submitted, state)
	}
	main := []string{proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.Accepted, proposal.Replied,
		proposal.Rated, proposal.Closed}
	switch state {
	case proposal.ReturnAsked:
		return append(head, proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.ReturnAsked)
	case proposal.ReplyReturned:
		return append(head, proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.Accepted, proposal.Replied,
			proposal.ReplyReturned)
	}
	return append(head, main[:slices.Index(main, state)+1]...)
}

// provProposal is a proposal as planned.
type provProposal struct {
	id        int64
	pc        *provCommittee
	term, ses int
	seq       int
	subject   subject
	title     string
	member    *provMember
	sector    int // group proposals: the sector
	cosigners []*provMember
	state     string
	path      []string
	times     []time.Time // when each state of path was entered
	key       bool
	excellent bool
	mergeInto int64
	convert   string
}

func (p *provProposal) when(s string) time.Time {
	if i := slices.Index(p.path, s); i >= 0 {
		return p.times[i]
	}
	return time.Time{}
}

// proposals writes every committee's proposals.
func (pl *provLoader) proposals(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedProposals)
	ids, err := pl.nextIDs(ctx, "proposal", "proposal_assignment", "proposal_reply", "proposal_file")
	if err != nil {
		return err
	}
	next := func(t string) int64 { id := ids[t]; ids[t]++; return id }
	type session struct {
		pc   *provCommittee
		t, s int
		day  app.Date
	}
	var sessions []session
	for _, pc := range pl.committees {
		for t := range 2 {
			for _, s := range pc.sessions[t] {
				sessions = append(sessions, session{pc, t, s.seq, s.day1})
			}
		}
	}
	var all []*provProposal
	var rows, cosigners, steps, assigns, replies, files [][]any
	var duty []dutyRow
	for si, ss := range sessions {
		pc := ss.pc
		current := ss.t == 1 && ss.s == 5
		weights := proposalTargets[current]
		total := 0
		for _, w := range weights {
			total += w.weight
		}
		n := share(pl.c.Proposals, len(sessions), si)
		seated := pc.seated[ss.t]
		var list []*provProposal
		for range n {
			p := &provProposal{pc: pc, term: ss.t, ses: ss.s, subject: subjects[r.IntN(len(subjects))], sector: -1}
			p.title = titleOf(r, proposalForms, p.subject)
			if r.IntN(100) < 88 {
				p.member = pc.members[seated[r.IntN(len(seated))]]
				if r.IntN(100) < 40 {
					for range 1 + r.IntN(4) {
						c := pc.members[seated[r.IntN(len(seated))]]
						if c != p.member && !slices.Contains(p.cosigners, c) {
							p.cosigners = append(p.cosigners, c)
						}
					}
				}
			} else {
				p.sector = r.IntN(len(pc.sectors))
			}
			x := r.IntN(total)
			for _, w := range weights {
				if x < w.weight {
					p.state = w.state
					break
				}
				x -= w.weight
			}
			if p.state == proposal.Cosigning && len(p.cosigners) == 0 && p.member != nil {
				p.cosigners = append(p.cosigners, pc.members[seated[(slices.Index(pc.members, p.member)+1)%len(seated)]])
			}
			if p.state == proposal.Cosigning && p.member == nil {
				p.state = proposal.Draft
			}
			p.path = proposalPath(p.state, len(p.cosigners) > 0)
			// When: drafted in the month before the session, submitted by
			// its last day, then the office's and units' pace.
			t := at(addDays(ss.day, -25+r.IntN(24)), 9+r.IntN(8), r.IntN(60))
			for _, s := range p.path {
				switch s {
				case proposal.Cosigning:
					t = t.Add(time.Duration(1+r.IntN(24)) * time.Hour)
				case proposal.Submitted:
					t = t.AddDate(0, 0, 1+r.IntN(10))
					if lim := at(addDays(ss.day, 2), 17, 0); t.After(lim) {
						t = lim.Add(-time.Duration(r.IntN(600)) * time.Minute)
					}
				case proposal.Filed, proposal.NotFiled, proposal.Merged:
					t = at(addDays(ss.day, 12+r.IntN(10)), 10, 0)
				case proposal.Assigned:
					t = t.AddDate(0, 0, 7+r.IntN(10))
				case proposal.Accepted, proposal.ReturnAsked:
					t = t.AddDate(0, 0, 1+r.IntN(6))
				case proposal.Replied:
					t = t.AddDate(0, 0, 40+r.IntN(50))
				case proposal.ReplyReturned:
					t = t.AddDate(0, 0, 3+r.IntN(10))
				case proposal.Rated:
					t = t.AddDate(0, 0, 5+r.IntN(20))
				case proposal.Closed:
					t = t.AddDate(0, 0, 10+r.IntN(30))
				}
				p.times = append(p.times, t)
			}
			// A proposal whose steps would run past today stops at the last one before it.
			for len(p.path) > 1 && !p.times[len(p.times)-1].Before(at(provToday, 8, 0)) {
				p.path, p.times = p.path[:len(p.path)-1], p.times[:len(p.times)-1]
			}
			p.state = p.path[len(p.path)-1]
			list = append(list, p)
		}
		// Numbers in the order of submission.
		slices.SortStableFunc(list, func(a, b *provProposal) int {
			return a.when(proposal.Submitted).Compare(b.when(proposal.Submitted))
		})
		seq := 0
		for _, p := range list {
			p.id = next("proposal")
			if !p.when(proposal.Submitted).IsZero() {
				seq++
				p.seq = seq
			}
		}
		// Merged into an earlier filed proposal of the same session, on the
		// same subject when there is one; without an earlier one, not filed.
		var filed []*provProposal
		for _, p := range list {
			switch {
			case p.state == proposal.Merged:
				into := (*provProposal)(nil)
				for _, f := range filed {
					if into == nil || f.subject.phrase == p.subject.phrase {
						into = f
					}
				}
				if into == nil {
					p.state = proposal.NotFiled
					p.path[len(p.path)-1] = proposal.NotFiled
				} else {
					p.mergeInto = into.id
				}
			case slices.Contains(p.path, proposal.Filed):
				filed = append(filed, p)
			}
			if p.state == proposal.NotFiled {
				p.convert = proposal.ToLetter
				if r.IntN(100) < 40 {
					p.convert = proposal.ToReport
				}
			}
			if slices.Contains(p.path, proposal.Filed) && r.IntN(100) < 3 {
				p.key = true
			}
			if p.state == proposal.Closed && r.IntN(100) < 2 {
				p.excellent = !at(app.Date{Y: p.when(proposal.Closed).In(shanghai).Year(), M: time.December, D: 15}, 10, 0).After(at(provToday, 0, 0))
			}
		}
		all = append(all, list...)
	}
	pl.stats.proposals = len(all)
	satisfactions := []proposal.Satisfaction{proposal.Satisfied, proposal.Satisfied, proposal.Satisfied, proposal.FairlySatisfied,
		proposal.FairlySatisfied, proposal.Dissatisfied}
	contacts := []proposal.Contact{proposal.FaceToFace, proposal.Meeting, proposal.Phone, proposal.Letter}
	for _, p := range all {
		pc := p.pc
		office := pc.officeAcc
		chair := ""
		for _, i := range pc.seated[p.term] {
			if pc.members[i].hasRole(p.term, member.Chair, app.DateOf(p.times[len(p.times)-1].In(shanghai))) {
				chair = pc.members[i].name
			}
		}
		author, memberID, groupKind, groupName := proposal.ByMember, any(nil), "", ""
		var sectorID any
		if p.member != nil {
			memberID = p.member.id
		} else {
			author, groupKind = proposal.ByGroup, proposal.GroupSector
			sectorID, groupName = pc.sectors[p.sector].ID, pc.sectors[p.sector].Name
		}
		cosignDeadline := ""
		if c := p.when(proposal.Cosigning); !c.IsZero() {
			cosignDeadline = proposal.DefaultRules().CosignDeadline(app.DateOf(c.In(shanghai))).String()
		}
		submitted := ""
		if s := p.when(proposal.Submitted); !s.IsZero() {
			submitted = app.DateOf(s.In(shanghai)).String()
		}
		keyYear, keyLeader, excellentYear := 0, "", 0
		last := p.times[len(p.times)-1]
		if p.key {
			keyYear, keyLeader = p.when(proposal.Filed).In(shanghai).Year(), chair
		}
		if p.excellent {
			excellentYear = last.In(shanghai).Year()
		}
		rows = append(rows, []any{p.id, pc.org.ID, pc.terms[p.term].ID, p.ses, p.seq, p.title, p.subject.problem + "群众对此反映强烈。",
			"一是" + p.subject.advice + "二是加强部门协同，建立工作推进机制。三是加大督查考核力度，确保取得实效。", p.subject.category,
			author, memberID, groupKind, sectorID, nil, groupName, p.state, last, cosignDeadline, submitted, p.convert,
			nullID(p.mergeInto), keyYear, keyLeader, excellentYear, office.ID, p.times[0], last})
		for k, c := range p.cosigners {
			signed := p.times[0].Add(time.Duration(2+k) * time.Hour)
			if cs := p.when(proposal.Cosigning); !cs.IsZero() {
				signed = cs.Add(time.Duration(1+k) * time.Hour)
			}
			cosigners = append(cosigners, []any{p.id, c.id, signed})
		}
		prev := ""
		for k, s := range p.path {
			note := ""
			switch s {
			case proposal.NotFiled:
				note = "属于一般性工作建议，不符合立案标准"
			case proposal.Merged:
				note = "与同类提案合并办理"
			case proposal.ReturnAsked:
				note = "该事项不属于本单位职责，申请退回"
			case proposal.ReplyReturned:
				note = "答复内容过于原则，请补充具体措施和完成时限"
			}
			steps = append(steps, []any{p.id, prev, s, note, office.ID, office.DisplayName, p.times[k]})
			prev = s
		}
		// Duty: filing (or merging) counts for the authors; key and excellent add.
		if f := p.when(proposal.Filed); !f.IsZero() || p.state == proposal.Merged {
			if f.IsZero() {
				f = p.when(proposal.Merged)
			}
			day := app.DateOf(f.In(shanghai)).String()
			ev := func(lead, co string, on string) {
				if p.member != nil {
					duty = append(duty, dutyRow{committee: pc.org.ID, member: p.member.id, kind: lead, on: on,
						source: store.SourceProposal, sourceID: p.id})
				}
				for _, c := range p.cosigners {
					duty = append(duty, dutyRow{committee: pc.org.ID, member: c.id, kind: co, on: on,
						source: store.SourceProposal, sourceID: p.id})
				}
			}
			ev(store.DutyProposalLead, store.DutyProposalCosigner, day)
			if p.key {
				ev(store.DutyProposalKeyLead, store.DutyProposalKeyCosigner, app.DateOf(f.In(shanghai).AddDate(0, 0, 20)).String())
			}
			if p.excellent {
				ev(store.DutyProposalExcellentLead, store.DutyProposalExcellentCo, fmt.Sprintf("%d-12-15", excellentYear))
			}
		}
		// Assignments, replies, documents, ratings.
		assigned := p.when(proposal.Assigned)
		if assigned.IsZero() {
			continue
		}
		units := []store.Unit{pc.unitFor(p.subject)}
		if r.IntN(100) < 25 && units[0].ID != pc.units[1].ID {
			units = append(units, pc.units[1])
		}
		deadline := app.DateOf(assigned.In(shanghai).AddDate(0, 3, 0)).String()
		for ui, u := range units {
			aid := next("proposal_assignment")
			lead := ui == 0
			status, returnReason := "assigned", ""
			var signedAt, repliedAt, ratedAt any
			grade, satisfaction, contact, ratedBy := "", "", "", ""
			if p.state == proposal.ReturnAsked && lead {
				status, returnReason = "return_asked", "该事项不属于本单位职责"
			}
			if a := p.when(proposal.Accepted); !a.IsZero() {
				status, signedAt = "signed", a
			}
			var replyAt time.Time
			if rep := p.when(proposal.Replied); !rep.IsZero() {
				status, repliedAt, replyAt = "replied", rep, rep
				if lead {
					grade = []string{"A", "A", "A", "B", "B", "C"}[r.IntN(6)]
				}
				if p.state == proposal.ReplyReturned {
					status = "returned"
				}
			}
			if rated := p.when(proposal.Rated); !rated.IsZero() {
				s := satisfactions[r.IntN(len(satisfactions))]
				satisfaction, contact, ratedAt = string(s), string(contacts[r.IntN(len(contacts))]), rated
				ratedBy = groupName
				if p.member != nil {
					ratedBy = p.member.name
				}
			}
			assigns = append(assigns, []any{aid, p.id, u.ID, lead, deadline, status, assigned, signedAt, returnReason, repliedAt,
				grade, satisfaction, contact, "", ratedBy, ratedAt, false})
			if replyAt.IsZero() {
				continue
			}
			body := "您提出的《" + p.title + "》收悉。"
			reason := ""
			if grade != "" {
				body += pick(r, replyBodies[grade])
				if grade == "C" {
					reason = pick(r, gradeCReasons)
				}
			} else {
				body += "本单位积极配合主办单位做好办理工作。"
			}
			rid := next("proposal_reply")
			verdict, verdictReason, verdictActor := "", "", ""
			var verdictAt any
			if p.state == proposal.ReplyReturned {
				verdict, verdictReason, verdictActor, verdictAt = "returned", "答复内容过于原则，请补充具体措施和完成时限",
					office.DisplayName, p.when(proposal.ReplyReturned)
			}
			replies = append(replies, []any{rid, aid, grade, reason, body, 0, u.Name, replyAt, verdict, verdictReason, verdictActor, verdictAt})
			if grade != "" {
				data := demoPDF(u.Name + "关于" + p.title + "的答复")
				sum := sha256.Sum256(data)
				files = append(files, []any{next("proposal_file"), p.id, pc.org.ID, rid, "答复函.pdf", "application/pdf",
					len(data), hex.EncodeToString(sum[:]), data, office.ID, replyAt})
			}
		}
	}
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"提案", "proposal", "id, committee_id, term_id, session, seq, title, reason, suggestions, category, author_kind, member_id, " +
			"group_kind, sector_id, special_committee_id, group_name, state, state_since, cosign_deadline, submitted_on, conversion, " +
			"merged_into, key_year, key_leader, excellent_year, created_by, created_at, updated_at", rows},
		{"提案联名", "proposal_cosigner", "proposal_id, member_id, signed_at", cosigners},
		{"提案流转记录", "proposal_step", "proposal_id, from_state, to_state, note, account_id, actor, at", steps},
		{"提案交办", "proposal_assignment", "id, proposal_id, unit_id, lead, deadline, status, assigned_at, signed_at, return_reason, " +
			"replied_at, grade, satisfaction, contact, rating_note, rated_by, rated_at, withdrawn", assigns},
		{"提案答复", "proposal_reply", "id, assignment_id, grade, grade_reason, body, account_id, actor, at, verdict, verdict_reason, " +
			"verdict_actor, verdict_at", replies},
		{"提案答复文件", "proposal_file", "id, proposal_id, committee_id, reply_id, file_name, content_type, size, sha256, data, " +
			"uploaded_by, uploaded_at", files},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	pl.notFiledReports = nil
	for _, p := range all {
		if p.convert == proposal.ToReport {
			pl.notFiledReports = append(pl.notFiledReports, p)
		}
	}
	return pl.writeDuty("提案", duty)
}

// ---------------------------------------------------------------- reports

// reports writes social-conditions reports, one for every ten proposals,
// and the reports not-filed proposals became.
func (pl *provLoader) reports(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedReports)
	ids, err := pl.nextIDs(ctx, "report", "report_adoption")
	if err != nil {
		return err
	}
	next := func(t string) int64 { id := ids[t]; ids[t]++; return id }
	var reports, authors, steps, adoptions [][]any
	var duty []dutyRow
	levels := map[bool][]proposal.Level{true: {proposal.City, proposal.Province, proposal.National},
		false: {proposal.County, proposal.City, proposal.Province}}
	n := pl.c.Proposals / 10
	type rep struct {
		id      int64
		pc      *provCommittee
		authors []*provMember
		seq     *int
	}
	var merged []rep
	joined := map[int64]map[int64]bool{} // authors joined to a report by merging
	for i := range n {
		pc := pl.committees[i%len(pl.committees)]
		s := subjects[r.IntN(len(subjects))]
		day := addDays(provToday, -10-r.IntN(daysBetween(app.MustDate("2019-01-01"), provToday)-10))
		t := 0
		if !day.Before(pc.start[1]) {
			t = 1
		}
		seated := pc.seated[t]
		id := next("report")
		var as []*provMember
		for range 1 + r.IntN(2) {
			m := pc.members[seated[r.IntN(len(seated))]]
			if !slices.Contains(as, m) {
				as = append(as, m)
			}
		}
		for k, m := range as {
			authors = append(authors, []any{id, k + 1, m.id, m.name, nil})
		}
		submitted := at(day, 10, 0)
		office := pc.officeAcc
		steps = append(steps, []any{id, "", proposal.ReportSubmitted, "submit", "", office.ID, as[0].name, submitted})
		state, since, mergedInto, forwardedTo, forwardedOn, decline := proposal.ReportSubmitted, submitted, any(nil), "", "", ""
		x := r.IntN(100)
		switch {
		case x < 8 && len(merged) > 0 && merged[len(merged)-1].pc == pc:
			into := merged[len(merged)-1]
			state, since, mergedInto = proposal.ReportMerged, submitted.AddDate(0, 0, 3), into.id
			for _, m := range as { // the merged report's authors join the one it went into
				if !slices.Contains(into.authors, m) && !joined[into.id][m.id] {
					if joined[into.id] == nil {
						joined[into.id] = map[int64]bool{}
					}
					joined[into.id][m.id] = true
					*into.seq++
					authors = append(authors, []any{into.id, *into.seq, m.id, m.name, id})
				}
			}
			steps = append(steps, []any{id, proposal.ReportSubmitted, proposal.ReportMerged, "merge", "反映同一问题，合并编报",
				office.ID, office.DisplayName, since})
		case x < 18:
			state, since, decline = proposal.ReportNotAdopted, submitted.AddDate(0, 0, 5), "属个别情况，已转有关部门处理"
			steps = append(steps, []any{id, proposal.ReportSubmitted, proposal.ReportNotAdopted, "decline", decline,
				office.ID, office.DisplayName, since})
		case x < 28:
			// still with the office
		default:
			fwd := submitted.AddDate(0, 0, 4)
			state, since = proposal.ReportForwarded, fwd
			forwardedTo, forwardedOn = "中共"+pc.place+"委办公室、"+pc.place+"人民政府办公室", app.DateOf(fwd.In(shanghai)).String()
			steps = append(steps, []any{id, proposal.ReportSubmitted, proposal.ReportForwarded, "forward", "", office.ID,
				office.DisplayName, fwd})
			if x < 85 {
				lv := levels[pc.idx == 0]
				k := 1
				if r.IntN(100) < 20 {
					k = 2
				}
				adopted := fwd
				for _, level := range lv[:k] {
					adopted = adopted.AddDate(0, 0, 10+r.IntN(20))
					if !adopted.Before(at(provToday, 0, 0)) {
						break
					}
					aid := next("report_adoption")
					instruction, leader, instrOn := "", "", ""
					if r.IntN(100) < 25 {
						instruction, leader = "请有关部门认真研究，提出解决措施。", []string{"副市长", "市长", "副县长", "副省长"}[r.IntN(4)]
						instrOn = app.DateOf(adopted.In(shanghai)).String()
					}
					on := app.DateOf(adopted.In(shanghai)).String()
					adoptions = append(adoptions, []any{aid, id, pc.org.ID, string(level), on,
						fmt.Sprintf("%s第%d期", pick(r, adoptionBodies[string(level)]), 1+r.IntN(120)), instruction, leader, instrOn,
						office.ID, adopted})
					steps = append(steps, []any{id, state, proposal.ReportAdopted, "adopt", "", office.ID, office.DisplayName, adopted})
					state, since = proposal.ReportAdopted, adopted
					sh := proposal.Share(len(as)-1, false)
					for _, m := range as {
						duty = append(duty, dutyRow{committee: pc.org.ID, member: m.id, kind: store.DutyReportKind(level), on: on,
							source: store.SourceReportAdoption, sourceID: aid, share: sh})
					}
				}
			}
		}
		reports = append(reports, []any{id, pc.org.ID, pc.org.ID, day.Y, fmt.Sprintf(pick(r, reportForms), s.phrase),
			s.problem + "建议：" + s.advice, s.category, state, since, pc.officeAcc.ID, as[0].name, mergedInto, forwardedTo,
			forwardedOn, decline, submitted, since, nil})
		if state != proposal.ReportMerged {
			k := len(as)
			merged = append(merged, rep{id, pc, as, &k})
		}
	}
	for _, p := range pl.notFiledReports {
		id := next("report")
		f := p.when(proposal.NotFiled)
		name := p.pc.sectors[max(p.sector, 0)].Name
		if p.member != nil {
			name = p.member.name
			authors = append(authors, []any{id, 1, p.member.id, p.member.name, nil})
		} else {
			authors = append(authors, []any{id, 1, nil, name, nil})
		}
		steps = append(steps, []any{id, "", proposal.ReportSubmitted, "submit", "提案不予立案，转为社情民意信息",
			p.pc.officeAcc.ID, p.pc.officeAcc.DisplayName, f})
		reports = append(reports, []any{id, p.pc.org.ID, p.pc.org.ID, f.In(shanghai).Year(), p.title,
			p.subject.problem + "建议：" + p.subject.advice, p.subject.category, proposal.ReportSubmitted, f, p.pc.officeAcc.ID,
			name, nil, "", "", "", f, f, p.id})
	}
	for _, s := range []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"社情民意信息", "report", "id, committee_id, org_id, year, title, body, category, state, state_since, submitted_by, " +
			"submitter, merged_into, forwarded_to, forwarded_on, decline_reason, created_at, updated_at, proposal_id", reports},
		{"社情民意作者", "report_author", "report_id, seq, member_id, name, merged_from", authors},
		{"社情民意流转记录", "report_step", "report_id, from_state, to_state, action, note, account_id, actor, at", steps},
		{"社情民意采用", "report_adoption", "id, report_id, committee_id, level, adopted_on, adopted_by, instruction, leader, " +
			"instruction_on, created_by, created_at", adoptions},
	} {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return pl.writeDuty("社情民意", duty)
}
