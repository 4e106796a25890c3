package web

import (
	"net/http"
	"strings"

	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// The 履职活动 and the visit campaigns as workbooks, with the pages'
// filters and permissions.

func (s *Server) moreListExportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/activities.xlsx", Perm: auth.MemberRead, Handle: s.activityListXLSX},
		{Method: "GET", Pattern: "/visit-campaigns.xlsx", Perm: auth.AssistRead, Handle: s.visitCampaignListXLSX},
	}
}

func (s *Server) activityListXLSX(w http.ResponseWriter, r *http.Request) error {
	f := activityFilter(r)
	list, more, err := pages(500, func(offset, limit int) ([]store.Activity, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindActivities(r.Context(), actor(r), f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "履职活动", Title: s.exportTitle("履职活动"),
		Header: []string{"序号", "名称", "类型", "组织", "开始日期", "结束日期", "地点", "参加委员", "其他参加人员", "主要数字", "组织单位"}}
	for i, a := range list {
		var members, others, figures []string
		for _, p := range a.Participants {
			if p.MemberID != 0 {
				members = append(members, p.Name)
			} else {
				others = append(others, p.Name)
			}
		}
		for _, fg := range a.Figures {
			figures = append(figures, fg.Name+"："+itoa(fg.Value))
		}
		var ends any
		if !a.EndsOn.IsZero() {
			ends = a.EndsOn
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, a.Title, a.KindLabel, a.OrgName, a.StartsOn, ends,
			strings.Join(a.Places, "、"), strings.Join(members, "、"), strings.Join(others, "、"), strings.Join(figures, "；"), a.Organiser})
	}
	return s.sendSheet(w, r, "履职活动.xlsx", "activities.xlsx", sheet, more)
}

func (s *Server) visitCampaignListXLSX(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.FindVisitCampaigns(r.Context(), actor(r))
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "遍访活动", Title: s.exportTitle("遍访活动"),
		Header: []string{"序号", "名称", "组织", "开始", "结束", "对象数", "已走访", "发现问题", "未整改", "整改情况"}}
	for i, c := range list {
		state := "整改中"
		switch {
		case c.Problems == 0:
			state = "未发现问题"
		case c.Rectified:
			state = "问题已全部整改完毕"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, c.Title, c.OrgName, c.StartsOn, c.EndsOn, c.Targets, c.Visited,
			c.Problems, c.OpenProblems, state})
	}
	return s.sendSheet(w, r, "遍访活动.xlsx", "visit-campaigns.xlsx", sheet, false)
}
