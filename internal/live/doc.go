// Package live pushes changing state to open pages: the meeting board on the
// hall's screen (应到/实到, quorum, how many have voted, the result once a
// vote closes) updates without a reload.
//
// Three parts:
//
//   - Hub: Publish(topic, data) fans a message out to every Subscribe(ctx,
//     topic) without ever waiting for a subscriber. Each subscriber holds at
//     most one undelivered message; a newer one replaces it. Messages are
//     therefore whole snapshots ("the board now looks like this"), never
//     increments: a slow screen skips straight to the newest state.
//   - Bridge: how messages reach the other app nodes. Local is one process
//     (SQLite). PGBridge uses PostgreSQL LISTEN/NOTIFY on the channel
//     "xieshang_live" with two dedicated pgx connections, reconnects with
//     backoff, and after a reconnect sends subscribers a resync message
//     (IsResync) so that they fetch the current snapshot: notifications
//     sent while it was away are lost. A message (topic + "\n" + data) must
//     fit one NOTIFY payload: at most MaxPayload (7999) bytes of UTF-8 text
//     without NUL, which Publish checks on every bridge.
//   - ServeSSE / Stream: a text/event-stream response (standard library
//     only) with an initial snapshot, one event per message, heartbeat
//     comments, and Refresh on resync. It ends when the client goes away or
//     the Hub closes.
//
// What goes into a snapshot is the caller's decision and its responsibility:
// the Hub sends the same bytes to everyone subscribed to the topic. A board
// snapshot while a vote is open carries how many have voted, never a running
// tally. Check the viewer's permission and scope before subscribing, and
// name topics by id ("board/42"), not by anything secret.
//
// # Wiring
//
// In cmd/xieshang, one Hub per process:
//
//	var bridge live.Bridge = live.NewLocal()
//	if dialect == store.Postgres {
//		b, err := live.NewPGBridge(live.PGConfig{DSN: dsn, Logger: log})
//		if err != nil {
//			return err
//		}
//		bridge = b
//	}
//	hub := live.NewHub(bridge)
//	defer hub.Close()
//	srv.RegisterOnShutdown(hub.Close) // open streams end, Shutdown need not wait
//
// The event handler (GET /meetings/{id}/board/events), after the permission
// check: subscribe first, then read the snapshot, so that no change falls
// between the two.
//
//	topic := "board/" + strconv.FormatInt(id, 10)
//	events, cancel := s.hub.Subscribe(r.Context(), topic)
//	defer cancel()
//	snap, err := s.boardSnapshot(r.Context(), actor, id) // JSON or an HTML fragment
//	if err != nil {
//		s.fail(w, r, err)
//		return
//	}
//	stream := live.Stream{
//		Events:    events,
//		Initial:   snap,
//		Heartbeat: 15 * time.Second,
//		Retry:     3 * time.Second,
//		Refresh: func(ctx context.Context) ([]byte, error) {
//			return s.boardSnapshot(ctx, actor, id)
//		},
//	}
//	if err := stream.Serve(w, r); err != nil {
//		s.log.Debug("board stream ended", "err", err)
//	}
//
// Without Refresh, live.ServeSSE(w, r, events, snap, 15*time.Second) does the
// same and passes a resync to the browser as an event of type "resync".
//
// Wherever the board changes (a check-in, a vote opened or closed, a ballot
// cast), after the transaction commits:
//
//	if snap, err := s.boardSnapshot(ctx, actor, id); err == nil {
//		err = s.hub.Publish("board/"+strconv.FormatInt(id, 10), snap)
//	}
//
// In the page, a little plain JavaScript (a static file; the CSP forbids
// inline scripts):
//
//	const es = new EventSource(board.dataset.events);
//	es.onmessage = (e) => render(JSON.parse(e.data));
//	es.addEventListener("resync", () => location.reload());
//
// A resync reaches every open stream at once; with thousands of boards on a
// few meetings, cache the snapshot per meeting for a second or two rather
// than let every stream query the database.
package live
