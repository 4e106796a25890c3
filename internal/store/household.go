package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// Households in need (困难家庭) and their persons are sensitive personal
// data (minors, disability, health, identity numbers). The store keeps only
// the fields needed and hands them out masked: identity numbers show their
// first 6 and last 4 characters, phones their first 3 and last 4, except on
// an explicit reveal by the cadre currently paired with the household
// (RevealHouseholdPerson, audited with its reason). A household is read by
// supervisors (admin, office, leader) of its subtree and by the cadre
// account currently paired with it; to anyone else it does not exist. Every
// view of a household record writes an audit row with who and why.

// DefaultViewPurpose is the purpose of a household view when the caller
// names none.
const DefaultViewPurpose = "查看帮扶对象档案"

// Household is a household in need. Phone is masked.
type Household struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgName      string    `json:"org_name"`
	CommitteeID  int64     `json:"committee_id"`
	HeadName     string    `json:"head_name"`
	Address      string    `json:"address"`
	Phone        string    `json:"phone"`
	Note         string    `json:"note"`
	RegisteredOn app.Date  `json:"registered_on"`
	ExitedOn     app.Date  `json:"exited_on"`
	ExitReason   string    `json:"exit_reason"`
	PersonCount  int       `json:"person_count"`
	Categories   []string  `json:"categories"` // of its persons, in the order of assist.Categories
	Cadres       string    `json:"cadres"`     // names of the cadres currently paired, "、"-joined
	Persons      []Person  `json:"persons,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	path string
}

// Paired reports whether a cadre is currently paired with the household.
func (h Household) Paired() bool { return h.Cadres != "" }

// CategoryLabels are the household's categories in Chinese.
func (h Household) CategoryLabels() []string { return categoryLabels(h.Categories) }

func categoryLabels(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = assist.CategoryLabel(c)
	}
	return out
}

// Person is a person of a household. IDNumber is masked unless revealed.
type Person struct {
	ID          int64    `json:"id"`
	HouseholdID int64    `json:"household_id"`
	Name        string   `json:"name"`
	Relation    string   `json:"relation"`
	Gender      string   `json:"gender"`
	BirthDate   app.Date `json:"birth_date"`
	IDNumber    string   `json:"id_number"`
	Categories  []string `json:"categories"`
	Disability  string   `json:"disability"`
	Health      string   `json:"health"`
	Revealed    bool     `json:"revealed,omitempty"`
}

// CategoryLabels are the person's categories in Chinese.
func (p Person) CategoryLabels() []string { return categoryLabels(p.Categories) }

// HouseholdInput creates or edits a household.
type HouseholdInput struct {
	OrgID        int64    `json:"org_id"`
	HeadName     string   `json:"head_name"`
	Address      string   `json:"address"`
	Phone        string   `json:"phone"`
	Note         string   `json:"note"`
	RegisteredOn app.Date `json:"registered_on"`
	ExitedOn     app.Date `json:"exited_on"`
	ExitReason   string   `json:"exit_reason"`
}

func (in *HouseholdInput) validate(today app.Date) app.FieldErrors {
	in.HeadName, in.Address, in.Phone = strings.TrimSpace(in.HeadName), strings.TrimSpace(in.Address), strings.TrimSpace(in.Phone)
	in.Note, in.ExitReason = strings.TrimSpace(in.Note), strings.TrimSpace(in.ExitReason)
	var errs app.FieldErrors
	if in.OrgID == 0 {
		errs.Add("org_id", "请选择所在乡镇（街道）或村（社区）")
	}
	switch n := utf8.RuneCountInString(in.HeadName); {
	case n == 0:
		errs.Add("head_name", "户主姓名不能为空")
	case n > 30:
		errs.Add("head_name", "户主姓名不能超过30个字")
	}
	tooLong(&errs, "address", "住址", in.Address, 100)
	tooLong(&errs, "note", "备注", in.Note, 500)
	tooLong(&errs, "exit_reason", "退出原因", in.ExitReason, 100)
	if in.Phone != "" && !phoneText(in.Phone) {
		errs.Add("phone", "联系电话应为7至20位数字（可含“-”）")
	}
	switch {
	case in.RegisteredOn.IsZero():
		errs.Add("registered_on", "请填写登记日期")
	case in.RegisteredOn.After(today):
		errs.Add("registered_on", "登记日期不能晚于今天")
	}
	if !in.ExitedOn.IsZero() {
		switch {
		case in.ExitedOn.Before(in.RegisteredOn):
			errs.Add("exited_on", "退出日期不能早于登记日期")
		case in.ExitedOn.After(today):
			errs.Add("exited_on", "退出日期不能晚于今天")
		}
		if in.ExitReason == "" {
			errs.Add("exit_reason", "请填写退出原因")
		}
	}
	return errs
}

// PersonInput adds or edits a person. Categories are assist.Categories codes
// (or labels).
type PersonInput struct {
	Name       string   `json:"name"`
	Relation   string   `json:"relation"`
	Gender     string   `json:"gender"`
	BirthDate  app.Date `json:"birth_date"`
	IDNumber   string   `json:"id_number"`
	Categories []string `json:"categories"`
	Disability string   `json:"disability"`
	Health     string   `json:"health"`
}

func (in *PersonInput) validate(today app.Date) app.FieldErrors {
	in.Name, in.Relation, in.Gender = strings.TrimSpace(in.Name), strings.TrimSpace(in.Relation), strings.TrimSpace(in.Gender)
	in.IDNumber = strings.ToUpper(strings.TrimSpace(in.IDNumber))
	in.Disability, in.Health = strings.TrimSpace(in.Disability), strings.TrimSpace(in.Health)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "姓名不能为空")
	case n > 30:
		errs.Add("name", "姓名不能超过30个字")
	}
	tooLong(&errs, "relation", "与户主关系", in.Relation, 10)
	if in.Gender != "" && in.Gender != "男" && in.Gender != "女" {
		errs.Add("gender", "性别应为“男”或“女”")
	}
	tooLong(&errs, "disability", "残疾情况", in.Disability, 100)
	tooLong(&errs, "health", "健康状况", in.Health, 200)
	if in.IDNumber != "" {
		if msg := member.CheckIDNumber(in.IDNumber); msg != "" {
			errs.Add("id_number", msg)
		} else {
			born := member.IDBirthDate(in.IDNumber)
			if in.BirthDate.IsZero() {
				in.BirthDate = born
			} else if in.BirthDate != born {
				errs.Add("birth_date", "出生日期与身份证号码不一致")
			}
			if g := member.IDGender(in.IDNumber); in.Gender == "" {
				in.Gender = g
			} else if g != "" && g != in.Gender {
				errs.Add("gender", "性别与身份证号码不一致")
			}
		}
	}
	if in.BirthDate.After(today) {
		errs.Add("birth_date", "出生日期不能晚于今天")
	}
	var codes []string
	for _, c := range in.Categories {
		if strings.TrimSpace(c) == "" {
			continue
		}
		code, ok := assist.ParseCategory(c)
		if !ok {
			errs.Add("categories", "帮扶对象类别“"+c+"”不存在")
			continue
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	in.Categories = sortCategories(codes)
	return errs
}

// sortCategories orders category codes as assist.Categories does.
func sortCategories(codes []string) []string {
	var out []string
	for _, c := range assist.Categories {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

func splitCategories(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// householdAccess is the condition under which the actor reads household h
// (joined to its org o), with the argument it needs at position n; ok is
// false for an actor who reads no household at all.
func householdAccess(actor app.Actor, n int) (cond string, arg any, ok bool) {
	if !auth.Role(actor.Role).Can(auth.AssistRead) {
		return "", nil, false
	}
	if supervises(actor) {
		return fmt.Sprintf("o.path LIKE $%d || '%%'", n), actor.Path, true
	}
	if auth.Role(actor.Role) == auth.Cadre && actor.AccountID != 0 {
		return fmt.Sprintf(`EXISTS (SELECT 1 FROM pairing ap JOIN cadre ac ON ac.id = ap.cadre_id
			WHERE ap.household_id = h.id AND ap.ends_on = '' AND ac.account_id = $%d)`, n), actor.AccountID, true
	}
	return "", nil, false
}

const householdColumns = `h.id, h.org_id, o.name, h.committee_id, h.head_name, h.address, h.phone, h.note,
	h.registered_on, h.exited_on, h.exit_reason, h.created_at, h.updated_at, o.path,
	(SELECT COUNT(*) FROM household_person hp WHERE hp.household_id = h.id)`

const householdFrom = ` FROM household h JOIN org o ON o.id = h.org_id`

// scanHousehold reads a household row; the phone is opened and masked.
func (db *DB) scanHousehold(s scanner, h *Household, extra ...any) error {
	var reg, exited string
	if err := s.Scan(append([]any{&h.ID, &h.OrgID, &h.OrgName, &h.CommitteeID, &h.HeadName, &h.Address, &h.Phone, &h.Note,
		&reg, &exited, &h.ExitReason, &h.CreatedAt, &h.UpdatedAt, &h.path, &h.PersonCount}, extra...)...); err != nil {
		return err
	}
	h.RegisteredOn, _ = app.ParseDate(reg)
	h.ExitedOn, _ = app.ParseDate(exited)
	if err := db.openAll(colHouseholdPhone, &h.Phone); err != nil {
		return err
	}
	h.Phone = assist.MaskPhone(h.Phone)
	return nil
}

// findHousehold reads a household the actor may read, without auditing.
func (db *DB) findHousehold(ctx context.Context, q querier, actor app.Actor, id int64) (Household, error) {
	var h Household
	cond, arg, ok := householdAccess(actor, 2)
	if !ok {
		return h, app.NotFound("帮扶对象")
	}
	err := db.scanHousehold(q.QueryRowContext(ctx, `SELECT `+householdColumns+householdFrom+` WHERE h.id = $1 AND `+cond,
		id, arg), &h)
	if err != nil {
		return h, notFound(err, "帮扶对象", "find household")
	}
	return h, db.fillHouseholds(ctx, q, []*Household{&h}, true)
}

// fillHouseholds adds the categories and the paired cadres' names (and with
// persons, the persons, masked).
func (db *DB) fillHouseholds(ctx context.Context, q querier, hs []*Household, persons bool) error {
	if len(hs) == 0 {
		return nil
	}
	ids := make([]string, len(hs))
	at := map[int64]*Household{}
	for i, h := range hs {
		ids[i] = app.Itoa(h.ID)
		at[h.ID] = h
	}
	in := strings.Join(ids, ",") // ids are integers from the database
	// A list needs only the persons' categories: their sealed fields are
	// neither read nor opened.
	cols := `household_id, categories`
	if persons {
		cols = personColumns
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM household_person WHERE household_id IN (`+in+`)
		ORDER BY household_id, id`)
	if err != nil {
		return app.Internal(err, "household persons")
	}
	defer rows.Close()
	cats := map[int64][]string{}
	for rows.Next() {
		var p Person
		if !persons {
			var c string
			if err := rows.Scan(&p.HouseholdID, &c); err != nil {
				return app.Internal(err, "scan person")
			}
			cats[p.HouseholdID] = append(cats[p.HouseholdID], splitCategories(c)...)
			continue
		}
		var id string
		if err := db.scanPerson(rows, &p, &id); err != nil {
			return app.Internal(err, "scan person")
		}
		p.IDNumber = assist.MaskIDNumber(id)
		cats[p.HouseholdID] = append(cats[p.HouseholdID], p.Categories...)
		at[p.HouseholdID].Persons = append(at[p.HouseholdID].Persons, p)
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err, "household persons")
	}
	for id, c := range cats {
		at[id].Categories = sortCategories(c)
	}
	rows2, err := q.QueryContext(ctx, `SELECT p.household_id, c.name FROM pairing p JOIN cadre c ON c.id = p.cadre_id
		WHERE p.ends_on = '' AND p.household_id IN (`+in+`) ORDER BY p.starts_on, p.id`)
	if err != nil {
		return app.Internal(err, "household cadres")
	}
	defer rows2.Close()
	for rows2.Next() {
		var id int64
		var name string
		if err := rows2.Scan(&id, &name); err != nil {
			return app.Internal(err, "scan household cadre")
		}
		if h := at[id]; h.Cadres == "" {
			h.Cadres = name
		} else {
			h.Cadres += "、" + name
		}
	}
	return app.Internal(rows2.Err(), "household cadres")
}

const personColumns = `id, household_id, name, relation, gender, birth_date, categories, disability, health, id_number`

// scanPerson reads a person row, opening the sealed fields; the identity
// number goes to idNumber in clear, for the caller to mask or reveal.
func (db *DB) scanPerson(s scanner, p *Person, idNumber *string) error {
	var birth, cats string
	if err := s.Scan(&p.ID, &p.HouseholdID, &p.Name, &p.Relation, &p.Gender, &birth, &cats, &p.Disability, &p.Health,
		idNumber); err != nil {
		return err
	}
	p.BirthDate, _ = app.ParseDate(birth)
	p.Categories = splitCategories(cats)
	return db.openAll(colPersonName, &p.Name, colPersonDisability, &p.Disability, colPersonHealth, &p.Health,
		colPersonID, idNumber)
}

// FindHouseholdByID returns a household with its persons (masked) and
// writes the view to the audit log with its purpose ("" means
// DefaultViewPurpose).
func (db *DB) FindHouseholdByID(ctx context.Context, actor app.Actor, id int64, purpose string) (Household, error) {
	purpose = strings.TrimSpace(purpose)
	if purpose == "" {
		purpose = DefaultViewPurpose
	}
	if utf8.RuneCountInString(purpose) > 100 {
		var errs app.FieldErrors
		errs.Add("purpose", "查看事由不能超过100个字")
		return Household{}, errs.Err()
	}
	var h Household
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if h, err = db.findHousehold(ctx, tx, actor, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, HouseholdViewAudit(h, purpose))
	})
	return h, err
}

// HouseholdViewAudit is the audit row of a household viewed for a purpose
// ("" means DefaultViewPurpose).
func HouseholdViewAudit(h Household, purpose string) Change {
	if purpose = strings.TrimSpace(purpose); purpose == "" {
		purpose = DefaultViewPurpose
	}
	return Change{Action: "household_view", Entity: "household", EntityID: h.ID,
		Committee: h.CommitteeID, OrgPath: h.path, Summary: "查看帮扶对象 " + h.HeadName + " 户：" + purpose,
		After: struct {
			Purpose string `json:"purpose"`
		}{purpose}}
}

// HouseholdListAudit is the audit row of a list of households shown with a
// filter (its Purpose set) and its total.
func HouseholdListAudit(actor app.Actor, f HouseholdFilter, total int) Change {
	p := strings.TrimSpace(f.Purpose)
	return Change{Action: "household_list", Entity: "household", Committee: actor.CommitteeID,
		OrgPath: actor.Path, Summary: fmt.Sprintf("查看帮扶对象名单（%d户）：%s", total, p),
		After: struct {
			Purpose string          `json:"purpose"`
			Filter  HouseholdFilter `json:"filter"`
		}{p, f}}
}

// HouseholdFilter narrows FindHouseholds.
type HouseholdFilter struct {
	OrgID    int64
	Category string
	Paired   string // "yes", "no" or "" for both
	Query    string // the head's name
	Exited   bool   // include households that left the register
	Offset   int
	Limit    int // 0: 50; at most 500
	// Purpose, when set, writes one audit row for the list (the list page
	// and the API); rows are not audited one by one.
	Purpose string
}

// FindHouseholds lists the households the actor reads, masked, with the
// total for paging.
func (db *DB) FindHouseholds(ctx context.Context, actor app.Actor, f HouseholdFilter) ([]Household, int, error) {
	cond, arg, ok := householdAccess(actor, 1)
	if !ok {
		return nil, 0, mayAssist(actor, auth.AssistRead)
	}
	// The total, the page's ids in order, then the page's rows: the person
	// count of every household in scope was computed for COUNT(*) OVER() and
	// the sort (50,000 households in a province: 400 ms).
	q := ` WHERE ` + cond
	args := []any{arg}
	add := func(c string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+c, len(args))
	}
	if f.OrgID != 0 {
		add("o.path LIKE (SELECT path FROM org WHERE id = $%d) || '%%'", f.OrgID)
	}
	if !f.Exited {
		q += ` AND h.exited_on = ''`
	}
	if f.Category != "" {
		code, _ := assist.ParseCategory(f.Category)
		add(`EXISTS (SELECT 1 FROM household_person fp WHERE fp.household_id = h.id
			AND ',' || fp.categories || ',' LIKE '%%,' || $%d || ',%%')`, code)
	}
	const paired = `EXISTS (SELECT 1 FROM pairing fp WHERE fp.household_id = h.id AND fp.ends_on = '')`
	switch f.Paired {
	case "yes":
		q += ` AND ` + paired
	case "no":
		q += ` AND NOT ` + paired
	}
	switch s := strings.TrimSpace(f.Query); {
	case member.CheckIDNumber(strings.ToUpper(s)) == "":
		// A whole identity number of a person of the household, through
		// its blind index.
		add(`EXISTS (SELECT 1 FROM household_person hp WHERE hp.household_id = h.id AND hp.id_number_hmac = $%d)`,
			db.index(colPersonID, strings.ToUpper(s)))
	case s != "":
		add(`h.head_name LIKE '%%' || $%d || '%%' ESCAPE '\'`, likeEscape(s))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+householdFrom+q, args...).Scan(&total); err != nil {
		return nil, 0, app.Internal(err, "count households")
	}
	ids, err := queryIDs(ctx, db.read, `SELECT h.id`+householdFrom+q+
		fmt.Sprintf(" ORDER BY o.path, h.head_name, h.id LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	var out []Household
	if len(ids) > 0 {
		in := make([]string, len(ids))
		at := make(map[int64]int, len(ids))
		for i, id := range ids {
			in[i], at[id] = app.Itoa(id), i
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+householdColumns+householdFrom+` WHERE h.id IN (`+
			strings.Join(in, ",")+`)`)
		if err != nil {
			return nil, 0, app.Internal(err, "find households")
		}
		out = make([]Household, len(ids))
		n := 0
		for rows.Next() {
			var h Household
			if err := db.scanHousehold(rows, &h); err != nil {
				rows.Close()
				return nil, 0, app.Internal(err, "scan household")
			}
			out[at[h.ID]] = h
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, app.Internal(err, "find households")
		}
		if n != len(ids) { // removed between the two reads
			out = slices.DeleteFunc(out, func(h Household) bool { return h.ID == 0 })
		}
	}
	ptrs := make([]*Household, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := db.fillHouseholds(ctx, db.read, ptrs, false); err != nil {
		return nil, 0, err
	}
	if strings.TrimSpace(f.Purpose) != "" {
		if err := db.AuditRead(ctx, actor, HouseholdListAudit(actor, f, total)); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// householdOrg checks the organisation of a household: a township or a
// village of the actor's subtree.
func (tx *Tx) householdOrg(ctx context.Context, actor app.Actor, id int64) (org.Org, error) {
	o, err := findOrg(ctx, tx, actor, id)
	if err != nil || (o.Kind != org.Township && o.Kind != org.Village) || o.Archived {
		var errs app.FieldErrors
		errs.Add("org_id", "请选择本账号管辖范围内的乡镇（街道）或村（社区）")
		return o, errs.Err()
	}
	return o, nil
}

// lockHousehold reads a household the actor keeps (its subtree) for a change.
func (tx *Tx) lockHousehold(ctx context.Context, actor app.Actor, id int64) (Household, error) {
	var h Household
	err := tx.db.scanHousehold(tx.QueryRowContext(ctx, `SELECT `+householdColumns+householdFrom+
		` WHERE h.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("h"), id, actor.Path), &h)
	return h, notFound(err, "帮扶对象", "lock household")
}

// CreateHousehold registers a household at a township or village.
func (db *DB) CreateHousehold(ctx context.Context, actor app.Actor, in HouseholdInput) (Household, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Household{}, err
	}
	if errs := in.validate(db.Today()); len(errs) > 0 {
		return Household{}, errs.Err()
	}
	var h Household
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := tx.householdOrg(ctx, actor, in.OrgID)
		if err != nil {
			return err
		}
		phone, err := db.seal(colHouseholdPhone, in.Phone)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO household (org_id, committee_id, head_name, address, phone, note,
			registered_on, exited_on, exit_reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
			RETURNING id`, o.ID, o.CommitteeID, in.HeadName, in.Address, phone, in.Note, in.RegisteredOn,
			in.ExitedOn.String(), in.ExitReason, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "create household")
		}
		if h, err = db.findHousehold(ctx, tx, app.System, id); err != nil {
			return err
		}
		if err := tx.restockHousehold(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "household", EntityID: id, Committee: o.CommitteeID,
			OrgPath: o.Path, Summary: "登记帮扶对象 " + in.HeadName + " 户", After: h})
	})
	return h, err
}

// UpdateHousehold changes a household's fields; moving it to another
// committee is refused.
func (db *DB) UpdateHousehold(ctx context.Context, actor app.Actor, id int64, in HouseholdInput) (Household, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Household{}, err
	}
	var after Household
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockHousehold(ctx, actor, id)
		if err != nil {
			return err
		}
		if errs := in.validate(db.Today()); len(errs) > 0 {
			return errs.Err()
		}
		o, err := tx.householdOrg(ctx, actor, in.OrgID)
		if err != nil {
			return err
		}
		if o.CommitteeID != before.CommitteeID {
			var errs app.FieldErrors
			errs.Add("org_id", "不能把帮扶对象移到其他政协")
			return errs.Err()
		}
		if !in.ExitedOn.IsZero() {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing WHERE household_id = $1 AND ends_on = ''`,
				id).Scan(&n); err != nil {
				return app.Internal(err, "household pairings")
			}
			if n > 0 {
				var errs app.FieldErrors
				errs.Add("exited_on", "该户仍有结对干部，请先结束结对")
				return errs.Err()
			}
		}
		phone, err := db.seal(colHouseholdPhone, in.Phone)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE household SET org_id = $2, head_name = $3, address = $4, phone = $5,
			note = $6, registered_on = $7, exited_on = $8, exit_reason = $9, updated_at = $10 WHERE id = $1`, id, o.ID,
			in.HeadName, in.Address, phone, in.Note, in.RegisteredOn, in.ExitedOn.String(), in.ExitReason,
			tx.Now); err != nil {
			return app.Internal(err, "update household")
		}
		if after, err = db.findHousehold(ctx, tx, app.System, id); err != nil {
			return err
		}
		before.Persons, after.Persons = nil, nil
		if err := tx.restockHousehold(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "household", EntityID: id,
			Committee: before.CommitteeID, OrgPath: before.path, Summary: "修改帮扶对象 " + in.HeadName + " 户",
			Before: before, After: after})
	})
	return after, err
}

// personLabel is a person's name as the audit log keeps it: a minor's
// masked but for the family name, as minors' names are sealed at rest.
func (db *DB) personLabel(p Person) string {
	if b := p.BirthDate.String(); b == "" || b <= db.minorCutoff() {
		return p.Name
	}
	r := []rune(p.Name)
	if len(r) < 2 {
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// findPerson reads a person row with its identity number in clear.
func (db *DB) findPerson(ctx context.Context, q querier, id int64) (Person, string, error) {
	var p Person
	var idNumber string
	err := db.scanPerson(q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM household_person WHERE id = $1`, id), &p, &idNumber)
	return p, idNumber, notFound(err, "家庭成员", "find person")
}

func (tx *Tx) savePerson(ctx context.Context, h Household, id int64, in PersonInput) (int64, error) {
	cats := strings.Join(in.Categories, ",")
	db := tx.db
	var sealed [4]string // name (of a minor), identity number, disability, health
	var err error
	if sealed[0], err = db.sealPersonName(in.Name, in.BirthDate.String()); err != nil {
		return 0, err
	}
	for i, v := range []struct {
		c SealedColumn
		v string
	}{{colPersonID, in.IDNumber}, {colPersonDisability, in.Disability}, {colPersonHealth, in.Health}} {
		if sealed[i+1], err = db.seal(v.c, v.v); err != nil {
			return 0, err
		}
	}
	index := db.index(colPersonID, in.IDNumber)
	if id == 0 {
		err = tx.QueryRowContext(ctx, `INSERT INTO household_person (household_id, committee_id, name, relation, gender,
			birth_date, id_number, categories, disability, health, created_at, updated_at, id_number_hmac)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`, h.ID, h.CommitteeID, sealed[0],
			in.Relation, in.Gender, in.BirthDate.String(), sealed[1], cats, sealed[2], sealed[3], tx.Now, index).Scan(&id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE household_person SET name = $2, relation = $3, gender = $4, birth_date = $5,
			id_number = $6, categories = $7, disability = $8, health = $9, committee_id = $10, updated_at = $11,
			id_number_hmac = $12 WHERE id = $1`, id, sealed[0], in.Relation, in.Gender, in.BirthDate.String(), sealed[1],
			cats, sealed[2], sealed[3], h.CommitteeID, tx.Now, index)
	}
	if isUniqueViolation(err) {
		var errs app.FieldErrors
		errs.Add("id_number", "该身份证号码已登记在本政协的其他帮扶对象中")
		return 0, errs.Err()
	}
	if err != nil {
		return 0, app.Internal(err, "save person")
	}
	return id, tx.restockHousehold(ctx, h.ID)
}

// AddHouseholdPerson adds a person to a household. An identity number
// already registered in the committee is a field error.
func (db *DB) AddHouseholdPerson(ctx context.Context, actor app.Actor, householdID int64, in PersonInput) (Person, error) {
	return db.savePersonChange(ctx, actor, householdID, 0, in)
}

// UpdateHouseholdPerson changes a person of a household.
func (db *DB) UpdateHouseholdPerson(ctx context.Context, actor app.Actor, householdID, personID int64, in PersonInput) (Person, error) {
	if personID == 0 {
		return Person{}, app.NotFound("家庭成员")
	}
	return db.savePersonChange(ctx, actor, householdID, personID, in)
}

func (db *DB) savePersonChange(ctx context.Context, actor app.Actor, householdID, personID int64, in PersonInput) (Person, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Person{}, err
	}
	var p Person
	err := db.InTx(ctx, func(tx *Tx) error {
		h, err := tx.lockHousehold(ctx, actor, householdID)
		if err != nil {
			return err
		}
		var before *Person
		if personID != 0 {
			b, _, err := db.findPerson(ctx, tx, personID)
			if err != nil {
				return err
			}
			if b.HouseholdID != householdID {
				return app.NotFound("家庭成员")
			}
			before = &b
		}
		if errs := in.validate(db.Today()); len(errs) > 0 {
			return errs.Err()
		}
		id, err := tx.savePerson(ctx, h, personID, in)
		if err != nil {
			return err
		}
		var idNumber string
		if p, idNumber, err = db.findPerson(ctx, tx, id); err != nil {
			return err
		}
		p.IDNumber = assist.MaskIDNumber(idNumber)
		after := p
		after.IDNumber, after.Name = "", db.personLabel(p) // the audit row keeps no identity number
		if before != nil {
			before.IDNumber, before.Name = "", db.personLabel(*before)
			return tx.Audit(ctx, actor, Change{Action: "update", Entity: "household_person", EntityID: id,
				Committee: h.CommitteeID, OrgPath: h.path, Summary: "修改帮扶对象 " + h.HeadName + " 户成员 " + after.Name,
				Before: before, After: after})
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "household_person", EntityID: id,
			Committee: h.CommitteeID, OrgPath: h.path, Summary: "帮扶对象 " + h.HeadName + " 户新增成员 " + after.Name,
			After: after})
	})
	return p, err
}

// FindHouseholdPerson returns a person (masked) of a household the actor
// reads, for the edit form; it is not a view of the household record.
func (db *DB) FindHouseholdPerson(ctx context.Context, actor app.Actor, householdID, personID int64) (Person, error) {
	if _, err := db.findHousehold(ctx, db.read, actor, householdID); err != nil {
		return Person{}, err
	}
	p, id, err := db.findPerson(ctx, db.read, personID)
	if err != nil {
		return Person{}, err
	}
	if p.HouseholdID != householdID {
		return Person{}, app.NotFound("家庭成员")
	}
	p.IDNumber = assist.MaskIDNumber(id)
	return p, nil
}

// Revealed is what an explicit reveal shows in clear: a person's identity
// number and the household's phone.
type Revealed struct {
	Person         Person `json:"person"`
	HouseholdPhone string `json:"household_phone"`
}

// RevealHouseholdPerson shows a person's identity number and the
// household's phone in clear to the cadre currently paired with the
// household, for a stated reason, and writes the reveal to the audit log.
// Anyone else (supervisors included) is refused.
func (db *DB) RevealHouseholdPerson(ctx context.Context, actor app.Actor, personID int64, reason string) (Revealed, error) {
	reason = strings.TrimSpace(reason)
	var r Revealed
	err := db.InTx(ctx, func(tx *Tx) error {
		p, idNumber, err := db.findPerson(ctx, tx, personID)
		if err != nil {
			return err
		}
		h, err := db.findHousehold(ctx, tx, actor, p.HouseholdID)
		if err != nil {
			return renameNotFound(err, "家庭成员")
		}
		var paired int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing p JOIN cadre c ON c.id = p.cadre_id
			WHERE p.household_id = $1 AND p.ends_on = '' AND c.account_id = $2`, h.ID, actor.AccountID).Scan(&paired); err != nil {
			return app.Internal(err, "reveal: pairing")
		}
		if paired == 0 || actor.AccountID == 0 || auth.Role(actor.Role) != auth.Cadre {
			return app.Errorf(app.EFORBIDDEN, "只有与该户结对的帮扶干部才能查看完整的身份证号码和电话")
		}
		var errs app.FieldErrors
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			errs.Add("reason", "请填写查看完整信息的事由")
		case n > 100:
			errs.Add("reason", "事由不能超过100个字")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		if err := tx.QueryRowContext(ctx, `SELECT phone FROM household WHERE id = $1`, h.ID).Scan(&r.HouseholdPhone); err != nil {
			return app.Internal(err, "reveal: phone")
		}
		if err := db.openAll(colHouseholdPhone, &r.HouseholdPhone); err != nil {
			return err
		}
		p.IDNumber, p.Revealed = idNumber, true
		r.Person = p
		return tx.Audit(ctx, actor, Change{Action: "household_reveal", Entity: "household_person", EntityID: p.ID,
			Committee: h.CommitteeID, OrgPath: h.path, Summary: "查看帮扶对象 " + h.HeadName + " 户成员 " + db.personLabel(p) +
				" 的完整身份证号码和电话：" + reason,
			After: struct {
				Reason      string `json:"reason"`
				HouseholdID int64  `json:"household_id"`
			}{reason, h.ID}})
	})
	return r, err
}
