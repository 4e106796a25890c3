package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/notice"
)

// NoticeDelivery says which channels beyond the inbox the deployment has
// configured. A notice creates outbox rows only for these: without SMTP,
// notices reach the inbox alone.
type NoticeDelivery struct {
	Email bool
	SMS   bool
}

// SendNotice records notice n for recipients inside the caller's transaction
// (a meeting's store function calls it in its own), with the outbox rows the
// delivery worker sends after commit; a rollback leaves nothing to send.
// Recipients naming a member get the member's name, e-mail and phone copied
// where the caller left them empty; an account linked to a member gets the
// member's. Duplicates are dropped. Returns the notice's id.
//
// Errors: EINVALID for a bad notice or recipients outside the actor's scope,
// ENOTFOUND when the sending organisation is not in scope.
func (tx *Tx) SendNotice(ctx context.Context, actor app.Actor, n notice.Notice, recipients []notice.Recipient) (int64, error) {
	n.Normalize()
	errs := n.Validate()
	if len(recipients) == 0 {
		errs.Add("recipients", "请选择通知对象")
	}
	for _, r := range recipients {
		if e := r.Validate(); len(e) > 0 {
			errs = append(errs, e...)
			break
		}
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	o, err := findOrg(ctx, tx, actor, n.OrgID)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO notice (committee_id, org_id, kind, subject, body, link, source,
		source_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		o.CommitteeID, o.ID, string(n.Kind), n.Subject, n.Body, n.Link, n.Source, n.SourceID, actor.AccountID,
		tx.Now).Scan(&id); err != nil {
		return 0, app.Internal(err, "insert notice")
	}
	seen := map[string]bool{}
	count := 0
	for _, r := range recipients {
		if err := tx.fillRecipient(ctx, actor, &r); err != nil {
			return 0, err
		}
		r.Normalize()
		if seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		count++
		var channels []notice.Channel
		if tx.db.Notify.Email && n.Wants(notice.Email) {
			switch {
			case r.Email == "":
				r.EmailError = "未登记电子邮箱"
			case !r.EmailOK():
				r.EmailError = "电子邮箱格式有误"
			default:
				channels = append(channels, notice.Email)
			}
		}
		if tx.db.Notify.SMS && n.Wants(notice.SMS) {
			switch {
			case r.Phone == "":
				r.SMSError = "未登记手机号"
			case !r.PhoneOK():
				r.SMSError = "手机号不是有效的手机号码"
			default:
				channels = append(channels, notice.SMS)
			}
		}
		phone, err := tx.db.seal(colRecipientPhone, r.Phone)
		if err != nil {
			return 0, err
		}
		var rid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO notice_recipient (committee_id, notice_id, account_id, member_id,
			name, email, phone, email_error, sms_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			o.CommitteeID, id, nullInt(r.AccountID), nullInt(r.MemberID), r.Name, r.Email, phone,
			r.EmailError, r.SMSError).Scan(&rid); err != nil {
			return 0, app.Internal(err, "insert notice recipient")
		}
		for _, c := range channels {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (committee_id, channel, recipient_id, next_attempt_at,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $4, $4)`, o.CommitteeID, string(c), rid, tx.Now); err != nil {
				return 0, app.Internal(err, "insert outbox")
			}
		}
	}
	// The log names the notice and how many it went to, not their contacts.
	n.ID, n.CommitteeID, n.OrgName, n.CreatedBy, n.CreatedAt = id, o.CommitteeID, o.Name, actor.AccountID, tx.Now
	return id, tx.Audit(ctx, actor, Change{Action: "create", Entity: "notice", EntityID: id, Committee: o.CommitteeID,
		OrgPath: o.Path, Summary: fmt.Sprintf("发送通知 %s（%d人）", n.Subject, count),
		After: struct {
			notice.Notice
			Recipients int `json:"recipients"`
		}{n, count}})
}

// fillRecipient checks that r's member and account lie in the actor's scope
// and copies their names and contact details where r has none.
func (tx *Tx) fillRecipient(ctx context.Context, actor app.Actor, r *notice.Recipient) error {
	outside := func() error {
		var errs app.FieldErrors
		errs.Add("recipients", "通知对象不存在或不在本组织范围内")
		return errs.Err()
	}
	if r.AccountID != 0 {
		var name, email, phone string
		var memberID int64
		err := tx.QueryRowContext(ctx, `SELECT a.display_name, COALESCE(a.member_id, 0), COALESCE(m.email, ''),
			COALESCE(m.phone, '') FROM account a
			LEFT JOIN org o ON o.id = a.org_id
			LEFT JOIN member m ON m.id = a.member_id
			WHERE a.id = $1 AND COALESCE(o.path, '/') LIKE $2 || '%'`, r.AccountID, actor.Path).
			Scan(&name, &memberID, &email, &phone)
		if err == sql.ErrNoRows {
			return outside()
		} else if err != nil {
			return app.Internal(err, "notice: find account")
		}
		if err := tx.db.openAll(colMemberPhone, &phone); err != nil {
			return err
		}
		if r.MemberID == 0 {
			r.MemberID = memberID
			fill(&r.Email, email)
			fill(&r.Phone, phone)
		}
		fill(&r.Name, name)
	}
	if r.MemberID != 0 {
		var name, email, phone string
		err := tx.QueryRowContext(ctx, `SELECT m.name, m.email, m.phone FROM member m
			JOIN org o ON o.id = m.committee_id
			WHERE m.id = $1 AND o.path LIKE $2 || '%'`, r.MemberID, actor.Path).Scan(&name, &email, &phone)
		if err == sql.ErrNoRows {
			return outside()
		} else if err != nil {
			return app.Internal(err, "notice: find member")
		}
		if err := tx.db.openAll(colMemberPhone, &phone); err != nil {
			return err
		}
		fill(&r.Name, name)
		fill(&r.Email, email)
		fill(&r.Phone, phone)
	}
	return nil
}

func fill(dst *string, v string) {
	if strings.TrimSpace(*dst) == "" {
		*dst = v
	}
}

// SendNotice sends a notice in a transaction of its own.
func (db *DB) SendNotice(ctx context.Context, actor app.Actor, n notice.Notice, recipients []notice.Recipient) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.SendNotice(ctx, actor, n, recipients)
		return err
	})
	return id, err
}

// --- The inbox: the signed-in account's own notices ---

// InboxFilter narrows the inbox.
type InboxFilter struct {
	Unread bool
	Q      string // substring of the subject
	Sort   string // "time" (default: unread first, newest first), "subject", "kind"
	Desc   bool
	Offset int
	Limit  int
}

// InboxItem is one notice as its recipient sees it.
type InboxItem struct {
	RecipientID int64
	Notice      notice.Notice
	ReadAt      time.Time
}

// inboxMine matches the recipient rows that are the actor's: by account, or
// by the member the account is. Ids are never 0, so an actor without a
// member matches by account only.
const inboxMine = `(r.account_id = $1 OR r.member_id = $2)`

const inboxColumns = `r.id, r.read_at, n.id, n.committee_id, n.org_id, o.name, n.kind, n.subject, n.body, n.link,
	n.source, n.source_id, n.created_by, n.created_at`

func scanInbox(s scanner, it *InboxItem, extra ...any) error {
	var read sql.NullTime
	n := &it.Notice
	if err := s.Scan(append([]any{&it.RecipientID, &read, &n.ID, &n.CommitteeID, &n.OrgID, &n.OrgName, &n.Kind,
		&n.Subject, &n.Body, &n.Link, &n.Source, &n.SourceID, &n.CreatedBy, &n.CreatedAt}, extra...)...); err != nil {
		return err
	}
	it.ReadAt = read.Time
	return nil
}

var inboxSorts = map[string]string{"time": "n.created_at", "subject": "n.subject", "kind": "n.kind"}

// FindInbox lists the actor's notices, unread first, newest first.
func (db *DB) FindInbox(ctx context.Context, actor app.Actor, f InboxFilter) ([]InboxItem, int, error) {
	q := `SELECT ` + inboxColumns + `, COUNT(*) OVER() FROM notice_recipient r
		JOIN notice n ON n.id = r.notice_id
		JOIN org o ON o.id = n.org_id
		WHERE ` + inboxMine
	args := []any{actor.AccountID, actor.MemberID}
	if f.Unread {
		q += ` AND r.read_at IS NULL`
	}
	if f.Q != "" {
		args = append(args, likeEscape(f.Q))
		q += fmt.Sprintf(` AND n.subject LIKE '%%' || $%d || '%%' ESCAPE '\'`, len(args))
	}
	if col, ok := inboxSorts[f.Sort]; ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		q += ` ORDER BY ` + col + dir + `, r.id` + dir
	} else {
		q += ` ORDER BY CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, n.created_at DESC, r.id DESC`
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	q += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find inbox")
	}
	defer rows.Close()
	var out []InboxItem
	total := 0
	for rows.Next() {
		var it InboxItem
		if err := scanInbox(rows, &it, &total); err != nil {
			return nil, 0, app.Internal(err, "scan inbox")
		}
		out = append(out, it)
	}
	return out, total, app.Internal(rows.Err(), "find inbox")
}

// CountUnread counts the actor's unread notices.
func (db *DB) CountUnread(ctx context.Context, actor app.Actor) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notice_recipient r WHERE `+inboxMine+
		` AND r.read_at IS NULL`, actor.AccountID, actor.MemberID).Scan(&n)
	return n, app.Internal(err, "count unread")
}

// OpenInboxItem returns one of the actor's notices and records that it has
// been read (the first time only). Reading is not written to the audit log:
// read_at is itself the record, and it changes no domain data.
// Errors: ENOTFOUND when the row is not the actor's.
func (db *DB) OpenInboxItem(ctx context.Context, actor app.Actor, recipientID int64) (InboxItem, error) {
	var it InboxItem
	err := db.InTx(ctx, func(tx *Tx) error {
		err := scanInbox(tx.QueryRowContext(ctx, `SELECT `+inboxColumns+` FROM notice_recipient r
			JOIN notice n ON n.id = r.notice_id
			JOIN org o ON o.id = n.org_id
			WHERE `+inboxMine+` AND r.id = $3`, actor.AccountID, actor.MemberID, recipientID), &it)
		if err != nil {
			return notFound(err, "通知", "open inbox item")
		}
		if !it.ReadAt.IsZero() {
			return nil
		}
		it.ReadAt = tx.Now.Truncate(time.Microsecond) // what PostgreSQL keeps; the same on SQLite
		_, err = tx.ExecContext(ctx, `UPDATE notice_recipient SET read_at = $2 WHERE id = $1 AND read_at IS NULL`,
			recipientID, it.ReadAt)
		return app.Internal(err, "mark notice read")
	})
	return it, err
}

// --- The office's view: who has been reached ---

// FindNoticeByID returns a notice sent by an organisation in the actor's subtree.
func (db *DB) FindNoticeByID(ctx context.Context, actor app.Actor, id int64) (notice.Notice, error) {
	var n notice.Notice
	err := db.read.QueryRowContext(ctx, `SELECT n.id, n.committee_id, n.org_id, o.name, o.path, n.kind, n.subject,
		n.body, n.link, n.source, n.source_id, n.created_by, n.created_at
		FROM notice n JOIN org o ON o.id = n.org_id
		WHERE n.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).Scan(&n.ID, &n.CommitteeID, &n.OrgID,
		&n.OrgName, &n.OrgPath, &n.Kind, &n.Subject, &n.Body, &n.Link, &n.Source, &n.SourceID, &n.CreatedBy, &n.CreatedAt)
	if err != nil {
		return n, notFound(err, "通知", "find notice")
	}
	return n, nil
}

// RecipientFilter narrows a notice's recipient list.
type RecipientFilter struct {
	Status string // "", "read", "unread", "failed" (an e-mail or SMS failed or awaits retry)
	Q      string // substring of the name
	Sort   string // "name" (default), "read"
	Desc   bool
	Offset int
	Limit  int
}

// RecipientStatus is one recipient with the state of each delivery.
type RecipientStatus struct {
	notice.Recipient
	EmailStatus string // "" (channel not used), pending, sent, failed
	SMSStatus   string
}

// NoticeStats sums up a notice's reach.
type NoticeStats struct {
	Recipients, Read                  int
	Emailed, EmailPending, EmailError int
	SMSSent, SMSPending, SMSError     int
}

var recipientSorts = map[string]string{"name": "r.name", "read": "r.read_at"}

const recipientFrom = ` FROM notice_recipient r
	JOIN notice n ON n.id = r.notice_id
	JOIN org o ON o.id = n.org_id
	LEFT JOIN outbox e ON e.recipient_id = r.id AND e.channel = 'email'
	LEFT JOIN outbox s ON s.recipient_id = r.id AND s.channel = 'sms'
	WHERE n.id = $1 AND o.path LIKE $2 || '%'`

// FindNoticeRecipients lists a notice's recipients with read and delivery
// status. Errors: ENOTFOUND when the notice is not in the actor's subtree.
func (db *DB) FindNoticeRecipients(ctx context.Context, actor app.Actor, noticeID int64, f RecipientFilter) ([]RecipientStatus, int, error) {
	if _, err := db.FindNoticeByID(ctx, actor, noticeID); err != nil {
		return nil, 0, err
	}
	q := `SELECT r.id, r.notice_id, COALESCE(r.account_id, 0), COALESCE(r.member_id, 0), r.name, r.email, r.phone,
		r.read_at, r.emailed_at, r.email_error, r.sms_at, r.sms_error, COALESCE(e.status, ''), COALESCE(s.status, ''),
		COUNT(*) OVER()` + recipientFrom
	args := []any{noticeID, actor.Path}
	switch f.Status {
	case "read":
		q += ` AND r.read_at IS NOT NULL`
	case "unread":
		q += ` AND r.read_at IS NULL`
	case "failed":
		q += ` AND (r.email_error <> '' OR r.sms_error <> '')`
	}
	if f.Q != "" {
		args = append(args, likeEscape(f.Q))
		q += fmt.Sprintf(` AND r.name LIKE '%%' || $%d || '%%' ESCAPE '\'`, len(args))
	}
	col, ok := recipientSorts[f.Sort]
	if !ok {
		col = "r.name"
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	if col == "r.read_at" { // unread last whichever way
		q += ` ORDER BY CASE WHEN r.read_at IS NULL THEN 1 ELSE 0 END, r.read_at` + dir + `, r.id`
	} else {
		q += ` ORDER BY ` + col + dir + `, r.id` + dir
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit, f.Offset)
	q += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find notice recipients")
	}
	defer rows.Close()
	var out []RecipientStatus
	total := 0
	for rows.Next() {
		var rs RecipientStatus
		var read, emailed, smsAt sql.NullTime
		if err := rows.Scan(&rs.ID, &rs.NoticeID, &rs.AccountID, &rs.MemberID, &rs.Name, &rs.Email, &rs.Phone,
			&read, &emailed, &rs.EmailError, &smsAt, &rs.SMSError, &rs.EmailStatus, &rs.SMSStatus, &total); err != nil {
			return nil, 0, app.Internal(err, "scan notice recipient")
		}
		if err := db.openAll(colRecipientPhone, &rs.Phone); err != nil {
			return nil, 0, err
		}
		rs.ReadAt, rs.EmailedAt, rs.SMSAt = read.Time, emailed.Time, smsAt.Time
		out = append(out, rs)
	}
	return out, total, app.Internal(rows.Err(), "find notice recipients")
}

// FindNoticeStats sums up a notice's reach. Errors: ENOTFOUND out of scope.
func (db *DB) FindNoticeStats(ctx context.Context, actor app.Actor, noticeID int64) (NoticeStats, error) {
	var st NoticeStats
	if _, err := db.FindNoticeByID(ctx, actor, noticeID); err != nil {
		return st, err
	}
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(r.read_at),
		COUNT(CASE WHEN e.status = 'sent' THEN 1 END), COUNT(CASE WHEN e.status = 'pending' THEN 1 END),
		COUNT(CASE WHEN r.email_error <> '' AND COALESCE(e.status, '') <> 'sent' THEN 1 END),
		COUNT(CASE WHEN s.status = 'sent' THEN 1 END), COUNT(CASE WHEN s.status = 'pending' THEN 1 END),
		COUNT(CASE WHEN r.sms_error <> '' AND COALESCE(s.status, '') <> 'sent' THEN 1 END)`+recipientFrom,
		noticeID, actor.Path).Scan(&st.Recipients, &st.Read, &st.Emailed, &st.EmailPending, &st.EmailError,
		&st.SMSSent, &st.SMSPending, &st.SMSError)
	return st, app.Internal(err, "notice stats")
}

// --- The outbox (notice.Outbox), drained by notice.Deliverer ---
//
// The worker acts for the system, not for a user: it reads only rows it has
// claimed, and its bookkeeping is not written to the audit log.

// ClaimDeliveries leases up to limit due outbox rows until now+lease and
// returns them with their notice and recipient. On PostgreSQL the rows are
// claimed with FOR UPDATE SKIP LOCKED, so several nodes never take the same
// row; on SQLite the single writer serialises claims.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]notice.Delivery, error) {
	now = now.UTC()
	var out []notice.Delivery
	err := db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT $2`+db.Dialect.skipLocked(), now, limit)
		if err != nil {
			return app.Internal(err, "claim outbox")
		}
		var ids []any
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return app.Internal(err, "claim outbox: scan")
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return app.Internal(err, "claim outbox")
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1,
			updated_at = $2 WHERE id IN (`+noticePlaceholders(3, len(ids))+`)`,
			append([]any{now.Add(lease), now}, ids...)...); err != nil {
			return app.Internal(err, "claim outbox: lease")
		}
		rows, err = tx.QueryContext(ctx, `SELECT ob.id, ob.channel, ob.attempts, n.id, n.committee_id, n.org_id,
			COALESCE(NULLIF(c.short_name, ''), c.name), n.kind, n.subject, n.body, n.link, n.source, n.source_id,
			n.created_by, n.created_at, r.id, COALESCE(r.account_id, 0), COALESCE(r.member_id, 0), r.name, r.email, r.phone
			FROM outbox ob
			JOIN notice_recipient r ON r.id = ob.recipient_id
			JOIN notice n ON n.id = r.notice_id
			JOIN org c ON c.id = n.committee_id
			WHERE ob.id IN (`+noticePlaceholders(1, len(ids))+`) ORDER BY ob.id`, ids...)
		if err != nil {
			return app.Internal(err, "claim outbox: load")
		}
		defer rows.Close()
		for rows.Next() {
			var d notice.Delivery
			n, r := &d.Notice, &d.Recipient
			if err := rows.Scan(&d.ID, &d.Channel, &d.Attempts, &n.ID, &n.CommitteeID, &n.OrgID, &n.OrgName, &n.Kind,
				&n.Subject, &n.Body, &n.Link, &n.Source, &n.SourceID, &n.CreatedBy, &n.CreatedAt,
				&r.ID, &r.AccountID, &r.MemberID, &r.Name, &r.Email, &r.Phone); err != nil {
				return app.Internal(err, "claim outbox: scan delivery")
			}
			if err := tx.db.openAll(colRecipientPhone, &r.Phone); err != nil {
				return err
			}
			r.NoticeID = n.ID
			out = append(out, d)
		}
		return app.Internal(rows.Err(), "claim outbox: load")
	})
	return out, err
}

// noticePlaceholders returns "$from, $from+1, …" for n parameters.
func noticePlaceholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}

// recipientColumns are the recipient's status columns per channel: fixed
// names, never input.
var recipientColumns = map[notice.Channel][2]string{
	notice.Email: {"emailed_at", "email_error"},
	notice.SMS:   {"sms_at", "sms_error"},
}

// RecordDelivery records an attempt on an outbox row and on its recipient:
// sent when errText is "", otherwise pending until retry, or failed for good
// when retry is zero.
func (db *DB) RecordDelivery(ctx context.Context, id int64, at time.Time, errText string, retry time.Time) error {
	at = at.UTC()
	return db.InTx(ctx, func(tx *Tx) error {
		var channel notice.Channel
		var rid int64
		if err := tx.QueryRowContext(ctx, `SELECT channel, recipient_id FROM outbox WHERE id = $1`, id).
			Scan(&channel, &rid); err != nil {
			return notFound(err, "投递记录", "record delivery")
		}
		cols, ok := recipientColumns[channel]
		if !ok {
			return app.Internal(fmt.Errorf("channel %q", channel), "record delivery")
		}
		var err error
		switch {
		case errText == "":
			if _, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', last_error = '', updated_at = $2
				WHERE id = $1`, id, at); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE notice_recipient SET `+cols[0]+` = $2, `+cols[1]+` = ''
					WHERE id = $1`, rid, at)
			}
		case retry.IsZero():
			if _, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = $2, updated_at = $3
				WHERE id = $1`, id, errText, at); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE notice_recipient SET `+cols[1]+` = $2 WHERE id = $1`, rid, errText)
			}
		default:
			if _, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', last_error = $2, next_attempt_at = $3,
				updated_at = $4 WHERE id = $1`, id, errText, retry.UTC(), at); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE notice_recipient SET `+cols[1]+` = $2 WHERE id = $1`, rid,
					"重试中："+errText)
			}
		}
		return app.Internal(err, "record delivery")
	})
}
