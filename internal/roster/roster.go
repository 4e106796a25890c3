// Package roster reads and writes member rosters (委员名册) as .xlsx
// workbooks: the import template, the parser that turns a workbook into
// validated rows with every problem listed by row and column, and the export.
// It knows nothing of the database: names of sectors and special committees
// are resolved by the store.
package roster

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/xlsx"
)

// Row is one member read from a roster.
type Row struct {
	Line             int // the spreadsheet row number (the header is row 1)
	Member           member.Input
	Sector           string          // 界别 name, required
	SpecialCommittee string          // 专门委员会 name, optional
	Role             member.RoleKind // "" or member.Ordinary for 委员; else 常委, 副主席 …
	RoleStart        app.Date        // 任职开始日期; the term's start when empty
}

// RowError is one problem in one cell (or row, when Column is "").
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"` // the column's Chinese header, e.g. "身份证号"
	Message string `json:"message"`
}

// ExportRow is one line of an exported roster.
type ExportRow struct {
	Member           member.Member
	Committee        string
	TermNumber       int
	Sector           string
	SpecialCommittee string
	Role             string // Chinese label of the most senior current role
}

// The roster's columns, in template order.
const (
	colName = iota
	colGender
	colBirthDate
	colEthnicity
	colParty
	colEducation
	colWorkplace
	colIDNumber
	colPhone
	colEmail
	colAddress
	colSector
	colSpecialCommittee
	colRole
	colRoleStart
	colStatus
	colStatusDate
	colNote
	numCols
)

// column describes one roster column.
type column struct {
	header   string   // without the "*" that marks a required column
	required bool     // the column must be present and filled
	field    string   // the member.Input field Validate reports, if any
	width    float64  // in characters
	text     bool     // formatted as text, so that long digit strings stay whole
	values   []string // the accepted values, offered as a drop-down
	help     string   // for the instructions sheet
}

var columns = [numCols]column{
	colName:             {header: "姓名", required: true, field: "name", width: 10, help: "不超过30个字"},
	colGender:           {header: "性别", field: "gender", width: 6, values: []string{"男", "女"}, help: "不填时按身份证号确定；填了须与身份证号一致"},
	colBirthDate:        {header: "出生日期", field: "birth_date", width: 12, help: "如 1975-03-08，也可写 1975/3/8、1975.3.8、1975年3月8日，或用日期格式的单元格；不填时按身份证号确定"},
	colEthnicity:        {header: "民族", field: "ethnicity", width: 8, help: "如 汉族；不超过20个字"},
	colParty:            {header: "政治面貌", field: "party", width: 12, help: "如 中共党员、民盟盟员、无党派人士、群众；不超过30个字"},
	colEducation:        {header: "学历", field: "education", width: 10, help: "如 大学、研究生；不超过30个字"},
	colWorkplace:        {header: "工作单位及职务", field: "workplace", width: 30, help: "不超过100个字"},
	colIDNumber:         {header: "身份证号", field: "id_number", width: 22, text: true, help: "18位居民身份证号，同一文件中不能重复；该列须为“文本”格式，否则 Excel 会把末几位变成0"},
	colPhone:            {header: "手机号", field: "phone", width: 14, text: true, help: "11位手机号，或带区号的固定电话"},
	colEmail:            {header: "电子邮箱", field: "email", width: 22, help: "如 name@example.com"},
	colAddress:          {header: "通讯地址", field: "address", width: 30, help: "不超过100个字"},
	colSector:           {header: "界别", required: true, width: 14, help: "须与系统中登记的界别名称一致，如 教育界"},
	colSpecialCommittee: {header: "专门委员会", width: 18, help: "须与系统中登记的专门委员会名称一致；可不填"},
	colRole:             {header: "职务", width: 8, values: roleLabels(), help: "不填为委员"},
	colRoleStart:        {header: "任职开始日期", width: 14, help: "日期写法同出生日期；不填为本届开始日期"},
	colStatus:           {header: "状态", field: "status", width: 10, values: statusLabels(), help: "不填为在职"},
	colStatusDate:       {header: "状态变更日期", field: "status_date", width: 14, help: "状态不是在职时必填，不能晚于今天"},
	colNote:             {header: "备注", field: "note", width: 24, help: "不超过500个字"},
}

func roleLabels() []string {
	var l []string
	for _, k := range slices.Backward(member.RoleKinds) {
		l = append(l, k.Label()) // 委员 first: the usual value
	}
	return l
}

func statusLabels() []string {
	var l []string
	for _, s := range member.Statuses {
		l = append(l, s.Label())
	}
	return l
}

// title is the header as the template writes it: required columns end in "*".
func (c column) title() string {
	if c.required {
		return c.header + "*"
	}
	return c.header
}

// SheetName is the name of the roster sheet in the template and the export.
const SheetName = "委员名册"

const (
	headerScan = 5   // the header row is looked for in this many first rows
	maxCols    = 100 // a roster row may use this many columns
	maxSector  = 40  // the length limit of sector and special committee names (org.NamedInput)
)

// Parse reads the first worksheet of an .xlsx roster. It returns every row it
// could read and every problem found (all of them, not just the first); the
// error is for a file that cannot be read at all (not an .xlsx, no header).
// today bounds dates; maxRows limits the rows read (more is a RowError).
//
// The header is the first of the first five rows that names at least two
// roster columns, so a title row may stand above it. Columns are matched by
// their header text in any order, ignoring spaces and a "*"; unknown columns
// (序号, 届次, 所属政协 …) are ignored, and rows with nothing in the roster's
// columns are skipped. Only rows without problems are returned; RowErrors are
// sorted by line and then by the column's position in the file. The error is
// an *app.Error: app.EINVALID for a file that is not a workbook or lacks a
// header or a required column, app.ETOOLARGE for a file over the reader's
// limits.
func Parse(r io.Reader, today app.Date, maxRows int) ([]Row, []RowError, error) {
	maxRows = max(maxRows, 0)
	// Title rows and the header take at most headerScan non-empty rows, so
	// reading one more than that beyond maxRows tells whether there are more
	// data rows than allowed.
	cells, err := xlsx.ReadFirstSheetRaw(r, maxRows+headerScan+1, maxCols)
	truncated := errors.Is(err, xlsx.ErrTooManyRows)
	if err != nil && !truncated {
		return nil, nil, err
	}
	headerLine, pos, err := findHeader(cells)
	if err != nil {
		return nil, nil, err
	}
	p := parser{today: today, pos: pos, ids: map[string]int{}}
	var rows []Row
	data := 0
	for i := headerLine; i < len(cells); i++ {
		line := i + 1
		if p.blank(cells[i]) {
			continue
		}
		if data++; data > maxRows {
			p.errs = append(p.errs, RowError{Line: line,
				Message: fmt.Sprintf("名册最多%d行，从第%d行起未读取，请分成几个文件导入", maxRows, line)})
			truncated = false
			break
		}
		if row, ok := p.row(line, cells[i]); ok {
			rows = append(rows, row)
		}
	}
	if truncated { // defensive: the reader stopped before the rows counted here did
		line := len(cells) + 1
		p.errs = append(p.errs, RowError{Line: line,
			Message: fmt.Sprintf("名册最多%d行，从第%d行起未读取，请分成几个文件导入", maxRows, line)})
	}
	slices.SortStableFunc(p.errs, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(p.order(a.Column), p.order(b.Column)))
	})
	return rows, p.errs, nil
}

// findHeader finds the header row and where each roster column is in it
// (-1 when absent). It returns the header's index in cells.
func findHeader(cells [][]string) (int, [numCols]int, error) {
	var pos [numCols]int
	for i := 0; i < min(headerScan, len(cells)); i++ {
		for c := range pos {
			pos[c] = -1
		}
		found := 0
		for j, h := range cells[i] {
			c := columnOf(h)
			if c < 0 {
				continue
			}
			if pos[c] >= 0 {
				return 0, pos, app.Errorf(app.EINVALID, "表头中“%s”出现了两次（第%s列和第%s列），请删除多余的一列",
					columns[c].header, colLetter(pos[c]), colLetter(j))
			}
			pos[c] = j
			found++
		}
		if found < 2 {
			continue
		}
		var missing []string
		for c, col := range columns {
			if col.required && pos[c] < 0 {
				missing = append(missing, "“"+col.header+"”")
			}
		}
		if len(missing) > 0 {
			return 0, pos, app.Errorf(app.EINVALID, "表头缺少必填的列：%s，请使用导入模板填写", strings.Join(missing, "、"))
		}
		return i + 1, pos, nil
	}
	if len(cells) == 0 {
		return 0, pos, app.Errorf(app.EINVALID, "工作表是空的，请在第一个工作表中填写名册")
	}
	return 0, pos, app.Errorf(app.EINVALID, "未找到表头：前%d行中没有含“姓名”“界别”等列名的一行，请使用导入模板填写", headerScan)
}

// columnOf returns the roster column a header cell names, or -1. Spaces
// anywhere and "*" marks around the name are ignored.
func columnOf(h string) int {
	h = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, h)
	h = strings.Trim(h, "*＊")
	for c, col := range columns {
		if h == col.header {
			return c
		}
	}
	return -1
}

// colLetter is the spreadsheet name of a 0-based column: 0 → A.
func colLetter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return s
}

// parser holds what one Parse carries from row to row.
type parser struct {
	today app.Date
	pos   [numCols]int   // where each column is in the file, -1 when absent
	ids   map[string]int // identity number → the first line that has it
	errs  []RowError
}

func (p *parser) cell(cells []string, c int) string {
	i := p.pos[c]
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// blank reports whether a row has nothing in the roster's columns.
func (p *parser) blank(cells []string) bool {
	for c := range numCols {
		if p.cell(cells, c) != "" {
			return false
		}
	}
	return true
}

// order sorts errors of a line: the row's own first, then by the column's
// position in the file.
func (p *parser) order(header string) int {
	for c, col := range columns {
		if col.header == header {
			return p.pos[c]
		}
	}
	return -2
}

// row reads and checks one data row; ok is false when it has problems,
// which are added to p.errs.
func (p *parser) row(line int, cells []string) (Row, bool) {
	before := len(p.errs)
	add := func(c int, msg string) {
		p.errs = append(p.errs, RowError{Line: line, Column: columns[c].header, Message: msg})
	}
	get := func(c int) string { return p.cell(cells, c) }
	date := func(c int) app.Date {
		d, ok := parseDate(get(c))
		if !ok {
			add(c, fmt.Sprintf("“%s”不是有效的日期，请写成 2020-01-02 这样的格式", get(c)))
		}
		return d
	}

	in := member.Input{
		Name:       get(colName),
		Gender:     get(colGender),
		BirthDate:  date(colBirthDate),
		Ethnicity:  get(colEthnicity),
		Party:      get(colParty),
		Education:  get(colEducation),
		Workplace:  get(colWorkplace),
		IDNumber:   get(colIDNumber),
		Phone:      get(colPhone),
		Email:      get(colEmail),
		Address:    get(colAddress),
		Status:     member.Status(get(colStatus)),
		StatusDate: date(colStatusDate),
		Note:       get(colNote),
	}
	if lostDigits(in.IDNumber) {
		add(colIDNumber, fmt.Sprintf("身份证号被存成了数字（%s），末几位已经丢失；请把身份证号列设置为“文本”格式后重新填写", in.IDNumber))
		in.IDNumber = ""
	}
	in.Normalize()
	idOK := in.IDNumber != "" && member.CheckIDNumber(in.IDNumber) == ""
	if idOK && in.Gender == "" {
		in.Gender = member.IDGender(in.IDNumber)
	}
	if idOK && in.BirthDate.IsZero() && get(colBirthDate) == "" {
		in.BirthDate = member.IDBirthDate(in.IDNumber)
	}
	for _, fe := range in.Validate(p.today) {
		add(fieldColumn(fe.Field), fe.Message)
	}
	if idOK && (in.Gender == "男" || in.Gender == "女") && in.Gender != member.IDGender(in.IDNumber) {
		add(colGender, "性别与身份证号不一致（按身份证号应为"+member.IDGender(in.IDNumber)+"）")
	}
	if in.StatusDate.After(p.today) {
		add(colStatusDate, "状态变更日期不能晚于今天")
	}
	if in.IDNumber != "" {
		if first, ok := p.ids[in.IDNumber]; ok {
			add(colIDNumber, fmt.Sprintf("身份证号与第%d行重复", first))
		} else {
			p.ids[in.IDNumber] = line
		}
	}

	row := Row{Line: line, Member: in, Sector: get(colSector), SpecialCommittee: get(colSpecialCommittee)}
	switch n := utf8.RuneCountInString(row.Sector); {
	case n == 0:
		add(colSector, "界别不能为空")
	case n > maxSector:
		add(colSector, fmt.Sprintf("界别不能超过%d个字", maxSector))
	}
	if utf8.RuneCountInString(row.SpecialCommittee) > maxSector {
		add(colSpecialCommittee, fmt.Sprintf("专门委员会不能超过%d个字", maxSector))
	}
	row.Role = member.Ordinary
	if s := get(colRole); s != "" {
		k, ok := member.ParseRoleKind(s)
		if !ok {
			add(colRole, "职务应为委员、常委、秘书长、副主席或主席")
		}
		row.Role = k
	}
	row.RoleStart = date(colRoleStart)
	return row, len(p.errs) == before
}

// fieldColumn maps a member.Input field, as Validate names it, to its column.
func fieldColumn(field string) int {
	for c, col := range columns {
		if col.field == field {
			return c
		}
	}
	return colName // not reached: every field Validate reports has a column
}

// lostDigits reports whether an identity number was stored as a number that
// Excel could not hold whole (it keeps 15 significant digits): the raw value
// then reads like 3.71502198001011E+17.
func lostDigits(s string) bool {
	if !strings.ContainsAny(s, ".eE") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// maxSerial is 9999-12-31 as an Excel date serial.
const maxSerial = 2958465

// parseDate reads a date cell as xlsx.ReadFirstSheetRaw gives it: text
// (2020-01-02, 2020/1/2, 2020.1.2, 2020年1月2日, optionally followed by a
// time), eight digits (20200102) or an Excel date serial (43832), which is
// what a date-formatted cell holds. "" is the zero date.
func parseDate(s string) (app.Date, bool) {
	if s == "" {
		return app.Date{}, true
	}
	if whole, frac, _ := strings.Cut(s, "."); digits(whole) && (frac == "" && !strings.HasSuffix(s, ".") || digits(frac)) {
		if len(s) == 8 && frac == "" {
			t, err := time.Parse("20060102", s)
			return app.DateOf(t), err == nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 1 || v >= maxSerial+1 {
			return app.Date{}, false
		}
		t, err := excelize.ExcelDateToTime(v, false)
		return app.DateOf(t), err == nil
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // 2020-01-02 00:00:00
	}
	d, err := app.ParseDate(s)
	return d, err == nil && d.Y >= 1 && d.Y <= 9999
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// headers are the column titles of the template and the export.
func headers() []string {
	h := make([]string, numCols)
	for c, col := range columns {
		h[c] = col.title()
	}
	return h
}

// rosterSheet is the roster sheet's layout without rows.
func rosterSheet(title string) xlsx.Sheet {
	s := xlsx.Sheet{Name: SheetName, Title: title, Header: headers(), Lists: map[int][]string{}}
	for c, col := range columns {
		s.Widths = append(s.Widths, col.width)
		if col.text {
			s.TextColumns = append(s.TextColumns, c)
		}
		if col.values != nil {
			s.Lists[c] = col.values
		}
	}
	return s
}

// example is the example row of the template, invented.
var example = func() [numCols]any {
	birth := app.MustDate("1975-03-08")
	return [numCols]any{
		colName:             "王明",
		colGender:           "男",
		colBirthDate:        birth,
		colEthnicity:        "汉族",
		colParty:            "中共党员",
		colEducation:        "研究生",
		colWorkplace:        "明湖市第一中学校长",
		colIDNumber:         member.MakeIDNumber("371502", birth, 123),
		colPhone:            "13900001234",
		colEmail:            "wangming@example.com",
		colAddress:          "明湖市湖滨路1号",
		colSector:           "教育界",
		colSpecialCommittee: "教科卫体委员会",
		colRole:             member.Ordinary.Label(),
		colRoleStart:        app.MustDate("2023-01-10"),
		colStatus:           member.Serving.Label(),
		colStatusDate:       nil,
		colNote:             "此行为示例，填写时请删除",
	}
}()

// Template writes the empty roster template: the header row, one example row
// and an instructions sheet.
func Template(w io.Writer) error {
	roster := rosterSheet("")
	roster.Rows = [][]any{example[:]}

	help := xlsx.Sheet{
		Name:   "填写说明",
		Title:  "委员名册填写说明",
		Header: []string{"列名", "是否必填", "可填的值及要求"},
		Widths: []float64{16, 10, 80},
	}
	for _, col := range columns {
		req := "否"
		if col.required {
			req = "必填"
		}
		h := col.help
		if col.values != nil {
			h = "可填：" + strings.Join(col.values, "、") + "；" + h
		}
		help.Rows = append(help.Rows, []any{col.header, req, h})
	}
	for _, note := range []string{
		"带 * 的列必须填写；表头须在前5行内，列的顺序可以调整，模板以外的列（如 序号）导入时忽略。",
		"每行一位委员，空行跳过；第2行是示例，填写时请删除。",
		fmt.Sprintf("文件须为 .xlsx 格式（旧版 .xls 请先另存为 .xlsx），不超过%d MB；行数很多时可分成几个文件导入。", xlsx.MaxFileSize>>20),
		"导入前系统会逐行检查，列出所有有问题的行和列；全部改正后才会导入。",
	} {
		help.Rows = append(help.Rows, []any{"注意事项", "", note})
	}
	return xlsx.Write(w, roster, help)
}

// Export writes a roster workbook: the template's columns, then 所属政协 and
// 届次, under a title row. Parse reads it back (it ignores the last two
// columns). Identity numbers are written as text, whole.
func Export(w io.Writer, title string, rows []ExportRow) error {
	if title == "" {
		title = SheetName
	}
	s := rosterSheet(title)
	s.Header = append(s.Header, "所属政协", "届次")
	s.Widths = append(s.Widths, 20, 10)
	s.Rows = make([][]any, len(rows))
	for i, r := range rows {
		m := r.Member
		role := r.Role
		if role == "" {
			role = member.Ordinary.Label()
		}
		term := ""
		if r.TermNumber > 0 {
			term = org.Term{Number: r.TermNumber}.Label()
		}
		cells := [numCols + 2]any{
			colName:             m.Name,
			colGender:           m.Gender,
			colBirthDate:        m.BirthDate,
			colEthnicity:        m.Ethnicity,
			colParty:            m.Party,
			colEducation:        m.Education,
			colWorkplace:        m.Workplace,
			colIDNumber:         m.IDNumber,
			colPhone:            m.Phone,
			colEmail:            m.Email,
			colAddress:          m.Address,
			colSector:           r.Sector,
			colSpecialCommittee: r.SpecialCommittee,
			colRole:             role,
			colRoleStart:        roleStart(m.Roles, role),
			colStatus:           m.Status.Label(),
			colStatusDate:       m.StatusDate,
			colNote:             m.Note,
			numCols:             r.Committee,
			numCols + 1:         term,
		}
		s.Rows[i] = cells[:]
	}
	return xlsx.Write(w, s)
}

// roleStart is when the latest role with the given label began, or the zero
// date (always for 委员, which has no role record).
func roleStart(roles []member.Role, label string) app.Date {
	var d app.Date
	for _, r := range roles {
		if r.Label() == label && r.StartDate.After(d) {
			d = r.StartDate
		}
	}
	return d
}
