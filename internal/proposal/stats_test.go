package proposal

import "testing"

func TestRate(t *testing.T) {
	for _, c := range []struct {
		n, d int
		want string
	}{
		{6, 7, "85.7%"},
		{1, 3, "33.3%"},
		{2, 3, "66.7%"}, // 66.666… rounds up
		{1, 8, "12.5%"},
		{1, 16, "6.3%"}, // 6.25 rounds half up
		{3, 3, "100%"},
		{1, 2, "50%"},
		{0, 4, "0%"},
		{0, 0, "—"},
		{5, 0, "—"},
		{-1, 3, "—"},
		{999, 1000, "99.9%"},
		{9995, 10000, "100%"}, // 99.95 rounds to 100.0
	} {
		if got := Rate(c.n, c.d); got != c.want {
			t.Errorf("Rate(%d, %d) = %q, want %q", c.n, c.d, got, c.want)
		}
	}
}

func TestSessionLabel(t *testing.T) {
	for n, want := range map[int]string{0: "各次会议", 1: "第一次会议", 4: "第四次会议", 10: "第十次会议"} {
		if got := SessionLabel(n); got != want {
			t.Errorf("SessionLabel(%d) = %q, want %q", n, got, want)
		}
	}
}
