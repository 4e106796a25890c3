package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/live"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The live board: the hall's screen (GET /meetings/{id}/board) shows 应到,
// 实到, 请假, whether the quorum holds and, for the meeting's latest vote,
// while it is open only how many have voted and once it closes the result —
// never a running tally that could sway those still voting. The page keeps
// itself current through Server-Sent Events (GET /meetings/{id}/board/events,
// internal/live): each event is the whole board as JSON (boardData), built by
// the same function that renders the page.
//
// Publishing. Every handler that changes what the board shows calls
// s.publishMeeting after its store call succeeded. That only marks the
// meeting dirty; a goroutine per meeting (boardFeed.run) builds the snapshot
// and publishes it at most once per boardInterval (200 ms), so 2,000 ballots
// a second cost five snapshots a second, not 2,000, and no request waits for
// one. The goroutine also keeps the latest snapshot of the topic (whatever
// node published it: on PostgreSQL messages come back through LISTEN/NOTIFY),
// so that 2,000 boards opening at once read it once. It ends after
// boardIdle without changes or readers, or when the Hub closes: no leak.

// meetingLiveRoutes: the board's event stream. The board page itself is in
// meetingRoutes.
func (s *Server) meetingLiveRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/meetings/{id}/board/events", Perm: auth.MeetingRead, Handle: s.boardEvents},
	}
}

const (
	// boardInterval is the shortest time between two snapshots of one
	// meeting: changes within it are published together.
	boardInterval = 200 * time.Millisecond
	// boardIdle is how long a meeting's feed goroutine lives without a
	// change or a reader.
	boardIdle = time.Minute
	// boardResyncWindow: resync signals noticed within this time of each
	// other are one resync (the Hub sends it to every stream at once), so
	// that thousands of streams refresh from one read.
	boardResyncWindow = 500 * time.Millisecond
)

// boardTopic is the live topic of a meeting's board.
func boardTopic(id int64) string { return "board/" + strconv.FormatInt(id, 10) }

// boardData is the board as the page and the stream show it.
type boardData struct {
	Title      string     `json:"title"`
	Expected   int        `json:"expected"` // 应到
	Present    int        `json:"present"`  // 实到
	Excused    int        `json:"excused"`  // 请假
	Absent     int        `json:"absent"`   // 缺席
	QuorumMet  bool       `json:"quorum_met"`
	QuorumText string     `json:"quorum_text"` // 应到委员…人，实到…人，符合规定人数
	Vote       *boardVote `json:"vote,omitempty"`
	// Election is a sitting's latest election with ballots out (election_board.go).
	Election *boardElection `json:"election,omitempty"`
}

// boardVote is the meeting's latest vote. While an electronic vote is open it
// carries how many have voted and nothing about how.
type boardVote struct {
	Item   string `json:"item"`
	Status string `json:"status"` // "open" (electronic), "hands" (show of hands under way), "closed"
	Voted  int    `json:"voted"`  // ballots cast, while open
	Result string `json:"result,omitempty"`
	Text   string `json:"text"` // the line the board shows
}

// boardSnapshot reads the board of a meeting in the actor's subtree. It is
// the one function behind the page, the initial event and every published
// event.
func (s *Server) boardSnapshot(ctx context.Context, a app.Actor, id int64) (boardData, error) {
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return boardData{}, err
	}
	att, err := s.db.AttendanceOf(ctx, a, id)
	if err != nil {
		return boardData{}, err
	}
	votes, err := s.db.FindVotes(ctx, a, id)
	if err != nil {
		return boardData{}, err
	}
	d := boardData{Title: m.Title, Expected: att.Expected, Present: att.Present, Excused: att.Excused, Absent: att.Absent,
		QuorumMet: m.Quorum.Met(att.Expected, att.Present), QuorumText: meeting.QuorumSentence(att, m.Quorum)}
	if len(votes) > 0 {
		v := votes[len(votes)-1]
		bv := &boardVote{Item: v.ItemTitle}
		switch {
		case v.Status == store.VoteClosed:
			bv.Status, bv.Result = "closed", v.Tally.Sentence(v.Passed)
			bv.Text = bv.Result
		case v.Mode == store.VoteElectronic:
			p, err := s.db.VoteProgress(ctx, a, v.ID)
			if err != nil {
				return boardData{}, err
			}
			bv.Status, bv.Voted = "open", p.Cast
			bv.Text = "已表决 " + strconv.Itoa(p.Cast) + " 人"
		default:
			bv.Status, bv.Text = "hands", "举手表决进行中"
		}
		d.Vote = bv
	}
	if m.Kind == meeting.Sitting { // elections (election_board.go)
		if d.Election, err = s.boardElectionOf(ctx, a, id, m.CommitteeID); err != nil {
			return boardData{}, err
		}
	}
	return d, nil
}

// boardJSON is boardSnapshot encoded for the stream.
func (s *Server) boardJSON(ctx context.Context, a app.Actor, id int64) ([]byte, error) {
	d, err := s.boardSnapshot(ctx, a, id)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, app.Internal(err, "board json")
	}
	return b, nil
}

// boardAccess checks that the account may watch a meeting's board: the
// meeting is in its subtree and, for a member's own account, expects it.
// Anything else is not found.
func (s *Server) boardAccess(r *http.Request, id int64) error {
	ctx, a := r.Context(), actor(r)
	if memberAccount(r) {
		_, err := s.ownLine(ctx, a, id)
		return err
	}
	_, err := s.db.FindMeetingByID(ctx, a, id)
	return err
}

// meetingBoard renders the hall's screen; app.js keeps it current.
func (s *Server) meetingBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.boardAccess(r, id); err != nil {
		return err
	}
	b, err := s.boards.snapshot(r.Context(), actor(r), id, time.Time{}, true)
	if err != nil {
		return err
	}
	var d boardData
	if err := json.Unmarshal(b, &d); err != nil {
		return app.Internal(err, "board json")
	}
	return render(w, r, http.StatusOK, view.BoardPage(boardView(id, d)))
}

// boardView is the page's view of a snapshot.
func boardView(id int64, d boardData) view.BoardView {
	v := view.BoardView{ID: id, Title: d.Title, EventsURL: "/meetings/" + app.Itoa(id) + "/board/events",
		Att: view.AttendanceView{Expected: d.Expected, Present: d.Present, Excused: d.Excused, Absent: d.Absent,
			Sentence: d.QuorumText, Met: d.QuorumMet}}
	if d.Vote != nil {
		v.VoteItem, v.VoteOpen, v.Cast, v.Result = d.Vote.Item, d.Vote.Status == "open", d.Vote.Voted, d.Vote.Result
		v.Sentence = d.Vote.Text
	}
	v.Election = electionBoardView(d.Election) // election_board.go
	return v
}

// boardEvents streams a meeting's board: the snapshot now, then every
// published one. It subscribes before reading the snapshot, so that no change
// falls between the two.
func (s *Server) boardEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.boardAccess(r, id); err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	events, cancel := s.hub.Subscribe(ctx, boardTopic(id))
	defer cancel()
	snap, err := s.boards.snapshot(ctx, a, id, time.Time{}, false)
	if err != nil {
		return err
	}
	stream := live.Stream{
		Events:    events,
		Initial:   snap,
		Heartbeat: live.DefaultHeartbeat,
		Retry:     3 * time.Second,
		Refresh: func(ctx context.Context) ([]byte, error) {
			return s.boards.refresh(ctx, a, id)
		},
	}
	if err := stream.Serve(w, r); err != nil && s.log != nil {
		s.log.Debug("board stream ended", "meeting", id, "err", err)
	}
	return nil
}

// publishMeeting tells the meeting's open boards that something they show
// may have changed. Call it after the change committed; it returns at once
// (see boardFeed). The actor of the request reads the new snapshot.
func (s *Server) publishMeeting(ctx context.Context, meetingID int64) {
	a := app.System
	if st, ok := ctx.Value(ctxKey{}).(*reqState); ok {
		a = st.actor
	}
	s.boards.markDirty(a, meetingID)
}

// setupLive takes the Hub from the config, or makes a process-local one that
// Close closes, and starts the boards' feed.
func (s *Server) setupLive(h *live.Hub) {
	if h == nil {
		h = live.NewHub(nil)
		s.ownHub = true
	}
	s.hub = h
	s.boards = &boardFeed{hub: h, build: s.boardJSON, log: s.log, interval: boardInterval, idle: boardIdle,
		boards: map[int64]*boardEntry{}}
}

// Close ends the open board streams when the Hub was made by New (without
// Config.Live); a Hub passed in is closed by its owner. Call it at shutdown.
func (s *Server) Close() {
	if s.ownHub {
		s.hub.Close()
	}
}

// boardFeed publishes the boards' snapshots, coalesced, and keeps the latest
// one per meeting for readers.
type boardFeed struct {
	hub      *live.Hub
	build    func(ctx context.Context, a app.Actor, id int64) ([]byte, error)
	log      *slog.Logger
	interval time.Duration
	idle     time.Duration

	mu     sync.Mutex
	boards map[int64]*boardEntry
}

// boardEntry is one meeting's feed. Its fields are guarded by boardFeed.mu.
type boardEntry struct {
	id   int64
	kick chan struct{} // cap 1: the meeting became dirty

	dirty      bool      // changed since the last publish began
	publishing bool      // a publish is being read and sent
	marks      uint64    // changes marked
	markAt     time.Time // when the last change was marked
	actor      app.Actor // who made the last change
	used       time.Time // last read
	snap       []byte    // latest snapshot: received on the topic, or read; nil if unknown
	at         time.Time // when snap was received or its read began
	seq        uint64    // messages received on the topic
	flight     *boardFlight
	resyncAt   time.Time
}

// boardFlight is a snapshot being read, which other readers may wait for.
type boardFlight struct {
	start time.Time
	done  chan struct{}
}

// entry returns the meeting's feed, starting it (subscribed to the topic
// before anyone reads through it) when there is none. f.mu must be held.
func (f *boardFeed) entry(id int64) *boardEntry {
	e := f.boards[id]
	if e == nil {
		e = &boardEntry{id: id, kick: make(chan struct{}, 1)}
		events, cancel := f.hub.Subscribe(context.Background(), boardTopic(id))
		f.boards[id] = e
		go f.run(e, events, cancel)
	}
	return e
}

// markDirty records a change of the meeting; its feed publishes soon.
func (f *boardFeed) markDirty(a app.Actor, id int64) {
	f.mu.Lock()
	e := f.entry(id)
	e.dirty, e.actor = true, a
	e.marks++
	e.markAt = time.Now()
	f.mu.Unlock()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// snapshot returns the meeting's board as JSON, at least as recent as
// notBefore: the kept snapshot when there is one, else one read (shared with
// the readers arriving while it is read). The caller has checked access.
//
// With current, a change marked but not yet published is included (the page
// after a clerk's action shows it); without, the kept snapshot may precede
// it, which suits a stream subscribed before the call: the publish follows.
func (f *boardFeed) snapshot(ctx context.Context, a app.Actor, id int64, notBefore time.Time, current bool) ([]byte, error) {
	for {
		f.mu.Lock()
		e := f.entry(id)
		e.used = time.Now()
		pending := e.dirty || e.publishing
		if e.snap != nil && !e.at.Before(notBefore) && (!current || !pending) {
			b := e.snap
			f.mu.Unlock()
			return b, nil
		}
		if current && e.markAt.After(notBefore) {
			notBefore = e.markAt
		}
		if fl := e.flight; fl != nil && !fl.start.Before(notBefore) {
			f.mu.Unlock()
			select {
			case <-fl.done: // then take what it kept, or read
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		fl := &boardFlight{start: time.Now(), done: make(chan struct{})}
		e.flight = fl
		seq, marks := e.seq, e.marks
		f.mu.Unlock()

		b, err := f.build(ctx, a, id)
		f.mu.Lock()
		if e.flight == fl {
			e.flight = nil
		}
		// Keep the read unless a message arrived or a change was marked
		// meanwhile: the read may precede them.
		if err == nil && e.seq == seq && e.marks == marks && (e.snap == nil || e.at.Before(fl.start)) {
			e.snap, e.at = b, fl.start
		}
		f.mu.Unlock()
		close(fl.done)
		return b, err
	}
}

// refresh is snapshot after a resync: messages may have been lost, so only
// a snapshot obtained after the resync will do.
func (f *boardFeed) refresh(ctx context.Context, a app.Actor, id int64) ([]byte, error) {
	f.mu.Lock()
	e := f.entry(id)
	if now := time.Now(); now.Sub(e.resyncAt) > boardResyncWindow {
		e.resyncAt = now
	}
	notBefore := e.resyncAt
	f.mu.Unlock()
	return f.snapshot(ctx, a, id, notBefore, false)
}

// run is the meeting's feed goroutine: it keeps the latest message of the
// topic and publishes a snapshot at most every interval while the meeting is
// dirty. It returns when the Hub closes or after idle without work.
func (f *boardFeed) run(e *boardEntry, events <-chan []byte, cancel func()) {
	defer cancel()
	idle := time.NewTicker(f.idle)
	defer idle.Stop()
	throttle := time.NewTimer(time.Hour)
	throttle.Stop()
	defer throttle.Stop()
	pending := false
	var last time.Time
	for {
		select {
		case msg, ok := <-events:
			if !ok { // the Hub closed
				f.mu.Lock()
				if f.boards[e.id] == e {
					delete(f.boards, e.id)
				}
				f.mu.Unlock()
				return
			}
			f.mu.Lock()
			e.seq++
			if live.IsResync(msg) {
				e.snap = nil
			} else {
				e.snap, e.at = msg, time.Now()
			}
			f.mu.Unlock()
		case <-e.kick:
			if !pending {
				pending = true
				throttle.Reset(max(0, f.interval-time.Since(last)))
			}
		case <-throttle.C:
			pending = false
			last = time.Now()
			f.publish(e)
		case <-idle.C:
			f.mu.Lock()
			if !pending && !e.dirty && !e.publishing && e.flight == nil && time.Since(e.used) >= f.idle && time.Since(last) >= f.idle {
				delete(f.boards, e.id)
				f.mu.Unlock()
				return
			}
			f.mu.Unlock()
		}
	}
}

// publish reads the meeting's snapshot and publishes it to every node.
func (f *boardFeed) publish(e *boardEntry) {
	f.mu.Lock()
	if !e.dirty {
		f.mu.Unlock()
		return
	}
	e.dirty, e.publishing = false, true // a change after this point marks it again
	a, marks, start := e.actor, e.marks, time.Now()
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := f.build(ctx, a, e.id)
	if err == nil {
		err = f.hub.Publish(boardTopic(e.id), b)
	}
	f.mu.Lock()
	e.publishing = false
	if err == nil && e.marks == marks && (e.snap == nil || e.at.Before(start)) {
		e.snap, e.at = b, start
	}
	f.mu.Unlock()
	if err != nil && f.log != nil {
		f.log.Warn("board not published", "meeting", e.id, "err", err)
	}
}
