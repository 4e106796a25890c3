package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// signinBench is `xsbench signin --url U --user NAME --password PW [--c 4]
// [--duration 10s]`: c browsers sign in over and over for the duration,
// each time a fresh one (no cookies): GET /login for the form's CSRF token,
// then POST /login, which must answer 303. req/s is sign-ins completed per
// second (form and post); the latencies are the POST's, where the password
// is checked. Prints a last line
// "XSBENCH-SIGNIN RPS P50 P95 P99 ERRORS SIGNINS" for scripts/bench.
func signinBench(args []string) error {
	fs := flag.NewFlagSet("signin", flag.ContinueOnError)
	base := fs.String("url", "", "the running server")
	user := fs.String("user", "", "account")
	password := fs.String("password", "", "its password")
	conc := fs.Int("c", 4, "concurrent browsers")
	dur := fs.Duration("duration", 10*time.Second, "how long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *user == "" || *conc < 1 {
		return errors.New("signin: --url, --user and --c ≥ 1 are required")
	}
	*base = strings.TrimRight(*base, "/")
	tr := &http.Transport{MaxIdleConnsPerHost: *conc + 4, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()

	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(*dur)
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				d, err := signInOnce(tr, *base, *user, *password)
				mu.Lock()
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
				if err != nil && errs > 100 {
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(lat)
	p := phase{lat: lat}
	rps := float64(len(lat)) / took.Seconds()
	fmt.Printf("sign-in as %s: %d in %s with %d browsers: %.1f/s, POST p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d errors\n",
		*user, len(lat), took.Round(time.Millisecond), *conc, rps, ms(p.pct(50)), ms(p.pct(95)), ms(p.pct(99)), errs)
	if firstErr != nil {
		fmt.Printf("first error: %v\n", firstErr)
	}
	fmt.Printf("XSBENCH-SIGNIN %.2f %.3f %.3f %.3f %d %d\n", rps, ms(p.pct(50)), ms(p.pct(95)), ms(p.pct(99)), errs, len(lat))
	if len(lat) == 0 {
		return fmt.Errorf("signin: no sign-in succeeded: %v", firstErr)
	}
	return nil
}

// signInOnce is one fresh browser's sign-in; it returns the POST's latency.
func signInOnce(tr *http.Transport, base, user, password string) (time.Duration, error) {
	c := newBenchClient(tr)
	page, err := c.get(base + "/login")
	if err != nil {
		return 0, err
	}
	tok := csrfOf(page)
	if tok == "" {
		return 0, errors.New("no csrf_token on /login")
	}
	t := time.Now()
	err = c.post(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {tok}}, http.StatusSeeOther)
	d := time.Since(t)
	if err != nil {
		return 0, err
	}
	u, _ := url.Parse(base)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "xs_session" && ck.Value != "" {
			return d, nil
		}
	}
	return 0, errors.New("no session cookie after sign-in")
}
