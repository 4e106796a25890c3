package app

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Date is a civil date (no time, no zone), stored as 'YYYY-MM-DD' text in both
// databases so that comparisons and ordering are the same everywhere. The zero
// Date means "not set" and is stored as ”.
type Date struct {
	Y int
	M time.Month
	D int
}

const dateLayout = "2006-01-02"

// ParseDate reads 'YYYY-MM-DD' (also 'YYYY/MM/DD', 'YYYY.MM.DD' and 'YYYY年M月D日').
// An empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	r := strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "")
	n := r.Replace(s)
	t, err := time.Parse("2006-1-2", n)
	if err != nil || t.Year() < 1000 { // "0000-01-01" is no date; 0987 would not read back from Chinese()
		return Date{}, fmt.Errorf("日期格式应为 YYYY-MM-DD")
	}
	return DateOf(t), nil
}

// MustDate parses s and panics on error; for tests and fixed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Y == 0 && d.M == 0 && d.D == 0 }

// String formats the date as 'YYYY-MM-DD', or ” when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
}

// Chinese formats the date as '2020年5月12日'.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Y, int(d.M), d.D)
}

// Before reports whether d is before e; an unset date is never before.
func (d Date) Before(e Date) bool { return d.String() < e.String() }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return e.Before(d) }

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, loc) }

// Value stores the date as text.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads text, bytes or a time (PostgreSQL DATE) into the date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case string:
		p, err := parseStored(v)
		if err != nil {
			return err
		}
		*d = p
	case []byte:
		p, err := parseStored(string(v))
		if err != nil {
			return err
		}
		*d = p
	case time.Time:
		*d = DateOf(v)
	default:
		return fmt.Errorf("app.Date: cannot scan %T", src)
	}
	return nil
}

func parseStored(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("app.Date: bad stored date %q", s)
	}
	return DateOf(t), nil
}

// MarshalText implements encoding.TextMarshaler (JSON as "YYYY-MM-DD" or "").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
