package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/xlsx"
)

func sample() xlsx.Sheet {
	return xlsx.Sheet{
		Name:   "名册",
		Title:  "明湖市政协第十三届委员名册",
		Header: []string{"姓名", "身份证号", "出生日期", "人数", "登记时间", "备注"},
		Rows: [][]any{
			{"张三", "371502198001011234", app.MustDate("1980-01-01"), 3, time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC), nil},
			{"欧阳建国", 371502198001011234, app.Date{}, 2.5, time.Time{}, "一行\n两行"},
		},
		Widths:      []float64{0, 22},
		TextColumns: []int{1},
		Lists:       map[int][]string{5: {"甲", "乙"}},
	}
}

func write(t testing.TB, sheets ...xlsx.Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteReadBack(t *testing.T) {
	b := write(t, sample(), xlsx.Sheet{Name: "说明", Header: []string{"列"}, Rows: [][]any{{"姓名"}}})

	got, err := xlsx.ReadFirstSheet(bytes.NewReader(b), 100, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"明湖市政协第十三届委员名册"},
		{"姓名", "身份证号", "出生日期", "人数", "登记时间", "备注"},
		{"张三", "371502198001011234", "1980-01-01", "3", "2024-05-06 07:08"},
		{"欧阳建国", "371502198001011234", "", "2.5", "", "一行\n两行"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadFirstSheet =\n%q\nwant\n%q", got, want)
	}
	raw, err := xlsx.ReadFirstSheetRaw(bytes.NewReader(b), 100, 20)
	if err != nil {
		t.Fatal(err)
	}
	if raw[2][2] != "29221" { // 1980-01-01 as an Excel serial
		t.Errorf("raw date = %q, want 29221", raw[2][2])
	}

	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"名册", "说明"}) {
		t.Errorf("sheets = %q", got)
	}
	panes, err := f.GetPanes("名册")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes = %+v, %v; want frozen below row 2", panes, err)
	}
	merged, err := f.GetMergeCells("名册")
	if err != nil || len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "F1" {
		t.Errorf("merged = %v, %v; want A1:F1", merged, err)
	}
	if w, _ := f.GetColWidth("名册", "B"); w != 22 {
		t.Errorf("width B = %v, want 22 as given", w)
	}
	if w, _ := f.GetColWidth("名册", "A"); w != 10 { // 欧阳建国: 4 wide characters + 2
		t.Errorf("width A = %v, want 10 fitted to the Chinese name", w)
	}
	style, _ := f.GetCellStyle("名册", "A2")
	s, err := f.GetStyle(style)
	if err != nil || s.Font == nil || !s.Font.Bold || len(s.Fill.Color) == 0 {
		t.Errorf("header style = %+v, %v; want bold on a fill", s, err)
	}
	style, _ = f.GetCellStyle("名册", "B4")
	if s, _ := f.GetStyle(style); s.NumFmt != 49 {
		t.Errorf("id cell number format = %d, want 49 (text)", s.NumFmt)
	}
	if typ, _ := f.GetCellType("名册", "B4"); typ == excelize.CellTypeNumber {
		t.Errorf("id number written as a number; want text")
	}
	dvs, err := f.GetDataValidations("名册")
	if err != nil || len(dvs) != 1 || dvs[0].Sqref != "F3:F1048576" || dvs[0].Formula1 != `"甲,乙"` {
		t.Errorf("data validations = %+v, %v", dvs, err)
	}
	if names := f.GetDefinedName(); len(names) != 2 || names[0].RefersTo != "'名册'!$A$2:$F$4" {
		t.Errorf("auto-filter defined name = %+v", names)
	}
}

func TestReadKeepsRowNumbers(t *testing.T) {
	f := excelize.NewFile()
	for cell, v := range map[string]string{"A1": "a", "C3": "c", "A5": "  ", "B6": "b"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.ReadFirstSheet(&buf, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a"}, nil, {"", "", "c"}, nil, nil, {"", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadLimits(t *testing.T) {
	rows := make([][]any, 10)
	for i := range rows {
		rows[i] = []any{i + 1}
	}
	b := write(t, xlsx.Sheet{Name: "S", Header: []string{"n"}, Rows: rows})

	got, err := xlsx.ReadFirstSheet(bytes.NewReader(b), 4, 5)
	if !errors.Is(err, xlsx.ErrTooManyRows) || app.ErrorCode(err) != app.ETOOLARGE || app.ErrorMessage(err) != "工作表超过4行，请分成几个文件上传" {
		t.Errorf("err = %v, want ETOOLARGE wrapping ErrTooManyRows", err)
	}
	if len(got) != 4 || got[3][0] != "3" {
		t.Errorf("rows before the limit = %q, want header and 1..3", got)
	}

	wide := write(t, xlsx.Sheet{Name: "S", Header: []string{"a", "b", "c"}})
	_, err = xlsx.ReadFirstSheet(bytes.NewReader(wide), 4, 2)
	if app.ErrorCode(err) != app.ETOOLARGE || !strings.Contains(app.ErrorMessage(err), "第1行在第2列之后还有内容") {
		t.Errorf("err = %v, want ETOOLARGE naming row 1", err)
	}
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadRefuses(t *testing.T) {
	good := write(t, sample())
	// Zip bomb: 101 MB of zeros compress to about 100 KB.
	bomb := zipOf(t, map[string][]byte{"xl/worksheets/sheet1.xml": make([]byte, xlsx.MaxUnzipSize+1<<20)})
	for _, tc := range []struct {
		name string
		in   []byte
		code string
		msg  string // contained in the message
	}{
		{"empty file", nil, app.EINVALID, "文件是空的"},
		{"csv", []byte("姓名,界别\n张三,教育界\n"), app.EINVALID, "文件不是有效的 .xlsx 工作簿"},
		{"random bytes", []byte{0x00, 0x01, 0xfe, 0xff, 0x50, 0x4b, 0x03}, app.EINVALID, "文件不是有效的 .xlsx 工作簿"},
		{"xls", append(append([]byte{}, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1), make([]byte, 504)...), app.EINVALID, "旧版 .xls"},
		{"zip without a workbook", zipOf(t, map[string][]byte{"word/document.xml": []byte("<w/>")}), app.EINVALID, "不是有效的 .xlsx 工作簿"},
		{"truncated xlsx", good[:len(good)/2], app.EINVALID, "文件不是有效的 .xlsx 工作簿"},
		{"zip bomb", bomb, app.ETOOLARGE, "解压后超过100 MB"},
		{"too large", make([]byte, xlsx.MaxFileSize+1), app.ETOOLARGE, "文件超过20 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := xlsx.ReadFirstSheet(bytes.NewReader(tc.in), 100, 20)
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != tc.code || !strings.Contains(ae.Message, tc.msg) {
				t.Errorf("err = %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestDisplayWidthFitsChinese(t *testing.T) {
	b := write(t, xlsx.Sheet{Name: "S", Header: []string{"n", "工作单位及职务"}, Rows: [][]any{
		{strings.Repeat("x", 200), "明湖市教育局局长"},
	}})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w, _ := f.GetColWidth("S", "A"); w != 60 {
		t.Errorf("width A = %v, want capped at 60", w)
	}
	if w, _ := f.GetColWidth("S", "B"); w != 18 { // 8 characters × 2 + 2
		t.Errorf("width B = %v, want 18", w)
	}
}

// withSheet returns book with its first worksheet's XML replaced by sheet,
// so that fuzzing reaches the XML reader rather than stopping at the zip's
// checksums.
func withSheet(t testing.TB, book, sheet []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			_, err = w.Write(sheet)
		} else {
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetXML returns the first worksheet's XML of book.
func sheetXML(t testing.TB, book []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzReadFirstSheet reads each input as a file and as the first worksheet
// of an otherwise valid workbook: no panic, only EINVALID or ETOOLARGE
// errors, and never more rows or columns than asked for.
func FuzzReadFirstSheet(f *testing.F) {
	base := write(f, sample())
	f.Add(base)
	f.Add(sheetXML(f, base))
	f.Add(write(f, xlsx.Sheet{Name: "S", Header: []string{"a"}, Rows: [][]any{{1}, {nil}, {"x"}}}))
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="n"><v>3.71502198001011E+17</v></c></row>` +
		`<row r="3"><c r="C3" s="1"><v>43832</v></c></row></sheetData></worksheet>`))
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(b []byte) {
			const maxRows, maxCols = 50, 30
			for _, raw := range []bool{false, true} {
				read := xlsx.ReadFirstSheet
				if raw {
					read = xlsx.ReadFirstSheetRaw
				}
				rows, err := read(bytes.NewReader(b), maxRows, maxCols)
				if err != nil {
					if c := app.ErrorCode(err); c != app.EINVALID && c != app.ETOOLARGE {
						t.Fatalf("error code %q (%v), want invalid or too_large", c, err)
					}
					if !errors.Is(err, xlsx.ErrTooManyRows) && rows != nil {
						t.Fatalf("rows returned with error %v", err)
					}
				}
				filled := 0
				for _, r := range rows {
					if len(r) > maxCols {
						t.Fatalf("row of %d cells, limit %d", len(r), maxCols)
					}
					if len(r) > 0 {
						filled++
					}
				}
				if filled > maxRows {
					t.Fatalf("%d rows, limit %d", filled, maxRows)
				}
			}
		}
		check(b)
		check(withSheet(t, base, b))
	})
}

type count int

type grade int

func (g grade) String() string { return [...]string{"优", "良"}[g] }

// TestWriteCellTypes opens a written sheet with excelize: the header is
// frozen below the title, dates are numbers shown as dates, numbers of any
// type (named, behind a pointer) are numbers, and what has a String method
// is its text.
func TestWriteCellTypes(t *testing.T) {
	d := app.MustDate("2025-03-08")
	n := 7
	var nilDate *app.Date
	b := write(t, xlsx.Sheet{Name: "会议", Title: "2025年会议", Header: []string{"日期", "人数", "类别", "指针", "空", "时间"},
		Rows: [][]any{{d, count(12), grade(1), &n, nilDate, time.Date(2025, 3, 8, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))}}})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	panes, err := f.GetPanes("会议")
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v, %v; want title and header frozen", panes, err)
	}
	if w, _ := f.GetColWidth("会议", "A"); w != 12 { // header 日期 (4 + 2 for the filter) vs 10 for a date, + 2
		t.Errorf("width of the date column = %v, want 12", w)
	}
	style, _ := f.GetCellStyle("会议", "A3")
	s, err := f.GetStyle(style)
	if err != nil || s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("date cell style = %+v, %v; want the yyyy-mm-dd format", s, err)
	}
	for cell, want := range map[string]string{"A3": "45724", "B3": "12", "D3": "7"} {
		if typ, _ := f.GetCellType("会议", cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s written as text; want a number", cell)
		}
		raw, _ := f.GetCellValue("会议", cell, excelize.Options{RawCellValue: true})
		if raw != want {
			t.Errorf("%s raw = %q, want %q", cell, raw, want)
		}
	}
	if v, _ := f.GetCellValue("会议", "A3"); v != "2025-03-08" {
		t.Errorf("date shown as %q", v)
	}
	if v, _ := f.GetCellValue("会议", "C3"); v != "良" {
		t.Errorf("Stringer written as %q, want 良", v)
	}
	if v, _ := f.GetCellValue("会议", "E3"); v != "" {
		t.Errorf("nil pointer written as %q, want empty", v)
	}
	if v, _ := f.GetCellValue("会议", "F3"); v != "2025-03-08 09:30" {
		t.Errorf("time shown as %q, want the wall clock", v)
	}

	// Without a title only the header row is frozen.
	b = write(t, xlsx.Sheet{Name: "S", Header: []string{"a"}, Rows: [][]any{{1}}})
	f2, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if panes, _ := f2.GetPanes("S"); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header frozen", panes)
	}
}

func TestSheetNames(t *testing.T) {
	for in, want := range map[string]string{
		"会议/选举":                 "会议／选举",
		"a:b?c*[d]\\e":          "a：b？c＊【d】＼e",
		"'x'":                   "x",
		"":                      "Sheet",
		strings.Repeat("议", 40): strings.Repeat("议", 31),
	} {
		if got := xlsx.SheetName(in); got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
	}
	b := write(t, xlsx.Sheet{Name: "提案"}, xlsx.Sheet{Name: "提案"}, xlsx.Sheet{Name: strings.Repeat("长", 31)}, xlsx.Sheet{Name: strings.Repeat("长", 31)})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"提案", "提案(2)", strings.Repeat("长", 31), strings.Repeat("长", 28) + "(2)"}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
}
