package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/audit"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// Every list page exports what it lists as an .xlsx workbook at its path
// with .xlsx appended: the same filters (all pages of them), the same
// permission and the same masking as the page.

// maxExportRows bounds one list export; a longer list is cut there and the
// title says so.
const maxExportRows = 20000

func (s *Server) listExportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/meetings.xlsx", Perm: auth.MeetingRead, Handle: s.meetingListXLSX},
		{Method: "GET", Pattern: "/units.xlsx", Perm: auth.ConsultWrite, Handle: s.unitListXLSX},
		{Method: "GET", Pattern: "/rooms.xlsx", Perm: auth.ConsultRead, Handle: s.roomListXLSX},
		{Method: "GET", Pattern: "/plans.xlsx", Perm: auth.ConsultRead, Handle: s.planListXLSX},
		{Method: "GET", Pattern: "/proposals.xlsx", Perm: auth.ProposalRead, Handle: s.proposalListXLSX},
		{Method: "GET", Pattern: "/reports.xlsx", Handle: s.reportListXLSX},
		{Method: "GET", Pattern: "/audit.xlsx", Perm: auth.AuditRead, Handle: s.auditListXLSX},
		{Method: "GET", Pattern: "/accounts.xlsx", Perm: auth.AccountManage, Handle: s.accountListXLSX},
	}
}

// withExport links the list page p to its export at path, with the
// request's filters (not its page offset).
func withExport(p view.Page, r *http.Request, path string) view.Page {
	q := r.URL.Query()
	q.Del("offset")
	q.Del("ok")
	p.Export = path
	if len(q) > 0 {
		p.Export += "?" + q.Encode()
	}
	return p
}

// pages collects every page of a paged store query, up to maxExportRows;
// more reports whether rows were left out.
func pages[T any](pageSize int, fetch func(offset, limit int) ([]T, int, error)) (all []T, more bool, err error) {
	for {
		list, total, err := fetch(len(all), pageSize)
		if err != nil {
			return nil, false, err
		}
		all = append(all, list...)
		if len(list) == 0 || len(all) >= total {
			return all, false, nil
		}
		if len(all) >= maxExportRows {
			return all[:maxExportRows], true, nil
		}
	}
}

// sendSheet writes one sheet and answers it as a download, after writing
// the export's audit row (who took how many rows of what, with which
// filters).
func (s *Server) sendSheet(w http.ResponseWriter, r *http.Request, name, fallback string, sheet xlsx.Sheet, more bool) error {
	entity := strings.TrimSuffix(fallback, ".xlsx")
	if err := s.db.RecordExport(r.Context(), actor(r), entity, sheet.Name, len(sheet.Rows), r.URL.RawQuery); err != nil {
		return err
	}
	if more {
		sheet.Title += "（仅前" + app.Itoa(maxExportRows) + "条，请缩小筛选范围）"
	}
	return writeXLSX(w, name, fallback, sheet)
}

// sendWorkbook writes sheets as one workbook named name and answers it as a
// download, after writing the export's audit row like sendSheet: who took
// which workbook with how many rows, with which filters. entity names the
// kind of record exported.
func (s *Server) sendWorkbook(w http.ResponseWriter, r *http.Request, entity, name, fallback string, sheets ...xlsx.Sheet) error {
	rows := 0
	for _, sh := range sheets {
		rows += len(sh.Rows)
	}
	if err := s.db.RecordExport(r.Context(), actor(r), entity, strings.TrimSuffix(name, ".xlsx"), rows, r.URL.RawQuery); err != nil {
		return err
	}
	return writeXLSX(w, name, fallback, sheets...)
}

// writeXLSX writes sheets as one workbook and answers it as a download
// (sendXLSX); the callers have logged the export.
func writeXLSX(w http.ResponseWriter, name, fallback string, sheets ...xlsx.Sheet) error {
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, sheets...); err != nil {
		return app.Internal(err, "write "+fallback)
	}
	return sendXLSX(w, name, fallback, buf.Bytes())
}

// exportTitle is a sheet title with the export date.
func (s *Server) exportTitle(what string) string {
	return what + "（导出日期：" + s.db.Today().String() + "）"
}

// dateOf is a stored yyyy-mm-dd text as a date cell (nil when empty or
// not a date), so that Excel sorts and filters it as a date.
func dateOf(s string) any {
	if d, err := app.ParseDate(s); err == nil {
		return d
	}
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) localTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(s.db.Loc)
}

func (s *Server) meetingListXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	var fetch func(offset, limit int) ([]meeting.Meeting, int, error)
	if memberAccount(r) {
		fetch = func(offset, limit int) ([]meeting.Meeting, int, error) {
			return s.db.FindMemberMeetings(ctx, a, a.MemberID, offset, limit)
		}
	} else {
		f := store.MeetingFilter{CommitteeID: queryID(r, "committee_id"), TermID: queryID(r, "term_id"),
			Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
		if k := meeting.Kind(q.Get("kind")); k.Valid() {
			f.Kind = k
		}
		switch st := meeting.Status(q.Get("status")); st {
		case meeting.Draft, meeting.Notified, meeting.Open, meeting.Closed:
			f.Status = st
		}
		fetch = func(offset, limit int) ([]meeting.Meeting, int, error) {
			f.Offset, f.Limit = offset, limit
			return s.db.FindMeetings(ctx, a, f)
		}
	}
	ms, more, err := pages(200, fetch)
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "会议", Title: s.exportTitle("会议一览"),
		Header: []string{"序号", "会议名称", "类型", "开始时间", "地点", "状态", "应到", "实到"}}
	for i, m := range ms {
		row := []any{i + 1, m.Title, m.Kind.Label(), s.localTime(m.StartsAt), m.Place, m.Status.Label(), nil, nil}
		if m.Status == meeting.Open || m.Status == meeting.Closed {
			att, err := s.db.AttendanceOf(ctx, a, m.ID)
			if err != nil {
				return err
			}
			row[6], row[7] = att.Expected, att.Present
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	return s.sendSheet(w, r, "会议一览.xlsx", "meetings.xlsx", sheet, more)
}

func (s *Server) unitListXLSX(w http.ResponseWriter, r *http.Request) error {
	units, err := s.db.FindUnits(r.Context(), actor(r), store.UnitFilter{Archived: r.URL.Query().Get("archived") == "1"})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "承办单位", Title: s.exportTitle("承办单位名单"),
		Header: []string{"序号", "单位名称", "简称", "类别", "联系人", "联系电话", "所属政协", "状态"}, TextColumns: []int{5}}
	names := map[int64]string{}
	for i, u := range units {
		if _, ok := names[u.CommitteeID]; !ok {
			names[u.CommitteeID] = s.committeeName(r.Context(), actor(r), u.CommitteeID)
		}
		status := "在用"
		if u.Archived {
			status = "已撤销"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, u.Name, u.ShortName, u.KindLabel, u.Contact, u.Phone,
			names[u.CommitteeID], status})
	}
	return s.sendSheet(w, r, "承办单位.xlsx", "units.xlsx", sheet, false)
}

func (s *Server) roomListXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	name, err := roomQuery(r)
	if err != nil {
		return err
	}
	f := store.RoomFilter{OrgID: queryID(r, "org"), Name: name, IncludeArchived: q.Get("archived") == "1"}
	rooms, more, err := pages(500, func(offset, limit int) ([]consult.Room, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindRooms(ctx, a, f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "议事室", Title: s.exportTitle("基层协商议事室名单"),
		Header:      []string{"序号", "议事室名称", "品牌", "所在地", "地址", "联络员", "联络员电话", "建成日期", "服务村(社区)", "状态"},
		TextColumns: []int{6}}
	for i, room := range rooms {
		room = roomFor(r, room)
		var villages []string
		for _, v := range room.Villages {
			villages = append(villages, v.Name)
		}
		status := "在用"
		if room.Archived {
			status = "已撤销"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, room.Name, room.Brand, room.OrgName, room.Address, room.Coordinator,
			room.CoordinatorPhone, room.Established, strings.Join(villages, "、"), status})
	}
	return s.sendSheet(w, r, "议事室名单.xlsx", "rooms.xlsx", sheet, more)
}

func (s *Server) planListXLSX(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.db.FindPlans(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "协商计划", Title: s.exportTitle("协商计划一览"),
		Header: []string{"序号", "计划名称", "政协", "年度", "状态", "议题数", "版本"}}
	for i, p := range plans {
		sheet.Rows = append(sheet.Rows, []any{i + 1, p.Title, p.CommitteeName, p.Year, p.StatusLabel, p.Items, p.Version})
	}
	return s.sendSheet(w, r, "协商计划.xlsx", "plans.xlsx", sheet, false)
}

func (s *Server) proposalListXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f, _, err := s.proposalListFilter(r)
	if err != nil {
		return err
	}
	ps, more, err := pages(500, func(offset, limit int) ([]store.Proposal, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindProposals(ctx, a, f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "提案", Title: s.exportTitle("提案一览"),
		Header: []string{"序号", "案号", "会议", "案由", "提案人", "集体提案", "附议人数", "类别", "状态", "承办单位", "答复期限", "超期", "重点提案", "优秀提案"}}
	yes := func(b bool) any {
		if b {
			return "是"
		}
		return nil
	}
	for i, p := range ps {
		row := proposalRow(p)
		sheet.Rows = append(sheet.Rows, []any{i + 1, row.Number, row.Session, row.Title, row.Proposer, row.Group, row.Cosigners,
			row.Category, row.State, strings.Join(row.Units, "、"), dateOf(row.ReplyDue), yes(row.Overdue), yes(row.Key), yes(row.Excellent)})
	}
	return s.sendSheet(w, r, "提案一览.xlsx", "proposals.xlsx", sheet, more)
}

func (s *Server) reportListXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f := reportFilter(r)
	rs, more, err := pages(500, func(offset, limit int) ([]store.Report, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindReports(ctx, a, f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "社情民意信息", Title: s.exportTitle("社情民意信息一览"),
		Header: []string{"序号", "标题", "报送单位", "年度", "作者", "状态", "采用情况", "领导批示"}}
	for i, rp := range rs {
		row := reportRow(rp)
		instructed := any(nil)
		if row.Instructed {
			instructed = "有"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, row.Title, row.Org, row.Year, row.Authors, row.StateLabel, row.Adoptions, instructed})
	}
	return s.sendSheet(w, r, "社情民意信息.xlsx", "reports.xlsx", sheet, more)
}

func (s *Server) auditListXLSX(w http.ResponseWriter, r *http.Request) error {
	f, errs := s.auditQuery(r)
	if len(errs) > 0 {
		fe := app.FieldErrors{}
		for k, v := range errs {
			fe.Add(k, v)
		}
		return fe.Err()
	}
	entries, more, err := pages(200, func(offset, limit int) ([]audit.Entry, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindAuditEntries(r.Context(), actor(r), f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "审计日志", Title: s.exportTitle("审计日志"),
		Header: []string{"序号", "时间", "操作人", "IP", "操作", "对象", "对象编号", "摘要"}}
	for i, e := range s.auditRows(entries) {
		sheet.Rows = append(sheet.Rows, []any{i + 1, s.localTime(entries[i].At), e.Actor, e.IP, e.Action, e.Entity, e.EntityID, e.Summary})
	}
	return s.sendSheet(w, r, "审计日志.xlsx", "audit.xlsx", sheet, more)
}

func (s *Server) accountListXLSX(w http.ResponseWriter, r *http.Request) error {
	f := accountFilter(r)
	list, more, err := pages(500, func(offset, limit int) ([]auth.Account, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindAccounts(r.Context(), actor(r), f)
	})
	if err != nil {
		return err
	}
	now := s.db.Now()
	sheet := xlsx.Sheet{Name: "账号", Title: s.exportTitle("账号一览"),
		Header: []string{"序号", "用户名", "姓名", "角色", "所属组织", "状态", "最近登录"}}
	for i, a := range list {
		status, _ := accountStatus(a, now)
		sheet.Rows = append(sheet.Rows, []any{i + 1, a.Username, a.DisplayName, a.Role.Label(), orgLabel(a), status, s.localTime(a.LastLoginAt)})
	}
	return s.sendSheet(w, r, "账号一览.xlsx", "accounts.xlsx", sheet, more)
}
