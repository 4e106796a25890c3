package web

import (
	"net/http"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/web/view"
)

// passwordRoutes: any signed-in account changes its own password. The route
// wrapper sends accounts that must change their password here first.
func (s *Server) passwordRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/me/password", Handle: s.passwordPage},
		{Method: "POST", Pattern: "/me/password", Handle: s.passwordPost},
	}
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPassword(w, r, http.StatusOK, nil)
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, err error) error {
	policy, perr := s.db.PasswordPolicy(r.Context())
	if perr != nil {
		return perr
	}
	a := state(r).account
	f := view.PasswordForm{Must: a.MustChangePassword, Hint: policy.Hint(), Errs: app.ErrorFields(err)}
	if policy.Expired(a.PasswordChangedAt, s.db.Now()) {
		f.Expired = app.Itoa(int64(policy.MaxAge / (24 * time.Hour)))
	}
	if err != nil {
		f.Msg = fieldlessMessage(err)
	}
	return render(w, r, status, view.ChangePassword(page(r, "修改密码", ""), f))
}

func (s *Server) passwordPost(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	current, next := f.Raw("current_password"), f.Raw("new_password")
	if next != f.Raw("new_password2") {
		var errs app.FieldErrors
		errs.Add("new_password2", "两次输入的新密码不一致")
		return s.renderPassword(w, r, http.StatusUnprocessableEntity, errs.Err())
	}
	st := state(r)
	if err := s.db.ChangePassword(r.Context(), st.actor, st.token, current, next); err != nil {
		if formError(err) || app.ErrorCode(err) == app.ETHROTTLED {
			return s.renderPassword(w, r, formStatus(err), err)
		}
		return err
	}
	return redirect(w, r, "/?ok=password")
}

// newPassword generates a password that meets the policy, for an
// administrator's reset: a fixed prefix of the four character classes and
// random URL-safe characters (6 bits each) up to the policy's length, at
// least 16 (about 95 bits).
func newPassword(policy auth.PasswordPolicy, username string) string {
	n := max(16, policy.MinLength)
	for {
		p := "Xs-9" + auth.NewToken()[:n]
		if policy.Check(p, username) == "" {
			return p
		}
	}
}
