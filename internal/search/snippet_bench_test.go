package search

import (
	"strings"
	"testing"
)

// A result's snippet with the match highlighted: one per result shown.
func BenchmarkSnippet(b *testing.B) {
	text := strings.Repeat("关于加快推进全市5G基站建设、促进乡村振兴和养老服务体系建设的建议。", 20) + "政协委员开展协商议事。"
	q, err := Parse("协商")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Snippet(text, q, 80)
	}
}
