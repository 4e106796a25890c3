package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

// Agenda documents (议程文件): files attached to an agenda item, kept in the
// database (table agenda_document, migration 0005) so that several app nodes
// share them without a shared disk. Only a few kinds of office documents are
// accepted, recognised by their content and required to agree with the file
// name's extension: PDF, Word (.docx and the legacy .doc), Excel (.xlsx),
// JPEG and PNG. Documents can be added and removed until the item is put to
// the vote or the meeting closes, so the record keeps what was deliberated.

// AgendaDocument is a file attached to an agenda item, without its bytes.
type AgendaDocument struct {
	ID           int64     `json:"id"`
	CommitteeID  int64     `json:"committee_id"`
	MeetingID    int64     `json:"meeting_id"`
	AgendaItemID int64     `json:"agenda_item_id"`
	FileName     string    `json:"file_name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	UploadedBy   int64     `json:"uploaded_by"`
	UploadedAt   time.Time `json:"uploaded_at"`
}

// DocumentInput is an uploaded file: its name as the browser sent it, its
// bytes, and the largest size accepted (0: no limit of the store's own).
type DocumentInput struct {
	FileName string
	Data     []byte
	MaxSize  int64
}

// Document kinds accepted, by content type, with the extensions that may
// carry each.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeDOC  = "application/msword"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

var documentExts = map[string][]string{
	TypePDF:  {".pdf"},
	TypeDOCX: {".docx"},
	TypeXLSX: {".xlsx"},
	TypeDOC:  {".doc"},
	TypeJPEG: {".jpg", ".jpeg"},
	TypePNG:  {".png"},
}

var documentLabels = map[string]string{TypePDF: "PDF", TypeDOCX: "Word", TypeXLSX: "Excel", TypeDOC: "Word",
	TypeJPEG: "JPEG 图片", TypePNG: "PNG 图片"}

// documentTypesText names the accepted kinds for error messages.
const documentTypesText = "PDF、Word（.docx、.doc）、Excel（.xlsx）、JPEG 或 PNG"

var (
	magicPDF  = []byte("%PDF-")
	magicZIP  = []byte("PK\x03\x04")
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// sniffDocument tells the accepted kind of a file from its bytes, or "".
// A zip counts as DOCX or XLSX only when its [Content_Types].xml declares
// the main part of a Word document or an Excel workbook.
func sniffDocument(data []byte) string {
	switch {
	case bytes.HasPrefix(data, magicPDF):
		return TypePDF
	case bytes.HasPrefix(data, magicOLE):
		return TypeDOC
	case bytes.HasPrefix(data, magicJPEG):
		return TypeJPEG
	case bytes.HasPrefix(data, magicPNG):
		return TypePNG
	case bytes.HasPrefix(data, magicZIP):
		return sniffOOXML(data)
	}
	return ""
}

// sniffOOXML reads [Content_Types].xml (at most 1 MB of it) of a zip.
func sniffOOXML(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return ""
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return ""
		}
		switch {
		case bytes.Contains(b, []byte("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")):
			return TypeDOCX
		case bytes.Contains(b, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")):
			return TypeXLSX
		}
		return ""
	}
	return ""
}

// DocumentType decides the content type of an uploaded file from its bytes
// and checks that the file name's extension agrees. The error is an EINVALID
// *app.Error with a field error on "file".
func DocumentType(name string, data []byte) (string, error) {
	var errs app.FieldErrors
	if len(data) == 0 {
		errs.Add("file", "文件为空，请重新选择")
		return "", errs.Err()
	}
	ext := strings.ToLower(path.Ext(name))
	ct := sniffDocument(data)
	if ct == "" {
		errs.Add("file", "不支持该文件类型，只能上传"+documentTypesText+"文件")
		return "", errs.Err()
	}
	for _, e := range documentExts[ct] {
		if e == ext {
			return ct, nil
		}
	}
	errs.Add("file", "文件扩展名与内容不符：内容为"+documentLabels[ct]+"文件，扩展名应为 "+
		strings.Join(documentExts[ct], " 或 "))
	return "", errs.Err()
}

// cleanDocumentName keeps the base name of an uploaded file, without control
// characters, at most 120 characters (the extension kept).
func cleanDocumentName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" {
		name = ""
	}
	if utf8.RuneCountInString(name) > 120 {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:120-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

const documentColumns = `d.id, d.committee_id, a.meeting_id, d.agenda_item_id, d.file_name, d.content_type, d.size,
	d.sha256, d.uploaded_by, d.uploaded_at`

const documentFrom = ` FROM agenda_document d JOIN agenda_item a ON a.id = d.agenda_item_id
	JOIN org o ON o.id = d.committee_id`

func scanDocument(s scanner, d *AgendaDocument, extra ...any) error {
	err := s.Scan(append([]any{&d.ID, &d.CommitteeID, &d.MeetingID, &d.AgendaItemID, &d.FileName, &d.ContentType,
		&d.Size, &d.SHA256, &d.UploadedBy, &d.UploadedAt}, extra...)...)
	d.UploadedAt = d.UploadedAt.UTC()
	return err
}

// documentsLocked refuses a change to an item's documents once the meeting
// has closed or the item has been put to the vote.
func (tx *Tx) documentsLocked(ctx context.Context, m meetingScope, itemID int64) error {
	if m.Status == meeting.Closed {
		return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改议程文件")
	}
	var votes int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote WHERE agenda_item_id = $1`, itemID).Scan(&votes); err != nil {
		return app.Internal(err, "agenda document: votes")
	}
	if votes > 0 {
		return app.Errorf(app.ECONFLICT, "该议程已付表决，不能再修改议程文件")
	}
	return nil
}

// AddAgendaDocument attaches an uploaded file to an agenda item. The file
// must be one of the accepted kinds by content, with an agreeing extension
// (EINVALID on "file"), and not larger than in.MaxSize (ETOOLARGE). It is
// refused (ECONFLICT) once the item has been put to the vote or the meeting
// has closed.
func (db *DB) AddAgendaDocument(ctx context.Context, actor app.Actor, itemID int64, in DocumentInput) (AgendaDocument, error) {
	var d AgendaDocument
	err := db.InTx(ctx, func(tx *Tx) error {
		item, m, err := tx.agendaItem(ctx, actor, itemID)
		if err != nil {
			return err
		}
		if in.MaxSize > 0 && int64(len(in.Data)) > in.MaxSize {
			return app.Errorf(app.ETOOLARGE, "文件超过%d MB的上限", in.MaxSize>>20)
		}
		name := cleanDocumentName(in.FileName)
		var errs app.FieldErrors
		if name == "" {
			errs.Add("file", "请选择要上传的文件")
			return errs.Err()
		}
		ct, err := DocumentType(name, in.Data)
		if err != nil {
			return err
		}
		if err := tx.documentsLocked(ctx, m, item.ID); err != nil {
			return err
		}
		sum := sha256.Sum256(in.Data)
		d = AgendaDocument{CommitteeID: m.CommitteeID, MeetingID: m.ID, AgendaItemID: item.ID, FileName: name,
			ContentType: ct, Size: int64(len(in.Data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.AccountID,
			UploadedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO agenda_document (committee_id, agenda_item_id, file_name,
			content_type, size, sha256, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`, d.CommitteeID, d.AgendaItemID, d.FileName, d.ContentType, d.Size, d.SHA256, in.Data,
			d.UploadedBy, d.UploadedAt).Scan(&d.ID); err != nil {
			return app.Internal(err, "insert agenda document")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 议程%d“%s”上传文件 %s（%s）", m.Title, item.Seq, item.Title,
				d.FileName, SizeText(d.Size)), After: d})
	})
	return d, err
}

// FindAgendaDocument returns a document of a meeting in the actor's subtree.
func (db *DB) FindAgendaDocument(ctx context.Context, actor app.Actor, id int64) (AgendaDocument, error) {
	var d AgendaDocument
	err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+`
		WHERE d.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &d)
	if err != nil {
		return d, notFound(err, "文件", "find agenda document")
	}
	return d, nil
}

// FindAgendaDocumentData returns a document with its bytes.
func (db *DB) FindAgendaDocumentData(ctx context.Context, actor app.Actor, id int64) (AgendaDocument, []byte, error) {
	var d AgendaDocument
	var data []byte
	err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+`, d.data`+documentFrom+`
		WHERE d.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &d, &data)
	if err != nil {
		return d, nil, notFound(err, "文件", "find agenda document data")
	}
	return d, data, nil
}

// FindAgendaDocuments lists the documents of a meeting's agenda items, by
// item and upload order, without their bytes.
func (db *DB) FindAgendaDocuments(ctx context.Context, actor app.Actor, meetingID int64) ([]AgendaDocument, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+documentFrom+`
		WHERE a.meeting_id = $1 AND o.path LIKE $2 || '%' ORDER BY a.seq, d.agenda_item_id, d.id`, meetingID, actor.Path)
	if err != nil {
		return nil, app.Internal(err, "find agenda documents")
	}
	defer rows.Close()
	var out []AgendaDocument
	for rows.Next() {
		var d AgendaDocument
		if err := scanDocument(rows, &d); err != nil {
			return nil, app.Internal(err, "scan agenda document")
		}
		out = append(out, d)
	}
	return out, app.Internal(rows.Err(), "find agenda documents")
}

// DeleteAgendaDocument removes a document until its item is put to the vote
// or the meeting closes, and returns what was removed.
func (db *DB) DeleteAgendaDocument(ctx context.Context, actor app.Actor, id int64) (AgendaDocument, error) {
	var d AgendaDocument
	err := db.InTx(ctx, func(tx *Tx) error {
		var itemID int64
		if err := tx.QueryRowContext(ctx, `SELECT d.agenda_item_id FROM agenda_document d JOIN org o ON o.id = d.committee_id
			WHERE d.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).Scan(&itemID); err != nil {
			return notFound(err, "文件", "find agenda document")
		}
		item, m, err := tx.agendaItem(ctx, actor, itemID)
		if err != nil {
			return renameNotFound(err, "文件")
		}
		if err := scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id = $1`, id), &d); err != nil {
			return notFound(err, "文件", "find agenda document")
		}
		if err := tx.documentsLocked(ctx, m, item.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_document WHERE id = $1`, id); err != nil {
			return app.Internal(err, "delete agenda document")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 议程%d“%s”删除文件 %s", m.Title, item.Seq, item.Title, d.FileName),
			Before: d})
	})
	return d, err
}

// SizeText is a file size as people read it: 12 KB, 3.4 MB.
func SizeText(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d 字节", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// --- lookups for the JSON API and the edit pages ---

// FindAgendaItemByID returns an agenda item of a meeting in the actor's subtree.
func (db *DB) FindAgendaItemByID(ctx context.Context, actor app.Actor, id int64) (AgendaItem, error) {
	var a AgendaItem
	err := scanAgenda(db.read.QueryRowContext(ctx, `SELECT `+agendaColumns+` FROM agenda_item a
		JOIN org o ON o.id = a.committee_id WHERE a.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &a)
	if err != nil {
		return a, notFound(err, "议程", "find agenda item")
	}
	return a, nil
}

// FindLeaveRequestByID returns a leave request of a meeting in the actor's subtree.
func (db *DB) FindLeaveRequestByID(ctx context.Context, actor app.Actor, id int64) (LeaveRequest, error) {
	var l LeaveRequest
	err := scanLeave(db.read.QueryRowContext(ctx, `SELECT `+leaveColumns+` FROM leave_request l
		JOIN member mb ON mb.id = l.member_id JOIN org o ON o.id = l.committee_id
		WHERE l.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &l)
	if err != nil {
		return l, notFound(err, "请假申请", "find leave request")
	}
	return l, nil
}
