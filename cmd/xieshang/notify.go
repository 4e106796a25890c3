package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"xieshang/internal/mail"
	"xieshang/internal/notice"
	"xieshang/internal/store"
)

// notifyConfig is how notices leave the platform: SMTP for e-mail and a
// webhook for the SMS gateway. Without them notices reach the inbox only.
type notifyConfig struct {
	smtpAddr, smtpUser, smtpPassword, smtpPasswordFile, smtpFrom string
	smsURL, smsSecret, smsSecretFile                             string
	publicURL                                                    string
}

// notifyFlags adds the delivery flags to serve, with defaults from the
// environment.
func notifyFlags(fs *flag.FlagSet) *notifyConfig {
	c := &notifyConfig{}
	env := os.Getenv
	fs.StringVar(&c.smtpAddr, "smtp-addr", env("XIESHANG_SMTP_ADDR"), "SMTP server host:port for notice e-mail ($XIESHANG_SMTP_ADDR; empty: no e-mail)")
	fs.StringVar(&c.smtpUser, "smtp-user", env("XIESHANG_SMTP_USER"), "SMTP user for AUTH PLAIN ($XIESHANG_SMTP_USER)")
	fs.StringVar(&c.smtpPassword, "smtp-password", env("XIESHANG_SMTP_PASSWORD"), "SMTP password ($XIESHANG_SMTP_PASSWORD)")
	fs.StringVar(&c.smtpPasswordFile, "smtp-password-file", env("XIESHANG_SMTP_PASSWORD_FILE"), "file holding the SMTP password ($XIESHANG_SMTP_PASSWORD_FILE)")
	fs.StringVar(&c.smtpFrom, "smtp-from", env("XIESHANG_SMTP_FROM"), "sender, e.g. '县政协办公室 <noreply@example.gov.cn>' ($XIESHANG_SMTP_FROM)")
	fs.StringVar(&c.smsURL, "sms-webhook", env("XIESHANG_SMS_WEBHOOK"), "SMS gateway webhook URL ($XIESHANG_SMS_WEBHOOK; empty: no SMS)")
	fs.StringVar(&c.smsSecret, "sms-secret", env("XIESHANG_SMS_SECRET"), "HMAC secret for the SMS webhook ($XIESHANG_SMS_SECRET)")
	fs.StringVar(&c.smsSecretFile, "sms-secret-file", env("XIESHANG_SMS_SECRET_FILE"), "file holding the SMS secret ($XIESHANG_SMS_SECRET_FILE)")
	fs.StringVar(&c.publicURL, "public-url", env("XIESHANG_PUBLIC_URL"), "the platform's public address for links in e-mail ($XIESHANG_PUBLIC_URL)")
	return c
}

// secret returns a value given directly or read from a _FILE (not both).
func secret(name, value, file string) (string, error) {
	if file == "" {
		return value, nil
	}
	if value != "" {
		return "", fmt.Errorf("%s: give the value or the _FILE, not both", name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// deliverer builds the notice deliverer from the flags and tells the store
// which channels exist; it returns nil when neither channel is configured.
// Bad combinations stop the server at start-up.
func (c *notifyConfig) deliverer(db *store.DB, log *slog.Logger) (*notice.Deliverer, error) {
	d := &notice.Deliverer{Outbox: db, Site: notice.Site{BaseURL: c.publicURL, Loc: db.Loc}, Log: log}
	if c.smtpAddr != "" {
		pw, err := secret("smtp password", c.smtpPassword, c.smtpPasswordFile)
		if err != nil {
			return nil, err
		}
		s := &mail.SMTP{Addr: c.smtpAddr, User: c.smtpUser, Password: pw, From: c.smtpFrom}
		if err := s.Check(); err != nil {
			return nil, err
		}
		d.Email = s
	} else if c.smtpFrom != "" || c.smtpUser != "" {
		return nil, errors.New("SMTP settings given without --smtp-addr")
	}
	if c.smsURL != "" {
		sec, err := secret("sms secret", c.smsSecret, c.smsSecretFile)
		if err != nil {
			return nil, err
		}
		w := &mail.Webhook{URL: c.smsURL, Secret: []byte(sec), Timeout: 10 * time.Second}
		if err := w.Check(); err != nil {
			return nil, err
		}
		d.SMS = w
	}
	if c.publicURL != "" && !strings.HasPrefix(c.publicURL, "https://") && !strings.HasPrefix(c.publicURL, "http://") {
		return nil, fmt.Errorf("--public-url %q: want an http(s) address", c.publicURL)
	}
	db.Notify = store.NoticeDelivery{Email: d.Email != nil, SMS: d.SMS != nil}
	if d.Email == nil && d.SMS == nil {
		return nil, nil
	}
	return d, nil
}

// startNotify starts the deliverer when a channel is configured.
func startNotify(ctx context.Context, c *notifyConfig, db *store.DB, log *slog.Logger) error {
	d, err := c.deliverer(db, log)
	if err != nil || d == nil {
		return err
	}
	log.Info("notice delivery on", "email", d.Email != nil, "sms", d.SMS != nil)
	go d.Run(ctx)
	return nil
}
