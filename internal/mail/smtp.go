// Package mail delivers notices outside the platform: e-mail through a
// configured SMTP server (net/smtp) and SMS through the gateway's webhook.
// It knows nothing of notices; package notice renders the texts and calls
// SendEmail and SendSMS. Neither sender logs personal data.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTP sends e-mail through one server. STARTTLS is used whenever the server
// offers it; AUTH PLAIN when a user is configured (net/smtp refuses to send a
// password over an unencrypted connection except to localhost).
type SMTP struct {
	Addr     string // host:port, e.g. smtp.example.gov.cn:587
	User     string // "" for no authentication
	Password string
	From     string // e.g. "甲县政协办公室 <noreply@example.gov.cn>"
	Hello    string // the name sent in EHLO; default "localhost"
	Timeout  time.Duration
	// TLS, when set, configures STARTTLS (tests, private CAs); ServerName
	// defaults to the host of Addr.
	TLS *tls.Config
}

// Check validates the configuration (called at start-up).
func (s *SMTP) Check() error {
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		return fmt.Errorf("smtp address %q: want host:port", s.Addr)
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return fmt.Errorf("smtp from address %q: %v", s.From, err)
	}
	if s.User != "" && s.Password == "" {
		return errors.New("smtp user given without a password")
	}
	return nil
}

// SendEmail sends one plain-text message in UTF-8.
func (s *SMTP) SendEmail(ctx context.Context, to, toName, subject, body string) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("smtp: from address: %w", err)
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return errors.New("smtp: recipient address is invalid")
	}
	rcpt.Name = toName
	msg, err := Compose(from, rcpt, subject, body, time.Now())
	if err != nil {
		return err
	}
	return s.send(ctx, from.Address, rcpt.Address, msg)
}

func (s *SMTP) send(ctx context.Context, from, to string, msg []byte) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect: %w", err)
	}
	deadline, _ := dctx.Deadline()
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close()
	hello := s.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: server does not offer AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: message refused: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("smtp: QUIT: %w", err)
	}
	return nil
}

// Compose builds an RFC 5322 message: encoded-word (RFC 2047, base64)
// display names and subject, Date, Message-ID, and a UTF-8 plain-text body
// in base64 with lines of 76 characters. Lines end in CRLF.
func Compose(from, to *mail.Address, subject, body string, now time.Time) ([]byte, error) {
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("smtp: message id: %w", err)
	}
	domain := "localhost"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
		domain = from.Address[i+1:]
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", address(from))
	header("To", address(to))
	header("Subject", encodeHeader(strings.Join(strings.Fields(subject), " ")))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}

// address formats a mailbox with its display name as encoded words.
func address(a *mail.Address) string {
	name := strings.Join(strings.Fields(a.Name), " ")
	if name == "" {
		return "<" + a.Address + ">"
	}
	return encodeHeader(name) + " <" + a.Address + ">"
}

// encodeHeader encodes s as RFC 2047 words when it is not plain ASCII,
// folding between words so header lines stay short.
func encodeHeader(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '?' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	// Encode in pieces of at most 39 bytes (13 Chinese characters, 52 in
	// base64, so a line stays under 78), cut between characters, each an
	// encoded word on its own folded line.
	var words []string
	for len(s) > 0 {
		n := 0
		for i := range s {
			if i > 39 {
				break
			}
			n = i
		}
		if len(s) <= 39 {
			n = len(s)
		}
		words = append(words, mime.BEncoding.Encode("UTF-8", s[:n]))
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}
