package notice

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Delivery is one outbox row claimed for sending: a notice to one recipient
// by one channel.
type Delivery struct {
	ID        int64 // the outbox row
	Channel   Channel
	Attempts  int // attempts so far, this one included
	Notice    Notice
	Recipient Recipient
}

// Ref is the delivery's reference for the gateway: stable across retries, so
// a gateway can drop a duplicate.
func (d Delivery) Ref() string { return "xs-" + app.Itoa(d.ID) }

// Outbox is where deliveries wait: the store implements it.
type Outbox interface {
	// ClaimDeliveries takes up to limit due rows and leases them until
	// now+lease, so another node does not send them too; a node that dies
	// mid-send leaves them to be claimed again when the lease runs out.
	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	// RecordDelivery records an attempt: sent when errText is "", otherwise
	// retried at retry, or failed for good when retry is zero.
	RecordDelivery(ctx context.Context, id int64, at time.Time, errText string, retry time.Time) error
}

// EmailSender sends one plain-text e-mail (package mail: SMTP).
type EmailSender interface {
	SendEmail(ctx context.Context, to, toName, subject, body string) error
}

// SMSSender sends one SMS (package mail: the gateway's webhook).
type SMSSender interface {
	SendSMS(ctx context.Context, phone, text, ref string) error
}

// backoff is the wait after each failed attempt; after the last, the row fails.
var backoff = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}

// MaxAttempts is how often a delivery is tried before it fails for good
// (about ten and a half hours of retrying).
var MaxAttempts = len(backoff) + 1

// Retry returns when to try again after the attempts-th failed attempt at
// now, or the zero time when the delivery should fail for good.
func Retry(now time.Time, attempts int) time.Time {
	if attempts < 1 || attempts >= MaxAttempts {
		return time.Time{}
	}
	return now.Add(backoff[attempts-1])
}

// Deliverer drains the outbox: every few seconds it claims due rows, sends
// them and records the outcome. Several nodes may run one each.
type Deliverer struct {
	Outbox Outbox
	Email  EmailSender // nil: e-mail not configured
	SMS    SMSSender   // nil: SMS not configured
	Site   Site        // BaseURL and Loc; Name comes from each notice's organisation
	Every  time.Duration
	Batch  int
	Lease  time.Duration
	Now    func() time.Time
	Log    *slog.Logger
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// Run polls until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	every := d.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil && d.Log != nil {
			d.Log.Warn("notice delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch and sends it, reporting how many were sent and
// how many attempts failed.
func (d *Deliverer) RunOnce(ctx context.Context) (sent, failed int, err error) {
	batch, lease := d.Batch, d.Lease
	if batch <= 0 {
		batch = 20
	}
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	ds, err := d.Outbox.ClaimDeliveries(ctx, d.now(), batch, lease)
	if err != nil {
		return 0, 0, err
	}
	for _, dl := range ds {
		sendErr := d.send(ctx, dl)
		at := d.now()
		var errText string
		var retry time.Time
		if sendErr != nil {
			failed++
			errText = shorten(sendErr.Error(), 300)
			retry = Retry(at, dl.Attempts)
			if d.Log != nil {
				// No personal data in logs: the outbox id, not the address or
				// phone, which are also blanked out of the server's answer.
				d.Log.Warn("notice delivery failed", "outbox", dl.ID, "channel", string(dl.Channel),
					"attempt", dl.Attempts, "final", retry.IsZero(), "err", Redact(errText, dl.Recipient))
			}
		} else {
			sent++
		}
		if err := d.Outbox.RecordDelivery(ctx, dl.ID, at, errText, retry); err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

func (d *Deliverer) send(ctx context.Context, dl Delivery) error {
	site := d.Site
	site.Name = dl.Notice.OrgName
	switch dl.Channel {
	case Email:
		if d.Email == nil {
			return errString("未配置邮件发送")
		}
		subject, body := EmailText(dl.Notice, dl.Recipient, site)
		return d.Email.SendEmail(ctx, dl.Recipient.Email, dl.Recipient.Name, subject, body)
	case SMS:
		if d.SMS == nil {
			return errString("未配置短信发送")
		}
		return d.SMS.SendSMS(ctx, dl.Recipient.Phone, SMSText(dl.Notice, dl.Recipient, site), dl.Ref())
	}
	return errString("未知的通知渠道")
}

// Redact blanks the recipient's address and phone out of a message.
func Redact(msg string, r Recipient) string {
	for _, s := range []string{r.Email, r.Phone} {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

type errString string

func (e errString) Error() string { return string(e) }
