package proposal

import "testing"

// A proposal's number, written when it is submitted and on every list row.
func BenchmarkNumber(b *testing.B) {
	i := 0
	for b.Loop() {
		Number(13, 4, i%2000+1)
		i++
	}
}
