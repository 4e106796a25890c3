package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// seatingFixture is county A's term with a chair, three vice-chairs, a
// secretary-general, a standing-committee member and two members in two
// sectors (教育界 sorted before 经济界, though created after it), and a
// plenary meeting with two invited leaders and one attending guest.
type seatingFixture struct {
	meetingID int64
	guests    []store.Guest // invited: 孙书记, 李市长
}

func newSeatingFixture(t *testing.T, e *env) seatingFixture {
	t.Helper()
	ctx := context.Background()
	today := e.db.Today()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13,
		StartDate: app.DateOf(today.Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	econ, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 2})
	if err != nil {
		t.Fatal(err)
	}
	edu, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "教育界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	add := func(name string, sector org.Sector, role member.RoleKind) {
		t.Helper()
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if _, err := e.db.AddRole(ctx, app.System, m.ID, member.RoleInput{TermID: term.ID, Kind: role,
				StartDate: term.StartDate}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Vice-chairs go by name (code point): 张 < 李 < 王.
	add("王副", econ, member.ViceChair)
	add("甲主席", econ, member.Chair)
	add("赵秘", econ, member.SecretaryGeneral)
	add("李副", econ, member.ViceChair)
	add("钱委", econ, "")
	add("张副", econ, member.ViceChair)
	add("孙委", edu, "")
	add("周常", edu, member.Standing)
	starts := e.db.Now().In(e.db.Loc).Add(24 * time.Hour)
	m, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
		StartsAt: starts, Place: "县会议中心"})
	if err != nil {
		t.Fatal(err)
	}
	fx := seatingFixture{meetingID: m.ID}
	c := e.login("office-a")
	for _, g := range [][3]string{{"孙书记", "中共甲县县委书记", "invited"}, {"李市长", "甲县人民政府县长", "invited"},
		{"吴列席", "县发改局局长", "attending"}} {
		res := c.post("/meetings/"+id(m.ID)+"/guests", url.Values{"name": {g[0]}, "position": {g[1]}, "kind": {g[2]}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add guest %s: %d\n%s", g[0], res.StatusCode, body(res))
		}
	}
	guests, err := e.db.FindGuests(ctx, app.System, m.ID)
	if err != nil || len(guests) != 3 {
		t.Fatalf("guests %+v %v", guests, err)
	}
	fx.guests = guests[:2]
	return fx
}

var rostrumNameRe = regexp.MustCompile(`<span class="rostrum-name">([^<]+)</span>`)

// rostrumRow reads the rostrum's names off the page, left to right.
func rostrumRow(page string) string {
	var names []string
	for _, m := range rostrumNameRe.FindAllStringSubmatch(page, -1) {
		names = append(names, m[1])
	}
	return strings.Join(names, " ")
}

func TestMeetingSeatingRostrumAndHall(t *testing.T) {
	e := newEnv(t)
	fx := newSeatingFixture(t, e)
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID) + "/seating"

	if _, page := c.get("/meetings/" + id(fx.meetingID)); !strings.Contains(page, `href="`+path+`"`) {
		t.Fatalf("meeting page lacks the seating link:\n%s", page)
	}
	status, page := c.get(path)
	if status != http.StatusOK || !strings.Contains(page, "面向主席台从左至右（以左为尊）") {
		t.Fatalf("seating page %d:\n%s", status, page)
	}
	// Protocol order, invited first: 孙书记 李市长 甲主席 张副 李副 王副 赵秘 (A–G);
	// 以左为尊 seats seven as G E C A B D F.
	want := "赵秘 李副 甲主席 孙书记 李市长 张副 王副"
	if got := rostrumRow(page); got != want {
		t.Fatalf("rostrum (left-hand second) = %s, want %s", got, want)
	}
	if strings.Contains(page, `rostrum-name">吴列席`) || strings.Contains(page, `rostrum-name">周常`) {
		t.Fatal("an attending guest or a standing-committee member on the rostrum")
	}
	// The hall: 教育界 (sort 1) before 经济界 (sort 2), each from a fresh row; 常委 first.
	edu, econ := strings.Index(page, "<h3>教育界"), strings.Index(page, "<h3>经济界")
	if edu < 0 || econ < 0 || edu > econ {
		t.Fatalf("sector blocks out of order (%d, %d):\n%s", edu, econ, page)
	}
	if !strings.Contains(page, "会场座位（3人，每排20座）") || !strings.Contains(page, "第1排，2人") ||
		!strings.Contains(page, "第2排，1人") || strings.Index(page, "周常") > strings.Index(page, "孙委") {
		t.Fatalf("hall plan:\n%s", page)
	}

	// The mirror convention, saved as the meeting's data.
	res := c.post(path, url.Values{"op": {"settings"}, "odd_second": {"left"}, "even_second": {"left"},
		"invited_first": {"1"}, "seats_per_row": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?ok=seating_saved" {
		t.Fatalf("save settings: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(res))
	}
	_, page = c.get(path + "?ok=seating_saved")
	want = "王副 张副 李市长 孙书记 甲主席 李副 赵秘" // F D B A C E G
	if got := rostrumRow(page); got != want {
		t.Fatalf("rostrum (right-hand second) = %s, want %s", got, want)
	}
	if !strings.Contains(page, "座次设置已保存") || !strings.Contains(page, "以右为尊") ||
		!strings.Contains(page, "第1–2排，2人") || !strings.Contains(page, "第3排，1人") {
		t.Fatalf("after saving:\n%s", page)
	}
	s, err := e.db.FindSeating(context.Background(), app.System, fx.meetingID)
	if err != nil || s.Settings.SeatsPerRow != 1 || s.Settings.Convention != meeting.RightHandSecond {
		t.Fatalf("stored settings %+v %v", s.Settings, err)
	}

	// Invited after the committee's own: 甲主席 张副 李副 王副 赵秘 孙书记 李市长.
	c.post(path, url.Values{"op": {"settings"}, "odd_second": {"left"}, "even_second": {"left"}, "seats_per_row": {"20"}})
	_, page = c.get(path)
	if got, want := rostrumRow(page), "孙书记 王副 张副 甲主席 李副 赵秘 李市长"; got != want {
		t.Fatalf("rostrum (invited after) = %s, want %s", got, want)
	}

	// A bad width: the form again, with what was typed.
	res = c.post(path, url.Values{"op": {"settings"}, "odd_second": {"right"}, "even_second": {"right"}, "seats_per_row": {"0"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "每排座位数应在1至100之间") ||
		!strings.Contains(b, `name="seats_per_row" type="number" value="0"`) {
		t.Fatalf("bad width: %d\n%s", res.StatusCode, b)
	}

	// Move the mayor up; take the secretary off the rostrum.
	res = c.post(path, url.Values{"op": {"up"}, "guest_id": {id(fx.guests[1].ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("move up: %d\n%s", res.StatusCode, body(res))
	}
	guests, err := e.db.FindGuests(context.Background(), app.System, fx.meetingID)
	if err != nil || guests[0].Name != "李市长" || guests[1].Name != "孙书记" {
		t.Fatalf("guests after the move %+v %v", guests, err)
	}
	if res := c.post(path, url.Values{"op": {"off"}, "guest_id": {id(fx.guests[0].ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("off the rostrum: %d\n%s", res.StatusCode, body(res))
	}
	_, page = c.get(path)
	// 甲主席 张副 李副 王副 赵秘 李市长 → F D B A C E (even count, 以右为尊).
	if got, want := rostrumRow(page), "李市长 王副 张副 甲主席 李副 赵秘"; got != want {
		t.Fatalf("rostrum after the changes = %s, want %s", got, want)
	}
	if !strings.Contains(page, "不在主席台") {
		t.Fatalf("guest list:\n%s", page)
	}
	// The attending guest has no place on the rostrum list.
	guests, _ = e.db.FindGuests(context.Background(), app.System, fx.meetingID)
	if res := c.post(path, url.Values{"op": {"up"}, "guest_id": {id(guests[2].ID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("move an attending guest: %d", res.StatusCode)
	}

	// Name cards: the rostrum in protocol order, then the hall.
	status, cards := c.get("/meetings/" + id(fx.meetingID) + "/namecards")
	if status != http.StatusOK || strings.Count(cards, `<section class="namecard">`) != 9 {
		t.Fatalf("name cards %d:\n%s", status, cards)
	}
	order := []string{"甲主席", "张副", "李副", "王副", "赵秘", "李市长", "周常", "孙委", "钱委"}
	last := -1
	for _, n := range order {
		i := strings.Index(cards, `<span class="namecard-name">`+n+`</span>`)
		if i <= last {
			t.Fatalf("name card %s out of order:\n%s", n, cards)
		}
		last = i
	}
}

func TestMeetingSeatingAccess(t *testing.T) {
	e := newEnv(t)
	fx := newSeatingFixture(t, e)
	path := "/meetings/" + id(fx.meetingID) + "/seating"
	cards := "/meetings/" + id(fx.meetingID) + "/namecards"

	// County B: not found, whatever it tries.
	b := e.login("office-b")
	for _, p := range []string{path, cards} {
		if status, _ := b.get(p); status != http.StatusNotFound {
			t.Errorf("county B GET %s: %d", p, status)
		}
	}
	if res := b.post(path, url.Values{"op": {"settings"}, "odd_second": {"left"}, "even_second": {"left"},
		"seats_per_row": {"5"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B POST: %d", res.StatusCode)
	}
	if res := b.post(path, url.Values{"op": {"down"}, "guest_id": {id(fx.guests[0].ID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B move: %d", res.StatusCode)
	}

	// A leader reads, without the settings form, and may not change anything.
	l := e.login("leader-a")
	status, page := l.get(path)
	if status != http.StatusOK || rostrumRow(page) == "" || strings.Contains(page, "座次设置") || strings.Contains(page, ">上移<") {
		t.Fatalf("leader's page %d:\n%s", status, page)
	}
	if res := l.post(path, url.Values{"op": {"settings"}, "odd_second": {"left"}, "even_second": {"left"},
		"seats_per_row": {"5"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader POST: %d", res.StatusCode)
	}
	if res := l.post(path, url.Values{"op": {"down"}, "guest_id": {id(fx.guests[0].ID)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader move: %d", res.StatusCode)
	}
	s, err := e.db.FindSeating(context.Background(), app.System, fx.meetingID)
	if err != nil || s.Settings != store.DefaultSeating || s.Guests[0].ID != fx.guests[0].ID {
		t.Fatalf("seating changed by others: %+v %v", s, err)
	}

	// A member account does not see the office's seating chart.
	ctx := context.Background()
	ms, _, err := e.db.FindMembers(ctx, app.System, store.MemberFilter{CommitteeID: e.countyA.ID, Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("members %v", err)
	}
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "member-seat", DisplayName: ms[0].Name,
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: ms[0].ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if status, _ := e.login("member-seat").get(path); status != http.StatusForbidden {
		t.Errorf("member account GET: %d", status)
	}
}
