package web

import (
	"net/http"

	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// The organisations (every tier, villages included, with the page's name
// search) and the topic-collection campaigns as workbooks.

func (s *Server) otherListExportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/orgs.xlsx", Perm: auth.OrgRead, Handle: s.orgListXLSX},
		{Method: "GET", Pattern: "/campaigns.xlsx", Perm: auth.ConsultRead, Handle: s.campaignListXLSX},
	}
}

func (s *Server) orgListXLSX(w http.ResponseWriter, r *http.Request) error {
	name, err := orgQuery(r)
	if err != nil {
		return err
	}
	f := store.OrgListFilter{Name: name, IncludeArchived: r.URL.Query().Get("archived") == "1"}
	list, more, err := pages(1000, func(offset, limit int) ([]store.OrgRow, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.db.ListOrgs(r.Context(), actor(r), f)
	})
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "组织机构", Title: s.exportTitle("组织机构"),
		Header: []string{"序号", "名称", "简称", "层级", "上级", "区划代码", "下级数", "状态"}, TextColumns: []int{5}}
	for i, o := range list {
		status := "在用"
		if o.Archived {
			status = "已撤销"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, o.Name, o.ShortName, o.Kind.Label(), o.Trail, o.Code, o.Children, status})
	}
	return s.sendSheet(w, r, "组织机构.xlsx", "orgs.xlsx", sheet, more)
}

func (s *Server) campaignListXLSX(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindCampaigns(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	today := s.db.Today()
	sheet := xlsx.Sheet{Name: "议题征集", Title: s.exportTitle("议题征集活动"),
		Header: []string{"序号", "名称", "组织", "年度", "开始", "截止", "状态", "公开征集", "收到建议"}}
	for i, c := range cs {
		public := "否"
		if c.Public {
			public = "是"
		}
		sheet.Rows = append(sheet.Rows, []any{i + 1, c.Title, c.OrgName, c.Year, c.OpensOn, c.ClosesOn,
			campaignState(c, today), public, c.Suggestions})
	}
	return s.sendSheet(w, r, "议题征集.xlsx", "campaigns.xlsx", sheet, false)
}
