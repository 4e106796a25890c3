package meeting

import "testing"

// A numbered meeting's title, computed for every meeting a list shows.
func BenchmarkTitle(b *testing.B) {
	kinds := []Kind{Plenary, Standing, Chairs}
	i := 0
	for b.Loop() {
		Title(kinds[i%3], 13, i%40+1, "")
		i++
	}
}

// A sitting's title: the session's and the sitting's name.
func BenchmarkSittingTitle(b *testing.B) {
	for b.Loop() {
		Title(Sitting, 13, 4, Opening)
	}
}
