package web

import (
	"net/http"
	"strconv"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/web/view"
)

// tokenRoutes: any signed-in account manages its own API tokens.
func (s *Server) tokenRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/me/tokens", Handle: s.tokenList},
		{Method: "POST", Pattern: "/me/tokens", Handle: s.tokenCreate},
		{Method: "POST", Pattern: "/me/tokens/{id}/revoke", Handle: s.tokenRevoke},
	}
}

// tokenTTLs are the lifetimes offered, in days; 0 is no expiry.
var tokenTTLs = []view.Option{{Value: "90", Label: "90天"}, {Value: "30", Label: "30天"},
	{Value: "365", Label: "1年"}, {Value: "0", Label: "长期有效"}}

func tokenTTL(v string) (time.Duration, bool) {
	for _, o := range tokenTTLs {
		if o.Value == v {
			days, _ := strconv.Atoi(v)
			return time.Duration(days) * 24 * time.Hour, true
		}
	}
	return 0, false
}

func (s *Server) tokenRows(tokens []auth.APIToken) []view.TokenRow {
	now := s.db.Now()
	out := make([]view.TokenRow, len(tokens))
	for i, t := range tokens {
		out[i] = view.TokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: s.fmtTime(t.CreatedAt),
			Expires: s.fmtTime(t.ExpiresAt), LastUsed: s.fmtTime(t.LastUsedAt), Revoked: s.fmtTime(t.RevokedAt),
			Active: t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))}
	}
	return out
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, t view.TokensPage) error {
	list, err := s.db.ListAPITokens(r.Context(), actor(r))
	if err != nil {
		return err
	}
	t.Tokens = s.tokenRows(list)
	t.TTLOptions = tokenTTLs
	if t.TTL == "" {
		t.TTL = tokenTTLs[0].Value
	}
	return render(w, r, status, view.Tokens(page(r, "我的API令牌", ""), t))
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, view.TokensPage{})
}

// tokenCreate issues a token and shows it once on the answer page; only its
// hash is kept.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	name, ttlValue := f.Str("name"), f.Str("ttl")
	ttl, ok := tokenTTL(ttlValue)
	if !ok {
		f.Errs.Add("ttl", "请选择有效期")
	}
	var secret string
	if len(f.Errs) == 0 {
		_, secret, err = s.db.CreateAPIToken(r.Context(), actor(r), name, ttl)
	} else {
		err = f.Errs.Err()
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderTokens(w, r, formStatus(err), view.TokensPage{Name: name, TTL: ttlValue,
			Errs: app.ErrorFields(err), Msg: fieldlessMessage(err)})
	}
	return s.renderTokens(w, r, http.StatusCreated, view.TokensPage{NewToken: secret, NewName: name})
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.RevokeAPIToken(r.Context(), actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/me/tokens?ok=revoked")
}
