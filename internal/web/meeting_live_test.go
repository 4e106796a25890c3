package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

// boardEvent is one event of a board stream: its raw data and the decoded board.
type boardEvent struct {
	raw string
	B   struct {
		Expected   int    `json:"expected"`
		Present    int    `json:"present"`
		Excused    int    `json:"excused"`
		QuorumMet  bool   `json:"quorum_met"`
		QuorumText string `json:"quorum_text"`
		Vote       *struct {
			Item   string `json:"item"`
			Status string `json:"status"`
			Voted  int    `json:"voted"`
			Result string `json:"result"`
			Text   string `json:"text"`
		} `json:"vote"`
	}
}

// boardStream is an open event stream read by a goroutine.
type boardStream struct {
	t      *testing.T
	events chan boardEvent
}

// openBoardStream opens GET path as the client; the stream ends with the test.
func openBoardStream(t *testing.T, c *client, path string) (*boardStream, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", c.e.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, res
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	s := &boardStream{t: t, events: make(chan boardEvent, 100)}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case line == "" && data != nil:
				ev := boardEvent{raw: strings.Join(data, "\n")}
				data = nil
				if err := json.Unmarshal([]byte(ev.raw), &ev.B); err != nil {
					t.Errorf("event %q: %v", ev.raw, err)
					return
				}
				s.events <- ev
			}
		}
	}()
	return s, res
}

// next returns the next event, failing after 5 s.
func (s *boardStream) next() boardEvent {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		s.t.Fatal("no event within 5s")
	}
	return boardEvent{}
}

// until reads events until ok holds for one, checking every event with
// check, and returns that event. Events may repeat a state already sent (the
// change before subscribing is published after it), so it skips those.
func (s *boardStream) until(what string, check func(boardEvent), ok func(boardEvent) bool) boardEvent {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, open := <-s.events:
			if !open {
				s.t.Fatalf("stream ended waiting for %s", what)
			}
			check(ev)
			if ok(ev) {
				return ev
			}
		case <-deadline:
			s.t.Fatalf("no event with %s within 5s", what)
		}
	}
}

func TestMeetingBoardLive(t *testing.T) {
	e := newEnv(t)
	// A server with a known sign-in key, so that the test can sign in by QR.
	key := []byte("0123456789abcdef0123456789abcdef")
	e.web = web.New(e.db, web.Config{SignKey: key}, nil)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.web.Close) // ends open streams before the test server closes
	fx := newMeetingFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	if res := c.post(path+"/open", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", res.StatusCode, body(res))
	}

	// The page names the stream and reloads itself only without JavaScript.
	status, page := c.get(path + "/board")
	if status != http.StatusOK || !strings.Contains(page, `data-board-events="`+path+`/board/events"`) ||
		!strings.Contains(page, `<noscript><meta http-equiv="refresh" content="5"></noscript>`) {
		t.Fatalf("board page %d:\n%s", status, page)
	}

	s, res := openBoardStream(t, c, path+"/board/events")
	if s == nil {
		t.Fatalf("events: %d", res.StatusCode)
	}
	none := func(boardEvent) {}
	first := s.next()
	if first.B.Expected != 3 || first.B.Present != 0 || first.B.QuorumMet || first.B.Vote != nil ||
		!strings.Contains(first.B.QuorumText, "应到委员3人，实到0人") {
		t.Fatalf("first event %s", first.raw)
	}

	// The clerk signs a member in: the next board shows one more present.
	if res := c.post(path+"/signin", url.Values{"member_id": {id(fx.members[1].ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", res.StatusCode, body(res))
	}
	ev := s.until("present 1", none, func(ev boardEvent) bool { return ev.B.Present != 0 })
	if ev.B.Present != 1 || ev.B.QuorumMet || !strings.Contains(ev.B.QuorumText, "实到1人，不符合规定人数") {
		t.Fatalf("after the clerk's sign-in %s", ev.raw)
	}

	// The member signs in with the QR code: two of three, the quorum holds.
	_, qr := c.get(path + "/qr")
	m := regexp.MustCompile(`/s/([A-Za-z0-9_-]{64})`).FindStringSubmatch(qr)
	if m == nil {
		t.Fatalf("no sign-in link on the QR page:\n%s", qr)
	}
	mc := e.login("member-zhang")
	if res := mc.post("/s/"+m[1], nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("QR sign-in: %d\n%s", res.StatusCode, body(res))
	}
	ev = s.until("present 2", none, func(ev boardEvent) bool { return ev.B.Present == 2 })
	if !ev.B.QuorumMet || !strings.Contains(ev.B.QuorumText, "应到委员3人，实到2人，符合规定人数") {
		t.Fatalf("after the QR sign-in %s", ev.raw)
	}

	// A vote: while it is open, how many have voted and nothing else.
	c.post(path+"/agenda", url.Values{"kind": {string(store.AgendaResolution)}, "title": {"政治决议"}})
	items, err := e.db.FindAgendaItems(ctx, app.System, fx.meetingID)
	if err != nil || len(items) != 1 {
		t.Fatalf("items %+v %v", items, err)
	}
	if res := c.post("/agenda/"+id(items[0].ID)+"/vote", url.Values{"mode": {"electronic"}, "meeting_id": {id(fx.meetingID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open vote: %d\n%s", res.StatusCode, body(res))
	}
	secret := func(ev boardEvent) {
		t.Helper()
		if ev.B.Vote != nil && ev.B.Vote.Status == "open" &&
			(strings.Contains(ev.raw, "赞成") || strings.Contains(ev.raw, `"for`) || ev.B.Vote.Result != "") {
			t.Fatalf("open vote shows how members voted: %s", ev.raw)
		}
	}
	ev = s.until("the open vote", secret, func(ev boardEvent) bool { return ev.B.Vote != nil })
	if ev.B.Vote.Status != "open" || ev.B.Vote.Item != "政治决议" || ev.B.Vote.Voted != 0 || ev.B.Vote.Text != "已表决 0 人" {
		t.Fatalf("vote opened %s", ev.raw)
	}
	votes, err := e.db.FindVotes(ctx, app.System, fx.meetingID)
	if err != nil || len(votes) != 1 {
		t.Fatalf("votes %+v %v", votes, err)
	}
	vote := "/votes/" + id(votes[0].ID)
	if res := mc.post(vote+"/ballot", url.Values{"choice": {"for"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ballot: %d\n%s", res.StatusCode, body(res))
	}
	ev = s.until("one ballot", secret, func(ev boardEvent) bool { return ev.B.Vote.Voted == 1 })
	if ev.B.Vote.Status != "open" || ev.B.Vote.Text != "已表决 1 人" {
		t.Fatalf("after the ballot %s", ev.raw)
	}
	if _, page := c.get(path + "/board"); !strings.Contains(page, "已表决 1 人") || strings.Contains(page, "赞成") {
		t.Fatalf("board page during the vote:\n%s", page)
	}

	// Closed: the result.
	if res := c.post(vote+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close vote: %d\n%s", res.StatusCode, body(res))
	}
	want := "赞成1票，反对0票，弃权0票，未投票1人，未通过"
	ev = s.until("the result", secret, func(ev boardEvent) bool { return ev.B.Vote.Status == "closed" })
	if ev.B.Vote.Result != want || ev.B.Vote.Text != want {
		t.Fatalf("after closing %s", ev.raw)
	}

	// A member account expected at the meeting may watch; county B may not
	// learn that the meeting exists.
	if ms, res := openBoardStream(t, mc, path+"/board/events"); ms == nil {
		t.Errorf("member's stream: %d", res.StatusCode)
	} else if ev := ms.next(); ev.B.Vote == nil || ev.B.Vote.Result != want {
		t.Errorf("member's first event %s", ev.raw)
	}
	b := e.login("office-b")
	if bs, res := openBoardStream(t, b, path+"/board/events"); bs != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("county B events: %d", res.StatusCode)
	}
	if status, _ := b.get(path + "/board"); status != http.StatusNotFound {
		t.Errorf("county B board: %d", status)
	}
	// Not signed in: to the login page, no stream.
	if as, res := openBoardStream(t, e.anon(), path+"/board/events"); as != nil || res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous events: %d", res.StatusCode)
	}
}
