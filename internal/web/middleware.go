package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

const (
	sessionCookie = "xs_session"
	loginCSRF     = "xs_login_csrf"
)

// securityHeaders sets the headers every answer carries. The CSP allows no
// inline script or style: pages load app.css and app.js from /static only.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
		next.ServeHTTP(w, r)
	})
}

// loadSession finds the session cookie or bearer token and puts who is
// signed in into the request context. It never refuses: routes decide.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{}
		ip := clientIP(r)
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			a, err := s.db.FindAPIToken(r.Context(), strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
			if err == nil {
				st.account, st.bearer, st.signed = a, true, true
			} else if app.ErrorCode(err) == app.EINTERNAL {
				// The route, which would mark an API request, is not chosen
				// yet: an API client (the database is down, say) still
				// gets JSON.
				if strings.HasPrefix(r.URL.Path, "/api/") {
					r = r.WithContext(withAPI(r.Context()))
				}
				s.fail(w, r, err)
				return
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, a, err := s.db.FindSession(r.Context(), c.Value)
			if err == nil {
				st.account, st.session, st.token, st.signed = a, sess, c.Value, true
			} else if app.ErrorCode(err) == app.EINTERNAL {
				s.fail(w, r, err)
				return
			}
		}
		if st.signed {
			st.actor = st.account.Actor(ip)
		} else {
			st.actor = app.Actor{IP: ip}
		}
		next.ServeHTTP(w, r.WithContext(withState(r.Context(), st)))
	})
}

// wrap applies the route's requirements: sign-in, permission, CSRF token on
// state changes, body size; then runs the handler and maps its error.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if rt.API {
			r = r.WithContext(withAPI(r.Context()))
		}
		if !rt.Public {
			if !st.signed {
				if rt.API {
					s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "请先登录或提供有效的API令牌"))
					return
				}
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if st.account.MustChangePassword && rt.Pattern != "/me/password" && rt.Pattern != "/logout" {
				// A new or reset password must be changed before anything else.
				if r.Method == http.MethodGet && !rt.API {
					http.Redirect(w, r, "/me/password", http.StatusSeeOther)
				} else {
					s.fail(w, r, app.Errorf(app.EFORBIDDEN, "请先修改初始密码"))
				}
				return
			}
			if rt.Perm != "" && !st.account.Role.Can(rt.Perm) {
				s.fail(w, r, app.Errorf(app.EFORBIDDEN, "您的角色（%s）无权进行此操作", st.account.Role.Label()))
				return
			}
		}
		limit := s.cfg.MaxFormBytes
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = s.cfg.MaxUploadBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// An upload's parts beyond memory go to temporary files, which the
		// server removes only for the request it made, not for this copy.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		if !validQuery(r) {
			s.fail(w, r, app.Errorf(app.EINVALID, "网址中的查询参数包含无效字符"))
			return
		}
		if unsafeMethod(r.Method) && st.signed && !st.bearer {
			if err := s.checkCSRF(r, st.session.CSRFToken); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if rt.Cache != noCache && r.Method == http.MethodGet && st.signed && !st.bearer && !rt.API {
			s.serveCached(w, r, rt.Cache, rt.Handle)
			return
		}
		if err := rt.Handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF compares the request's token (header, or form field) with want.
// A body over the size limit answers 413, not a CSRF failure.
func (s *Server) checkCSRF(r *http.Request, want string) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(32 << 10)
		} else {
			err = r.ParseForm()
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		got = r.PostFormValue("csrf_token")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return app.Errorf(app.EFORBIDDEN, "页面已过期或请求来源无效，请刷新页面后重试")
	}
	return nil
}

// validQuery reports whether every query key and value is valid UTF-8, so no
// handler passes broken text to the database (PostgreSQL rejects it).
func validQuery(r *http.Request) bool {
	if r.URL.RawQuery == "" {
		return true
	}
	for k, vs := range r.URL.Query() {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// newLoginCSRF sets a double-submit cookie for the login form (there is no
// session yet) and returns its value.
func (s *Server) newLoginCSRF(w http.ResponseWriter, r *http.Request) string {
	b := make([]byte, 16)
	rand.Read(b)
	v := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCSRF, Value: v, Path: "/login", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	return v
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// secure reports whether cookies are marked Secure: always with
// Config.SecureCookies (TLS ends at a proxy), and whenever this server
// itself received the request over TLS.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

// clientIP is the peer address. X-Forwarded-For is not trusted: behind a
// proxy, configure the proxy to set the peer (documented in the README).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets Server-Sent Events through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// logRequests gives every request an id and logs method, path (never the
// query or the body, which may hold personal data), status, size and
// duration with it. The id is the incoming X-Request-Id when that is
// well-formed (a proxy's), else a new one; it is sent back in X-Request-Id,
// logged with internal errors and shown on the 500 page.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if s.log == nil {
			return
		}
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "ms", time.Since(start).Milliseconds())
	})
}

type requestIDKey struct{}

// requestID is the id logRequests gave the request ("" outside it).
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts 8 to 64 letters, digits, '-', '_' and '.': enough
// for UUIDs and proxies' ids, nothing that could forge a log line or header.
func validRequestID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recoverer turns a panic into a logged 500.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, app.Internal(fmt.Errorf("panic: %v", v), r.Method+" "+r.URL.Path))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
