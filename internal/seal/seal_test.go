package seal

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

func testKeys(t testing.TB, ids ...string) *Keys {
	t.Helper()
	text, err := NewFile(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[1:] {
		line, err := NewMaster(id)
		if err != nil {
			t.Fatal(err)
		}
		text += line
	}
	k, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The block cipher is SM4: the example of GB/T 32907-2016, appendix A.
func TestSM4StandardVector(t *testing.T) {
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	b, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	b.Encrypt(out, key)
	if got := hex.EncodeToString(out); got != "681edf34d206965e86b3e94f536e4246" {
		t.Fatalf("SM4(key, key) = %s, want the standard's 681edf34…", got)
	}
}

func TestSealOpen(t *testing.T) {
	k := testKeys(t, "k1")
	id := "110101199003074578"
	s, err := k.Seal("member.id_number", id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, id) || strings.Contains(s, "19900307") || !strings.HasPrefix(s, "sm4$k1$") {
		t.Fatalf("sealed value %q shows the number or lacks the prefix", s)
	}
	if KeyID(s) != "k1" || KeyID(id) != "" {
		t.Fatalf("KeyID = %q / %q", KeyID(s), KeyID(id))
	}
	got, err := k.Open("member.id_number", s)
	if err != nil || got != id {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal("member.id_number", id)
	if again == s {
		t.Fatal("two seals of one value are equal: data keys or nonces repeat")
	}
	// Moved to another column: refused.
	if _, err := k.Open("household_person.id_number", s); err == nil {
		t.Fatal("a value opened under another column's name")
	}
	// Altered: refused, whichever part.
	for i := len(Prefix) + 3; i < len(s); i += 7 {
		if s[i] == '$' {
			continue
		}
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		bad := s[:i] + string(c) + s[i+1:]
		if v, err := k.Open("member.id_number", bad); err == nil && v == id {
			t.Fatalf("altered at %d still opened", i)
		}
	}
	// Plaintext from before encryption reads as it is; "" stays "".
	if v, err := k.Open("member.phone", "13800138000"); err != nil || v != "13800138000" {
		t.Fatalf("plaintext: %q %v", v, err)
	}
	if v, _ := k.Seal("member.phone", ""); v != "" {
		t.Fatalf("empty sealed to %q", v)
	}
}

func TestRotationKeys(t *testing.T) {
	file := "index " + strings.Repeat("5a", 32) + "\nmaster k1 " + strings.Repeat("01", 16) + "\n"
	old, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := old.Seal("household.phone", "13912345678")
	// The same file with a second master: k2 seals, k1 still opens.
	line, _ := NewMaster("k2")
	both, err := Parse(file + line)
	if err != nil {
		t.Fatal(err)
	}
	if both.Current() != "k2" || len(both.IDs()) != 2 {
		t.Fatalf("current = %s of %v", both.Current(), both.IDs())
	}
	if v, err := both.Open("household.phone", s); err != nil || v != "13912345678" {
		t.Fatalf("old value under the new ring: %q %v", v, err)
	}
	n, _ := both.Seal("household.phone", "13912345678")
	if KeyID(n) != "k2" {
		t.Fatalf("new value under %s", KeyID(n))
	}
	if _, err := old.Open("household.phone", n); err == nil || !strings.Contains(err.Error(), `"k2"`) {
		t.Fatalf("a ring without k2: %v", err)
	}
	// The index does not change with the master keys.
	if old.Index("member.id_number", "x") != both.Index("member.id_number", "x") {
		t.Fatal("the blind index moved with a new master key")
	}
}

func TestIndex(t *testing.T) {
	k := testKeys(t, "k1")
	a := k.Index("member.id_number", "110101199003074578")
	if len(a) != 64 || a != k.Index("member.id_number", "110101199003074578") {
		t.Fatalf("index %q not stable", a)
	}
	if a == k.Index("household_person.id_number", "110101199003074578") {
		t.Fatal("one index across two columns")
	}
	if a == k.Index("member.id_number", "110101199003074579") {
		t.Fatal("two numbers share an index")
	}
	if k.Index("member.id_number", "") != "" {
		t.Fatal("empty value indexed")
	}
	if a == testKeys(t, "k1").Index("member.id_number", "110101199003074578") {
		t.Fatal("two index keys give one index")
	}
}

func TestParseErrors(t *testing.T) {
	idx := "index " + strings.Repeat("ab", 32)
	m := "master k1 " + strings.Repeat("cd", 16)
	for _, c := range []struct{ text, want string }{
		{"", "no index key"},
		{idx, "no master key"},
		{m, "no index key"},
		{idx + "\n" + idx + "\n" + m, "second index key"},
		{"index abc\n" + m, "64 hex digits"},
		{idx + "\nmaster K1 " + strings.Repeat("cd", 16), "use a-z"},
		{idx + "\nmaster k1 abcd", "32 hex digits"},
		{idx + "\n" + m + "\n" + m, "twice"},
		{idx + "\n" + m + "\nsecret 1", "expected"},
	} {
		if _, err := Parse(c.text); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want %q", c.text, err, c.want)
		}
	}
	if k, err := Parse(idx + "; " + m + " ;# note"); err != nil || k.Current() != "k1" {
		t.Fatalf("entries separated by ;: %v", err)
	}
	var nilKeys *Keys
	if _, err := nilKeys.Seal("member.phone", "1"); err != ErrNoKeys {
		t.Fatalf("nil ring seals: %v", err)
	}
	if _, err := Load(""); err == nil {
		t.Fatal("Load without a file or XIESHANG_KEYS succeeded")
	}
}

func FuzzOpen(f *testing.F) {
	k := testKeys(f, "k1")
	s, _ := k.Seal("member.phone", "13800138000")
	f.Add(s)
	f.Add("sm4$k1$$")
	f.Add("sm4$k9$AAAA$AAAA")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, v string) {
		got, err := k.Open("member.phone", v)
		if !strings.HasPrefix(v, Prefix) && (err != nil || got != v) {
			t.Fatalf("plaintext %q not passed through: %q %v", v, got, err)
		}
		if err == nil && strings.HasPrefix(v, Prefix) && v != s && got == "13800138000" {
			t.Fatalf("a different sealed value %q opened to the secret", v)
		}
		// Whatever opens re-seals and opens to the same text.
		if err == nil {
			again, err := k.Seal("member.phone", got)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := k.Open("member.phone", again); err != nil || back != got {
				t.Fatalf("round trip of %q: %q %v", got, back, err)
			}
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	k := testKeys(b, "k1")
	for b.Loop() {
		k.Seal("household.phone", "13912345678")
	}
}

func BenchmarkOpen(b *testing.B) {
	k := testKeys(b, "k1")
	s, _ := k.Seal("household.phone", "13912345678")
	for b.Loop() {
		k.Open("household.phone", s)
	}
}

func BenchmarkIndex(b *testing.B) {
	k := testKeys(b, "k1")
	for b.Loop() {
		k.Index("member.id_number", "110101199003074578")
	}
}
