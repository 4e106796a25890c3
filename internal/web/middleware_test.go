package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAPIErrorBeforeRouteIsJSON: when the bearer token cannot be checked (the
// database is gone, as during a failover), an API client gets a JSON error,
// not the HTML error page.
func TestAPIErrorBeforeRouteIsJSON(t *testing.T) {
	e := newEnv(t)
	e.db.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/visits", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer xs_nothing")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if res.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		json.NewDecoder(res.Body).Decode(&body) != nil || body.Error.Code != "internal" {
		t.Errorf("got %d %s (error code %q), want 500 with a JSON error", res.StatusCode, res.Header.Get("Content-Type"), body.Error.Code)
	}
}
