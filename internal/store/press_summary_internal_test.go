package store

import (
	"strings"
	"testing"

	"xieshang/internal/press"
)

// An activity from a press item names the meeting's numbering and the
// election results the item states before its text.
func TestPressSummaryNamesMeetingAndElected(t *testing.T) {
	m := "十三届四次会议"
	it := PressItem{Seq: 1, SourceName: "聊城日报.txt", Article: press.Article{Meeting: &m, Text: "闭幕大会应到委员419人，实到386人。",
		Elected: []press.Elected{{Name: "王学臣", Office: "市政协副主席"}, {Count: 11, Office: "市政协常委"}}}}
	got := pressSummary(it)
	for _, want := range []string{"会议届次：十三届四次会议\n", "选举结果：王学臣当选市政协副主席，11人当选市政协常委\n", "应到委员419人"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
}
