package auth

import "time"

// Throttle is the login throttling rule. After MaxFailures failed attempts for
// one account within Window (or MaxPerIP from one address), further attempts
// are refused until the oldest failure ages out of the window. Independently,
// an account with LockAfter failures within LockWindow is locked for LockFor:
// slow guessing that stays under the throttle still ends in a lock.
type Throttle struct {
	MaxFailures int
	Window      time.Duration
	LockAfter   int
	LockWindow  time.Duration
	LockFor     time.Duration
	MaxPerIP    int
}

// DefaultThrottle: 5 failures per account in 15 minutes; 10 in 24 hours lock
// the account for 30 minutes; 50 failures per IP in 15 minutes.
var DefaultThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute, LockAfter: 10,
	LockWindow: 24 * time.Hour, LockFor: 30 * time.Minute, MaxPerIP: 50}

// Blocked reports whether a key with the given failure count in the window is
// refused, using limit for that kind of key.
func (t Throttle) Blocked(failures, limit int) bool { return failures >= limit }

// Since is the start of the counting window at now.
func (t Throttle) Since(now time.Time) time.Time { return now.Add(-t.Window) }

// LockSince is the start of the lockout window at now; the throttle window
// when no longer lockout window is set.
func (t Throttle) LockSince(now time.Time) time.Time {
	if t.LockWindow < t.Window {
		return t.Since(now)
	}
	return now.Add(-t.LockWindow)
}
