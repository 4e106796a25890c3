package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// Editing meetings and agenda items, the agenda items' documents (upload,
// download, delete) and the pass rule chosen when a vote is opened (read by
// voteOpen in meeting_vote.go through passRuleForm). The JSON API of
// meetings is in api_meeting.go.
func (s *Server) meetingEditRoutes() []Route {
	routes := []Route{
		{Method: "GET", Pattern: "/meetings/{id}/edit", Perm: auth.MeetingWrite, Handle: s.meetingEdit},
		{Method: "POST", Pattern: "/meetings/{id}/edit", Perm: auth.MeetingWrite, Handle: s.meetingUpdate},
		{Method: "GET", Pattern: "/agenda/{id}/edit", Perm: auth.MeetingWrite, Handle: s.agendaEdit},
		{Method: "POST", Pattern: "/agenda/{id}/edit", Perm: auth.MeetingWrite, Handle: s.agendaUpdate},
		{Method: "POST", Pattern: "/agenda/{id}/documents", Perm: auth.MeetingWrite, Handle: s.documentUpload},
		{Method: "GET", Pattern: "/documents/{id}", Perm: auth.MeetingRead, Handle: s.documentGet},
		{Method: "POST", Pattern: "/documents/{id}/delete", Perm: auth.MeetingWrite, Handle: s.documentDelete},
	}
	return append(routes, s.meetingAPIRoutes()...)
}

// --- editing a meeting ---

// meetingValues are a meeting's fields as the form shows them.
func (s *Server) meetingValues(m meeting.Meeting, invitees []int64) url.Values {
	v := url.Values{}
	v.Set("term_id", app.Itoa(m.TermID))
	v.Set("kind", string(m.Kind))
	if m.Seq != 0 {
		v.Set("seq", strconv.Itoa(m.Seq))
	}
	if m.ParentID != 0 {
		v.Set("parent_id", app.Itoa(m.ParentID))
	}
	v.Set("sitting", string(m.Sitting))
	v.Set("title", m.Title)
	v.Set("topic", m.Topic)
	v.Set("starts_at", m.StartsAt.In(s.db.Loc).Format(datetimeLocal))
	if !m.EndsAt.IsZero() {
		v.Set("ends_at", m.EndsAt.In(s.db.Loc).Format(datetimeLocal))
	}
	v.Set("place", m.Place)
	v.Set("presider", m.Presider)
	v.Set("quorum_num", strconv.Itoa(m.Quorum.Num))
	v.Set("quorum_den", strconv.Itoa(m.Quorum.Den))
	strict := "0"
	if m.Quorum.Strict {
		strict = "1"
	}
	v.Set("quorum_strict", strict)
	for _, id := range invitees {
		v.Add("invitees", app.Itoa(id))
	}
	return v
}

func (s *Server) meetingEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	inv, err := s.db.FindInvitees(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderMeetingEdit(w, r, http.StatusOK, m, inv, s.meetingValues(m, inv), "", nil)
}

// renderMeetingEdit shows the edit form of m with values v (what is stored,
// or what was posted) and the errors of a failed save.
func (s *Server) renderMeetingEdit(w http.ResponseWriter, r *http.Request, status int, m meeting.Meeting, inv []int64,
	v url.Values, msg string, errs app.FieldErrors) error {
	ctx, a := r.Context(), actor(r)
	d := view.MeetingEdit{ID: m.ID, Title: m.Title, Status: m.Status.Label(), Msg: msg, Errs: errs,
		Chosen: map[string]bool{}, InvError: errs.Get("invitees")}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	free := []view.Field{
		fe(view.Field{Name: "topic", Label: "协商议题"}),
		fe(view.Field{Name: "ends_at", Label: "结束时间", Type: "datetime-local"}),
		fe(view.Field{Name: "place", Label: "地点"}),
		fe(view.Field{Name: "presider", Label: "主持人"}),
	}
	if m.Status == meeting.Open || m.Status == meeting.Closed {
		// What opening froze is shown, not edited.
		d.Fixed = []view.FixedField{{Label: "会议名称", Value: m.Title}, {Label: "类型", Value: m.Kind.Label()},
			{Label: "开始时间", Value: s.meetingTime(m.StartsAt)}, {Label: "法定人数", Value: m.Quorum.Text()}}
		if m.Kind.Body() == meeting.BodyNamed {
			d.Fixed = append(d.Fixed, view.FixedField{Label: "参会委员", Value: strconv.Itoa(len(inv)) + "人"})
		}
		if m.Status == meeting.Closed {
			d.Closed, d.Note = true, "会议已结束，不能再修改。"
			d.Fixed = append(d.Fixed, view.FixedField{Label: "结束时间", Value: s.meetingTime(m.EndsAt)},
				view.FixedField{Label: "地点", Value: m.Place}, view.FixedField{Label: "主持人", Value: m.Presider},
				view.FixedField{Label: "协商议题", Value: m.Topic})
		} else {
			d.Note = "会议已开始签到，只能修改议题、地点、主持人和结束时间。"
			d.Fields = free
		}
		return render(w, r, status, view.MeetingEditPage(page(r, "编辑会议", "meetings"), d))
	}
	_, terms, err := s.committeeTermOptions(ctx, a, m.CommitteeID)
	if err != nil {
		return err
	}
	var plenaries []view.Option
	ps, _, err := s.db.FindMeetings(ctx, a, store.MeetingFilter{CommitteeID: m.CommitteeID, Kind: meeting.Plenary, Limit: 200})
	if err != nil {
		return err
	}
	for _, p := range ps {
		plenaries = append(plenaries, view.Option{Value: app.Itoa(p.ID), Label: p.Title})
	}
	termID, _ := strconv.ParseInt(v.Get("term_id"), 10, 64)
	ms, _, err := s.db.FindMembers(ctx, a, store.MemberFilter{CommitteeID: m.CommitteeID, TermID: max(termID, 0), Limit: 2000})
	if err != nil && app.ErrorCode(err) != app.EINVALID {
		return err
	}
	for _, mb := range ms {
		d.Invitees = append(d.Invitees, view.Option{Value: app.Itoa(mb.ID), Label: mb.Name})
	}
	for _, id := range v["invitees"] {
		d.Chosen[id] = true
	}
	d.ShowInvitees = true
	sittings := []view.Option{{Label: "（非大会会次）"}}
	for _, k := range meeting.SittingKinds {
		sittings = append(sittings, view.Option{Value: string(k), Label: k.Label()})
	}
	d.Fields = []view.Field{
		fe(view.Field{Name: "term_id", Label: "届次", Required: true, Options: append([]view.Option{{Label: "请选择"}}, terms...)}),
		fe(view.Field{Name: "kind", Label: "会议类型", Required: true, Options: append([]view.Option{{Label: "请选择"}}, meetingKindOptions(false)...)}),
		fe(view.Field{Name: "seq", Label: "会次", Type: "number", Hint: "全体会议、常委会会议、主席会议按届编号；留空则自动取下一次，会议名称自动生成"}),
		fe(view.Field{Name: "parent_id", Label: "所属全体会议（大会会次）", Options: append([]view.Option{{Label: "—"}}, plenaries...)}),
		fe(view.Field{Name: "sitting", Label: "会次（开幕会、大会发言等）", Options: sittings}),
		fe(view.Field{Name: "title", Label: "会议名称", Hint: "协商会、座谈会、现场会须填写；其他会议的名称自动生成"}),
		fe(view.Field{Name: "starts_at", Label: "开始时间", Type: "datetime-local", Required: true}),
	}
	d.Fields = append(d.Fields, free...)
	d.Fields = append(d.Fields,
		fe(view.Field{Name: "quorum_strict", Label: "法定人数", Options: []view.Option{{Value: "1", Label: "超过"}, {Value: "0", Label: "不少于"}}}),
		fe(view.Field{Name: "quorum_num", Label: "应到人数的（分子）", Type: "number"}),
		fe(view.Field{Name: "quorum_den", Label: "分之（分母）", Type: "number", Hint: "默认：超过应到人数的二分之一"}),
	)
	if q := errs.Get("quorum"); q != "" {
		d.Fields[len(d.Fields)-1].Error = q
	}
	return render(w, r, status, view.MeetingEditPage(page(r, "编辑会议", "meetings"), d))
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	inv, err := s.db.FindInvitees(ctx, a, id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	var in meeting.Input
	shown := r.PostForm
	if m.Status == meeting.Open || m.Status == meeting.Closed {
		// Only the free fields are posted; the frozen ones stay as they are.
		in = meeting.Input{TermID: m.TermID, Kind: m.Kind, Seq: m.Seq, ParentID: m.ParentID, Sitting: m.Sitting,
			Title: m.Title, StartsAt: m.StartsAt, Quorum: &m.Quorum, Invitees: inv}
		in.Topic, in.Place, in.Presider, in.EndsAt = f.Str("topic"), f.Str("place"), f.Str("presider"), s.parseLocal(f, "ends_at")
	} else {
		in = meeting.Input{TermID: f.ID("term_id"), Kind: meeting.Kind(f.Str("kind")), Seq: f.Int("seq"),
			ParentID: f.ID("parent_id"), Sitting: meeting.SittingKind(f.Str("sitting")), Title: f.Str("title"),
			Topic: f.Str("topic"), StartsAt: s.parseLocal(f, "starts_at"), EndsAt: s.parseLocal(f, "ends_at"),
			Place: f.Str("place"), Presider: f.Str("presider")}
		if num, den := f.Int("quorum_num"), f.Int("quorum_den"); num != 0 || den != 0 {
			in.Quorum = &meeting.QuorumRule{Num: num, Den: den, Strict: f.Str("quorum_strict") != "0"}
		}
		for _, v := range r.PostForm["invitees"] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				f.Errs.Add("invitees", "选择无效")
				continue
			}
			in.Invitees = append(in.Invitees, n)
		}
	}
	if err := f.Errs.Err(); err != nil {
		return s.renderMeetingEdit(w, r, http.StatusUnprocessableEntity, m, inv, shown, "", f.Errs)
	}
	if _, err := s.db.UpdateMeeting(ctx, a, id, in); err != nil {
		if !formError(err) {
			return err
		}
		msg := ""
		if len(app.ErrorFields(err)) == 0 {
			msg = app.ErrorMessage(err)
		}
		// A conflict may come from a status change since the form was shown.
		if m2, err2 := s.db.FindMeetingByID(ctx, a, id); err2 == nil {
			m = m2
		}
		return s.renderMeetingEdit(w, r, formStatus(err), m, inv, shown, msg, app.ErrorFields(err))
	}
	return redirect(w, r, "/meetings/"+app.Itoa(id)+"?ok=saved")
}

// --- editing an agenda item ---

func (s *Server) agendaEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.FindAgendaItemByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := url.Values{"seq": {strconv.Itoa(it.Seq)}, "kind": {string(it.Kind)}, "title": {it.Title}, "note": {it.Note}}
	return s.renderAgendaEdit(w, r, http.StatusOK, it, v, "", nil)
}

func (s *Server) renderAgendaEdit(w http.ResponseWriter, r *http.Request, status int, it store.AgendaItem, v url.Values,
	msg string, errs app.FieldErrors) error {
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, it.MeetingID)
	if err != nil {
		return err
	}
	votes, err := s.db.FindVotes(ctx, a, it.MeetingID)
	if err != nil {
		return err
	}
	d := view.AgendaEdit{ID: it.ID, MeetingID: m.ID, Meeting: m.Title, Title: it.Title, Msg: msg, Errs: errs}
	for _, vt := range votes {
		if vt.AgendaItemID == it.ID {
			d.Locked = "该议程已付表决，不能再修改。"
		}
	}
	if m.Status == meeting.Closed {
		d.Locked = "会议已结束，不能再修改议程。"
	}
	var kinds []view.Option
	for _, k := range store.AgendaKinds {
		kinds = append(kinds, view.Option{Value: string(k), Label: k.Label()})
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	d.Fields = []view.Field{
		fe(view.Field{Name: "seq", Label: "序号", Type: "number", Required: true}),
		fe(view.Field{Name: "kind", Label: "类型", Options: kinds}),
		fe(view.Field{Name: "title", Label: "议程名称", Required: true}),
		fe(view.Field{Name: "note", Label: "说明", Type: "textarea"}),
	}
	return render(w, r, status, view.AgendaEditPage(page(r, "编辑议程", "meetings"), d))
}

func (s *Server) agendaUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.FindAgendaItemByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.AgendaItemInput{Seq: f.Int("seq"), Kind: store.AgendaKind(f.Str("kind")), Title: f.Str("title"), Note: f.Str("note")}
	if err := f.Errs.Err(); err != nil {
		return s.renderAgendaEdit(w, r, http.StatusUnprocessableEntity, it, r.PostForm, "", f.Errs)
	}
	if _, err := s.db.UpdateAgendaItem(r.Context(), actor(r), id, in); err != nil {
		if !formError(err) {
			return err
		}
		msg := ""
		if len(app.ErrorFields(err)) == 0 {
			msg = app.ErrorMessage(err)
		}
		return s.renderAgendaEdit(w, r, formStatus(err), it, r.PostForm, msg, app.ErrorFields(err))
	}
	return redirect(w, r, "/meetings/"+app.Itoa(it.MeetingID)+"?ok=saved")
}

// --- documents ---

// docTypeLabel names a stored content type for the page.
func docTypeLabel(ct string) string {
	switch ct {
	case store.TypePDF:
		return "PDF"
	case store.TypeDOCX, store.TypeDOC:
		return "Word"
	case store.TypeXLSX:
		return "Excel"
	case store.TypeJPEG:
		return "JPEG"
	case store.TypePNG:
		return "PNG"
	}
	return ct
}

// fillAgendaDocs puts each agenda item's documents on the meeting page.
func (s *Server) fillAgendaDocs(ctx context.Context, a app.Actor, meetingID int64, items []view.AgendaRow) error {
	docs, err := s.db.FindAgendaDocuments(ctx, a, meetingID)
	if err != nil {
		return err
	}
	at := map[int64]int{}
	for i, it := range items {
		at[it.ID] = i
	}
	for _, d := range docs {
		if i, ok := at[d.AgendaItemID]; ok {
			items[i].Docs = append(items[i].Docs, view.DocRow{ID: d.ID, Name: d.FileName, Type: docTypeLabel(d.ContentType),
				Size: store.SizeText(d.Size)})
		}
	}
	return nil
}

// readUpload reads the form's file field whole, refusing more than limit
// bytes; the name is "" when no file was chosen.
func readUpload(r *http.Request, field string, limit int64) (string, []byte, error) {
	file, hdr, err := r.FormFile(field)
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return "", nil, nil
	case err != nil:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, err
		}
		return "", nil, app.Errorf(app.EINVALID, "无法读取上传的文件")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return "", nil, app.Errorf(app.EINVALID, "无法读取上传的文件")
	}
	if int64(len(data)) > limit {
		return "", nil, app.Errorf(app.ETOOLARGE, "文件超过%d MB的上限", limit>>20)
	}
	return hdr.Filename, data, nil
}

func (s *Server) documentUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.FindAgendaItemByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, it.MeetingID, "doc", "uploaded", func(f *form) error {
		name, data, err := readUpload(r, "file", s.cfg.MaxUploadBytes)
		if err != nil {
			return err
		}
		if name == "" {
			var errs app.FieldErrors
			errs.Add("file", "请选择要上传的文件")
			return errs.Err()
		}
		_, err = s.db.AddAgendaDocument(r.Context(), actor(r), id, store.DocumentInput{FileName: name, Data: data,
			MaxSize: s.cfg.MaxUploadBytes})
		return err
	})
}

// documentGet sends a document as an attachment with its stored type; a
// member account may fetch only documents of meetings it is expected at.
func (s *Server) documentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	d, data, err := s.db.FindAgendaDocumentData(ctx, a, id)
	if err != nil {
		return err
	}
	if memberAccount(r) {
		if _, err := s.ownLine(ctx, a, d.MeetingID); app.ErrorCode(err) == app.ENOTFOUND {
			return app.NotFound("文件")
		} else if err != nil {
			return err
		}
	}
	return sendFile(w, d.FileName, d.ContentType, data, false)
}

// sendFile writes a stored file: a download named name, or shown in the
// page (inline: photos); never sniffed, never cached by the browser or a
// proxy.
func sendFile(w http.ResponseWriter, name, contentType string, data []byte, inline bool) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	if inline {
		h.Set("Content-Disposition", "inline")
	} else {
		h.Set("Content-Disposition", attachment(name))
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(data)
	return err
}

// attachment is a Content-Disposition header for a download named name
// (non-ASCII names as RFC 2231 filename*).
func attachment(name string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

func (s *Server) documentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.db.FindAgendaDocument(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, d.MeetingID, "", "deleted", func(*form) error {
		_, err := s.db.DeleteAgendaDocument(r.Context(), actor(r), id)
		return err
	})
}

// --- pass rule ---

// passRuleForm reads the open-vote form's pass-rule fields (rule_base,
// rule_num, rule_den, rule_strict); a form without them gives the zero rule,
// which the store takes as the default (more than half of 应到). The store
// checks the rule (meeting.PassRule.Check).
func passRuleForm(f *form) meeting.PassRule {
	base, strict := f.Str("rule_base"), f.Str("rule_strict")
	num, den := f.Int("rule_num"), f.Int("rule_den")
	if base == "" && strict == "" && num == 0 && den == 0 {
		return meeting.PassRule{}
	}
	return meeting.PassRule{Base: meeting.PassBase(base), Num: num, Den: den, Strict: strict != "0"}
}
