package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/web/view"
)

func (s *Server) authRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/login", Public: true, Handle: s.loginPage},
		{Method: "POST", Pattern: "/login", Public: true, Handle: s.loginPost},
		{Method: "POST", Pattern: "/logout", Handle: s.logoutPost},
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if state(r).signed {
		return redirect(w, r, "/")
	}
	return render(w, r, http.StatusOK, view.Login(s.newLoginCSRF(w, r), "", safeNext(r.URL.Query().Get("next")), ""))
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return app.Errorf(app.EINVALID, "无法读取提交的表单")
	}
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	next := safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return render(w, r, http.StatusForbidden, view.Login(s.newLoginCSRF(w, r), username, next, "页面已过期，请重新登录"))
	}
	password := r.PostFormValue("password")
	if username == "" || password == "" || len(username) > 64 || len(password) > 256 {
		return render(w, r, http.StatusUnprocessableEntity, view.Login(s.newLoginCSRF(w, r), username, next, "请输入用户名和密码"))
	}
	_, token, err := s.db.Login(r.Context(), username, password, clientIP(r), r.UserAgent())
	if err != nil {
		if code := app.ErrorCode(err); code == app.EUNAUTHORIZED || code == app.ETHROTTLED {
			return render(w, r, httpStatus(code), view.Login(s.newLoginCSRF(w, r), username, next, app.ErrorMessage(err)))
		}
		return err
	}
	s.setSessionCookie(w, r, token, 0)
	http.SetCookie(w, &http.Cookie{Name: loginCSRF, Path: "/login", MaxAge: -1, HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode})
	return redirect(w, r, next)
}

func (s *Server) logoutPost(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if st.token != "" {
		if err := s.db.Logout(r.Context(), st.actor, st.token); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, r, "", -1)
	return redirect(w, r, "/login")
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
