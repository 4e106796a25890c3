package election

import (
	"cmp"
	"slices"
)

// Columns of a candidate's count.
const (
	colFor = iota
	colAgainst
	colAbstain
	colInvalid
	colNone = -1 // counted nowhere (a blank under BlankNone)
)

// Counter counts the ballots of one paper; the result does not depend on
// the order of Add calls. Add allocates nothing for ballots without
// write-ins. Not safe for concurrent use.
type Counter struct {
	rules    Rules
	returned int
	offices  []officeCount
	column   [256]int8 // a valid section's mark → column of its candidate
}

// officeCount is one office's running count.
type officeCount struct {
	office          Office
	valid, void     int
	invalidWriteIns int
	counts          [][4]int              // per listed candidate, by column
	writeIns        map[int64]*writeCount // valid write-ins by member id
}

// writeCount is a written-in person's for-votes. The name kept is the
// smallest non-empty one seen, so that it does not depend on ballot order.
type writeCount struct {
	name string
	n    int
}

// NewCounter starts counting the ballots of a paper whose offices, in Seq
// order, are paper (see PaperOffices) under r.
func NewCounter(r Rules, paper []Office) *Counter {
	c := &Counter{rules: r, offices: make([]officeCount, len(paper))}
	for i, o := range paper {
		c.offices[i] = officeCount{office: o, counts: make([][4]int, len(o.Candidates))}
	}
	for i := range c.column {
		c.column[i] = colNone
	}
	c.column[MarkFor] = colFor
	c.column[MarkAgainst] = colAgainst
	c.column[MarkAbstain] = colAbstain
	switch r.Blank {
	case BlankFor:
		c.column[MarkBlank] = colFor
	case BlankAbstain:
		c.column[MarkBlank] = colAbstain
	}
	switch r.Unclear {
	case UnclearAbstain:
		c.column[MarkUnclear] = colAbstain
	case UnclearInvalid:
		c.column[MarkUnclear] = colInvalid
	}
	return c
}

// Add counts one returned ballot. A spoiled ballot, or one without exactly
// one section per office, is void in every office; otherwise each office's
// section is judged (see Rules.Judge) and, when valid, each mark counts in
// its candidate's column: 赞成, 反对, 弃权 (blanks per r.Blank, unclear marks
// per r.Unclear: abstain or invalid). A valid write-in counts as a for-vote
// for the person written in; a write-in that names nobody (MemberID 0), a
// listed candidate of the office or a person already written in on the
// section, and every write-in under WriteInNone, counts only in
// InvalidWriteIns.
func (c *Counter) Add(b Ballot) {
	c.returned++
	if b.Spoiled || len(b.Sections) != len(c.offices) {
		for i := range c.offices {
			c.offices[i].void++
		}
		return
	}
	for i := range c.offices {
		oc := &c.offices[i]
		s := &b.Sections[i]
		if c.rules.judge(oc.office.Seats, len(oc.counts), s) != okSection {
			oc.void++
			continue
		}
		oc.valid++
		counts := oc.counts[:len(s.Marks)]
		for j, m := range s.Marks {
			if k := c.column[m]; k >= 0 {
				counts[j][k]++
			}
		}
		if len(s.WriteIns) > 0 {
			c.addWriteIns(oc, s.WriteIns)
		}
	}
}

func (c *Counter) addWriteIns(oc *officeCount, ws []WriteIn) {
	if c.rules.WriteIns != WriteInAgainst {
		oc.invalidWriteIns += len(ws)
		return
	}
	for j, w := range ws {
		if w.MemberID <= 0 || listed(oc.office, w.MemberID) || writtenBefore(ws, j) {
			oc.invalidWriteIns++
			continue
		}
		if oc.writeIns == nil {
			oc.writeIns = map[int64]*writeCount{}
		}
		wc := oc.writeIns[w.MemberID]
		if wc == nil {
			wc = &writeCount{name: w.Name}
			oc.writeIns[w.MemberID] = wc
		} else if w.Name != "" && (wc.name == "" || w.Name < wc.name) {
			wc.name = w.Name
		}
		wc.n++
	}
}

// Tally is the paper's count against figures f:
//   - Returned is the number of ballots added (spoiled ones included); when
//     it exceeds f.Issued the paper is Void (选举无效): the counts are kept
//     for the record, nobody is elected and every seat is unfilled;
//   - per office, Valid + Void = Returned; each listed candidate in ballot
//     order, then each validly written-in person by for-votes (then name,
//     then id);
//   - Base is the figure r.ElectBase names, Need the fewest for-votes that
//     meet r.Elect of it; a person Meets the threshold with at least one
//     for-vote and r.Elect.Met(For, Base);
//   - when no more people meet it than there are seats, all are elected;
//     otherwise the seats go by for-votes, and when the last seat's
//     for-votes equal the next qualifier's, everyone at that figure is Tied
//     (a further round, 另行选举, decides) and those seats stay Unfilled.
//
// Elected and Tied hold member ids by for-votes, then list order.
func (c *Counter) Tally(paper int, f Figures) Tally {
	t := Tally{Paper: paper, Figures: f, Returned: c.returned, Void: c.returned > f.Issued}
	base := c.rules.Base(f, c.returned)
	need := c.rules.Elect.Need(base)
	for i := range c.offices {
		oc := &c.offices[i]
		o := oc.office
		ot := OfficeTally{
			OfficeID: o.ID, Name: o.Name, Role: o.Role, Seats: o.Seats, Competitive: o.Competitive,
			Valid: oc.valid, Void: oc.void, InvalidWriteIns: oc.invalidWriteIns,
			Base: base, Need: need,
			Candidates: make([]CandidateTally, 0, len(o.Candidates)+len(oc.writeIns)),
		}
		for j, cand := range o.Candidates {
			n := oc.counts[j]
			ot.Candidates = append(ot.Candidates, CandidateTally{
				MemberID: cand.MemberID, Name: cand.Name,
				For: n[colFor], Against: n[colAgainst], Abstain: n[colAbstain], Invalid: n[colInvalid],
			})
		}
		written := make([]CandidateTally, 0, len(oc.writeIns))
		for id, wc := range oc.writeIns {
			written = append(written, CandidateTally{MemberID: id, Name: wc.name, WriteIn: true, For: wc.n})
		}
		slices.SortFunc(written, func(a, b CandidateTally) int {
			return cmp.Or(cmp.Compare(b.For, a.For), cmp.Compare(a.Name, b.Name), cmp.Compare(a.MemberID, b.MemberID))
		})
		ot.Candidates = append(ot.Candidates, written...)
		for j := range ot.Candidates {
			ct := &ot.Candidates[j]
			ct.Meets = ct.For > 0 && c.rules.Elect.Met(ct.For, base)
		}
		if !t.Void {
			elect(&ot)
		}
		ot.Unfilled = ot.Seats - len(ot.Elected)
		t.Offices = append(t.Offices, ot)
	}
	return t
}

// elect decides who of those meeting the threshold takes the seats.
func elect(ot *OfficeTally) {
	var q []*CandidateTally
	for j := range ot.Candidates {
		if ot.Candidates[j].Meets {
			q = append(q, &ot.Candidates[j])
		}
	}
	slices.SortStableFunc(q, func(a, b *CandidateTally) int { return cmp.Compare(b.For, a.For) })
	if len(q) > ot.Seats && ot.Seats > 0 && q[ot.Seats-1].For == q[ot.Seats].For {
		last := q[ot.Seats-1].For
		for _, ct := range q {
			if ct.For == last {
				ct.Tied = true
				ot.Tied = append(ot.Tied, ct.MemberID)
			}
		}
	}
	for _, ct := range q {
		if len(ot.Elected) >= ot.Seats || ct.Tied {
			break
		}
		ct.Elected = true
		ot.Elected = append(ot.Elected, ct.MemberID)
	}
}
