package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"xieshang/internal/notice"
	"xieshang/internal/store"
)

// Reminders before meetings (会前提醒): every minute the server looks for
// meetings whose notice has gone out and that start within the longest
// reminder rule, and sends the reminder now due to the notice's recipients.
// The rules are data: notice.DefaultReminders (24 hours before; 2 hours
// before, by SMS) unless XIESHANG_REMINDERS says otherwise.
//
// Several nodes may run the ticker: store.SendMeetingReminder locks the
// meeting row and works out again what is due before it sends, so a
// reminder goes out once.

// parseReminders reads XIESHANG_REMINDERS: rules separated by commas, each
// the hours before the start with optional channels besides the inbox after
// a colon, joined by "+": "24,2:sms" or "48:email+sms,3". "" gives the
// defaults, "off" none.
func parseReminders(s string) ([]notice.ReminderRule, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return notice.DefaultReminders, nil
	case "off":
		return nil, nil
	}
	var rules []notice.ReminderRule
	for part := range strings.SplitSeq(s, ",") {
		hours, chans, hasChans := strings.Cut(strings.TrimSpace(part), ":")
		h, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(hours), "h"))
		if err != nil || h < 1 || h > 24*30 {
			return nil, fmt.Errorf("XIESHANG_REMINDERS %q: %q is not a number of hours from 1 to 720", s, hours)
		}
		rule := notice.ReminderRule{HoursBefore: h}
		if hasChans {
			rule.Channels = []notice.Channel{}
			for c := range strings.SplitSeq(chans, "+") {
				switch ch := notice.Channel(strings.TrimSpace(c)); ch {
				case notice.Email, notice.SMS:
					rule.Channels = append(rule.Channels, ch)
				case notice.InApp:
				default:
					return nil, fmt.Errorf("XIESHANG_REMINDERS %q: unknown channel %q (email, sms)", s, c)
				}
			}
		}
		if slices.ContainsFunc(rules, func(r notice.ReminderRule) bool { return r.HoursBefore == h }) {
			return nil, fmt.Errorf("XIESHANG_REMINDERS %q: %d hours given twice", s, h)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

// horizon is how far ahead reminders may be due: the longest rule.
func horizon(rules []notice.ReminderRule) time.Duration {
	h := 0
	for _, r := range rules {
		h = max(h, r.HoursBefore)
	}
	return time.Duration(h) * time.Hour
}

// selectReminders picks the reminders due at now among the candidates: the
// rules each meeting's notice and reminders have not yet settled, one
// reminder per meeting (notice.DueReminders).
func selectReminders(now time.Time, rules []notice.ReminderRule, cands []store.ReminderCandidate) []notice.Reminder {
	items := make([]notice.Scheduled, len(cands))
	for i, c := range cands {
		items[i] = c.Scheduled(rules)
	}
	return notice.DueReminders(now, items)
}

// reminder sends meeting reminders.
type reminder struct {
	db    *store.DB
	rules []notice.ReminderRule
	log   *slog.Logger
}

// runOnce sends the reminders due now (the store's clock) and reports how
// many went out.
func (r *reminder) runOnce(ctx context.Context) (int, error) {
	if len(r.rules) == 0 {
		return 0, nil
	}
	now := r.db.Now()
	cands, err := r.db.FindReminderCandidates(ctx, now, horizon(r.rules))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, due := range selectReminders(now, r.rules, cands) {
		id, err := r.db.SendMeetingReminder(ctx, due.SourceID, r.rules)
		if err != nil {
			return sent, fmt.Errorf("meeting %d: %w", due.SourceID, err)
		}
		if id != 0 {
			sent++
			if r.log != nil {
				r.log.Info("meeting reminder sent", "meeting", due.SourceID, "notice", id, "hours_before", due.Rule.HoursBefore)
			}
		}
	}
	return sent, nil
}

// run ticks every minute until ctx ends.
func (r *reminder) run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if _, err := r.runOnce(ctx); err != nil && ctx.Err() == nil && r.log != nil {
			r.log.Warn("meeting reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startReminders reads the rules and starts the ticker; bad rules stop the
// server at start-up.
func startReminders(ctx context.Context, db *store.DB, log *slog.Logger) error {
	rules, err := parseReminders(os.Getenv("XIESHANG_REMINDERS"))
	if err != nil || len(rules) == 0 {
		return err
	}
	go (&reminder{db: db, rules: rules, log: log}).run(ctx)
	return nil
}
