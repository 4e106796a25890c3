package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/roster"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The roster as a workbook: the import template, the export of a filtered
// list, and the import that checks a whole file before writing any of it and
// then runs in the background with a progress page.

// --- Workbooks: template and export ---

// sendXLSX answers a workbook as a download named name (RFC 6266 with an
// RFC 5987 UTF-8 name for the Chinese, and an ASCII fallback).
func sendXLSX(w http.ResponseWriter, name, fallback string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", `attachment; filename="`+fallback+`"; filename*=UTF-8''`+rfc5987(name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(body)
	return err
}

// rfc5987 percent-encodes every byte outside RFC 5987's attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (s *Server) memberTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := roster.Template(&buf); err != nil {
		return app.Internal(err, "roster template")
	}
	return sendXLSX(w, "委员名册导入模板.xlsx", "roster-template.xlsx", buf.Bytes())
}

func (s *Server) memberExport(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f, errs := memberQuery(r.URL.Query())
	if err := errs.Err(); err != nil {
		return err
	}
	rows, err := s.db.FindMembersForExport(ctx, a, f)
	if err != nil {
		return err
	}
	if !memberContact(r) {
		for i := range rows {
			rows[i].Member = rows[i].Member.Masked()
		}
	}
	scope := state(r).account.OrgName
	if f.CommitteeID != 0 {
		c, err := s.db.FindOrgByID(ctx, a, f.CommitteeID)
		if err != nil {
			return err
		}
		scope = c.Name
	}
	if scope == "" {
		scope = "全平台"
	}
	var buf bytes.Buffer
	if err := roster.Export(&buf, scope+"委员名册", rows); err != nil {
		return app.Internal(err, "roster export")
	}
	if err := s.db.RecordMemberExport(ctx, a, f.CommitteeID, len(rows), exportFilters(r.URL.Query())); err != nil {
		return err
	}
	day := s.db.Today()
	stamp := fmt.Sprintf("%04d%02d%02d", day.Y, int(day.M), day.D)
	return sendXLSX(w, scope+"委员名册-"+stamp+".xlsx", "members-"+stamp+".xlsx", buf.Bytes())
}

// exportFilters describes the filters of an export for the audit log.
func exportFilters(q url.Values) string {
	var parts []string
	for _, k := range []string{"committee_id", "term_id", "sector_id", "role", "status", "q"} {
		if v := q.Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// --- Import ---

// importTracker follows roster imports in progress on this node: the rows
// written so far by each running job. The job row in the database holds the
// outcome; while the import's transaction runs nothing else can be written
// (SQLite has one writer), so progress is kept here in memory.
type importTracker struct {
	mu   sync.Mutex
	jobs map[int64]int // job id → rows done
	wg   sync.WaitGroup
}

func newImportTracker() *importTracker { return &importTracker{jobs: map[int64]int{}} }

func (t *importTracker) start(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.jobs[id] = 0
	t.wg.Add(1)
}

func (t *importTracker) set(id int64, done int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.jobs[id]; ok {
		t.jobs[id] = done
	}
}

// progress returns the rows done of a job running on this node.
func (t *importTracker) progress(id int64) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, ok := t.jobs[id]
	return n, ok
}

func (t *importTracker) finish(id int64) {
	t.mu.Lock()
	delete(t.jobs, id)
	t.mu.Unlock()
	t.wg.Done()
}

// Wait blocks until the imports running on this node have ended.
func (t *importTracker) Wait() { t.wg.Wait() }

// WaitImports blocks until the roster imports running in the background have
// ended, for a graceful shutdown.
func (s *Server) WaitImports() { s.imports.Wait() }

// renderMemberImport shows the upload form with the problems of a refused file.
func (s *Server) renderMemberImport(w http.ResponseWriter, r *http.Request, status int, values map[string]string,
	errs app.FieldErrors, msg string, rowErrs []roster.RowError, rows int) error {
	ch, err := s.memberChoicesFor(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	d := view.MemberImport{Msg: msg, Rows: rows}
	d.Fields = append(d.Fields, view.Field{Name: "committee_id", Label: "所属政协", Value: values["committee_id"],
		Required: true, Options: ch.committeeOptions("请选择"), Error: errs.Get("committee_id")})
	fileHint := "仅支持 .xlsx 格式，最多 " + strconv.Itoa(memberImportMax) + " 行"
	if len(rowErrs) > 0 || errs.Get("file") != "" {
		fileHint = "改正后请重新选择文件。" + fileHint
	}
	d.Fields = append(d.Fields,
		view.Field{Name: "term_id", Label: "导入到届次", Value: values["term_id"], Required: true,
			Options: ch.termOptions("请选择", nil), Error: errs.Get("term_id"), Hint: "名册中的委员都登记为该届委员"},
		view.Field{Name: "file", Label: "名册文件", Type: "file", Required: true, Hint: fileHint, Error: errs.Get("file"),
			Attrs: map[string]string{"accept": ".xlsx," + xlsxContentType}},
	)
	for _, e := range rowErrs {
		d.Errors = append(d.Errors, view.ImportErrorRow{Line: e.Line, Column: e.Column, Message: e.Message})
	}
	return render(w, r, status, view.MemberImportPage(page(r, "导入委员名册", "members"), d))
}

func (s *Server) memberImportForm(w http.ResponseWriter, r *http.Request) error {
	ch, err := s.memberChoicesFor(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	values := map[string]string{}
	c := queryID(r, "committee_id")
	if c == 0 {
		c = ch.defaultCommittee(actor(r))
	}
	if c != 0 {
		values["committee_id"] = app.Itoa(c)
		if t, ok := ch.currentTerm(c, s.db.Today()); ok {
			values["term_id"] = app.Itoa(t.ID)
		}
	}
	return s.renderMemberImport(w, r, http.StatusOK, values, nil, "", nil, 0)
}

// mergeRowErrors puts the parser's and the database's problems in row
// order, one per cell (the parser's first).
func mergeRowErrors(lists ...[]roster.RowError) []roster.RowError {
	var all []roster.RowError
	seen := map[string]bool{}
	for _, l := range lists {
		for _, e := range l {
			key := strconv.Itoa(e.Line) + "\x00" + e.Column
			if !seen[key] {
				seen[key] = true
				all = append(all, e)
			}
		}
	}
	slices.SortStableFunc(all, func(a, b roster.RowError) int { return a.Line - b.Line })
	return all
}

func (s *Server) memberImport(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	values := map[string]string{"committee_id": r.PostFormValue("committee_id"), "term_id": r.PostFormValue("term_id")}
	committeeID, termID := f.ID("committee_id"), f.ID("term_id")
	errs := f.Errs
	if termID == 0 && errs.Get("term_id") == "" {
		errs.Add("term_id", "请选择届次")
	}
	if committeeID == 0 && termID != 0 {
		if t, err := s.db.FindTermByID(ctx, a, termID); err == nil {
			committeeID = t.CommitteeID
			values["committee_id"] = app.Itoa(committeeID)
		}
	}
	if committeeID == 0 && errs.Get("committee_id") == "" {
		errs.Add("committee_id", "请选择所属政协")
	}
	file, hdr, ferr := r.FormFile("file")
	fileName := ""
	switch {
	case ferr == http.ErrMissingFile:
		errs.Add("file", "请选择名册文件")
	case ferr != nil:
		return app.Errorf(app.EINVALID, "无法读取上传的文件")
	default:
		defer file.Close()
		fileName = cleanFileName(hdr.Filename)
		if !strings.EqualFold(path.Ext(fileName), ".xlsx") {
			errs.Add("file", "请上传 .xlsx 格式的名册文件（可先用 Excel 或 WPS 另存为 .xlsx）")
		}
	}
	if len(errs) > 0 {
		return s.renderMemberImport(w, r, http.StatusUnprocessableEntity, values, errs, "", nil, 0)
	}
	rows, parseErrs, err := roster.Parse(file, s.db.Today(), memberImportMax)
	if err != nil {
		msg := "无法读取该文件，请确认是用 Excel 或 WPS 保存的 .xlsx 名册"
		if app.ErrorCode(err) != app.EINTERNAL {
			msg = app.ErrorMessage(err)
		}
		errs.Add("file", msg)
		return s.renderMemberImport(w, r, http.StatusUnprocessableEntity, values, errs, "", nil, 0)
	}
	dbErrs, err := s.db.CheckImport(ctx, a, committeeID, termID, rows)
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberImport(w, r, formStatus(err), values, app.ErrorFields(err), fieldlessMessage(err), nil, 0)
	}
	if bad := mergeRowErrors(parseErrs, dbErrs); len(bad) > 0 {
		return s.renderMemberImport(w, r, http.StatusUnprocessableEntity, values, nil, "", bad, len(rows))
	}
	if len(rows) == 0 {
		errs.Add("file", "名册中没有委员数据")
		return s.renderMemberImport(w, r, http.StatusUnprocessableEntity, values, errs, "", nil, 0)
	}
	job, err := s.db.CreateImportJob(ctx, a, committeeID, memberImportKind, fileName, len(rows))
	if err != nil {
		return err
	}
	s.imports.start(job.ID)
	go s.runMemberImport(context.WithoutCancel(ctx), a, job, termID, rows)
	return redirect(w, r, "/members/import/jobs/"+app.Itoa(job.ID))
}

// cleanFileName keeps the base name of an uploaded file, for display.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) {
		return "roster.xlsx"
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	return name
}

// runMemberImport writes a checked roster in the background and records how
// it ended on the job.
func (s *Server) runMemberImport(ctx context.Context, a app.Actor, job store.ImportJob, termID int64, rows []roster.Row) {
	defer s.imports.finish(job.ID)
	status, done, msg := store.JobFailed, 0, ""
	defer func() {
		if v := recover(); v != nil {
			status, msg = store.JobFailed, "系统内部错误"
			s.logImport(fmt.Errorf("panic: %v", v), job.ID)
		}
		if err := s.db.FinishImportJob(ctx, job.ID, status, done, msg); err != nil {
			s.logImport(err, job.ID)
		}
	}()
	n, bad, err := s.db.ImportMembers(ctx, a, job.CommitteeID, termID, rows, func(d int) { s.imports.set(job.ID, d) })
	switch {
	case err != nil:
		msg = app.ErrorMessage(err)
		if app.ErrorCode(err) == app.EINTERNAL {
			s.logImport(err, job.ID)
		}
	case len(bad) > 0: // the roster was fine when checked, but the database changed since
		msg = fmt.Sprintf("名册有%d处错误，如第%d行“%s”：%s。请改正后重新上传", len(bad), bad[0].Line, bad[0].Column, bad[0].Message)
	default:
		status, done, msg = store.JobDone, n, fmt.Sprintf("已导入 %d 名委员", n)
	}
}

func (s *Server) logImport(err error, job int64) {
	if s.log != nil {
		s.log.Error("roster import", "job", job, "err", err)
	}
}

// importProgressJSON is the answer of /members/import/jobs/{job}.json.
type importProgressJSON struct {
	Status    string `json:"status"`
	RowsDone  int    `json:"rows_done"`
	RowsTotal int    `json:"rows_total"`
	Message   string `json:"message"`
}

// memberImportJob shows an import's progress: the page, or with ".json" the
// figures that app.js polls.
func (s *Server) memberImportJob(w http.ResponseWriter, r *http.Request) error {
	raw, asJSON := strings.CutSuffix(r.PathValue("job"), ".json")
	if asJSON {
		// Errors answer JSON too: the wrapper's fail would render a page.
		r = r.WithContext(withAPI(r.Context()))
		job, err := s.findImportJob(r, raw)
		if err != nil {
			s.fail(w, r, err)
			return nil
		}
		writeJSON(w, http.StatusOK, importProgressJSON{Status: job.Status, RowsDone: job.RowsDone,
			RowsTotal: job.RowsTotal, Message: job.Message})
		return nil
	}
	job, err := s.findImportJob(r, raw)
	if err != nil {
		return err
	}
	id := job.ID
	d := view.MemberImportJob{ID: job.ID, Status: job.Status, Done: job.RowsDone, Total: job.RowsTotal,
		Message: job.Message, FileName: job.FileName, ProgressURL: "/members/import/jobs/" + app.Itoa(id) + ".json",
		ListURL: "/members?committee_id=" + app.Itoa(job.CommitteeID)}
	return render(w, r, http.StatusOK, view.MemberImportJobPage(page(r, "导入委员名册", "members"), d))
}

// findImportJob finds a job in the actor's scope, with the progress of this
// node's tracker while it runs.
func (s *Server) findImportJob(r *http.Request, raw string) (store.ImportJob, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return store.ImportJob{}, app.NotFound("导入任务")
	}
	job, err := s.db.FindImportJob(r.Context(), actor(r), id)
	if err != nil {
		return job, err
	}
	if job.Status == store.JobRunning {
		if n, ok := s.imports.progress(id); ok {
			job.RowsDone = n
		}
	}
	return job, nil
}
