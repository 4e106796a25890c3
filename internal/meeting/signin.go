package meeting

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"xieshang/internal/app"
)

// A sign-in token is what the per-meeting QR code carries: the meeting id and
// an expiry, signed with HMAC-SHA256 under a server key, in URL-safe base64
// without padding (64 characters). A member scans it on the phone, signed
// in to the platform; the store then records one sign-in per member.
//
//	token = base64url(id[8] ‖ expires[8] ‖ HMAC-SHA256(key, tokenLabel ‖ id ‖ expires))
//
// with id and expires (Unix seconds) big-endian.

// tokenLabel separates these signatures from anything else signed with the
// same key.
const tokenLabel = "xieshang/meeting-sign-in/v1\x00"

const (
	tokenPayload = 16
	tokenBytes   = tokenPayload + sha256.Size
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// SignToken makes the sign-in token for a meeting, valid until expires
// (to the second). key is the server's secret, at least 32 random bytes,
// checked at start-up; SignToken panics on an empty key, which would sign
// nothing.
func SignToken(key []byte, meetingID int64, expires time.Time) string {
	if len(key) == 0 {
		panic("meeting: empty sign-in key")
	}
	var b [tokenBytes]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(meetingID))
	binary.BigEndian.PutUint64(b[8:16], uint64(expires.Unix()))
	copy(b[tokenPayload:], tokenMAC(key, b[:tokenPayload]))
	return tokenEncoding.EncodeToString(b[:])
}

// VerifyToken checks a sign-in token at now and returns its meeting id. It
// accepts exactly the strings SignToken makes under key for a positive
// meeting id, until their expiry (a token expiring at T is refused from T on). The signature is compared in
// constant time and checked before the expiry, so nothing is said about a
// forged token's contents. Errors are EINVALID *app.Error: "签到码无效" for
// anything not made with key (or an empty key), "签到码已过期，请重新扫描会场二维码"
// for a genuine token past its expiry.
func VerifyToken(key []byte, token string, now time.Time) (meetingID int64, err error) {
	invalid := app.Errorf(app.EINVALID, "签到码无效")
	if len(key) == 0 || len(token) != tokenEncoding.EncodedLen(tokenBytes) {
		return 0, invalid
	}
	b, err := tokenEncoding.DecodeString(token)
	// The decoder skips \r and \n; re-encoding rejects any string but the one
	// SignToken would have written for these bytes.
	if err != nil || len(b) != tokenBytes || tokenEncoding.EncodeToString(b) != token {
		return 0, invalid
	}
	if !hmac.Equal(b[tokenPayload:], tokenMAC(key, b[:tokenPayload])) {
		return 0, invalid
	}
	id := int64(binary.BigEndian.Uint64(b[0:8]))
	expires := int64(binary.BigEndian.Uint64(b[8:16]))
	if id <= 0 {
		return 0, invalid
	}
	if now.Unix() >= expires {
		return 0, app.Errorf(app.EINVALID, "签到码已过期，请重新扫描会场二维码")
	}
	return id, nil
}

func tokenMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(tokenLabel))
	m.Write(payload)
	return m.Sum(nil)
}

// LateAfter reports whether a sign-in at the given time is late: after the
// meeting's start plus grace (e.g. 10 minutes; 0 for none). A sign-in exactly
// at the end of the grace period is on time. A meeting without a start time
// marks nobody late.
func LateAfter(m Meeting, at time.Time, grace time.Duration) bool {
	if m.StartsAt.IsZero() {
		return false
	}
	return at.After(m.StartsAt.Add(grace))
}
