package web

import (
	"net/http"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// The year workbook (/workbook.xlsx?year=&org_id=) is a committee's year in
// one file for the office and the leaders: one sheet per area of work,
// read with the store functions the pages use, within the account's
// subtree. The pairing sheet holds figures, no personal data.

func (s *Server) workbookRoutes() []Route {
	return []Route{
		// member:read is what the office, the leaders and the admin share and
		// no member, unit, cadre or coordinator holds.
		{Method: "GET", Pattern: "/workbook.xlsx", Perm: auth.MemberRead, Handle: s.yearWorkbook},
	}
}

// WorkbookSheets are the year workbook's sheets, in order.
var WorkbookSheets = []string{"会议", "选举", "协商议题", "议事室", "结对帮扶", "提案", "社情民意"}

func (s *Server) yearWorkbook(w http.ResponseWriter, r *http.Request) error {
	year := s.db.Today().Y
	if v := strings.TrimSpace(r.URL.Query().Get("year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			var errs app.FieldErrors
			errs.Add("year", "应为2000至2100之间的年份")
			return errs.Err()
		}
		year = y
	}
	orgID := queryID(r, "org_id")
	sheets, name, err := s.buildYearWorkbook(r, year, orgID)
	if err != nil {
		return err
	}
	return s.sendWorkbook(w, r, "workbook", name+strconv.Itoa(year)+"年度工作台账.xlsx", "workbook-"+strconv.Itoa(year)+".xlsx",
		sheets...)
}

// buildYearWorkbook reads the year's records of orgID's subtree (0: the
// account's) into the workbook's sheets; name is the organisation's.
func (s *Server) buildYearWorkbook(r *http.Request, year int, orgID int64) ([]xlsx.Sheet, string, error) {
	ctx, a := r.Context(), actor(r)
	name := "全平台"
	committeeID := int64(0)
	if orgID == 0 {
		orgID = a.OrgID
	}
	if orgID != 0 {
		o, err := s.db.FindOrgByID(ctx, a, orgID)
		if err != nil {
			return nil, "", err
		}
		name, committeeID = o.Name, o.CommitteeID
		if o.ID != o.CommitteeID {
			committeeID = 0 // not a committee: the topics and rooms keep to its subtree, the rest to the account's
		}
	}
	ys := strconv.Itoa(year) + "年"
	from, to := app.Date{Y: year, M: 1, D: 1}, app.Date{Y: year, M: 12, D: 31}

	// 会议 with attendance; 选举 of those meetings.
	mf := store.MeetingFilter{CommitteeID: committeeID, From: from, To: to, Sort: "starts_at", Desc: true}
	ms, _, err := pages(200, func(offset, limit int) ([]meeting.Meeting, int, error) {
		mf.Offset, mf.Limit = offset, limit
		return s.db.FindMeetings(ctx, a, mf)
	})
	if err != nil {
		return nil, "", err
	}
	meetings := xlsx.Sheet{Name: "会议", Title: name + ys + "会议及出席情况",
		Header: []string{"序号", "会议名称", "类型", "开始时间", "地点", "状态", "应到", "实到", "请假", "缺席", "迟到", "列席", "出席率"}}
	elections := xlsx.Sheet{Name: "选举", Title: name + ys + "选举",
		Header: []string{"序号", "选举", "会议", "方式", "状态", "应到", "发出选票", "收回选票", "生效日期"}}
	for _, m := range ms {
		row := []any{len(meetings.Rows) + 1, m.Title, m.Kind.Label(), s.localTime(m.StartsAt), m.Place, m.Status.Label()}
		if m.Status == meeting.Open || m.Status == meeting.Closed {
			att, err := s.db.AttendanceOf(ctx, a, m.ID)
			if err != nil {
				return nil, "", err
			}
			var rate any
			if att.Expected > 0 {
				rate = float64(att.Present*1000/att.Expected) / 10
			}
			row = append(row, att.Expected, att.Present, att.Excused, att.Absent, att.Late, att.Guests, rate)
		}
		meetings.Rows = append(meetings.Rows, row)
		if m.Kind != meeting.Sitting && m.Kind != meeting.Plenary {
			continue
		}
		es, err := s.db.FindElections(ctx, a, m.ID)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return nil, "", err
		}
		for _, e := range es {
			elections.Rows = append(elections.Rows, []any{len(elections.Rows) + 1, e.Title, e.MeetingTitle, e.Mode.Label(),
				e.Status.Label(), e.Figures.Expected, e.Figures.Issued, e.Returned, e.EffectiveDate})
		}
	}
	meetings.Title += "（出席率单位：%）"

	// 协商议题.
	tf := store.TopicFilter{OrgID: orgID, Year: year}
	ts, _, err := pages(500, func(offset, limit int) ([]store.Topic, int, error) {
		tf.Offset, tf.Limit = offset, limit
		return s.db.FindTopics(ctx, a, tf)
	})
	if err != nil {
		return nil, "", err
	}
	topics := xlsx.Sheet{Name: "协商议题", Title: name + ys + "协商议题", Header: []string{"序号", "议题", "组织", "协商形式", "状态"}}
	for i, t := range ts {
		topics.Rows = append(topics.Rows, []any{i + 1, t.Title, t.OrgName, t.Form.Label(), t.StateLabel})
	}

	// 议事室 with the year's activities.
	rf := store.RoomFilter{OrgID: orgID}
	rooms, _, err := pages(500, func(offset, limit int) ([]consult.Room, int, error) {
		rf.Offset, rf.Limit = offset, limit
		return s.db.FindRooms(ctx, a, rf)
	})
	if err != nil {
		return nil, "", err
	}
	roomSheet := xlsx.Sheet{Name: "议事室", Title: name + ys + "协商议事室活动",
		Header: []string{"序号", "议事室", "所在地", "联络员", "本年活动次数", "参加委员人次", "参加群众人次"}}
	for i, room := range rooms {
		acts, err := s.db.FindRoomActivities(ctx, a, room.ID)
		if err != nil {
			return nil, "", err
		}
		n, members, residents := 0, 0, 0
		for _, act := range acts {
			if act.HeldOn.Y == year {
				n, members, residents = n+1, members+len(act.Members), residents+act.Residents
			}
		}
		roomSheet.Rows = append(roomSheet.Rows, []any{i + 1, room.Name, room.OrgName, room.Coordinator, n, members, residents})
	}

	// 结对帮扶: the figures of the year.
	p := store.AssistPeriod{From: strconv.Itoa(year) + "-01", To: strconv.Itoa(year) + "-12"}
	af, err := s.db.FindAssistFigures(ctx, a, orgID, p, "")
	if err != nil {
		return nil, "", err
	}
	f := af.Figures
	assist := xlsx.Sheet{Name: "结对帮扶", Title: af.OrgName + ys + "结对帮扶工作统计", Header: []string{"项目", "数值"},
		Rows: [][]any{{"结对干部", f.Cadres}, {"在册户数", f.Registered}, {"结对户数", f.Paired}, {"结对人数", f.Persons},
			{"结对覆盖", f.PairingCoverage().Percent()}, {"走访户数", f.Visited}, {"走访覆盖", f.VisitCoverage().Percent()},
			{"慰问户数", f.Aided}, {"慰问覆盖", f.AidCoverage().Percent()}, {"慰问物资价值（元）", float64(f.AidFen) / 100},
			{"问题提出", f.ProblemsRaised}, {"问题解决", f.ProblemsSolved}, {"包联企业", f.Enterprises},
			{"企业问题提出", f.EnterpriseRaised}, {"企业问题解决", f.EnterpriseSolved}, {"情况", af.Sentence}}}

	// 提案 submitted (or drafted) in the year.
	pf := store.ProposalFilter{CommitteeID: committeeID}
	ps, _, err := pages(500, func(offset, limit int) ([]store.Proposal, int, error) {
		pf.Offset, pf.Limit = offset, limit
		return s.db.FindProposals(ctx, a, pf)
	})
	if err != nil {
		return nil, "", err
	}
	proposals := xlsx.Sheet{Name: "提案", Title: name + ys + "提案",
		Header: []string{"序号", "案号", "会议", "案由", "提案人", "类别", "状态", "承办单位", "提交日期"}}
	for _, p := range ps {
		on := dateOf(p.SubmittedOn)
		if d, ok := on.(app.Date); ok && d.Y != year || on == nil && p.CreatedAt.In(s.db.Loc).Year() != year {
			continue
		}
		row := proposalRow(p)
		proposals.Rows = append(proposals.Rows, []any{len(proposals.Rows) + 1, row.Number, row.Session, row.Title, row.Proposer,
			row.Category, row.State, strings.Join(row.Units, "、"), on})
	}

	// 社情民意.
	rpf := store.ReportFilter{CommitteeID: committeeID, Year: year}
	rs, _, err := pages(500, func(offset, limit int) ([]store.Report, int, error) {
		rpf.Offset, rpf.Limit = offset, limit
		return s.db.FindReports(ctx, a, rpf)
	})
	if err != nil {
		return nil, "", err
	}
	reports := xlsx.Sheet{Name: "社情民意", Title: name + ys + "社情民意信息",
		Header: []string{"序号", "标题", "报送单位", "作者", "状态", "采用情况", "领导批示"}}
	for i, rp := range rs {
		row := reportRow(rp)
		var instructed any
		if row.Instructed {
			instructed = "有"
		}
		reports.Rows = append(reports.Rows, []any{i + 1, row.Title, row.Org, row.Authors, row.StateLabel, row.Adoptions, instructed})
	}
	return []xlsx.Sheet{meetings, elections, topics, roomSheet, assist, proposals, reports}, name, nil
}
