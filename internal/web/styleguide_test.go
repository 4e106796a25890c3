package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// The style guide lists the components as the pages draw them, for any
// signed-in account, and is linked from every page's footer; the palette
// in the guide is the one app.css declares.
func TestStyleGuide(t *testing.T) {
	e := newEnv(t)
	for _, user := range []string{"office-a", "cadre-a", "unit-a"} {
		c := e.login(user)
		status, page := c.get("/styleguide")
		if status != 200 {
			t.Fatalf("%s: /styleguide %d", user, status)
		}
		for _, want := range []string{"<h1>界面规范</h1>", `class="btn primary"`, `class="alert ok"`, `role="alert"`,
			`id="e-sg_date"`, "不是有效的日期", `class="pager"`, `role="img"`, "各组织在职委员（图表数据）", "15.8:1", "6.1:1"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the style guide lacks %q", user, want)
			}
		}
		_, home := c.get("/")
		if !strings.Contains(home, `href="/styleguide"`) {
			t.Errorf("%s: no link to the style guide in the footer", user)
		}
	}
	if status, _ := e.anon().get("/styleguide"); status != 303 {
		t.Errorf("signed out: /styleguide %d, want 303 to sign-in", status)
	}
	_, page := e.login("office-a").get("/styleguide")
	_, css := e.anon().get(regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(page)[1])
	for _, m := range regexp.MustCompile(`<code>(--[a-z-]+)</code></td>\s*<td><code>(#[0-9a-f]{6})</code>`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(css, m[1]+": "+m[2]) {
			t.Errorf("the guide says %s is %s; app.css does not", m[1], m[2])
		}
	}
}
