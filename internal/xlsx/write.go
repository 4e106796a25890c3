// Package xlsx is the one place the project writes and reads .xlsx
// workbooks. Writers get a styled sheet (optional merged title row, bold
// header on a light fill, frozen header, auto-filter, column widths fitted to
// Chinese text, text-formatted columns for identity numbers, drop-down
// lists); readers get the cells of the first worksheet as text, with limits
// that refuse files that are not workbooks, zip bombs and oversized sheets
// with a message in Chinese.
package xlsx

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
)

// Sheet is one worksheet to write.
type Sheet struct {
	// Name is the tab name. Excel allows at most 31 characters and none of
	// : \ / ? * [ ]; Write replaces those with full-width look-alikes,
	// shortens a longer name and numbers a repeated one.
	Name   string
	Title  string   // optional title row merged across the columns, above the header
	Header []string // column headers
	// Rows holds the cells of each data row. A cell may be a string, an
	// integer or float, a bool, a time.Time (date and time), an app.Date (a
	// date cell shown as 2006-01-02; the zero Date is an empty cell) or nil,
	// or a pointer to one of these (a nil pointer is an empty cell). Values
	// of named types with a number, bool or string kind are written as those
	// (a count type stays a number), unless they have a String method, which
	// then gives the text. Other values are written with fmt.Sprint.
	Rows [][]any
	// Widths are column widths in characters; a missing or zero width is
	// fitted to the header and the cells.
	Widths []float64
	// TextColumns are 0-based columns formatted as text ("@"), so that what
	// a user types there later (identity numbers, phone numbers) is kept
	// as typed instead of turned into a number.
	TextColumns []int
	// Lists offers a drop-down of allowed values on a 0-based column, for
	// every row below the header.
	Lists map[int][]string
}

// Font is the font of every written cell; 宋体 is present wherever Chinese
// office software runs (Excel, WPS) and has full CJK coverage.
const Font = "宋体"

const (
	headerFill = "DDEBF7" // light blue
	minWidth   = 6
	maxWidth   = 60
)

// Write writes a workbook with the given sheets, in order, to w.
func Write(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("xlsx: no sheets to write")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont(Font); err != nil {
		return fmt.Errorf("xlsx: default font: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, s := range sheets {
		s.Name = uniqueName(SheetName(s.Name), used)
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), s.Name); err != nil {
				return fmt.Errorf("xlsx: sheet %q: %w", s.Name, err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", s.Name, err)
		}
		if err := writeSheet(f, st, s); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", s.Name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

// styles are the style ids shared by all sheets of a workbook.
type styles struct {
	title, header          int
	cell, text, date, time int // data cells
	textColumn             int // column default for TextColumns: text, no border
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1},
		{Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	font := &excelize.Font{Family: Font, Size: 11}
	middle := &excelize.Alignment{Vertical: "center"}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	var st styles
	for _, d := range []struct {
		id *int
		s  excelize.Style
	}{
		{&st.title, excelize.Style{
			Font:      &excelize.Font{Family: Font, Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		}},
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Family: Font, Bold: true, Size: 11},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{headerFill}},
			Border:    border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&st.cell, excelize.Style{Font: font, Border: border, Alignment: middle}},
		{&st.text, excelize.Style{Font: font, Border: border, Alignment: middle, NumFmt: 49}},
		{&st.date, excelize.Style{Font: font, Border: border, Alignment: middle, CustomNumFmt: &dateFmt}},
		{&st.time, excelize.Style{Font: font, Border: border, Alignment: middle, CustomNumFmt: &timeFmt}},
		{&st.textColumn, excelize.Style{Font: font, NumFmt: 49}},
	} {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return st, fmt.Errorf("xlsx: style: %w", err)
		}
		*d.id = id
	}
	return st, nil
}

func writeSheet(f *excelize.File, st styles, s Sheet) error {
	ncol := len(s.Header)
	for _, r := range s.Rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		ncol = 1
	}
	lastCol, err := excelize.ColumnNumberToName(ncol)
	if err != nil {
		return err
	}
	headerRow := 1
	if s.Title != "" {
		headerRow = 2
	}
	lastRow := headerRow + len(s.Rows)
	text := make(map[int]bool, len(s.TextColumns))
	for _, c := range s.TextColumns {
		text[c] = true
	}

	// Settings kept in the worksheet itself must be made before the stream
	// writer takes it over.
	if len(s.Header) > 0 {
		if err := f.AutoFilter(s.Name, fmt.Sprintf("A%d:%s%d", headerRow, lastCol, lastRow), nil); err != nil {
			return err
		}
	}
	for c, values := range s.Lists {
		col, err := excelize.ColumnNumberToName(c + 1)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s%d:%s%d", col, headerRow+1, col, excelize.TotalRows))
		if err := dv.SetDropList(values); err != nil {
			return err
		}
		if err := f.AddDataValidation(s.Name, dv); err != nil {
			return err
		}
	}

	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	for c := 0; c < ncol; c++ {
		width := 0.0
		if c < len(s.Widths) {
			width = s.Widths[c]
		}
		if width <= 0 {
			width = fitWidth(s, c)
		}
		if err := sw.SetColWidth(c+1, c+1, width); err != nil {
			return err
		}
		if text[c] {
			if err := sw.SetColStyle(c+1, c+1, st.textColumn); err != nil {
				return err
			}
		}
	}
	if len(s.Header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: headerRow,
			TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft",
		}); err != nil {
			return err
		}
	}
	if s.Title != "" {
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: s.Title}},
			excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		if ncol > 1 {
			if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
				return err
			}
		}
	}
	if len(s.Header) > 0 {
		cells := make([]any, len(s.Header))
		for i, h := range s.Header {
			cells[i] = excelize.Cell{StyleID: st.header, Value: h}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", headerRow), cells, excelize.RowOpts{Height: 22}); err != nil {
			return err
		}
	}
	cells := make([]any, ncol)
	for i, r := range s.Rows {
		for c := range cells {
			var v any
			if c < len(r) {
				v = r[c]
			}
			cells[c] = cell(st, v, text[c])
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", headerRow+1+i), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell styles one value; every data cell gets a border, so that the printed
// table is ruled.
func cell(st styles, v any, text bool) excelize.Cell {
	switch x := plain(v).(type) {
	case nil:
		if text {
			return excelize.Cell{StyleID: st.text}
		}
		return excelize.Cell{StyleID: st.cell}
	case app.Date:
		if x.IsZero() {
			return cell(st, nil, text)
		}
		if text {
			return excelize.Cell{StyleID: st.text, Value: x.String()}
		}
		return excelize.Cell{StyleID: st.date, Value: x.Time(time.UTC)}
	case time.Time:
		if x.IsZero() {
			return cell(st, nil, text)
		}
		if text {
			return excelize.Cell{StyleID: st.text, Value: x.Format("2006-01-02 15:04")}
		}
		// Excel has no zones: write the wall clock of the value's location.
		return excelize.Cell{StyleID: st.time, Value: time.Date(x.Year(), x.Month(), x.Day(),
			x.Hour(), x.Minute(), x.Second(), 0, time.UTC)}
	case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		if text {
			return excelize.Cell{StyleID: st.text, Value: fmt.Sprint(x)}
		}
		return excelize.Cell{StyleID: st.cell, Value: x}
	default:
		s := fmt.Sprint(x)
		if text {
			return excelize.Cell{StyleID: st.text, Value: s}
		}
		return excelize.Cell{StyleID: st.cell, Value: s}
	}
}

// fitWidth is the width in characters that shows column c's longest line,
// counting a Chinese character as two, within [minWidth, maxWidth].
func fitWidth(s Sheet, c int) float64 {
	w := 0
	if c < len(s.Header) {
		w = displayWidth(s.Header[c]) + 2 // room for the filter button
	}
	for _, r := range s.Rows {
		if c >= len(r) {
			continue
		}
		var n int
		switch x := plain(r[c]).(type) {
		case nil:
		case string:
			n = displayWidth(x)
		case app.Date:
			n = 10
		case time.Time:
			n = 16
		default:
			n = displayWidth(fmt.Sprint(x))
		}
		w = max(w, n)
		if w >= maxWidth {
			break
		}
	}
	return float64(min(max(w+2, minWidth), maxWidth))
}

// displayWidth counts the widest line of s in columns: wide (CJK, full
// width) characters take two.
func displayWidth(s string) int {
	widest, n := 0, 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case r == '\n':
			widest, n = max(widest, n), 0
		case wide(r):
			n += 2
		default:
			n++
		}
	}
	return max(widest, n)
}

func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115F || // Hangul Jamo
		(r >= 0x2E80 && r <= 0xA4CF) || // CJK radicals … Yi
		(r >= 0xAC00 && r <= 0xD7A3) || // Hangul syllables
		(r >= 0xF900 && r <= 0xFAFF) || // CJK compatibility ideographs
		(r >= 0xFE30 && r <= 0xFE4F) || // CJK compatibility forms
		(r >= 0xFF00 && r <= 0xFF60) || // full-width forms
		(r >= 0xFFE0 && r <= 0xFFE6) ||
		(r >= 0x20000 && r <= 0x3FFFD)) // CJK extensions
}

// plain turns v into one of the values cell knows: pointers are followed (a
// nil pointer is nil), a value with a String method other than a date or
// time is its text, and a value of a named type with a basic kind is
// converted to that kind.
func plain(v any) any {
	switch x := v.(type) {
	case nil, app.Date, time.Time, string, bool, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, float32, float64:
		return v
	case *app.Date:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil
		}
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface())
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	}
	return v
}

// SheetName is name as Excel accepts it for a tab: the characters it
// forbids ( : \ / ? * [ ] ) replaced by full-width ones, apostrophes
// trimmed from the ends, at most 31 characters, and "Sheet" when nothing
// is left.
func SheetName(name string) string {
	name = strings.NewReplacer(":", "：", "\\", "＼", "/", "／", "?", "？", "*", "＊", "[", "【", "]", "】").Replace(name)
	name = strings.Trim(strings.TrimSpace(name), "'")
	if r := []rune(name); len(r) > maxSheetName {
		name = string(r[:maxSheetName])
	}
	if name == "" {
		name = "Sheet"
	}
	return name
}

const maxSheetName = 31

// uniqueName is name, or name with a number (2), (3)… when a sheet of that
// name (in any letter case, as Excel compares them) is already in used.
func uniqueName(name string, used map[string]bool) string {
	try := name
	for i := 2; used[strings.ToLower(try)]; i++ {
		suffix := fmt.Sprintf("(%d)", i)
		r := []rune(name)
		if len(r)+len(suffix) > maxSheetName {
			r = r[:maxSheetName-len(suffix)]
		}
		try = string(r) + suffix
	}
	used[strings.ToLower(try)] = true
	return try
}
