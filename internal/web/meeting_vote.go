package web

import (
	"context"
	"encoding/base64"
	"net/http"

	"rsc.io/qr"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// Votes on agenda items: the office opens a vote (show of hands or
// electronic), enters the counts of a show of hands and closes it; members
// signed in vote electronically on their phones. Routes are in meetingRoutes.

// voteRow is a vote as the meeting page shows it: while an electronic vote
// is open, only how many have voted.
func (s *Server) voteRow(ctx context.Context, a app.Actor, v store.Vote) (view.VoteRow, error) {
	row := view.VoteRow{ID: v.ID, Mode: v.Mode.Label(), Hands: v.Mode == store.VoteHands, Open: v.Status == store.VoteOpen,
		Rule: v.Rule.Text(), Tallied: v.Tallied, Result: v.Result()}
	switch {
	case v.Status == store.VoteClosed:
		row.Sentence = "应到" + app.Itoa(int64(v.Expected)) + "人，实到" + app.Itoa(int64(v.Present)) + "人；" +
			v.Tally.Sentence(v.Passed)
	case v.Mode == store.VoteHands && v.Tallied:
		row.Sentence = "赞成" + app.Itoa(int64(v.Tally.For)) + "票，反对" + app.Itoa(int64(v.Tally.Against)) + "票，弃权" +
			app.Itoa(int64(v.Tally.Abstain)) + "票"
	case v.Mode == store.VoteElectronic:
		p, err := s.db.VoteProgress(ctx, a, v.ID)
		if err != nil {
			return row, err
		}
		row.Cast = p.Cast
	}
	return row, nil
}

func (s *Server) voteOpen(w http.ResponseWriter, r *http.Request) error {
	itemID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	meetingID, err := formMeetingID(r)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, meetingID, "vote", "vote_opened", func(f *form) error {
		_, err := s.db.OpenVote(r.Context(), actor(r), itemID, store.VoteMode(f.Str("mode")), passRuleForm(f))
		return err
	})
}

func (s *Server) voteHands(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.db.FindVoteByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, v.MeetingID, "hands", "saved", func(f *form) error {
		t := meeting.Tally{For: f.Int("for"), Against: f.Int("against"), Abstain: f.Int("abstain")}
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.RecordHands(r.Context(), actor(r), id, t)
		return err
	})
}

func (s *Server) voteClose(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.db.FindVoteByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, v.MeetingID, "", "vote_closed", func(*form) error {
		_, err := s.db.CloseVote(r.Context(), actor(r), id)
		return err
	})
}

// ballotVote finds a vote for the member account voting on it: the account
// must be a member's own, expected at the vote's meeting.
func (s *Server) ballotVote(r *http.Request) (store.Vote, meeting.Meeting, error) {
	a := actor(r)
	if a.MemberID == 0 {
		return store.Vote{}, meeting.Meeting{}, app.Errorf(app.EFORBIDDEN, "只有委员本人可以使用本人账号表决")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return store.Vote{}, meeting.Meeting{}, err
	}
	v, err := s.db.FindVoteByID(r.Context(), a, id)
	if err != nil {
		return v, meeting.Meeting{}, err
	}
	if _, err := s.ownLine(r.Context(), a, v.MeetingID); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return v, meeting.Meeting{}, err // the database failed: not an answer about the vote
		}
		return v, meeting.Meeting{}, app.NotFound("表决")
	}
	m, err := s.db.FindMeetingByID(r.Context(), a, v.MeetingID)
	return v, m, err
}

func (s *Server) renderBallot(w http.ResponseWriter, r *http.Request, status int, v store.Vote, m meeting.Meeting, msg string) error {
	d := view.BallotView{VoteID: v.ID, MeetingID: m.ID, Meeting: m.Title, Item: v.ItemTitle,
		Open: v.Status == store.VoteOpen && v.Mode == store.VoteElectronic, Msg: msg}
	if v.Mode != store.VoteElectronic && msg == "" {
		d.Msg = "本项为举手表决，不进行电子投票"
	}
	c, err := s.db.FindBallot(r.Context(), actor(r), v.ID, actor(r).MemberID)
	if err != nil {
		return err
	}
	if c != "" {
		d.Current = c.Label()
	}
	return render(w, r, status, view.BallotPage(page(r, "表决", "meetings"), d))
}

func (s *Server) ballotPage(w http.ResponseWriter, r *http.Request) error {
	v, m, err := s.ballotVote(r)
	if err != nil {
		return err
	}
	return s.renderBallot(w, r, http.StatusOK, v, m, "")
}

func (s *Server) ballotPost(w http.ResponseWriter, r *http.Request) error {
	v, m, err := s.ballotVote(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	a := actor(r)
	if castErr := s.db.CastBallot(r.Context(), a, v.ID, a.MemberID, meeting.Choice(f.Str("choice"))); castErr != nil {
		if !formError(castErr) {
			return castErr
		}
		if v, err = s.db.FindVoteByID(r.Context(), a, v.ID); err != nil {
			return err
		}
		return s.renderBallot(w, r, formStatus(castErr), v, m, app.ErrorMessage(castErr))
	}
	s.publishMeeting(r.Context(), v.MeetingID) // the live board: how many have voted
	return redirect(w, r, "/votes/"+app.Itoa(v.ID)+"/ballot?ok=voted")
}

// qrDataURI draws text as a QR code (PNG) in a data: URI, or "" when the
// text does not fit one.
func qrDataURI(text string) string {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return ""
	}
	c.Scale = 8
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG())
}
