package roster_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/roster"
)

// FuzzParse feeds Parse each input as a file and as the first worksheet of
// an otherwise valid workbook (so that mutations reach the XML rather than
// stopping at the zip's checksums). Seeds: the workbooks in
// testdata/fuzz/FuzzParse and the worksheet of an export.
//
// Parse must not panic; a file error is EINVALID or ETOOLARGE and comes
// without rows; every returned row is free of RowErrors, its Member is
// normalised and validates, and it has a sector and a known role.
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	if err := roster.Export(&buf, "明湖市政协第十三届委员名册", exportRows()); err != nil {
		f.Fatal(err)
	}
	base := buf.Bytes()
	f.Add(firstSheetXML(f, base))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkParse(t, b)
		checkParse(t, replaceFirstSheet(t, base, b))
	})
}

func checkParse(t *testing.T, b []byte) {
	const maxRows = 50
	rows, errs, err := roster.Parse(bytes.NewReader(b), today, maxRows)
	if err != nil {
		if c := app.ErrorCode(err); c != app.EINVALID && c != app.ETOOLARGE {
			t.Fatalf("error code %q (%v), want invalid or too_large", c, err)
		}
		if rows != nil || errs != nil {
			t.Fatalf("rows or row errors with the file error %v", err)
		}
		return
	}
	bad := map[int]bool{}
	for i, e := range errs {
		if e.Line < 1 || e.Message == "" {
			t.Fatalf("row error %+v", e)
		}
		if i > 0 && e.Line < errs[i-1].Line {
			t.Fatalf("row errors out of order: %+v", errs)
		}
		bad[e.Line] = true
	}
	if len(rows) > maxRows {
		t.Fatalf("%d rows, limit %d", len(rows), maxRows)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		if r.Line < 1 || bad[r.Line] {
			t.Fatalf("row %d returned with a row error: %+v", r.Line, errs)
		}
		norm := r.Member
		norm.Normalize()
		if norm != r.Member {
			t.Fatalf("line %d: member not normalised: %+v", r.Line, r.Member)
		}
		if fe := r.Member.Validate(today); len(fe) > 0 {
			t.Fatalf("line %d: member does not validate: %+v (%+v)", r.Line, fe, r.Member)
		}
		if r.Sector == "" {
			t.Fatalf("line %d: no sector", r.Line)
		}
		if _, ok := member.ParseRoleKind(string(r.Role)); !ok {
			t.Fatalf("line %d: role %q", r.Line, r.Role)
		}
		if id := r.Member.IDNumber; id != "" {
			if ids[id] {
				t.Fatalf("line %d: duplicate identity number returned", r.Line)
			}
			ids[id] = true
		}
	}
}

// replaceFirstSheet returns book with xl/worksheets/sheet1.xml replaced.
func replaceFirstSheet(t testing.TB, book, sheet []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			_, err = w.Write(sheet)
		} else {
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func firstSheetXML(t testing.TB, book []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
