package web

import (
	"net/http"

	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// The assistance lists as workbooks: cadres (phones masked as on the page),
// pairings and the problem list, with the page's filters and permission.

func (s *Server) assistListExportRoutes() []Route {
	rd := auth.AssistRead
	return []Route{
		{Method: "GET", Pattern: "/cadres.xlsx", Perm: rd, Handle: s.cadreListXLSX},
		{Method: "GET", Pattern: "/pairings.xlsx", Perm: rd, Handle: s.pairingListXLSX},
		{Method: "GET", Pattern: "/problems.xlsx", Perm: rd, Handle: s.problemListXLSX},
	}
}

func (s *Server) cadreListXLSX(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindCadres(r.Context(), actor(r), store.CadreFilter{OrgID: queryID(r, "org_id")})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "帮扶干部", Title: s.exportTitle("帮扶干部名单"),
		Header: []string{"序号", "姓名", "单位", "职务", "电话", "结对户数", "包联企业", "离岗日期"}, TextColumns: []int{4}}
	for i, c := range cs {
		sheet.Rows = append(sheet.Rows, []any{i + 1, c.Name, c.OrgName, c.Post, c.Phone, c.Households, c.Enterprises,
			dateOf(c.LeftOn.String())})
	}
	return s.sendSheet(w, r, "帮扶干部.xlsx", "cadres.xlsx", sheet, false)
}

func (s *Server) pairingListXLSX(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ps, err := s.db.FindPairings(r.Context(), actor(r), store.PairingFilter{CadreID: queryID(r, "cadre_id"),
		Kind: q.Get("kind"), Active: q.Get("active") == "1"})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "结对关系", Title: s.exportTitle("结对关系"),
		Header: []string{"序号", "编号", "类型", "干部", "对象", "所在单位", "开始", "结束", "结束原因"}}
	for i, p := range ps {
		sheet.Rows = append(sheet.Rows, []any{i + 1, p.ID, p.KindLabel(), p.CadreName, p.Target, p.OrgName,
			dateOf(p.StartsOn.String()), dateOf(p.EndsOn.String()), p.EndReason})
	}
	return s.sendSheet(w, r, "结对关系.xlsx", "pairings.xlsx", sheet, false)
}

func (s *Server) problemListXLSX(w http.ResponseWriter, r *http.Request) error {
	f := problemFilter(r)
	f.HouseholdID = queryID(r, "household_id")
	list, more, err := pages(500, func(offset, limit int) ([]store.Problem, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.FindProblems(r.Context(), actor(r), f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "问题清单", Title: s.exportTitle("问题清单"),
		Header: []string{"序号", "编号", "问题", "所属", "类别", "协助部门", "状态", "提出日期", "办理情况", "办结日期"}}
	for i, p := range list {
		sheet.Rows = append(sheet.Rows, []any{i + 1, p.ID, p.Description, p.Target, p.CategoryLabel, p.Department,
			p.StatusLabel, dateOf(p.RaisedOn.String()), p.Resolution, dateOf(p.ResolvedOn.String())})
	}
	return s.sendSheet(w, r, "问题清单.xlsx", "problems.xlsx", sheet, more)
}
