package meeting

import (
	"cmp"
	"slices"
	"strconv"

	"xieshang/internal/member"
)

// Hall seating (会场座位): the members who do not sit on the rostrum sit in
// the hall in blocks, one block per sector (界别) in the sectors' sort order,
// each block starting on a fresh row; within a block members go by role
// (常委 before 委员) and then name, filling rows of a fixed number of seats.
// Rows are numbered through the hall from the front (第1排 nearest the
// rostrum) and seats from the audience's left (1 … perRow). The Chinese
// custom of numbering seats outward from the centre aisle (odd on one side,
// even on the other) is not modelled.

// DefaultSeatsPerRow is the hall's row width when a meeting does not set one.
const DefaultSeatsPerRow = 20

// MaxSeatsPerRow bounds the row width a meeting may set.
const MaxSeatsPerRow = 100

// CheckSeatsPerRow returns "" when n is a usable row width, otherwise the reason.
func CheckSeatsPerRow(n int) string {
	if n < 1 || n > MaxSeatsPerRow {
		return "每排座位数应在1至" + strconv.Itoa(MaxSeatsPerRow) + "之间"
	}
	return ""
}

// HallMember is a member to be seated in the hall.
type HallMember struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Role       member.RoleKind `json:"role"`
	SectorID   int64           `json:"sector_id"` // 0: no sector, seated in a last block
	Sector     string          `json:"sector"`
	SectorSort int             `json:"sector_sort"`
}

// HallSeat is a member's seat: Row counts through the hall from the front,
// Seat from the audience's left within the row, both from 1.
type HallSeat struct {
	HallMember
	Row  int `json:"row"`
	Seat int `json:"seat"`
}

// HallBlock is one sector's block of rows.
type HallBlock struct {
	SectorID int64      `json:"sector_id"`
	Sector   string     `json:"sector"` // "" for members without a sector
	FirstRow int        `json:"first_row"`
	Rows     int        `json:"rows"`
	Seats    []HallSeat `json:"seats"` // in seat order: row by row, left to right
}

// RowSeats returns the block's seats row by row, for drawing the plan.
func (b HallBlock) RowSeats() [][]HallSeat {
	var out [][]HallSeat
	for _, s := range b.Seats {
		if i := s.Row - b.FirstRow; i >= len(out) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], s)
	}
	return out
}

// Hall seats members in sector blocks with perRow seats a row (a width
// outside 1…MaxSeatsPerRow counts as DefaultSeatsPerRow). Sectors go by
// SectorSort, then name, then id, with members without a sector last; within
// a sector members go by role rank, then name, then id. The input is not
// modified; empty blocks are not returned.
func Hall(members []HallMember, perRow int) []HallBlock {
	if CheckSeatsPerRow(perRow) != "" {
		perRow = DefaultSeatsPerRow
	}
	ms := slices.Clone(members)
	noSector := func(m HallMember) int {
		if m.SectorID == 0 {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(ms, func(a, b HallMember) int {
		return cmp.Or(
			cmp.Compare(noSector(a), noSector(b)),
			cmp.Compare(a.SectorSort, b.SectorSort),
			cmp.Compare(a.Sector, b.Sector),
			cmp.Compare(a.SectorID, b.SectorID),
			cmp.Compare(a.Role.Rank(), b.Role.Rank()),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.ID, b.ID),
		)
	})
	var blocks []HallBlock
	row := 0
	for i, m := range ms {
		if i == 0 || m.SectorID != ms[i-1].SectorID {
			row++
			blocks = append(blocks, HallBlock{SectorID: m.SectorID, Sector: m.Sector, FirstRow: row, Rows: 1})
		}
		b := &blocks[len(blocks)-1]
		k := len(b.Seats)
		if k > 0 && k%perRow == 0 {
			row++
			b.Rows++
		}
		b.Seats = append(b.Seats, HallSeat{HallMember: m, Row: row, Seat: k%perRow + 1})
	}
	return blocks
}

// ProtocolIndex is ProtocolOrder as a permutation: the indices into people,
// most senior first, so that callers can carry their own data along.
func (c SeatingConvention) ProtocolIndex(people []Person) []int {
	ordered := c.ProtocolOrder(people)
	used := make([]bool, len(people))
	out := make([]int, 0, len(people))
	// ProtocolOrder is stable, so equal people keep their input order: the
	// first unused equal input is the one that was placed.
	for _, p := range ordered {
		for i, q := range people {
			if !used[i] && q == p {
				used[i] = true
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// RostrumIndex is Rostrum for n people in protocol order given by position:
// the positions (0 most senior), left to right as seen from the audience.
func RostrumIndex(n int, conv SeatingConvention) []int {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	row := Rostrum(keys, conv)
	out := make([]int, len(row))
	for i, k := range row {
		out[i], _ = strconv.Atoi(k)
	}
	return out
}

// Label names the convention in Chinese: 以左为尊 (No. 2 on No. 1's left
// hand, the audience's right), 以右为尊, or a mix by odd and even count.
func (c SeatingConvention) Label() string {
	name := func(s Side) string {
		if s == AudienceLeft {
			return "以右为尊"
		}
		return "以左为尊"
	}
	if name(c.OddSecond) == name(c.EvenSecond) {
		return name(c.OddSecond)
	}
	return "单数" + name(c.OddSecond) + "，双数" + name(c.EvenSecond)
}
