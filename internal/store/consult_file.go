package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// Files of a topic (table topic_file): photos of research visits, outcome
// documents and the handling units' reply documents, kept in the database
// like agenda documents and checked the same way (DocumentType: the kind by
// content, the extension agreeing). Visit photos are JPEG or PNG; outcome
// and reply documents PDF or Word.

// TopicFile is a file of a topic, without its bytes.
type TopicFile struct {
	ID          int64     `json:"id"`
	TopicID     int64     `json:"topic_id"`
	VisitID     int64     `json:"visit_id,omitempty"`
	OutcomeID   int64     `json:"outcome_id,omitempty"`
	ReplyID     int64     `json:"reply_id,omitempty"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// topicFileLink names the record a file belongs to.
type topicFileLink struct {
	VisitID, OutcomeID, ReplyID int64
}

var (
	photoTypes    = []string{TypeJPEG, TypePNG}
	documentTypes = []string{TypePDF, TypeDOCX, TypeDOC}
)

// addTopicFile checks and stores one uploaded file; a field error names
// field.
func (tx *Tx) addTopicFile(ctx context.Context, actor app.Actor, t Topic, in DocumentInput, allowed []string,
	link topicFileLink, field string) (TopicFile, error) {
	name, ct, err := checkUpload(in, allowed, field)
	if err != nil {
		return TopicFile{}, err
	}
	sum := sha256.Sum256(in.Data)
	f := TopicFile{TopicID: t.ID, VisitID: link.VisitID, OutcomeID: link.OutcomeID, ReplyID: link.ReplyID,
		FileName: name, ContentType: ct, Size: int64(len(in.Data)), SHA256: hex.EncodeToString(sum[:]), UploadedAt: tx.Now}
	if err := tx.QueryRowContext(ctx, `INSERT INTO topic_file (topic_id, committee_id, visit_id, outcome_id, reply_id,
		file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`, t.ID, t.CommitteeID,
		nullInt(link.VisitID), nullInt(link.OutcomeID), nullInt(link.ReplyID), f.FileName, f.ContentType, f.Size,
		f.SHA256, in.Data, actor.AccountID, tx.Now).Scan(&f.ID); err != nil {
		return f, app.Internal(err, "add topic file")
	}
	return f, nil
}

// checkUpload checks an uploaded file against the content types allowed:
// the size, a name, the kind by content with an extension that agrees. It
// returns the cleaned name and the content type; a field error names field.
func checkUpload(in DocumentInput, allowed []string, field string) (string, string, error) {
	var errs app.FieldErrors
	if in.MaxSize > 0 && int64(len(in.Data)) > in.MaxSize {
		return "", "", app.Errorf(app.ETOOLARGE, "文件超过%d MB的上限", in.MaxSize>>20)
	}
	name := cleanDocumentName(in.FileName)
	if name == "" {
		errs.Add(field, "请选择要上传的文件")
		return "", "", errs.Err()
	}
	ct, err := DocumentType(name, in.Data)
	if err != nil {
		errs.Add(field, name+"："+app.ErrorFields(err).Get("file"))
		return "", "", errs.Err()
	}
	if !slices.Contains(allowed, ct) {
		kinds := "PDF 或 Word 文件"
		if slices.Contains(allowed, TypeJPEG) {
			kinds = "JPEG 或 PNG 图片"
		}
		errs.Add(field, name+"：只能上传"+kinds)
		return "", "", errs.Err()
	}
	return name, ct, nil
}

const topicFileColumns = `f.id, f.topic_id, COALESCE(f.visit_id, 0), COALESCE(f.outcome_id, 0), COALESCE(f.reply_id, 0),
	f.file_name, f.content_type, f.size, f.sha256, f.uploaded_at`

func scanTopicFile(s scanner, f *TopicFile, extra ...any) error {
	err := s.Scan(append([]any{&f.ID, &f.TopicID, &f.VisitID, &f.OutcomeID, &f.ReplyID, &f.FileName, &f.ContentType,
		&f.Size, &f.SHA256, &f.UploadedAt}, extra...)...)
	f.UploadedAt = f.UploadedAt.UTC()
	return err
}

func (db *DB) topicFiles(ctx context.Context, where string, arg any) ([]TopicFile, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+topicFileColumns+` FROM topic_file f WHERE `+where+` ORDER BY f.id`, arg)
	if err != nil {
		return nil, app.Internal(err, "topic files")
	}
	defer rows.Close()
	var out []TopicFile
	for rows.Next() {
		var f TopicFile
		if err := scanTopicFile(rows, &f); err != nil {
			return nil, app.Internal(err, "topic files")
		}
		out = append(out, f)
	}
	return out, app.Internal(rows.Err(), "topic files")
}

// FindTopicFileData returns a topic's file with its bytes: for readers of
// consultation, a file of a topic in their subtree; for a handling unit's
// account, the document of an outcome sent to its unit or of its own reply.
func (db *DB) FindTopicFileData(ctx context.Context, actor app.Actor, id int64) (TopicFile, []byte, error) {
	var f TopicFile
	var data []byte
	role := auth.Role(actor.Role)
	var q string
	var args []any
	switch {
	case role.Can(auth.ConsultRead):
		q = `SELECT ` + topicFileColumns + `, f.data FROM topic_file f JOIN topic t ON t.id = f.topic_id
			JOIN org o ON o.id = t.org_id WHERE f.id = $1 AND o.path LIKE $2 || '%'`
		args = []any{id, actor.Path}
	case role.Can(auth.UnitReply) && actor.UnitID != 0:
		q = `SELECT ` + topicFileColumns + `, f.data FROM topic_file f WHERE f.id = $1 AND (
			f.outcome_id IN (SELECT outcome_id FROM topic_assignment WHERE unit_id = $2)
			OR f.reply_id IN (SELECT r.id FROM topic_reply r JOIN topic_assignment a ON a.id = r.assignment_id
				WHERE a.unit_id = $2))`
		args = []any{id, actor.UnitID}
	default:
		return f, nil, app.NotFound("文件")
	}
	if err := scanTopicFile(db.read.QueryRowContext(ctx, q, args...), &f, &data); err != nil {
		return f, nil, notFound(err, "文件", "find topic file")
	}
	return f, data, nil
}

// IsImage reports whether the file is a photo (shown inline).
func (f TopicFile) IsImage() bool { return strings.HasPrefix(f.ContentType, "image/") }
