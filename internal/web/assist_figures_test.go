package web_test

import (
	"net/http"
	"strings"
	"testing"

	"xieshang/internal/store"
)

func TestAssistFiguresPage(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	code, page := c.get("/assist?year=2026&quarter=1&who=" + "县政协")
	if code != http.StatusOK || !strings.Contains(page, "统计期间：2026-01 至 2026-03") ||
		!strings.Contains(page, "县政协0名结对帮扶干部") || !strings.Contains(page, "甲县政协") {
		t.Fatalf("figures page: %d\n%s", code, page)
	}
	if code, page := c.get("/assist?from=2026-00&to=2026-03"); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "统计期间的月份格式应为") {
		t.Errorf("bad period: %d", code)
	}
	var af store.AssistFigures
	if code := c.api("GET", "/api/v1/assist/figures?from=2026-04&to=2026-06", nil, &af); code != 200 ||
		af.OrgName != "甲县政协" || af.Period.To != "2026-06" {
		t.Errorf("api: %d %+v", code, af)
	}
	// Members and handling units have no assistance figures.
	if code, _ := e.login("unit-a").get("/assist"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("unit reads /assist: %d", code)
	}
	if code, _ := e.login("cadre-a").get("/assist"); code != http.StatusOK {
		t.Errorf("cadre reads /assist: %d", code)
	}
}
