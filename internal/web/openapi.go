package web

import (
	"bytes"
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"xieshang/internal/app"
)

// The OpenAPI 3.0.3 document of the JSON API, generated from the route table:
// every API route's path, method, summary, tag, parameters, request body and
// success answer. Bodies are JSON Schemas derived by reflection from the Go
// types named in the route's APIDoc, so the document cannot drift from the
// code; openapi_test.go checks that it lists exactly the API routes.

// oaDoc is the top of the document. Struct fields keep the usual order.
type oaDoc struct {
	OpenAPI    string                      `json:"openapi"`
	Info       oaInfo                      `json:"info"`
	Servers    []oaServer                  `json:"servers"`
	Security   []map[string][]string       `json:"security"`
	Tags       []oaTag                     `json:"tags"`
	Paths      map[string]map[string]*oaOp `json:"paths"`
	Components oaComponents                `json:"components"`
}

type oaInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

type oaServer struct {
	URL string `json:"url"`
}

type oaTag struct {
	Name string `json:"name"`
}

type oaOp struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary,omitempty"`
	Description string                 `json:"description,omitempty"`
	Tags        []string               `json:"tags,omitempty"`
	Permission  string                 `json:"x-permission,omitempty"`
	Security    *[]map[string][]string `json:"security,omitempty"`
	Parameters  []oaParam              `json:"parameters,omitempty"`
	RequestBody *oaBody                `json:"requestBody,omitempty"`
	Responses   map[string]*oaResponse `json:"responses"`
}

type oaParam struct {
	Name        string    `json:"name"`
	In          string    `json:"in"`
	Required    bool      `json:"required,omitempty"`
	Description string    `json:"description,omitempty"`
	Schema      *oaSchema `json:"schema"`
}

type oaBody struct {
	Required bool                   `json:"required"`
	Content  map[string]oaMediaType `json:"content"`
}

type oaMediaType struct {
	Schema *oaSchema `json:"schema"`
}

type oaResponse struct {
	Ref         string                 `json:"$ref,omitempty"`
	Description string                 `json:"description,omitempty"`
	Content     map[string]oaMediaType `json:"content,omitempty"`
}

type oaComponents struct {
	Schemas         map[string]*oaSchema   `json:"schemas"`
	Responses       map[string]*oaResponse `json:"responses"`
	SecuritySchemes map[string]oaSecurity  `json:"securitySchemes"`
}

type oaSecurity struct {
	Type        string `json:"type"`
	Scheme      string `json:"scheme,omitempty"`
	In          string `json:"in,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// oaSchema is the subset of JSON Schema that OpenAPI 3.0 uses.
type oaSchema struct {
	Ref                  string      `json:"$ref,omitempty"`
	AllOf                []*oaSchema `json:"allOf,omitempty"`
	Type                 string      `json:"type,omitempty"`
	Format               string      `json:"format,omitempty"`
	Description          string      `json:"description,omitempty"`
	Nullable             bool        `json:"nullable,omitempty"`
	Minimum              *float64    `json:"minimum,omitempty"`
	MinItems             *int        `json:"minItems,omitempty"`
	MaxItems             *int        `json:"maxItems,omitempty"`
	Enum                 []string    `json:"enum,omitempty"`
	Items                *oaSchema   `json:"items,omitempty"`
	Required             []string    `json:"required,omitempty"`
	Properties           oaProps     `json:"properties,omitempty"`
	AdditionalProperties *oaSchema   `json:"additionalProperties,omitempty"`
}

// oaProps keeps an object's properties in the Go struct's field order.
type oaProps []oaProp

type oaProp struct {
	Name   string
	Schema *oaSchema
}

func (p oaProps) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(x.Name)
		v, err := json.Marshal(x.Schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// errorResponses are the shared 4xx answers, all with the Error schema.
var errorResponses = []struct {
	status int
	name   string
	desc   string
}{
	{400, "BadRequest", "请求无法解析"},
	{401, "Unauthorized", "未登录，或 API 令牌无效"},
	{403, "Forbidden", "角色无权进行此操作，或缺少 X-CSRF-Token / 跨站请求"},
	{404, "NotFound", "记录不存在或不在您的管辖范围内"},
	{409, "Conflict", "与现有数据冲突"},
	{413, "TooLarge", "请求体超过上限"},
	{422, "Invalid", "提交的内容有误；fields 列出各字段的问题"},
	{429, "Throttled", "请求过于频繁"},
}

// openAPIDocument builds the document for the API routes among routes.
// Routes without a Doc are left out (the route-table test reports them).
func openAPIDocument(routes []Route) []byte {
	g := newSchemaGen()
	var api []Route
	for _, rt := range routes {
		if rt.API && rt.Doc != nil {
			api = append(api, rt)
			g.collect(rt.Doc.Request)
			g.collect(rt.Doc.Response)
		}
	}
	g.collect(app.FieldError{})
	g.assignNames()

	doc := oaDoc{
		OpenAPI: "3.0.3",
		Info: oaInfo{Title: "协商 API", Version: "1", Description: "政协协商平台的 JSON API。" +
			"使用 API 令牌（Authorization: Bearer …）或登录会话 Cookie 认证；" +
			"以 Cookie 认证的写操作须带 X-CSRF-Token 请求头。错误一律以 Error 结构返回，message 为中文说明。"},
		Servers:  []oaServer{{URL: "/"}},
		Security: []map[string][]string{{"bearerAuth": {}}, {"cookieAuth": {}}},
		Paths:    map[string]map[string]*oaOp{},
		Components: oaComponents{
			Schemas:   map[string]*oaSchema{},
			Responses: map[string]*oaResponse{},
			SecuritySchemes: map[string]oaSecurity{
				"bearerAuth": {Type: "http", Scheme: "bearer", Description: "API 令牌"},
				"cookieAuth": {Type: "apiKey", In: "cookie", Name: sessionCookie,
					Description: "登录会话；写操作须同时带 X-CSRF-Token 请求头"},
			},
		},
	}
	tags := map[string]bool{}
	for _, rt := range api {
		path, params := openAPIPath(rt.Pattern)
		op := &oaOp{
			OperationID: operationID(rt.Method, path),
			Summary:     rt.Doc.Summary,
			Permission:  string(rt.Perm),
			Parameters:  params,
			Responses:   map[string]*oaResponse{},
		}
		if rt.Doc.Tag != "" {
			op.Tags = []string{rt.Doc.Tag}
			tags[rt.Doc.Tag] = true
		}
		if rt.Perm != "" {
			op.Description = "需要权限 " + string(rt.Perm)
		}
		if rt.Public {
			op.Security = &[]map[string][]string{}
		}
		for _, q := range rt.Doc.Query {
			typ := q.Type
			if typ == "" {
				typ = "string"
			}
			op.Parameters = append(op.Parameters, oaParam{Name: q.Name, In: "query", Description: q.Description,
				Schema: &oaSchema{Type: typ}})
		}
		write := unsafeMethod(rt.Method)
		if write && !rt.Public {
			op.Parameters = append(op.Parameters, oaParam{Name: "X-CSRF-Token", In: "header",
				Description: "以 Cookie 认证时必填（页面中的 CSRF 令牌）；使用 API 令牌时不需要", Schema: &oaSchema{Type: "string"}})
		}
		if rt.Doc.Request != nil {
			op.RequestBody = &oaBody{Required: true, Content: map[string]oaMediaType{
				"application/json": {Schema: g.schema(reflect.TypeOf(rt.Doc.Request))}}}
		}
		status := rt.Doc.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := &oaResponse{Description: http.StatusText(status)}
		if rt.Doc.Response != nil && status != http.StatusNoContent {
			ok.Content = map[string]oaMediaType{"application/json": {Schema: g.schema(reflect.TypeOf(rt.Doc.Response))}}
		}
		op.Responses[itoa(status)] = ok
		// The 4xx answers this route can give, from what the wrapper checks.
		use := func(status int) {
			for _, e := range errorResponses {
				if e.status == status {
					op.Responses[itoa(status)] = &oaResponse{Ref: "#/components/responses/" + e.name}
				}
			}
		}
		if !rt.Public {
			use(http.StatusUnauthorized)
		}
		if rt.Perm != "" || write {
			use(http.StatusForbidden)
		}
		if len(params) > 0 {
			use(http.StatusNotFound)
		}
		if write {
			use(http.StatusConflict)
		}
		if rt.Doc.Request != nil {
			use(http.StatusRequestEntityTooLarge)
		}
		if write || len(rt.Doc.Query) > 0 {
			use(http.StatusUnprocessableEntity)
		}
		op.Responses["default"] = &oaResponse{Ref: "#/components/responses/Error"}
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]*oaOp{}
		}
		doc.Paths[path][strings.ToLower(rt.Method)] = op
	}
	for name := range tags {
		doc.Tags = append(doc.Tags, oaTag{Name: name})
	}
	sort.Slice(doc.Tags, func(i, j int) bool { return doc.Tags[i].Name < doc.Tags[j].Name })

	errRef := &oaSchema{Ref: "#/components/schemas/Error"}
	doc.Components.Schemas["Error"] = &oaSchema{Type: "object", Required: []string{"error"}, Properties: oaProps{
		{"error", &oaSchema{Type: "object", Required: []string{"code", "message"}, Properties: oaProps{
			{"code", &oaSchema{Type: "string", Enum: []string{app.EINVALID, app.ENOTFOUND, app.ECONFLICT, app.EFORBIDDEN,
				app.EUNAUTHORIZED, app.ETHROTTLED, app.ETOOLARGE, app.EINTERNAL}}},
			{"message", &oaSchema{Type: "string", Description: "可直接展示给用户的中文说明"}},
			{"fields", &oaSchema{Type: "array", Nullable: true, Description: "各字段的问题（仅 422）",
				Items: g.schema(reflect.TypeFor[app.FieldError]())}},
		}}},
	}}
	for t, name := range g.names {
		if g.defs[t] != nil {
			doc.Components.Schemas[name] = g.defs[t]
		}
	}
	json := map[string]oaMediaType{"application/json": {Schema: errRef}}
	for _, e := range errorResponses {
		doc.Components.Responses[e.name] = &oaResponse{Description: e.desc, Content: json}
	}
	doc.Components.Responses["Error"] = &oaResponse{Description: "其他错误（如 500 系统内部错误）", Content: json}

	b, err := jsonIndent(doc)
	if err != nil {
		// Only a schema type whose MarshalJSON fails could get here; none does.
		panic("openapi: " + err.Error())
	}
	return b
}

func jsonIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.Bytes(), err
}

func itoa(n int) string { return app.Itoa(int64(n)) }

var pathParamRe = regexp.MustCompile(`\{([^}]*)\}`)

// openAPIPath converts a ServeMux pattern to an OpenAPI path and its path
// parameters: {id} is an integer, {rest...} a string, {$} is dropped.
func openAPIPath(pattern string) (string, []oaParam) {
	var params []oaParam
	path := pathParamRe.ReplaceAllStringFunc(pattern, func(m string) string {
		name := m[1 : len(m)-1]
		if name == "$" {
			return ""
		}
		schema := &oaSchema{Type: "integer", Format: "int64", Minimum: ptr(1.0)}
		if rest, ok := strings.CutSuffix(name, "..."); ok {
			name, schema = rest, &oaSchema{Type: "string"}
		}
		params = append(params, oaParam{Name: name, In: "path", Required: true, Schema: schema})
		return "{" + name + "}"
	})
	return path, params
}

func ptr[T any](v T) *T { return &v }

// operationID is e.g. getOrgsById for GET /api/v1/orgs/{id}.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1"), "/") {
		if strings.HasPrefix(seg, "{") {
			b.WriteString("By")
			seg = strings.Trim(seg, "{}")
		}
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			r := []rune(word)
			b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
		}
	}
	return b.String()
}

// schemaGen derives JSON Schemas from Go types. Named struct types become
// components/schemas entries; collect finds them all first and assignNames
// names them in a fixed order, so the document is the same on every start.
type schemaGen struct {
	seen  map[reflect.Type]bool
	names map[reflect.Type]string
	defs  map[reflect.Type]*oaSchema
}

func newSchemaGen() *schemaGen {
	return &schemaGen{seen: map[reflect.Type]bool{}, names: map[reflect.Type]string{}, defs: map[reflect.Type]*oaSchema{}}
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	dateType          = reflect.TypeFor[app.Date]()
	textMarshaler     = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler     = reflect.TypeFor[json.Marshaler]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	componentNameChar = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
)

// leaf reports whether t is written as a scalar or opaquely, not by its fields.
func leaf(t reflect.Type) bool {
	return t == timeType || t == dateType || t == rawMessageType ||
		t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) ||
		t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler)
}

// component reports whether t gets its own components/schemas entry.
func component(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() != "" && !leaf(t)
}

func (g *schemaGen) collect(v any) {
	if v == nil {
		return
	}
	g.walk(reflect.TypeOf(v))
}

func (g *schemaGen) walk(t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if g.seen[t] || leaf(t) {
		return
	}
	g.seen[t] = true
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		g.walk(t.Elem())
	case reflect.Map:
		g.walk(t.Elem())
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			g.walk(f.typ)
		}
	}
}

// assignNames names every collected component type.
func (g *schemaGen) assignNames() {
	var types []reflect.Type
	for t := range g.seen {
		if component(t) {
			types = append(types, t)
		}
	}
	sort.Slice(types, func(i, j int) bool { return fullName(types[i]) < fullName(types[j]) })
	taken := map[string]bool{"Error": true}
	for _, t := range types {
		name := componentName(t)
		for n := 2; taken[name]; n++ {
			name = strings.TrimRight(name, "0123456789") + itoa(n)
		}
		taken[name] = true
		g.names[t] = name
	}
}

func fullName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

// componentName names a type after its package and itself, so that names do
// not change as types are added: org.Org is Org, org.Input OrgInput,
// auth.Account AuthAccount; types of web and app keep their own name
// (without web's "api" prefix);
// apiList[member.Member] is MemberList, other generics Name_Arg.
func componentName(t reflect.Type) string {
	base, args, generic := strings.Cut(t.Name(), "[")
	if !generic {
		return qualify(t.PkgPath(), base)
	}
	var parts []string
	for _, a := range splitTypeArgs(strings.TrimSuffix(args, "]")) {
		suffix := ""
		for {
			if rest, ok := strings.CutPrefix(a, "[]"); ok {
				a, suffix = rest, "List"+suffix
			} else if rest, ok := strings.CutPrefix(a, "*"); ok {
				a = rest
			} else {
				break
			}
		}
		pkg, name := "", a
		if i := strings.LastIndex(a, "."); i >= 0 && !strings.Contains(a, "[") {
			pkg, name = a[:i], a[i+1:]
		}
		parts = append(parts, componentNameChar.ReplaceAllString(qualify(pkg, name), "")+suffix)
	}
	if base == "apiList" && len(parts) == 1 {
		return parts[0] + "List"
	}
	return qualify(t.PkgPath(), base) + "_" + strings.Join(parts, "_")
}

func qualify(pkgPath, name string) string {
	pkg := pkgPath[strings.LastIndex(pkgPath, "/")+1:]
	if rest, ok := strings.CutPrefix(name, "api"); ok && pkg == "web" && rest != "" && unicode.IsUpper([]rune(rest)[0]) {
		name = rest // apiMemberCreate is MemberCreate
	}
	name = upperFirst(name)
	if pkg == "" || pkg == "web" || pkg == "app" || strings.HasPrefix(strings.ToLower(name), strings.ToLower(pkg)) {
		return name
	}
	return upperFirst(pkg) + name
}

// splitTypeArgs splits a type argument list at its top-level commas.
func splitTypeArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// schema returns the schema of t: a $ref for named structs (defining the
// component on first use), inline otherwise.
func (g *schemaGen) schema(t reflect.Type) *oaSchema {
	if t.Kind() == reflect.Pointer {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		s := g.schema(t)
		if s.Ref != "" {
			return &oaSchema{AllOf: []*oaSchema{s}, Nullable: true}
		}
		c := *s
		c.Nullable = true
		return &c
	}
	switch {
	case t == timeType:
		return &oaSchema{Type: "string", Format: "date-time"}
	case t == dateType:
		return &oaSchema{Type: "string", Format: "date", Description: "YYYY-MM-DD；空字符串表示未填"}
	case t == rawMessageType:
		return &oaSchema{}
	case t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler):
		return &oaSchema{}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return &oaSchema{Type: "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &oaSchema{Type: "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return &oaSchema{Type: "integer", Format: "int32"}
	case reflect.Int, reflect.Int64:
		return &oaSchema{Type: "integer", Format: "int64"}
	case reflect.Uint8, reflect.Uint16:
		return &oaSchema{Type: "integer", Format: "int32", Minimum: ptr(0.0)}
	case reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &oaSchema{Type: "integer", Format: "int64", Minimum: ptr(0.0)}
	case reflect.Float32:
		return &oaSchema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &oaSchema{Type: "number", Format: "double"}
	case reflect.String:
		return &oaSchema{Type: "string"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(textUnmarshaler) {
			return &oaSchema{Type: "string", Format: "byte", Nullable: true}
		}
		// A nil slice is written as null.
		return &oaSchema{Type: "array", Nullable: true, Items: g.schema(t.Elem())}
	case reflect.Array:
		n := t.Len()
		return &oaSchema{Type: "array", MinItems: &n, MaxItems: &n, Items: g.schema(t.Elem())}
	case reflect.Map:
		return &oaSchema{Type: "object", Nullable: true, AdditionalProperties: g.schema(t.Elem())}
	case reflect.Struct:
		if name, ok := g.names[t]; ok {
			if g.defs[t] == nil {
				g.defs[t] = &oaSchema{Type: "object"} // placeholder: breaks cycles
				g.defs[t] = g.object(t)
			}
			return &oaSchema{Ref: "#/components/schemas/" + name}
		}
		return g.object(t)
	}
	return &oaSchema{} // interfaces and anything else: any JSON value
}

func (g *schemaGen) object(t reflect.Type) *oaSchema {
	s := &oaSchema{Type: "object", Properties: oaProps{}}
	for _, f := range jsonFields(t) {
		fs := g.schema(f.typ)
		if f.asString {
			fs = &oaSchema{Type: "string", Description: "以字符串表示的值", Nullable: fs.Nullable}
		}
		s.Properties = append(s.Properties, oaProp{f.name, fs})
	}
	return s
}
