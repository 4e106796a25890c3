package web

import (
	"net/http"

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
	f := view.PasswordForm{Must: state(r).account.MustChangePassword, Errs: app.ErrorFields(err)}
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
// administrator's reset: 16 random URL-safe characters (about 95 bits) after
// a fixed upper/lower/symbol prefix so every character class rule holds.
func newPassword(username string) string {
	for {
		p := "Xs-" + auth.NewToken()[:16]
		if auth.CheckPasswordPolicy(p, username) == "" {
			return p
		}
	}
}
