package assist

import (
	"fmt"
	"strconv"
	"strings"
)

// Rules are a committee's assistance rules, as data.
type Rules struct {
	// HouseholdsPerCadre and CadresPerHousehold bound active household
	// pairings: 1 and 1 is one-to-one (一对一); 0 means no limit.
	HouseholdsPerCadre int `json:"households_per_cadre"`
	CadresPerHousehold int `json:"cadres_per_household"`
	// VisitEveryDays is the longest a paired household may go without a
	// visit (0: no minimum frequency).
	VisitEveryDays int `json:"visit_every_days"`
	// Occasions are the occasions on which a visit is due (六必访), each
	// with the days before or after it that count.
	Occasions []Occasion `json:"occasions"`
}

// Occasion is one occasion on which a visit is due.
type Occasion struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Month and Day fix a yearly date (春节 is entered per year as a date
	// in Dates); zero when the occasion happens to a household (illness,
	// a death, a disaster) and is recorded when it does.
	Month      int      `json:"month,omitempty"`
	Day        int      `json:"day,omitempty"`
	Dates      []string `json:"dates,omitempty"` // 'YYYY-MM-DD' for movable feasts
	WithinDays int      `json:"within_days"`     // a visit this many days either side counts
}

// DefaultRules is one-to-one pairing, a visit at least every 30 days and
// the 六必访 occasions: the traditional festivals, and whenever the
// household meets illness, a death, a disaster, a major event or hardship.
func DefaultRules() Rules {
	return Rules{HouseholdsPerCadre: 1, CadresPerHousehold: 1, VisitEveryDays: 30, Occasions: []Occasion{
		{Code: "spring_festival", Label: "春节", Dates: []string{"2025-01-29", "2026-02-17", "2027-02-06"}, WithinDays: 15},
		{Code: "mid_autumn", Label: "中秋节", Dates: []string{"2025-10-06", "2026-09-25", "2027-09-15"}, WithinDays: 7},
		{Code: "illness", Label: "生病住院", WithinDays: 7},
		{Code: "bereavement", Label: "家有丧事", WithinDays: 7},
		{Code: "disaster", Label: "遭遇灾害", WithinDays: 3},
		{Code: "hardship", Label: "生活困难", WithinDays: 7},
	}}
}

// Figures are the assistance figures of an organisation over a period,
// counted from the records.
type Figures struct {
	Cadres           int   `json:"cadres"`            // cadres with an active household pairing
	Registered       int   `json:"registered"`        // households on the register
	Paired           int   `json:"paired"`            // of which paired
	Persons          int   `json:"persons"`           // persons in the paired households
	Visited          int   `json:"visited"`           // paired households visited in the period
	Aided            int   `json:"aided"`             // paired households given aid in the period
	AidFen           int64 `json:"aid_fen"`           // aid value in the period
	ProblemsRaised   int   `json:"problems_raised"`   // household problems raised in the period
	ProblemsSolved   int   `json:"problems_solved"`   // household problems solved in the period
	Enterprises      int   `json:"enterprises"`       // enterprises with an active liaison
	Liaisons         int   `json:"liaisons"`          // people liaising with them
	EnterpriseRaised int   `json:"enterprise_raised"` // enterprise problems raised in the period
	EnterpriseSolved int   `json:"enterprise_solved"` // enterprise problems solved in the period
}

// Ratio is a coverage figure: Num of Den.
type Ratio struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Full reports whether every one is covered (and there is at least one).
func (r Ratio) Full() bool { return r.Den > 0 && r.Num == r.Den }

// Percent is the share to one decimal, rounded half up, never "100.0%"
// short of full; "—" without a denominator.
func (r Ratio) Percent() string {
	if r.Den == 0 {
		return "—"
	}
	tenths := (r.Num*2000 + r.Den) / (2 * r.Den)
	if tenths >= 1000 && r.Num < r.Den {
		tenths = 999
	}
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10) + "%"
}

// PairingCoverage is paired households ÷ registered households.
func (f Figures) PairingCoverage() Ratio { return Ratio{f.Paired, f.Registered} }

// VisitCoverage is paired households visited in the period ÷ paired.
func (f Figures) VisitCoverage() Ratio { return Ratio{f.Visited, f.Paired} }

// AidCoverage is paired households aided in the period ÷ paired.
func (f Figures) AidCoverage() Ratio { return Ratio{f.Aided, f.Paired} }

// YuanApprox writes an amount the way the reports do: exact below 100 yuan
// ("85元"); otherwise rounded down to its leading figure with 余 when
// something was dropped — "300余元", "2000余元", "1.5万余元", "3万元" — and
// to one decimal of 万 from 10,000 yuan on. Fen are dropped first.
func YuanApprox(fen int64) string {
	yuan := fen / 100
	rest := fen%100 != 0
	var unit int64
	switch {
	case yuan < 100:
		if rest {
			return strconv.FormatInt(yuan, 10) + "余元"
		}
		return strconv.FormatInt(yuan, 10) + "元"
	case yuan < 1000:
		unit = 100
	case yuan < 10000:
		unit = 1000
	default:
		unit = 1000 // in 万 with one decimal: a unit of 1,000 yuan
	}
	head := yuan / unit * unit
	yu := ""
	if head != yuan || rest {
		yu = "余"
	}
	if yuan < 10000 {
		return strconv.FormatInt(head, 10) + yu + "元"
	}
	wan, tenth := head/10000, head%10000/1000
	if tenth == 0 {
		return strconv.FormatInt(wan, 10) + "万" + yu + "元"
	}
	return fmt.Sprintf("%d.%d万%s元", wan, tenth, yu)
}

// Sentence writes the pairing figures in the reports' style, e.g.
// "县政协13名结对帮扶干部，“一对一”结对帮扶孤儿、困难重度残疾人、特困家庭13户14人。至目前，
// 帮助解决急难愁盼问题5件，慰问物资价值2000余元，实现结对全覆盖、走访全覆盖、慰问全覆盖。"
// who names the organisation (县政协); kinds names the households' kinds
// as the report should list them (from the categories present); oneToOne
// says whether the pairing rule is one-to-one. A coverage short of full is
// written as its figure ("走访覆盖12户，覆盖率92.3%").
func (f Figures) Sentence(who string, kinds []string, oneToOne bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d名结对帮扶干部，", who, f.Cadres)
	if oneToOne {
		b.WriteString("“一对一”")
	}
	b.WriteString("结对帮扶")
	if len(kinds) > 0 {
		b.WriteString(strings.Join(kinds, "、"))
	}
	fmt.Fprintf(&b, "%d户%d人。至目前，", f.Paired, f.Persons)
	var parts []string
	if f.ProblemsSolved > 0 {
		parts = append(parts, fmt.Sprintf("帮助解决急难愁盼问题%d件", f.ProblemsSolved))
	}
	if f.AidFen > 0 {
		parts = append(parts, "慰问物资价值"+YuanApprox(f.AidFen))
	}
	var full, short []string
	for _, c := range []struct {
		name string
		r    Ratio
	}{{"结对", f.PairingCoverage()}, {"走访", f.VisitCoverage()}, {"慰问", f.AidCoverage()}} {
		switch {
		case c.r.Full():
			full = append(full, c.name+"全覆盖")
		case c.r.Den > 0:
			short = append(short, fmt.Sprintf("%s覆盖%d户，覆盖率%s", c.name, c.r.Num, c.r.Percent()))
		}
	}
	if len(full) > 0 {
		parts = append(parts, "实现"+strings.Join(full, "、"))
	}
	parts = append(parts, short...)
	if len(parts) == 0 {
		return strings.TrimSuffix(b.String(), "至目前，")
	}
	b.WriteString(strings.Join(parts, "，"))
	b.WriteString("。")
	return b.String()
}

// EnterpriseSentence writes the liaison figures: "包联企业16家，共收集梳理包联企业经营发展难点堵点问题23条，已解决18条。"
func (f Figures) EnterpriseSentence(who string) string {
	if f.Enterprises == 0 {
		return ""
	}
	s := fmt.Sprintf("%s%d名同志包联企业%d家", who, f.Liaisons, f.Enterprises)
	if f.EnterpriseRaised > 0 {
		s += fmt.Sprintf("，共收集梳理包联企业经营发展难点堵点问题%d条", f.EnterpriseRaised)
	}
	if f.EnterpriseSolved > 0 {
		s += fmt.Sprintf("，已解决%d条", f.EnterpriseSolved)
	}
	return s + "。"
}
