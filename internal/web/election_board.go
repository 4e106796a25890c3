package web

import (
	"context"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The election's part of the sitting's live board (meeting_live.go's
// boardSnapshot adds it): while ballots are out only how many came back,
// never a running count; once the chief scrutineer has signed, the result
// sentence and who is elected to each office.

// boardElection is the sitting's latest election that has issued ballots.
type boardElection struct {
	Title    string               `json:"title"`
	Status   election.Status      `json:"status"`
	Issued   int                  `json:"issued"`
	Returned int                  `json:"returned"` // electronic ballots cast so far, while voting
	Text     string               `json:"text"`     // the line the board shows
	Result   string               `json:"result,omitempty"`
	Elected  []boardElectedOffice `json:"elected,omitempty"`
	// ElectedText is Elected in one line: 副主席：王学臣；秘书长：周文明.
	ElectedText string `json:"elected_text,omitempty"`
}

// boardElectedOffice is who is elected to one office.
type boardElectedOffice struct {
	Office string   `json:"office"`
	Names  []string `json:"names"`
}

// boardElectionOf reads the board's election part of a sitting: nil when no
// election of it has issued ballots yet.
func (s *Server) boardElectionOf(ctx context.Context, a app.Actor, meetingID, committeeID int64) (*boardElection, error) {
	list, err := s.db.FindElections(ctx, a, meetingID)
	if err != nil {
		return nil, err
	}
	var e *store.Election
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Status != election.Draft {
			e = &list[i]
			break
		}
	}
	if e == nil {
		return nil, nil
	}
	b := &boardElection{Title: e.Title, Status: e.Status, Issued: e.Figures.Issued, Returned: e.Returned}
	issued := strconv.Itoa(e.Figures.Issued)
	switch e.Status {
	case election.Voting:
		if e.Mode == election.Electronic {
			b.Text = "选举投票中：已投 " + strconv.Itoa(e.Returned) + " / 发出 " + issued + " 张"
		} else {
			b.Text = "选举投票中：发出选票 " + issued + " 张"
		}
	case election.Counting:
		b.Text = "投票结束，正在计票"
	default: // signed, confirmed
		tallies, err := s.db.FindTally(ctx, a, e.ID)
		if err != nil {
			return nil, err
		}
		b.Result = election.ResultSentence(s.committeeName(ctx, a, committeeID), tallies)
		b.Text = b.Result
		if b.Text == "" {
			b.Text = "本次选举无人当选"
		}
		var parts []string
		for _, t := range tallies {
			if t.Void {
				parts = append(parts, "第"+strconv.Itoa(t.Paper)+"张选票收回多于发出，选举无效")
				continue
			}
			for _, o := range t.Offices {
				names := electedNames(o)
				if len(names) == 0 {
					continue
				}
				b.Elected = append(b.Elected, boardElectedOffice{Office: o.Name, Names: names})
				parts = append(parts, o.Name+"："+strings.Join(names, "、"))
			}
		}
		b.ElectedText = strings.Join(parts, "；")
	}
	return b, nil
}

// electedNames are the names of those elected to an office, by for-votes.
func electedNames(o election.OfficeTally) []string {
	var out []string
	for _, id := range o.Elected {
		for _, c := range o.Candidates {
			if c.MemberID == id {
				out = append(out, c.Name)
				break
			}
		}
	}
	return out
}

// electionBoardView is the page's view of the board's election part.
func electionBoardView(b *boardElection) *view.ElectionBoard {
	if b == nil {
		return nil
	}
	return &view.ElectionBoard{Title: "选举：" + b.Title, Text: b.Text, Elected: b.ElectedText}
}
