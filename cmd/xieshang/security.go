package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/audit"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

// `xieshang security check` inspects a deployment's configuration — the
// environment a server starts with, its database and, with --url, the
// server's answers — against the 等保 2.0 level-3 controls and the 密评
// expectations the platform implements (README "Compliance"). Each control
// is PASS, WARN (works, but a level-3 deployment is expected to tighten or
// add something) or FAIL (a control is off or broken); any FAIL makes the
// command fail.

// secFinding is one control's outcome.
type secFinding struct {
	Status  string // PASS, WARN, FAIL
	Control string // 控制项
	Detail  string
}

// secState is what the check read; secFindings judges it (a pure function,
// tested as rules).
type secState struct {
	KeySource     string
	KeyFileMode   os.FileMode // 0 when the keys are not in a file
	KeyBesideDB   bool
	Current       string
	MasterKeys    []string
	SealedByKey   map[string]int     // all sealed columns together; "" plaintext
	AuditHash     string             // XIESHANG_AUDIT_HASH, "" for SM3
	Audit         store.VerifyReport // with the missing triggers and the oldest entry
	Policy        auth.SecurityPolicy
	EnabledByRole map[auth.Role]int
	SecureCookies bool
	Probe         *secProbe // nil without --url
}

// secProbe is what the running server answered at /login.
type secProbe struct {
	URL        string
	HTTPS      bool
	Header     http.Header
	CookieAttr []string // attributes of the cookies set, lower case
	Err        error
}

// threeAdmins are the roles 三员分立 separates; the check counts their accounts.
var threeAdmins = []auth.Role{auth.Admin, auth.SecAdmin, auth.Auditor}

func secFindings(s secState) []secFinding {
	var out []secFinding
	add := func(status, control, format string, a ...any) {
		out = append(out, secFinding{status, control, fmt.Sprintf(format, a...)})
	}

	// 密钥管理
	switch {
	case s.KeyFileMode&0o077 != 0:
		add("WARN", "密钥管理 key storage", "the key file %s can be read by other users (mode %v); chmod 600", s.KeySource, s.KeyFileMode.Perm())
	case s.KeyBesideDB:
		add("WARN", "密钥管理 key storage", "the key file %s lies beside the database: a copy of the data directory carries its own key; keep it elsewhere (XIESHANG_KEY_FILE)", s.KeySource)
	default:
		add("PASS", "密钥管理 key storage", "keys from %s; master keys %s, current %s", s.KeySource, strings.Join(s.MasterKeys, ", "), s.Current)
	}
	// 数据保密性: sealed fields
	total, old := 0, 0
	for k, n := range s.SealedByKey {
		total += n
		if k != "" && k != s.Current {
			old += n
		}
	}
	switch plain := s.SealedByKey[""]; {
	case plain > 0:
		add("FAIL", "数据保密性 personal fields encrypted (SM4)", "%d of %d values are stored in plaintext; start the server or run `xieshang keys rotate`", plain, total)
	case old > 0:
		add("WARN", "数据保密性 personal fields encrypted (SM4)", "%d of %d values are sealed under an older master key; run `xieshang keys rotate`", old, total)
	default:
		add("PASS", "数据保密性 personal fields encrypted (SM4)", "all %d values sealed under master key %s (SM4-GCM, per-value data keys)", total, s.Current)
	}
	for _, id := range s.MasterKeys {
		if id != s.Current && s.SealedByKey[id] == 0 {
			add("WARN", "密钥管理 retired keys", "master key %s seals nothing any more: remove it from the key file (keep a copy with the older backups)", id)
		}
	}
	// 安全审计
	if s.AuditHash == audit.AlgSHA256 {
		add("WARN", "数据完整性 audit chain hash", "new audit entries are chained with SHA-256 (XIESHANG_AUDIT_HASH=sha256); 密评 expects SM3: unset it")
	} else {
		add("PASS", "数据完整性 audit chain hash", "new audit entries are chained with SM3 (%d SM3, %d SHA-256 entries)", s.Audit.ByAlg[audit.AlgSM3], s.Audit.ByAlg[audit.AlgSHA256])
	}
	if n := len(s.Audit.Problems); n > 0 {
		add("FAIL", "安全审计 audit chains intact", "%d problems in %d chains, e.g. %v; see `xieshang audit verify`", n, s.Audit.Chains, s.Audit.Problems[0])
	} else {
		add("PASS", "安全审计 audit chains intact", "%d chains, %d entries verified", s.Audit.Chains, s.Audit.Entries)
	}
	if len(s.Audit.Unprotected) > 0 {
		add("FAIL", "安全审计 audit records protected from deletion", "triggers missing: %s; run `xieshang migrate`", strings.Join(s.Audit.Unprotected, ", "))
	} else {
		add("PASS", "安全审计 audit records protected from deletion", "append-only triggers refuse UPDATE and DELETE on audit_log")
	}
	oldest := "no entries yet"
	if !s.Audit.Oldest.IsZero() {
		oldest = "oldest entry " + s.Audit.Oldest.Format("2006-01-02")
	}
	if s.Policy.AuditRetentionDays < 180 {
		add("FAIL", "安全审计 retention ≥ 180 days", "retention set to %d days (%s)", s.Policy.AuditRetentionDays, oldest)
	} else {
		add("PASS", "安全审计 retention ≥ 180 days", "kept %d days at least, never deleted by the platform (%s)", s.Policy.AuditRetentionDays, oldest)
	}
	// 身份鉴别
	p := s.Policy
	if p.PasswordMinLength >= 8 && p.PasswordMinClasses >= 3 {
		add("PASS", "身份鉴别 password complexity", "at least %d characters of %d classes, not the username", p.PasswordMinLength, p.PasswordMinClasses)
	} else {
		add("WARN", "身份鉴别 password complexity", "at least %d characters of %d classes: level 3 expects 8 or more of 3 classes", p.PasswordMinLength, p.PasswordMinClasses)
	}
	if p.PasswordMaxAgeDays == 0 {
		add("WARN", "身份鉴别 periodic password change", "passwords never expire; set a maximum age (e.g. 90 days) on the 安全策略 page")
	} else {
		add("PASS", "身份鉴别 periodic password change", "passwords expire after %d days and must be changed at the next sign-in", p.PasswordMaxAgeDays)
	}
	if p.LockAfter > 0 && p.LockMinutes > 0 {
		add("PASS", "身份鉴别 login failure handling", "%d failures in 15 minutes wait; %d lock the account for %d minutes; the security admin unlocks", p.ThrottleFailures, p.LockAfter, p.LockMinutes)
	} else {
		add("FAIL", "身份鉴别 login failure handling", "lockout is off")
	}
	if p.SessionIdleMinutes <= 30 {
		add("PASS", "身份鉴别 session timeout", "sessions end after %d minutes idle and %d hours at most", p.SessionIdleMinutes, p.SessionAbsoluteHours)
	} else {
		add("WARN", "身份鉴别 session timeout", "sessions end after %d minutes idle (%d hours at most); assessments commonly expect 30 minutes or less", p.SessionIdleMinutes, p.SessionAbsoluteHours)
	}
	add("WARN", "身份鉴别 two-factor authentication", "not provided by the platform: level 3 asks for two factors, one cryptographic — put a certificate (SM2/USBKey) VPN or gateway in front")
	// 访问控制: 三员分立
	var missing []string
	for _, r := range threeAdmins {
		if s.EnabledByRole[r] == 0 {
			missing = append(missing, r.Label())
		}
	}
	if len(missing) > 0 {
		add("WARN", "访问控制 three administrators (三员分立)", "no enabled account of %s: create one for a different person each", strings.Join(missing, "、"))
	} else {
		add("PASS", "访问控制 three administrators (三员分立)", "%d 系统管理员, %d 安全管理员, %d 审计管理员 accounts; the grant table keeps them apart",
			s.EnabledByRole[auth.Admin], s.EnabledByRole[auth.SecAdmin], s.EnabledByRole[auth.Auditor])
	}
	// 通信传输
	if s.SecureCookies {
		add("PASS", "通信传输 HTTPS", "cookies are marked Secure (XIESHANG_SECURE_COOKIES=1); TLS (国密 TLS where required) ends at the proxy")
	} else {
		add("WARN", "通信传输 HTTPS", "XIESHANG_SECURE_COOKIES is not set: serve through an HTTPS proxy and set it (cookies are Secure anyway on requests that came over TLS)")
	}
	if pr := s.Probe; pr != nil {
		switch {
		case pr.Err != nil:
			add("FAIL", "通信传输 server answers", "%s: %v", pr.URL, pr.Err)
		default:
			var lacks []string
			for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
				if pr.Header.Get(h) == "" {
					lacks = append(lacks, h)
				}
			}
			for _, a := range pr.CookieAttr {
				for _, want := range []string{"httponly", "samesite"} {
					if !strings.Contains(a, want) {
						lacks = append(lacks, "cookie "+want)
					}
				}
				if pr.HTTPS && !strings.Contains(a, "secure") {
					lacks = append(lacks, "cookie secure")
				}
			}
			if len(lacks) > 0 {
				slices.Sort(lacks)
				add("FAIL", "通信传输 server answers", "%s lacks %s", pr.URL, strings.Join(slices.Compact(lacks), ", "))
			} else {
				add("PASS", "通信传输 server answers", "%s sends the security headers and HttpOnly, SameSite cookies", pr.URL)
			}
		}
	}
	return out
}

func cmdSecurity(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New("usage: xieshang security check [--db DSN] [--url https://…]")
	}
	fs := flag.NewFlagSet("security check", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dsn := dbFlag(fs)
	url := fs.String("url", "", "also ask the running server at this address (its /login page) for its headers and cookies")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := readSecState(ctx, db, *dsn)
	if err != nil {
		return err
	}
	if *url != "" {
		s.Probe = probeServer(ctx, *url)
	}
	fails := 0
	for _, f := range secFindings(s) {
		fmt.Fprintf(stdout, "%-4s  %s: %s\n", f.Status, f.Control, f.Detail)
		if f.Status == "FAIL" {
			fails++
		}
	}
	if fails > 0 {
		return fmt.Errorf("security check: %d controls fail", fails)
	}
	return nil
}

func readSecState(ctx context.Context, db *store.DB, dsn string) (secState, error) {
	s := secState{SealedByKey: map[string]int{}, EnabledByRole: map[auth.Role]int{},
		AuditHash: os.Getenv("XIESHANG_AUDIT_HASH"), SecureCookies: os.Getenv("XIESHANG_SECURE_COOKIES") == "1"}
	keys := db.Keys()
	s.KeySource, s.Current, s.MasterKeys = keySource(dsn), keys.Current(), keys.IDs()
	if s.KeySource != "$XIESHANG_KEYS" {
		if st, err := os.Stat(s.KeySource); err == nil {
			s.KeyFileMode = st.Mode().Perm()
		}
		s.KeyBesideDB = !store.IsPostgres(dsn) && s.KeySource == dsn+".keys"
	}
	st, err := db.FindSealStatus(ctx)
	if err != nil {
		return s, err
	}
	for _, c := range st {
		for k, n := range c.ByKey {
			s.SealedByKey[k] += n
		}
	}
	if s.Audit, err = db.VerifyAudit(ctx); err != nil {
		return s, err
	}
	set, err := db.SecuritySettings(ctx)
	if err != nil {
		return s, err
	}
	s.Policy = set.Policy
	enabled := false
	for _, r := range threeAdmins {
		_, n, err := db.FindAccounts(ctx, app.System, store.AccountFilter{Role: r, Disabled: &enabled, Limit: 1})
		if err != nil {
			return s, err
		}
		s.EnabledByRole[r] = n
	}
	return s, nil
}

func probeServer(ctx context.Context, base string) *secProbe {
	p := &secProbe{URL: strings.TrimRight(base, "/") + "/login", HTTPS: strings.HasPrefix(base, "https://")}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", p.URL, nil)
	if err != nil {
		p.Err = err
		return p
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.Err = err
		return p
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		p.Err = fmt.Errorf("answered %d", res.StatusCode)
		return p
	}
	p.Header = res.Header
	for _, c := range res.Header.Values("Set-Cookie") {
		p.CookieAttr = append(p.CookieAttr, strings.ToLower(c))
	}
	return p
}
