package web

import (
	"net/http"
	"net/url"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// A visit's own address (/visits/{id}, linked from the duty file) opens the
// household's page (with the purpose the household view records) or the
// enterprise's that lists it; whoever may not read it gets 404.
func (s *Server) visitLinkRoutes() []Route {
	return []Route{{Method: "GET", Pattern: "/visits/{id}", Perm: auth.AssistRead, Handle: s.visitLink}}
}

func (s *Server) visitLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, e, err := s.db.FindVisitPlace(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	if h != 0 {
		return redirect(w, r, "/households/"+app.Itoa(h)+"?purpose="+url.QueryEscape("核对履职档案中的走访记录"))
	}
	return redirect(w, r, "/enterprises/"+app.Itoa(e))
}
