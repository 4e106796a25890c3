package store_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// The year workbook (/workbook.xlsx) of the city on the province-sized
// database: every sheet of 2026 for the whole subtree, through HTTP as the
// city's office downloads it.
func BenchmarkYearWorkbookProvince(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			city := provinceWorld(b, db)
			ctx := context.Background()
			db.Argon2 = auth.FastArgon2
			acc, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "bench-office", DisplayName: "市政协办公室",
				Role: auth.Office, OrgID: city.ID, Password: "Bench-pass-2026"})
			if err != nil {
				b.Fatal(err)
			}
			if err := db.ClearMustChangePassword(ctx, acc.ID); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(web.New(db, web.Config{}, nil))
			defer srv.Close()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
			res, err := c.Get(srv.URL + "/login")
			if err != nil {
				b.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			m := csrf.FindStringSubmatch(string(page))
			if m == nil {
				b.Fatal("no csrf token on the login page")
			}
			res, err = c.PostForm(srv.URL+"/login", url.Values{"csrf_token": {m[1]}, "username": {"bench-office"},
				"password": {"Bench-pass-2026"}})
			if err != nil || res.StatusCode != http.StatusSeeOther {
				b.Fatalf("login: %v %v", res.StatusCode, err)
			}
			res.Body.Close()
			b.Run("city", func(b *testing.B) {
				for b.Loop() {
					start := time.Now()
					res, err := c.Get(srv.URL + "/workbook.xlsx?year=2026")
					if err != nil {
						b.Fatal(err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "sheet") {
						b.Fatalf("workbook: %d", res.StatusCode)
					}
					b.ReportMetric(float64(n)/1024, "KiB")
					_ = start
				}
			})
		})
	}
}
