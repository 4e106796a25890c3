package store

import (
	"slices"

	"xieshang/internal/app"
)

// What the office's and members' proposal pages need besides the lead's
// proposal functions.

// CheckProposalDocument checks an upload as AddProposalFile and
// ReplyProposal will (a name, a PDF or Word file whose content agrees with
// its extension, the size), so that a form that creates a proposal and
// attaches its document can refuse a bad file before anything is written.
// The error is a field error on field, or ETOOLARGE.
func CheckProposalDocument(in DocumentInput, field string) error {
	var errs app.FieldErrors
	if in.MaxSize > 0 && int64(len(in.Data)) > in.MaxSize {
		return app.Errorf(app.ETOOLARGE, "文件超过%d MB的上限", in.MaxSize>>20)
	}
	name := cleanDocumentName(in.FileName)
	if name == "" {
		errs.Add(field, "请选择要上传的文件")
		return errs.Err()
	}
	ct, err := DocumentType(name, in.Data)
	if err != nil {
		errs.Add(field, name+"："+app.ErrorFields(err).Get("file"))
		return errs.Err()
	}
	if !slices.Contains(documentTypes, ct) {
		errs.Add(field, name+"：只能上传 PDF 或 Word 文件")
		return errs.Err()
	}
	return nil
}
