package roster

import "testing"

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" with ok
		ok   bool
	}{
		{"", "", true},
		{"2020-01-02", "2020-01-02", true},
		{"2020/1/2", "2020-01-02", true},
		{"2020.1.2", "2020-01-02", true},
		{"2020年1月2日", "2020-01-02", true},
		{"2020-01-02 00:00:00", "2020-01-02", true},
		{"2020-01-02T08:00:00Z", "2020-01-02", true},
		{"20200102", "2020-01-02", true},
		{"43832", "2020-01-02", true},        // Excel serial
		{"43832.5", "2020-01-02", true},      // with a time of day
		{"1", "1900-01-01", true},            // the first serial
		{"61", "1900-03-01", true},           // after Excel's 1900-02-29
		{"2958465", "9999-12-31", true},      // the last serial
		{"2958466", "", false},               // beyond
		{"0", "", false},                     // no day 0
		{"0.5", "", false},                   // a time without a date
		{"20201302", "", false},              // eight digits, no month 13
		{"43832.", "", false},                // not a number
		{".5", "", false},                    //
		{"-1", "", false},                    //
		{"1e5", "", false},                   //
		{"NaN", "", false},                   //
		{"2020-02-30", "", false},            //
		{"2020-1", "", false},                //
		{"一九七五年三月", "", false},               //
		{"2020年1月2日 上午", "2020-01-02", true}, // the time part is ignored
	} {
		d, ok := parseDate(tc.in)
		if ok != tc.ok || (ok && d.String() != tc.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %q, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
}

func TestLostDigits(t *testing.T) {
	for in, want := range map[string]bool{
		"3.71502198001011E+17": true,
		"3.71502198001011e17":  true,
		"371502198001011234.0": true,
		"371502198001011234":   false,
		"37150219800101123X":   false,
		"":                     false,
		"3.7.1":                false, // not a number: Validate explains
	} {
		if got := lostDigits(in); got != want {
			t.Errorf("lostDigits(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestColumnOf(t *testing.T) {
	for in, want := range map[string]int{
		"姓名":       colName,
		"姓名*":      colName,
		" 姓 名 ＊ ":  colName,
		"*界别":      colSector,
		"身份证号\n":   colIDNumber,
		"\u3000备注": colNote,
		"序号":       -1,
		"姓名（必填）":   -1,
		"":         -1,
	} {
		if got := columnOf(in); got != want {
			t.Errorf("columnOf(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestColumnsCoverValidate(t *testing.T) {
	// Every field member.Input.Validate can report maps to a column.
	for _, field := range []string{"name", "gender", "birth_date", "ethnicity", "party", "education",
		"workplace", "address", "note", "id_number", "phone", "email", "status", "status_date"} {
		found := false
		for _, c := range columns {
			found = found || c.field == field
		}
		if !found {
			t.Errorf("no column for field %q", field)
		}
	}
}
