package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckPassword: a stored hash that is not a readable argon2id string
// with sane parameters is ErrBadHash, never a panic or an unbounded
// computation; a hash HashPassword made verifies its password and only it,
// and NeedsRehash tells its parameters from others.
func FuzzCheckPassword(f *testing.F) {
	good, err := HashPassword("Correct-horse-9", FastArgon2)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "Correct-horse-9")
	f.Add(good, "correct-horse-9")
	f.Add(strings.Replace(good, "t=1", "t=0", 1), "x")
	f.Add(strings.Replace(good, "p=1", "p=0", 1), "x")
	f.Add(strings.Replace(good, "m=1024", "m=0", 1), "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$", "")
	f.Add("$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "")
	f.Add("$bcrypt$", "")
	f.Fuzz(func(t *testing.T, hash, password string) {
		// Keep the fuzzer to cheap hashes; CheckPassword's own bounds are
		// what a stored hash meets (and a costly one is refused, below).
		if parts := strings.Split(hash, "$"); len(parts) == 6 {
			var m, tm uint32
			var p uint8
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &tm, &p); err == nil && (m > 256 || tm > 2 || p > 4) {
				return
			}
		}
		ok, err := CheckPassword(hash, password)
		if err != nil && (ok || !errors.Is(err, ErrBadHash)) {
			t.Fatalf("CheckPassword(%q) = %v, %v", hash, ok, err)
		}
		if ok && !NeedsRehash(hash, FastArgon2) && !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
			t.Fatalf("%q verified with FastArgon2's parameters but does not say them", hash)
		}
		if len(password) > 64 {
			return
		}
		h, err := HashPassword(password, FastArgon2)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := CheckPassword(h, password); !ok || err != nil {
			t.Fatalf("own hash of %q: %v, %v", password, ok, err)
		}
		if ok, err := CheckPassword(h, password+"x"); ok || err != nil {
			t.Fatalf("own hash of %q verified %q: %v, %v", password, password+"x", ok, err)
		}
		if NeedsRehash(h, FastArgon2) || !NeedsRehash(h, DefaultArgon2) {
			t.Fatalf("NeedsRehash(%q) wrong", h)
		}
	})
}

// TestCheckPasswordCostBounds: a stored hash whose parameters would panic
// argon2 (no passes, no lanes) or make one sign-in compute for minutes or
// allocate gigabytes is unreadable, not run.
func TestCheckPasswordCostBounds(t *testing.T) {
	salt, key := "c2FsdHNhbHRzYWx0c2FsdA", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	for _, params := range []string{"m=1024,t=0,p=1", "m=1024,t=1,p=0", "m=4294967295,t=1,p=1",
		"m=1024,t=4294967295,p=1", "m=1024,t=1,p=255"} {
		hash := "$argon2id$v=19$" + params + "$" + salt + "$" + key
		if ok, err := CheckPassword(hash, "x"); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("CheckPassword(%s) = %v, %v; want ErrBadHash", params, ok, err)
		}
	}
}

// FuzzPasswordPolicy: an accepted password meets the policy the messages
// state: 10 to 128 characters, not containing the username; for an ASCII
// password the decision is exactly the policy's, with the four classes
// counted by ranges (a-z, A-Z, 0-9, the rest). A refusal is a Chinese
// message. (Beyond ASCII, unicode's classes decide: ʠ is a lower-case
// letter, 密 a "symbol".)
func FuzzPasswordPolicy(f *testing.F) {
	f.Add("Correct-horse-9", "zhang")
	f.Add("zhangSan-2026x", "ZhangSan")
	f.Add("短密码", "")
	f.Add("密码密码密码密码密码Aa1", "")
	f.Add(strings.Repeat("Aa1-", 40), "")
	f.Add("abcdefghij12", "")
	f.Add("İİİİİİİİİİ1a", "i̇")
	f.Fuzz(func(t *testing.T, password, username string) {
		msg := CheckPasswordPolicy(password, username)
		if msg != "" && (!utf8.ValidString(msg) || !strings.Contains(msg, "密码")) {
			t.Fatalf("CheckPasswordPolicy(%q, %q) = %q", password, username, msg)
		}
		if msg == "" {
			if utf8.RuneCountInString(password) < 10 || len(password) > 128 {
				t.Fatalf("accepted %q: length", password)
			}
			if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
				t.Fatalf("accepted %q containing username %q", password, username)
			}
		}
		for i := 0; i < len(password); i++ {
			if password[i] >= utf8.RuneSelf {
				return
			}
		}
		var classes [4]bool
		for _, c := range []byte(password) {
			switch {
			case c >= 'a' && c <= 'z':
				classes[0] = true
			case c >= 'A' && c <= 'Z':
				classes[1] = true
			case c >= '0' && c <= '9':
				classes[2] = true
			default:
				classes[3] = true
			}
		}
		n := 0
		for _, b := range classes {
			if b {
				n++
			}
		}
		ok := len(password) >= 10 && len(password) <= 128 && n >= 3 &&
			(username == "" || !strings.Contains(strings.ToLower(password), strings.ToLower(username)))
		if ok != (msg == "") {
			t.Fatalf("CheckPasswordPolicy(%q, %q) = %q, want accepted=%v", password, username, msg, ok)
		}
	})
}
