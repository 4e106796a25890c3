package live

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// DefaultHeartbeat is the heartbeat interval Stream uses when none is set:
// well under the idle timeouts of common proxies (60s for nginx).
const DefaultHeartbeat = 15 * time.Second

// Stream writes a Server-Sent Events response (text/event-stream): an
// initial snapshot, then one event per message received, and a comment line
// as heartbeat whenever the stream has been quiet for Heartbeat, so that
// proxies keep the connection and dead clients are found.
type Stream struct {
	// Events carries the messages to send, usually from Hub.Subscribe. The
	// stream ends when it is closed (the Hub is closing: server shutdown).
	Events <-chan []byte
	// Initial, if not nil, is sent first, as the first event.
	Initial []byte
	// Heartbeat is the quiet time after which a comment is sent;
	// DefaultHeartbeat if zero.
	Heartbeat time.Duration
	// Refresh, if set, is called when a resync message arrives (see
	// IsResync) and its result is sent as an ordinary event; an error ends
	// the stream, and the browser's EventSource reconnects and fetches a
	// fresh snapshot. If Refresh is nil the client gets an event of type
	// "resync" (data "resync") and must refresh itself.
	Refresh func(ctx context.Context) ([]byte, error)
	// Retry, if set, tells the browser how long to wait before
	// reconnecting after the stream ends.
	Retry time.Duration
	// WriteTimeout bounds each write, so that a client that stopped
	// reading is dropped (default 10s).
	WriteTimeout time.Duration
}

// ServeSSE streams events to the client: the initial snapshot, then each
// message, with heartbeat comments, until the client goes away (nil), events
// is closed (nil) or a write fails (the error). See Stream for the details
// and for refreshing on resync.
func ServeSSE(w http.ResponseWriter, r *http.Request, events <-chan []byte, initial []byte, heartbeat time.Duration) error {
	s := Stream{Events: events, Initial: initial, Heartbeat: heartbeat}
	return s.Serve(w, r)
}

// Serve writes the stream to w; see ServeSSE. Flushing goes through
// http.ResponseController, so w may be a wrapper with an Unwrap method.
func (s *Stream) Serve(w http.ResponseWriter, r *http.Request) error {
	heartbeat := s.Heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	writeTimeout := s.WriteTimeout
	if writeTimeout <= 0 {
		writeTimeout = 10 * time.Second
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)

	var buf bytes.Buffer
	if s.Retry > 0 {
		buf.WriteString("retry: ")
		buf.WriteString(strconv.FormatInt(s.Retry.Milliseconds(), 10))
		buf.WriteString("\n\n")
	}
	if s.Initial != nil {
		writeEvent(&buf, "", s.Initial)
	}
	flush := func() error {
		if err := rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		if buf.Len() > 0 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
		return rc.Flush()
	}
	if err := flush(); err != nil {
		return err
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-s.Events:
			if !ok {
				return nil
			}
			switch {
			case !IsResync(msg):
				writeEvent(&buf, "", msg)
			case s.Refresh != nil:
				snap, err := s.Refresh(ctx)
				if err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
				writeEvent(&buf, "", snap)
			default:
				writeEvent(&buf, "resync", []byte("resync"))
			}
		case <-tick.C:
			buf.WriteString(": heartbeat\n\n")
		}
		if err := flush(); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		tick.Reset(heartbeat)
	}
}

// writeEvent appends one event: an optional "event:" line and one "data:"
// line per line of data, whose line breaks (LF, CRLF or CR, all of which end
// a line in the event-stream format) the client joins back with LF.
func writeEvent(buf *bytes.Buffer, event string, data []byte) {
	if event != "" {
		buf.WriteString("event: ")
		buf.WriteString(event)
		buf.WriteByte('\n')
	}
	for {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			break
		}
		buf.WriteString("data: ")
		buf.Write(data[:i])
		buf.WriteByte('\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	buf.WriteString("data: ")
	buf.Write(data)
	buf.WriteString("\n\n")
}
