package web

import (
	"bytes"
	"cmp"
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"xieshang/internal/app"
)

// The rendered-page cache. A list or detail page costs 1–30 ms of database
// reads and rendering on a province's data, and most views repeat one that
// changed nothing since: a clerk paging back and forth, a board member
// reloading the dashboard. Routes marked Cache keep their last rendering per
// account and address, valid while the data version (store.DataVersion: the
// count of committed changes, on every node sharing the database) and the
// civil day stay the same, and for at most pageCacheTTL, for what depends on
// the clock within a day (a leave request allowed until a meeting starts).
//
// What a page holds that is not the account's or the data's — the session's
// CSRF token in its forms — is rendered as a placeholder and put in per
// answer, so every session of an account shares the entry. Reads the log
// must record (a household viewed or listed) register an onHit action while
// rendering; a cached answer runs it again, so every view is still audited.

// cacheKind says which version a cached page is valid for.
type cacheKind int

const (
	noCache    cacheKind = iota
	cacheData            // valid while no record changes (store.DataVersion)
	cacheAudit           // valid while nothing is audited, reads included (store.AuditVersion): the audit log
)

const (
	pageCacheTTL      = time.Minute
	pageCacheMaxBytes = 32 << 20 // all entries together
	pageCacheMaxEntry = 4 << 20  // a larger page is not kept
)

type pageKey struct {
	account int64
	uri     string
}

type pageEntry struct {
	key     pageKey
	version int64
	day     app.Date
	at      time.Time
	ctype   string
	parts   [][]byte // the body split where the CSRF placeholder stood
	size    int
	onHit   []func(ctx context.Context, a app.Actor) error
}

type pageCache struct {
	mu      sync.Mutex
	entries map[pageKey]*list.Element // of *pageEntry, most recently used first
	lru     list.List
	bytes   int
	max     int // bytes of all entries together
	// placeholder stands for the session's CSRF token in a cached body.
	placeholder string
}

func newPageCache() *pageCache {
	b := make([]byte, 16)
	rand.Read(b)
	return &pageCache{entries: map[pageKey]*list.Element{}, max: pageCacheMaxBytes,
		placeholder: "csrf" + hex.EncodeToString(b)}
}

func (c *pageCache) get(k pageKey, version int64, day app.Date, now time.Time) *pageEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return nil
	}
	e := el.Value.(*pageEntry)
	if e.version != version || e.day != day || now.Sub(e.at) > pageCacheTTL {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

func (c *pageCache) put(e *pageEntry) {
	if e.size > pageCacheMaxEntry || e.size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.remove(el)
	}
	for c.bytes+e.size > c.max && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.bytes += e.size
}

func (c *pageCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*pageEntry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// pageRecorder holds a rendering for the cache.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	onHit  []func(ctx context.Context, a app.Actor) error
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return p.body.Write(b)
}

type recorderKey struct{}

// onCacheHit registers what a cached answer of this rendering must do again
// (write the audit row of a read). Outside a cached route it does nothing:
// the handler has done it already.
func onCacheHit(r *http.Request, f func(ctx context.Context, a app.Actor) error) {
	if p, ok := r.Context().Value(recorderKey{}).(*pageRecorder); ok {
		p.onHit = append(p.onHit, f)
	}
}

// serveCached answers a GET of a cached route from the cache, or renders it
// with handle and keeps the rendering when it is a 200.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, kind cacheKind, handle func(http.ResponseWriter, *http.Request) error) {
	st := state(r)
	ctx := r.Context()
	version, err := s.db.DataVersion(ctx)
	if kind == cacheAudit {
		version, err = s.db.AuditVersion(ctx)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k := pageKey{account: st.account.ID, uri: r.URL.RequestURI()}
	day, now := s.db.Today(), s.db.Now()
	if e := s.pages.get(k, version, day, now); e != nil {
		for _, f := range e.onHit {
			if err := f(ctx, st.actor); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		h := w.Header()
		h.Set("Content-Type", e.ctype)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		s.writeParts(w, e.parts, st.session.CSRFToken)
		return
	}

	// Render with the placeholder for the token, on a copy of the state.
	token := st.session.CSRFToken
	rst := *st
	rst.session.CSRFToken = s.pages.placeholder
	rec := &pageRecorder{header: http.Header{}}
	rctx := context.WithValue(withState(ctx, &rst), recorderKey{}, rec)
	if err := handle(rec, r.WithContext(rctx)); err != nil {
		rec = &pageRecorder{header: http.Header{}}
		s.fail(rec, r.WithContext(withState(ctx, &rst)), err)
	}
	parts := bytes.Split(rec.body.Bytes(), []byte(s.pages.placeholder))
	if rec.status == http.StatusOK {
		s.pages.put(&pageEntry{key: k, version: version, day: day, at: now, ctype: rec.header.Get("Content-Type"),
			parts: parts, size: rec.body.Len(), onHit: rec.onHit})
	}
	for name, v := range rec.header {
		w.Header()[name] = v
	}
	w.WriteHeader(cmp.Or(rec.status, http.StatusOK))
	s.writeParts(w, parts, token)
}

// writeParts writes a body with the token between its parts.
func (s *Server) writeParts(w http.ResponseWriter, parts [][]byte, token string) {
	for i, p := range parts {
		if i > 0 {
			w.Write([]byte(token))
		}
		w.Write(p)
	}
}
