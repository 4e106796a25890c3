package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
	return nil
}

// decodeJSON reads a JSON body into v, rejecting unknown fields, trailing
// data, wrong types and invalid UTF-8 with a Chinese message naming the field.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return app.Errorf(app.EINVALID, "请求体应为 JSON（Content-Type: application/json）")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return app.Errorf(app.EINVALID, "无法读取请求体")
	}
	if !utf8.Valid(body) {
		return app.Errorf(app.EINVALID, "请求体包含无效的 UTF-8 字符")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return app.Errorf(app.EINVALID, "请求体只能包含一个 JSON 对象")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var errs app.FieldErrors
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return app.Errorf(app.EINVALID, "请求体应为 JSON 对象")
		}
		errs.Add(field, fmt.Sprintf("类型错误：应为%s", jsonTypeName(te.Type.Kind().String())))
		return errs.Err()
	case errors.As(err, &se):
		return app.Errorf(app.EINVALID, "JSON 格式错误（第 %d 字节附近）", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		errs.Add(name, "未知字段")
		return errs.Err()
	case errors.Is(err, io.EOF):
		return app.Errorf(app.EINVALID, "请求体不能为空")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return app.Errorf(app.EINVALID, "JSON 不完整")
	}
	// Text unmarshalers (dates) report their own reason.
	return app.Errorf(app.EINVALID, "请求体无效：%s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "整数"
	case strings.HasPrefix(kind, "float"):
		return "数字"
	case kind == "string":
		return "字符串"
	case kind == "bool":
		return "布尔值"
	case kind == "slice", kind == "array":
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
