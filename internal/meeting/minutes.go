package meeting

import (
	"strconv"
	"strings"
	"time"

	"xieshang/internal/org"
)

// The wording of a meeting's notice (会议通知), its reminder (会前提醒) and
// its minutes (会议纪要), in the style of the committees' own reports:
//
//	闭幕大会应到委员419人，实到386人，符合规定人数。
//	会议审议通过了《政协第十三届聊城市委员会2020年协商工作计划》、政协第十三届聊城市委员会第四次会议决议。
//
// Pure functions of the records: times are given in the committee's zone by
// the caller (loc), nothing reads a clock.

// GuestLine is a guest as the minutes name them: 中共聊城市委书记孙爱军.
type GuestLine struct {
	Name     string
	Position string // 单位及职务, written before the name
}

// AgendaResult is one agenda item as the minutes report it.
type AgendaResult struct {
	Title  string
	Bare   bool // named without 《》: the meeting's own resolution (…第四次会议决议)
	Voted  bool // a vote on it has closed
	Passed bool
	Tally  Tally
	// Expected and Present are the figures frozen when the vote closed.
	Expected, Present int
}

// DocName writes a document's name as a report does: in book-title marks
// 《…》, unless bare (the meeting's own resolution is named without them) or
// the title already carries them.
func DocName(title string, bare bool) string {
	title = strings.TrimSpace(title)
	if bare || title == "" || strings.HasPrefix(title, "《") {
		return title
	}
	return "《" + title + "》"
}

var weekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// DayPart is 上午 before noon, 下午 until six, 晚上 after.
func DayPart(t time.Time) string {
	switch h := t.Hour(); {
	case h < 12:
		return "上午"
	case h < 18:
		return "下午"
	}
	return "晚上"
}

// clock is 9:00, 14:30 (24-hour, no leading zero).
func clock(t time.Time) string {
	return strconv.Itoa(t.Hour()) + ":" + twoDigits(t.Minute())
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// dateText is 2020年5月27日.
func dateText(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// DateTimeText is a start as a notice gives it: 2020年5月27日（星期三）下午15:00.
// t is in the committee's zone.
func DateTimeText(t time.Time) string {
	return dateText(t) + "（星期" + weekdays[t.Weekday()] + "）" + DayPart(t) + clock(t)
}

// WhenText is a meeting's time as a notice gives it: the start, and the end
// on the same day (…上午9:00至11:30) or another day (…至5月27日). Both in loc.
func WhenText(m Meeting, loc *time.Location) string {
	if m.StartsAt.IsZero() {
		return "另行通知"
	}
	s := DateTimeText(m.StartsAt.In(loc))
	if m.EndsAt.IsZero() {
		return s
	}
	start, end := m.StartsAt.In(loc), m.EndsAt.In(loc)
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		return s + "至" + clock(end)
	}
	if start.Year() == end.Year() {
		return s + "，会期至" + strconv.Itoa(int(end.Month())) + "月" + strconv.Itoa(end.Day()) + "日"
	}
	return s + "，会期至" + dateText(end)
}

// Addressees is whom a notice of a meeting with this body is addressed to.
func (b Body) Addressees() string {
	switch b {
	case BodyStanding:
		return "各位常委"
	case BodyChairs:
		return "各位主席、副主席、秘书长"
	}
	return "各位委员"
}

// Office is the committee's office that signs notices: 市政协办公室.
func Office(committee string) string {
	committee = strings.TrimSpace(committee)
	if committee == "" {
		return "政协办公室"
	}
	return committee + "办公室"
}

// NoticeText composes a meeting's notice (会议通知) in the official style:
//
//	关于召开市政协十三届四次会议的通知
//
//	各位委员：
//	经研究，定于2020年5月24日（星期日）上午9:00在东昌宾馆召开市政协十三届四次会议。现将有关事项通知如下：
//	一、会议时间 … 二、会议地点 … 三、主要议程 （一）… 四、有关要求 …
//	市政协办公室
//	2020年5月20日
//
// committee is the committee's short name (市政协, 甲县政协); agenda the
// titles of the agenda items in order; issued the day the notice goes out;
// times are shown in loc.
func NoticeText(m Meeting, committee string, agenda []string, issued time.Time, loc *time.Location) (subject, body string) {
	title := FullTitle(committee, m.Title)
	subject = "关于召开" + title + "的通知"
	place := strings.TrimSpace(m.Place)
	var b strings.Builder
	b.WriteString(m.Kind.Body().Addressees() + "：\n\n")
	b.WriteString("经研究，定于" + startText(m, loc))
	if place != "" {
		b.WriteString("在" + place)
	}
	b.WriteString("召开" + title + "。现将有关事项通知如下：\n\n")
	n := 0
	section := func(head string) {
		n++
		b.WriteString(org.Numeral(n) + "、" + head + "\n")
	}
	section("会议时间")
	b.WriteString(WhenText(m, loc) + "。\n\n")
	section("会议地点")
	if place == "" {
		place = "另行通知"
	}
	b.WriteString(place + "。\n\n")
	var items []string
	for _, a := range agenda {
		if a = strings.TrimSpace(a); a != "" {
			items = append(items, a)
		}
	}
	if topic := strings.TrimSpace(m.Topic); topic != "" || len(items) > 0 {
		section("主要议程")
		if topic != "" {
			b.WriteString("协商议题：" + topic + "。\n")
		}
		for i, a := range items {
			end := "；"
			if i == len(items)-1 {
				end = "。"
			}
			b.WriteString("（" + org.Numeral(i+1) + "）" + a + end + "\n")
		}
		b.WriteString("\n")
	}
	section("有关要求")
	b.WriteString("请准时出席，会前在会场扫描二维码签到。因故不能出席的，请于会前通过平台提交请假申请，或向" +
		Office(committee) + "请假。\n\n")
	b.WriteString(Office(committee) + "\n")
	if !issued.IsZero() {
		b.WriteString(dateText(issued.In(loc)) + "\n")
	}
	return subject, b.String()
}

// startText is the start without the weekday, as the opening line says it:
// 2020年5月24日上午9:00.
func startText(m Meeting, loc *time.Location) string {
	if m.StartsAt.IsZero() {
		return ""
	}
	t := m.StartsAt.In(loc)
	return dateText(t) + DayPart(t) + clock(t)
}

// ReminderText composes the short reminder sent before a meeting; it fits
// an SMS with the subject alone and names the time and place in the body:
//
//	会前提醒：市政协十三届四次会议
//	市政协十三届四次会议将于2020年5月24日（星期日）上午9:00在东昌宾馆召开，请准时出席。…
func ReminderText(m Meeting, committee string, loc *time.Location) (subject, body string) {
	title := FullTitle(committee, m.Title)
	subject = "会前提醒：" + title
	body = title + "将于" + DateTimeText(m.StartsAt.In(loc))
	if p := strings.TrimSpace(m.Place); p != "" {
		body += "在" + p
	}
	body += "召开，请准时出席，到场后扫描会场二维码签到。因故不能出席的，请及时请假。"
	return subject, body
}

// MinutesTitle is the heading of the minutes: 市政协十三届四次会议纪要.
func MinutesTitle(fullTitle string) string { return fullTitle + "纪要" }

// assembly is how the minutes call the meeting: 闭幕大会, 开幕大会, 选举大会
// for sittings of a plenary session, 会议 otherwise.
func assembly(m Meeting) string {
	if m.Kind == Sitting {
		switch m.Sitting {
		case Opening:
			return "开幕大会"
		case Closing:
			return "闭幕大会"
		case Election:
			return "选举大会"
		case Speeches:
			return "大会"
		}
	}
	return "会议"
}

// OpeningSentence is the first line of the minutes:
// 2020年5月27日下午，市政协十三届四次会议闭幕会在东昌宾馆举行。
func OpeningSentence(m Meeting, committee string, loc *time.Location) string {
	s := ""
	if !m.StartsAt.IsZero() {
		t := m.StartsAt.In(loc)
		s = dateText(t) + DayPart(t) + "，"
	}
	s += FullTitle(committee, m.Title)
	if p := strings.TrimSpace(m.Place); p != "" {
		s += "在" + p
	}
	return s + "举行。"
}

// AttendanceLine is the attendance sentence of the minutes, the quorum
// sentence with the meeting's name before it:
// 闭幕大会应到委员419人，实到386人，符合规定人数。
func AttendanceLine(m Meeting, a Attendance) string {
	return assembly(m) + QuorumSentence(a, m.Quorum) + "。"
}

// PresiderSentence is 张旋宇主持闭幕大会。 ("" without a presider).
func PresiderSentence(m Meeting) string {
	p := strings.TrimSpace(m.Presider)
	if p == "" {
		return ""
	}
	return p + "主持" + assembly(m) + "。"
}

// GuestSentence names guests apart from the members, each with the position
// before the name, the way the report does:
// 中共聊城市委书记孙爱军，市委副书记、代市长李长萍应邀出席会议。
// how is 应邀出席 or 列席. No guests: "".
func GuestSentence(m Meeting, guests []GuestLine, how string) string {
	if len(guests) == 0 {
		return ""
	}
	names := make([]string, len(guests))
	for i, g := range guests {
		names[i] = strings.TrimSpace(g.Position) + strings.TrimSpace(g.Name)
	}
	return strings.Join(names, "，") + how + assembly(m) + "。"
}

// AdoptedSentence lists the documents the meeting adopted:
// 会议审议通过了《政协第十三届聊城市委员会2020年协商工作计划》、政协第十三届聊城市委员会第四次会议决议。
// A draft adopted is named without its 草案 mark (《…选举办法（草案）》 is
// adopted as 《…选举办法》). Items voted down follow in a sentence of their
// own (《…》未获通过。); items not yet voted on are not mentioned. Nothing
// voted: "".
func AdoptedSentence(items []AgendaResult) string {
	var passed, failed []string
	for _, it := range items {
		if !it.Voted {
			continue
		}
		if it.Passed {
			passed = append(passed, DocName(AdoptedTitle(it.Title), it.Bare))
		} else {
			failed = append(failed, DocName(it.Title, it.Bare))
		}
	}
	s := ""
	if len(passed) > 0 {
		s = "会议审议通过了" + strings.Join(passed, "、") + "。"
	}
	if len(failed) > 0 {
		s += strings.Join(failed, "、") + "未获通过。"
	}
	return s
}

// AdoptedTitle is a draft's title once adopted: without the trailing
// （草案） (or (草案)) mark, inside book-title marks or not.
func AdoptedTitle(title string) string {
	t := strings.TrimSpace(title)
	closing := strings.HasSuffix(t, "》")
	t = strings.TrimSuffix(t, "》")
	for _, mark := range []string{"（草案）", "(草案)"} {
		if strings.HasSuffix(t, mark) {
			t = strings.TrimSuffix(t, mark)
			if closing {
				t += "》"
			}
			return t
		}
	}
	return strings.TrimSpace(title)
}

// ResultLine gives one vote's figures for the record:
// 《…》表决结果：应到419人，实到386人；赞成380票，反对2票，弃权4票，未投票0人，通过。
// An item without a closed vote: 《…》尚未表决。
func ResultLine(it AgendaResult) string {
	name := DocName(it.Title, it.Bare)
	if !it.Voted {
		return name + "尚未表决。"
	}
	return name + "表决结果：应到" + strconv.Itoa(it.Expected) + "人，实到" + strconv.Itoa(it.Present) + "人；" +
		it.Tally.Sentence(it.Passed) + "。"
}

// LeaveSentence lists the members excused: 请假委员（2人）：张三、李四。
// Nobody: "".
func LeaveSentence(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "请假委员（" + strconv.Itoa(len(names)) + "人）：" + strings.Join(names, "、") + "。"
}

// SheetStatus is an expected member's standing in the attendance sheet: 出席 when
// signed in, 请假 with approved leave, 缺席 once the meeting has closed
// without either, 未签到 before.
func SheetStatus(signedIn, excused, closed bool) string {
	switch {
	case signedIn:
		return "出席"
	case excused:
		return "请假"
	case closed:
		return "缺席"
	}
	return "未签到"
}

// RemindersCovered works out which reminder rules (hours before the start)
// are settled for a meeting starting at start, given when its notice and
// its reminders went out: a message sent at t settles every rule whose time
// had come by then (start − hours ≤ t). A notice sent 20 hours before thus
// settles the 24-hour reminder, and one reminder sent late settles every
// rule that came due together, as notice.DueReminders sends one for them.
func RemindersCovered(start time.Time, hours []int, sentAt []time.Time) []int {
	var out []int
	for _, h := range hours {
		due := start.Add(-time.Duration(h) * time.Hour)
		for _, t := range sentAt {
			if !t.Before(due) {
				out = append(out, h)
				break
			}
		}
	}
	return out
}
