package web

// Elections (选举) at a sitting of a plenary: pages and JSON API. The office
// creates an election from the sitting's page, sets its rules, offices,
// candidates and scrutineers, has the sitting adopt the two agenda items by
// the ordinary votes, issues the ballots, closes the voting, has the paper
// ballots entered twice (election_count.go), signs and confirms. Members vote
// electronically on their phones and check their receipt codes
// (election_vote.go). The JSON API is in election_api.go.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// electionRoutes: the election pages and the /api/v1 election routes.
//
// Viewing, voting, receipt checks and paper entry need meeting:read (the
// store lets member accounts enter ballots only as scrutineers of the
// election, and sign only as its chief scrutineer); setting up, issuing,
// closing, correcting and confirming need meeting:write.
func (s *Server) electionRoutes() []Route {
	read, write := auth.MeetingRead, auth.MeetingWrite
	pages := []Route{
		{Method: "GET", Pattern: "/meetings/{id}/elections", Perm: read, Handle: s.electionList},
		{Method: "GET", Pattern: "/elections/new", Perm: write, Handle: s.electionNew},
		{Method: "POST", Pattern: "/elections", Perm: write, Handle: s.electionCreate},
		{Method: "GET", Pattern: "/elections/{id}", Perm: read, Handle: s.electionShow},
		{Method: "GET", Pattern: "/elections/{id}/edit", Perm: write, Handle: s.electionEdit},
		{Method: "POST", Pattern: "/elections/{id}/edit", Perm: write, Handle: s.electionUpdate},
		{Method: "POST", Pattern: "/elections/{id}/offices", Perm: write, Handle: s.electionOfficeAdd},
		{Method: "POST", Pattern: "/offices/{id}", Perm: write, Handle: s.electionOfficeUpdate},
		{Method: "POST", Pattern: "/offices/{id}/delete", Perm: write, Handle: s.electionOfficeRemove},
		{Method: "POST", Pattern: "/offices/{id}/candidates", Perm: write, Handle: s.electionCandidates},
		{Method: "POST", Pattern: "/elections/{id}/scrutineers", Perm: write, Handle: s.electionScrutineers},
		{Method: "POST", Pattern: "/elections/{id}/open", Perm: write, Handle: s.electionOpen},
		{Method: "POST", Pattern: "/elections/{id}/issue", Perm: write, Handle: s.electionIssue},
		{Method: "POST", Pattern: "/elections/{id}/close", Perm: write, Handle: s.electionClose},
		{Method: "POST", Pattern: "/elections/{id}/sign", Perm: read, Handle: s.electionSign},
		{Method: "POST", Pattern: "/elections/{id}/confirm", Perm: write, Handle: s.electionConfirm},
		{Method: "GET", Pattern: "/elections/{id}/rules", Perm: read, Handle: s.electionRules},
		{Method: "GET", Pattern: "/elections/{id}/report", Perm: read, Handle: s.electionReport},
		{Method: "GET", Pattern: "/elections/{id}/entry", Perm: read, Handle: s.electionEntry},
		{Method: "POST", Pattern: "/elections/{id}/entry", Perm: read, Handle: s.electionEntryPost},
		{Method: "GET", Pattern: "/elections/{id}/compare", Perm: read, Handle: s.electionCompare},
		{Method: "POST", Pattern: "/elections/{id}/resolve", Perm: write, Handle: s.electionResolve},
		{Method: "POST", Pattern: "/elections/{id}/fix", Perm: write, Handle: s.electionFix},
		{Method: "GET", Pattern: "/elections/{id}/ballot", Perm: read, Handle: s.electionBallot},
		{Method: "POST", Pattern: "/elections/{id}/ballot", Perm: read, Handle: s.electionBallotPost},
		{Method: "GET", Pattern: "/elections/{id}/receipt", Perm: read, Handle: s.electionReceipt},
		{Method: "POST", Pattern: "/elections/{id}/receipt", Perm: read, Handle: s.electionReceiptPost},
	}
	return append(pages, s.electionAPIRoutes()...)
}

// electionHead is what every election page shows at the top.
func electionHead(e store.Election) view.ElectionHead {
	return view.ElectionHead{ID: e.ID, MeetingID: e.MeetingID, Meeting: e.MeetingTitle, Title: e.Title,
		Mode: e.Mode.Label(), Status: e.Status.Label(), Paper: e.Mode == election.Paper}
}

// pathElection reads the {id} election for the caller (404 outside its
// subtree or, for a member account, at a sitting it is not expected at).
func (s *Server) pathElection(r *http.Request) (store.Election, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.Election{}, err
	}
	return s.db.FindElectionByID(r.Context(), actor(r), id)
}

// committeeName is the committee's written name (org.Org.WrittenName: 市政协), ""
// when it cannot be read.
func (s *Server) committeeName(ctx context.Context, a app.Actor, id int64) string {
	o, err := s.db.FindOrgByID(ctx, a, id)
	if err != nil {
		return ""
	}
	return o.WrittenName()
}

// --- a sitting's elections ---

func (s *Server) electionList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r) // in the subtree; a member account: expected at it
	if err != nil {
		return err
	}
	list, err := s.db.FindElections(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	d := view.ElectionList{MeetingID: m.ID, Meeting: m.Title, CanWrite: can(r, auth.MeetingWrite)}
	for _, e := range list {
		d.Rows = append(d.Rows, view.ElectionRow{ID: e.ID, Title: e.Title, Mode: e.Mode.Label(), Status: e.Status.Label()})
	}
	return render(w, r, http.StatusOK, view.ElectionListPage(page(r, m.Title+" · 选举", "meetings"), d))
}

// --- the election's form: title, mode and rules ---

// rulesValues writes rules as the form's values.
func rulesValues(v url.Values, title string, mode election.Mode, rr election.Rules) url.Values {
	if v == nil {
		v = url.Values{}
	}
	strict := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	v.Set("title", title)
	v.Set("mode", string(mode))
	v.Set("hold_strict", strict(rr.Hold.Strict))
	v.Set("hold_num", strconv.Itoa(rr.Hold.Num))
	v.Set("hold_den", strconv.Itoa(rr.Hold.Den))
	v.Set("elect_base", string(rr.ElectBase))
	v.Set("elect_strict", strict(rr.Elect.Strict))
	v.Set("elect_num", strconv.Itoa(rr.Elect.Num))
	v.Set("elect_den", strconv.Itoa(rr.Elect.Den))
	v.Set("blank", string(rr.Blank))
	v.Set("unclear", string(rr.Unclear))
	v.Set("write_ins", string(rr.WriteIns))
	return v
}

// electionInput reads the election's form.
func electionInput(f *form) store.ElectionInput {
	return store.ElectionInput{Title: f.Str("title"), Mode: election.Mode(f.Str("mode")), Rules: election.Rules{
		Hold:      election.Fraction{Num: f.Int("hold_num"), Den: f.Int("hold_den"), Strict: f.Str("hold_strict") != "0"},
		Elect:     election.Fraction{Num: f.Int("elect_num"), Den: f.Int("elect_den"), Strict: f.Str("elect_strict") != "0"},
		ElectBase: election.Base(f.Str("elect_base")),
		Blank:     election.BlankMark(f.Str("blank")),
		Unclear:   election.UnclearMark(f.Str("unclear")),
		WriteIns:  election.WriteInRule(f.Str("write_ins")),
	}}
}

func labelled[T interface {
	~string
	Label() string
}](list []T) []view.Option {
	out := make([]view.Option, len(list))
	for i, x := range list {
		out[i] = view.Option{Value: string(x), Label: x.Label()}
	}
	return out
}

// electionFields are the form's fields with values and errors; the first two
// are the title and mode, the rest the rules.
func electionFields(v url.Values, errs app.FieldErrors) []view.Field {
	strictOpts := []view.Option{{Value: "1", Label: "超过"}, {Value: "0", Label: "不少于"}}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	fs := []view.Field{
		fe(view.Field{Name: "title", Label: "选举名称", Required: true, Hint: "如：补选市政协副主席、秘书长和常务委员"}),
		fe(view.Field{Name: "mode", Label: "投票方式", Options: labelled(election.Modes)}),
		fe(view.Field{Name: "hold_strict", Label: "进行选举：出席委员须", Options: strictOpts}),
		fe(view.Field{Name: "hold_num", Label: "全体委员的（分子）", Type: "number"}),
		fe(view.Field{Name: "hold_den", Label: "分之（分母）", Type: "number", Hint: "如：超过全体委员的二分之一"}),
		fe(view.Field{Name: "elect_base", Label: "当选票数的计算基数", Options: labelled(election.Bases)}),
		fe(view.Field{Name: "elect_strict", Label: "当选：赞成票须", Options: strictOpts}),
		fe(view.Field{Name: "elect_num", Label: "基数的（分子）", Type: "number"}),
		fe(view.Field{Name: "elect_den", Label: "分之（分母）", Type: "number", Hint: "如：超过应到会委员的二分之一"}),
		fe(view.Field{Name: "blank", Label: "未划符号的", Options: labelled(election.BlankMarks)}),
		fe(view.Field{Name: "unclear", Label: "符号不清、无法辨认的", Options: labelled(election.UnclearMarks)}),
		fe(view.Field{Name: "write_ins", Label: "另选他人", Options: labelled(election.WriteInRules)}),
	}
	for i := range fs {
		switch fs[i].Name {
		case "hold_den":
			if fs[i].Error == "" {
				fs[i].Error = errs.Get("hold")
			}
		case "elect_den":
			if fs[i].Error == "" {
				fs[i].Error = errs.Get("elect")
			}
		}
	}
	return fs
}

func (s *Server) renderElectionForm(w http.ResponseWriter, r *http.Request, status int, id int64, m meeting.Meeting,
	v url.Values, err error) error {
	d := view.ElectionForm{ID: id, MeetingID: m.ID, Meeting: m.Title}
	if err != nil {
		d.Errs = app.ErrorFields(err)
		if len(d.Errs) == 0 {
			d.Msg = app.ErrorMessage(err)
		}
	}
	d.Fields = electionFields(v, d.Errs)
	title := "新建选举"
	if id != 0 {
		title = "修改选举"
	}
	return render(w, r, status, view.ElectionFormPage(page(r, title, "meetings"), d))
}

func (s *Server) electionNew(w http.ResponseWriter, r *http.Request) error {
	id := queryID(r, "meeting")
	if id == 0 {
		return app.NotFound("会议")
	}
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderElectionForm(w, r, http.StatusOK, 0, m, rulesValues(nil, "", election.Paper, election.DefaultRules()), nil)
}

func (s *Server) electionCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	meetingID, err := strconv.ParseInt(r.PostFormValue("meeting"), 10, 64)
	if err != nil || meetingID <= 0 {
		return app.NotFound("会议")
	}
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), meetingID)
	if err != nil {
		return err
	}
	in := electionInput(f)
	if err := f.Errs.Err(); err != nil {
		return s.renderElectionForm(w, r, formStatus(err), 0, m, r.PostForm, err)
	}
	e, err := s.db.CreateElection(r.Context(), actor(r), m.ID, in)
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderElectionForm(w, r, formStatus(err), 0, m, r.PostForm, err)
	}
	s.publishMeeting(r.Context(), m.ID) // the agenda grew
	return redirect(w, r, "/elections/"+app.Itoa(e.ID)+"?ok=election_created")
}

func (s *Server) electionEdit(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), e.MeetingID)
	if err != nil {
		return err
	}
	return s.renderElectionForm(w, r, http.StatusOK, e.ID, m, rulesValues(nil, e.Title, e.Mode, e.Rules), nil)
}

func (s *Server) electionUpdate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := electionInput(f)
	err = f.Errs.Err()
	if err == nil {
		_, err = s.db.UpdateElection(r.Context(), actor(r), e.ID, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		m, merr := s.db.FindMeetingByID(r.Context(), actor(r), e.MeetingID)
		if merr != nil {
			return merr
		}
		return s.renderElectionForm(w, r, formStatus(err), e.ID, m, r.PostForm, err)
	}
	return redirect(w, r, "/elections/"+app.Itoa(e.ID)+"?ok=saved")
}

// --- the election's page ---

func (s *Server) electionShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderElection(w, r, id, http.StatusOK, "", nil)
}

// agendaState is an election's agenda item as its page shows it.
func agendaState(title string, v *store.Vote) view.AgendaState {
	switch {
	case v == nil:
		return view.AgendaState{Title: title, State: "未付表决"}
	case v.Status == store.VoteOpen:
		return view.AgendaState{Title: title, State: "表决中"}
	case v.Passed:
		return view.AgendaState{Title: title, State: "已通过", Adopted: true}
	}
	return view.AgendaState{Title: title, State: "未通过"}
}

// rulesSummary is the rules in a few lines.
func rulesSummary(rr election.Rules) []view.KV {
	return []view.KV{
		{Key: "进行选举", Value: "出席委员" + rr.Hold.Text("全体委员", false)},
		{Key: "当选", Value: "赞成票" + rr.Elect.Text(rr.ElectBase.Label(), true)},
		{Key: "未划符号", Value: rr.Blank.Label()},
		{Key: "符号不清", Value: rr.Unclear.Label()},
		{Key: "另选他人", Value: rr.WriteIns.Label()},
	}
}

// officeValues are an office's form values.
func officeValues(o election.Office) url.Values {
	comp := "0"
	if o.Competitive {
		comp = "1"
	}
	return url.Values{"paper": {strconv.Itoa(o.Paper)}, "seq": {strconv.Itoa(o.Seq)}, "name": {o.Name},
		"role": {string(o.Role)}, "seats": {strconv.Itoa(o.Seats)}, "competitive": {comp}}
}

// officeFields are the fields of an office's form.
func officeFields(v url.Values, errs app.FieldErrors) []view.Field {
	roles := []view.Option{{Value: "", Label: "不设"}}
	for _, k := range member.RoleKinds {
		if k != member.Ordinary {
			roles = append(roles, view.Option{Value: string(k), Label: k.Label()})
		}
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	return []view.Field{
		fe(view.Field{Name: "name", Label: "职务名称", Required: true, Hint: "如：副主席、秘书长、常务委员"}),
		fe(view.Field{Name: "role", Label: "当选后担任", Options: roles}),
		fe(view.Field{Name: "seats", Label: "应选名额", Type: "number", Required: true}),
		fe(view.Field{Name: "competitive", Label: "候选人", Options: []view.Option{{Value: "0", Label: "等额"}, {Value: "1", Label: "差额"}}}),
		fe(view.Field{Name: "paper", Label: "选票（第几张）", Type: "number", Hint: "留空为第1张"}),
		fe(view.Field{Name: "seq", Label: "在选票上的顺序", Type: "number", Hint: "留空排在最后"}),
	}
}

// renderElection renders an election's page; after a failed action, actErr
// is shown at the form named formName with what was posted.
func (s *Server) renderElection(w http.ResponseWriter, r *http.Request, id int64, status int, formName string, actErr error) error {
	ctx, a := r.Context(), actor(r)
	e, err := s.db.FindElectionByID(ctx, a, id)
	if err != nil {
		return err
	}
	votes, err := s.db.FindVotes(ctx, a, e.MeetingID)
	if err != nil {
		return err
	}
	var rulesVote, scrutVote *store.Vote
	for i := range votes {
		switch votes[i].AgendaItemID {
		case e.RulesItemID:
			rulesVote = &votes[i]
		case e.ScrutineersItemID:
			scrutVote = &votes[i]
		}
	}
	d := view.ElectionShow{Head: electionHead(e), CanWrite: can(r, auth.MeetingWrite), Member: memberAccount(r),
		Draft: e.Status == election.Draft, Voting: e.Status == election.Voting, Counting: e.Status == election.Counting,
		Signed: e.Status == election.Signed, Confirmed: e.Status == election.Confirmed, Form: formName,
		Rules: rulesSummary(e.Rules), SignedBy: e.SignedBy}
	d.Editable = d.Draft && rulesVote == nil
	d.ScrutEditable = d.Draft && scrutVote == nil
	d.RulesItem = agendaState("选举办法（草案）", rulesVote)
	d.ScrutItem = agendaState("总监票人、监票人名单（草案）", scrutVote)
	if actErr != nil {
		d.Errs = app.ErrorFields(actErr)
		d.Msg = app.ErrorMessage(actErr)
		if len(d.Errs) > 0 {
			d.Msg = "提交的内容有误，请按提示修改。"
		}
		d.Posted = r.PostForm
		if formName == "" {
			d.Form = "action"
		}
	}
	for _, sc := range e.Scrutineers {
		if a.MemberID != 0 && sc.MemberID == a.MemberID {
			d.Scrutineer = true
		}
	}

	// Figures.
	d.Figures = []view.KV{{Key: "会议", Value: e.MeetingTitle}, {Key: "投票方式", Value: e.Mode.Label()},
		{Key: "状态", Value: e.Status.Label()}}
	if !d.Draft {
		d.Figures = append(d.Figures, view.KV{Key: "全体委员", Value: strconv.Itoa(e.Figures.All) + "人"},
			view.KV{Key: "应到会委员", Value: strconv.Itoa(e.Figures.Expected) + "人"},
			view.KV{Key: "发出选票", Value: strconv.Itoa(e.Figures.Issued) + "张"})
		if d.Voting && e.Mode == election.Electronic {
			d.Figures = append(d.Figures, view.KV{Key: "投票进度",
				Value: "已投 " + strconv.Itoa(e.Returned) + " / 发出 " + strconv.Itoa(e.Figures.Issued) + " 张"})
		} else if !d.Voting && (e.Mode == election.Electronic || d.Signed || d.Confirmed) {
			d.Figures = append(d.Figures, view.KV{Key: "收回选票", Value: strconv.Itoa(e.Returned) + "张"})
		}
	}

	// Offices and candidates.
	for _, o := range e.Offices {
		ov := view.OfficeView{ID: o.ID, Paper: o.Paper, Seq: o.Seq, Name: o.Name, Seats: o.Seats, Competitive: o.Competitive}
		if o.Role != "" {
			ov.Role = o.Role.Label()
		}
		var names []string
		for _, c := range o.Candidates {
			ov.Candidates = append(ov.Candidates, c.Name)
			names = append(names, c.Name)
		}
		ov.CandidateText = strings.Join(names, "\n")
		fv, ferrs := officeValues(o), app.FieldErrors(nil)
		key := "office-" + app.Itoa(o.ID)
		if formName == key {
			fv, ferrs = r.PostForm, d.Errs
		}
		ov.Fields = officeFields(fv, ferrs)
		if formName == "cand-"+app.Itoa(o.ID) {
			ov.CandidateText = r.PostFormValue("candidates")
			ov.CandError = d.Errs.Get("candidates")
		}
		d.Offices = append(d.Offices, ov)
	}
	if formName == "office-new" {
		d.OfficeFields = officeFields(r.PostForm, d.Errs)
	} else {
		d.OfficeFields = officeFields(url.Values{"competitive": {"0"}}, nil)
	}

	// Scrutineers.
	byDuty := map[store.ScrutineerDuty][]string{}
	for _, sc := range e.Scrutineers {
		byDuty[sc.Duty] = append(byDuty[sc.Duty], sc.Name)
	}
	for _, duty := range store.ScrutineerDuties {
		if names := byDuty[duty]; len(names) > 0 {
			d.Scrutineers = append(d.Scrutineers, view.ScrutineerGroup{Duty: duty.Label(), Names: strings.Join(names, "、")})
		}
		v := strings.Join(byDuty[duty], "\n")
		f := view.Field{Name: string(duty), Label: duty.Label(), Type: "textarea"}
		if formName == "scrutineers" {
			v = r.PostFormValue(string(duty))
			f.Error = d.Errs.Get(string(duty))
			if duty == store.ChiefScrutineer && f.Error == "" {
				f.Error = d.Errs.Get("scrutineers")
			}
		}
		f.Value = v
		d.ScrutFields = append(d.ScrutFields, f)
	}

	// State-dependent parts.
	switch {
	case d.Voting && d.CanWrite:
		expected, err := s.db.ExpectedMembers(ctx, a, e.MeetingID)
		if err != nil {
			return err
		}
		d.LateOptions = []view.Option{{Label: "请选择已签到的委员"}}
		for _, x := range expected {
			if x.SignedIn {
				d.LateOptions = append(d.LateOptions, view.Option{Value: app.Itoa(x.MemberID), Label: x.Name})
			}
		}
	case d.Counting && e.Mode == election.Paper && (!d.Member || d.Scrutineer):
		passes, err := s.db.FindEntryPasses(ctx, a, e.ID)
		if err != nil {
			return err
		}
		for _, ps := range passes {
			who := ps.Who
			if ps.AccountID == 0 {
				who = "（尚未录入）"
			}
			d.Passes = append(d.Passes, view.PassView{Paper: ps.Paper, Pass: ps.Pass, Who: who, Count: ps.Count})
		}
		d.Papers = election.Papers(e.Offices)
	case d.Signed || d.Confirmed:
		tallies, err := s.db.FindTally(ctx, a, e.ID)
		if err != nil {
			return err
		}
		d.Sentence = election.ResultSentence(s.committeeName(ctx, a, e.CommitteeID), tallies)
		if d.Sentence == "" {
			d.Sentence = "本次选举无人当选。"
		}
		d.SignedAt = s.meetingTime(e.SignedAt)
		m, err := s.db.FindMeetingByID(ctx, a, e.MeetingID)
		if err != nil {
			return err
		}
		d.Effective = m.Day(s.db.Loc).String()
		if formName == "confirm" {
			d.Effective = r.PostFormValue("effective_date")
		}
		d.EffectiveText = e.EffectiveDate.Chinese()
	}
	return render(w, r, status, view.ElectionShowPage(page(r, e.Title, "meetings"), d))
}

// electionAction runs a change posted from an election's page and redirects
// back to it, or re-renders the page with the error at the form named
// formName. The sitting's live board is told.
func (s *Server) electionAction(w http.ResponseWriter, r *http.Request, electionID int64, formName, ok string, do func(f *form) error) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := do(f); err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderElection(w, r, electionID, formStatus(err), formName, err)
	}
	if meetingID, ok := s.electionMeetingOf(r.Context(), actor(r), electionID); ok {
		s.publishMeeting(r.Context(), meetingID)
	}
	return redirect(w, r, "/elections/"+app.Itoa(electionID)+"?ok="+ok)
}

// formElectionID is the election a form posted about an office returns to.
// It only chooses where to go back; the store checks the office itself.
func formElectionID(r *http.Request) (int64, error) { return formReturnID(r, "election_id", "选举") }

// officeInput reads an office's form.
func officeInput(f *form) store.OfficeInput {
	return store.OfficeInput{Paper: f.Int("paper"), Seq: f.Int("seq"), Name: f.Str("name"),
		Role: member.RoleKind(f.Str("role")), Seats: f.Int("seats"), Competitive: f.Str("competitive") == "1"}
}

func (s *Server) electionOfficeAdd(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "office-new", "saved", func(f *form) error {
		in := officeInput(f)
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.AddOffice(r.Context(), actor(r), e.ID, in)
		return err
	})
}

func (s *Server) electionOfficeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	electionID, err := formElectionID(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, electionID, "office-"+app.Itoa(id), "saved", func(f *form) error {
		in := officeInput(f)
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.UpdateOffice(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) electionOfficeRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	electionID, err := formElectionID(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, electionID, "office-"+app.Itoa(id), "deleted", func(*form) error {
		return s.db.RemoveOffice(r.Context(), actor(r), id)
	})
}

// resolveNames reads a list of names, one per line (or separated by 、，,),
// against the people who may be chosen; "姓名#编号" picks one of several
// namesakes. Every unknown or ambiguous name is an error on field.
func resolveNames(text, field string, people []store.ExpectedMember) ([]int64, app.FieldErrors) {
	byName := map[string][]int64{}
	known := map[int64]string{}
	for _, p := range people {
		byName[p.Name] = append(byName[p.Name], p.MemberID)
		known[p.MemberID] = p.Name
	}
	var ids []int64
	var errs app.FieldErrors
	split := strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '、' || r == '，' || r == ',' || r == '；' || r == ';'
	})
	for _, raw := range split {
		name := strings.Join(strings.Fields(raw), "")
		if name == "" {
			continue
		}
		if n, num, ok := strings.Cut(name, "#"); ok {
			mid, err := strconv.ParseInt(num, 10, 64)
			if err != nil || known[mid] == "" || (n != "" && known[mid] != n) {
				errs.Add(field, "“"+name+"”不是本届委员（编号与姓名不符）")
				continue
			}
			ids = append(ids, mid)
			continue
		}
		switch found := byName[name]; len(found) {
		case 0:
			errs.Add(field, "“"+name+"”不是本次会议应到的本届委员")
		case 1:
			ids = append(ids, found[0])
		default:
			nums := make([]string, len(found))
			for i, x := range found {
				nums[i] = name + "#" + app.Itoa(x)
			}
			errs.Add(field, "“"+name+"”有"+strconv.Itoa(len(found))+"位同名委员，请写作"+strings.Join(nums, "或"))
		}
	}
	return ids, errs
}

func (s *Server) electionCandidates(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	electionID, err := formElectionID(r)
	if err != nil {
		return err
	}
	e, err := s.db.FindElectionByID(r.Context(), actor(r), electionID)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "cand-"+app.Itoa(id), "saved", func(f *form) error {
		people, err := s.db.ExpectedMembers(r.Context(), actor(r), e.MeetingID)
		if err != nil {
			return err
		}
		ids, errs := resolveNames(r.PostFormValue("candidates"), "candidates", people)
		if err := errs.Err(); err != nil {
			return err
		}
		return s.db.SetCandidates(r.Context(), actor(r), id, ids)
	})
}

func (s *Server) electionScrutineers(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "scrutineers", "saved", func(f *form) error {
		people, err := s.db.ExpectedMembers(r.Context(), actor(r), e.MeetingID)
		if err != nil {
			return err
		}
		var list []store.ElectionScrutineer
		var errs app.FieldErrors
		for _, duty := range store.ScrutineerDuties {
			ids, bad := resolveNames(r.PostFormValue(string(duty)), string(duty), people)
			errs = append(errs, bad...)
			for _, mid := range ids {
				list = append(list, store.ElectionScrutineer{MemberID: mid, Duty: duty})
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		return s.db.SetScrutineers(r.Context(), actor(r), e.ID, list)
	})
}

func (s *Server) electionOpen(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "", "election_opened", func(*form) error {
		_, err := s.db.OpenElection(r.Context(), actor(r), e.ID)
		return err
	})
}

func (s *Server) electionIssue(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "issue", "ballot_issued", func(f *form) error {
		memberID := f.ID("member_id")
		if memberID == 0 && len(f.Errs) == 0 {
			f.Errs.Add("member_id", "请选择补发选票的委员")
		}
		if err := f.Errs.Err(); err != nil {
			return err
		}
		return s.db.IssueBallot(r.Context(), actor(r), e.ID, memberID)
	})
}

func (s *Server) electionClose(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "", "election_closed", func(*form) error {
		_, err := s.db.CloseElectionVoting(r.Context(), actor(r), e.ID)
		return err
	})
}

func (s *Server) electionSign(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "", "tally_signed", func(*form) error {
		_, err := s.db.SignTally(r.Context(), actor(r), e.ID)
		return err
	})
}

func (s *Server) electionConfirm(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return s.electionAction(w, r, e.ID, "confirm", "election_confirmed", func(f *form) error {
		day := f.Date("effective_date")
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.ConfirmElection(r.Context(), actor(r), e.ID, day)
		return err
	})
}

// --- printable documents ---

func (s *Server) electionRules(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	session := e.MeetingTitle
	if m, err := s.db.FindMeetingByID(ctx, a, e.MeetingID); err == nil && m.ParentID != 0 {
		if p, err := s.db.FindMeetingByID(ctx, a, m.ParentID); err == nil {
			session = p.Title
		}
	}
	doc := election.RulesDoc{Meeting: session, Committee: s.committeeName(ctx, a, e.CommitteeID), Mode: e.Mode,
		Rules: e.Rules, Offices: e.Offices}
	for _, sc := range e.Scrutineers {
		switch sc.Duty {
		case store.ChiefScrutineer:
			doc.Chiefs++
		case store.Scrutineer:
			doc.Scrutineers++
		case store.ChiefTeller:
			doc.ChiefTellers++
		case store.Teller:
			doc.Tellers++
		}
	}
	lines := election.RulesText(doc)
	d := view.RulesView{Head: electionHead(e), Draft: !e.RulesAdopted}
	if len(lines) > 0 {
		d.Title, d.Lines = lines[0], lines[1:]
	}
	return render(w, r, http.StatusOK, view.ElectionRulesPage(page(r, "选举办法", "meetings"), d))
}

func (s *Server) electionReport(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	tallies, err := s.db.FindTally(ctx, a, e.ID)
	if err != nil {
		return err
	}
	d := view.ReportView{Head: electionHead(e), SignedBy: e.SignedBy, SignedAt: s.meetingTime(e.SignedAt)}
	if len(tallies) > 0 {
		name := s.committeeName(ctx, a, e.CommitteeID)
		d.Lines = election.ReportLines(name, tallies)
		d.Sentence = election.ResultSentence(name, tallies)
	}
	for _, t := range tallies {
		pf := view.PaperFigures{Paper: t.Paper, Issued: t.Figures.Issued, Returned: t.Returned, Void: t.Void}
		for _, o := range t.Offices {
			of := view.OfficeFigures{Name: o.Name, Seats: o.Seats, Valid: o.Valid, Void: o.Void, Need: o.Need, Unfilled: o.Unfilled}
			for _, c := range o.Candidates {
				of.Candidates = append(of.Candidates, view.CandidateFigures{Name: c.Name, WriteIn: c.WriteIn, For: c.For,
					Against: c.Against, Abstain: c.Abstain, Invalid: c.Invalid, Elected: c.Elected, Tied: c.Tied})
			}
			pf.Offices = append(pf.Offices, of)
		}
		d.Papers = append(d.Papers, pf)
	}
	return render(w, r, http.StatusOK, view.ElectionReportPage(page(r, "计票结果报告", "meetings"), d))
}

// electionMeetingOf is the sitting of an election, for the live board after
// a change addressed by the election alone. An election never changes its
// sitting, so the answer is kept.
func (s *Server) electionMeetingOf(ctx context.Context, a app.Actor, id int64) (int64, bool) {
	key := electionKey{s, id}
	if v, ok := electionMeetings.Load(key); ok {
		return v.(int64), true
	}
	e, err := s.db.FindElectionByID(ctx, a, id)
	if err != nil {
		return 0, false
	}
	electionMeetings.Store(key, e.MeetingID)
	return e.MeetingID, true
}
