package auth

import (
	"runtime"
	"sync"
	"testing"
)

// Concurrent costly hashes run no more at once than there are slots, and
// every one still checks; cheap ones (tests, the demo) are not held back.
func TestCostlyHashesTakeTurns(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes with the default cost")
	}
	h, err := HashPassword("Correct-horse-9", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	hashesAtOnce.Store(0)
	var wg sync.WaitGroup
	bad := make(chan string, 8)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "Correct-horse-9"
			if i%2 == 1 {
				pw = "wrong-horse-99"
			}
			ok, err := CheckPassword(h, pw)
			if err != nil || ok != (i%2 == 0) {
				bad <- pw
			}
		}()
	}
	wg.Wait()
	close(bad)
	for pw := range bad {
		t.Errorf("CheckPassword(%q) answered wrongly", pw)
	}
	// One hash keeps as many cores busy as DefaultArgon2 has lanes: a slot per that many cores.
	if got, slots := hashesAtOnce.Load(), int32(max(1, runtime.GOMAXPROCS(0)/int(DefaultArgon2.Threads))); got < 1 || got > slots {
		t.Fatalf("%d costly hashes ran at once, want 1 to %d", got, slots)
	}
	if hashesNow.Load() != 0 || len(hashSlots) != 0 {
		t.Fatal("a slot was not given back")
	}
	cheap, _ := HashPassword("Correct-horse-9", FastArgon2)
	before := hashesAtOnce.Load()
	hashesAtOnce.Store(0)
	if ok, _ := CheckPassword(cheap, "Correct-horse-9"); !ok || hashesAtOnce.Load() != 0 {
		t.Fatalf("a cheap hash took a slot (ok %v)", ok)
	}
	hashesAtOnce.Store(before)
}
