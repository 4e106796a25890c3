package press

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"xieshang/internal/app"
)

// decode checks the input and returns it as UTF-8 text: GB18030 (invalid
// UTF-8 that decodes cleanly as GB18030) is converted; empty, binary and
// oversized input is refused with a message the clerk can act on.
func decode(src []byte) (string, error) {
	if len(src) > MaxInput {
		return "", app.Errorf(app.EINVALID, "文件超过%d MB的上限：一版报纸的文字通常不到100 KB，请检查是否选错了文件", MaxInput>>20)
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(src)) == 0 {
		return "", app.Errorf(app.EINVALID, "文件是空的，请粘贴或上传报纸版面的文字")
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return "", app.Errorf(app.EINVALID, "这不是文本文件（含二进制内容），请上传报纸版面的文字（.txt）")
	}
	text := string(src)
	if !utf8.Valid(src) {
		gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(src)
		if err != nil || !utf8.Valid(gb) || bytes.ContainsRune(gb, utf8.RuneError) {
			return "", app.Errorf(app.EINVALID, "无法识别文件的编码，请以 UTF-8 或 GB18030 保存后重试")
		}
		text = string(gb)
	}
	if !mostlyText(text) {
		return "", app.Errorf(app.EINVALID, "这不是文本文件（多为不可显示的字符），请上传报纸版面的文字")
	}
	return text, nil
}

// mostlyText reports whether at most one rune in twenty is a control or
// replacement character.
func mostlyText(s string) bool {
	bad, all := 0, 0
	for _, r := range s {
		all++
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case r == utf8.RuneError, unicode.IsControl(r), r >= 0xE000 && r <= 0xF8FF:
			bad++
		}
	}
	return bad*20 <= all
}

// Decode returns the page's text as Parse reads it (GB18030 converted to
// UTF-8), or Parse's refusal of the input: for keeping the source beside
// its items.
func Decode(src []byte) (string, error) { return decode(src) }
