package assist_test

import (
	"strings"
	"testing"

	"xieshang/internal/assist"
)

func TestCheckUSCC(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" valid, else a substring of the message
	}{
		{"91350100M000100Y43", ""},
		{"91371524MA3C8PKL10", ""},
		{"91371524MA3D1FN27K", ""},
		{"52371524MJD123450C", ""},
		{"91110000100001325K", ""},
		{" 91371524ma3c8pkl10 ", ""}, // lower case and spaces: normalized
		{"91350100M000100Y44", "校验位不正确"},
		{"91371524MA3C8PKL1X", "校验位不正确"},
		{"9135010M000100Y43", "应为18位（现为17位）"},
		{"91350100M000100Y431", "应为18位（现为19位）"},
		{"", "请填写"},
		{"91350100M0001I0Y43", "第14位不能是字母I"},
		{"91350100M0001O0Y43", "不能是字母O"},
		{"91350100MZ00100Y43", "不能是字母Z"},
		{"91350100MS00100Y43", "不能是字母S"},
		{"91350100MV00100Y43", "不能是字母V"},
		{"91350100M00010-Y43", "只能由数字和大写字母组成"},
		{"91350100M00010中Y43", "只能由数字和大写字母组成"},
		{"91A50100M000100Y43", "行政区划代码"},
	}
	for _, tt := range tests {
		got := assist.CheckUSCC(assist.NormalizeUSCC(tt.in))
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckUSCC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := assist.NormalizeUSCC(" 91371524ma3c8pkl10 "); got != "91371524MA3C8PKL10" {
		t.Errorf("NormalizeUSCC = %q", got)
	}
}

func TestUSCCCheckCharEveryPosition(t *testing.T) {
	// Changing any one character of a valid code breaks its check.
	code := "91371524MA3C8PKL10"
	for i := 0; i < 17; i++ {
		b := []byte(code)
		if b[i] == '1' {
			b[i] = '2'
		} else {
			b[i] = '1'
		}
		if assist.CheckUSCC(string(b)) == "" {
			t.Errorf("%s (position %d changed) accepted", b, i+1)
		}
	}
}

func FuzzCheckUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91371524ma3c8pkl10", "", "IOZSV", "中文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code := assist.NormalizeUSCC(s)
		if assist.CheckUSCC(code) != "" {
			return
		}
		// A valid code is 18 characters of the set and its check recomputes.
		if len(code) != 18 || strings.ContainsAny(code, "IOZSV") {
			t.Fatalf("accepted %q", code)
		}
		if c, ok := assist.USCCCheckChar(code[:17]); !ok || c != code[17] {
			t.Fatalf("accepted %q with check %q", code, c)
		}
	})
}

func TestEnterpriseSizeAndReason(t *testing.T) {
	for in, want := range map[string]string{"小型": "small", "小型企业": "small", "micro": "micro", "": ""} {
		if got, ok := assist.ParseEnterpriseSize(in); !ok || got != want {
			t.Errorf("ParseEnterpriseSize(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := assist.ParseEnterpriseSize("巨型"); ok {
		t.Error("巨型 accepted")
	}
	if assist.EnterpriseSizeLabel("medium") != "中型" {
		t.Error("label")
	}
	if assist.CheckVisitReason("  ") == "" || assist.CheckVisitReason("企业反映天然气供应不足") != "" ||
		assist.CheckVisitReason(strings.Repeat("因", 201)) == "" {
		t.Error("CheckVisitReason")
	}
}
