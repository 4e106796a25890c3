package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// Paper ballots entered twice: the scrutineers' keyboard entry of one pass
// of a paper (a batch of lines, one ballot each, in election.ParseLine's
// keypad format; a batch with a bad line saves nothing), the comparison of
// the two passes with the corrections (both passes at a position, or one
// pass's insert and delete). Routes are in electionRoutes.

// entryLast is how many of the latest ballots the entry page shows.
const entryLast = 10

// entryParams reads paper and pass from the query string (default 1 each).
func entryParams(r *http.Request) (int, int) {
	paper := queryInt(r, "paper", 1, 99)
	pass := queryInt(r, "pass", 1, 9)
	return max(paper, 1), max(pass, 1)
}

// paperOffices returns the offices of paper, or not found.
func paperOffices(e store.Election, paper int) ([]election.Office, error) {
	po := election.PaperOffices(e.Offices, paper)
	if len(po) == 0 {
		return nil, app.NotFound("选票")
	}
	return po, nil
}

func (s *Server) electionEntry(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	paper, pass := entryParams(r)
	return s.renderEntry(w, r, e, paper, pass, http.StatusOK, "", nil)
}

// renderEntry renders the entry page of a pass; after a refused batch, lines
// are kept in the textarea and err's bad lines listed.
func (s *Server) renderEntry(w http.ResponseWriter, r *http.Request, e store.Election, paper, pass, status int,
	lines string, actErr error) error {
	ctx, a := r.Context(), actor(r)
	po, err := paperOffices(e, paper)
	if err != nil {
		return err
	}
	if pass != 1 && pass != 2 {
		return app.NotFound("录入遍次")
	}
	passes, err := s.db.FindEntryPasses(ctx, a, e.ID) // refuses members who are not scrutineers
	if err != nil {
		return err
	}
	entries, err := s.db.FindEntries(ctx, a, e.ID, paper, pass)
	if err != nil {
		return err
	}
	d := view.EntryView{Head: electionHead(e), Paper: paper, Pass: pass, Papers: election.Papers(e.Offices),
		WriteIns: e.Rules.WriteIns != election.WriteInNone, Lines: lines, Count: len(entries),
		Ready: e.Mode == election.Paper && e.Status == election.Counting}
	for _, ps := range passes {
		d.Passes = append(d.Passes, view.PassView{Paper: ps.Paper, Pass: ps.Pass, Who: ps.Who, Count: ps.Count})
	}
	for _, o := range po {
		lo := view.LegendOffice{Name: o.Name, Seats: o.Seats, Competitive: o.Competitive}
		for i, c := range o.Candidates {
			lo.Candidates = append(lo.Candidates, view.LegendCandidate{N: i + 1, Name: c.Name})
		}
		d.Legend = append(d.Legend, lo)
	}
	for i := len(entries) - 1; i >= 0 && len(d.Last) < entryLast; i-- {
		d.Last = append(d.Last, view.EntryLine{Seq: entries[i].Seq, Line: entries[i].Line})
	}
	switch {
	case actErr != nil:
		for _, fe := range app.ErrorFields(actErr) {
			if fe.Field == "lines" {
				d.Bad = append(d.Bad, fe.Message)
			}
		}
		d.Msg = app.ErrorMessage(actErr)
		if len(d.Bad) > 0 {
			d.Msg = "有" + strconv.Itoa(len(d.Bad)) + "行无法识别，本批未保存："
		}
	case !d.Ready && e.Mode != election.Paper:
		d.Msg = "本次选举为电子投票，无需录入选票。"
	case !d.Ready && (e.Status == election.Draft || e.Status == election.Voting):
		d.Msg = "投票结束后才能录入选票。"
	case !d.Ready:
		d.Msg = "计票结果已签字，不能再录入。"
	}
	title := "录入选票"
	return render(w, r, status, view.ElectionEntryPage(page(r, title, "meetings"), d))
}

// splitLines splits a textarea into lines, without the line ends.
func splitLines(text string) []string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func (s *Server) electionEntryPost(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	paper, pass := f.Int("paper"), f.Int("pass")
	if err := f.Errs.Err(); err != nil {
		return err
	}
	if _, err := paperOffices(e, paper); err != nil {
		return err
	}
	text := f.Raw("lines")
	_, err = s.db.AppendEntries(r.Context(), actor(r), e.ID, paper, pass, splitLines(text))
	if err != nil {
		if !formError(err) || (pass != 1 && pass != 2) {
			return err
		}
		return s.renderEntry(w, r, e, paper, pass, formStatus(err), text, err)
	}
	return redirect(w, r, "/elections/"+app.Itoa(e.ID)+"/entry?paper="+strconv.Itoa(paper)+"&pass="+strconv.Itoa(pass)+
		"&ok=entries_saved")
}

func (s *Server) electionCompare(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	paper, _ := entryParams(r)
	return s.renderCompare(w, r, e, paper, http.StatusOK, "", nil)
}

func (s *Server) renderCompare(w http.ResponseWriter, r *http.Request, e store.Election, paper, status int, formName string,
	actErr error) error {
	ctx, a := r.Context(), actor(r)
	if _, err := paperOffices(e, paper); err != nil {
		return err
	}
	diffs, err := s.db.CompareEntries(ctx, a, e.ID, paper)
	if err != nil {
		return err
	}
	passes, err := s.db.FindEntryPasses(ctx, a, e.ID)
	if err != nil {
		return err
	}
	d := view.CompareView{Head: electionHead(e), Paper: paper, Papers: election.Papers(e.Offices), Form: formName,
		CanWrite: can(r, auth.MeetingWrite) && e.Status == election.Counting}
	for _, ps := range passes {
		if ps.Paper != paper {
			continue
		}
		if ps.Pass == 1 {
			d.Count1 = ps.Count
		} else {
			d.Count2 = ps.Count
		}
	}
	for _, df := range diffs {
		d.Diffs = append(d.Diffs, view.DiffRow{Seq: df.Seq, First: df.First, Second: df.Second})
	}
	if actErr != nil {
		d.Errs = app.ErrorFields(actErr)
		d.Msg = app.ErrorMessage(actErr)
		d.Posted = r.PostForm
	}
	return render(w, r, status, view.ElectionComparePage(page(r, "核对两遍录入", "meetings"), d))
}

// compareAction runs a correction posted from the compare page and returns
// to it.
func (s *Server) compareAction(w http.ResponseWriter, r *http.Request, formName string,
	do func(e store.Election, f *form, paper int) error) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	paper := f.Int("paper")
	if err := f.Errs.Err(); err != nil {
		return err
	}
	if _, err := paperOffices(e, paper); err != nil {
		return err
	}
	if err := do(e, f, paper); err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderCompare(w, r, e, paper, formStatus(err), formName, err)
	}
	return redirect(w, r, "/elections/"+app.Itoa(e.ID)+"/compare?"+url.Values{"paper": {strconv.Itoa(paper)},
		"ok": {"entry_resolved"}}.Encode())
}

func (s *Server) electionResolve(w http.ResponseWriter, r *http.Request) error {
	return s.compareAction(w, r, "resolve", func(e store.Election, f *form, paper int) error {
		seq, line := f.Int("seq"), f.Raw("line")
		if err := f.Errs.Err(); err != nil {
			return err
		}
		return s.db.ResolveEntry(r.Context(), actor(r), e.ID, paper, seq, line)
	})
}

func (s *Server) electionFix(w http.ResponseWriter, r *http.Request) error {
	return s.compareAction(w, r, "fix", func(e store.Election, f *form, paper int) error {
		pass, seq, line := f.Int("pass"), f.Int("seq"), f.Raw("line")
		if err := f.Errs.Err(); err != nil {
			return err
		}
		switch f.Str("op") {
		case "insert":
			return s.db.InsertEntry(r.Context(), actor(r), e.ID, paper, pass, seq, line)
		case "delete":
			return s.db.DeleteEntry(r.Context(), actor(r), e.ID, paper, pass, seq)
		}
		var errs app.FieldErrors
		errs.Add("op", "请选择插入或删除")
		return errs.Err()
	})
}
