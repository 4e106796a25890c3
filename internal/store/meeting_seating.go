package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
)

// Seating (排座) of a meeting: the rostrum's front row (主席台前排) and the
// hall's sector blocks, computed from the body the meeting expects, its
// invited guests and its seating settings (meeting_seating; the defaults
// when it has none). Only the rostrum's front row is modelled: everyone on
// the rostrum sits in one row. The rules are the domain's
// (meeting.SeatingConvention.ProtocolOrder, meeting.Rostrum, meeting.Hall).

// SeatingSettings are a meeting's seating choices.
type SeatingSettings struct {
	Convention  meeting.SeatingConvention `json:"convention"`
	SeatsPerRow int                       `json:"seats_per_row"`
}

// DefaultSeating is used for a meeting without settings of its own.
var DefaultSeating = SeatingSettings{Convention: meeting.LeftHandSecond, SeatsPerRow: meeting.DefaultSeatsPerRow}

// Validate checks the settings, field by field (odd_second, even_second,
// seats_per_row).
func (s SeatingSettings) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if (meeting.SeatingConvention{OddSecond: s.Convention.OddSecond, EvenSecond: meeting.AudienceLeft}).Check() != "" {
		errs.Add("odd_second", "请选择人数为单数时2号位坐在1号位的哪一侧")
	}
	if (meeting.SeatingConvention{OddSecond: meeting.AudienceLeft, EvenSecond: s.Convention.EvenSecond}).Check() != "" {
		errs.Add("even_second", "请选择人数为双数时2号位坐在1号位的哪一侧")
	}
	if msg := meeting.CheckSeatsPerRow(s.SeatsPerRow); msg != "" {
		errs.Add("seats_per_row", msg)
	}
	return errs
}

// RostrumSeat is a person on the rostrum.
type RostrumSeat struct {
	No       int    `json:"no"` // protocol number: 1 is the most senior
	Name     string `json:"name"`
	Title    string `json:"title"` // 主席, 副主席, 秘书长, or an invited guest's position
	MemberID int64  `json:"member_id,omitempty"`
	GuestID  int64  `json:"guest_id,omitempty"`
	Invited  bool   `json:"invited"`
}

// RostrumGuest is an invited guest (应邀出席) and whether they sit on the rostrum.
type RostrumGuest struct {
	Guest
	OnRostrum bool `json:"on_rostrum"`
}

// Seating is a meeting's seating plan.
type Seating struct {
	Settings SeatingSettings     `json:"settings"`
	Rostrum  []RostrumSeat       `json:"rostrum"`  // left to right as seen from the audience
	Protocol []RostrumSeat       `json:"protocol"` // the same people, most senior first
	Guests   []RostrumGuest      `json:"guests"`   // the invited guests in list order
	Hall     []meeting.HallBlock `json:"hall"`     // the other expected members, by sector block
}

// FindSeating computes a meeting's seating plan. The rostrum holds the
// expected members who are chair, vice-chair or secretary-general on the
// meeting day (as frozen once it has opened) and the invited guests on the
// rostrum; every other expected member has a seat in the hall.
func (db *DB) FindSeating(ctx context.Context, actor app.Actor, meetingID int64) (Seating, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return Seating{}, err
	}
	var out Seating
	if out.Settings, err = seatingSettings(ctx, db.read, meetingID); err != nil {
		return out, err
	}
	if out.Guests, err = rostrumGuests(ctx, db.read, meetingID); err != nil {
		return out, err
	}
	body, err := db.body(ctx, db.read, m.Meeting)
	if err != nil {
		return out, err
	}
	orders, err := roleOrders(ctx, db.read, m.TermID, m.Day(db.Loc))
	if err != nil {
		return out, err
	}
	var people []meeting.Person
	var seats []RostrumSeat
	var hall []meeting.HallMember
	for _, b := range body {
		if b.role.ChairsMeeting() {
			order, ok := orders[roleOrderKey{b.id, b.role}]
			if !ok {
				order = member.UnsetSortKey
			}
			people = append(people, meeting.Person{Name: b.name, Role: b.role, Order: order})
			seats = append(seats, RostrumSeat{Name: b.name, Title: b.role.Label(), MemberID: b.id})
			continue
		}
		hall = append(hall, meeting.HallMember{ID: b.id, Name: b.name, Role: b.role, SectorID: b.sectorID,
			Sector: b.sector, SectorSort: b.sectorSort})
	}
	for i, g := range out.Guests {
		if g.OnRostrum {
			people = append(people, meeting.Person{Name: g.Name, Invited: true, Order: i})
			seats = append(seats, RostrumSeat{Name: g.Name, Title: g.Position, GuestID: g.ID, Invited: true})
		}
	}
	conv := out.Settings.Convention
	for no, i := range conv.ProtocolIndex(people) {
		s := seats[i]
		s.No = no + 1
		out.Protocol = append(out.Protocol, s)
	}
	for _, i := range meeting.RostrumIndex(len(out.Protocol), conv) {
		out.Rostrum = append(out.Rostrum, out.Protocol[i])
	}
	out.Hall = meeting.Hall(hall, out.Settings.SeatsPerRow)
	return out, nil
}

type roleOrderKey struct {
	memberID int64
	kind     member.RoleKind
}

// roleOrders is the protocol order (member.Role.SortKey) of each member's
// role kinds held in a term on day, for ordering people of the same role.
// The order is read as it stands now, also for a meeting whose body was
// frozen when it opened: it is a presentation choice, not a fact of the day.
func roleOrders(ctx context.Context, q querier, termID int64, day app.Date) (map[roleOrderKey]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+roleColumns+` FROM member_role r WHERE r.term_id = $1
		AND r.start_date <= $2 AND (r.end_date = '' OR r.end_date >= $2)`, termID, day.String())
	if err != nil {
		return nil, app.Internal(err, "find role orders")
	}
	defer rows.Close()
	out := map[roleOrderKey]int{}
	for rows.Next() {
		var r member.Role
		if err := scanRole(rows, &r); err != nil {
			return nil, app.Internal(err, "scan role order")
		}
		k := roleOrderKey{r.MemberID, r.Kind}
		if o, ok := out[k]; !ok || r.SortKey() < o {
			out[k] = r.SortKey()
		}
	}
	return out, app.Internal(rows.Err(), "find role orders")
}

func seatingSettings(ctx context.Context, q querier, meetingID int64) (SeatingSettings, error) {
	s := DefaultSeating
	var odd, even string
	err := q.QueryRowContext(ctx, `SELECT odd_second, even_second, invited_first, seats_per_row
		FROM meeting_seating WHERE meeting_id = $1`, meetingID).Scan(&odd, &even, &s.Convention.InvitedFirst, &s.SeatsPerRow)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSeating, nil
	}
	if err != nil {
		return s, app.Internal(err, "find seating settings")
	}
	s.Convention.OddSecond, s.Convention.EvenSecond = meeting.Side(odd), meeting.Side(even)
	return s, nil
}

func rostrumGuests(ctx context.Context, q querier, meetingID int64) ([]RostrumGuest, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, meeting_id, name, position, kind, sort, on_rostrum FROM meeting_guest
		WHERE meeting_id = $1 AND kind = $2 ORDER BY sort, id`, meetingID, string(GuestInvited))
	if err != nil {
		return nil, app.Internal(err, "find invited guests")
	}
	defer rows.Close()
	var out []RostrumGuest
	for rows.Next() {
		var g RostrumGuest
		if err := rows.Scan(&g.ID, &g.MeetingID, &g.Name, &g.Position, &g.Kind, &g.Sort, &g.OnRostrum); err != nil {
			return nil, app.Internal(err, "scan invited guest")
		}
		out = append(out, g)
	}
	return out, app.Internal(rows.Err(), "find invited guests")
}

// lockSeating locks a meeting for a seating change; a closed meeting's
// seating is history and cannot change.
func (tx *Tx) lockSeating(ctx context.Context, actor app.Actor, meetingID int64) (meetingScope, error) {
	m, err := tx.lockMeeting(ctx, actor, meetingID)
	if err != nil {
		return m, err
	}
	if m.Status == meeting.Closed {
		return m, app.Errorf(app.ECONFLICT, "会议已结束，不能再修改座次")
	}
	return m, nil
}

// SaveSeating sets a meeting's seating settings. It returns field errors
// (odd_second, even_second, seats_per_row), not found outside the actor's
// subtree, and a conflict once the meeting has closed.
func (db *DB) SaveSeating(ctx context.Context, actor app.Actor, meetingID int64, in SeatingSettings) (SeatingSettings, error) {
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockSeating(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		before, err := seatingSettings(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		c := in.Convention
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_seating (meeting_id, committee_id, odd_second, even_second,
			invited_first, seats_per_row, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (meeting_id) DO UPDATE SET odd_second = $3, even_second = $4, invited_first = $5,
			seats_per_row = $6, updated_at = $7`, m.ID, m.CommitteeID, string(c.OddSecond), string(c.EvenSecond),
			c.InvitedFirst, in.SeatsPerRow, tx.Now); err != nil {
			return app.Internal(err, "save seating settings")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: m.Title + " 修改座次设置", Before: before, After: in})
	})
	return in, err
}

// rostrumGuest finds an invited guest of a locked meeting, with the
// meeting's invited guests in list order.
func (tx *Tx) rostrumGuest(ctx context.Context, meetingID, guestID int64) ([]RostrumGuest, int, error) {
	guests, err := rostrumGuests(ctx, tx, meetingID)
	if err != nil {
		return nil, 0, err
	}
	i := slices.IndexFunc(guests, func(g RostrumGuest) bool { return g.ID == guestID })
	if i < 0 {
		return nil, 0, app.NotFound("应邀出席人员")
	}
	return guests, i, nil
}

// MoveRostrumGuest moves an invited guest one place up (earlier, more
// senior) or down in the meeting's list of invited guests, renumbering their
// sort order 1, 2, 3 …; at the end of the list it changes nothing. A guest
// not of this meeting, or not invited (列席), is not found.
func (db *DB) MoveRostrumGuest(ctx context.Context, actor app.Actor, meetingID, guestID int64, up bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockSeating(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		guests, i, err := tx.rostrumGuest(ctx, meetingID, guestID)
		if err != nil {
			return err
		}
		j := i + 1
		if up {
			j = i - 1
		}
		if j < 0 || j >= len(guests) {
			return nil
		}
		guests[i], guests[j] = guests[j], guests[i]
		names := make([]string, len(guests))
		for k, g := range guests {
			names[k] = g.Name
			if g.Sort == k+1 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE meeting_guest SET sort = $2 WHERE id = $1`, g.ID, k+1); err != nil {
				return app.Internal(err, "reorder invited guests")
			}
		}
		dir := "下移"
		if up {
			dir = "上移"
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 应邀出席人员 %s %s", m.Title, guests[j].Name, dir),
			After: map[string]any{"invited_order": names}})
	})
}

// SetGuestOnRostrum puts an invited guest on the rostrum or takes them off it
// (they then sit elsewhere, e.g. in the hall's front rows, and are not
// seated by this plan).
func (db *DB) SetGuestOnRostrum(ctx context.Context, actor app.Actor, meetingID, guestID int64, on bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockSeating(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		guests, i, err := tx.rostrumGuest(ctx, meetingID, guestID)
		if err != nil {
			return err
		}
		g := guests[i]
		if g.OnRostrum == on {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_guest SET on_rostrum = $2 WHERE id = $1`, g.ID, on); err != nil {
			return app.Internal(err, "set guest on rostrum")
		}
		what := "不在主席台就座"
		if on {
			what = "在主席台就座"
		}
		before := g
		g.OnRostrum = on
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: m.Title + " 应邀出席人员 " + g.Name + what, Before: before, After: g})
	})
}
