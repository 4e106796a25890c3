package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultArgon2 is used for new hashes: OWASP's argon2id configuration of
// 19 MiB, 2 passes, 1 lane (its cheat sheet lists it with 46 MiB × 1 pass
// and 12 MiB × 3 as equal in strength). It replaced RFC 9106's 64 MiB × 3 ×
// 4 lanes, which costs five times the CPU and three times the memory per
// sign-in: on the 2 cores the platform targets it capped sign-ins at 5.5 a
// second (2,000 members signing in before a plenary queued for six
// minutes) and took a burst of sign-ins to 170 MB of RSS. Hashes made with
// other parameters still verify, and are rehashed with these at the next
// sign-in (NeedsRehash).
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// FastArgon2 is for tests and the demo loader only: same algorithm, tiny cost.
var FastArgon2 = Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// Checks of costly hashes (bigMemory KiB or more: DefaultArgon2's 19 MiB)
// run a few at a time, one per Threads cores. One already keeps Threads
// cores busy, so more at once only queue for the CPU while each holds its
// memory: with 64 MiB hashes on 2 cores, 4 concurrent sign-ins made 4.4 a
// second as 1 did 4.9, and took the server's RSS from 160 to 554 MB. A burst of sign-ins (or of guesses, which anyone
// can send) now waits its turn instead. Only checks: they run outside any
// transaction, while HashPassword (an administrator's reset) may run inside
// one, which must not wait behind a queue of sign-ins.
const bigMemory = 16 * 1024

var (
	hashSlots    = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/int(DefaultArgon2.Threads)))
	hashesNow    atomic.Int32 // costly hashes running, for the test
	hashesAtOnce atomic.Int32 // the most that ran at once
)

// idKey is argon2.IDKey for CheckPassword, a slot at a time for costly parameters.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	if memory >= bigMemory {
		hashSlots <- struct{}{}
		n := hashesNow.Add(1)
		for {
			m := hashesAtOnce.Load()
			if n <= m || hashesAtOnce.CompareAndSwap(m, n) {
				break
			}
		}
		defer func() {
			hashesNow.Add(-1)
			<-hashSlots
		}()
	}
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// HashPassword returns an argon2id hash in the PHC string format:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// NeedsRehash reports whether a stored hash was made with other cost
// parameters than p (an unreadable hash needs one too).
func NeedsRehash(hash string, p Argon2Params) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return true
	}
	var h Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.Memory, &h.Time, &h.Threads); err != nil {
		return true
	}
	return h.Memory != p.Memory || h.Time != p.Time || h.Threads != p.Threads
}

// Bounds of the parameters CheckPassword runs a stored hash with: argon2
// panics on no passes or no lanes, and a damaged or planted row must not
// make one sign-in compute for minutes or allocate gigabytes. They are
// well above every parameter set this code has used (RFC 9106's 64 MiB ×
// 3 passes × 4 lanes the largest).
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	maxKeyLen  = 1024
)

func (p Argon2Params) sane() bool {
	return p.Time >= 1 && p.Time <= maxTime && p.Threads >= 1 && p.Threads <= maxThreads && p.Memory <= maxMemory
}

// ErrBadHash means a stored hash is not a readable argon2id PHC string.
var ErrBadHash = errors.New("auth: stored password hash is not argon2id")

// CheckPassword reports whether password matches the stored argon2id hash.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || !p.sane() {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > maxKeyLen {
		return false, ErrBadHash
	}
	got := idKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// PasswordPolicy is what a new password must be and how long it may be
// kept: the deployment's choice (等保 level 3 asks for complexity and
// periodic change), within bounds that keep passwords meaningful.
type PasswordPolicy struct {
	MinLength  int           // characters, 8–32
	MinClasses int           // of lower case, upper case, digits, symbols: 2–4
	MaxAge     time.Duration // a password older than this must be changed at the next sign-in; 0: never
}

// DefaultPasswordPolicy: 10 characters of at least three classes, no expiry
// (a deployment assessed under 等保 sets an expiry, e.g. 90 days).
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 10, MinClasses: 3}

// Validate refuses a policy outside the bounds, naming the setting.
func (p PasswordPolicy) Validate() error {
	switch {
	case p.MinLength < 8 || p.MinLength > 32:
		return fmt.Errorf("password minimum length %d: choose 8 to 32", p.MinLength)
	case p.MinClasses < 2 || p.MinClasses > 4:
		return fmt.Errorf("password character classes %d: choose 2 to 4", p.MinClasses)
	case p.MaxAge < 0 || p.MaxAge > 3650*24*time.Hour:
		return fmt.Errorf("password maximum age %v: choose 0 (never) to 3650 days", p.MaxAge)
	case p.MaxAge > 0 && p.MaxAge < 24*time.Hour:
		return fmt.Errorf("password maximum age %v: at least one day", p.MaxAge)
	}
	return nil
}

var classWords = [...]string{"", "一", "两", "三", "四"}

// Hint states the policy for a form, in Chinese.
func (p PasswordPolicy) Hint() string {
	h := fmt.Sprintf("至少%d位，包含大写字母、小写字母、数字、符号中的至少%s类，且不能包含用户名", p.MinLength, classWords[p.MinClasses])
	if p.MaxAge > 0 {
		h += fmt.Sprintf("；每%d天须更换一次", int(p.MaxAge/(24*time.Hour)))
	}
	return h
}

// Expired reports whether a password set at changedAt must be changed at now.
func (p PasswordPolicy) Expired(changedAt, now time.Time) bool {
	return p.MaxAge > 0 && !changedAt.IsZero() && now.Sub(changedAt) > p.MaxAge
}

// Check returns "" when a new password is acceptable, otherwise the reason
// in Chinese: too short, too few character classes, or holding the username.
func (p PasswordPolicy) Check(password, username string) string {
	if utf8.RuneCountInString(password) < p.MinLength {
		return fmt.Sprintf("密码至少%d位", p.MinLength)
	}
	if len(password) > 128 {
		return "密码不能超过128个字符"
	}
	var lower, upper, digit, other bool
	for _, c := range password {
		switch {
		case unicode.IsLower(c):
			lower = true
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsDigit(c):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	if n < p.MinClasses {
		return fmt.Sprintf("密码须包含大写字母、小写字母、数字、符号中的至少%s类", classWords[p.MinClasses])
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return "密码不能包含用户名"
	}
	return ""
}

// CheckPasswordPolicy checks a password against DefaultPasswordPolicy.
func CheckPasswordPolicy(password, username string) string {
	return DefaultPasswordPolicy.Check(password, username)
}
