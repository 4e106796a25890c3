package auth

import "time"

// Throttle is the login throttling rule: after MaxFailures failed attempts for
// one key (an account or an IP) within Window, further attempts are refused
// until the oldest failure in the window ages out; an account that reaches
// LockAfter failures in the window is locked for LockFor.
type Throttle struct {
	MaxFailures int
	Window      time.Duration
	LockAfter   int
	LockFor     time.Duration
	MaxPerIP    int
}

// DefaultThrottle: 5 failures per account in 15 minutes, lock for 15 minutes
// after 10; 50 failures per IP in 15 minutes.
var DefaultThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, MaxPerIP: 50}

// Blocked reports whether a key with the given failure count in the window is
// refused, using limit for that kind of key.
func (t Throttle) Blocked(failures, limit int) bool { return failures >= limit }

// Since is the start of the counting window at now.
func (t Throttle) Since(now time.Time) time.Time { return now.Add(-t.Window) }
