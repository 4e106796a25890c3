package meeting_test

import (
	"strings"
	"testing"
	"time"

	"xieshang/internal/meeting"
)

var minutesZone = time.FixedZone("CST", 8*3600) // the committee zone in these tests

// closing is the closing sitting of 市政协十三届四次会议 as the Liaocheng
// report gives it: 5月27日下午 at 东昌宾馆, presided by 张旋宇.
func closing() meeting.Meeting {
	return meeting.Meeting{Kind: meeting.Sitting, Sitting: meeting.Closing, TermNumber: 13, Seq: 4,
		Title: "十三届四次会议闭幕会", Place: "东昌宾馆", Presider: "张旋宇",
		StartsAt: time.Date(2020, 5, 27, 15, 0, 0, 0, minutesZone).UTC(), Quorum: meeting.Plenary.DefaultQuorum()}
}

func TestAttendanceLine(t *testing.T) {
	plenary := meeting.Meeting{Kind: meeting.Plenary, Title: "十三届四次会议", Quorum: meeting.Plenary.DefaultQuorum()}
	opening := closing()
	opening.Sitting = meeting.Opening
	election := closing()
	election.Sitting = meeting.Election
	cases := []struct {
		m    meeting.Meeting
		a    meeting.Attendance
		want string
	}{
		// The report's own sentence.
		{closing(), meeting.Attendance{Expected: 419, Present: 386}, "闭幕大会应到委员419人，实到386人，符合规定人数。"},
		{opening, meeting.Attendance{Expected: 419, Present: 386, Excused: 21}, "开幕大会应到委员419人，实到386人，请假21人，符合规定人数。"},
		{election, meeting.Attendance{Expected: 419, Present: 210}, "选举大会应到委员419人，实到210人，符合规定人数。"},
		// More than half of 419 is 210: 209 does not do.
		{plenary, meeting.Attendance{Expected: 419, Present: 209}, "会议应到委员419人，实到209人，不符合规定人数。"},
		{plenary, meeting.Attendance{Expected: 3, Present: 2, Excused: 1}, "会议应到委员3人，实到2人，请假1人，符合规定人数。"},
	}
	for _, c := range cases {
		if got := meeting.AttendanceLine(c.m, c.a); got != c.want {
			t.Errorf("AttendanceLine(%s, %+v) = %q, want %q", c.m.Title, c.a, got, c.want)
		}
	}
}

func TestAdoptedSentence(t *testing.T) {
	plan := meeting.AgendaResult{Title: "政协第十三届聊城市委员会2020年协商工作计划", Voted: true, Passed: true,
		Tally: meeting.Tally{For: 380, Against: 2, Abstain: 4}, Expected: 419, Present: 386}
	resolution := meeting.AgendaResult{Title: "政协第十三届聊城市委员会第四次会议决议", Bare: true, Voted: true, Passed: true,
		Tally: meeting.Tally{For: 383, Abstain: 3}, Expected: 419, Present: 386}
	failed := meeting.AgendaResult{Title: "关于调整会期的建议", Voted: true, Tally: meeting.Tally{For: 100, Against: 286},
		Expected: 419, Present: 386}
	pending := meeting.AgendaResult{Title: "《政协章程》修正案"}
	cases := []struct {
		items []meeting.AgendaResult
		want  string
	}{
		// The report's own sentence.
		{[]meeting.AgendaResult{plan, resolution},
			"会议审议通过了《政协第十三届聊城市委员会2020年协商工作计划》、政协第十三届聊城市委员会第四次会议决议。"},
		{[]meeting.AgendaResult{plan, failed, pending},
			"会议审议通过了《政协第十三届聊城市委员会2020年协商工作计划》。《关于调整会期的建议》未获通过。"},
		{[]meeting.AgendaResult{failed}, "《关于调整会期的建议》未获通过。"},
		{[]meeting.AgendaResult{pending}, ""},
		{nil, ""},
		// Drafts adopted lose their 草案 mark; one voted down keeps it.
		{[]meeting.AgendaResult{
			{Title: "明湖市政协十三届四次会议选举办法（草案）", Voted: true, Passed: true},
			{Title: "《总监票人、监票人名单(草案)》", Voted: true, Passed: true},
			{Title: "关于调整会期的建议（草案）", Voted: true}},
			"会议审议通过了《明湖市政协十三届四次会议选举办法》、《总监票人、监票人名单》。《关于调整会期的建议（草案）》未获通过。"},
	}
	for _, c := range cases {
		if got := meeting.AdoptedSentence(c.items); got != c.want {
			t.Errorf("AdoptedSentence = %q, want %q", got, c.want)
		}
	}
	lines := []struct {
		it   meeting.AgendaResult
		want string
	}{
		{plan, "《政协第十三届聊城市委员会2020年协商工作计划》表决结果：应到419人，实到386人；赞成380票，反对2票，弃权4票，未投票0人，通过。"},
		{failed, "《关于调整会期的建议》表决结果：应到419人，实到386人；赞成100票，反对286票，弃权0票，未投票0人，未通过。"},
		{pending, "《政协章程》修正案尚未表决。"},
	}
	for _, c := range lines {
		if got := meeting.ResultLine(c.it); got != c.want {
			t.Errorf("ResultLine = %q, want %q", got, c.want)
		}
	}
}

func TestMinutesSentences(t *testing.T) {
	m := closing()
	if got, want := meeting.OpeningSentence(m, "市政协", minutesZone), "2020年5月27日下午，市政协十三届四次会议闭幕会在东昌宾馆举行。"; got != want {
		t.Errorf("OpeningSentence = %q, want %q", got, want)
	}
	if got, want := meeting.PresiderSentence(m), "张旋宇主持闭幕大会。"; got != want {
		t.Errorf("PresiderSentence = %q, want %q", got, want)
	}
	m.Presider = " "
	if got := meeting.PresiderSentence(m); got != "" {
		t.Errorf("PresiderSentence without presider = %q", got)
	}
	guests := []meeting.GuestLine{{Name: "孙爱军", Position: "中共聊城市委书记"}, {Name: "李长萍", Position: "市委副书记、代市长"}}
	if got, want := meeting.GuestSentence(closing(), guests, "应邀出席"), "中共聊城市委书记孙爱军，市委副书记、代市长李长萍应邀出席闭幕大会。"; got != want {
		t.Errorf("GuestSentence = %q, want %q", got, want)
	}
	if got := meeting.GuestSentence(closing(), nil, "列席"); got != "" {
		t.Errorf("GuestSentence without guests = %q", got)
	}
	if got, want := meeting.LeaveSentence([]string{"张三", "李四"}), "请假委员（2人）：张三、李四。"; got != want {
		t.Errorf("LeaveSentence = %q, want %q", got, want)
	}
	if got := meeting.LeaveSentence(nil); got != "" {
		t.Errorf("LeaveSentence(nil) = %q", got)
	}
	if got, want := meeting.MinutesTitle("市政协十三届四次会议"), "市政协十三届四次会议纪要"; got != want {
		t.Errorf("MinutesTitle = %q", got)
	}
	for _, c := range []struct {
		signed, excused, closed bool
		want                    string
	}{
		{true, false, false, "出席"}, {true, true, true, "出席"}, {false, true, false, "请假"},
		{false, false, true, "缺席"}, {false, false, false, "未签到"},
	} {
		if got := meeting.SheetStatus(c.signed, c.excused, c.closed); got != c.want {
			t.Errorf("SheetStatus(%v, %v, %v) = %q, want %q", c.signed, c.excused, c.closed, got, c.want)
		}
	}
}

func TestNoticeText(t *testing.T) {
	m := meeting.Meeting{Kind: meeting.Plenary, Title: "十三届四次会议", Place: "东昌宾馆",
		StartsAt: time.Date(2020, 5, 24, 9, 0, 0, 0, minutesZone), EndsAt: time.Date(2020, 5, 27, 17, 0, 0, 0, minutesZone)}
	issued := time.Date(2020, 5, 18, 10, 0, 0, 0, minutesZone)
	subject, body := meeting.NoticeText(m, "市政协", []string{"政协第十三届聊城市委员会2020年协商工作计划", "政协第十三届聊城市委员会第四次会议决议"}, issued, minutesZone)
	if subject != "关于召开市政协十三届四次会议的通知" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{
		"各位委员：\n",
		"经研究，定于2020年5月24日上午9:00在东昌宾馆召开市政协十三届四次会议。现将有关事项通知如下：",
		"一、会议时间\n2020年5月24日（星期日）上午9:00，会期至5月27日。",
		"二、会议地点\n东昌宾馆。",
		"三、主要议程\n（一）政协第十三届聊城市委员会2020年协商工作计划；\n（二）政协第十三届聊城市委员会第四次会议决议。",
		"四、有关要求\n请准时出席",
		"向市政协办公室请假",
		"市政协办公室\n2020年5月18日\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("notice lacks %q:\n%s", want, body)
		}
	}
	// A standing-committee meeting on one afternoon, no agenda, no place yet.
	s := meeting.Meeting{Kind: meeting.Standing, Title: "十届九次常委会会议",
		StartsAt: time.Date(2024, 3, 5, 14, 30, 0, 0, minutesZone), EndsAt: time.Date(2024, 3, 5, 17, 0, 0, 0, minutesZone)}
	subject, body = meeting.NoticeText(s, "县政协", nil, time.Time{}, minutesZone)
	if subject != "关于召开县政协十届九次常委会会议的通知" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"各位常委：", "2024年3月5日（星期二）下午14:30至17:00。", "二、会议地点\n另行通知。", "三、有关要求"} {
		if !strings.Contains(body, want) {
			t.Errorf("standing notice lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "主要议程") {
		t.Errorf("notice without agenda has an agenda section:\n%s", body)
	}
	subject, body = meeting.ReminderText(m, "市政协", minutesZone)
	if subject != "会前提醒：市政协十三届四次会议" ||
		!strings.HasPrefix(body, "市政协十三届四次会议将于2020年5月24日（星期日）上午9:00在东昌宾馆召开，请准时出席") {
		t.Errorf("reminder %q / %q", subject, body)
	}
}

func TestRemindersCovered(t *testing.T) {
	start := time.Date(2020, 5, 24, 9, 0, 0, 0, minutesZone)
	before := func(h float64) time.Time { return start.Add(-time.Duration(h * float64(time.Hour))) }
	hours := []int{24, 2}
	cases := []struct {
		name string
		sent []time.Time
		want []int
	}{
		{"notice three days before", []time.Time{before(72)}, nil},
		{"notice 20 hours before settles the day-before reminder", []time.Time{before(20)}, []int{24}},
		{"notice, then the day-before reminder", []time.Time{before(72), before(24)}, []int{24}},
		{"exactly at the rule's time", []time.Time{before(2)}, []int{24, 2}},
		{"one late reminder settles both", []time.Time{before(72), before(1)}, []int{24, 2}},
		{"a minute early settles nothing", []time.Time{before(24 + 1.0/60)}, nil},
		{"nothing sent", nil, nil},
	}
	for _, c := range cases {
		got := meeting.RemindersCovered(start, hours, c.sent)
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	}
}
