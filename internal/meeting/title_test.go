package meeting_test

import (
	"testing"

	"xieshang/internal/meeting"
)

func TestTitle(t *testing.T) {
	cases := []struct {
		kind      meeting.Kind
		term, seq int
		sitting   meeting.SittingKind
		want      string
	}{
		// The three real titles.
		{meeting.Plenary, 13, 4, "", "十三届四次会议"},
		{meeting.Chairs, 5, 12, "", "五届十二次主席会议"},
		{meeting.Standing, 10, 9, "", "十届九次常委会会议"},
		// Sittings of a plenary session.
		{meeting.Sitting, 13, 4, meeting.Opening, "十三届四次会议开幕会"},
		{meeting.Sitting, 13, 4, meeting.Speeches, "十三届四次会议大会发言"},
		{meeting.Sitting, 13, 4, meeting.Closing, "十三届四次会议闭幕会"},
		{meeting.Sitting, 13, 4, meeting.Election, "十三届四次会议选举大会"},
		{meeting.Sitting, 13, 4, "", ""},
		{meeting.Sitting, 13, 4, "recess", ""},
		// Other numbers.
		{meeting.Plenary, 1, 1, "", "一届一次会议"},
		{meeting.Plenary, 20, 10, "", "二十届十次会议"},
		{meeting.Standing, 13, 21, "", "十三届二十一次常委会会议"},
		{meeting.Chairs, 13, 105, "", "十三届一百零五次主席会议"},
		{meeting.Chairs, 9, 110, "", "九届一百一十次主席会议"},
		// The sitting argument is ignored for numbered kinds.
		{meeting.Plenary, 13, 4, meeting.Opening, "十三届四次会议"},
		// Not computed.
		{meeting.Bimonthly, 13, 4, "", ""},
		{meeting.Thematic, 13, 1, "", ""},
		{meeting.Symposium, 13, 1, "", ""},
		{meeting.OnSite, 13, 1, "", ""},
		{meeting.Plenary, 13, 0, "", ""},
		{meeting.Plenary, 0, 4, "", ""},
		{meeting.Standing, 13, -1, "", ""},
		{"", 13, 4, "", ""},
	}
	for _, c := range cases {
		if got := meeting.Title(c.kind, c.term, c.seq, c.sitting); got != c.want {
			t.Errorf("Title(%q, %d, %d, %q) = %q, want %q", c.kind, c.term, c.seq, c.sitting, got, c.want)
		}
	}
}

func TestSittingTitle(t *testing.T) {
	cases := []struct {
		parent  string
		sitting meeting.SittingKind
		want    string
	}{
		{"十三届四次会议", meeting.Opening, "十三届四次会议开幕会"},
		{"市政协十三届四次会议", meeting.Election, "市政协十三届四次会议选举大会"},
		{"市政协十三届四次会议", meeting.Closing, "市政协十三届四次会议闭幕会"},
		{"十三届四次会议", "", "十三届四次会议"},
	}
	for _, c := range cases {
		if got := meeting.SittingTitle(c.parent, c.sitting); got != c.want {
			t.Errorf("SittingTitle(%q, %q) = %q, want %q", c.parent, c.sitting, got, c.want)
		}
	}
}

func TestFullTitle(t *testing.T) {
	cases := []struct{ short, title, want string }{
		{"市政协", "十三届四次会议", "市政协十三届四次会议"},
		{"县政协", "十届九次常委会会议", "县政协十届九次常委会会议"},
		{"市政协", "五届十二次主席会议", "市政协五届十二次主席会议"},
		{"市政协", meeting.SittingTitle("十三届四次会议", meeting.Election), "市政协十三届四次会议选举大会"},
		{"市政协", "市政协2024年第三次双月协商会", "市政协2024年第三次双月协商会"},
		{" 县政协 ", " 专题协商会 ", "县政协专题协商会"},
		{"", "十三届四次会议", "十三届四次会议"},
	}
	for _, c := range cases {
		if got := meeting.FullTitle(c.short, c.title); got != c.want {
			t.Errorf("FullTitle(%q, %q) = %q, want %q", c.short, c.title, got, c.want)
		}
	}
}
