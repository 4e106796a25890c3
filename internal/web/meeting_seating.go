package web

import (
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// meetingSeatingRoutes: a meeting's seating chart (排座: the rostrum's front
// row and the hall's sector blocks) with its settings and the order of the
// invited guests, and the printable name cards (桌签). The office's pages: a
// member account may not open them.
func (s *Server) meetingSeatingRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/meetings/{id}/seating", Perm: auth.MeetingRead, Handle: s.seatingShow},
		{Method: "POST", Pattern: "/meetings/{id}/seating", Perm: auth.MeetingWrite, Handle: s.seatingPost},
		{Method: "GET", Pattern: "/meetings/{id}/namecards", Perm: auth.MeetingRead, Handle: s.nameCards},
	}
}

// officeOnly refuses member accounts, which see only what concerns themselves.
func officeOnly(r *http.Request) error {
	if memberAccount(r) {
		return app.Errorf(app.EFORBIDDEN, "座次安排仅供会务人员查看")
	}
	return nil
}

func (s *Server) seatingShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := officeOnly(r); err != nil {
		return err
	}
	return s.renderSeating(w, r, id, http.StatusOK, nil, nil)
}

// sideOptions are the choices for No. 2's side.
var sideOptions = []view.Option{
	{Value: string(meeting.AudienceRight), Label: "1号位左手边（台下观众右侧）：以左为尊"},
	{Value: string(meeting.AudienceLeft), Label: "1号位右手边（台下观众左侧）：以右为尊"},
}

// renderSeating renders the seating page; after a failed settings post,
// posted holds what was typed and actErr the error.
func (s *Server) renderSeating(w http.ResponseWriter, r *http.Request, id int64, status int, posted url.Values, actErr error) error {
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	seat, err := s.db.FindSeating(ctx, a, id)
	if err != nil {
		return err
	}
	set := seat.Settings
	d := view.SeatingView{Head: s.meetingHead(m), CanWrite: can(r, auth.MeetingWrite), SeatsPerRow: set.SeatsPerRow,
		Convention: set.Convention.Label(), InvitedFirst: set.Convention.InvitedFirst}
	for _, x := range seat.Rostrum {
		d.Rostrum = append(d.Rostrum, view.SeatBox{No: x.No, Name: x.Name, Title: x.Title, Invited: x.Invited})
	}
	for _, x := range seat.Protocol {
		d.Protocol = append(d.Protocol, view.SeatBox{No: x.No, Name: x.Name, Title: x.Title, Invited: x.Invited})
	}
	for _, b := range seat.Hall {
		d.Blocks = append(d.Blocks, hallBlockView(b, set.SeatsPerRow))
		d.HallCount += len(b.Seats)
	}
	for i, g := range seat.Guests {
		d.Guests = append(d.Guests, view.RostrumGuestRow{ID: g.ID, Name: g.Name, Position: g.Position,
			OnRostrum: g.OnRostrum, First: i == 0, Last: i == len(seat.Guests)-1})
	}
	v := url.Values{"odd_second": {string(set.Convention.OddSecond)}, "even_second": {string(set.Convention.EvenSecond)},
		"seats_per_row": {strconv.Itoa(set.SeatsPerRow)}}
	if actErr != nil {
		d.Errs = app.ErrorFields(actErr)
		if len(d.Errs) == 0 {
			d.Msg = app.ErrorMessage(actErr)
		}
		if posted != nil && posted.Get("op") == "settings" {
			v = posted
			d.InvitedFirst = posted.Get("invited_first") != ""
		}
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(d.Errs, f)
	}
	d.Fields = []view.Field{
		fe(view.Field{Name: "odd_second", Label: "人数为单数时，2号位坐在", Options: sideOptions}),
		fe(view.Field{Name: "even_second", Label: "人数为双数时，2号位坐在", Options: sideOptions}),
		fe(view.Field{Name: "seats_per_row", Label: "会场每排座位数", Type: "number", Required: true,
			Attrs: map[string]string{"min": "1", "max": strconv.Itoa(meeting.MaxSeatsPerRow)}}),
	}
	return render(w, r, status, view.MeetingSeatingPage(page(r, m.Title+" 座次", "meetings"), d))
}

// hallBlockView lays a sector block out as a grid of perRow columns, the
// last row padded with empty cells.
func hallBlockView(b meeting.HallBlock, perRow int) view.HallBlockView {
	name := b.Sector
	if b.SectorID == 0 || name == "" {
		name = "未分界别"
	}
	out := view.HallBlockView{Sector: name, Count: len(b.Seats), Span: "第" + strconv.Itoa(b.FirstRow) + "排"}
	if b.Rows > 1 {
		out.Span = "第" + strconv.Itoa(b.FirstRow) + "–" + strconv.Itoa(b.FirstRow+b.Rows-1) + "排"
	}
	for _, row := range b.RowSeats() {
		rv := view.HallRowView{Row: row[0].Row}
		for _, seat := range row {
			rv.Cells = append(rv.Cells, view.HallSeatCell{Seat: seat.Seat, Name: seat.Name, Role: hallRole(seat.Role)})
		}
		for k := len(row); k < perRow; k++ {
			rv.Cells = append(rv.Cells, view.HallSeatCell{Seat: k + 1})
		}
		out.Rows = append(out.Rows, rv)
	}
	return out
}

// hallRole marks a role above 委员 on the plan.
func hallRole(k member.RoleKind) string {
	if k == "" || k == member.Ordinary {
		return ""
	}
	return k.Label()
}

// seatingPost changes the settings (op=settings) or an invited guest's place
// (op=up, down, on, off with guest_id).
func (s *Server) seatingPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	ok := "seating_saved"
	switch op := f.Str("op"); op {
	case "up", "down", "on", "off":
		guestID := f.ID("guest_id")
		if err = f.Errs.Err(); err == nil {
			if op == "up" || op == "down" {
				err, ok = s.db.MoveRostrumGuest(ctx, a, id, guestID, op == "up"), "seating_moved"
			} else {
				err, ok = s.db.SetGuestOnRostrum(ctx, a, id, guestID, op == "on"), "seating_rostrum"
			}
		}
	case "settings", "":
		in := store.SeatingSettings{SeatsPerRow: f.Int("seats_per_row"), Convention: meeting.SeatingConvention{
			OddSecond: meeting.Side(f.Str("odd_second")), EvenSecond: meeting.Side(f.Str("even_second")),
			InvitedFirst: f.Bool("invited_first")}}
		if _, err = s.db.SaveSeating(ctx, a, id, in); err != nil {
			err = f.merge(err)
		}
	default:
		err = app.Errorf(app.EINVALID, "无法识别的操作")
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderSeating(w, r, id, formStatus(err), r.PostForm, err)
	}
	return redirect(w, r, "/meetings/"+app.Itoa(id)+"/seating?ok="+ok)
}

// nameCards lists a name card (桌签) for everyone on the rostrum in
// protocol order, then for every member in the hall in seat order.
func (s *Server) nameCards(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := officeOnly(r); err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	seat, err := s.db.FindSeating(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.NameCardsView{Head: s.meetingHead(m)}
	for _, x := range seat.Protocol {
		d.Cards = append(d.Cards, view.NameCard{Name: x.Name, Title: x.Title})
	}
	for _, b := range seat.Hall {
		for _, x := range b.Seats {
			d.Cards = append(d.Cards, view.NameCard{Name: x.Name, Title: hallRole(x.Role)})
		}
	}
	return render(w, r, http.StatusOK, view.MeetingNameCardsPage(page(r, m.Title+" 桌签", "meetings"), d))
}
