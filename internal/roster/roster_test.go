package roster_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/roster"
	"xieshang/internal/xlsx"
)

var today = app.MustDate("2025-06-01")

// header is the template's header row.
var header = []string{"姓名*", "性别", "出生日期", "民族", "政治面貌", "学历", "工作单位及职务", "身份证号",
	"手机号", "电子邮箱", "通讯地址", "界别*", "专门委员会", "职务", "任职开始日期", "状态", "状态变更日期", "备注"}

// idOf builds a valid identity number; odd seq for men.
func idOf(birth string, seq int) string {
	return member.MakeIDNumber("371502", app.MustDate(birth), seq)
}

// cells is one data row by column (header without "*" and spaces). A value
// is anything excelize.SetCellValue takes, or a setter for special cells.
type cells map[string]any

type setter func(f *excelize.File, sheet, cell string) error

// number stores v as a number cell with exactly this raw value, the way
// Excel stores a long number typed into a General cell.
func number(v string) setter {
	return func(f *excelize.File, sheet, cell string) error { return f.SetCellDefault(sheet, cell, v) }
}

// dateCell stores d as a date serial formatted as a date.
func dateCell(d string, numFmt int) setter {
	return func(f *excelize.File, sheet, cell string) error {
		t := app.MustDate(d).Time(time.UTC)
		if err := f.SetCellValue(sheet, cell, t); err != nil {
			return err
		}
		style, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
		if err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
}

func key(h string) string {
	return strings.Trim(strings.Join(strings.Fields(h), ""), "*")
}

// book builds a workbook: optional title rows, a header and data rows.
func book(t testing.TB, titles []string, hdr []string, rows ...cells) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	line := 1
	set := func(col, line int, v any) {
		cell, err := excelize.CoordinatesToCellName(col, line)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := v.(setter); ok {
			err = s(f, sheet, cell)
		} else {
			err = f.SetCellValue(sheet, cell, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, title := range titles {
		set(1, line, title)
		line++
	}
	for i, h := range hdr {
		set(i+1, line, h)
	}
	line++
	for _, r := range rows {
		for i, h := range hdr {
			if v, ok := r[key(h)]; ok {
				set(i+1, line, v)
			}
		}
		line++
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// good is a valid row: a man born 1975-03-08.
func good() cells {
	return cells{
		"姓名": "王明", "性别": "男", "出生日期": "1975-03-08", "民族": "汉族", "政治面貌": "中共党员",
		"学历": "研究生", "工作单位及职务": "明湖市第一中学校长", "身份证号": idOf("1975-03-08", 123),
		"手机号": "13900001234", "电子邮箱": "wangming@example.com", "通讯地址": "明湖市湖滨路1号",
		"界别": "教育界", "专门委员会": "教科卫体委员会", "职务": "常委", "任职开始日期": "2023-01-10",
		"状态": "在职", "备注": "无",
	}
}

func goodRow(line int) roster.Row {
	return roster.Row{
		Line: line,
		Member: member.Input{
			Name: "王明", Gender: "男", BirthDate: app.MustDate("1975-03-08"), Ethnicity: "汉族",
			Party: "中共党员", Education: "研究生", Workplace: "明湖市第一中学校长",
			IDNumber: idOf("1975-03-08", 123), Phone: "13900001234", Email: "wangming@example.com",
			Address: "明湖市湖滨路1号", Status: member.Serving, Note: "无",
		},
		Sector: "教育界", SpecialCommittee: "教科卫体委员会",
		Role: member.Standing, RoleStart: app.MustDate("2023-01-10"),
	}
}

func with(c cells, kv ...any) cells {
	out := cells{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func parse(t testing.TB, b []byte, maxRows int) ([]roster.Row, []roster.RowError) {
	t.Helper()
	rows, errs, err := roster.Parse(bytes.NewReader(b), today, maxRows)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rows, errs
}

func TestParseGood(t *testing.T) {
	seq := 0 // a woman's number that ends in X
	for !strings.HasSuffix(idOf("1980-12-31", seq), "X") {
		seq += 2
	}
	id := idOf("1980-12-31", seq)
	woman := with(good(), "姓名", " 李 娟 ", "性别", nil, "出生日期", nil, "身份证号", strings.ToLower(id),
		"职务", nil, "任职开始日期", nil, "状态", nil, "专门委员会", nil, "手机号", "139-0000-5678", "电子邮箱", nil)
	b := book(t, nil, header, good(), cells{}, woman)
	rows, errs := parse(t, b, 100)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	second := roster.Row{
		Line: 4,
		Member: member.Input{
			Name: "李 娟", Gender: "女", BirthDate: app.MustDate("1980-12-31"), Ethnicity: "汉族",
			Party: "中共党员", Education: "研究生", Workplace: "明湖市第一中学校长",
			IDNumber: id, Phone: "13900005678",
			Address: "明湖市湖滨路1号", Status: member.Serving, Note: "无",
		},
		Sector: "教育界", Role: member.Ordinary,
	}
	want := []roster.Row{goodRow(2), second}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows =\n%+v\nwant\n%+v", rows, want)
	}
}

func TestParseRowErrors(t *testing.T) {
	e := func(col, msg string) []roster.RowError {
		return []roster.RowError{{Line: 2, Column: col, Message: msg}}
	}
	for _, tc := range []struct {
		name string
		row  cells
		want []roster.RowError
	}{
		{"name empty", with(good(), "姓名", nil), e("姓名", "姓名不能为空")},
		{"name too long", with(good(), "姓名", strings.Repeat("王", 31)), e("姓名", "姓名不能超过30个字")},
		{"gender unknown", with(good(), "性别", "未知"), e("性别", "性别应为“男”或“女”")},
		{"gender against id", with(good(), "性别", "女"), e("性别", "性别与身份证号不一致（按身份证号应为男）")},
		{"birth date not a date", with(good(), "出生日期", "1975-13-08"), e("出生日期", "“1975-13-08”不是有效的日期，请写成 2020-01-02 这样的格式")},
		{"birth date words", with(good(), "出生日期", "七五年"), e("出生日期", "“七五年”不是有效的日期，请写成 2020-01-02 这样的格式")},
		{"birth date future", with(good(), "出生日期", "2030-01-01", "身份证号", nil), e("出生日期", "出生日期不合理")},
		{"birth date against id", with(good(), "出生日期", "1975-03-09"), e("出生日期", "出生日期与身份证号不一致")},
		{"ethnicity too long", with(good(), "民族", strings.Repeat("族", 21)), e("民族", "民族不能超过20个字")},
		{"party too long", with(good(), "政治面貌", strings.Repeat("党", 31)), e("政治面貌", "政治面貌不能超过30个字")},
		{"education too long", with(good(), "学历", strings.Repeat("学", 31)), e("学历", "学历不能超过30个字")},
		{"workplace too long", with(good(), "工作单位及职务", strings.Repeat("单", 101)), e("工作单位及职务", "工作单位及职务不能超过100个字")},
		{"id short", with(good(), "身份证号", "37150219750308123"), e("身份证号", "身份证号应为18位")},
		{"id letters", with(good(), "身份证号", "37150219750308ABCD"), e("身份证号", "身份证号前17位应为数字")},
		{"id bad date", with(good(), "身份证号", "371502197513081234", "出生日期", nil), e("身份证号", "身份证号中的出生日期无效")},
		{"id check digit", with(good(), "身份证号", idOf("1975-03-08", 123)[:17]+"0"), e("身份证号", "身份证号校验位不正确")},
		{"id stored as a number", with(good(), "身份证号", number("3.71502197503081E+17")),
			e("身份证号", "身份证号被存成了数字（3.71502197503081E+17），末几位已经丢失；请把身份证号列设置为“文本”格式后重新填写")},
		{"phone", with(good(), "手机号", "1390000123"), e("手机号", "手机号应为11位数字，或带区号的固定电话")},
		{"email", with(good(), "电子邮箱", "wangming.example.com"), e("电子邮箱", "电子邮箱格式不正确")},
		{"address too long", with(good(), "通讯地址", strings.Repeat("路", 101)), e("通讯地址", "通讯地址不能超过100个字")},
		{"sector empty", with(good(), "界别", nil), e("界别", "界别不能为空")},
		{"sector too long", with(good(), "界别", strings.Repeat("界", 41)), e("界别", "界别不能超过40个字")},
		{"special committee too long", with(good(), "专门委员会", strings.Repeat("委", 41)), e("专门委员会", "专门委员会不能超过40个字")},
		{"role unknown", with(good(), "职务", "组长"), e("职务", "职务应为委员、常委、秘书长、副主席或主席")},
		{"role start", with(good(), "任职开始日期", "2023-02-30"), e("任职开始日期", "“2023-02-30”不是有效的日期，请写成 2020-01-02 这样的格式")},
		{"status unknown", with(good(), "状态", "退休"), e("状态", "状态应为在职、辞职、去世或撤销资格")},
		{"status without date", with(good(), "状态", "辞职"), e("状态变更日期", "请填写状态变更日期")},
		{"status date future", with(good(), "状态", "去世", "状态变更日期", "2025-06-02"), e("状态变更日期", "状态变更日期不能晚于今天")},
		{"note too long", with(good(), "备注", strings.Repeat("备", 501)), e("备注", "备注不能超过500个字")},
		{"every problem of the row, in column order", with(good(), "姓名", nil, "性别", "女", "手机号", "12", "界别", nil, "职务", "组长"),
			[]roster.RowError{
				{2, "姓名", "姓名不能为空"},
				{2, "性别", "性别与身份证号不一致（按身份证号应为男）"},
				{2, "手机号", "手机号应为11位数字，或带区号的固定电话"},
				{2, "界别", "界别不能为空"},
				{2, "职务", "职务应为委员、常委、秘书长、副主席或主席"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := parse(t, book(t, nil, header, tc.row), 100)
			if !reflect.DeepEqual(errs, tc.want) {
				t.Errorf("errors =\n%+v\nwant\n%+v", errs, tc.want)
			}
			if len(rows) != 0 {
				t.Errorf("a row with problems was returned: %+v", rows)
			}
		})
	}
}

func TestParseReportsEveryRow(t *testing.T) {
	b := book(t, nil, header,
		with(good(), "手机号", "1"),
		with(good(), "身份证号", idOf("1960-01-01", 11), "出生日期", nil),
		with(good(), "身份证号", idOf("1961-01-01", 11), "出生日期", nil, "界别", nil, "电子邮箱", "x"),
		cells{},
		with(good(), "身份证号", idOf("1962-01-01", 11), "出生日期", "1962-01-02"),
	)
	rows, errs := parse(t, b, 100)
	want := []roster.RowError{
		{2, "手机号", "手机号应为11位数字，或带区号的固定电话"},
		{4, "电子邮箱", "电子邮箱格式不正确"},
		{4, "界别", "界别不能为空"},
		{6, "出生日期", "出生日期与身份证号不一致"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors =\n%+v\nwant\n%+v", errs, want)
	}
	if len(rows) != 1 || rows[0].Line != 3 || rows[0].Member.BirthDate != app.MustDate("1960-01-01") {
		t.Errorf("rows = %+v, want line 3 with the birth date from the id", rows)
	}
}

func TestParseDuplicateIDs(t *testing.T) {
	id := idOf("1975-03-08", 123)
	b := book(t, nil, header,
		with(good(), "身份证号", idOf("1970-01-01", 1), "出生日期", nil),
		good(),
		with(good(), "姓名", "王明二"),
		with(good(), "身份证号", strings.ToLower(id), "姓名", "王明三"), // same number once normalised
	)
	_, errs := parse(t, b, 100)
	want := []roster.RowError{
		{4, "身份证号", "身份证号与第3行重复"},
		{5, "身份证号", "身份证号与第3行重复"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors =\n%+v\nwant\n%+v", errs, want)
	}
}

func TestParseLayouts(t *testing.T) {
	reordered := []string{"序号", "界别 *", " 姓名* ", "身份证号", "职务", "届次", "所 属 政 协", "出生日期", "性别"}
	numbered := with(good(), "序号", 1, "届次", "第十三届", "所属政协", "明湖市政协")
	for _, tc := range []struct {
		name  string
		book  []byte
		lines []int
	}{
		{"title row above the header", book(t, []string{"明湖市政协第十三届委员名册"}, header, good()), []int{3}},
		{"blank and title rows", book(t, []string{"明湖市政协", "", "第十三届委员名册"}, header, cells{}, good()), []int{6}},
		{"columns reordered, unknown ones ignored", book(t, nil, reordered, numbered, cells{"序号": 2}, with(numbered, "序号", 3, "身份证号", idOf("1975-03-08", 125))), []int{2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := parse(t, tc.book, 100)
			if len(errs) > 0 {
				t.Fatalf("errors: %+v", errs)
			}
			var lines []int
			for _, r := range rows {
				lines = append(lines, r.Line)
				if r.Member.Name != "王明" || r.Sector != "教育界" || r.Role != member.Standing || r.Member.BirthDate != app.MustDate("1975-03-08") {
					t.Errorf("row %+v", r)
				}
			}
			if !reflect.DeepEqual(lines, tc.lines) {
				t.Errorf("lines = %v, want %v", lines, tc.lines)
			}
		})
	}
}

func TestParseDateCells(t *testing.T) {
	for _, tc := range []struct {
		name string
		cell any
		want string // "" for a RowError
	}{
		{"dashes", "2023-01-10", "2023-01-10"},
		{"slashes", "2023/1/10", "2023-01-10"},
		{"dots", "2023.1.10", "2023-01-10"},
		{"Chinese", "2023年1月10日", "2023-01-10"},
		{"with a time", "2023-01-10 00:00:00", "2023-01-10"},
		{"eight digits", "20230110", "2023-01-10"},
		{"eight digits as a number", number("20230110"), "2023-01-10"},
		{"date cell yyyy-mm-dd", dateCell("2023-01-10", 14), "2023-01-10"},
		{"date cell Chinese format", dateCell("2023-01-10", 31), "2023-01-10"},
		{"serial as a number", number("44936"), "2023-01-10"},
		{"serial with a time", number("44936.75"), "2023-01-10"},
		{"empty", "", "0001-01-01"},
		{"not a date", "2023-02-29", ""},
		{"negative", number("-1"), ""},
		{"serial too large", number("2958466"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := parse(t, book(t, nil, header, with(good(), "任职开始日期", tc.cell)), 10)
			switch {
			case tc.want == "":
				if len(errs) != 1 || errs[0].Column != "任职开始日期" {
					t.Errorf("errors = %+v, want one on 任职开始日期", errs)
				}
			case len(errs) > 0:
				t.Errorf("errors = %+v", errs)
			case tc.want == "0001-01-01":
				if !rows[0].RoleStart.IsZero() {
					t.Errorf("role start = %v, want none", rows[0].RoleStart)
				}
			case rows[0].RoleStart != app.MustDate(tc.want):
				t.Errorf("role start = %v, want %s", rows[0].RoleStart, tc.want)
			}
		})
	}
}

func TestParseIDNumberAsNumber(t *testing.T) {
	// A tool (or excelize) that stores the whole integer keeps every digit.
	id := idOf("1975-03-08", 123)
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		t.Fatal(err)
	}
	rows, errs := parse(t, book(t, nil, header, with(good(), "身份证号", n)), 10)
	if len(errs) > 0 || len(rows) != 1 || rows[0].Member.IDNumber != id {
		t.Errorf("rows %+v errors %+v, want the id %s whole", rows, errs, id)
	}
}

func TestParseMaxRows(t *testing.T) {
	var rows []cells
	for i := range 5 {
		rows = append(rows, with(good(), "身份证号", idOf("1970-01-01", 2*i+1), "出生日期", nil))
	}
	b := book(t, []string{"名册"}, header, rows...)

	got, errs := parse(t, b, 5)
	if len(errs) > 0 || len(got) != 5 {
		t.Errorf("at the limit: %d rows, errors %+v", len(got), errs)
	}
	got, errs = parse(t, b, 3)
	want := []roster.RowError{{Line: 6, Message: "名册最多3行，从第6行起未读取，请分成几个文件导入"}}
	if !reflect.DeepEqual(errs, want) || len(got) != 3 {
		t.Errorf("over the limit: %d rows, errors %+v, want 3 and %+v", len(got), errs, want)
	}
}

func TestParseFileErrors(t *testing.T) {
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1000)...)
	withoutSector := slicesWithout(header, "界别*")
	for _, tc := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty file", nil, "文件是空的，请选择 .xlsx 工作簿"},
		{"csv", []byte("姓名,界别\n王明,教育界\n"), "文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 格式后再上传"},
		{"random bytes", []byte("\x00\x9f\x12 not a workbook at all"), "文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 格式后再上传"},
		{"xls", xls, "这是旧版 .xls 文件或设置了密码的工作簿，请在 Excel 或 WPS 中另存为 .xlsx 格式（不设密码）后再上传"},
		{"empty sheet", book(t, nil, nil), "工作表是空的，请在第一个工作表中填写名册"},
		{"no header", book(t, []string{"名单", "王明"}, []string{"王明", "教育界"}), "未找到表头：前5行中没有含“姓名”“界别”等列名的一行，请使用导入模板填写"},
		{"header too low", book(t, []string{"1", "2", "3", "4", "5"}, header, good()), "未找到表头：前5行中没有含“姓名”“界别”等列名的一行，请使用导入模板填写"},
		{"required column missing", book(t, nil, withoutSector, good()), "表头缺少必填的列：“界别”，请使用导入模板填写"},
		{"both required columns missing", book(t, nil, []string{"性别", "民族"}), "表头缺少必填的列：“姓名”、“界别”，请使用导入模板填写"},
		{"column twice", book(t, nil, append(append([]string{}, header...), "身份证号 ")), "表头中“身份证号”出现了两次（第H列和第S列），请删除多余的一列"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs, err := roster.Parse(bytes.NewReader(tc.in), today, 100)
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID || ae.Message != tc.msg {
				t.Errorf("err = %v, want EINVALID %q", err, tc.msg)
			}
			if rows != nil || errs != nil {
				t.Errorf("rows %v errs %v with a file error", rows, errs)
			}
		})
	}
}

func slicesWithout(s []string, drop string) []string {
	var out []string
	for _, x := range s {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}

func TestTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := roster.Template(&buf); err != nil {
		t.Fatal(err)
	}
	rows, errs := parse(t, buf.Bytes(), 100)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	want := goodRow(2)
	want.Member.Note = "此行为示例，填写时请删除"
	want.Role = member.Ordinary
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], want) {
		t.Errorf("rows =\n%+v\nwant\n%+v", rows, want)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"委员名册", "填写说明"}) {
		t.Errorf("sheets = %q", got)
	}
	got, err := f.GetRows("委员名册")
	if err != nil || !reflect.DeepEqual(got[0], header) {
		t.Errorf("header = %q, %v", got[0], err)
	}
	dvs, err := f.GetDataValidations("委员名册")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	wantLists := map[string]string{
		"B2:B1048576": `"男,女"`,
		"N2:N1048576": `"委员,常委,秘书长,副主席,主席"`,
		"P2:P1048576": `"在职,辞职,去世,撤销资格"`,
	}
	if !reflect.DeepEqual(lists, wantLists) {
		t.Errorf("drop-downs = %q, want %q", lists, wantLists)
	}
	for _, col := range []string{"H", "I"} { // 身份证号, 手机号
		style, err := f.GetColStyle("委员名册", col)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := f.GetStyle(style); err != nil || s.NumFmt != 49 {
			t.Errorf("column %s format = %+v, %v; want text", col, s, err)
		}
	}
	help, err := f.GetRows("填写说明")
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(help)
	for _, s := range []string{"委员名册填写说明", "界别 必填", "可填：委员、常委、秘书长、副主席、主席；不填为委员", "可填：在职、辞职、去世、撤销资格；不填为在职", "文本"} {
		if !strings.Contains(text, s) {
			t.Errorf("instructions lack %q:\n%s", s, text)
		}
	}
}

func exportRows() []roster.ExportRow {
	m := func(name, gender, birth string, seq int) member.Member {
		return member.Member{
			Name: name, Gender: gender, BirthDate: app.MustDate(birth), Ethnicity: "汉族", Party: "民盟盟员",
			Education: "大学", Workplace: "明湖市人民医院医生", IDNumber: idOf(birth, seq), Phone: "13800000001",
			Email: "a@example.com", Address: "明湖市", Status: member.Serving, Note: "备注",
		}
	}
	a := m("赵一", "男", "1970-01-02", 11)
	a.Roles = []member.Role{
		{Kind: member.Standing, StartDate: app.MustDate("2018-01-01"), EndDate: app.MustDate("2022-12-31")},
		{Kind: member.Standing, StartDate: app.MustDate("2023-01-10")},
	}
	b := m("钱二", "女", "1982-07-31", 22)
	b.Status, b.StatusDate = member.Resigned, app.MustDate("2024-03-01")
	c := m("孙三", "男", "1990-12-01", 33)
	c.Phone, c.Email = "", ""
	return []roster.ExportRow{
		{Member: a, Committee: "明湖市政协", TermNumber: 13, Sector: "中共", SpecialCommittee: "提案委员会", Role: "常委"},
		{Member: b, Committee: "明湖市政协", TermNumber: 13, Sector: "民盟", Role: "委员"},
		{Member: c, Committee: "明湖市政协", TermNumber: 13, Sector: "医药卫生界"},
	}
}

func TestExportRoundTrip(t *testing.T) {
	in := exportRows()
	var buf bytes.Buffer
	if err := roster.Export(&buf, "明湖市政协第十三届委员名册", in); err != nil {
		t.Fatal(err)
	}
	rows, errs := parse(t, buf.Bytes(), 100)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	if len(rows) != len(in) {
		t.Fatalf("%d rows, want %d", len(rows), len(in))
	}
	roles := []member.RoleKind{member.Standing, member.Ordinary, member.Ordinary}
	starts := []app.Date{app.MustDate("2023-01-10"), {}, {}}
	for i, r := range rows {
		m := in[i].Member
		want := roster.Row{
			Line: i + 3, // title, header
			Member: member.Input{Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate, Ethnicity: m.Ethnicity,
				Party: m.Party, Education: m.Education, Workplace: m.Workplace, IDNumber: m.IDNumber, Phone: m.Phone,
				Email: m.Email, Address: m.Address, Status: m.Status, StatusDate: m.StatusDate, Note: m.Note},
			Sector: in[i].Sector, SpecialCommittee: in[i].SpecialCommittee, Role: roles[i], RoleStart: starts[i],
		}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("row %d =\n%+v\nwant\n%+v", i, r, want)
		}
	}

	got, err := xlsx.ReadFirstSheet(bytes.NewReader(buf.Bytes()), 10, 30)
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0] != "明湖市政协第十三届委员名册" || !reflect.DeepEqual(got[1], append(append([]string{}, header...), "所属政协", "届次")) {
		t.Errorf("title and header = %q / %q", got[0], got[1])
	}
	if last := got[2]; last[7] != in[0].Member.IDNumber || last[18] != "明湖市政协" || last[19] != "第十三届" || last[2] != "1970-01-02" {
		t.Errorf("first member as displayed = %q", last)
	}
}

// bigBook is a roster of n valid members written by Export.
func bigBook(t testing.TB, n int) []byte {
	t.Helper()
	rows := make([]roster.ExportRow, n)
	born := app.MustDate("1960-01-01").Time(time.UTC)
	for i := range rows {
		birth := app.DateOf(born.AddDate(0, 0, i/500))
		rows[i] = roster.ExportRow{
			Member: member.Member{
				Name: fmt.Sprintf("委员%05d", i), Gender: "男", BirthDate: birth, Ethnicity: "汉族",
				Party: "中共党员", Education: "大学", Workplace: "明湖市某某单位负责人",
				IDNumber: member.MakeIDNumber("371502", birth, 2*(i%500)+1), Phone: "13800000000",
				Email: "m@example.com", Address: "明湖市湖滨路1号", Status: member.Serving,
			},
			Committee: "明湖市政协", TermNumber: 13, Sector: "教育界", Role: "委员",
		}
	}
	var buf bytes.Buffer
	if err := roster.Export(&buf, "", rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParse10000(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	rows, errs := parse(t, bigBook(t, 10000), 10000)
	if len(errs) > 0 || len(rows) != 10000 {
		t.Errorf("%d rows, %d errors (first %+v)", len(rows), len(errs), errs[:min(1, len(errs))])
	}
}

func BenchmarkParse10000(b *testing.B) {
	data := bigBook(b, 10000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rows, errs, err := roster.Parse(bytes.NewReader(data), today, 10000)
		if err != nil || len(errs) > 0 || len(rows) != 10000 {
			b.Fatalf("%d rows, %d errors, %v", len(rows), len(errs), err)
		}
	}
}
