package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"xieshang/internal/app"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want app.Date
		ok   bool
	}{
		{"2020-05-12", app.Date{Y: 2020, M: 5, D: 12}, true},
		{"2020-5-2", app.Date{Y: 2020, M: 5, D: 2}, true},
		{"2020/05/12", app.Date{Y: 2020, M: 5, D: 12}, true},
		{"2020.5.12", app.Date{Y: 2020, M: 5, D: 12}, true},
		{"2020年5月12日", app.Date{Y: 2020, M: 5, D: 12}, true},
		{"2020年05月02日", app.Date{Y: 2020, M: 5, D: 2}, true},
		{"  2024-02-29\t", app.Date{Y: 2024, M: 2, D: 29}, true},
		{"", app.Date{}, true},
		{"   ", app.Date{}, true},
		{"2023-02-29", app.Date{}, false},
		{"2022-02-30", app.Date{}, false},
		{"2022-13-01", app.Date{}, false},
		{"2022-00-10", app.Date{}, false},
		{"2022-01-00", app.Date{}, false},
		{"22-01-01", app.Date{}, false},
		{"2022-1", app.Date{}, false},
		{"20220101", app.Date{}, false},
		{"2022-01-01T00:00:00Z", app.Date{}, false},
		{"２０２２-01-01", app.Date{}, false},
		{"yesterday", app.Date{}, false},
		{"NaN", app.Date{}, false},
		{"99999-01-01", app.Date{}, false},
		{"2020-\xff-01", app.Date{}, false},
	} {
		got, err := app.ParseDate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDate(%q) = %+v, %v; want %+v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && err.Error() != "日期格式应为 YYYY-MM-DD" {
			t.Errorf("ParseDate(%q): message %q", tc.in, err)
		}
	}
}

func TestDateFormatting(t *testing.T) {
	for _, tc := range []struct {
		d            app.Date
		str, chinese string
		zero         bool
	}{
		{app.Date{}, "", "", true},
		{app.Date{Y: 2020, M: 5, D: 12}, "2020-05-12", "2020年5月12日", false},
		{app.Date{Y: 1949, M: 10, D: 1}, "1949-10-01", "1949年10月1日", false},
		{app.Date{Y: 987, M: 1, D: 2}, "0987-01-02", "987年1月2日", false},
	} {
		if tc.d.String() != tc.str || tc.d.Chinese() != tc.chinese || tc.d.IsZero() != tc.zero {
			t.Errorf("%+v: String %q, Chinese %q, IsZero %v", tc.d, tc.d.String(), tc.d.Chinese(), tc.d.IsZero())
		}
		b, err := tc.d.MarshalText()
		if err != nil || string(b) != tc.str {
			t.Errorf("%+v: MarshalText %q %v", tc.d, b, err)
		}
	}
	if got := app.MustDate("2020年5月12日").Chinese(); got != "2020年5月12日" {
		t.Errorf("Chinese round trip: %q", got)
	}
}

func TestDateOrderAndTime(t *testing.T) {
	a, b := app.MustDate("2020-05-12"), app.MustDate("2020-11-03")
	if !a.Before(b) || b.Before(a) || a.Before(a) || !b.After(a) || a.After(b) {
		t.Error("Before/After disagree with the calendar")
	}
	// Text order is calendar order because of the zero padding.
	if !app.MustDate("2020-09-30").Before(app.MustDate("2020-10-01")) {
		t.Error("September before October")
	}
	if (app.Date{}).Before(a) == false && a.Before(app.Date{}) {
		t.Error("an unset date must never be after a set one")
	}
	loc := time.FixedZone("CST", 8*3600)
	tm := a.Time(loc)
	if tm.Year() != 2020 || tm.Month() != 5 || tm.Day() != 12 || tm.Hour() != 0 || tm.Location() != loc {
		t.Errorf("Time: %v", tm)
	}
	// DateOf takes the civil date in the time's own zone.
	late := time.Date(2020, 5, 12, 23, 30, 0, 0, time.UTC)
	if got := app.DateOf(late.In(loc)); got != app.MustDate("2020-05-13") {
		t.Errorf("DateOf in UTC+8: %v", got)
	}
}

func TestDateScanAndValue(t *testing.T) {
	want := app.MustDate("2021-01-08")
	for _, src := range []any{"2021-01-08", []byte("2021-01-08"), time.Date(2021, 1, 8, 0, 0, 0, 0, time.UTC)} {
		var d app.Date
		if err := d.Scan(src); err != nil || d != want {
			t.Errorf("Scan(%#v) = %+v, %v", src, d, err)
		}
	}
	for _, src := range []any{nil, "", []byte("")} {
		d := want
		if err := d.Scan(src); err != nil || !d.IsZero() {
			t.Errorf("Scan(%#v) = %+v, %v; want the zero date", src, d, err)
		}
	}
	// Stored dates are exactly YYYY-MM-DD: other spellings are corrupt data.
	for _, src := range []any{"2021/01/08", "2021-1-8", "2021-02-30", []byte("x"), 42, 1.5, true} {
		var d app.Date
		if err := d.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %+v, want an error", src, d)
		}
	}
	v, err := want.Value()
	if err != nil || v != "2021-01-08" {
		t.Errorf("Value = %#v, %v", v, err)
	}
	if v, _ := (app.Date{}).Value(); v != "" {
		t.Errorf("zero Value = %#v", v)
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		Day app.Date `json:"day"`
	}
	b, err := json.Marshal(rec{app.MustDate("2020-05-12")})
	if err != nil || string(b) != `{"day":"2020-05-12"}` {
		t.Errorf("marshal: %s %v", b, err)
	}
	b, _ = json.Marshal(rec{})
	if string(b) != `{"day":""}` {
		t.Errorf("marshal zero: %s", b)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"day":"2020年5月12日"}`), &r); err != nil || r.Day != app.MustDate("2020-05-12") {
		t.Errorf("unmarshal Chinese: %+v %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"day":"2020-02-30"}`), &r); err == nil || !strings.Contains(err.Error(), "日期格式") {
		t.Errorf("unmarshal bad date: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"day":20200512}`), &r); err == nil {
		t.Error("unmarshal a number: no error")
	}
}

// FuzzParseDate: ParseDate never panics; what it accepts is a real calendar
// date that survives every way the program writes it (String, Chinese,
// MarshalText, the database's Value/Scan); what it refuses it refuses with
// the zero Date and a Chinese message.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2020-05-12", "2020年5月12日", "2020/5/1", "", "2022-02-30", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := app.ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %+v with error %v", s, d, err)
			}
			if !strings.ContainsFunc(err.Error(), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Fatalf("ParseDate(%q): message %q is not Chinese", s, err)
			}
			return
		}
		if strings.TrimSpace(s) == "" {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %+v, want zero", s, d)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("ParseDate accepted invalid UTF-8 %q", s)
		}
		if d.IsZero() || d.Y < 1000 || d.Y > 9999 || d.M < 1 || d.M > 12 || d.D < 1 ||
			time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC).Day() != d.D {
			t.Fatalf("ParseDate(%q) = %+v, not a calendar date", s, d)
		}
		for _, text := range []string{d.String(), d.Chinese()} {
			if p, err := app.ParseDate(text); err != nil || p != d {
				t.Fatalf("ParseDate(%q) = %+v; %q reads back as %+v, %v", s, d, text, p, err)
			}
		}
		var scanned app.Date
		v, _ := d.Value()
		if err := scanned.Scan(v); err != nil || scanned != d {
			t.Fatalf("ParseDate(%q) = %+v; stored %q scans as %+v, %v", s, d, v, scanned, err)
		}
		b, _ := d.MarshalText()
		var u app.Date
		if err := u.UnmarshalText(b); err != nil || u != d {
			t.Fatalf("ParseDate(%q) = %+v; text %q reads back as %+v, %v", s, d, b, u, err)
		}
	})
}
