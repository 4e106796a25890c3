package meeting_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

var (
	signKey  = []byte("0123456789abcdef0123456789abcdef")
	otherKey = []byte("fedcba9876543210fedcba9876543210")
	shanghai = time.FixedZone("CST", 8*3600)
	opening  = time.Date(2020, 5, 23, 8, 30, 0, 0, shanghai)
)

const (
	msgInvalid = "签到码无效"
	msgExpired = "签到码已过期，请重新扫描会场二维码"
)

func TestSignToken(t *testing.T) {
	expires := opening.Add(2 * time.Hour)
	tok := meeting.SignToken(signKey, 42, expires)
	if len(tok) != 64 || strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token %q: want 64 URL-safe characters without padding", tok)
	}
	if tok != meeting.SignToken(signKey, 42, expires) {
		t.Error("tokens are not deterministic")
	}
	if tok == meeting.SignToken(signKey, 43, expires) || tok == meeting.SignToken(signKey, 42, expires.Add(time.Second)) ||
		tok == meeting.SignToken(otherKey, 42, expires) {
		t.Error("id, expiry and key must all change the token")
	}

	cases := []struct {
		name  string
		key   []byte
		token string
		now   time.Time
		id    int64
		msg   string
	}{
		{"valid at the opening", signKey, tok, opening, 42, ""},
		{"valid a second before expiry", signKey, tok, expires.Add(-time.Second), 42, ""},
		{"valid in another zone", signKey, tok, opening.UTC(), 42, ""},
		{"expired at the expiry", signKey, tok, expires, 0, msgExpired},
		{"expired later", signKey, tok, expires.Add(24 * time.Hour), 0, msgExpired},
		{"other key", otherKey, tok, opening, 0, msgInvalid},
		{"other key, expired: says nothing of expiry", otherKey, tok, expires.Add(time.Hour), 0, msgInvalid},
		{"empty key", nil, tok, opening, 0, msgInvalid},
		{"empty", signKey, "", opening, 0, msgInvalid},
		{"truncated", signKey, tok[:63], opening, 0, msgInvalid},
		{"extended", signKey, tok + "A", opening, 0, msgInvalid},
		{"padded", signKey, tok + "==", opening, 0, msgInvalid},
		{"newline inside", signKey, tok[:32] + "\n" + tok[33:], opening, 0, msgInvalid},
		{"flipped character", signKey, flip(tok, 10), opening, 0, msgInvalid},
		{"flipped signature", signKey, flip(tok, 60), opening, 0, msgInvalid},
		{"garbage", signKey, strings.Repeat("!", 64), opening, 0, msgInvalid},
	}
	for _, c := range cases {
		id, err := meeting.VerifyToken(c.key, c.token, c.now)
		if c.msg == "" {
			if err != nil || id != c.id {
				t.Errorf("%s: VerifyToken = %d, %v; want %d", c.name, id, err, c.id)
			}
			continue
		}
		if id != 0 || app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != c.msg {
			t.Errorf("%s: VerifyToken = %d, %v; want %s", c.name, id, err, c.msg)
		}
	}
}

// TestVerifyTokenAlphabet: the standard base64 alphabet (+ /) is not accepted
// in place of the URL-safe one (- _).
func TestVerifyTokenAlphabet(t *testing.T) {
	for id := int64(1); id < 100; id++ {
		tok := meeting.SignToken(signKey, id, opening.Add(time.Hour))
		std := strings.NewReplacer("-", "+", "_", "/").Replace(tok)
		if std == tok {
			continue
		}
		if _, err := meeting.VerifyToken(signKey, std, opening); app.ErrorMessage(err) != msgInvalid {
			t.Fatalf("standard alphabet accepted: %v", err)
		}
		return
	}
	t.Fatal("no token with - or _ among 99 ids")
}

// TestVerifyTokenForged: a token with a changed id or expiry but the old
// signature is refused, and non-positive ids are never accepted.
func TestVerifyTokenForged(t *testing.T) {
	tok := meeting.SignToken(signKey, 42, opening.Add(time.Hour))
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	b[7] = 43     // meeting id 43
	b[15] ^= 0x01 // and a different expiry
	forged := base64.RawURLEncoding.EncodeToString(b)
	if _, err := meeting.VerifyToken(signKey, forged, opening); app.ErrorMessage(err) != msgInvalid {
		t.Errorf("forged token: %v", err)
	}
	for _, id := range []int64{0, -1} {
		if _, err := meeting.VerifyToken(signKey, meeting.SignToken(signKey, id, opening.Add(time.Hour)), opening); app.ErrorMessage(err) != msgInvalid {
			t.Errorf("id %d: %v", id, err)
		}
	}
}

func TestSignTokenEmptyKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SignToken with an empty key did not panic")
		}
	}()
	meeting.SignToken(nil, 1, opening)
}

// flip changes the character at i to another one of the URL-safe alphabet.
func flip(tok string, i int) string {
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

func FuzzVerifyToken(f *testing.F) {
	now := opening
	f.Add(meeting.SignToken(signKey, 42, now.Add(time.Hour)))
	f.Add(meeting.SignToken(signKey, 1, now.Add(-time.Hour)))
	f.Add(meeting.SignToken(otherKey, 42, now.Add(time.Hour)))
	f.Add(meeting.SignToken(signKey, 1<<62, now.Add(time.Hour)))
	f.Add("")
	f.Add(strings.Repeat("A", 64))
	f.Add(strings.Repeat("_", 63) + "\n")
	f.Fuzz(func(t *testing.T, token string) {
		id, err := meeting.VerifyToken(signKey, token, now)
		if err != nil {
			if id != 0 || app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("VerifyToken(%q) = %d, %v", token, id, err)
			}
			return
		}
		// Accepted: it must be exactly a token SignToken made for this id
		// with an expiry still ahead.
		b, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil || len(b) != 48 {
			t.Fatalf("accepted %q, which does not decode to 48 bytes", token)
		}
		exp := time.Unix(int64(uint64(b[8])<<56|uint64(b[9])<<48|uint64(b[10])<<40|uint64(b[11])<<32|
			uint64(b[12])<<24|uint64(b[13])<<16|uint64(b[14])<<8|uint64(b[15])), 0)
		if id <= 0 || !now.Before(exp) || meeting.SignToken(signKey, id, exp) != token {
			t.Fatalf("accepted %q (id %d, expires %v), which SignToken did not make", token, id, exp)
		}
	})
}

func TestLateAfter(t *testing.T) {
	m := meeting.Meeting{StartsAt: opening}
	grace := 10 * time.Minute
	cases := []struct {
		at    time.Time
		grace time.Duration
		want  bool
	}{
		{opening.Add(-30 * time.Minute), grace, false},
		{opening, grace, false},
		{opening.Add(10 * time.Minute), grace, false}, // the end of the grace is on time
		{opening.Add(10*time.Minute + time.Second), grace, true},
		{opening.Add(time.Second), 0, true},
		{opening, 0, false},
		{opening.UTC().Add(11 * time.Minute), grace, true}, // zones do not matter
	}
	for _, c := range cases {
		if got := meeting.LateAfter(m, c.at, c.grace); got != c.want {
			t.Errorf("LateAfter(%v, grace %v) = %v, want %v", c.at, c.grace, got, c.want)
		}
	}
	if meeting.LateAfter(meeting.Meeting{}, opening, grace) {
		t.Error("a meeting without a start marks nobody late")
	}
}
