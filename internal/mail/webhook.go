package mail

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the request
// body under the shared secret; the gateway recomputes it to trust the call.
const SignatureHeader = "X-Xieshang-Signature"

// Webhook sends SMS through a gateway that accepts a signed JSON POST:
//
//	{"phone": "13812345678", "text": "【甲县政协】…", "ref": "xs-42"}
//
// ref stays the same when a delivery is retried, so the gateway can drop
// duplicates. Any 2xx answer means accepted.
type Webhook struct {
	URL     string
	Secret  []byte
	Timeout time.Duration // default 10 s
	Client  *http.Client  // default: a client with Timeout
}

// Check validates the configuration (called at start-up).
func (w *Webhook) Check() error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("sms webhook %q: want an http(s) URL", w.URL)
	}
	if len(w.Secret) < 16 {
		return errors.New("sms webhook secret: at least 16 bytes")
	}
	return nil
}

// Sign returns the signature header's value for body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is body's signature (for gateways
// and tests).
func VerifySignature(secret, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// SendSMS posts one SMS to the gateway. Errors name the status, never the
// phone or the text.
func (w *Webhook) SendSMS(ctx context.Context, phone, text, ref string) error {
	body, err := json.Marshal(struct {
		Phone string `json:"phone"`
		Text  string `json:"text"`
		Ref   string `json:"ref"`
	}{phone, text, ref})
	if err != nil {
		return fmt.Errorf("sms webhook: encode: %w", err)
	}
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New("sms webhook: bad URL")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	req.Header.Set("User-Agent", "xieshang")
	res, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry a token; keep it out of the message
		}
		return fmt.Errorf("sms webhook: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("sms webhook: gateway answered %d", res.StatusCode)
	}
	return nil
}
