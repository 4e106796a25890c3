package member

import (
	"testing"
	"time"

	"xieshang/internal/app"
)

func TestCheckIDNumber(t *testing.T) {
	valid := MakeIDNumber("371502", app.MustDate("1975-06-18"), 123)
	cases := []struct {
		id, want string
	}{
		{valid, ""},
		{"11010519491231002X", ""}, // the GB 11643 example
		{"110105194912310021", "身份证号校验位不正确"},
		{"11010519491231002", "身份证号应为18位"},
		{"1101051949123100211", "身份证号应为18位"},
		{"11010519491331002X", "身份证号中的出生日期无效"},
		{"1101051949A231002X", "身份证号前17位应为数字"},
		{"", "身份证号应为18位"},
	}
	for _, c := range cases {
		if got := CheckIDNumber(c.id); got != c.want {
			t.Errorf("CheckIDNumber(%q) = %q, want %q", c.id, got, c.want)
		}
	}
	if IDBirthDate(valid) != app.MustDate("1975-06-18") || IDGender(valid) != "男" {
		t.Errorf("birth/gender of %s = %v/%s", valid, IDBirthDate(valid), IDGender(valid))
	}
	if IDGender(MakeIDNumber("371502", app.MustDate("1980-01-01"), 124)) != "女" {
		t.Error("even sequence should be 女")
	}
}

// Every generated number validates: the generator and checker agree.
func TestMakeIDNumberProperty(t *testing.T) {
	d := app.MustDate("1960-01-01")
	for i := 0; i < 2000; i++ {
		day := app.DateOf(d.Time(time.UTC).AddDate(0, 0, i*11))
		id := MakeIDNumber("371521", day, i%1000)
		if msg := CheckIDNumber(id); msg != "" {
			t.Fatalf("MakeIDNumber gave %s: %s", id, msg)
		}
		if IDBirthDate(id) != day {
			t.Fatalf("%s birth = %v, want %v", id, IDBirthDate(id), day)
		}
	}
}

func TestMasking(t *testing.T) {
	if got := MaskIDNumber("11010519491231002X"); got != "1101************2X" {
		t.Errorf("MaskIDNumber = %q", got)
	}
	if got := MaskPhone("13912345678"); got != "139****5678" {
		t.Errorf("MaskPhone = %q", got)
	}
	if got := MaskPhone("123"); got != "***" {
		t.Errorf("short phone = %q", got)
	}
	m := Member{IDNumber: "11010519491231002X", Phone: "13912345678", Name: "张三"}.Masked()
	if m.IDNumber == "11010519491231002X" || m.Phone == "13912345678" || m.Name != "张三" {
		t.Errorf("Masked = %+v", m)
	}
}

func TestInputValidate(t *testing.T) {
	today := app.MustDate("2026-11-23")
	id := MakeIDNumber("371502", app.MustDate("1975-06-18"), 123)
	ok := Input{Name: "王学臣", Gender: "男", IDNumber: id, BirthDate: app.MustDate("1975-06-18"), Phone: "13900001234"}
	cases := []struct {
		name  string
		edit  func(*Input)
		field string
		msg   string
	}{
		{"valid", func(*Input) {}, "", ""},
		{"empty name", func(i *Input) { i.Name = " " }, "name", "姓名不能为空"},
		{"bad gender", func(i *Input) { i.Gender = "M" }, "gender", "性别应为“男”或“女”"},
		{"birth mismatch", func(i *Input) { i.BirthDate = app.MustDate("1976-06-18") }, "birth_date", "出生日期与身份证号不一致"},
		{"future birth", func(i *Input) { i.IDNumber = ""; i.BirthDate = app.MustDate("2030-01-01") }, "birth_date", "出生日期不合理"},
		{"bad phone", func(i *Input) { i.Phone = "12345" }, "phone", "手机号应为11位数字，或带区号的固定电话"},
		{"landline", func(i *Input) { i.Phone = "0635-8888888" }, "", ""},
		{"bad email", func(i *Input) { i.Email = "a@b" }, "email", "电子邮箱格式不正确"},
		{"status needs date", func(i *Input) { i.Status = Resigned }, "status_date", "请填写状态变更日期"},
		{"status by label", func(i *Input) { i.Status = "去世"; i.StatusDate = today }, "", ""},
		{"unknown status", func(i *Input) { i.Status = "退休" }, "status", "状态应为在职、辞职、去世或撤销资格"},
		{"long workplace", func(i *Input) { i.Workplace = string(make([]rune, 101)) }, "workplace", "工作单位及职务不能超过100个字"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		in.Normalize()
		errs := in.Validate(today)
		if c.field == "" {
			if len(errs) != 0 {
				t.Errorf("%s: unexpected errors %v", c.name, errs)
			}
			continue
		}
		if got := errs.Get(c.field); got != c.msg {
			t.Errorf("%s: %s error = %q, want %q (all: %v)", c.name, c.field, got, c.msg, errs)
		}
	}
}

func TestRolesOnDay(t *testing.T) {
	roles := []Role{
		{Kind: Standing, StartDate: app.MustDate("2022-01-10")},
		{Kind: ViceChair, StartDate: app.MustDate("2024-01-15")},
		{Kind: Chair, StartDate: app.MustDate("2022-01-10"), EndDate: app.MustDate("2023-12-31")},
	}
	cases := []struct {
		day  string
		want RoleKind
	}{
		{"2021-12-31", Ordinary},
		{"2022-01-10", Chair},
		{"2023-12-31", Chair},
		{"2024-01-01", Standing},
		{"2024-01-15", ViceChair},
	}
	for _, c := range cases {
		if got := TopRole(roles, app.MustDate(c.day)); got != c.want {
			t.Errorf("TopRole on %s = %s, want %s", c.day, got, c.want)
		}
	}
	if k, ok := ParseRoleKind("副主席"); !ok || k != ViceChair || !k.ChairsMeeting() || Standing.ChairsMeeting() {
		t.Error("ParseRoleKind/ChairsMeeting")
	}
}

func TestRoleInputValidate(t *testing.T) {
	in := RoleInput{TermID: 1, Kind: Ordinary, StartDate: app.MustDate("2024-01-15"), EndDate: app.MustDate("2024-01-01")}
	errs := in.Validate()
	if errs.Get("kind") == "" || errs.Get("end_date") != "结束日期不能早于开始日期" {
		t.Errorf("errs = %v", errs)
	}
}
