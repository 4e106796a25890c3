package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// ooxml builds a minimal zip with a [Content_Types].xml naming main.
func ooxml(t testing.TB, main string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/main.xml" ContentType="` + main + `"/></Types>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDocumentType(t *testing.T) {
	docx := ooxml(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
	xlsx := ooxml(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
	pptx := ooxml(t, "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}
	for _, tc := range []struct {
		name string
		data []byte
		want string // content type, or a part of the field error
		ok   bool
	}{
		{"决议.pdf", []byte("%PDF-1.7\n..."), store.TypePDF, true},
		{"决议.PDF", []byte("%PDF-1.4"), store.TypePDF, true},
		{"计划.docx", docx, store.TypeDOCX, true},
		{"名单.xlsx", xlsx, store.TypeXLSX, true},
		{"旧稿.doc", ole, store.TypeDOC, true},
		{"照片.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0}, store.TypeJPEG, true},
		{"照片.jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0}, store.TypeJPEG, true},
		{"图.png", []byte("\x89PNG\r\n\x1a\n...."), store.TypePNG, true},
		{"setup.pdf", []byte("MZ\x90\x00\x03"), "不支持该文件类型", false},
		{"决议.docx", []byte("%PDF-1.7"), "扩展名应为 .pdf", false},
		{"计划.xlsx", docx, "扩展名应为 .docx", false},
		{"计划", docx, "扩展名与内容不符", false},
		{"演示.pptx", pptx, "不支持该文件类型", false},
		{"压缩.zip", []byte("PK\x03\x04garbage"), "不支持该文件类型", false},
		{"旧表.xls", ole, "扩展名应为 .doc", false},
		{"空.pdf", nil, "文件为空", false},
		{"脚本.html", []byte("<html><script>"), "不支持该文件类型", false},
	} {
		ct, err := store.DocumentType(tc.name, tc.data)
		if tc.ok {
			if err != nil || ct != tc.want {
				t.Errorf("%s: %q %v, want %q", tc.name, ct, err, tc.want)
			}
			continue
		}
		if app.ErrorCode(err) != app.EINVALID || !bytes.Contains([]byte(app.ErrorFields(err).Get("file")), []byte(tc.want)) {
			t.Errorf("%s: %q %v, want a field error with %q", tc.name, ct, err, tc.want)
		}
	}
}

func TestAgendaDocuments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		item, err := db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "政治决议"})
		if err != nil {
			t.Fatal(err)
		}
		pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xFF}, 4096)...)
		d, err := db.AddAgendaDocument(ctx, a, item.ID, store.DocumentInput{FileName: `C:\稿件\政治决议（草案）.pdf`, Data: pdf,
			MaxSize: 1 << 20})
		sum := sha256.Sum256(pdf)
		if err != nil || d.FileName != "政治决议（草案）.pdf" || d.ContentType != store.TypePDF || d.Size != int64(len(pdf)) ||
			d.SHA256 != hex.EncodeToString(sum[:]) || d.MeetingID != m.ID || d.AgendaItemID != item.ID {
			t.Fatalf("add document: %+v %v", d, err)
		}
		got, data, err := db.FindAgendaDocumentData(ctx, a, d.ID)
		if err != nil || !bytes.Equal(data, pdf) || got.FileName != d.FileName || got.ContentType != store.TypePDF {
			t.Fatalf("read back: %+v %d bytes %v", got, len(data), err)
		}
		list, err := db.FindAgendaDocuments(ctx, a, m.ID)
		if err != nil || len(list) != 1 || list[0].ID != d.ID {
			t.Fatalf("list: %+v %v", list, err)
		}

		// Refused: a renamed program, a file over the limit, another county.
		_, err = db.AddAgendaDocument(ctx, a, item.ID, store.DocumentInput{FileName: "决议.pdf", Data: []byte("MZ\x90\x00"), MaxSize: 1 << 20})
		wantErr(t, "renamed exe", err, app.EINVALID, "file", "不支持该文件类型")
		_, err = db.AddAgendaDocument(ctx, a, item.ID, store.DocumentInput{FileName: "大.pdf", Data: pdf, MaxSize: 100})
		wantErr(t, "too large", err, app.ETOOLARGE, "", "上限")
		_, err = db.AddAgendaDocument(ctx, w.actorB, item.ID, store.DocumentInput{FileName: "决议.pdf", Data: pdf})
		wantErr(t, "county B adds", err, app.ENOTFOUND, "", "议程")
		if _, _, err := db.FindAgendaDocumentData(ctx, w.actorB, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads: %v", err)
		}
		if _, err := db.DeleteAgendaDocument(ctx, w.actorB, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B deletes: %v", err)
		}
		if list, err := db.FindAgendaDocuments(ctx, w.actorB, m.ID); app.ErrorCode(err) != app.ENOTFOUND || len(list) != 0 {
			t.Fatalf("county B lists: %v %v", list, err)
		}

		// Delete, add again; once the item is put to the vote, no more changes.
		if _, err := db.DeleteAgendaDocument(ctx, a, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindAgendaDocument(ctx, a, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
		d2, err := db.AddAgendaDocument(ctx, a, item.ID, store.DocumentInput{FileName: "决议.pdf", Data: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		for _, mb := range []member.Member{w.zhang, w.li, w.wang, w.zhao} {
			if _, err := db.SignIn(ctx, a, m.ID, mb.ID, store.SignInClerk, w.at("2024-06-10", 8, 55)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.OpenVote(ctx, a, item.ID, store.VoteHands, meeting.PassRule{}); err != nil {
			t.Fatal(err)
		}
		_, err = db.DeleteAgendaDocument(ctx, a, d2.ID)
		wantErr(t, "delete after vote", err, app.ECONFLICT, "", "已付表决")
		_, err = db.AddAgendaDocument(ctx, a, item.ID, store.DocumentInput{FileName: "决议.pdf", Data: pdf})
		wantErr(t, "add after vote", err, app.ECONFLICT, "", "已付表决")

		// Lookups are scoped.
		if it, err := db.FindAgendaItemByID(ctx, a, item.ID); err != nil || it.Title != "政治决议" {
			t.Fatalf("find item: %+v %v", it, err)
		}
		if _, err := db.FindAgendaItemByID(ctx, w.actorB, item.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B finds item: %v", err)
		}
		entries, _, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		uploads := 0
		for _, e := range entries {
			if bytes.Contains([]byte(e.Summary), []byte("上传文件 决议.pdf")) || bytes.Contains([]byte(e.Summary), []byte("上传文件 政治决议（草案）.pdf")) {
				uploads++
			}
		}
		if uploads != 2 {
			t.Fatalf("audited uploads = %d", uploads)
		}
	})
}
