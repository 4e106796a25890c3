package press

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

// FuzzDecode: whatever Decode accepts is valid UTF-8 text without NUL that
// passes its own text check, and decoding that text again gives it back
// unchanged (idempotence); valid UTF-8 input comes back as given, less a
// BOM; GB18030 input comes back as its UTF-8 conversion. A refusal is
// EINVALID with a Chinese message.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2000)])
	}
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("本报讯 市政协召开常委会议"))
	f.Add(gb)
	f.Add([]byte("\xef\xbb\xbf政协"))
	f.Add([]byte("PK\x03\x04\x00\x00"))
	f.Add([]byte{0xff, 0xfe, 0x00})
	f.Add([]byte(" \n\t"))
	f.Fuzz(func(t *testing.T, src []byte) {
		text, err := Decode(src)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID || !hasHan(app.ErrorMessage(err)) {
				t.Fatalf("Decode(%q): %v, want EINVALID in Chinese", src, err)
			}
			return
		}
		if !utf8.ValidString(text) || bytes.IndexByte([]byte(text), 0) >= 0 || !mostlyText(text) {
			t.Fatalf("Decode(%q) = %q: not clean text", src, text)
		}
		body := bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
		if utf8.Valid(body) {
			if text != string(body) {
				t.Fatalf("Decode(%q) changed valid UTF-8 into %q", src, text)
			}
		} else if want, err := simplifiedchinese.GB18030.NewDecoder().Bytes(body); err != nil || string(want) != text {
			t.Fatalf("Decode(%q) = %q, want its GB18030 conversion %q", src, text, want)
		}
		again, err := Decode([]byte(text))
		if err != nil || again != text {
			t.Fatalf("Decode(Decode(%q)) = %q, %v; want %q", src, again, err, text)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// FuzzNumeral: a number read is never negative, and one read from Chinese
// numerals never beyond 2^53 (an overflow once made 千亿亿 negative); its
// decimal form reads back as the same number;
// from 0 to 9999, the Chinese numeral org.Numeral writes for it reads back
// too.
func FuzzNumeral(f *testing.F) {
	for _, s := range []string{"12", "十三", "二十", "一百零五", "三万", "两千", "一亿二千万", "十万亿",
		"零", "九千九百九十九万九千九百九十九亿", "-3", "+4", "九千万亿亿", "万", "亿亿亿", "1e3", "十十"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := Numeral(s)
		if !ok {
			if n != 0 {
				t.Fatalf("Numeral(%q) = %d, false", s, n)
			}
			return
		}
		if _, err := strconv.ParseInt(s, 10, 64); n < 0 || err != nil && n > maxNumeral {
			t.Fatalf("Numeral(%q) = %d: out of range", s, n)
		}
		if back, ok := Numeral(strconv.FormatInt(n, 10)); !ok || back != n {
			t.Fatalf("Numeral(%q) = %d, whose digits read back as %d, %v", s, n, back, ok)
		}
		if n <= 9999 {
			cn := org.Numeral(int(n))
			if back, ok := Numeral(cn); !ok || back != n {
				t.Fatalf("Numeral(%q) = %d, written %q, which reads back as %d, %v", s, n, cn, back, ok)
			}
		}
	})
}
