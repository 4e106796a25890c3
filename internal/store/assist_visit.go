package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// Visits (走访) to households and enterprises: by a cadre, within one of its
// pairings (or as a campaign target assigned to it), dated neither in the
// future nor before the pairing began, with what was seen, the needs, the
// aid given (items with values in fen) and optional photos. A household
// visit upserts its household_month row in the same transaction, so the
// coverage figures read one row per household and month. A member cadre's
// visit is a duty event.

// Duty event kind and source of a visit.
const (
	DutyAssistVisit   = "assist_visit" // a member cadre visited a household or an enterprise (source assist_visit)
	SourceAssistVisit = "assist_visit"
)

// AssistVisit is a visit to a household or an enterprise.
type AssistVisit struct {
	ID            int64        `json:"id"`
	CommitteeID   int64        `json:"committee_id"`
	OrgID         int64        `json:"org_id"`
	CadreID       int64        `json:"cadre_id"`
	CadreName     string       `json:"cadre_name"`
	HouseholdID   int64        `json:"household_id,omitempty"`
	EnterpriseID  int64        `json:"enterprise_id,omitempty"`
	CampaignID    int64        `json:"campaign_id,omitempty"`
	Target        string       `json:"target"`
	VisitedOn     app.Date     `json:"visited_on"`
	Occasion      string       `json:"occasion"`
	OccasionLabel string       `json:"occasion_label"`
	Reason        string       `json:"reason"`
	Seen          string       `json:"seen"`
	Needs         string       `json:"needs"`
	AidFen        int64        `json:"aid_fen"`
	Aid           []AidItem    `json:"aid"`
	Photos        []AssistFile `json:"photos"`
	CreatedAt     time.Time    `json:"created_at"`

	path string
}

// AidText is the visit's aid value in yuan.
func (v AssistVisit) AidText() string { return FenText(v.AidFen) }

// FenText writes fen as yuan: "1280.50元", "200元".
func FenText(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	return fmt.Sprintf("%d.%02d元", fen/100, fen%100)
}

// AidItem is one item of aid given on a visit.
type AidItem struct {
	ID       int64  `json:"id"`
	Item     string `json:"item"`
	Quantity string `json:"quantity"`
	ValueFen int64  `json:"value_fen"`
}

// AssistFile is a visit's photo.
type AssistFile struct {
	ID          int64     `json:"id"`
	VisitID     int64     `json:"visit_id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// AidInput is one aid item: its value as yuan text (Yuan, "200", "1,280.50")
// or, from the API, in fen.
type AidInput struct {
	Item     string `json:"item"`
	Quantity string `json:"quantity"`
	Yuan     string `json:"yuan"`
	ValueFen int64  `json:"value_fen"`
}

// AssistVisitInput records a visit. CadreID is ignored for a cadre account (it
// visits as itself).
type AssistVisitInput struct {
	CadreID      int64      `json:"cadre_id"`
	HouseholdID  int64      `json:"household_id"`
	EnterpriseID int64      `json:"enterprise_id"`
	CampaignID   int64      `json:"campaign_id"`
	VisitedOn    app.Date   `json:"visited_on"`
	Occasion     string     `json:"occasion"`
	Reason       string     `json:"reason"`
	Seen         string     `json:"seen"`
	Needs        string     `json:"needs"`
	Aid          []AidInput `json:"aid"`
}

// MaxVisitPhotos is the most photos one visit keeps.
const MaxVisitPhotos = 10

func (in *AssistVisitInput) validate(today app.Date, rules assist.Rules) (app.FieldErrors, []AidItem, int64) {
	in.Occasion, in.Reason = strings.TrimSpace(in.Occasion), strings.TrimSpace(in.Reason)
	in.Seen, in.Needs = strings.TrimSpace(in.Seen), strings.TrimSpace(in.Needs)
	var errs app.FieldErrors
	if (in.HouseholdID == 0) == (in.EnterpriseID == 0) {
		errs.Add("household_id", "请选择走访的帮扶对象或企业（二选一）")
	}
	switch {
	case in.VisitedOn.IsZero():
		errs.Add("visited_on", "请填写走访日期")
	case in.VisitedOn.After(today):
		errs.Add("visited_on", "走访日期不能晚于今天")
	}
	if in.EnterpriseID != 0 && in.Reason == "" {
		errs.Add("reason", "走访企业须写明事由（有事必应、无事不扰）")
	}
	tooLong(&errs, "reason", "走访事由", in.Reason, 200)
	tooLong(&errs, "seen", "走访情况", in.Seen, 2000)
	tooLong(&errs, "needs", "需求", in.Needs, 1000)
	if in.Occasion != "" && !slices.ContainsFunc(rules.Occasions, func(o assist.Occasion) bool { return o.Code == in.Occasion }) {
		errs.Add("occasion", "走访时机不正确")
	}
	var items []AidItem
	var total int64
	if len(in.Aid) > 30 {
		errs.Add("aid", "慰问物资不能超过30项")
	}
	for i, a := range in.Aid {
		a.Item, a.Quantity, a.Yuan = strings.TrimSpace(a.Item), strings.TrimSpace(a.Quantity), strings.TrimSpace(a.Yuan)
		if a.Item == "" && a.Yuan == "" && a.Quantity == "" && a.ValueFen == 0 {
			continue // a blank row of the form
		}
		n := fmt.Sprintf("第%d项慰问物资", i+1)
		if a.Item == "" {
			errs.Add("aid", n+"：请填写物资名称")
		} else if utf8.RuneCountInString(a.Item) > 30 || utf8.RuneCountInString(a.Quantity) > 20 {
			errs.Add("aid", n+"：名称不能超过30个字，数量不能超过20个字")
		}
		fen := a.ValueFen
		if a.Yuan != "" {
			var ok bool
			if fen, ok = assist.ParseYuan(a.Yuan); !ok {
				errs.Add("aid", n+"：价值应为金额，如 200 或 1280.50（元）")
				continue
			}
		}
		if msg := assist.CheckAidFen(fen); msg != "" {
			errs.Add("aid", n+"（"+a.Item+"）："+msg)
			continue
		}
		items = append(items, AidItem{Item: a.Item, Quantity: a.Quantity, ValueFen: fen})
		total += fen
	}
	return errs, items, total
}

// visitBasis checks that the cadre may visit the target on the date: a
// pairing of theirs covering it (for a cadre account: an active one), or a
// campaign target assigned to them. It returns the target's org id, path
// and name.
func (tx *Tx) visitBasis(ctx context.Context, actor app.Actor, c Cadre, in AssistVisitInput) (orgID int64, path, name string, err error) {
	var errs app.FieldErrors
	kind, col, id := "帮扶对象", "household_id", in.HouseholdID
	if in.HouseholdID != 0 {
		err = tx.QueryRowContext(ctx, `SELECT h.org_id, o.path, h.head_name FROM household h JOIN org o ON o.id = h.org_id
			WHERE h.id = $1 AND h.committee_id = $2`, in.HouseholdID, c.CommitteeID).Scan(&orgID, &path, &name)
	} else {
		kind, col, id = "企业", "enterprise_id", in.EnterpriseID
		err = tx.QueryRowContext(ctx, `SELECT e.org_id, o.path, e.name FROM enterprise e JOIN org o ON o.id = e.org_id
			WHERE e.id = $1 AND e.committee_id = $2`, in.EnterpriseID, c.CommitteeID).Scan(&orgID, &path, &name)
	}
	if err != nil || !actor.Sees(path) {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, "", "", app.Internal(err, "visit target")
		}
		errs.Add(col, "请选择本账号管辖范围内的"+kind)
		return 0, "", "", errs.Err()
	}
	cadreAccount := auth.Role(actor.Role) == auth.Cadre
	if in.CampaignID != 0 {
		var starts string
		var assigned sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT vc.starts_on, t.cadre_id FROM campaign_target t
			JOIN visit_campaign vc ON vc.id = t.campaign_id
			WHERE t.campaign_id = $1 AND t.household_id = $2 AND vc.committee_id = $3`, in.CampaignID, in.HouseholdID,
			c.CommitteeID).Scan(&starts, &assigned)
		switch {
		case err != nil:
			errs.Add("campaign_id", "该户不在这次遍访的名单中")
		case assigned.Valid && assigned.Int64 != c.ID, !assigned.Valid && cadreAccount:
			errs.Add("campaign_id", "这次遍访中该户未分配给"+c.Name)
		case in.VisitedOn.String() < starts:
			errs.Add("visited_on", "走访日期不能早于遍访开始日期（"+starts+"）")
		}
		return orgID, path, name, errs.Err()
	}
	q := `SELECT starts_on, ends_on FROM pairing WHERE cadre_id = $1 AND ` + col + ` = $2`
	if cadreAccount {
		q += ` AND ends_on = ''`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY starts_on`, c.ID, id)
	if err != nil {
		return 0, "", "", app.Internal(err, "visit pairing")
	}
	defer rows.Close()
	var earliest string
	covered := false
	for rows.Next() {
		var s, e string
		if err := rows.Scan(&s, &e); err != nil {
			return 0, "", "", app.Internal(err, "visit pairing")
		}
		if earliest == "" {
			earliest = s
		}
		d := in.VisitedOn.String()
		if s <= d && (e == "" || d <= e) {
			covered = true
		}
	}
	if err := rows.Err(); err != nil {
		return 0, "", "", app.Internal(err, "visit pairing")
	}
	switch {
	case covered:
	case earliest != "" && in.VisitedOn.String() < earliest:
		errs.Add("visited_on", "走访日期不能早于结对开始日期（"+earliest+"）")
	case earliest != "":
		errs.Add("visited_on", "走访日期不在"+c.Name+"与该"+kind+"的结对期间内")
	case in.HouseholdID != 0:
		errs.Add("household_id", c.Name+"目前未与该户结对")
	default:
		errs.Add("enterprise_id", c.Name+"目前未包联该企业")
	}
	return orgID, path, name, errs.Err()
}

// AddAssistVisit records a visit with its aid and photos (JPEG or PNG), and
// for a household upserts the month's row in the same transaction.
func (db *DB) AddAssistVisit(ctx context.Context, actor app.Actor, in AssistVisitInput, photos []DocumentInput) (AssistVisit, error) {
	if err := mayAssist(actor, auth.AssistVisit); err != nil {
		return AssistVisit{}, err
	}
	var v AssistVisit
	err := db.InTx(ctx, func(tx *Tx) error {
		var c Cadre
		var err error
		if auth.Role(actor.Role) == auth.Cadre {
			if c, err = cadreOfAccount(ctx, tx, actor); err != nil {
				return app.Errorf(app.EFORBIDDEN, "当前账号未关联帮扶干部，不能登记走访")
			}
		} else if c, err = findCadre(ctx, tx, actor, in.CadreID); err != nil {
			var errs app.FieldErrors
			errs.Add("cadre_id", "请选择走访的帮扶干部")
			return errs.Err()
		}
		rules, err := assistRules(ctx, tx, c.CommitteeID)
		if err != nil {
			return err
		}
		errs, items, total := in.validate(db.Today(), rules)
		if len(photos) > MaxVisitPhotos {
			errs.Add("photos", fmt.Sprintf("照片不能超过%d张", MaxVisitPhotos))
		}
		if in.CampaignID != 0 && in.HouseholdID == 0 {
			errs.Add("campaign_id", "遍访只针对帮扶对象")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		orgID, path, name, err := tx.visitBasis(ctx, actor, c, in)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id,
			enterprise_id, campaign_id, visited_on, occasion, reason, seen, needs, aid_fen, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, c.CommitteeID, orgID, c.ID,
			nullInt(in.HouseholdID), nullInt(in.EnterpriseID), nullInt(in.CampaignID), in.VisitedOn, in.Occasion, in.Reason,
			in.Seen, in.Needs, total, actor.AccountID, tx.Now).Scan(&v.ID); err != nil {
			return app.Internal(err, "add visit")
		}
		for _, a := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO assist_aid (visit_id, item, quantity, value_fen) VALUES ($1, $2, $3, $4)`,
				v.ID, a.Item, a.Quantity, a.ValueFen); err != nil {
				return app.Internal(err, "add aid")
			}
		}
		if in.HouseholdID != 0 {
			if err := tx.rollupVisit(ctx, in.HouseholdID, in.VisitedOn, total); err != nil {
				return err
			}
		}
		for _, ph := range photos {
			if _, err := tx.addAssistFile(ctx, actor, c.CommitteeID, v.ID, ph); err != nil {
				return err
			}
		}
		if c.MemberID != 0 {
			if err := tx.RecordDuty(ctx, DutyEvent{CommitteeID: c.CommitteeID, MemberID: c.MemberID, Kind: DutyAssistVisit,
				OccurredOn: in.VisitedOn, Source: SourceAssistVisit, SourceID: v.ID}); err != nil {
				return err
			}
		}
		if v, err = findVisit(ctx, tx, v.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_visit", EntityID: v.ID, Committee: c.CommitteeID,
			OrgPath: path, Summary: fmt.Sprintf("%s走访%s（%s）", c.Name, name, in.VisitedOn.String()), After: v})
	})
	return v, err
}

func (tx *Tx) addAssistFile(ctx context.Context, actor app.Actor, committee, visitID int64, in DocumentInput) (AssistFile, error) {
	var errs app.FieldErrors
	if in.MaxSize > 0 && int64(len(in.Data)) > in.MaxSize {
		return AssistFile{}, app.Errorf(app.ETOOLARGE, "文件超过%d MB的上限", in.MaxSize>>20)
	}
	name := cleanDocumentName(in.FileName)
	if name == "" {
		errs.Add("photos", "请选择要上传的照片")
		return AssistFile{}, errs.Err()
	}
	ct, err := DocumentType(name, in.Data)
	if err != nil {
		errs.Add("photos", name+"："+app.ErrorFields(err).Get("file"))
		return AssistFile{}, errs.Err()
	}
	if !slices.Contains(photoTypes, ct) {
		errs.Add("photos", name+"：只能上传 JPEG 或 PNG 图片")
		return AssistFile{}, errs.Err()
	}
	sum := sha256.Sum256(in.Data)
	f := AssistFile{VisitID: visitID, FileName: name, ContentType: ct, Size: int64(len(in.Data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: tx.Now}
	err = tx.QueryRowContext(ctx, `INSERT INTO assist_file (committee_id, visit_id, file_name, content_type, size, sha256,
		data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, committee, visitID,
		f.FileName, f.ContentType, f.Size, f.SHA256, in.Data, actor.AccountID, tx.Now).Scan(&f.ID)
	return f, app.Internal(err, "add assist file")
}

const visitColumns = `v.id, v.committee_id, v.org_id, v.cadre_id, c.name, COALESCE(v.household_id, 0),
	COALESCE(v.enterprise_id, 0), COALESCE(v.campaign_id, 0), COALESCE(h.head_name, e.name, ''), v.visited_on, v.occasion,
	v.reason, v.seen, v.needs, v.aid_fen, v.created_at, o.path`

const visitFrom = ` FROM assist_visit v JOIN cadre c ON c.id = v.cadre_id JOIN org o ON o.id = v.org_id
	LEFT JOIN household h ON h.id = v.household_id LEFT JOIN enterprise e ON e.id = v.enterprise_id`

func scanVisit(s scanner, v *AssistVisit) error {
	var on string
	err := s.Scan(&v.ID, &v.CommitteeID, &v.OrgID, &v.CadreID, &v.CadreName, &v.HouseholdID, &v.EnterpriseID, &v.CampaignID,
		&v.Target, &on, &v.Occasion, &v.Reason, &v.Seen, &v.Needs, &v.AidFen, &v.CreatedAt, &v.path)
	v.VisitedOn, _ = app.ParseDate(on)
	v.OccasionLabel = v.Occasion
	for _, o := range assist.DefaultRules().Occasions {
		if o.Code == v.Occasion {
			v.OccasionLabel = o.Label
		}
	}
	return err
}

func findVisit(ctx context.Context, q querier, id int64) (AssistVisit, error) {
	var v AssistVisit
	if err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE v.id = $1`, id), &v); err != nil {
		return v, notFound(err, "走访记录", "find visit")
	}
	vs := []AssistVisit{v}
	err := fillVisits(ctx, q, vs)
	return vs[0], err
}

// visitAccess: supervisors read visits of their subtree; a cadre account
// its own visits and those of the households and enterprises it is
// currently paired with.
func visitAccess(actor app.Actor, n int) (string, any, bool) {
	if !auth.Role(actor.Role).Can(auth.AssistRead) {
		return "", nil, false
	}
	if supervises(actor) {
		return fmt.Sprintf("o.path LIKE $%d || '%%'", n), actor.Path, true
	}
	if auth.Role(actor.Role) == auth.Cadre && actor.AccountID != 0 {
		return fmt.Sprintf(`(c.account_id = $%[1]d OR EXISTS (SELECT 1 FROM pairing ap JOIN cadre ac ON ac.id = ap.cadre_id
			WHERE ap.ends_on = '' AND ac.account_id = $%[1]d AND (ap.household_id = v.household_id
			OR ap.enterprise_id = v.enterprise_id)))`, n), actor.AccountID, true
	}
	return "", nil, false
}

// AssistVisitFilter narrows FindAssistVisits.
type AssistVisitFilter struct {
	HouseholdID  int64
	EnterpriseID int64
	CadreID      int64
	CampaignID   int64
	Kind         string   // "household", "enterprise" or ""
	From, To     app.Date // inclusive
	Limit        int      // 0: 100; at most 1000
}

// FindAssistVisits lists visits the actor reads, newest first, with their
// aid and photos.
func (db *DB) FindAssistVisits(ctx context.Context, actor app.Actor, f AssistVisitFilter) ([]AssistVisit, error) {
	cond, arg, ok := visitAccess(actor, 1)
	if !ok {
		return nil, mayAssist(actor, auth.AssistRead)
	}
	q := `SELECT ` + visitColumns + visitFrom + ` WHERE ` + cond
	args := []any{arg}
	add := func(c string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+c, len(args))
	}
	if f.HouseholdID != 0 {
		add("v.household_id = $%d", f.HouseholdID)
	}
	if f.EnterpriseID != 0 {
		add("v.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.CadreID != 0 {
		add("v.cadre_id = $%d", f.CadreID)
	}
	if f.CampaignID != 0 {
		add("v.campaign_id = $%d", f.CampaignID)
	}
	switch f.Kind {
	case "household":
		q += ` AND v.household_id IS NOT NULL`
	case "enterprise":
		q += ` AND v.enterprise_id IS NOT NULL`
	}
	if !f.From.IsZero() {
		add("v.visited_on >= $%d", f.From.String())
	}
	if !f.To.IsZero() {
		add("v.visited_on <= $%d", f.To.String())
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += fmt.Sprintf(" ORDER BY v.visited_on DESC, v.id DESC LIMIT %d", min(f.Limit, 1000))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, app.Internal(err, "find visits")
	}
	defer rows.Close()
	var out []AssistVisit
	for rows.Next() {
		var v AssistVisit
		if err := scanVisit(rows, &v); err != nil {
			return nil, app.Internal(err, "scan visit")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "find visits")
	}
	return out, fillVisits(ctx, db.read, out)
}

// FindAssistVisitByID returns a visit the actor reads.
func (db *DB) FindAssistVisitByID(ctx context.Context, actor app.Actor, id int64) (AssistVisit, error) {
	cond, arg, ok := visitAccess(actor, 2)
	if !ok {
		return AssistVisit{}, app.NotFound("走访记录")
	}
	var v AssistVisit
	if err := scanVisit(db.read.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE v.id = $1 AND `+cond, id, arg), &v); err != nil {
		return v, notFound(err, "走访记录", "find visit")
	}
	vs := []AssistVisit{v}
	err := fillVisits(ctx, db.read, vs)
	return vs[0], err
}

func fillVisits(ctx context.Context, q querier, vs []AssistVisit) error {
	if len(vs) == 0 {
		return nil
	}
	ids := make([]string, len(vs))
	at := map[int64]*AssistVisit{}
	for i := range vs {
		ids[i] = app.Itoa(vs[i].ID)
		at[vs[i].ID] = &vs[i]
	}
	in := strings.Join(ids, ",") // integers from the database
	rows, err := q.QueryContext(ctx, `SELECT id, visit_id, item, quantity, value_fen FROM assist_aid WHERE visit_id IN (`+in+`) ORDER BY id`)
	if err != nil {
		return app.Internal(err, "visit aid")
	}
	for rows.Next() {
		var a AidItem
		var vid int64
		if err := rows.Scan(&a.ID, &vid, &a.Item, &a.Quantity, &a.ValueFen); err != nil {
			rows.Close()
			return app.Internal(err, "visit aid")
		}
		at[vid].Aid = append(at[vid].Aid, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "visit aid")
	}
	rows, err = q.QueryContext(ctx, `SELECT id, visit_id, file_name, content_type, size, sha256, uploaded_at FROM assist_file
		WHERE visit_id IN (`+in+`) ORDER BY id`)
	if err != nil {
		return app.Internal(err, "visit photos")
	}
	defer rows.Close()
	for rows.Next() {
		var f AssistFile
		if err := rows.Scan(&f.ID, &f.VisitID, &f.FileName, &f.ContentType, &f.Size, &f.SHA256, &f.UploadedAt); err != nil {
			return app.Internal(err, "visit photos")
		}
		f.UploadedAt = f.UploadedAt.UTC()
		at[f.VisitID].Photos = append(at[f.VisitID].Photos, f)
	}
	return app.Internal(rows.Err(), "visit photos")
}

// FindAssistFile returns a visit photo and its bytes, if the actor reads the
// visit.
func (db *DB) FindAssistFile(ctx context.Context, actor app.Actor, id int64) (AssistFile, []byte, error) {
	var f AssistFile
	var data []byte
	err := db.read.QueryRowContext(ctx, `SELECT id, visit_id, file_name, content_type, size, sha256, uploaded_at, data
		FROM assist_file WHERE id = $1`, id).Scan(&f.ID, &f.VisitID, &f.FileName, &f.ContentType, &f.Size, &f.SHA256,
		&f.UploadedAt, &data)
	if err != nil {
		return f, nil, notFound(err, "照片", "find assist file")
	}
	if _, err := db.FindAssistVisitByID(ctx, actor, f.VisitID); err != nil {
		return AssistFile{}, nil, app.NotFound("照片")
	}
	return f, data, nil
}
