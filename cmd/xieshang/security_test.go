package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"xieshang/internal/audit"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// goodState is a deployment that meets every control the platform can.
func goodState() secState {
	return secState{
		KeySource: "/etc/xieshang/keys", KeyFileMode: 0o600, Current: "k2", MasterKeys: []string{"k1", "k2"},
		SealedByKey: map[string]int{"k1": 3, "k2": 100},
		Audit: store.VerifyReport{Chains: 3, Entries: 500, ByAlg: map[string]int64{audit.AlgSM3: 500},
			Oldest: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		Policy: auth.SecurityPolicy{PasswordMinLength: 12, PasswordMinClasses: 3, PasswordMaxAgeDays: 90,
			ThrottleFailures: 5, LockAfter: 10, LockMinutes: 30, SessionIdleMinutes: 30, SessionAbsoluteHours: 12,
			AuditRetentionDays: 180},
		EnabledByRole: map[auth.Role]int{auth.Admin: 1, auth.SecAdmin: 1, auth.Auditor: 1},
		SecureCookies: true,
		Probe: &secProbe{URL: "https://x/login", HTTPS: true, Header: http.Header{"Content-Security-Policy": {"x"},
			"X-Frame-Options": {"DENY"}, "X-Content-Type-Options": {"nosniff"}, "Referrer-Policy": {"same-origin"}},
			CookieAttr: []string{"xs_csrf=1; path=/; httponly; secure; samesite=lax"}},
	}
}

// statusOf is the status of the first finding whose control contains c.
func statusOf(fs []secFinding, c string) string {
	for _, f := range fs {
		if strings.Contains(f.Control, c) {
			return f.Status + " " + f.Detail
		}
	}
	return "MISSING"
}

// TestSecurityFindings: each control judged as a rule, from a deployment
// that meets it and from one that does not.
func TestSecurityFindings(t *testing.T) {
	for _, f := range secFindings(goodState()) {
		want := "PASS"
		switch {
		case strings.Contains(f.Control, "two-factor"), strings.Contains(f.Control, "retired keys"):
			want = "WARN" // 2FA is outside the platform; k1 still seals 3 values here, so not retired
		}
		if f.Status != want && !(strings.Contains(f.Control, "personal fields") && f.Status == "WARN") {
			t.Errorf("good state: %s is %s: %s", f.Control, f.Status, f.Detail)
		}
	}
	for _, c := range []struct {
		name, control, want string
		change              func(*secState)
	}{
		{"plaintext", "personal fields", "FAIL 2 of", func(s *secState) { s.SealedByKey[""] = 2 }},
		{"old key", "personal fields", "WARN 3 of 103", func(s *secState) {}},
		{"all current", "personal fields", "PASS all 100", func(s *secState) { delete(s.SealedByKey, "k1") }},
		{"retired", "retired keys", "WARN master key k1", func(s *secState) { delete(s.SealedByKey, "k1") }},
		{"readable key file", "key storage", "WARN", func(s *secState) { s.KeyFileMode = 0o644 }},
		{"key beside the database", "key storage", "WARN", func(s *secState) { s.KeyBesideDB = true }},
		{"sha256", "audit chain hash", "WARN", func(s *secState) { s.AuditHash = audit.AlgSHA256 }},
		{"broken chain", "chains intact", "FAIL 1 problems", func(s *secState) {
			s.Audit.Problems = []audit.Problem{{Chain: 2, Seq: 7}}
		}},
		{"trigger dropped", "protected from deletion", "FAIL triggers missing: audit_log_no_delete", func(s *secState) {
			s.Audit.Unprotected = []string{"audit_log_no_delete"}
		}},
		{"short retention", "retention", "FAIL retention set to 90", func(s *secState) { s.Policy.AuditRetentionDays = 90 }},
		{"weak passwords", "password complexity", "WARN", func(s *secState) { s.Policy.PasswordMinClasses = 2 }},
		{"no expiry", "periodic password change", "WARN", func(s *secState) { s.Policy.PasswordMaxAgeDays = 0 }},
		{"no lockout", "login failure", "FAIL", func(s *secState) { s.Policy.LockAfter = 0 }},
		{"long idle", "session timeout", "WARN", func(s *secState) { s.Policy.SessionIdleMinutes = 120 }},
		{"no auditor", "three administrators", "WARN no enabled account of 审计管理员", func(s *secState) {
			s.EnabledByRole[auth.Auditor] = 0
		}},
		{"plain cookies", "HTTPS", "WARN", func(s *secState) { s.SecureCookies = false }},
		{"no CSP", "server answers", "FAIL https://x/login lacks Content-Security-Policy", func(s *secState) {
			s.Probe.Header.Del("Content-Security-Policy")
		}},
		{"cookie not secure over https", "server answers", "FAIL https://x/login lacks cookie secure", func(s *secState) {
			s.Probe.CookieAttr = []string{"xs_csrf=1; httponly; samesite=lax"}
		}},
	} {
		s := goodState()
		c.change(&s)
		if got := statusOf(secFindings(s), c.control); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %s is %q, want %q…", c.name, c.control, got, c.want)
		}
	}
}

// TestSecurityCheckCommand: the command on a demo database and its running
// server passes but for the warnings a demo deserves; with a trigger dropped
// it fails and says which.
func TestSecurityCheckCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"demo", "--db", path}, &out, &out); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	defer srv.Close()
	defer db.Close()
	out.Reset()
	if err := run(ctx, []string{"security", "check", "--db", path, "--url", srv.URL}, &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"PASS  数据保密性 personal fields encrypted (SM4): all", "PASS  安全审计 audit records protected",
		"PASS  访问控制 three administrators", "PASS  通信传输 server answers: " + srv.URL + "/login",
		"WARN  身份鉴别 two-factor"} {
		if !strings.Contains(s, want) {
			t.Errorf("security check lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "FAIL") {
		t.Errorf("a demo deployment fails a control:\n%s", s)
	}

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_delete`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"security", "check", "--db", path}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "1 controls fail") ||
		!strings.Contains(out.String(), "FAIL  安全审计 audit records protected from deletion: triggers missing: audit_log_no_delete") {
		t.Fatalf("with a trigger dropped: %v\n%s", err, out.String())
	}
}
