package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"xieshang/internal/storetest"
)

func TestNotifyConfig(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "sms.secret")
	if err := os.WriteFile(secretFile, []byte("0123456789abcdef-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		ok         bool
		email, sms bool
	}{
		{"nothing: inbox only", nil, true, false, false},
		{"smtp", []string{"--smtp-addr", "127.0.0.1:25", "--smtp-from", "县政协 <noreply@example.gov.cn>"}, true, true, false},
		{"smtp without from", []string{"--smtp-addr", "127.0.0.1:25"}, false, false, false},
		{"from without addr", []string{"--smtp-from", "noreply@example.gov.cn"}, false, false, false},
		{"user without password", []string{"--smtp-addr", "127.0.0.1:25", "--smtp-from", "a@example.org", "--smtp-user", "u"}, false, false, false},
		{"sms from file", []string{"--sms-webhook", "https://gw.example.org/send", "--sms-secret-file", secretFile}, true, false, true},
		{"sms secret twice", []string{"--sms-webhook", "https://gw.example.org/send", "--sms-secret", "0123456789abcdef", "--sms-secret-file", secretFile}, false, false, false},
		{"sms short secret", []string{"--sms-webhook", "https://gw.example.org/send", "--sms-secret", "short"}, false, false, false},
		{"bad public url", []string{"--sms-webhook", "https://gw.example.org/send", "--sms-secret", "0123456789abcdef", "--public-url", "zx.example.org"}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"XIESHANG_SMTP_ADDR", "XIESHANG_SMTP_USER", "XIESHANG_SMTP_PASSWORD", "XIESHANG_SMTP_PASSWORD_FILE",
				"XIESHANG_SMTP_FROM", "XIESHANG_SMS_WEBHOOK", "XIESHANG_SMS_SECRET", "XIESHANG_SMS_SECRET_FILE", "XIESHANG_PUBLIC_URL"} {
				t.Setenv(k, "")
			}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			c := notifyFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			db := storetest.Open(t)
			d, err := c.deliverer(db, nil)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if db.Notify.Email != tt.email || db.Notify.SMS != tt.sms || (d == nil) != (!tt.email && !tt.sms) {
				t.Fatalf("notify %+v, deliverer %v", db.Notify, d)
			}
		})
	}
}
