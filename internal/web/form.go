package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// form decodes a posted form into typed values, collecting a Chinese error per
// field that does not parse. Validation of meaning belongs to the domain.
type form struct {
	r    *http.Request
	Errs app.FieldErrors
}

// parseForm reads the body (already size-limited by the route wrapper).
func parseForm(r *http.Request) (*form, error) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, app.Errorf(app.EINVALID, "无法读取提交的表单")
	}
	return &form{r: r}, nil
}

// Str returns a trimmed text value; invalid UTF-8 or over 10,000 characters is an error.
func (f *form) Str(name string) string {
	v := strings.TrimSpace(f.r.PostFormValue(name))
	if !utf8.ValidString(v) {
		f.Errs.Add(name, "包含无效字符")
		return ""
	}
	if utf8.RuneCountInString(v) > 10000 {
		f.Errs.Add(name, "内容过长")
		return ""
	}
	return v
}

// Int returns an integer value; empty is 0.
func (f *form) Int(name string) int {
	v := f.Str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1e9 || n > 1e9 {
		f.Errs.Add(name, "应为整数")
		return 0
	}
	return n
}

// ID returns an id value; empty is 0, anything but a positive integer is an error.
func (f *form) ID(name string) int64 {
	v := f.Str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		f.Errs.Add(name, "选择无效")
		return 0
	}
	return n
}

// Date returns a date value; empty is the zero date.
func (f *form) Date(name string) app.Date {
	d, err := app.ParseDate(f.Str(name))
	if err != nil {
		f.Errs.Add(name, err.Error())
	}
	return d
}

// Bool is true for a checked checkbox ("on", "1", "true").
func (f *form) Bool(name string) bool {
	switch f.Str(name) {
	case "on", "1", "true", "yes":
		return true
	}
	return false
}

// Raw returns the untrimmed value, for passwords.
func (f *form) Raw(name string) string { return f.r.PostFormValue(name) }

// queryID reads an id from the query string; bad values are 0.
func queryID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// queryInt reads a non-negative int from the query string, clamped to max.
func queryInt(r *http.Request, name string, def, max int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 0 {
		return def
	}
	return min(n, max)
}

// pathID reads the {id} path value; a non-number is not found.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, app.NotFound("记录")
	}
	return n, nil
}

// merge adds a domain error's field errors to the form's parse errors and
// returns the combined error, or the original when it has no fields.
func (f *form) merge(err error) error {
	if len(f.Errs) == 0 {
		return err
	}
	all := append(app.FieldErrors{}, f.Errs...)
	for _, fe := range app.ErrorFields(err) {
		if all.Get(fe.Field) == "" {
			all = append(all, fe)
		}
	}
	return all.Err()
}

// formIDs reads a repeated id field (checkboxes); a value that is not a
// positive integer is a field error.
func formIDs(f *form, name string) []int64 {
	var out []int64
	for _, v := range f.r.PostForm[name] {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			f.Errs.Add(name, "选择无效")
			return nil
		}
		out = append(out, n)
	}
	return out
}
