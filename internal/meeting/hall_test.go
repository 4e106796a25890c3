package meeting_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"xieshang/internal/meeting"
	"xieshang/internal/member"
)

// plan writes blocks as "sector: row.seat name, …; …" for comparison.
func plan(blocks []meeting.HallBlock) string {
	var parts []string
	for _, b := range blocks {
		var seats []string
		for _, s := range b.Seats {
			seats = append(seats, fmt.Sprintf("%d.%d%s", s.Row, s.Seat, s.Name))
		}
		parts = append(parts, fmt.Sprintf("%s[%d+%d]: %s", b.Sector, b.FirstRow, b.Rows, strings.Join(seats, " ")))
	}
	return strings.Join(parts, "; ")
}

func TestHall(t *testing.T) {
	econ := func(id int64, name string, role member.RoleKind) meeting.HallMember {
		return meeting.HallMember{ID: id, Name: name, Role: role, SectorID: 20, Sector: "经济界", SectorSort: 2}
	}
	edu := func(id int64, name string, role member.RoleKind) meeting.HallMember {
		return meeting.HallMember{ID: id, Name: name, Role: role, SectorID: 10, Sector: "教育界", SectorSort: 1}
	}
	none := func(id int64, name string) meeting.HallMember {
		return meeting.HallMember{ID: id, Name: name, Role: member.Ordinary}
	}
	cases := []struct {
		name    string
		members []meeting.HallMember
		perRow  int
		want    string
	}{
		{"empty", nil, 20, ""},
		{"one sector, one row", []meeting.HallMember{edu(1, "乙", member.Ordinary), edu(2, "甲", member.Ordinary)}, 20,
			"教育界[1+1]: 1.1乙 1.2甲"},
		{"sectors in sort order, not input order; 常委 first; each block on a fresh row",
			[]meeting.HallMember{econ(1, "丙", member.Ordinary), edu(2, "乙", member.Ordinary), econ(3, "丁", member.Standing),
				edu(4, "甲", member.Ordinary), none(5, "戊")}, 20,
			"教育界[1+1]: 1.1乙 1.2甲; 经济界[2+1]: 2.1丁 2.2丙; [3+1]: 3.1戊"},
		{"rows of 2 wrap within a block",
			[]meeting.HallMember{edu(1, "一", member.Ordinary), edu(2, "二", member.Ordinary), edu(3, "三", member.Ordinary),
				econ(4, "四", member.Ordinary), econ(5, "五", member.Ordinary)}, 2,
			"教育界[1+2]: 1.1一 1.2三 2.1二; 经济界[3+1]: 3.1五 3.2四"},
		{"exactly full rows", []meeting.HallMember{edu(1, "一", ""), edu(2, "二", ""), econ(3, "三", "")}, 1,
			"教育界[1+2]: 1.1一 2.1二; 经济界[3+1]: 3.1三"},
		{"a bad width is the default", []meeting.HallMember{edu(1, "一", "")}, 0, "教育界[1+1]: 1.1一"},
		{"same name: by id", []meeting.HallMember{edu(9, "甲", ""), edu(3, "甲", "")}, 20, "教育界[1+1]: 1.1甲 1.2甲"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.members)
			got := meeting.Hall(c.members, c.perRow)
			if p := plan(got); p != c.want {
				t.Errorf("got  %s\nwant %s", p, c.want)
			}
			if !slices.Equal(in, c.members) {
				t.Error("Hall modified its input")
			}
		})
	}
	// Same name: the lower id first.
	got := meeting.Hall([]meeting.HallMember{edu(9, "甲", ""), edu(3, "甲", "")}, 20)
	if got[0].Seats[0].ID != 3 {
		t.Errorf("same name: %+v", got[0].Seats)
	}
	// The default width: 45 members of one sector fill rows of 20, 20, 5.
	var many []meeting.HallMember
	for i := range 45 {
		many = append(many, edu(int64(i+1), fmt.Sprintf("委员%02d", i), member.Ordinary))
	}
	b := meeting.Hall(many, meeting.DefaultSeatsPerRow)[0]
	rows := b.RowSeats()
	if b.Rows != 3 || len(rows) != 3 || len(rows[0]) != 20 || len(rows[2]) != 5 || rows[2][4].Seat != 5 || rows[2][4].Row != 3 {
		t.Errorf("45 members: %d rows %v", b.Rows, rows)
	}
}

func TestCheckSeatsPerRow(t *testing.T) {
	for n, ok := range map[int]bool{-1: false, 0: false, 1: true, 20: true, meeting.MaxSeatsPerRow: true, meeting.MaxSeatsPerRow + 1: false} {
		if got := meeting.CheckSeatsPerRow(n) == ""; got != ok {
			t.Errorf("CheckSeatsPerRow(%d) ok = %v", n, got)
		}
	}
}

func TestProtocolIndexAndRostrumIndex(t *testing.T) {
	people := []meeting.Person{
		{Name: "秘", Role: member.SecretaryGeneral},
		{Name: "同", Role: member.ViceChair},
		{Name: "客", Invited: true, Order: 1},
		{Name: "主", Role: member.Chair},
		{Name: "同", Role: member.ViceChair}, // equal to [1]: kept after it
	}
	idx := meeting.LeftHandSecond.ProtocolIndex(people)
	if !slices.Equal(idx, []int{2, 3, 1, 4, 0}) {
		t.Fatalf("ProtocolIndex = %v", idx)
	}
	for n := 0; n <= 12; n++ {
		for _, conv := range []meeting.SeatingConvention{meeting.LeftHandSecond, meeting.RightHandSecond} {
			names := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprint(i)
			}
			var viaIdx []string
			for _, i := range meeting.RostrumIndex(n, conv) {
				viaIdx = append(viaIdx, names[i])
			}
			if want := meeting.Rostrum(names, conv); !slices.Equal(viaIdx, want) {
				t.Fatalf("%d: RostrumIndex gives %v, Rostrum %v", n, viaIdx, want)
			}
		}
	}
}

func TestSeatingConventionLabel(t *testing.T) {
	cases := map[string]meeting.SeatingConvention{
		"以左为尊": meeting.LeftHandSecond,
		"以右为尊": meeting.RightHandSecond,
		"单数以左为尊，双数以右为尊": {OddSecond: meeting.AudienceRight, EvenSecond: meeting.AudienceLeft},
		"单数以右为尊，双数以左为尊": {OddSecond: meeting.AudienceLeft, EvenSecond: meeting.AudienceRight},
	}
	for want, c := range cases {
		if got := c.Label(); got != want {
			t.Errorf("%+v: %s, want %s", c, got, want)
		}
	}
}
