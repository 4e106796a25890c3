package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Phone-sized (360×740): the pages a member or a cadre opens on a phone fit
// the screen's width — nothing to scroll sideways.
func TestBrowserPhoneWidth(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	fits := func(path string) {
		t.Helper()
		err := chromedp.Do(c, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		over, err := chromedp.Run(c, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		if err != nil || over > 0 {
			t.Fatalf("%s is %d px wider than a 360 px screen (%v)", path, over, err)
		}
		screenshot(t, ctx, "phone"+strings.ReplaceAll(path, "/", "-"))
	}
	if err := chromedp.Do(c, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	fits("/login")
	err := chromedp.Do(c, chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "cadre-a"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`.who`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/households", "/search?q=扶贫", "/me/password"} {
		fits(p)
	}
}
