package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/storetest"
)

// routeProblems checks the route table: every API route is documented and
// lives under /api/v1/, and no page route does.
func routeProblems(routes []Route) []string {
	var out []string
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			out = append(out, key+": 重复的路由")
		}
		seen[key] = true
		if !rt.API {
			if strings.HasPrefix(rt.Pattern, "/api/") {
				out = append(out, key+": 位于 /api/ 下却不是 API 路由（API: true）")
			}
			continue
		}
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			out = append(out, key+": API 路由不在 /api/v1/ 下")
		}
		if rt.Doc == nil {
			out = append(out, key+": API 路由缺少 Doc（OpenAPI 文档）")
			continue
		}
		if strings.TrimSpace(rt.Doc.Summary) == "" {
			out = append(out, key+": Doc.Summary 为空")
		}
		for _, q := range rt.Doc.Query {
			if !slices.Contains([]string{"", "string", "integer", "boolean", "number"}, q.Type) {
				out = append(out, key+": 查询参数 "+q.Name+" 的类型 "+q.Type+" 无效")
			}
		}
	}
	return out
}

var validComponentName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// documentProblems checks a generated document against the route table: it
// is OpenAPI 3.0.3, lists exactly the API routes, every $ref resolves and the
// path parameters match the paths.
func documentProblems(doc []byte, routes []Route) []string {
	var out []string
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return []string{"文档不是有效的 JSON: " + err.Error()}
	}
	if d["openapi"] != "3.0.3" {
		out = append(out, fmt.Sprintf("openapi = %v, want 3.0.3", d["openapi"]))
	}
	if info, _ := d["info"].(map[string]any); info == nil || info["title"] != "协商 API" || info["version"] != "1" {
		out = append(out, fmt.Sprintf("info = %v", d["info"]))
	}
	want := map[string]bool{}
	for _, rt := range routes {
		if rt.API {
			path, _ := openAPIPath(rt.Pattern)
			want[strings.ToLower(rt.Method)+" "+path] = true
		}
	}
	paths, _ := d["paths"].(map[string]any)
	got := map[string]bool{}
	opIDs := map[string]string{}
	for path, item := range paths {
		inPath := map[string]bool{}
		for _, m := range pathParamRe.FindAllStringSubmatch(path, -1) {
			inPath[m[1]] = true
		}
		ops, _ := item.(map[string]any)
		for method, o := range ops {
			key := method + " " + path
			got[key] = true
			if !want[key] {
				out = append(out, key+": 文档中有，路由表中没有（过时的条目）")
			}
			op, _ := o.(map[string]any)
			if id, _ := op["operationId"].(string); id == "" {
				out = append(out, key+": 缺少 operationId")
			} else if other, dup := opIDs[id]; dup {
				out = append(out, key+": operationId "+id+" 与 "+other+" 重复")
			} else {
				opIDs[id] = key
			}
			documented := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p, _ := p.(map[string]any)
				if p["in"] != "path" {
					continue
				}
				name, _ := p["name"].(string)
				documented[name] = true
				if !inPath[name] {
					out = append(out, key+": 路径参数 "+name+" 不在路径中")
				}
				if p["required"] != true {
					out = append(out, key+": 路径参数 "+name+" 未标为 required")
				}
			}
			for name := range inPath {
				if !documented[name] {
					out = append(out, key+": 路径中的 {"+name+"} 没有文档")
				}
			}
			responses, _ := op["responses"].(map[string]any)
			ok := false
			for status := range responses {
				ok = ok || strings.HasPrefix(status, "2")
			}
			if !ok {
				out = append(out, key+": 没有 2xx 响应")
			}
		}
	}
	for key := range want {
		if !got[key] {
			out = append(out, key+": 路由表中有，文档中没有")
		}
	}
	comps, _ := d["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	for name := range schemas {
		if !validComponentName.MatchString(name) {
			out = append(out, "components/schemas/"+name+": 名称不合规")
		}
	}
	walkRefs(d, func(ref string) {
		if !resolves(d, ref) {
			out = append(out, "$ref "+ref+" 无法解析")
		}
	})
	slices.Sort(out)
	return out
}

func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(s)
				continue
			}
			walkRefs(x, fn)
		}
	case []any:
		for _, x := range v {
			walkRefs(x, fn)
		}
	}
}

// resolves follows a local JSON pointer such as #/components/schemas/Org.
func resolves(doc map[string]any, ref string) bool {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	var cur any = doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[tok]; !ok {
			return false
		}
	}
	return cur != nil
}

func oaTestServer(t *testing.T) *Server {
	t.Helper()
	return New(storetest.Open(t), Config{}, nil)
}

func TestRouteTableAPIDocs(t *testing.T) {
	s := oaTestServer(t)
	for _, p := range routeProblems(s.Routes()) {
		t.Error(p)
	}
	n := 0
	for _, rt := range s.Routes() {
		if rt.API {
			n++
		}
	}
	t.Logf("%d API routes", n)
}

func TestOpenAPIDocumentServed(t *testing.T) {
	s := oaTestServer(t)
	get := func() []byte {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("GET /api/v1/openapi.json: %d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		return rec.Body.Bytes()
	}
	doc := get()
	if !bytes.Equal(doc, get()) {
		t.Error("the document changed between two requests")
	}
	for _, p := range documentProblems(doc, s.Routes()) {
		t.Error(p)
	}
	var d struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			SecuritySchemes map[string]struct{ Type, Scheme, In, Name string }
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Paths["/api/v1/openapi.json"]["get"]; !ok {
		t.Error("the document does not describe itself")
	}
	if b := d.Components.SecuritySchemes["bearerAuth"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearerAuth = %+v", b)
	}
	if c := d.Components.SecuritySchemes["cookieAuth"]; c.Type != "apiKey" || c.In != "cookie" || c.Name != "xs_session" {
		t.Errorf("cookieAuth = %+v", c)
	}
}

type oaThing struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TestOpenAPICheckersCatchDrift proves that the two checks above fail when
// the route table and the document disagree.
func TestOpenAPICheckersCatchDrift(t *testing.T) {
	noop := func(http.ResponseWriter, *http.Request) error { return nil }
	base := []Route{
		{Method: "GET", Pattern: "/things", Handle: noop},
		{Method: "GET", Pattern: "/api/v1/things/{id}", API: true, Handle: noop,
			Doc: &APIDoc{Summary: "查看", Response: oaThing{}}},
		{Method: "POST", Pattern: "/api/v1/things", API: true, Handle: noop,
			Doc: &APIDoc{Summary: "创建", Request: oaThing{}, Response: oaThing{}, Status: 201}},
	}
	if p := routeProblems(base); len(p) > 0 {
		t.Fatalf("base table: %v", p)
	}
	if p := documentProblems(openAPIDocument(base), base); len(p) > 0 {
		t.Fatalf("base document: %v", p)
	}
	expect := func(name string, problems []string, want string) {
		t.Helper()
		for _, p := range problems {
			if strings.Contains(p, want) {
				return
			}
		}
		t.Errorf("%s: no problem mentions %q; got %q", name, want, problems)
	}

	undocumented := append(slices.Clone(base), Route{Method: "DELETE", Pattern: "/api/v1/things/{id}", API: true, Handle: noop})
	expect("undocumented route", routeProblems(undocumented), "DELETE /api/v1/things/{id}: API 路由缺少 Doc")
	expect("undocumented route", documentProblems(openAPIDocument(undocumented), undocumented),
		"delete /api/v1/things/{id}: 路由表中有，文档中没有")

	outside := append(slices.Clone(base),
		Route{Method: "GET", Pattern: "/v2/things", API: true, Handle: noop, Doc: &APIDoc{Summary: "x"}},
		Route{Method: "GET", Pattern: "/api/v1/page", Handle: noop})
	expect("API route outside /api/v1", routeProblems(outside), "GET /v2/things: API 路由不在 /api/v1/ 下")
	expect("page under /api", routeProblems(outside), "GET /api/v1/page: 位于 /api/ 下却不是 API 路由")

	stale := documentProblems(openAPIDocument(base), base[:2])
	expect("stale entry", stale, "post /api/v1/things: 文档中有，路由表中没有")

	doc := openAPIDocument(base)
	broken := bytes.ReplaceAll(doc, []byte(`"#/components/schemas/OaThing"`), []byte(`"#/components/schemas/Nothing"`))
	expect("broken $ref", documentProblems(broken, base), "$ref #/components/schemas/Nothing 无法解析")

	renamed := bytes.Replace(doc, []byte(`"name": "id"`), []byte(`"name": "thing_id"`), 1)
	p := documentProblems(renamed, base)
	expect("path parameter renamed", p, "路径参数 thing_id 不在路径中")
	expect("path parameter renamed", p, "路径中的 {id} 没有文档")
}

type oaSampleInner struct {
	A string `json:"a"`
}

type oaSampleEmbedded struct {
	E int `json:"e"`
}

type oaSample struct {
	oaSampleEmbedded
	ID       int64             `json:"id"`
	Name     string            `json:"name,omitempty"`
	Secret   string            `json:"-"`
	Dash     string            `json:"-,"`
	When     time.Time         `json:"when"`
	Day      app.Date          `json:"day"`
	Ptr      *int              `json:"ptr"`
	Inner    oaSampleInner     `json:"inner"`
	InnerPtr *oaSampleInner    `json:"inner_ptr"`
	List     []oaSampleInner   `json:"list"`
	Tags     map[string]string `json:"tags"`
	Count    int               `json:"count,string"`
	Any      any               `json:"any"`
	Kind     org.Kind          `json:"kind"`
	Role     auth.Role         `json:"role"`
	Untagged bool
	hidden   int
}

func TestOpenAPISchemasByReflection(t *testing.T) {
	routes := []Route{
		{Method: "POST", Pattern: "/api/v1/samples", API: true, Doc: &APIDoc{Summary: "s", Request: oaSample{}, Response: &oaSample{}}},
		{Method: "GET", Pattern: "/api/v1/members", API: true, Doc: &APIDoc{Summary: "m", Response: apiList[member.Member]{}}},
		{Method: "POST", Pattern: "/api/v1/members", API: true, Doc: &APIDoc{Summary: "m", Request: member.Input{}}},
		{Method: "POST", Pattern: "/api/v1/orgs", API: true, Doc: &APIDoc{Summary: "o", Request: org.Input{}, Response: org.Org{}}},
		{Method: "GET", Pattern: "/api/v1/files/{name...}", API: true, Doc: &APIDoc{Summary: "f", Response: []oaThing{}}},
		{Method: "DELETE", Pattern: "/api/v1/files/{name...}", API: true, Perm: auth.OrgWrite,
			Doc: &APIDoc{Summary: "d", Status: http.StatusNoContent}},
	}
	doc := openAPIDocument(routes)
	if p := documentProblems(doc, routes); len(p) > 0 {
		t.Fatalf("%v", p)
	}
	var d struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct{ Schemas map[string]json.RawMessage }
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"OaSample", "OaSampleInner", "MemberList", "Member", "OrgInput", "MemberInput", "Org",
		"OaThing", "Error", "FieldError"} {
		if _, ok := d.Components.Schemas[name]; !ok {
			t.Errorf("no component %s; have %v", name, oaKeys(d.Components.Schemas))
		}
	}
	if _, ok := d.Components.Schemas["Input"]; ok {
		t.Error("org.Input and member.Input share the bare name Input")
	}

	// Properties in field order, as JSON Schema fragments.
	raw := d.Components.Schemas["OaSample"]
	var s struct {
		Properties json.RawMessage
	}
	json.Unmarshal(raw, &s)
	var order []string
	dec := json.NewDecoder(bytes.NewReader(s.Properties))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		order = append(order, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	wantOrder := []string{"e", "id", "name", "-", "when", "day", "ptr", "inner", "inner_ptr", "list", "tags", "count",
		"any", "kind", "role", "Untagged"}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("properties %v\nwant %v", order, wantOrder)
	}
	var props map[string]map[string]any
	json.Unmarshal(s.Properties, &props)
	check := func(field string, want map[string]any) {
		t.Helper()
		got := props[field]
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("%s.%s = %v, want %v (schema %v)", field, k, got[k], v, got)
			}
		}
	}
	check("id", map[string]any{"type": "integer", "format": "int64"})
	check("when", map[string]any{"type": "string", "format": "date-time"})
	check("day", map[string]any{"type": "string", "format": "date"})
	check("ptr", map[string]any{"type": "integer", "nullable": true})
	check("inner", map[string]any{"$ref": "#/components/schemas/OaSampleInner"})
	check("inner_ptr", map[string]any{"nullable": true, "allOf": []any{map[string]any{"$ref": "#/components/schemas/OaSampleInner"}}})
	check("list", map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/OaSampleInner"}})
	check("tags", map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}})
	check("count", map[string]any{"type": "string"})
	check("kind", map[string]any{"type": "string"})
	check("Untagged", map[string]any{"type": "boolean"})
	if len(props["any"]) != 0 {
		t.Errorf("any = %v, want {}", props["any"])
	}

	// Member's birth date is a date, its timestamps date-times.
	var m struct {
		Properties map[string]map[string]any
	}
	json.Unmarshal(d.Components.Schemas["Member"], &m)
	if m.Properties["birth_date"]["format"] != "date" || m.Properties["created_at"]["format"] != "date-time" {
		t.Errorf("Member schema: %v", m.Properties)
	}

	// The {name...} wildcard is a string path parameter.
	var op struct {
		Parameters []struct {
			Name, In string
			Schema   map[string]any
		}
		Responses map[string]json.RawMessage
	}
	json.Unmarshal(d.Paths["/api/v1/files/{name}"]["get"], &op)
	if len(op.Parameters) != 1 || op.Parameters[0].Name != "name" || op.Parameters[0].Schema["type"] != "string" {
		t.Errorf("wildcard parameter: %+v", op.Parameters)
	}
	if _, ok := op.Responses["404"]; !ok {
		t.Errorf("a route with a path parameter documents no 404: %v", oaKeys(op.Responses))
	}
	var del struct {
		Responses map[string]map[string]any
	}
	json.Unmarshal(d.Paths["/api/v1/files/{name}"]["delete"], &del)
	if _, ok := del.Responses["413"]; ok || len(del.Responses["204"]) != 1 || del.Responses["204"]["description"] != "No Content" {
		t.Errorf("DELETE without a body: %v", del.Responses)
	}
	json.Unmarshal(d.Paths["/api/v1/samples"]["post"], &op)
	for _, status := range []string{"200", "401", "403", "409", "413", "422", "default"} {
		if _, ok := op.Responses[status]; !ok {
			t.Errorf("POST /api/v1/samples documents no %s: %v", status, oaKeys(op.Responses))
		}
	}
}

func oaKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestOperationID(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/api/v1/orgs/{id}", "getOrgsById"},
		{"GET", "/api/v1/openapi.json", "getOpenapiJson"},
		{"POST", "/api/v1/orgs/{id}/terms", "postOrgsByIdTerms"},
		{"PATCH", "/api/v1/member-roles/{role_id}", "patchMemberRolesByRoleId"},
	} {
		if got := operationID(tc.method, tc.path); got != tc.want {
			t.Errorf("operationID(%s %s) = %s, want %s", tc.method, tc.path, got, tc.want)
		}
	}
}

type apiParamHolder struct{}

func TestComponentName(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{org.Org{}, "Org"},
		{org.Input{}, "OrgInput"},
		{member.Input{}, "MemberInput"},
		{auth.Account{}, "AuthAccount"},
		{auth.AccountInput{}, "AuthAccountInput"},
		{app.FieldError{}, "FieldError"},
		{apiList[member.Member]{}, "MemberList"},
		{apiList[org.Input]{}, "OrgInputList"},
		{apiList[*org.Org]{}, "OrgList"},
		{apiList[[]int64]{}, "Int64ListList"},
		{oaSample{}, "OaSample"},
		{apiParamHolder{}, "ParamHolder"},
	} {
		if got := componentName(reflect.TypeOf(tc.v)); got != tc.want {
			t.Errorf("componentName(%T) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
