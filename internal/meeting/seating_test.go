package meeting_test

import (
	"slices"
	"strings"
	"testing"

	"xieshang/internal/meeting"
	"xieshang/internal/member"
)

func TestRostrum(t *testing.T) {
	people := strings.Split("ABCDEFG", "")
	// Left to right as seen from the audience, written by hand.
	cases := []struct {
		conv meeting.SeatingConvention
		want []string // for 1 … 7 people
	}{
		// No. 2 on No. 1's left hand, the audience's right.
		{meeting.LeftHandSecond, []string{"A", "AB", "CAB", "CABD", "ECABD", "ECABDF", "GECABDF"}},
		// The mirror: No. 2 to the audience's left of No. 1.
		{meeting.RightHandSecond, []string{"A", "BA", "BAC", "DBAC", "DBACE", "FDBACE", "FDBACEG"}},
		// Mixed: odd counts as LeftHandSecond, even counts as RightHandSecond.
		{meeting.SeatingConvention{OddSecond: meeting.AudienceRight, EvenSecond: meeting.AudienceLeft},
			[]string{"A", "BA", "CAB", "DBAC", "ECABD", "FDBACE", "GECABDF"}},
		{meeting.SeatingConvention{OddSecond: meeting.AudienceLeft, EvenSecond: meeting.AudienceRight},
			[]string{"A", "AB", "BAC", "CABD", "DBACE", "ECABDF", "FDBACEG"}},
	}
	for _, c := range cases {
		for n := 1; n <= 7; n++ {
			got := strings.Join(meeting.Rostrum(people[:n], c.conv), "")
			if got != c.want[n-1] {
				t.Errorf("%+v, %d people: %s, want %s", c.conv, n, got, c.want[n-1])
			}
		}
	}
	if got := meeting.Rostrum(nil, meeting.LeftHandSecond); len(got) != 0 {
		t.Errorf("Rostrum(nil) = %v", got)
	}
	// The zero convention seats as LeftHandSecond (any side but left is right).
	if got := strings.Join(meeting.Rostrum(people[:5], meeting.SeatingConvention{}), ""); got != "ECABD" {
		t.Errorf("zero convention: %s", got)
	}
}

// TestRostrumProperties: everyone gets one seat; No. 1 is in the centre
// (or a centre seat), and seniority falls off outward on each side.
func TestRostrumProperties(t *testing.T) {
	for _, conv := range []meeting.SeatingConvention{meeting.LeftHandSecond, meeting.RightHandSecond} {
		for n := 1; n <= 40; n++ {
			names := make([]string, n)
			for i := range names {
				names[i] = string(rune('一' + i)) // distinct
			}
			row := meeting.Rostrum(names, conv)
			if len(row) != n || !sameSet(row, names) {
				t.Fatalf("%d: row %v does not seat each once", n, row)
			}
			pos := slices.Index(row, names[0])
			if pos != n/2 && pos != (n-1)/2 {
				t.Fatalf("%d: No. 1 at %d, not in the centre", n, pos)
			}
			rank := func(s string) int { return slices.Index(names, s) }
			for i := pos; i > 0; i-- {
				if rank(row[i-1]) < rank(row[i]) {
					t.Fatalf("%d: %v not falling off leftward", n, row)
				}
			}
			for i := pos; i < n-1; i++ {
				if rank(row[i+1]) < rank(row[i]) {
					t.Fatalf("%d: %v not falling off rightward", n, row)
				}
			}
			// The two conventions are mirrors of each other.
			other := meeting.Rostrum(names, meeting.SeatingConvention{
				OddSecond: mirror(conv.OddSecond), EvenSecond: mirror(conv.EvenSecond)})
			slices.Reverse(other)
			if !slices.Equal(row, other) {
				t.Fatalf("%d: %v is not the mirror of %v", n, row, other)
			}
		}
	}
}

func mirror(s meeting.Side) meeting.Side {
	if s == meeting.AudienceLeft {
		return meeting.AudienceRight
	}
	return meeting.AudienceLeft
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSeatingConventionCheck(t *testing.T) {
	if meeting.LeftHandSecond.Check() != "" || meeting.RightHandSecond.Check() != "" {
		t.Error("named conventions must pass Check")
	}
	if (meeting.SeatingConvention{}).Check() == "" || (meeting.SeatingConvention{OddSecond: "left", EvenSecond: "centre"}).Check() == "" {
		t.Error("unknown sides must fail Check")
	}
}

// TestProtocolOrder seats the closing sitting of 聊城市政协十三届四次会议: the
// chair, seven vice-chairs in their listed order, the secretary-general, and
// three invited leaders of the city.
func TestProtocolOrder(t *testing.T) {
	vice := []string{"葛敬方", "马保杰", "张金伦", "黄勇", "马卫红", "孙凌云", "王学臣"}
	people := []meeting.Person{
		{Name: "周文明", Role: member.SecretaryGeneral},
		{Name: "李春田", Invited: true, Order: 3},
	}
	for i := len(vice) - 1; i >= 0; i-- { // given out of order
		people = append(people, meeting.Person{Name: vice[i], Role: member.ViceChair, Order: i + 1})
	}
	people = append(people,
		meeting.Person{Name: "孙爱军", Invited: true, Order: 1},
		meeting.Person{Name: "张旋宇", Role: member.Chair},
		meeting.Person{Name: "李长萍", Invited: true, Order: 2},
	)
	input := slices.Clone(people)

	committee := "张旋宇 葛敬方 马保杰 张金伦 黄勇 马卫红 孙凌云 王学臣 周文明"
	invited := "孙爱军 李长萍 李春田"

	got := strings.Join(meeting.Names(meeting.LeftHandSecond.ProtocolOrder(people)), " ")
	if want := invited + " " + committee; got != want {
		t.Errorf("invited first:\n got %s\nwant %s", got, want)
	}
	after := meeting.SeatingConvention{OddSecond: meeting.AudienceRight, EvenSecond: meeting.AudienceRight}
	got = strings.Join(meeting.Names(after.ProtocolOrder(people)), " ")
	if want := committee + " " + invited; got != want {
		t.Errorf("invited after:\n got %s\nwant %s", got, want)
	}
	if !slices.Equal(people, input) {
		t.Error("ProtocolOrder modified its input")
	}

	// Twelve on the front row, seen from the audience.
	row := meeting.Rostrum(meeting.Names(meeting.LeftHandSecond.ProtocolOrder(people)), meeting.LeftHandSecond)
	want := "王学臣 马卫红 张金伦 葛敬方 李春田 孙爱军 李长萍 张旋宇 马保杰 黄勇 孙凌云 周文明"
	if got := strings.Join(row, " "); got != want {
		t.Errorf("rostrum:\n got %s\nwant %s", got, want)
	}
}

func TestProtocolOrderTies(t *testing.T) {
	people := []meeting.Person{
		{Name: "乙", Role: member.Standing},
		{Name: "丙", Role: "unknown"},
		{Name: "甲", Role: member.Standing},
		{Name: "丁", Role: member.Ordinary},
		{Name: "戊", Role: member.Standing, Order: -1},
		{Name: "己", Invited: true},
		{Name: "庚", Invited: true}, // same Order: kept in the order given
	}
	got := strings.Join(meeting.Names(meeting.RightHandSecond.ProtocolOrder(people)), "")
	// Invited first in list order; 常委 by Order, then name (乙 U+4E59 < 甲 U+7532); 委员; unknown role last.
	if got != "己庚戊乙甲丁丙" {
		t.Errorf("got %s", got)
	}
}
