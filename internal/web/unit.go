package web

// Handling units (承办单位): the office keeps each committee's list of the
// departments outcomes are sent to (/units), and the JSON API for it. A
// unit's own account works in its inbox (unit_inbox.go).

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) unitRoutes() []Route {
	w := auth.ConsultWrite
	api := func(method, pattern string, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "承办单位"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: w, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		{Method: "GET", Pattern: "/units", Perm: w, Handle: s.unitList},
		{Method: "GET", Pattern: "/units/new", Perm: w, Handle: s.unitNew},
		{Method: "POST", Pattern: "/units", Perm: w, Handle: s.unitCreate},
		{Method: "GET", Pattern: "/units/{id}/edit", Perm: w, Handle: s.unitEdit},
		{Method: "POST", Pattern: "/units/{id}", Perm: w, Handle: s.unitUpdate},
		{Method: "POST", Pattern: "/units/{id}/archive", Perm: w, Handle: s.unitArchive},
		api("GET", "/units", APIDoc{Summary: "本账号管辖范围内各政协的承办单位（archived=1 含已撤销的）",
			Response: []store.Unit{}, Query: []APIParam{{Name: "archived", Type: "integer", Description: "1：包括已撤销的单位"}}},
			s.apiUnitList),
		api("POST", "/units", APIDoc{Summary: "新增承办单位（committee_id 缺省为本账号所属政协；kind：party, government, department, other）",
			Request: store.UnitInput{}, Response: store.Unit{}, Status: http.StatusCreated}, s.apiUnitCreate),
		api("PUT", "/units/{id}", APIDoc{Summary: "修改承办单位（须提交全部字段，committee_id 不变）",
			Request: store.UnitInput{}, Response: store.Unit{}}, s.apiUnitUpdate),
		api("POST", "/units/{id}/archive", APIDoc{Summary: "撤销（archived=true）或恢复承办单位；已撤销的单位不能再交办",
			Request: apiArchiveBody{}, Response: store.Unit{}}, s.apiUnitArchive),
	}
}

type apiArchiveBody struct {
	Archived bool `json:"archived"`
}

// unitOptions are the units the actor may choose, for selects.
func (s *Server) unitOptions(r *http.Request, first string) ([]view.Option, error) {
	opts := []view.Option{{Value: "", Label: first}}
	if !can(r, auth.ConsultWrite) {
		return opts, nil
	}
	units, err := s.db.FindUnits(r.Context(), actor(r), store.UnitFilter{})
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		opts = append(opts, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
	}
	return opts, nil
}

func unitKindOptions() []view.Option {
	var out []view.Option
	for _, k := range store.UnitKinds {
		out = append(out, view.Option{Value: k, Label: store.UnitKindLabel(k)})
	}
	return out
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) error {
	units, err := s.db.FindUnits(r.Context(), actor(r), store.UnitFilter{Archived: r.URL.Query().Get("archived") == "1"})
	if err != nil {
		return err
	}
	d := view.UnitList{ShowArchived: r.URL.Query().Get("archived") == "1"}
	names := map[int64]string{}
	for _, u := range units {
		if _, ok := names[u.CommitteeID]; !ok {
			names[u.CommitteeID] = s.committeeName(r.Context(), actor(r), u.CommitteeID)
		}
		d.Rows = append(d.Rows, view.UnitRow{ID: u.ID, Name: u.Name, ShortName: u.ShortName, Kind: u.KindLabel,
			Contact: u.Contact, Phone: u.Phone, Committee: names[u.CommitteeID], Archived: u.Archived})
	}
	return render(w, r, http.StatusOK, view.UnitListPage(withExport(page(r, "承办单位", "units"), r, "/units.xlsx"), d))
}

func unitInput(f *form) store.UnitInput {
	return store.UnitInput{Name: f.Str("name"), ShortName: f.Str("short_name"), Kind: f.Str("kind"),
		Contact: f.Str("contact"), Phone: f.Str("phone"), Sort: f.Int("sort")}
}

func unitFormOf(id int64, in store.UnitInput) view.UnitForm {
	return view.UnitForm{ID: id, Name: in.Name, ShortName: in.ShortName, Kind: in.Kind, Contact: in.Contact,
		Phone: in.Phone, Sort: view.Itoa(in.Sort), KindOptions: unitKindOptions()}
}

func (s *Server) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, f view.UnitForm) error {
	title := "新增承办单位"
	if f.ID != 0 {
		title = "修改承办单位"
	}
	f.KindOptions = unitKindOptions()
	return render(w, r, status, view.UnitEdit(page(r, title, "units"), f))
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderUnitForm(w, r, http.StatusOK, view.UnitForm{Kind: store.UnitGovernment, Sort: "0"})
}

func (s *Server) unitSave(w http.ResponseWriter, r *http.Request, id int64) error {
	if id != 0 {
		if _, err := s.db.FindKeptUnit(r.Context(), actor(r), id); err != nil {
			return err // the unit before the form: one the account does not keep is 404
		}
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := unitInput(f)
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else if id == 0 {
		_, err = s.db.CreateUnit(r.Context(), actor(r), in)
	} else {
		_, err = s.db.UpdateUnit(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		form := unitFormOf(id, in)
		form.Errs, form.Msg = app.ErrorFields(err), fieldlessMessage(err)
		return s.renderUnitForm(w, r, formStatus(err), form)
	}
	return redirect(w, r, "/units?ok=saved")
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error { return s.unitSave(w, r, 0) }

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.db.FindUnitByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderUnitForm(w, r, http.StatusOK, unitFormOf(u.ID, store.UnitInput{Name: u.Name, ShortName: u.ShortName,
		Kind: u.Kind, Contact: u.Contact, Phone: u.Phone, Sort: u.Sort}))
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.unitSave(w, r, id)
}

func (s *Server) unitArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if _, err := s.db.ArchiveUnit(r.Context(), actor(r), id, f.Str("archived") != "0"); err != nil {
		return err
	}
	return redirect(w, r, "/units?ok=saved")
}

// --- API ---

func (s *Server) apiUnitList(w http.ResponseWriter, r *http.Request) error {
	units, err := s.db.FindUnits(r.Context(), actor(r), store.UnitFilter{Archived: r.URL.Query().Get("archived") == "1"})
	if err != nil {
		return err
	}
	if units == nil {
		units = []store.Unit{}
	}
	writeJSON(w, http.StatusOK, units)
	return nil
}

func (s *Server) apiUnitCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.UnitInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.db.CreateUnit(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiUnitUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindUnitByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in store.UnitInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.db.UpdateUnit(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiUnitArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindUnitByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in apiArchiveBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.db.ArchiveUnit(r.Context(), actor(r), id, in.Archived)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
