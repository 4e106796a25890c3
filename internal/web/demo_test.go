package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/demo"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
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

// The minutes of the demo's 选举大会 name the rules and the scrutineers'
// list as adopted (without their 草案 mark), the persons elected in the
// report's sentence and the chief scrutineer's count.
func TestDemoElectionMinutes(t *testing.T) {
	db := storetest.Open(t)
	if _, err := demo.Load(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	defer srv.Close()
	e := &env{t: t, db: db, srv: srv}
	c := e.anon()
	_, page := c.get("/login")
	c.csrf = csrfRe.FindStringSubmatch(page)[1]
	if res := c.post("/login", url.Values{"username": {"office"}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	ms, _, err := db.FindMeetings(context.Background(), app.System, store.MeetingFilter{Kind: meeting.Sitting})
	if err != nil {
		t.Fatal(err)
	}
	var sitting int64
	for _, m := range ms {
		if m.Sitting == meeting.Election {
			sitting = m.ID
		}
	}
	status, body := c.get("/meetings/" + app.Itoa(sitting) + "/minutes")
	if status != 200 {
		t.Fatalf("minutes: %d", status)
	}
	for _, want := range []string{
		"会议审议通过了《明湖市政协十三届四次会议选举办法》、《总监票人、监票人名单》。",
		"会议选举", "为明湖市政协副主席，选举", "为明湖市政协秘书长，选举11名政协委员为明湖市政协常委。",
		"补选市政协副主席、秘书长和常务委员计票结果", "选举有效",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("minutes lack %q:\n%s", want, body)
		}
	}
}
