// Package view holds the pages as templ components. Components receive plain
// values prepared by the handlers; no queries and no business rules here.
package view

import (
	"net/url"
	"strconv"

	"xieshang/internal/app"
)

// Page is what every page's layout needs.
type Page struct {
	Title string
	Nav   string // the active top-level section: home, orgs, members, accounts, audit
	User  *User  // nil on public pages
	CSRF  string
	Flash string // a one-off success message
	// Export is the list's .xlsx export with the page's filters, which
	// ExportLink offers as 导出Excel; empty on other pages.
	Export string
	// RequestID is the request's id (X-Request-Id), which the 500 page shows
	// so that a clerk can quote it to whoever reads the logs.
	RequestID string
}

// User is the signed-in account as the layout shows it.
type User struct {
	Name      string
	RoleLabel string
	OrgName   string
	// Sections the account may open, by Nav key.
	Can map[string]bool
}

// Option is one choice of a select box.
type Option struct {
	Value string
	Label string
	// Group puts the option in an <optgroup> of that label (consecutive
	// options of one group share it), e.g. a picker's search results.
	Group string
	// Disabled shows a note that cannot be chosen ("请输入更多字缩小范围").
	Disabled bool
}

// optionGroup is a run of options outside any group (Label "") or of one
// group.
type optionGroup struct {
	Label   string
	Options []Option
}

// groupOptions splits options into runs by Group.
func groupOptions(opts []Option) []optionGroup {
	var out []optionGroup
	for _, o := range opts {
		if n := len(out); n > 0 && out[n-1].Label == o.Group {
			out[n-1].Options = append(out[n-1].Options, o)
			continue
		}
		out = append(out, optionGroup{Label: o.Group, Options: []Option{o}})
	}
	return out
}

// Field describes one form input.
type Field struct {
	Name     string
	Label    string
	Type     string // text, password, date, number, email, tel, textarea, file
	Value    string
	Error    string
	Hint     string
	Required bool
	Options  []Option // for select
	Attrs    map[string]string
	Search   *FieldSearch // a select's own search box (organisation fields of forms)
	// Form names the field's form when a page has several forms with
	// fields of one name (a row's form in a list, two forms asking for a
	// date): the element ids become f-FORM-NAME, so each label names its
	// own control.
	Form string
}

// id is the id of the field's element of a kind: f- (the control), h- (its
// hint), e- (its error).
func (f Field) id(kind string) string {
	if f.Form != "" {
		return kind + f.Form + "-" + f.Name
	}
	return kind + f.Name
}

// FieldSearch is a search box beside a form's select: its input and button
// belong to the page's empty GET form "pick" (Layout), so looking up choices
// reopens the form's page with the search in its query and never sends what
// was typed into the form itself. Works without JavaScript.
type FieldSearch struct {
	Name   string     // the query parameter, e.g. org_q
	Label  string     // 查找组织
	Value  string     // what was asked
	Action string     // the form's GET page, e.g. /households/new
	Keep   url.Values // the page's other query parameters
}

// FieldFrom fills a field's error from a form's field errors.
func FieldFrom(errs app.FieldErrors, f Field) Field {
	f.Error = errs.Get(f.Name)
	return f
}

// Pager describes a paginated list.
type Pager struct {
	Total  int
	Offset int
	Limit  int
	Query  url.Values // the current filters, without offset
	Path   string
}

// Pages reports whether there is more than one page.
func (p Pager) Pages() bool { return p.Total > p.Limit }

// Prev returns the previous page's URL, or "".
func (p Pager) Prev() string {
	if p.Offset <= 0 {
		return ""
	}
	return p.at(max(0, p.Offset-p.Limit))
}

// Next returns the next page's URL, or "".
func (p Pager) Next() string {
	if p.Offset+p.Limit >= p.Total {
		return ""
	}
	return p.at(p.Offset + p.Limit)
}

func (p Pager) at(off int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(off))
	return p.Path + "?" + q.Encode()
}

// Range is "第 1–50 条，共 400 条".
func (p Pager) Range() string {
	if p.Total == 0 {
		return "共 0 条"
	}
	end := min(p.Offset+p.Limit, p.Total)
	return "第 " + strconv.Itoa(p.Offset+1) + "–" + strconv.Itoa(end) + " 条，共 " + strconv.Itoa(p.Total) + " 条"
}

// SortLink returns the URL that sorts a list by col, toggling direction when it
// is already the sort column.
func SortLink(path string, q url.Values, col string) string {
	n := url.Values{}
	for k, v := range q {
		n[k] = v
	}
	n.Del("offset")
	if q.Get("sort") == col && q.Get("dir") != "desc" {
		n.Set("dir", "desc")
	} else {
		n.Del("dir")
	}
	n.Set("sort", col)
	return path + "?" + n.Encode()
}

// SortMark is ▲ or ▼ on the current sort column.
func SortMark(q url.Values, col string) string {
	if q.Get("sort") != col {
		return ""
	}
	if q.Get("dir") == "desc" {
		return " ▼"
	}
	return " ▲"
}

// I64 formats an id for attributes and URLs.
func I64(n int64) string { return strconv.FormatInt(n, 10) }

// Itoa formats an int.
func Itoa(n int) string { return strconv.Itoa(n) }
