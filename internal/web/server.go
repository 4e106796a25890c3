// Package web serves the server-rendered interface and mounts the JSON API:
// the route table (each route names the permission it needs), middleware for
// sessions, CSRF and security headers, and thin handlers, one file per area.
package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/live"
	"xieshang/internal/store"
	"xieshang/internal/web/static"
)

// Config holds the web layer's settings.
type Config struct {
	// SecureCookies marks cookies Secure; set when served over TLS (directly
	// or behind a TLS-terminating proxy).
	SecureCookies bool
	// MaxFormBytes limits ordinary form and JSON bodies; MaxUploadBytes file uploads.
	MaxFormBytes   int64
	MaxUploadBytes int64
	// SignKey signs the meetings' QR sign-in codes (meeting.SignToken). When
	// empty, New generates a random key at start: codes then stop working
	// after a restart, and several nodes behind one address must share one
	// key (XIESHANG_SIGN_KEY).
	SignKey []byte
	// Live carries the live board's updates (see internal/live): a Hub on a
	// PGBridge when several nodes share a PostgreSQL database. When nil, New
	// makes a process-local Hub, closed by Server.Close.
	Live *live.Hub
}

// DefaultConfig is used where a field is zero.
var DefaultConfig = Config{MaxFormBytes: 1 << 20, MaxUploadBytes: 20 << 20}

// Route is one entry of the route table. Perm "" means any signed-in account;
// Public routes need no sign-in. API routes answer JSON.
type Route struct {
	Method  string
	Pattern string
	Perm    auth.Permission
	Public  bool
	API     bool
	Doc     *APIDoc // required for API routes: feeds /api/v1/openapi.json
	// Cache keeps the page's rendering per account until the data changes
	// (pagecache.go); for GET pages that show records only.
	Cache  cacheKind
	Handle func(w http.ResponseWriter, r *http.Request) error
}

// Server is the HTTP handler of the whole application.
type Server struct {
	db      *store.DB
	cfg     Config
	log     *slog.Logger
	routes  []Route
	handler http.Handler
	imports *importTracker
	hub     *live.Hub  // live board updates (meeting_live.go)
	ownHub  bool       // hub made by New: Close closes it
	boards  *boardFeed // coalesced board snapshots (meeting_live.go)
	pages   *pageCache // rendered pages of the Cache routes (pagecache.go)
	// draining is set at shutdown: /readyz answers 503 (Drain).
	draining atomic.Bool
}

// New builds the server and its routes.
func New(db *store.DB, cfg Config, log *slog.Logger) *Server {
	if cfg.MaxFormBytes == 0 {
		cfg.MaxFormBytes = DefaultConfig.MaxFormBytes
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = DefaultConfig.MaxUploadBytes
	}
	if len(cfg.SignKey) == 0 {
		cfg.SignKey = make([]byte, 32)
		rand.Read(cfg.SignKey)
	}
	s := &Server{db: db, cfg: cfg, log: log, imports: newImportTracker(), pages: newPageCache()}
	s.setupLive(cfg.Live)
	s.routes = slices.Concat(
		s.authRoutes(),
		s.homeRoutes(),
		s.orgRoutes(),
		s.memberRoutes(),
		s.accountRoutes(),
		s.auditRoutes(),
		s.settingsRoutes(),
		s.auditReviewRoutes(),
		s.noticeRoutes(),
		s.meetingRoutes(),
		s.meetingLiveRoutes(),
		s.meetingMinutesRoutes(),
		s.meetingSeatingRoutes(),
		s.meetingEditRoutes(),
		s.electionRoutes(),
		s.consultTopicRoutes(),
		s.assistFiguresRoutes(),
		s.assistExportRoutes(),
		s.consultStatsRoutes(),
		s.consultGraphRoutes(),
		s.roomRoutes(),
		s.consultPlanRoutes(),
		s.consultCampaignRoutes(),
		s.consultCollectAPIRoutes(),
		s.unitRoutes(),
		s.topicShowRoutes(),
		s.unitInboxRoutes(),
		s.unitProposalRoutes(),
		s.proposalAPIRoutes(),
		s.assistHouseAPIRoutes(),
		s.assistHouseRoutes(),
		s.enterpriseRoutes(),
		s.visitCampaignRoutes(),
		s.reportRoutes(),
		s.proposalStatsRoutes(),
		s.dashboardRoutes(),
		s.dutyRoutes(),
		s.proposalRoutes(),
		s.listExportRoutes(),
		s.assistListExportRoutes(),
		s.otherListExportRoutes(),
		s.moreListExportRoutes(),
		s.searchRoutes(),
		s.visitLinkRoutes(),
		s.workbookRoutes(),
		s.activityRoutes(),
		s.pressRoutes(),
		s.styleGuideRoutes(),
		s.apiRoutes(),
	)
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.Handle("GET /static/", static.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") { // the API answers JSON even here
			r = r.WithContext(withAPI(r.Context()))
		}
		s.fail(w, r, app.NotFound("页面"))
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "跨站请求被拒绝"))
	}))
	s.handler = s.recoverer(s.logRequests(compress(securityHeaders(cop.Handler(s.loadSession(mux))))))
	return s
}

// ready answers /readyz: 503 once the server drains (a load balancer stops
// sending it requests) or while the database does not answer within 2 s.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready"))
}

// Drain makes /readyz answer 503 from now on; requests are still served.
// serve calls it at SIGTERM, before it stops accepting connections.
func (s *Server) Drain() { s.draining.Store(true) }

// Routes returns the route table, for the access-matrix and OpenAPI tests.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// reqState is what the middleware learns about a request.
type reqState struct {
	account auth.Account
	session auth.Session
	token   string // the session cookie's token
	bearer  bool   // authenticated by an API token
	signed  bool
	actor   app.Actor
}

type ctxKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

func withState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, ctxKey{}, st)
}

// actor is the signed-in account as the store sees it.
func actor(r *http.Request) app.Actor { return state(r).actor }

// can reports whether the signed-in account holds p.
func can(r *http.Request, p auth.Permission) bool {
	st := state(r)
	return st.signed && st.account.Role.Can(p)
}
