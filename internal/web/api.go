package web

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"xieshang/internal/app"
)

// APIDoc documents an API route for the OpenAPI document: a summary, the
// request body's Go type (a zero value, or nil for none), the response's Go
// type and the query parameters. Every API route must have one (tested).
type APIDoc struct {
	Summary  string
	Tag      string
	Request  any
	Response any
	Query    []APIParam
	Status   int // success status; 0 means 200
}

// APIParam is a documented query parameter.
type APIParam struct {
	Name        string
	Type        string // "string", "integer", "boolean"
	Description string
}

// apiRoutes lists the JSON API's own routes (meta); resources add theirs in
// their api_<area>.go files.
func (s *Server) apiRoutes() []Route {
	// The document describes the whole route table, which is complete only
	// once New has assembled it; it is built on first use and then cached.
	spec := sync.OnceValue(func() []byte { return openAPIDocument(s.routes) })
	return []Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Public: true, API: true,
			Doc: &APIDoc{Summary: "本 API 的 OpenAPI 3 文档", Tag: "meta", Response: map[string]any{}},
			Handle: func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Header().Set("Cache-Control", "no-cache")
				_, err := w.Write(spec())
				return err
			}},
	}
}

// decodeJSON reads a JSON body into v, rejecting unknown fields, trailing
// data, wrong types and invalid UTF-8 with a Chinese message naming the field.
// A body over the route's limit returns the *http.MaxBytesError (413); every
// other problem is an EINVALID *app.Error (422).
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) || mt != "application/json" {
			return app.Errorf(app.EINVALID, "请求体应为 JSON（Content-Type: application/json）")
		}
		if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
			return app.Errorf(app.EINVALID, "请求体应使用 UTF-8 编码")
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return mbe
		}
		return app.Errorf(app.EINVALID, "无法读取请求体")
	}
	if !utf8.Valid(body) {
		return app.Errorf(app.EINVALID, "请求体包含无效的 UTF-8 字符")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return app.Errorf(app.EINVALID, "请求体不能为空")
	}
	if string(trimmed) == "null" {
		// json leaves v untouched for null: it would pass as an empty input.
		return app.Errorf(app.EINVALID, "请求体应为%s", jsonShape(v))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, body, v)
	}
	// Decoder.More does not see a stray ']' or '}', so look at what is left.
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return app.Errorf(app.EINVALID, "请求体只能包含一个 JSON 值")
	}
	return nil
}

// jsonError turns a decoding error into an EINVALID *app.Error in Chinese.
func jsonError(err error, body []byte, v any) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var ae *app.Error
	var errs app.FieldErrors
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &te):
		if te.Field == "" {
			return app.Errorf(app.EINVALID, "请求体应为%s", jsonShape(v))
		}
		errs.Add(jsonPath(reflect.TypeOf(v), te.Field), "类型错误：应为"+jsonTypeName(te.Type))
		return errs.Err()
	case errors.As(err, &se):
		return app.Errorf(app.EINVALID, "JSON 格式错误（第 %d 字节附近）", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for this; the text is stable.
		name, uerr := unquoteField(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr != nil {
			return app.Errorf(app.EINVALID, "请求体包含未知字段")
		}
		errs.Add(name, "未知字段")
		return errs.Err()
	case errors.Is(err, io.EOF):
		return app.Errorf(app.EINVALID, "请求体不能为空")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return app.Errorf(app.EINVALID, "JSON 不完整")
	case strings.Contains(err.Error(), "invalid use of ,string struct tag"):
		return app.Errorf(app.EINVALID, "请求体无效：数字应以字符串形式提交")
	}
	// Text unmarshalers (dates) report their own reason, without the field:
	// find the top-level field whose value fails the same way.
	msg := err.Error()
	if !hasHan(msg) {
		return app.Errorf(app.EINVALID, "请求体无效")
	}
	e := app.Errorf(app.EINVALID, "请求体无效：%s", msg)
	if field := failingField(body, v, msg); field != "" {
		e.Fields.Add(field, msg)
	}
	return e
}

// jsonPath turns the field path of an UnmarshalTypeError into the names the
// client sent: encoding/json puts the Go names of embedded structs in it
// ("Input.name" for apiMemberCreate's embedded member.Input).
func jsonPath(t reflect.Type, path string) string {
	var out []string
	for _, seg := range strings.Split(path, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice ||
			t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			t = nil
			out = append(out, seg)
			continue
		}
		var next reflect.Type
		for _, f := range jsonFields(t) {
			if f.name == seg {
				next = f.typ
				break
			}
		}
		if next == nil {
			if f, ok := t.FieldByName(seg); ok && f.Anonymous && len(f.Index) == 1 {
				t = f.Type
				continue // an embedded struct: not part of the JSON
			}
		}
		t = next
		out = append(out, seg)
	}
	return strings.Join(out, ".")
}

// unquoteField reads the quoted field name of an unknown-field error,
// shortened so a huge key is not echoed back.
func unquoteField(q string) (string, error) {
	var name string
	if err := json.Unmarshal([]byte(q), &name); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(name) > 64 {
		name = string([]rune(name)[:64]) + "…"
	}
	return name, nil
}

// failingField decodes each top-level member of body on its own into the
// matching field of the struct v points to, and returns the JSON name of the
// first whose error reads msg, or "".
func failingField(body []byte, v any, msg string) string {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return ""
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return ""
	}
	for _, f := range jsonFields(t.Elem()) {
		for key, raw := range members {
			if !strings.EqualFold(key, f.name) {
				continue
			}
			p := reflect.New(f.typ)
			if err := json.Unmarshal(raw, p.Interface()); err != nil && err.Error() == msg {
				return f.name
			}
		}
	}
	return ""
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// jsonShape names what the top level of the body should be for v.
func jsonShape(v any) string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return " JSON 数组"
	}
	return " JSON 对象"
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// jsonTypeName is the JSON type a Go type expects, in Chinese.
func jsonTypeName(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "其他类型"
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "字符串"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "整数"
	case reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.String:
		return "字符串"
	case reflect.Bool:
		return "布尔值"
	case reflect.Slice, reflect.Array:
		return "数组"
	}
	return "对象"
}

// apiList is the envelope of list answers.
type apiList[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	name     string
	typ      reflect.Type
	asString bool // the ",string" option
}

// jsonFields lists the fields encoding/json reads and writes for struct type
// t, in order, following its rules for tags and embedded structs.
func jsonFields(t reflect.Type) []jsonField {
	type cand struct {
		jsonField
		depth  int
		tagged bool
	}
	var all []cand
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if !sf.IsExported() && et.Kind() != reflect.Struct {
					continue
				}
				if name == "" && et.Kind() == reflect.Struct {
					walk(et, depth+1, seen)
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			asString := false
			for _, o := range strings.Split(opts, ",") {
				if o == "string" {
					switch ft.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
						reflect.Float32, reflect.Float64, reflect.String:
						asString = true
					}
				}
			}
			all = append(all, cand{jsonField{name, ft, asString}, depth, tagged})
		}
		delete(seen, t)
	}
	walk(t, 0, map[reflect.Type]bool{})
	// Of fields with one name, the shallowest wins; at equal depth a tagged
	// one wins; otherwise encoding/json drops them all.
	var out []jsonField
	for i, c := range all {
		keep := true
		for j, d := range all {
			if i == j || d.name != c.name {
				continue
			}
			if d.depth < c.depth || (d.depth == c.depth && d.tagged && !c.tagged) ||
				(d.depth == c.depth && d.tagged == c.tagged) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, c.jsonField)
		}
	}
	return out
}
