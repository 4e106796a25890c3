package press

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// ---- organisation ----

var (
	// A committee: "聊城市政协", "东昌府区政协", "市政协", "全国政协".
	reCPPCCAt = regexp.MustCompile(`^(?:全国政协|(\p{Han}{2,5}?[省市州区旗]|\p{Han}{1,5}?县)政协|[省市县区]政协)`)
	reCPPCC   = regexp.MustCompile(`(?:全国|[省市县区])政协`)
	// A place: "阳谷县七级镇", "东昌府区梁水镇", "东阿县", "七级镇".
	rePlaceAt   = regexp.MustCompile(`^(\p{Han}{2,5}?[市区旗]|\p{Han}{1,5}?县)(\p{Han}{2,4}?(?:镇|乡|街道))?`)
	rePlaceUnit = regexp.MustCompile(`^\p{Han}{1,4}[省市县区旗]$`)
	reTownAt    = regexp.MustCompile(`^\p{Han}{2,4}?(?:镇|乡|街道)`)
	// The page's city, for a bare "市政协": "本报聊城5月27日讯", "中共聊城市委".
	reCity = regexp.MustCompile(`本报(\p{Han}{2,3}?)(?:\d|讯|电)|中共(\p{Han}{2,3}?)市委|第[一二三四五六七八九十]+届(\p{Han}{2,3}?)市委员会`)
)

// notPlace are characters that do not occur in the place names a clause
// starts with but do in the clauses themselves ("王学臣当选市…", "走进社区").
const notPlace = "提升促强造推过的了在为和与及到对向是将被把选召举组带访调察进开展我们全本各该"

// genericUnits end words that look like places and are not ("社区", "全市").
var genericUnits = []string{"社区", "园区", "景区", "城区", "小区", "校区", "片区", "辖区", "市区",
	"郊区", "山区", "灾区", "新区", "城市", "超市", "都市", "全县", "本县", "各县", "该县", "郡县", "市县", "区县", "城镇", "乡镇", "村镇", "城乡", "地区", "湾区", "营区", "厂区"}

func placeOK(s string) bool {
	if strings.ContainsAny(s, notPlace) {
		return false
	}
	for _, g := range genericUnits {
		if s == g {
			return false
		}
	}
	return true
}

// orgAt returns the organisation a text starts with, "" when none.
func orgAt(s string) string {
	if m := reCPPCCAt.FindStringSubmatch(s); m != nil && (m[1] == "" || placeOK(m[1])) {
		return m[0]
	}
	if m := rePlaceAt.FindStringSubmatch(s); m != nil && placeOK(m[1]) {
		if m[2] != "" && placeOK(m[2]) {
			return m[1] + m[2]
		}
		return m[1]
	}
	if m := reTownAt.FindString(s); m != "" && placeOK(m) {
		return m
	}
	return ""
}

// clauses splits a text at punctuation and after a leading date, the
// places an organisation is named first.
var reClauseCut = regexp.MustCompile(`[,，;；。:：、\s)）(（“”]+|\d{1,2}月\d{1,2}日(?:[上中下]午|晚|至\d{1,2}日)?|讯|近日|日前|近期|今年以来|连日来`)

func clauses(s string) []string {
	var out []string
	for _, c := range reClauseCut.Split(s, -1) {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// findOrg names the item's organisation: from a committee kicker, the
// title, the sub-titles, then the lead's first sentence; a bare "市政协"
// takes the page's city.
func findOrg(it *item, lead, city string) string {
	qualify := func(o string) string {
		if o == "市政协" && city != "" {
			return city + "市政协"
		}
		return o
	}
	var heads []string
	heads = append(heads, it.kicker[:it.above]...)
	heads = append(heads, it.title)
	heads = append(heads, it.kicker[it.above:]...)
	first := firstSentence(lead)
	for _, h := range heads {
		for _, c := range clauses(h) {
			if o := orgAt(c); o != "" {
				// The lead may name it in full: "河西堡镇" → "永昌县河西堡镇".
				for _, c := range clauses(first) {
					if f := orgAt(c); len(f) > len(o) && strings.HasSuffix(f, o) && rePlaceUnit.MatchString(strings.TrimSuffix(f, o)) {
						return f
					}
				}
				return qualify(o)
			}
		}
	}
	for _, h := range heads {
		if o := reCPPCC.FindString(h); o != "" {
			return qualify(o)
		}
	}
	for _, c := range clauses(first) {
		if o := orgAt(c); o != "" {
			return qualify(o)
		}
	}
	if o := reCPPCC.FindString(first); o != "" {
		return qualify(o)
	}
	return ""
}

// pageCity is the city the page's datelines or text name.
func pageCity(text string) string {
	if m := reCity.FindStringSubmatch(text); m != nil {
		for _, g := range m[1:] {
			if g != "" {
				return g
			}
		}
	}
	return ""
}

// ---- date ----

var (
	reDate      = regexp.MustCompile(`(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日`)
	reDatelineD = regexp.MustCompile(`(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:讯|电)`)
	reUndated   = regexp.MustCompile(`^(?:近日|日前|近期|最近|今年以来|年初以来|连日来|近年来|近段时间|前不久|自.{0,12}以来)`)
	reYear      = regexp.MustCompile(`((?:19|20)\d\d)年`)
	reLeadStrip = regexp.MustCompile(`^(?:(?:本报|新华社|本刊|中新社)\p{Han}{0,6}?(?:\d{1,2}月\d{1,2}日)?(?:讯|电)|\d{1,2}月\d{1,2}日(?:讯|电))\s*(?:[(（][^)）]{0,40}[)）])?\s*`)
)

// firstSentence is the text up to its first full stop.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, "。！？!?"); i >= 0 {
		return s[:i]
	}
	return s
}

// findDate returns the event's first day: from the dateline ("5月27日讯"),
// else from the lead's first sentence ("6月5日," "6月5日至6日"); nil when
// the lead says 近日, 今年以来 … or names no day, or the year is unknown.
func findDate(lead string, year int) *string {
	if m := reDatelineD.FindStringSubmatch(lead); m != nil && strings.Index(lead, m[0]) < 40 {
		return civil(m, year)
	}
	first := firstSentence(reLeadStrip.ReplaceAllString(lead, ""))
	if reUndated.MatchString(first) {
		return nil
	}
	if m := reDate.FindStringSubmatch(first); m != nil {
		return civil(m, year)
	}
	return nil
}

func civil(m []string, year int) *string {
	if m[1] != "" {
		year = atoi(m[1])
	}
	mo, d := atoi(m[2]), atoi(m[3])
	if year < 1949 || year > 2200 || mo < 1 || mo > 12 || d < 1 {
		return nil
	}
	t := time.Date(year, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

// pageYear is the year the page's text names most often (the first on a tie).
func pageYear(text string) int {
	count := map[string]int{}
	best := ""
	for _, m := range reYear.FindAllStringSubmatch(text, -1) {
		count[m[1]]++
		if best == "" || count[m[1]] > count[best] {
			best = m[1]
		}
	}
	return atoi(best)
}

// ---- kind ----

var kindWords = []struct {
	kind string
	re   *regexp.Regexp
}{
	{KindElection, regexp.MustCompile(`当选|选举|补选`)},
	{KindMeeting, regexp.MustCompile(`会议|闭幕|开幕|召开|举行|座谈会|协商会|常委会|主席会|全会|例会|推进会|恳谈会|报告会|议政会`)},
	{KindResearch, regexp.MustCompile(`调研|视察|观摩|考察|督查|察看|监督`)},
	{KindAssistance, regexp.MustCompile(`帮扶|扶贫|脱贫|贫困|关爱|慰问|捐赠|捐助|救助|送温暖|爱心|义诊|巡诊`)},
	{KindLiaison, regexp.MustCompile(`包联|招商|企业|营商`)},
}

// findKind classifies the item by the first kind its title names (in the
// order election, meeting, research, assistance, liaison), else its
// kickers, else the kind its text names most often.
func findKind(it *item, text string) string {
	if !it.caption {
		for _, src := range []string{it.title, strings.Join(it.kicker, " ")} {
			for _, k := range kindWords {
				if k.re.MatchString(src) {
					return k.kind
				}
			}
		}
	}
	best, n := KindOther, 0
	for _, k := range kindWords {
		if c := len(k.re.FindAllStringIndex(text, -1)); c > n {
			best, n = k.kind, c
		}
	}
	return best
}

// ---- elected ----

// The election results a clause states (clauses: split at punctuation and
// spaces): "选举王学臣为市政协副主席", "选举11名政协委员为市政协常委",
// "周文明当选市政协秘书长".
var (
	reElectedAs    = regexp.MustCompile(`选举(\p{Han}{2,4}?)为(\p{Han}{2,16})$`)
	reElectedCount = regexp.MustCompile(`(?:选举|选出)(` + cnNum + `)名\p{Han}{0,8}?为(\p{Han}{2,16})$`)
	reElectedTo    = regexp.MustCompile(`^(\p{Han}{2,4}?)当选为?(\p{Han}{2,16})$`)
)

// findElected reads the election results stated in the sources, each once,
// in the order stated.
func findElected(srcs ...string) []Elected {
	var out []Elected
	for _, s := range srcs {
		for _, c := range reClauseCut.Split(s, -1) {
			var e Elected
			if m := reElectedCount.FindStringSubmatch(c); m != nil {
				if n, ok := Numeral(m[1]); ok && n > 0 {
					e = Elected{Count: int(n), Office: m[2]}
				}
			} else if m := reElectedAs.FindStringSubmatch(c); m != nil {
				e = Elected{Name: m[1], Office: m[2]}
			} else if m := reElectedTo.FindStringSubmatch(c); m != nil {
				e = Elected{Name: m[1], Office: m[2]}
			}
			if e.Office != "" && !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// ---- meeting ----

const cnNum = `[\d零〇一二两三四五六七八九十百]+`

var (
	reMeeting     = regexp.MustCompile(`(` + cnNum + `)届(?:常委会第)?(` + cnNum + `)次(主席会议|主席会|常委会议|常委会会议|常务委员会会议|常委会|全体会议|全会|会议)`)
	reMeetingLong = regexp.MustCompile(`第(` + cnNum + `)届\p{Han}{0,10}?委员会(常务委员会)?第(` + cnNum + `)次(全体会议|会议)`)
)

// findMeeting reads a meeting's numbering: "十三届四次会议" → term 13,
// number 4, plenary; "五届十二次主席会议" → chair; "…常委会议" → standing.
func findMeeting(srcs ...string) *Meeting {
	for _, s := range srcs {
		if m := reMeeting.FindStringSubmatch(s); m != nil {
			term, ok1 := Numeral(m[1])
			num, ok2 := Numeral(m[2])
			if !ok1 || !ok2 || term > 100 || num > 1000 {
				continue
			}
			mt := &Meeting{Name: m[0], Term: int(term), Number: int(num)}
			switch {
			case strings.HasPrefix(m[3], "主席"):
				mt.Kind = "chair"
			case strings.Contains(m[3], "常") || strings.Contains(m[0], "常委会第"):
				mt.Kind = "standing"
			default:
				mt.Kind = "plenary"
			}
			return mt
		}
		if m := reMeetingLong.FindStringSubmatch(s); m != nil {
			term, ok1 := Numeral(m[1])
			num, ok2 := Numeral(m[3])
			if !ok1 || !ok2 || term > 100 || num > 1000 {
				continue
			}
			mt := &Meeting{Name: m[0], Term: int(term), Number: int(num), Kind: "plenary"}
			if m[2] != "" {
				mt.Kind = "standing"
			}
			return mt
		}
	}
	return nil
}

// ---- byline ----

var (
	reLeadByline  = regexp.MustCompile(`^(?:(?:本报|新华社|本刊|中新社)\p{Han}{0,6}?(?:\d{1,2}月\d{1,2}日)?(?:讯|电)|\d{1,2}月\d{1,2}日(?:讯|电))\s*[(（]([^)）]{2,60})[)）]`)
	reTrailParen  = regexp.MustCompile(`\s*[(（]\s*((?:(?:本报)?(?:记者|通讯员)\s*)?[\p{Han}·]{2,4}(?:[\s、,，/]+(?:(?:本报)?(?:记者|通讯员)\s*)?[\p{Han}·]{2,4})*)\s*[)）]$`)
	reInlineRoles = regexp.MustCompile(`^(?:本报)?(?:记者|通讯员)`)
)

// leadByline returns the names in a dateline's parenthesis:
// "本报聊城5月27日讯(记者李军)" → 李军.
func leadByline(lead string) []string {
	if m := reLeadByline.FindStringSubmatch(lead); m != nil && reInlineRoles.MatchString(strings.TrimSpace(m[1])) {
		return names(m[1])
	}
	return nil
}

// ---- figures ----

const (
	num  = `(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)`
	more = `(?:余|多)?`
	few  = `\p{Han}{0,6}?`
)

type figRule struct {
	fig string
	re  *regexp.Regexp
}

var figRules = []figRule{
	{FigMembersExpected, regexp.MustCompile(`应到(?:会)?(?:委员|常委|会议成员|成员)?` + num + `(?:人|名)`)},
	{FigMembersPresent, regexp.MustCompile(`实到(?:会)?(?:委员|常委|会议成员|成员)?` + num + `(?:人|名)`)},
	{FigCompaniesVisited, regexp.MustCompile(`(?:走访|深入|走进|调研|服务)(?:了)?` + few + `企业` + num + more + `家|(?:走访|深入|走进|调研|服务)(?:了)?` + few + num + more + `家` + few + `企业`)},
	{FigCommunitiesVisited, regexp.MustCompile(`(?:走访|深入|走进|调研)(?:了)?` + few + `社区` + num + more + `个|(?:走访|深入|走进|调研)(?:了)?` + few + num + more + `个` + few + `社区`)},
	{FigEnterprises, regexp.MustCompile(num + more + `家` + few + `企业|企业` + num + more + `家`)},
	{FigCadres, regexp.MustCompile(num + more + `名` + `\p{Han}{0,4}?干部|干部` + num + more + `(?:名|人)`)},
	{FigHouseholds, regexp.MustCompile(num + more + `户`)},
	{FigProblemsSolved, regexp.MustCompile(`(?:解决|办结|化解|整改)(?:了)?` + few + `(?:问题|难题|困难|诉求)` + num + more + `(?:个|件|条|项)|(?:解决|办结|化解|整改)(?:了)?` + num + more + `(?:个|件|条|项)` + `\p{Han}{0,4}?(?:问题|难题|困难|诉求)|` + num + more + `(?:个|件|条|项)` + `\p{Han}{0,4}?(?:问题|难题|困难|诉求)(?:已)?(?:全部)?(?:得到)?(?:解决|办结|整改)|(?:解决|办结|化解|整改)(?:了|完成)?` + num + more + `(?:个|件|条|项)`)},
	{FigProblemsRaised, regexp.MustCompile(`(?:发现|收集|梳理|提出|征集|排查|反映|查找|汇总)(?:出|了)?` + few + `问题` + num + more + `(?:个|件|条|项)|(?:发现|收集|梳理|提出|征集|排查|反映|查找|汇总)(?:出|了)?` + num + more + `(?:个|件|条|项)` + `\p{Han}{0,6}?(?:问题|建议|意见)|(?:收集|征集|梳理|反映|提出)(?:出|了|到)?\p{Han}{0,4}?(?:意见建议|建议|诉求)` + num + more + `(?:个|件|条|项)`)},
	{FigAidValueYuan, regexp.MustCompile(`(?:价值|折合|总价值|共计|合计|资金|善款|款物|物资|捐款|捐赠|慰问金|出资|捐资|筹集|募集|投入)` + `\p{Han}{0,4}?` + num + more + `(万元|元)|` + num + more + `(万元|元)(?:的)?\p{Han}{0,2}?(?:物资|资金|善款|慰问金|款物|贷款|帮扶)`)},
	{FigPersons, regexp.MustCompile(num + more + `(?:人|名)`)},
}

// figures reads the figures the text states, the first of each; a count
// already read as another figure is not read again as persons or enterprises.
func figures(text string) map[string]int64 {
	out := map[string]int64{}
	var used [][2]int
	overlaps := func(a, b int) bool {
		for _, u := range used {
			if a < u[1] && u[0] < b {
				return true
			}
		}
		return false
	}
	for _, r := range figRules {
		for _, m := range r.re.FindAllStringSubmatchIndex(text, -1) {
			if overlaps(m[0], m[1]) {
				continue
			}
			n, unit := "", ""
			for g := 2; g+1 < len(m); g += 2 {
				if m[g] < 0 {
					continue
				}
				v := text[m[g]:m[g+1]]
				if v == "万元" || v == "元" {
					unit = v
				} else if n == "" {
					n = v
				}
			}
			v, ok := figValue(n, unit)
			if !ok {
				continue
			}
			if r.fig == FigPersons && !personsCount(text, m[0], m[1]) {
				continue
			}
			used = append(used, [2]int{m[0], m[1]})
			if _, seen := out[r.fig]; !seen {
				out[r.fig] = v
			}
		}
	}
	return out
}

// personsCount rejects "人次", the people elected ("选举11名政协委员为常委")
// and the attendance after 应到/实到.
func personsCount(text string, a, b int) bool {
	if strings.HasPrefix(text[b:], "次") {
		return false
	}
	before := text[:a]
	if i := len(before) - 18; i > 0 {
		for i < len(before) && !utf8.RuneStart(before[i]) {
			i++
		}
		before = before[i:]
	}
	for _, w := range []string{"应到", "实到", "选举", "补选", "增补", "当选"} {
		if strings.Contains(before, w) {
			return false
		}
	}
	return true
}

func figValue(n, unit string) (int64, bool) {
	if n == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(n, 64); err == nil {
		if unit == "万元" {
			f *= 10000
		}
		if f < 0 || f > 1e15 {
			return 0, false
		}
		return int64(math.Round(f)), f > 0
	}
	// Chinese numerals: not "万户" (千家万户), not "一户" (一户一策).
	if r, _ := utf8.DecodeRuneInString(n); !strings.ContainsRune("二两三四五六七八九十一", r) {
		return 0, false
	}
	v, ok := Numeral(n)
	if !ok || v < 2 {
		return 0, false
	}
	if unit == "万元" {
		v *= 10000
	}
	return v, true
}
