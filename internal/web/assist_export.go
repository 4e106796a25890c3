package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// Exports of households' personal data: a form asks why (and whether
// identity numbers and phones are wanted in full); the store checks the
// permission and logs the export; the file names its exporter, the time
// and the reason above the table.

func (s *Server) assistExportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/households/export", Perm: auth.AssistExport, Handle: s.householdExportForm},
		{Method: "POST", Pattern: "/households/export", Perm: auth.AssistExport, Handle: s.householdExport},
	}
}

func (s *Server) householdExportForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderHouseholdExport(w, r, http.StatusOK, r.URL.Query(), "", nil)
}

func (s *Server) renderHouseholdExport(w http.ResponseWriter, r *http.Request, status int, v url.Values, msg string, errs app.FieldErrors) error {
	d := view.HouseholdExport{Msg: msg, Errs: errs, Filter: url.Values{}}
	for _, k := range []string{"org_id", "category", "paired", "q", "exited"} {
		if x := v.Get(k); x != "" {
			d.Filter.Set(k, x)
		}
	}
	d.Fields = []view.Field{
		view.FieldFrom(errs, view.Field{Name: "reason", Label: "导出用途", Required: true, Value: v.Get("reason"),
			Hint: "如：报县民政局核对低保待遇。导出记入审计日志，文件上注明导出人。"}),
		{Name: "full", Label: "证件号码和电话", Value: v.Get("full"), Options: []view.Option{{Value: "", Label: "脱敏（推荐）"},
			{Value: "1", Label: "完整（仅在确需时选择）"}}},
	}
	return render(w, r, status, view.HouseholdExportPage(page(r, "导出帮扶对象名单", "assist"), d))
}

func (s *Server) householdExport(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range []string{"org_id", "category", "paired", "q", "exited"} {
		if x := f.Str(k); x != "" {
			q.Set(k, x)
		}
	}
	filterReq := &http.Request{URL: &url.URL{RawQuery: q.Encode()}}
	full := f.Str("full") == "1"
	rows, err := s.db.ExportHouseholds(r.Context(), actor(r), householdFilter(filterReq), f.Str("reason"), full)
	if err != nil {
		if !formError(err) {
			return err
		}
		msg := ""
		if len(app.ErrorFields(err)) == 0 {
			msg = app.ErrorMessage(err)
		}
		return s.renderHouseholdExport(w, r, formStatus(err), r.PostForm, msg, app.ErrorFields(err))
	}
	acc := state(r).account
	exporter := acc.DisplayName + "（" + acc.Username + "）"
	when := s.db.Now().In(s.db.Loc).Format("2006-01-02 15:04")
	sheet := xlsx.Sheet{Name: "帮扶对象", Title: "帮扶对象名单  导出人：" + exporter + "  导出时间：" + when + "  用途：" +
		strings.TrimSpace(f.Str("reason")),
		Header: []string{"所在村(社区)", "户主", "地址", "联系电话", "结对干部", "成员", "与户主关系", "性别", "出生日期",
			"身份证号码", "类别", "残疾情况", "健康状况"}, TextColumns: []int{3, 9}}
	for _, row := range rows {
		h, p := row.Household, row.Person
		birth := ""
		if !p.BirthDate.IsZero() {
			birth = p.BirthDate.String()
		}
		sheet.Rows = append(sheet.Rows, []any{h.OrgName, h.HeadName, h.Address, h.Phone, h.Cadres, p.Name, p.Relation,
			p.Gender, birth, p.IDNumber, strings.Join(p.CategoryLabels(), "、"), p.Disability, p.Health})
	}
	sheet.Rows = append(sheet.Rows, []any{"本表含个人敏感信息，仅限" + strings.TrimSpace(f.Str("reason")) + "使用，不得外传。导出人：" + exporter})
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, sheet); err != nil {
		return app.Internal(err, "household export")
	}
	name := "帮扶对象名单（" + acc.DisplayName + "导出，" + time.Now().In(s.db.Loc).Format("20060102") + "）.xlsx"
	return sendXLSX(w, name, "households.xlsx", buf.Bytes())
}
