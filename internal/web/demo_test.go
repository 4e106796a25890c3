package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/auth"
	"xieshang/internal/demo"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// Every printed demo login signs in through the login form and reaches its
// home page, which names the account's role; pages beyond its role answer 403.
func TestDemoLoginsEveryRole(t *testing.T) {
	db := storetest.Open(t)
	logins, err := demo.Load(context.Background(), db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	defer srv.Close()
	e := &env{t: t, db: db, srv: srv}
	roles := map[string]bool{}
	for _, l := range logins {
		c := e.anon()
		_, page := c.get("/login")
		c.csrf = csrfRe.FindStringSubmatch(page)[1]
		res := c.post("/login", url.Values{"username": {l.Username}, "password": {l.Password}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: login %d", l.Username, res.StatusCode)
		}
		status, home := c.get("/")
		if status != 200 || !strings.Contains(home, l.Role) {
			t.Fatalf("%s: home %d, role %q not shown", l.Username, status, l.Role)
		}
		role, _ := auth.ParseRole(l.Role)
		roles[string(role)] = true
		status, _ = c.get("/members")
		if want := map[bool]int{true: 200, false: 403}[role.Can(auth.MemberRead)]; status != want {
			t.Errorf("%s (%s): /members %d, want %d", l.Username, l.Role, status, want)
		}
	}
	for _, r := range auth.Roles {
		if !roles[string(r)] {
			t.Errorf("no demo login for role %s", r.Label())
		}
	}
}
