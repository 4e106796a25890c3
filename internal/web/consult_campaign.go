package web

// Topic collection (议题征集): campaigns, suggestions from signed-in
// accounts (members, grassroots rooms' coordinators, the office for
// departments), the office's screening (select into the year's plan, or
// decline with a reason), and the public pages without login: the
// suggestion form and the list of what was selected.
//
// The public form needs no captcha from a third party: a hidden honeypot
// field, a form token signed with the server's key carrying when the form
// was served (too fast or over a day old is refused), limits per address
// (a keyed hash, never the address) and per campaign counted in the
// database, duplicates refused, links capped (consult/suggestion.go).
// Cross-site posts are refused by http.CrossOriginProtection like every
// other form; a signed-in visitor's post also carries the session's CSRF
// token.

import (
	"net/http"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) consultCampaignRoutes() []Route {
	read, write := auth.ConsultRead, auth.ConsultWrite
	return []Route{
		{Method: "GET", Pattern: "/campaigns", Perm: read, Handle: s.campaignList},
		{Method: "POST", Pattern: "/campaigns", Perm: write, Handle: s.campaignCreate},
		{Method: "GET", Pattern: "/campaigns/{id}", Perm: read, Handle: s.campaignShow},
		{Method: "POST", Pattern: "/campaigns/{id}/suggestions", Perm: read, Handle: s.campaignSuggest},
		{Method: "POST", Pattern: "/campaigns/{id}/suggestions/{topic}/select", Perm: write, Handle: s.campaignSelect},
		{Method: "POST", Pattern: "/campaigns/{id}/suggestions/{topic}/decline", Perm: write, Handle: s.campaignDecline},
		{Method: "GET", Pattern: "/public/campaigns/{id}", Public: true, Handle: s.publicCampaign},
		{Method: "POST", Pattern: "/public/campaigns/{id}", Public: true, Handle: s.publicSuggest},
		{Method: "GET", Pattern: "/public/campaigns/{id}/selected", Public: true, Handle: s.publicSelected},
	}
}

func campaignWindow(c store.Campaign) string {
	return c.OpensOn.String() + " 至 " + c.ClosesOn.String()
}

func campaignState(c store.Campaign, today app.Date) string {
	switch {
	case c.Open:
		return "征集中"
	case today.Before(c.OpensOn):
		return "未开始"
	}
	return "已截止"
}

func (s *Server) campaignList(w http.ResponseWriter, r *http.Request) error {
	today := s.db.Today()
	return s.renderCampaignList(w, r, http.StatusOK, nil, consult.Campaign{OrgID: actor(r).OrgID, Year: today.Y,
		OpensOn: today, Public: true})
}

func (s *Server) renderCampaignList(w http.ResponseWriter, r *http.Request, status int, err error, in consult.Campaign) error {
	ctx, a := r.Context(), actor(r)
	cs, ferr := s.db.FindCampaigns(ctx, a, 0)
	if ferr != nil {
		return ferr
	}
	d := view.CampaignList{CanWrite: can(r, auth.ConsultWrite), Errs: app.ErrorFields(err)}
	if err != nil && len(d.Errs) == 0 {
		d.Msg = app.ErrorMessage(err)
	}
	today := s.db.Today()
	for _, c := range cs {
		d.Rows = append(d.Rows, view.CampaignRow{ID: c.ID, Title: c.Title, Org: c.OrgName, Window: campaignWindow(c),
			State: campaignState(c, today), Public: c.Public, Suggestions: c.Suggestions})
	}
	if d.CanWrite {
		orgs, err := s.db.FindOrgs(ctx, a, store.OrgFilter{})
		if err != nil {
			return err
		}
		var orgOpts []view.Option
		for _, o := range orgs {
			orgOpts = append(orgOpts, view.Option{Value: app.Itoa(o.ID), Label: o.Name})
		}
		public := "0"
		if in.Public {
			public = "1"
		}
		date := func(d app.Date) string {
			if d.IsZero() {
				return ""
			}
			return d.String()
		}
		d.Fields = []view.Field{
			{Name: "org_id", Label: "开展征集的组织", Options: orgOpts, Value: idValue(in.OrgID), Required: true},
			{Name: "year", Label: "年度", Type: "number", Value: strconv.Itoa(in.Year), Required: true},
			{Name: "title", Label: "征集活动名称", Value: in.Title, Required: true, Hint: "如：2026年度政协协商议题征集"},
			{Name: "intro", Label: "征集说明", Type: "textarea", Value: in.Intro},
			{Name: "opens_on", Label: "开始日期", Type: "date", Value: date(in.OpensOn), Required: true},
			{Name: "closes_on", Label: "截止日期", Type: "date", Value: date(in.ClosesOn), Required: true},
			{Name: "public", Label: "面向社会公开征集", Value: public, Options: []view.Option{{Value: "1", Label: "是（开放无需登录的征集页面）"},
				{Value: "0", Label: "否（仅委员、议事室和部门）"}}},
		}
	}
	return render(w, r, status, view.CampaignListPage(withExport(page(r, "议题征集", "campaigns"), r, "/campaigns.xlsx"), d))
}

func campaignForm(f *form) consult.Campaign {
	return consult.Campaign{OrgID: f.ID("org_id"), Year: f.Int("year"), Title: f.Str("title"), Intro: f.Str("intro"),
		OpensOn: f.Date("opens_on"), ClosesOn: f.Date("closes_on"), Public: f.Bool("public")}
}

func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := campaignForm(f)
	c, err := s.db.CreateCampaign(r.Context(), actor(r), in)
	if err = f.merge(err); err != nil {
		if formError(err) {
			return s.renderCampaignList(w, r, formStatus(err), err, in)
		}
		return err
	}
	return redirect(w, r, "/campaigns/"+app.Itoa(c.ID)+"?ok=created")
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderCampaign(w, r, id, http.StatusOK, nil, consult.TopicInput{})
}

func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, id int64, status int, err error, in consult.TopicInput) error {
	ctx, a := r.Context(), actor(r)
	c, ferr := s.db.FindCampaignByID(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	office := can(r, auth.ConsultWrite)
	d := view.CampaignShow{ID: c.ID, Title: c.Title, Org: c.OrgName, Intro: c.Intro, Window: campaignWindow(c),
		Closed: c.Window, Public: c.Public, Manage: office && c.Manages(a), Errs: app.ErrorFields(err),
		Forms: formOptions("请选择"), MonthOpts: monthOptions(), Msg: errSummary(err)}
	d.CanSuggest = office || (c.Open && (a.Role == string(auth.MemberRole) || can(r, auth.RoomWrite)))
	if d.CanSuggest {
		d.Suggest = []view.Field{
			{Name: "title", Label: "建议议题", Value: in.Title, Required: true},
			{Name: "description", Label: "建议理由和内容", Type: "textarea", Value: in.Description},
		}
		if office {
			var sources []view.Option
			for _, src := range []consult.Source{consult.FromDepartment, consult.FromParty, consult.FromMember,
				consult.FromPublic, consult.FromOffice} {
				sources = append(sources, view.Option{Value: string(src), Label: src.Label()})
			}
			d.Suggest = append(d.Suggest,
				view.Field{Name: "source", Label: "建议来源", Options: sources, Value: string(in.Source)},
				view.Field{Name: "source_name", Label: "提出建议的部门或个人", Value: in.SourceName, Hint: "来源为党政部门时必填"},
				view.Field{Name: "source_phone", Label: "联系电话", Type: "tel", Value: in.SourcePhone})
		}
	}
	if d.Manage {
		if d.Leads, ferr = s.leadOptions(ctx, a, c.CommitteeID); ferr != nil {
			return ferr
		}
		ts, _, ferr := s.db.FindTopics(ctx, a, store.TopicFilter{CampaignID: c.ID, Limit: 1000})
		if ferr != nil {
			return ferr
		}
		for _, t := range ts {
			d.Suggestions = append(d.Suggestions, view.SuggestionRow{TopicID: t.ID, Title: t.Title,
				Description: t.Description, Source: t.Source.Label(), SourceName: t.SourceName, Phone: t.SourcePhone,
				Org: t.OrgName, State: t.StateLabel, Collected: t.State == consult.Collected, At: s.noticeTime(t.CreatedAt)})
		}
	}
	return render(w, r, status, view.CampaignShowPage(page(r, c.Title, "campaigns"), d))
}

// campaignPost runs a change from the campaign page and redirects back, or
// re-renders the page with the error.
func (s *Server) campaignPost(w http.ResponseWriter, r *http.Request, flash string, change func(f *form, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err = f.merge(change(f, id)); err != nil {
		if formError(err) {
			return s.renderCampaign(w, r, id, formStatus(err), err, suggestionForm(f))
		}
		return err
	}
	return redirect(w, r, "/campaigns/"+app.Itoa(id)+"?ok="+flash)
}

// errSummary is an error's message for the top of a page whose inline
// forms show no field errors of their own: the field messages, joined.
func errSummary(err error) string {
	if err == nil {
		return ""
	}
	fields := app.ErrorFields(err)
	if len(fields) == 0 {
		return app.ErrorMessage(err)
	}
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f.Message
	}
	return "提交的内容有误：" + strings.Join(msgs, "；")
}

func suggestionForm(f *form) consult.TopicInput {
	return consult.TopicInput{Title: f.Str("title"), Description: f.Str("description"),
		Source: consult.Source(f.Str("source")), SourceName: f.Str("source_name"), SourcePhone: f.Str("source_phone")}
}

func (s *Server) campaignSuggest(w http.ResponseWriter, r *http.Request) error {
	return s.campaignPost(w, r, "suggested", func(f *form, id int64) error {
		_, err := s.db.SubmitSuggestion(r.Context(), actor(r), id, suggestionForm(f))
		return err
	})
}

// campaignTopic checks that the topic was collected by the campaign.
func (s *Server) campaignTopic(r *http.Request, campaignID int64) (int64, error) {
	topicID, err := pathID(r, "topic")
	if err != nil {
		return 0, err
	}
	t, err := s.db.FindTopicByID(r.Context(), actor(r), topicID)
	if err != nil {
		return 0, err
	}
	if t.CampaignID != campaignID {
		return 0, app.NotFound("征集到的建议")
	}
	return topicID, nil
}

func (s *Server) campaignSelect(w http.ResponseWriter, r *http.Request) error {
	return s.campaignPost(w, r, "selected", func(f *form, id int64) error {
		topicID, err := s.campaignTopic(r, id)
		if err != nil {
			return err
		}
		return s.db.SelectTopic(r.Context(), actor(r), topicID, store.SelectInput{PlanItemInput: planItemForm(f)})
	})
}

func (s *Server) campaignDecline(w http.ResponseWriter, r *http.Request) error {
	return s.campaignPost(w, r, "declined", func(f *form, id int64) error {
		topicID, err := s.campaignTopic(r, id)
		if err != nil {
			return err
		}
		_, err = s.db.DeclineTopic(r.Context(), actor(r), topicID, f.Str("note"))
		return err
	})
}

// --- The public pages (no login) ---

func (s *Server) publicCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderPublicCampaign(w, r, id, http.StatusOK, nil, consult.Suggestion{})
}

func (s *Server) renderPublicCampaign(w http.ResponseWriter, r *http.Request, id int64, status int, err error, in consult.Suggestion) error {
	c, ferr := s.db.FindPublicCampaign(r.Context(), id)
	if ferr != nil {
		return ferr
	}
	d := view.PublicCampaign{ID: c.ID, Title: c.Title, Org: c.OrgName, Intro: c.Intro, Window: campaignWindow(c),
		Closed: c.Window, Honeypot: consult.Honeypot, Errs: app.ErrorFields(err),
		Token: consult.SuggestionToken(s.cfg.SignKey, c.ID, s.db.Now()), Done: r.URL.Query().Get("sent") == "1" && err == nil}
	if err != nil && len(d.Errs) == 0 {
		d.Msg = app.ErrorMessage(err)
	}
	d.Fields = []view.Field{
		{Name: "title", Label: "建议题目", Value: in.Title, Required: true, Attrs: map[string]string{"maxlength": "80"}},
		{Name: "content", Label: "建议内容", Type: "textarea", Value: in.Content, Required: true,
			Hint: "请写明问题和建议，10至2000字；最多包含2个网址链接"},
		{Name: "name", Label: "姓名（选填）", Value: in.Name},
		{Name: "phone", Label: "联系电话（选填）", Type: "tel", Value: in.Phone},
	}
	return render(w, r, status, view.PublicCampaignPage(page(r, c.Title, ""), d))
}

func (s *Server) publicSuggest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := consult.Suggestion{Title: f.Str("title"), Content: f.Str("content"), Name: f.Str("name"), Phone: f.Str("phone")}
	err = s.publicSubmit(r, id, f, in)
	if err != nil {
		switch app.ErrorCode(err) {
		case app.EINVALID, app.ECONFLICT, app.ETHROTTLED:
			return s.renderPublicCampaign(w, r, id, httpStatus(app.ErrorCode(err)), err, in)
		}
		return err
	}
	return redirect(w, r, "/public/campaigns/"+app.Itoa(id)+"?sent=1")
}

// publicSubmit runs the spam checks, then the store's limits.
func (s *Server) publicSubmit(r *http.Request, id int64, f *form, in consult.Suggestion) error {
	if f.r.PostFormValue(consult.Honeypot) != "" {
		return consult.ErrHoneypot()
	}
	if err := consult.CheckSuggestionToken(s.cfg.SignKey, id, f.r.PostFormValue("form_token"), s.db.Now()); err != nil {
		return err
	}
	if len(f.Errs) > 0 {
		return f.Errs.Err()
	}
	_, err := s.db.SubmitPublicSuggestion(r.Context(), id, in, consult.HashAddress(s.cfg.SignKey, clientIP(r)))
	return err
}

func (s *Server) publicSelected(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.db.FindPublicCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	ts, err := s.db.FindSelectedPublic(r.Context(), id)
	if err != nil {
		return err
	}
	d := view.PublicSelected{ID: c.ID, Title: c.Title, Org: c.OrgName}
	for _, t := range ts {
		d.Rows = append(d.Rows, view.PublicSelectedRow{Title: t.Title, Form: t.Form.Label(), Month: consult.MonthLabel(t.Month)})
	}
	return render(w, r, http.StatusOK, view.PublicSelectedPage(page(r, c.Title+"：已选定的协商议题", ""), d))
}
