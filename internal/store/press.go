package store

// Newspaper pages imported as records (报纸稿件导入). An import keeps the
// page as received and the items press.Parse read from it, all pending:
// nothing reaches the records until the office confirms an item, one
// transaction per item. Confirming makes a 履职活动 with the item's figures
// (no participants, so no member earns a duty event from a newspaper), or
// links the item to the committee's meeting its numbering names. A committee
// confirms the same text once (text_hash over the text's letters and
// digits, unique among confirmed items): a page imported again shows those
// items as already imported, with their records.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
	"xieshang/internal/press"
)

// States of a press item.
const (
	PressPending   = "pending"
	PressConfirmed = "confirmed"
	PressSkipped   = "skipped"
)

// Kinds of record a confirmed press item names.
const (
	PressRecordActivity = "activity"
	PressRecordMeeting  = "meeting"
)

// PressStateLabel is a state in Chinese.
func PressStateLabel(s string) string {
	switch s {
	case PressPending:
		return "待确认"
	case PressConfirmed:
		return "已导入"
	case PressSkipped:
		return "已跳过"
	}
	return s
}

// PressFigureOrder lists the parser's figures in the order an activity
// records them, with the names it records them under.
var PressFigureOrder = []struct{ Key, Name string }{
	{press.FigMembersExpected, "应到委员"},
	{press.FigMembersPresent, "实到委员"},
	{press.FigCadres, "干部"},
	{press.FigHouseholds, "户数"},
	{press.FigPersons, "人数"},
	{press.FigProblemsRaised, "发现问题"},
	{press.FigProblemsSolved, "解决问题"},
	{press.FigAidValueYuan, "物资和资金（元）"},
	{press.FigEnterprises, "企业"},
	{press.FigCompaniesVisited, "走访企业"},
	{press.FigCommunitiesVisited, "走访社区"},
}

// pressActivityKinds maps an item's kind to the activity kind proposed for it.
var pressActivityKinds = map[string]string{
	press.KindMeeting:    "meeting_report",
	press.KindElection:   "meeting_report",
	press.KindResearch:   "research",
	press.KindAssistance: "assistance",
	press.KindLiaison:    "liaison",
	press.KindOther:      "other",
}

// pressMeetingKinds maps press.Meeting.Kind to the meeting kinds.
var pressMeetingKinds = map[string]meeting.Kind{
	"plenary":  meeting.Plenary,
	"standing": meeting.Standing,
	"chair":    meeting.Chairs,
}

// Limits of an import.
const (
	maxPressItems      = 200
	maxPressSourceName = 120
)

// PressTextHash is the digest two items share when their texts differ only
// in spacing, punctuation and line breaks.
func PressTextHash(text string) string {
	h := sha256.New()
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			var b [utf8.UTFMax]byte
			h.Write(b[:utf8.EncodeRune(b[:], r)])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PressImportInput is a parsed page to keep.
type PressImportInput struct {
	SourceName string          // the file's name; "" for pasted text
	Source     []byte          // the page as received
	Year       int             // the page's year (press.Page.Year)
	Articles   []press.Article // what press.Parse read
}

// PressImport is one imported page.
type PressImport struct {
	ID          int64       `json:"id"`
	CommitteeID int64       `json:"committee_id"`
	OrgID       int64       `json:"org_id"`
	OrgName     string      `json:"org_name"`
	AccountName string      `json:"account_name"`
	SourceName  string      `json:"source_name"`
	SourceText  string      `json:"source_text,omitempty"`
	SHA256      string      `json:"sha256"`
	Year        int         `json:"year"`
	CreatedAt   time.Time   `json:"created_at"`
	NItems      int         `json:"n_items"`
	NConfirmed  int         `json:"n_confirmed"`
	NSkipped    int         `json:"n_skipped"`
	Items       []PressItem `json:"items,omitempty"`
}

// NPending is the number of items still to decide.
func (p PressImport) NPending() int { return p.NItems - p.NConfirmed - p.NSkipped }

// PressRecord names a record an item made or links to.
type PressRecord struct {
	Kind string `json:"kind"` // activity | meeting
	ID   int64  `json:"id"`
}

// URL is the record's page.
func (r PressRecord) URL() string {
	switch r.Kind {
	case PressRecordActivity:
		return "/activities/" + app.Itoa(r.ID)
	case PressRecordMeeting:
		return "/meetings/" + app.Itoa(r.ID)
	}
	return ""
}

// Label names the kind of record in Chinese.
func (r PressRecord) Label() string {
	switch r.Kind {
	case PressRecordActivity:
		return "履职活动"
	case PressRecordMeeting:
		return "会议"
	}
	return ""
}

// PressItem is one item of an imported page.
type PressItem struct {
	ID          int64         `json:"id"`
	ImportID    int64         `json:"import_id"`
	CommitteeID int64         `json:"committee_id"`
	Seq         int           `json:"seq"` // 1-based position on the page
	SourceName  string        `json:"source_name"`
	Article     press.Article `json:"article"`
	TextHash    string        `json:"text_hash"`
	State       string        `json:"state"`
	Record      PressRecord   `json:"record"`
	DecidedAt   time.Time     `json:"decided_at"`
	// Imported is the record an item with the same text already made (for
	// an item not confirmed itself): it is not imported again.
	Imported *PressRecord `json:"imported,omitempty"`
}

// SourceLabel is how a record names the item it came from.
func (it PressItem) SourceLabel() string {
	return fmt.Sprintf("报纸（%s）第%d条", it.SourceName, it.Seq)
}

func pressSourceName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return "粘贴的文本"
	}
	if utf8.RuneCountInString(name) > maxPressSourceName {
		name = string([]rune(name)[:maxPressSourceName])
	}
	return name
}

// pressSourceText is the page as text: as received when it is UTF-8 (the
// web converts GB18030 with press.Decode), else the items' titles and texts.
func pressSourceText(in PressImportInput) string {
	if utf8.Valid(in.Source) {
		return strings.ReplaceAll(string(in.Source), "\x00", "")
	}
	var b strings.Builder
	for _, a := range in.Articles {
		b.WriteString(a.Title + "\n\n" + a.Text + "\n\n")
	}
	return strings.ToValidUTF8(strings.ReplaceAll(b.String(), "\x00", ""), "")
}

// CreatePressImport keeps a parsed page and its items, all pending, for the
// actor's committee. Nothing else is written.
func (db *DB) CreatePressImport(ctx context.Context, actor app.Actor, in PressImportInput) (PressImport, error) {
	var errs app.FieldErrors
	switch {
	case actor.OrgID == 0 || actor.CommitteeID == 0:
		return PressImport{}, app.Errorf(app.EINVALID, "本账号不属于任何政协，请用政协机关的账号导入")
	case len(in.Articles) == 0:
		errs.Add("text", "没有识别出稿件")
	case len(in.Articles) > maxPressItems:
		errs.Add("text", fmt.Sprintf("一次最多导入%d条稿件", maxPressItems))
	case len(in.Source) == 0:
		errs.Add("text", "内容为空")
	}
	if err := errs.Err(); err != nil {
		return PressImport{}, err
	}
	sum := sha256.Sum256(in.Source)
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, actor.OrgID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO press_import (committee_id, org_id, account_id, account_name,
			source_name, source_text, sha256, year, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			o.CommitteeID, o.ID, actor.AccountID, actor.Name, pressSourceName(in.SourceName), pressSourceText(in),
			hex.EncodeToString(sum[:]), in.Year, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert press import")
		}
		rows := make([][]any, len(in.Articles))
		for i, a := range in.Articles {
			text := strings.ToValidUTF8(strings.ReplaceAll(a.Text, "\x00", ""), "")
			a.Text = ""
			fields, err := json.Marshal(a)
			if err != nil {
				return app.Internal(err, "press item fields")
			}
			rows[i] = []any{id, o.CommitteeID, i + 1, strings.ToValidUTF8(strings.ReplaceAll(string(fields), `\u0000`, ""), ""),
				text, PressTextHash(a.Title + text)}
		}
		if err := tx.insertRows(ctx, `INSERT INTO press_item (import_id, committee_id, seq, fields_json, body, text_hash) VALUES `,
			len(rows), func(i int) []any { return rows[i] }); err != nil {
			return app.Internal(err, "insert press items")
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "press_import", EntityID: id, Committee: o.CommitteeID,
			OrgPath: o.Path, Summary: fmt.Sprintf("报纸稿件导入 %s（%d条，待确认）", pressSourceName(in.SourceName), len(in.Articles))})
	})
	if err != nil {
		return PressImport{}, err
	}
	return db.FindPressImport(ctx, actor, id)
}

const pressImportCols = `p.id, p.committee_id, p.org_id, o.name, p.account_name, p.source_name, p.sha256, p.year, p.created_at,
	(SELECT COUNT(*) FROM press_item i WHERE i.import_id = p.id),
	(SELECT COUNT(*) FROM press_item i WHERE i.import_id = p.id AND i.state = 'confirmed'),
	(SELECT COUNT(*) FROM press_item i WHERE i.import_id = p.id AND i.state = 'skipped')`

const pressImportFrom = ` FROM press_import p JOIN org o ON o.id = p.org_id`

func scanPressImport(s scanner, p *PressImport, extra ...any) error {
	return s.Scan(append([]any{&p.ID, &p.CommitteeID, &p.OrgID, &p.OrgName, &p.AccountName, &p.SourceName, &p.SHA256,
		&p.Year, &p.CreatedAt, &p.NItems, &p.NConfirmed, &p.NSkipped}, extra...)...)
}

// FindPressImports lists the imports of organisations in the actor's
// subtree, newest first, with the total for paging.
func (db *DB) FindPressImports(ctx context.Context, actor app.Actor, offset, limit int) ([]PressImport, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+pressImportCols+`, COUNT(*) OVER()`+pressImportFrom+`
		WHERE o.path LIKE $1 || '%' ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3`, actor.Path, limit, max(offset, 0))
	if err != nil {
		return nil, 0, app.Internal(err, "find press imports")
	}
	defer rows.Close()
	out := []PressImport{}
	total := 0
	for rows.Next() {
		var p PressImport
		if err := scanPressImport(rows, &p, &total); err != nil {
			return nil, 0, app.Internal(err, "scan press import")
		}
		out = append(out, p)
	}
	return out, total, app.Internal(rows.Err(), "find press imports")
}

// FindPressImport returns an import of an organisation in the actor's
// subtree with its source text and items; items not confirmed themselves
// whose text a confirmed item of a committee in the subtree shares name
// that item's record (Imported).
func (db *DB) FindPressImport(ctx context.Context, actor app.Actor, id int64) (PressImport, error) {
	var p PressImport
	err := scanPressImport(db.read.QueryRowContext(ctx, `SELECT `+pressImportCols+`, p.source_text`+pressImportFrom+`
		WHERE p.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &p, &p.SourceText)
	if err != nil {
		return p, notFound(err, "导入记录", "find press import")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+pressItemCols+pressItemFrom+` WHERE i.import_id = $1 ORDER BY i.seq`, id)
	if err != nil {
		return p, app.Internal(err, "find press items")
	}
	defer rows.Close()
	for rows.Next() {
		var it PressItem
		if err := scanPressItem(rows, &it); err != nil {
			return p, err
		}
		p.Items = append(p.Items, it)
	}
	if err := rows.Err(); err != nil {
		return p, app.Internal(err, "find press items")
	}
	rows.Close()
	for i := range p.Items {
		if err := markImported(ctx, db.read, actor, &p.Items[i]); err != nil {
			return p, err
		}
	}
	return p, nil
}

const pressItemCols = `i.id, i.import_id, i.committee_id, i.seq, p.source_name, i.fields_json, i.body, i.text_hash, i.state,
	i.record_kind, i.record_id, i.decided_at`

const pressItemFrom = ` FROM press_item i JOIN press_import p ON p.id = i.import_id JOIN org o ON o.id = p.org_id`

func scanPressItem(s scanner, it *PressItem, extra ...any) error {
	var fields, body string
	var decided sql.NullTime
	if err := s.Scan(append([]any{&it.ID, &it.ImportID, &it.CommitteeID, &it.Seq, &it.SourceName, &fields, &body,
		&it.TextHash, &it.State, &it.Record.Kind, &it.Record.ID, &decided}, extra...)...); err != nil {
		return notFound(err, "稿件条目", "scan press item")
	}
	if err := json.Unmarshal([]byte(fields), &it.Article); err != nil {
		return app.Internal(err, "press item fields")
	}
	it.Article.Text = body
	if decided.Valid {
		it.DecidedAt = decided.Time.UTC()
	}
	return nil
}

// markImported sets it.Imported from a confirmed item of the same text in
// a committee of the actor's subtree.
func markImported(ctx context.Context, q querier, actor app.Actor, it *PressItem) error {
	if it.State == PressConfirmed {
		return nil
	}
	var r PressRecord
	err := q.QueryRowContext(ctx, `SELECT i.record_kind, i.record_id FROM press_item i JOIN org c ON c.id = i.committee_id
		WHERE i.text_hash = $1 AND i.state = 'confirmed' AND c.path LIKE $2 || '%' ORDER BY i.id LIMIT 1`,
		it.TextHash, actor.Path).Scan(&r.Kind, &r.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return app.Internal(err, "find imported press item")
	}
	it.Imported = &r
	return nil
}

func findPressItem(ctx context.Context, q querier, actor app.Actor, id int64, lock string) (PressItem, string, error) {
	var it PressItem
	var path string
	err := scanPressItem(q.QueryRowContext(ctx, `SELECT `+pressItemCols+`, o.path`+pressItemFrom+`
		WHERE i.id = $1 AND o.path LIKE $2 || '%'`+lock, id, actor.Path), &it, &path)
	if err != nil {
		return it, "", err
	}
	return it, path, markImported(ctx, q, actor, &it)
}

// FindPressItem returns an item of an import in the actor's subtree.
func (db *DB) FindPressItem(ctx context.Context, actor app.Actor, id int64) (PressItem, error) {
	it, _, err := findPressItem(ctx, db.read, actor, id, "")
	return it, err
}

// FindPressSource returns the confirmed item a record came from, of an
// import in the actor's subtree; not found when the record has none.
func (db *DB) FindPressSource(ctx context.Context, actor app.Actor, r PressRecord) (PressItem, error) {
	var it PressItem
	err := scanPressItem(db.read.QueryRowContext(ctx, `SELECT `+pressItemCols+pressItemFrom+`
		WHERE i.record_kind = $1 AND i.record_id = $2 AND i.state = 'confirmed' AND o.path LIKE $3 || '%'
		ORDER BY i.id LIMIT 1`, r.Kind, r.ID, actor.Path), &it)
	return it, err
}

// MatchPressOrg finds the organisation a printed name means, in the
// actor's subtree and not archived: the one so named (or short-named), else
// the one named name+政协, else the only one whose name holds the name.
// ENOTFOUND when none or several fit.
func (db *DB) MatchPressOrg(ctx context.Context, actor app.Actor, name string) (org.Org, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return org.Org{}, app.NotFound("组织")
	}
	try := func(where string, args ...any) (org.Org, bool, error) {
		rows, err := db.read.QueryContext(ctx, `SELECT `+orgColumns+` FROM org o WHERE o.path LIKE $1 || '%'
			AND NOT o.archived AND `+where+` ORDER BY o.depth, o.id LIMIT 2`, append([]any{actor.Path}, args...)...)
		if err != nil {
			return org.Org{}, false, app.Internal(err, "match org")
		}
		defer rows.Close()
		var found []org.Org
		for rows.Next() {
			var o org.Org
			if err := scanOrg(rows, &o); err != nil {
				return org.Org{}, false, app.Internal(err, "match org")
			}
			found = append(found, o)
		}
		if err := rows.Err(); err != nil {
			return org.Org{}, false, app.Internal(err, "match org")
		}
		if len(found) == 1 {
			return found[0], true, nil
		}
		return org.Org{}, false, nil
	}
	for _, t := range []struct {
		where string
		arg   string
	}{
		{`o.name = $2`, name},
		{`o.short_name = $2`, name},
		{`o.name = $2`, name + "政协"},
		{`o.name LIKE $2 ESCAPE '\'`, "%" + likeEscape(name) + "%"},
	} {
		o, ok, err := try(t.where, t.arg)
		if err != nil || ok {
			return o, err
		}
	}
	return org.Org{}, app.NotFound("组织")
}

// findPressMeeting finds the committee's meeting a printed numbering names.
func findPressMeeting(ctx context.Context, q querier, committeeID int64, ref *press.Meeting) (meeting.Meeting, bool, error) {
	var m meeting.Meeting
	if ref == nil {
		return m, false, nil
	}
	kind, ok := pressMeetingKinds[ref.Kind]
	if !ok || ref.Term <= 0 || ref.Number <= 0 {
		return m, false, nil
	}
	err := scanMeeting(q.QueryRowContext(ctx, `SELECT `+meetingColumns+meetingFrom+`
		WHERE mt.committee_id = $1 AND t.number = $2 AND mt.kind = $3 AND mt.seq = $4`,
		committeeID, ref.Term, string(kind), ref.Number), &m)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return m, false, nil
	case err != nil:
		return m, false, app.Internal(err, "find press meeting")
	}
	return m, true, nil
}
