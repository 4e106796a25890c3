package election

import (
	"strconv"

	"xieshang/internal/app"
)

// verdict is why an office's part of a ballot is void (okSection: it is not).
// The counter works with verdicts so that judging allocates nothing; Judge
// turns them into words.
type verdict uint8

const (
	okSection      verdict = iota
	wrongShape             // marks do not fit the candidate list
	badMark                // a byte that is not one of the five marks
	unclearVoids           // an unclear mark under UnclearBallot
	overVote               // 所选人数多于应选人数
	writeInsOver           // 另选人数多于反对人数
	spoiledBallot          // the whole paper is spoiled
	sectionMissing         // the ballot does not have one section per office
)

// judge decides one section against an office of seats seats and n
// candidates.
func (r Rules) judge(seats, n int, s *Section) verdict {
	if len(s.Marks) != n {
		return wrongShape
	}
	var chosen, against int
	unclear := false
	for _, m := range s.Marks {
		switch m {
		case MarkFor:
			chosen++
		case MarkAgainst:
			against++
		case MarkAbstain:
		case MarkBlank:
			if r.Blank == BlankFor {
				chosen++
			}
		case MarkUnclear:
			unclear = true
		default:
			return badMark
		}
	}
	if unclear && r.Unclear == UnclearBallot {
		return unclearVoids
	}
	// Every name written in counts towards the seats, whether or not it
	// turns out to be a valid write-in: the voter chose that many people.
	if chosen+len(s.WriteIns) > seats {
		return overVote
	}
	if r.WriteIns == WriteInAgainst && len(s.WriteIns) > against {
		return writeInsOver
	}
	return okSection
}

// reason is the verdict in the words of a count.
func (v verdict) reason(o Office, s Section) string {
	switch v {
	case wrongShape:
		return o.Name + "应有" + strconv.Itoa(len(o.Candidates)) + "个标记，实际" + strconv.Itoa(len(s.Marks)) + "个"
	case badMark:
		return "有无法识别的标记"
	case unclearVoids:
		return "有符号不清、无法辨认的标记"
	case overVote:
		return "所选人数多于应选人数"
	case writeInsOver:
		return "另选人数多于反对人数"
	case spoiledBallot:
		return "选票作废"
	case sectionMissing:
		return "选票的职务数与本张选票不符"
	}
	return ""
}

// Judge decides one office's part of a ballot. It is void (with the Chinese
// reason) when:
//   - the marks do not fit the list (one mark per candidate, each one of the
//     five marks);
//   - a mark is unclear under UnclearBallot (有符号不清、无法辨认的标记);
//   - the for-votes (a blank counted as for when r.Blank is BlankFor) plus
//     every name written in number more than the seats (所选人数多于应选人数),
//     whatever the write-in rule — a name written where write-ins are not
//     allowed still shows whom the voter chose;
//   - under WriteInAgainst, more names are written in than candidates
//     opposed (另选人数多于反对人数).
//
// Otherwise it is valid ("" reason): a blank section is valid. Write-ins
// that do not count (not a member, a listed candidate, a name written
// twice, or any write-in under WriteInNone) do not void the section; the
// counter sets them apart.
func (r Rules) Judge(o Office, s Section) (void bool, reason string) {
	v := r.judge(o.Seats, len(o.Candidates), &s)
	if v == okSection {
		return false, ""
	}
	return true, v.reason(o, s)
}

// CheckElectronic refuses an electronic ballot that could not be cast on a
// correct form: a spoiled ballot or one without exactly one section per
// office of the paper (field "ballot"); per office (field "office_<ID>"):
// marks that do not fit the list, unclear marks, over-votes, write-ins the
// rules forbid (under WriteInNone, or more than the candidates opposed),
// write-ins that name no member (MemberID 0) or a listed candidate of the
// office, the same person written twice. A blank ballot is accepted (its
// blanks count per r.Blank). The error is an EINVALID *app.Error with the
// field errors; nil when the ballot may be cast.
func (r Rules) CheckElectronic(paper []Office, b Ballot) error {
	var errs app.FieldErrors
	if b.Spoiled {
		errs.Add("ballot", "电子选票不能作废")
		return errs.Err()
	}
	if len(b.Sections) != len(paper) {
		errs.Add("ballot", "选票应有"+strconv.Itoa(len(paper))+"个职务（"+officeNames(paper)+"），实际"+strconv.Itoa(len(b.Sections))+"个")
		return errs.Err()
	}
	for i, o := range paper {
		s := b.Sections[i]
		key := "office_" + app.Itoa(o.ID)
		switch v := r.judge(o.Seats, len(o.Candidates), &s); v {
		case okSection:
		case badMark, unclearVoids:
			errs.Add(key, o.Name+"：请对每位候选人选择赞成、反对或弃权")
			continue
		case overVote:
			errs.Add(key, o.Name+"：赞成和另选的人数合计"+strconv.Itoa(chosen(r, s))+"名，多于应选名额"+strconv.Itoa(o.Seats)+"名")
			continue
		default:
			errs.Add(key, o.Name+"："+v.reason(o, s))
			continue
		}
		for _, m := range s.Marks {
			if m == MarkUnclear {
				errs.Add(key, o.Name+"：请对每位候选人选择赞成、反对或弃权")
				break
			}
		}
		if len(s.WriteIns) > 0 && r.WriteIns == WriteInNone {
			errs.Add(key, o.Name+"：本次选举不得另选他人")
			continue
		}
		for j, w := range s.WriteIns {
			switch {
			case w.MemberID == 0:
				errs.Add(key, o.Name+"：另选人“"+w.Name+"”不是本届委员会委员")
			case listed(o, w.MemberID):
				errs.Add(key, o.Name+"：另选人“"+w.Name+"”已是候选人，不能另选")
			case writtenBefore(s.WriteIns, j):
				errs.Add(key, o.Name+"：另选人“"+w.Name+"”重复")
			}
		}
	}
	return errs.Err()
}

// chosen counts the people a section chooses: for-votes (blanks too under
// BlankFor) and names written in.
func chosen(r Rules, s Section) int {
	n := len(s.WriteIns)
	for _, m := range s.Marks {
		if m == MarkFor || (m == MarkBlank && r.Blank == BlankFor) {
			n++
		}
	}
	return n
}

// listed reports whether id is a candidate on o's list.
func listed(o Office, id int64) bool {
	for _, c := range o.Candidates {
		if c.MemberID == id {
			return true
		}
	}
	return false
}

// writtenBefore reports whether the j-th write-in names a person already
// written in earlier in the same section.
func writtenBefore(ws []WriteIn, j int) bool {
	for i := range j {
		if ws[i].MemberID == ws[j].MemberID {
			return true
		}
	}
	return false
}
