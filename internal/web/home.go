package web

import (
	"net/http"

	"xieshang/internal/auth"
	"xieshang/internal/web/view"
)

func (s *Server) homeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/{$}", Handle: s.home},
	}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	ov, err := s.db.FindOverview(r.Context(), a)
	if err != nil {
		return err
	}
	name := state(r).account.OrgName
	if name == "" {
		name = "全平台"
	}
	link := func(p auth.Permission, href string) string {
		if can(r, p) {
			return href
		}
		return ""
	}
	stats := []view.HomeStat{
		{Label: "政协组织", N: ov.Committees, Href: link(auth.OrgRead, "/orgs")},
		{Label: "乡镇(街道)", N: ov.Townships, Href: link(auth.OrgRead, "/orgs")},
		{Label: "村(社区)", N: ov.Villages, Href: link(auth.OrgRead, "/orgs")},
	}
	if can(r, auth.MemberRead) {
		stats = append(stats, view.HomeStat{Label: "在职委员", N: ov.MembersServing, Href: "/members"})
	}
	if can(r, auth.AccountManage) {
		stats = append(stats, view.HomeStat{Label: "账号", N: ov.Accounts, Href: "/accounts"})
	}
	var notice *view.LoginNotice
	if st := state(r); st.signed && !st.bearer {
		n, err := s.db.FindLoginNotice(r.Context(), st.account.ID, st.session.CreatedAt)
		if err != nil {
			return err
		}
		notice = &view.LoginNotice{Prev: s.fmtTime(n.PrevAt), PrevIP: n.PrevIP, Failed: n.FailedSince}
	}
	return render(w, r, http.StatusOK, view.Home(page(r, "首页", "home"), name, stats, notice))
}
