package election

import (
	"strconv"
	"strings"

	"xieshang/internal/member"
	"xieshang/internal/org"
)

// RulesDoc is what the 选举办法 text is written from.
type RulesDoc struct {
	Meeting      string // 明湖市政协十三届四次会议
	Committee    string // short name: 市政协
	Mode         Mode
	Rules        Rules
	Offices      []Office
	Chiefs       int // 总监票人
	Scrutineers  int // 监票人
	ChiefTellers int // 总计票人
	Tellers      int // 计票人
}

// RulesText renders the 选举办法: a title line (《…选举办法》 without the
// brackets) then numbered articles (一、…) in the real documents' wording:
// what is elected and how many candidates (等额/差额), the papers, the
// secret ballot and its mode, the scrutineers and tellers, the hold rule,
// how to mark and what a blank means, write-ins, validity and unclear
// marks, returned against issued ballots, the threshold, more or fewer
// qualifiers than seats and ties, the announcement and the adoption. Every
// rule in d.Rules shows in the text.
func RulesText(d RulesDoc) []string {
	var arts []string
	add := func(s string) { arts = append(arts, s) }
	offices := orderedOffices(d.Offices)
	base := d.Rules.ElectBase.Label()
	threshold := "获得的赞成票" + d.Rules.Elect.Text(base, true)
	electronic := d.Mode == Electronic

	var seats []string
	for _, o := range offices {
		seats = append(seats, o.Name+strconv.Itoa(o.Seats)+"名")
	}
	add("根据《中国人民政治协商会议章程》的有关规定，" + d.Meeting + "选举" + d.Committee + strings.Join(seats, "、") + "。")

	var lists []string
	for _, o := range offices {
		n := len(o.Candidates)
		if o.Competitive {
			lists = append(lists, o.Name+"候选人"+strconv.Itoa(n)+"名，应选"+strconv.Itoa(o.Seats)+"名，差额"+strconv.Itoa(n-o.Seats)+"名，实行差额选举")
		} else {
			lists = append(lists, o.Name+"候选人"+strconv.Itoa(n)+"名，实行等额选举")
		}
	}
	s := strings.Join(lists, "；") + "。"
	if papers := Papers(offices); len(papers) > 1 {
		var ps []string
		for _, p := range papers {
			ps = append(ps, "第"+org.Numeral(p)+"张选票选举"+officeNames(PaperOffices(offices, p)))
		}
		count := org.Numeral(len(papers))
		if len(papers) == 2 {
			count = "两" // 两张, not 二张
		}
		s += "选举分" + count + "张选票进行：" + strings.Join(ps, "，") + "，各张选票分别计票。"
	}
	add(s)

	if electronic {
		add("选举采用无记名投票方式，使用电子投票系统进行。出席会议的委员每人领取一张电子选票，只能投票一次，投票后不能更改；投票后获得一个回执码，凭回执码可以查验本人的选票已经计入，但不显示选票内容。")
	} else {
		add("选举采用无记名投票方式，使用纸质选票。选票由会议工作人员按出席会议的委员人数发放，委员填写后投入票箱。")
	}

	var people []string
	if d.Chiefs > 0 {
		people = append(people, "总监票人"+strconv.Itoa(d.Chiefs)+"名")
	}
	if d.Scrutineers > 0 {
		people = append(people, "监票人"+strconv.Itoa(d.Scrutineers)+"名")
	}
	s = "选举设" + strings.Join(people, "、") + "，由全体会议通过。"
	if len(people) == 0 {
		s = "选举设总监票人、监票人，由全体会议通过。"
	}
	var tellers []string
	if d.ChiefTellers > 0 {
		tellers = append(tellers, "总计票人"+strconv.Itoa(d.ChiefTellers)+"名")
	}
	if d.Tellers > 0 {
		tellers = append(tellers, "计票人"+strconv.Itoa(d.Tellers)+"名")
	}
	if len(tellers) > 0 {
		s += "设" + strings.Join(tellers, "、") + "，在总监票人、监票人的监督下进行计票工作。"
	}
	s += "总监票人、监票人对发票、投票、计票的全过程进行监督。候选人不得担任总监票人、监票人"
	if len(tellers) > 0 {
		s += "、总计票人、计票人"
	}
	add(s + "。")

	add("出席会议的委员" + d.Rules.Hold.Text("全体委员", false) + "，方可进行选举。")

	switch {
	case electronic:
		s = "选举人在电子选票上对每位候选人选择赞成、反对或者弃权。"
	default:
		s = "选举人对选票上的候选人可以表示赞成、反对或者弃权：赞成的，在其姓名下方的符号栏内划“○”；反对的，划“×”；弃权的，划“△”。"
	}
	who := "对候选人不划任何符号的，"
	if electronic {
		who = "对候选人未作选择的，"
	}
	switch d.Rules.Blank {
	case BlankFor:
		s += who + "视为赞成。"
	case BlankNone:
		s += who + "不计入赞成、反对或者弃权票数。"
	default:
		s += who + "按弃权计算。"
	}
	add(s)

	switch d.Rules.WriteIns {
	case WriteInAgainst:
		s = "对候选人投反对票的，可以另选他人"
		if electronic {
			s += "，在电子选票的另选栏中选择另选人"
		} else {
			s += "，在选票的另选人栏内写上另选人的姓名"
		}
		add(s + "；另选人数不得多于反对的人数；投弃权票的，不得另选他人。另选人须为本届委员会的现任委员，另选本职务候选人名单上的人或者另选不能确认为本届委员的，该另选无效。")
	default:
		add("选举人不得另选他人；在选票上另写姓名的，该姓名不予计票。")
	}

	s = "每张选票按职务分别计算。某一职务所选的人数（"
	if d.Rules.Blank == BlankFor {
		s += "赞成和视为赞成的候选人数"
	} else {
		s += "赞成的候选人数"
	}
	if electronic {
		s += "与另选人数之和）等于"
	} else {
		s += "与另写的姓名数之和）等于"
	}
	s += "或者少于应选人数的，该职务的选票有效；多于应选人数的，该职务的选票无效。"
	if d.Rules.WriteIns == WriteInAgainst {
		s += "另选人数多于反对人数的，该职务的选票无效。"
	}
	switch {
	case electronic: // an electronic form has no unclear marks
	case d.Rules.Unclear == UnclearAbstain:
		s += "对候选人所划符号模糊不清、无法辨认的，该项按弃权计算。"
	case d.Rules.Unclear == UnclearBallot:
		s += "对候选人所划符号模糊不清、无法辨认的，该职务的选票无效。"
	default:
		s += "对候选人所划符号模糊不清、无法辨认的，该项无效，不影响其他各项。"
	}
	if d.Rules.Blank != BlankFor {
		s += "未划任何符号的选票为有效票。"
	}
	if !electronic {
		s += "不是会议发出的选票，或者损毁、无法辨认的选票，为废票。"
	}
	add(s)

	if electronic {
		add("投票结束后，收回的选票（投出的电子选票）等于或者少于发出的选票，选举有效；多于发出的选票，选举无效，应重新选举。")
	} else {
		add("投票结束后，由监票人、计票人清点选票。收回的选票等于或者少于发出的选票，选举有效；多于发出的选票，选举无效，应重新选举。")
	}

	add("候选人和另选人" + threshold + "的，始得当选。")

	add(threshold + "的被选举人多于应选名额时，以得赞成票多的当选；如遇票数相等不能确定当选人时，对票数相等的被选举人另行选举，以得赞成票多的当选。" +
		threshold + "的被选举人少于应选名额时，不足的名额另行选举。")

	add("计票结束后，由总监票人向全体会议报告计票结果，由会议执行主席宣布选举结果。")

	add("本办法经全体会议表决通过后施行。")

	out := []string{d.Meeting + "选举办法"}
	for i, a := range arts {
		out = append(out, org.Numeral(i+1)+"、"+a)
	}
	return out
}

// orderedOffices is offices by paper, then seq.
func orderedOffices(offices []Office) []Office {
	var out []Office
	for _, p := range Papers(offices) {
		out = append(out, PaperOffices(offices, p)...)
	}
	return out
}

// ReportLines are the chief scrutineer's report (计票结果报告): a title,
// then per paper (headed 第一张选票（副主席、秘书长） when there are several)
// the ballots issued and returned and whether the election stands; on a
// paper that stands, per office the valid and void ballots, the for-votes
// needed, each person's for / against / abstain (void marks and void
// write-ins when there are any) and 当选, then who is elected, ties
// (另行选举) and unfilled seats: 常务委员尚缺1名，另行选举.
func ReportLines(committee string, tallies []Tally) []string {
	out := []string{"计票结果报告"}
	for _, t := range tallies {
		if len(tallies) > 1 {
			names := make([]string, len(t.Offices))
			for i, o := range t.Offices {
				names[i] = o.Name
			}
			out = append(out, "第"+org.Numeral(t.Paper)+"张选票（"+strings.Join(names, "、")+"）")
		}
		s := "发出选票" + strconv.Itoa(t.Figures.Issued) + "张，收回选票" + strconv.Itoa(t.Returned) + "张，"
		switch {
		case t.Void:
			out = append(out, s+"收回的选票多于发出的选票，本张选票的选举无效，应重新选举。")
			continue
		case t.Returned == t.Figures.Issued:
			s += "收回的选票等于发出的选票，选举有效。"
		default:
			s += "收回的选票少于发出的选票，选举有效。"
		}
		out = append(out, s)
		for _, o := range t.Offices {
			out = append(out, o.Name+"（应选"+strconv.Itoa(o.Seats)+"名）：有效票"+strconv.Itoa(o.Valid)+"张，无效票"+
				strconv.Itoa(o.Void)+"张；当选须得赞成票"+strconv.Itoa(o.Need)+"票以上。")
			for _, c := range o.Candidates {
				s := c.Name
				if c.WriteIn {
					s = "另选人" + s + "：赞成" + strconv.Itoa(c.For) + "票"
				} else {
					s += "：赞成" + strconv.Itoa(c.For) + "票，反对" + strconv.Itoa(c.Against) + "票，弃权" + strconv.Itoa(c.Abstain) + "票"
				}
				if c.Invalid > 0 {
					s += "，无效标记" + strconv.Itoa(c.Invalid) + "个"
				}
				switch {
				case c.Elected:
					s += "，当选"
				case c.Tied:
					s += "，票数相等，另行选举"
				default:
					s += "，未当选"
				}
				out = append(out, s+"。")
			}
			if o.InvalidWriteIns > 0 {
				out = append(out, "另写的姓名不予计票的"+strconv.Itoa(o.InvalidWriteIns)+"人次。")
			}
			if names := tallyNames(o, o.Elected); len(names) > 0 {
				out = append(out, strings.Join(names, "、")+"当选为"+committee+o.Name+"。")
			}
			if o.Unfilled > 0 {
				s := ""
				if len(o.Tied) > 0 {
					s = strings.Join(tallyNames(o, o.Tied), "、") + "得票相等（各" + strconv.Itoa(tiedVotes(o)) + "票），"
				}
				out = append(out, s+o.Name+"尚缺"+strconv.Itoa(o.Unfilled)+"名，另行选举。")
			}
		}
	}
	return out
}

// tallyNames are the names of ids in o's count.
func tallyNames(o OfficeTally, ids []int64) []string {
	var out []string
	for _, id := range ids {
		for _, c := range o.Candidates {
			if c.MemberID == id {
				out = append(out, c.Name)
				break
			}
		}
	}
	return out
}

// tiedVotes is the for-votes of those tied at the last seat.
func tiedVotes(o OfficeTally) int {
	for _, c := range o.Candidates {
		if c.Tied {
			return c.For
		}
	}
	return 0
}

// ResultSentence is the report's sentence:
// 选举王学臣为市政协副主席，选举周文明为市政协秘书长，选举11名政协委员为市政协常委
// — per office with anyone elected, in paper and office order: the names of
// up to three elected, the number beyond; the office as its role is called
// (常委 for the standing committee), else its name. Void papers elect
// nobody. "" when nobody is elected.
func ResultSentence(committee string, tallies []Tally) string {
	var parts []string
	for _, t := range tallies {
		if t.Void {
			continue
		}
		for _, o := range t.Offices {
			n := len(o.Elected)
			if n == 0 {
				continue
			}
			title := o.Name
			if o.Role != "" && o.Role != member.Ordinary {
				title = o.Role.Label()
			}
			who := strconv.Itoa(n) + "名政协委员"
			if n <= 3 {
				who = strings.Join(tallyNames(o, o.Elected), "、")
			}
			parts = append(parts, "选举"+who+"为"+committee+title)
		}
	}
	return strings.Join(parts, "，")
}
