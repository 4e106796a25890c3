package mail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"xieshang/internal/mail"
)

const (
	subject = "关于召开县政协十届九次常委会会议暨专题协商会的通知（请各位委员准时参加）"
	text    = "张三：\n\n定于5月8日上午9时在县政协三楼会议室召开。\n请准时参加。\n"
)

// parse reads a message the sink received and checks it is 7-bit clean with
// short lines, as SMTP without 8BITMIME requires.
func parse(t *testing.T, data string) *netmail.Message {
	t.Helper()
	for i, line := range strings.Split(data, "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d has %d characters: %q", i+1, len(line), line)
		}
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Fatalf("line %d has 8-bit data: %q", i+1, line)
			}
		}
	}
	m, err := netmail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	return m
}

func TestSMTPSendsEncodedChinese(t *testing.T) {
	s := newSink(t)
	smtp := &mail.SMTP{Addr: s.addr, From: "甲县政协办公室 <noreply@example.gov.cn>", Timeout: 5 * time.Second}
	if err := smtp.Check(); err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "张三", subject, text); err != nil {
		t.Fatal(err)
	}
	msgs := s.messages()
	if len(msgs) != 1 || msgs[0].From != "noreply@example.gov.cn" || len(msgs[0].To) != 1 || msgs[0].To[0] != "zhang@example.org" {
		t.Fatalf("envelope %+v", msgs)
	}
	m := parse(t, msgs[0].Data)
	dec := new(mime.WordDecoder)
	got, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || got != subject {
		t.Fatalf("subject %q (%v), raw %q", got, err, m.Header.Get("Subject"))
	}
	if !strings.HasPrefix(m.Header.Get("Subject"), "=?UTF-8?b?") && !strings.HasPrefix(m.Header.Get("Subject"), "=?UTF-8?B?") {
		t.Fatalf("subject not RFC 2047 encoded: %q", m.Header.Get("Subject"))
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Name != "甲县政协办公室" || from[0].Address != "noreply@example.gov.cn" {
		t.Fatalf("from %+v %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || to[0].Name != "张三" || to[0].Address != "zhang@example.org" {
		t.Fatalf("to %+v %v", to, err)
	}
	if d, err := m.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Fatalf("date %v %v", d, err)
	}
	if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.gov.cn>") {
		t.Fatalf("message id %q", id)
	}
	if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || m.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Fatalf("content type %q", ct)
	}
	raw, _ := io.ReadAll(m.Body)
	body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != strings.ReplaceAll(text, "\n", "\r\n") {
		t.Fatalf("body %q", body)
	}
}

func TestSMTPAuthPlain(t *testing.T) {
	s := newSink(t)
	s.user, s.pwd = "office", "s3cret"
	smtp := &mail.SMTP{Addr: s.addr, From: "noreply@example.gov.cn", User: "office", Password: "s3cret"}
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "", "会议通知", "正文"); err != nil {
		t.Fatal(err)
	}
	if len(s.authed) != 1 || len(s.messages()) != 1 {
		t.Fatalf("auth %v, messages %d", s.authed, len(s.messages()))
	}
	smtp.Password = "wrong"
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "", "会议通知", "正文"); err == nil ||
		!strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestSMTPTemporaryFailure(t *testing.T) {
	s := newSink(t)
	s.failRcpt = 1
	smtp := &mail.SMTP{Addr: s.addr, From: "noreply@example.gov.cn"}
	err := smtp.SendEmail(context.Background(), "zhang@example.org", "张三", "会议通知", "正文")
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("want 451, got %v", err)
	}
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "张三", "会议通知", "正文"); err != nil {
		t.Fatal(err)
	}
}

func TestSMTPCheck(t *testing.T) {
	for _, s := range []mail.SMTP{
		{Addr: "smtp.example.org", From: "a@example.org"},
		{Addr: "smtp.example.org:587", From: "not an address"},
		{Addr: "smtp.example.org:587", From: "a@example.org", User: "u"},
	} {
		if err := s.Check(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

// gateway is an SMS gateway for tests: it checks the signature and records
// the JSON it accepts.
func gateway(t *testing.T, secret []byte, status int, got chan<- map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if !mail.VerifySignature(secret, b, r.Header.Get(mail.SignatureHeader)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		if got != nil {
			got <- m
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWebhookSendsSignedJSON(t *testing.T) {
	secret := []byte("0123456789abcdef-sms")
	got := make(chan map[string]string, 1)
	srv := gateway(t, secret, http.StatusAccepted, got)
	w := &mail.Webhook{URL: srv.URL, Secret: secret}
	if err := w.Check(); err != nil {
		t.Fatal(err)
	}
	if err := w.SendSMS(context.Background(), "13812345678", "【甲县政协】张三：会议通知。详见平台通知。", "xs-7"); err != nil {
		t.Fatal(err)
	}
	m := <-got
	if m["phone"] != "13812345678" || m["text"] != "【甲县政协】张三：会议通知。详见平台通知。" || m["ref"] != "xs-7" {
		t.Fatalf("gateway got %v", m)
	}

	// A wrong secret is refused by the gateway; the error names the status only.
	bad := &mail.Webhook{URL: srv.URL, Secret: []byte("another-secret-of-16")}
	err := bad.SendSMS(context.Background(), "13812345678", "text", "xs-8")
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "1381234") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestWebhookTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	w := &mail.Webhook{URL: srv.URL + "/send?token=abc", Secret: []byte("0123456789abcdef"), Timeout: 100 * time.Millisecond}
	start := time.Now()
	err := w.SendSMS(context.Background(), "13812345678", "text", "xs-9")
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("timeout: %v after %v", err, time.Since(start))
	}
	if strings.Contains(err.Error(), "token=abc") || strings.Contains(err.Error(), "1381234") {
		t.Fatalf("error leaks the URL or phone: %v", err)
	}
}

func TestWebhookCheck(t *testing.T) {
	for _, w := range []mail.Webhook{
		{URL: "ftp://gw.example.org", Secret: []byte("0123456789abcdef")},
		{URL: "https://gw.example.org/send", Secret: []byte("short")},
	} {
		if err := w.Check(); err == nil {
			t.Errorf("%+v accepted", w)
		}
	}
}

func TestSMTPUsesSTARTTLSWhenOffered(t *testing.T) {
	// httptest's certificate for 127.0.0.1 serves the sink's STARTTLS.
	hs := httptest.NewTLSServer(http.NotFoundHandler())
	defer hs.Close()
	pool := x509.NewCertPool()
	pool.AddCert(hs.Certificate())
	s := newSink(t)
	s.tls = &tls.Config{Certificates: hs.TLS.Certificates}
	s.user, s.pwd = "office", "s3cret"
	smtp := &mail.SMTP{Addr: s.addr, From: "noreply@example.gov.cn", User: "office", Password: "s3cret",
		TLS: &tls.Config{RootCAs: pool}}
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "张三", "会议通知", "正文"); err != nil {
		t.Fatal(err)
	}
	if len(s.tlsUsed) != 1 || !s.tlsUsed[0] || len(s.authed) != 1 {
		t.Fatalf("tls %v auth %v", s.tlsUsed, s.authed)
	}
	// An untrusted certificate stops the delivery rather than sending in clear.
	smtp.TLS = nil
	if err := smtp.SendEmail(context.Background(), "zhang@example.org", "张三", "会议通知", "正文"); err == nil ||
		!strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}
