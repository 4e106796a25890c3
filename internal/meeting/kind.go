package meeting

// Label is the kind in Chinese.
func (k Kind) Label() string {
	switch k {
	case Plenary:
		return "全体会议"
	case Standing:
		return "常委会会议"
	case Chairs:
		return "主席会议"
	case Bimonthly:
		return "双月协商会"
	case Thematic:
		return "专题协商会"
	case Symposium:
		return "协商座谈会"
	case OnSite:
		return "现场观摩推进会"
	case Sitting:
		return "大会会次"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Numbered reports whether meetings of this kind are numbered within the term
// (十三届四次会议, 五届十二次主席会议, 十届九次常委会会议).
func (k Kind) Numbered() bool { return k == Plenary || k == Standing || k == Chairs }

// Body is who meetings of this kind expect.
func (k Kind) Body() Body {
	switch k {
	case Plenary, Sitting:
		return BodyAll
	case Standing:
		return BodyStanding
	case Chairs:
		return BodyChairs
	}
	return BodyNamed
}

// Label is the body in Chinese.
func (b Body) Label() string {
	switch b {
	case BodyAll:
		return "全体委员"
	case BodyStanding:
		return "常委会组成人员"
	case BodyChairs:
		return "主席会议组成人员"
	case BodyNamed:
		return "指定参会人员"
	}
	return string(b)
}

// DefaultQuorum is the quorum rule a new meeting of this kind starts with:
// more than half of the expected members (the rule for plenary and
// standing-committee meetings; the same default for the others).
func (k Kind) DefaultQuorum() QuorumRule { return QuorumRule{Num: 1, Den: 2, Strict: true} }

// SittingKinds in order.
var SittingKinds = []SittingKind{Opening, Speeches, Closing, Election}

// Label is the sitting in Chinese.
func (s SittingKind) Label() string {
	switch s {
	case Opening:
		return "开幕会"
	case Speeches:
		return "大会发言"
	case Closing:
		return "闭幕会"
	case Election:
		return "选举大会"
	}
	return string(s)
}

// Valid reports whether s is a known sitting.
func (s SittingKind) Valid() bool {
	for _, x := range SittingKinds {
		if x == s {
			return true
		}
	}
	return false
}

// Label is the status in Chinese.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "筹备中"
	case Notified:
		return "已通知"
	case Open:
		return "进行中"
	case Closed:
		return "已结束"
	}
	return string(s)
}
