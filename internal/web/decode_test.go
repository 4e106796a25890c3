package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
)

type decodeKid struct {
	Age int `json:"age"`
	decodeDeep
}

type decodeDeep struct {
	Z int `json:"z"`
}

type decodeTarget struct {
	CommitteeID int64 `json:"committee_id"`
	member.Input
	Kids []decodeKid `json:"kids"`
	Ptr  *int        `json:"ptr"`
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		msg               string // in the message
		field, fieldMsg   string // a field error, when set
	}{
		{"valid", "application/json", `{"committee_id":1,"name":"王","birth_date":"1970-01-02","kids":[{"age":3,"z":1}]}`, "", "", ""},
		{"no content type", "", `{"name":"王"}`, "", "", ""},
		{"charset utf-8", "application/json; charset=UTF-8", `{}`, "", "", ""},
		{"wrong content type", "text/plain", `{}`, "Content-Type", "", ""},
		{"json suffix type", "application/jsonx", `{}`, "Content-Type", "", ""},
		{"gbk", "application/json; charset=gbk", `{}`, "UTF-8", "", ""},
		{"empty", "application/json", ``, "不能为空", "", ""},
		{"blank", "application/json", " \r\n", "不能为空", "", ""},
		{"null", "application/json", `null`, "JSON 对象", "", ""},
		{"array", "application/json", `[{}]`, "JSON 对象", "", ""},
		{"number", "application/json", `1`, "JSON 对象", "", ""},
		{"syntax", "application/json", `{"name":}`, "JSON 格式错误", "", ""},
		{"unterminated", "application/json", `{"name":"x"`, "JSON 不完整", "", ""},
		{"trailing object", "application/json", `{}{}`, "只能包含一个", "", ""},
		{"trailing bracket", "application/json", `{} ]`, "只能包含一个", "", ""},
		{"trailing space ok", "application/json", "{}\n\n", "", "", ""},
		{"invalid UTF-8", "application/json", "{\"name\":\"\xff\"}", "UTF-8", "", ""},
		{"unknown field", "application/json", `{"nam":"x"}`, "", "nam", "未知字段"},
		{"long unknown field", "application/json", `{"` + strings.Repeat("长", 100) + `":1}`, "",
			strings.Repeat("长", 64) + "…", "未知字段"},
		{"string for int", "application/json", `{"committee_id":"1"}`, "", "committee_id", "类型错误：应为整数"},
		{"huge int", "application/json", `{"committee_id":1e40}`, "", "committee_id", "类型错误：应为整数"},
		{"embedded field", "application/json", `{"name":5}`, "", "name", "类型错误：应为字符串"},
		{"embedded field, other case", "application/json", `{"NAME":5}`, "", "name", "类型错误：应为字符串"},
		{"number for date", "application/json", `{"birth_date":19700102}`, "", "birth_date", "类型错误：应为字符串"},
		{"bad date", "application/json", `{"birth_date":"1970-02-30"}`, "日期格式", "birth_date", "日期格式应为 YYYY-MM-DD"},
		{"nested", "application/json", `{"kids":[{"age":"x"}]}`, "", "kids.age", "类型错误：应为整数"},
		{"nested embedded", "application/json", `{"kids":[{"z":true}]}`, "", "kids.z", "类型错误：应为整数"},
		{"object for pointer", "application/json", `{"ptr":{}}`, "", "ptr", "类型错误：应为整数"},
		{"array for object", "application/json", `{"kids":{}}`, "", "kids", "类型错误：应为数组"},
		{"deep nesting", "application/json", `{"kids":` + strings.Repeat("[", 11000) + strings.Repeat("]", 11000) + `}`, "JSON 格式错误", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			var v decodeTarget
			err := decodeJSON(r, &v)
			if tc.msg == "" && tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID {
				t.Fatalf("error %T %v, want EINVALID", err, err)
			}
			if !strings.Contains(ae.Message, tc.msg) || !hasHan(ae.Message) {
				t.Errorf("message %q, want it to contain %q", ae.Message, tc.msg)
			}
			if tc.field != "" && ae.Fields.Get(tc.field) != tc.fieldMsg {
				t.Errorf("fields %+v, want %s: %s", ae.Fields, tc.field, tc.fieldMsg)
			}
		})
	}
}

func TestDecodeJSONTooLarge(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"`+strings.Repeat("x", 2000)+`"}`))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1000)
	var v member.Input
	var mbe *http.MaxBytesError
	if err := decodeJSON(r, &v); !errors.As(err, &mbe) {
		t.Fatalf("%T %v, want *http.MaxBytesError", err, err)
	}
}
