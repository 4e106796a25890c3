package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"testing"
)

// An upload larger than the memory the form parser keeps leaves no
// temporary file behind, whether the upload is taken or refused.
func TestUploadLeavesNoTemporaryFiles(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where mime/multipart spills parts beyond memory
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf)
	part, _ := mw.CreateFormFile("file", "名册.xlsx")
	part.Write(bytes.Repeat([]byte("不是工作簿"), 200_000)) // 3 MB: not a workbook
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/members/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body) // the answer ends after the handler has returned
	res.Body.Close()
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("a file that is not a workbook: status %d, want a 4xx refusal", res.StatusCode)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		t.Errorf("temporary file left behind: %s", f.Name())
	}
}
