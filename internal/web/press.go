package web

// Newspaper pages imported as records (报纸稿件导入): the list of imports
// (/press), pasting or uploading a page (/press/new), an import's items with
// the record proposed for each (/press/{id}), confirming or skipping an item,
// confirming all that are ready, and an item's source (/press/items/{id}),
// which the records it made link to.

import (
	"bytes"
	"net/http"
	"path"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/press"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) pressRoutes() []Route {
	read, write := auth.MemberRead, auth.MemberWrite
	return []Route{
		{Method: "GET", Pattern: "/press", Perm: write, Handle: s.pressList},
		{Method: "GET", Pattern: "/press/new", Perm: write, Handle: s.pressNew},
		{Method: "POST", Pattern: "/press", Perm: write, Handle: s.pressCreate},
		{Method: "GET", Pattern: "/press/{id}", Perm: write, Handle: s.pressShow},
		{Method: "POST", Pattern: "/press/{id}/confirm", Perm: write, Handle: s.pressConfirmAll},
		{Method: "GET", Pattern: "/press/items/{id}", Perm: read, Handle: s.pressItemShow},
		{Method: "POST", Pattern: "/press/items/{id}/confirm", Perm: write, Handle: s.pressItemConfirm},
		{Method: "POST", Pattern: "/press/items/{id}/skip", Perm: write, Handle: s.pressItemSkip},
	}
}

func (s *Server) pressList(w http.ResponseWriter, r *http.Request) error {
	offset := queryInt(r, "offset", 0, 1_000_000_000)
	list, total, err := s.db.FindPressImports(r.Context(), actor(r), offset, 50)
	if err != nil {
		return err
	}
	d := view.PressList{Pager: view.Pager{Total: total, Offset: offset, Limit: 50, Path: "/press"}}
	for _, x := range list {
		d.Rows = append(d.Rows, view.PressImportRow{ID: x.ID, When: x.CreatedAt.In(s.db.Loc).Format("2006-01-02 15:04"),
			Source: x.SourceName, By: x.AccountName, Org: x.OrgName, NItems: x.NItems, NPending: x.NPending(),
			NConfirmed: x.NConfirmed, NSkipped: x.NSkipped})
	}
	return render(w, r, http.StatusOK, view.PressListPage(page(r, "报纸稿件导入", "duty"), d))
}

func (s *Server) pressNew(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, view.PressNewPage(page(r, "导入报纸版面", "duty"), view.PressNewForm{}))
}

// pressUploadLimit is the largest page file taken.
func (s *Server) pressUploadLimit() int64 { return min(int64(press.MaxInput), s.cfg.MaxUploadBytes) }

func (s *Server) pressCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	v := view.PressNewForm{Text: f.Raw("text"), Year: f.Str("year")}
	fail := func(status int, err error) error {
		v.Errs, v.Msg = app.ErrorFields(err), fieldlessMessage(err)
		return render(w, r, status, view.PressNewPage(page(r, "导入报纸版面", "duty"), v))
	}
	var errs app.FieldErrors
	year := 0
	if v.Year != "" {
		y, err := strconv.Atoi(v.Year)
		if err != nil || y < 1949 || y > s.db.Today().Y {
			errs.Add("year", "年份应为1949年至今年之间的四位数")
		}
		year = y
	}
	var name string
	var data []byte
	if r.MultipartForm != nil {
		name, data, err = readUpload(r, "file", s.pressUploadLimit())
	}
	field := "file"
	switch {
	case app.ErrorCode(err) == app.ETOOLARGE:
		errs.Add("file", app.ErrorMessage(err))
		return fail(http.StatusRequestEntityTooLarge, errs.Err())
	case err != nil:
		return err
	case name != "":
		if ext := strings.ToLower(path.Ext(name)); ext != ".txt" && ext != ".text" {
			errs.Add("file", "只能上传 .txt 文本文件；PDF 请先复制其中的文字再粘贴")
		} else if bytes.HasPrefix(data, []byte("%PDF-")) {
			errs.Add("file", "这是 PDF 文件，不是文本文件；请复制其中的文字再粘贴")
		}
	case strings.TrimSpace(v.Text) == "":
		errs.Add("text", "请粘贴报纸版面的文字，或选择 .txt 文件上传")
	default:
		field, data = "text", []byte(v.Text)
		if len(data) > press.MaxInput {
			errs.Add("text", "粘贴的文字超过8 MB")
		}
	}
	if err := errs.Err(); err != nil {
		return fail(formStatus(err), err)
	}
	// Decoded once (GB18030 converted), then kept as UTF-8 text beside its items.
	var pg *press.Page
	text, err := press.Decode(data)
	if err == nil {
		data = []byte(text)
		pg, err = press.Parse(data, press.Options{Year: year})
	}
	if err != nil {
		if app.ErrorCode(err) != app.EINVALID {
			return err
		}
		errs.Add(field, app.ErrorMessage(err))
		return fail(http.StatusUnprocessableEntity, errs.Err())
	}
	imp, err := s.db.CreatePressImport(r.Context(), actor(r), store.PressImportInput{SourceName: name, Source: data,
		Year: pg.Year, Articles: pg.Articles})
	if err != nil {
		if !formError(err) {
			return err
		}
		if len(app.ErrorFields(err)) > 0 {
			errs.Add(field, app.ErrorFields(err).Get("text"))
			err = errs.Err()
		}
		return fail(formStatus(err), err)
	}
	return redirect(w, r, "/press/"+app.Itoa(imp.ID))
}

// pressKindLabels are the parser's kinds in Chinese.
var pressKindLabels = map[string]string{
	press.KindMeeting:    "会议",
	press.KindElection:   "选举",
	press.KindResearch:   "调研视察",
	press.KindAssistance: "帮扶慰问",
	press.KindLiaison:    "联系企业",
	press.KindOther:      "其他",
}

func figureLines(fs []store.ActivityFigure) string {
	var lines []string
	for _, x := range fs {
		lines = append(lines, x.Name+"："+strconv.Itoa(x.Value))
	}
	return strings.Join(lines, "\n")
}

func (s *Server) pressRecordLink(r *http.Request, rec store.PressRecord) *view.PressLink {
	text := rec.Label() + " " + app.Itoa(rec.ID)
	switch rec.Kind {
	case store.PressRecordActivity:
		if a, err := s.db.FindActivity(r.Context(), actor(r), rec.ID); err == nil {
			text = "履职活动：" + a.Title
		}
	case store.PressRecordMeeting:
		if m, err := s.db.FindMeetingByID(r.Context(), actor(r), rec.ID); err == nil {
			text = "会议：" + m.Title
		}
	}
	return &view.PressLink{URL: rec.URL(), Text: text}
}

// pressCard is an item's card with its proposal.
func (s *Server) pressCard(r *http.Request, it store.PressItem, p store.PressProposal) view.PressItemCard {
	a := it.Article
	c := view.PressItemCard{ID: it.ID, Seq: it.Seq, Title: a.Title, State: it.State, Label: store.PressStateLabel(it.State),
		Text: a.Text, OrgPrinted: a.Org, OrgFound: p.OrgFound, Kind: p.Input.Kind, RecTitle: p.Input.Title,
		Figures: figureLines(p.Input.Figures), Organiser: p.Input.Organiser}
	if p.Input.OrgID != 0 {
		c.OrgID = app.Itoa(p.Input.OrgID)
	}
	if !p.Input.StartsOn.IsZero() {
		c.StartsOn = p.Input.StartsOn.String()
	}
	fact := func(label, value string) {
		if value != "" {
			c.Facts = append(c.Facts, view.PressFact{Label: label, Value: value})
		}
	}
	fact("眉题、副题", strings.Join(a.Kicker, "；"))
	fact("组织", a.Org)
	if a.Date != nil {
		fact("日期", *a.Date)
	} else {
		fact("日期", "稿件未写明")
	}
	fact("类别", pressKindLabels[a.Kind])
	fact("作者", strings.Join(a.Byline, "、"))
	if a.Meeting != nil {
		fact("会议届次", *a.Meeting)
	}
	var figs []string
	for _, x := range store.PressFigureOrder {
		if n, ok := a.Figures[x.Key]; ok {
			figs = append(figs, x.Name+" "+strconv.FormatInt(n, 10))
		}
	}
	fact("数据", strings.Join(figs, "，"))
	if a.ContinuedFrom != nil {
		fact("接续", "接"+*a.ContinuedFrom)
	}
	if a.Caption {
		fact("图片说明", "是")
	}
	switch {
	case it.State == store.PressConfirmed:
		c.Record = s.pressRecordLink(r, it.Record)
	case it.Imported != nil:
		c.Imported = s.pressRecordLink(r, *it.Imported)
		c.Label = "已导入"
	}
	if p.Meeting != nil {
		c.Meeting = &view.PressLink{URL: "/meetings/" + app.Itoa(p.Meeting.ID), Text: p.Meeting.Title}
	}
	return c
}

// pressReady reports whether an item confirms as proposed.
func pressReady(it store.PressItem, p store.PressProposal) bool {
	return it.State == store.PressPending && it.Imported == nil && p.Input.OrgID != 0 && p.Input.Kind != "" &&
		p.Input.Title != "" && !p.Input.StartsOn.IsZero()
}

// renderPressImport shows an import; edited, when set, replaces an item's
// card (the form as typed, with its errors).
func (s *Server) renderPressImport(w http.ResponseWriter, r *http.Request, status int, id int64, edited *view.PressItemCard) error {
	ctx, a := r.Context(), actor(r)
	imp, err := s.db.FindPressImport(ctx, a, id)
	if err != nil {
		return err
	}
	props, err := s.db.ProposePressItems(ctx, a, imp.Items)
	if err != nil {
		return err
	}
	d := view.PressImportShow{ID: imp.ID, Source: imp.SourceName, When: imp.CreatedAt.In(s.db.Loc).Format("2006-01-02 15:04"),
		By: imp.AccountName, NItems: imp.NItems, NPending: imp.NPending(), NConfirmed: imp.NConfirmed, NSkipped: imp.NSkipped,
		OrgQ: strings.TrimSpace(r.URL.Query().Get(orgSearchParam))}
	if imp.Year != 0 {
		d.Year = strconv.Itoa(imp.Year)
	}
	if d.KindOptions, err = s.activityKindOptions(r, "请选择", ""); err != nil {
		return err
	}
	opts, err := s.orgChoices(r, "")
	if err != nil {
		return err
	}
	d.OrgOptions = append([]view.Option{{Label: "请选择"}}, opts...)
	have := map[string]bool{}
	for _, o := range opts {
		have[o.Value] = true
	}
	for i, it := range imp.Items {
		c := s.pressCard(r, it, props[i])
		if edited != nil && edited.ID == it.ID {
			edited.Facts, edited.Text, edited.Title, edited.Seq = c.Facts, c.Text, c.Title, c.Seq
			edited.State, edited.Label, edited.OrgPrinted, edited.Meeting = c.State, c.Label, c.OrgPrinted, c.Meeting
			edited.OrgFound, edited.Record, edited.Imported = c.OrgFound, c.Record, c.Imported
			c = *edited
		}
		if p := props[i]; p.OrgFound && !have[c.OrgID] {
			d.OrgOptions = append(d.OrgOptions, view.Option{Value: app.Itoa(p.Input.OrgID), Label: p.OrgName})
			have[c.OrgID] = true
		}
		if pressReady(it, props[i]) {
			d.NReady++
		}
		d.Items = append(d.Items, c)
	}
	if d.OrgQ != "" {
		found, err := s.orgSearch(r, d.OrgQ)
		if err != nil {
			return err
		}
		d.OrgOptions = append(d.OrgOptions, found...)
	}
	return render(w, r, status, view.PressImportPage(page(r, "报纸稿件导入："+imp.SourceName, "duty"), d))
}

func (s *Server) pressShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderPressImport(w, r, http.StatusOK, id, nil)
}

func (s *Server) pressItemConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.FindPressItem(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	c := view.PressItemCard{ID: id, OrgID: f.Str("org_id"), Kind: f.Str("kind"), RecTitle: f.Str("title"),
		StartsOn: f.Str("starts_on"), Figures: f.Str("figures"), Organiser: f.Str("organiser")}
	in := store.PressConfirmInput{OrgID: f.ID("org_id"), Kind: c.Kind, Title: c.RecTitle, StartsOn: f.Date("starts_on"),
		Figures: activityFigures(f, "figures"), Organiser: c.Organiser}
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		_, err = s.db.ConfirmPressItem(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		c.Errs, c.Msg = app.ErrorFields(err), fieldlessMessage(err)
		if c.Msg == "" {
			c.Msg = "第" + strconv.Itoa(it.Seq) + "条有误，请按提示修改。"
		}
		return s.renderPressImport(w, r, formStatus(err), it.ImportID, &c)
	}
	return redirect(w, r, "/press/"+app.Itoa(it.ImportID)+"?ok=press_confirmed#item-"+strconv.Itoa(it.Seq))
}

func (s *Server) pressItemSkip(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	it, err := s.db.SkipPressItem(r.Context(), actor(r), id, !f.Bool("restore"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/press/"+app.Itoa(it.ImportID)+"?ok=saved#item-"+strconv.Itoa(it.Seq))
}

// pressConfirmAll confirms, each in its own transaction, every pending item
// whose proposal is complete; the others stay for the clerk.
func (s *Server) pressConfirmAll(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.db.FindPressImport(ctx, a, id)
	if err != nil {
		return err
	}
	props, err := s.db.ProposePressItems(ctx, a, imp.Items)
	if err != nil {
		return err
	}
	ok := "press_all"
	for i, it := range imp.Items {
		if !pressReady(it, props[i]) {
			continue
		}
		if _, err := s.db.ConfirmPressItem(ctx, a, it.ID, props[i].Input); err != nil {
			if !formError(err) {
				return err
			}
			ok = "press_some" // the items left show their problems on the page
		}
	}
	return redirect(w, r, "/press/"+app.Itoa(id)+"?ok="+ok)
}

func (s *Server) pressItemShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.db.FindPressItem(ctx, a, id)
	if err != nil {
		return err
	}
	imp, err := s.db.FindPressImport(ctx, a, it.ImportID)
	if err != nil {
		return err
	}
	d := view.PressItemShow{ImportID: imp.ID, Label: it.SourceLabel(), Title: it.Article.Title,
		State: store.PressStateLabel(it.State), Text: it.Article.Text, SourceText: imp.SourceText}
	if it.State == store.PressConfirmed {
		d.Record = s.pressRecordLink(r, it.Record)
	}
	return render(w, r, http.StatusOK, view.PressItemPage(page(r, "来源："+it.SourceLabel(), "duty"), d))
}
