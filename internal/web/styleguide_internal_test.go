package web

import (
	"math"
	"testing"
)

// The guide's contrast figures are WCAG's: white on white 1, black 21,
// #767676 the lightest grey passing AA (4.54); every colour the palette
// uses for text passes AA (4.5:1) on white.
func TestContrastOnWhite(t *testing.T) {
	for hex, want := range map[string]float64{"#ffffff": 1, "#000000": 21, "#767676": 4.54} {
		if got := contrastOnWhite(hex); math.Abs(got-want) > 0.01 {
			t.Errorf("contrastOnWhite(%s) = %.3f, want %.2f", hex, got, want)
		}
	}
	for _, sw := range palette {
		if sw.Var == "--line" || sw.Var == "--bg" {
			continue
		}
		if c := contrastOnWhite(sw.Hex); c < 4.5 {
			t.Errorf("%s %s: contrast %.2f on white, below AA", sw.Name, sw.Hex, c)
		}
	}
}
