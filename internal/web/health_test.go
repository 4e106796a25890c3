package web_test

import (
	"net/http"
	"testing"
)

// TestHealthAndReadiness: /healthz answers while the process runs; /readyz
// answers 503 once the server drains (SIGTERM) and while the database does
// not answer (here: its handle closed), 200 otherwise. Neither needs a sign-in.
func TestHealthAndReadiness(t *testing.T) {
	t.Run("draining", func(t *testing.T) {
		e := newEnv(t)
		c := e.anon()
		if code, body := c.get("/readyz"); code != http.StatusOK || body != "ready" {
			t.Fatalf("/readyz: %d %q", code, body)
		}
		e.web.Drain()
		if code, body := c.get("/readyz"); code != http.StatusServiceUnavailable || body != "shutting down\n" {
			t.Fatalf("/readyz while draining: %d %q", code, body)
		}
		if code, body := c.get("/healthz"); code != http.StatusOK || body != "ok" {
			t.Fatalf("/healthz while draining: %d %q", code, body)
		}
	})
	t.Run("database gone", func(t *testing.T) {
		e := newEnv(t)
		c := e.anon()
		if err := e.db.Close(); err != nil {
			t.Fatal(err)
		}
		if code, body := c.get("/readyz"); code != http.StatusServiceUnavailable || body != "database unavailable\n" {
			t.Fatalf("/readyz with the database closed: %d %q", code, body)
		}
		if code, body := c.get("/healthz"); code != http.StatusOK || body != "ok" {
			t.Fatalf("/healthz with the database closed: %d %q", code, body)
		}
	})
}
