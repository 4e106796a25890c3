package election

// The enumerations in display order, for forms and filters.
var (
	Modes        = []Mode{Paper, Electronic}
	Statuses     = []Status{Draft, Voting, Counting, Signed, Confirmed}
	Bases        = []Base{BaseExpected, BaseAll, BaseReturned}
	BlankMarks   = []BlankMark{BlankAbstain, BlankFor, BlankNone}
	UnclearMarks = []UnclearMark{UnclearInvalid, UnclearAbstain, UnclearBallot}
	WriteInRules = []WriteInRule{WriteInAgainst, WriteInNone}
	Marks        = []Mark{MarkFor, MarkAgainst, MarkAbstain, MarkBlank, MarkUnclear}
)

// Label is the mode in Chinese: 纸质选票 / 电子投票.
func (m Mode) Label() string {
	switch m {
	case Paper:
		return "纸质选票"
	case Electronic:
		return "电子投票"
	}
	return string(m)
}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Paper || m == Electronic }

// Label is the status in Chinese: 筹备中 / 投票中 / 计票中 / 已签字 / 已确认.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "筹备中"
	case Voting:
		return "投票中"
	case Counting:
		return "计票中"
	case Signed:
		return "已签字"
	case Confirmed:
		return "已确认"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Draft, Voting, Counting, Signed, Confirmed:
		return true
	}
	return false
}

// Label is the base in Chinese: 全体委员 / 应到会委员 / 收回选票.
func (b Base) Label() string {
	switch b {
	case BaseAll:
		return "全体委员"
	case BaseExpected:
		return "应到会委员"
	case BaseReturned:
		return "收回选票"
	}
	return string(b)
}

// Valid reports whether b is a known base.
func (b Base) Valid() bool { return b == BaseAll || b == BaseExpected || b == BaseReturned }

// Label is what a blank counts as: 按弃权计 / 视为赞成 / 不计票.
func (b BlankMark) Label() string {
	switch b {
	case BlankAbstain:
		return "按弃权计"
	case BlankFor:
		return "视为赞成"
	case BlankNone:
		return "不计票"
	}
	return string(b)
}

// Valid reports whether b is a known treatment of blanks.
func (b BlankMark) Valid() bool { return b == BlankAbstain || b == BlankFor || b == BlankNone }

// Label is what an unclear mark does: 该项按弃权计 / 该项无效 / 该票（该职务部分）无效.
func (u UnclearMark) Label() string {
	switch u {
	case UnclearAbstain:
		return "该项按弃权计"
	case UnclearInvalid:
		return "该项无效"
	case UnclearBallot:
		return "该票（该职务部分）无效"
	}
	return string(u)
}

// Valid reports whether u is a known treatment of unclear marks.
func (u UnclearMark) Valid() bool {
	return u == UnclearAbstain || u == UnclearInvalid || u == UnclearBallot
}

// Label is the write-in rule in Chinese: 不得另选他人 / 投反对票的可以另选他人.
func (w WriteInRule) Label() string {
	switch w {
	case WriteInNone:
		return "不得另选他人"
	case WriteInAgainst:
		return "投反对票的可以另选他人"
	}
	return string(w)
}

// Valid reports whether w is a known write-in rule.
func (w WriteInRule) Valid() bool { return w == WriteInNone || w == WriteInAgainst }

// Label is the mark in Chinese: 未划 / 赞成 / 反对 / 弃权 / 不清.
func (m Mark) Label() string {
	switch m {
	case MarkBlank:
		return "未划"
	case MarkFor:
		return "赞成"
	case MarkAgainst:
		return "反对"
	case MarkAbstain:
		return "弃权"
	case MarkUnclear:
		return "不清"
	}
	return string(rune(m))
}

// Valid reports whether m is one of the five marks.
func (m Mark) Valid() bool {
	switch m {
	case MarkBlank, MarkFor, MarkAgainst, MarkAbstain, MarkUnclear:
		return true
	}
	return false
}
