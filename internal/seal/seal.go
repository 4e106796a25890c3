// Package seal encrypts sensitive personal fields at rest with the national
// algorithms (国密): SM4-GCM under envelope keys, and an HMAC-SM3 blind index
// so that encrypted identity numbers can still be looked up and kept unique.
//
// Every sealed value carries its own random data key, wrapped (encrypted)
// with a master key named by id:
//
//	sm4$<master id>$<wrapped data key>$<nonce, ciphertext and tag>
//
// both parts base64 (raw standard encoding). The additional data binds a value
// to its column ("member.id_number"), so a value copied into another column
// does not open. Master keys come from a key file (Parse); the last master
// key seals new values, the others still open what they sealed until a
// rotation (store.Reseal) has rewritten every value under the newest.
package seal

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Prefix starts every sealed value; a value without it is plaintext written
// before encryption was configured.
const Prefix = "sm4$"

const (
	keyLen   = 16 // SM4 key
	nonceLen = 12 // GCM standard nonce
	indexLen = 32 // HMAC-SM3 key
)

var keyID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Keys is a key ring: master keys by id, the current one, and the key of the
// blind index. It is safe for concurrent use and never changes once parsed.
type Keys struct {
	masters map[string]cipher.AEAD
	ids     []string // in file order; the last is current
	index   []byte
}

// ErrNoKeys is returned when sealing is asked of a nil key ring.
var ErrNoKeys = errors.New("seal: no keys configured (XIESHANG_KEY_FILE or XIESHANG_KEYS)")

// Parse reads a key file:
//
//	# comments and blank lines are ignored; ";" also separates entries
//	index  <64 hex digits>           the HMAC-SM3 key of blind indexes
//	master <id> <32 hex digits>      an SM4 master key; the last one is current
func Parse(text string) (*Keys, error) {
	k := &Keys{masters: map[string]cipher.AEAD{}}
	var entries []string
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		entries = append(entries, strings.Split(line, ";")...)
	}
	n := 0
	for _, line := range entries {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n++
		f := strings.Fields(line)
		switch {
		case f[0] == "index" && len(f) == 2:
			if k.index != nil {
				return nil, fmt.Errorf("seal: key entry %d: a second index key", n)
			}
			b, err := hex.DecodeString(f[1])
			if err != nil || len(b) != indexLen {
				return nil, fmt.Errorf("seal: key entry %d: the index key must be %d hex digits", n, 2*indexLen)
			}
			k.index = b
		case f[0] == "master" && len(f) == 3:
			if !keyID.MatchString(f[1]) {
				return nil, fmt.Errorf("seal: key entry %d: master key id %q: use a-z, 0-9 and -, at most 32", n, f[1])
			}
			if k.masters[f[1]] != nil {
				return nil, fmt.Errorf("seal: key entry %d: master key %q twice", n, f[1])
			}
			b, err := hex.DecodeString(f[2])
			if err != nil || len(b) != keyLen {
				return nil, fmt.Errorf("seal: key entry %d: master key %q must be %d hex digits", n, f[1], 2*keyLen)
			}
			aead, err := newAEAD(b)
			if err != nil {
				return nil, err
			}
			k.masters[f[1]] = aead
			k.ids = append(k.ids, f[1])
		default:
			return nil, fmt.Errorf("seal: key entry %d: expected \"index HEX\" or \"master ID HEX\"", n)
		}
	}
	if k.index == nil {
		return nil, errors.New("seal: the key file has no index key")
	}
	if len(k.ids) == 0 {
		return nil, errors.New("seal: the key file has no master key")
	}
	return k, nil
}

// Load reads the key ring from a file, or from the text of environment
// variable XIESHANG_KEYS when path is empty and the variable is set.
func Load(path string) (*Keys, error) {
	if path == "" {
		text := os.Getenv("XIESHANG_KEYS")
		if text == "" {
			return nil, ErrNoKeys
		}
		return Parse(text)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	k, err := Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// NewFile returns the text of a new key file with a fresh index key and one
// master key named id.
func NewFile(id string) (string, error) {
	master, err := NewMaster(id)
	if err != nil {
		return "", err
	}
	return "# xieshang keys: keep secret, back up apart from the database, never lose.\n" +
		"# index: the HMAC-SM3 key of blind indexes (never rotated).\n" +
		"# master: SM4 master keys, the last one seals new values.\n" +
		"index " + hex.EncodeToString(random(indexLen)) + "\n" + master, nil
}

// NewMaster returns a key-file line with a fresh master key named id.
func NewMaster(id string) (string, error) {
	if !keyID.MatchString(id) {
		return "", fmt.Errorf("seal: master key id %q: use a-z, 0-9 and -, at most 32", id)
	}
	return "master " + id + " " + hex.EncodeToString(random(keyLen)) + "\n", nil
}

// Current is the id of the master key that seals new values.
func (k *Keys) Current() string { return k.ids[len(k.ids)-1] }

// IDs lists the master key ids, oldest first.
func (k *Keys) IDs() []string { return append([]string(nil), k.ids...) }

// Seal encrypts plaintext for the column named by aad under a fresh data
// key wrapped by the current master key. The empty string stays empty.
func (k *Keys) Seal(aad, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	if k == nil {
		return "", ErrNoKeys
	}
	id := k.Current()
	dek := random(keyLen)
	data, err := newAEAD(dek)
	if err != nil {
		return "", err
	}
	wrapped := encrypt(k.masters[id], dek, id+"|"+aad)
	body := encrypt(data, []byte(plaintext), aad)
	enc := base64.RawStdEncoding
	return Prefix + id + "$" + enc.EncodeToString(wrapped) + "$" + enc.EncodeToString(body), nil
}

// Open decrypts a value Seal made for the same column. A value without the
// prefix is plaintext from before encryption and is returned as it is.
func (k *Keys) Open(aad, value string) (string, error) {
	if !strings.HasPrefix(value, Prefix) {
		return value, nil
	}
	if k == nil {
		return "", ErrNoKeys
	}
	parts := strings.Split(value[len(Prefix):], "$")
	if len(parts) != 3 {
		return "", fmt.Errorf("seal: %s: malformed sealed value", aad)
	}
	master := k.masters[parts[0]]
	if master == nil {
		return "", fmt.Errorf("seal: %s: sealed under master key %q, which the key file lacks", aad, parts[0])
	}
	enc := base64.RawStdEncoding
	wrapped, err1 := enc.DecodeString(parts[1])
	body, err2 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil {
		return "", fmt.Errorf("seal: %s: malformed sealed value", aad)
	}
	dek, err := decrypt(master, wrapped, parts[0]+"|"+aad)
	if err != nil || len(dek) != keyLen {
		return "", fmt.Errorf("seal: %s: the data key does not open under master key %q", aad, parts[0])
	}
	data, err := newAEAD(dek)
	if err != nil {
		return "", err
	}
	plain, err := decrypt(data, body, aad)
	if err != nil {
		return "", fmt.Errorf("seal: %s: the value does not open (altered or moved from another column)", aad)
	}
	return string(plain), nil
}

// KeyID is the master key id a sealed value names; "" for plaintext.
func KeyID(value string) string {
	if !strings.HasPrefix(value, Prefix) {
		return ""
	}
	id, _, _ := strings.Cut(value[len(Prefix):], "$")
	return id
}

// Index is the blind index of a value for the column named by aad:
// HMAC-SM3 under the index key, hex. Equal values give equal indexes, so a
// unique index and lookups work without the plaintext; "" stays "".
func (k *Keys) Index(aad, value string) string {
	if value == "" || k == nil {
		return ""
	}
	m := hmac.New(sm3.New, k.index)
	m.Write([]byte(aad))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return cipher.NewGCM(block)
}

func encrypt(a cipher.AEAD, plain []byte, aad string) []byte {
	nonce := random(nonceLen)
	return a.Seal(nonce, nonce, plain, []byte(aad))
}

func decrypt(a cipher.AEAD, sealed []byte, aad string) ([]byte, error) {
	if len(sealed) < nonceLen+a.Overhead() {
		return nil, errors.New("short")
	}
	return a.Open(nil, sealed[:nonceLen], sealed[nonceLen:], []byte(aad))
}

func random(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("seal: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return b
}

// Source says where the key ring of a database is found: the file named by
// $XIESHANG_KEY_FILE, else the text of $XIESHANG_KEYS ("$XIESHANG_KEYS"),
// else for a SQLite file the key file beside it (path + ".keys") if it
// exists; "" when nowhere.
func Source(dsn string, sqlite bool) string {
	if p := os.Getenv("XIESHANG_KEY_FILE"); p != "" {
		return p
	}
	if os.Getenv("XIESHANG_KEYS") != "" {
		return "$XIESHANG_KEYS"
	}
	if sqlite {
		if _, err := os.Stat(dsn + ".keys"); err == nil {
			return dsn + ".keys"
		}
	}
	return ""
}

// ForDatabase loads the key ring Source names, and says where from;
// ErrNoKeys when there is none.
func ForDatabase(dsn string, sqlite bool) (*Keys, string, error) {
	src := Source(dsn, sqlite)
	switch src {
	case "":
		return nil, "", ErrNoKeys
	case "$XIESHANG_KEYS":
		k, err := Load("")
		if err != nil {
			return nil, src, fmt.Errorf("XIESHANG_KEYS: %w", err)
		}
		return k, src, nil
	}
	k, err := Load(src)
	return k, src, err
}
