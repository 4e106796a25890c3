package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// The demo world's people are invented: a surname drawn with roughly the
// weights of common Chinese surnames, a one- or two-character given name from
// characters usual for the person's gender. Everything is drawn from a
// generator with a fixed seed, so two loads give the same people.

// surnames are common surnames, the most frequent repeated to weight the draw.
var surnames = []string{
	"王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "刘", "陈", "陈",
	"杨", "杨", "赵", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
	"郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹",
	"袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁",
	"魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
	"范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔",
	"康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "万", "段", "钱", "汤",
	"尹", "常", "武", "乔", "贺", "龚", "文", "庞", "樊", "兰", "殷", "施", "陶", "洪",
	"翟", "安", "颜", "倪", "严", "牛", "温", "芦", "季", "俞", "章", "鲁", "葛", "韦",
	"申", "尤", "毕", "聂", "焦", "向", "柳", "邢", "岳", "齐", "梅", "莫", "庄", "辛",
	"管", "祝", "左", "涂", "谷", "祁", "时", "舒", "耿", "牟", "卜", "詹", "关", "苗",
	"凌", "费", "纪", "靳", "盛", "童", "欧阳", "司马", "上官",
}

var maleChars = []rune("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘")

var femaleChars = []rune("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱霞香月莺媛艳瑞佳嘉琼勤珍莉桂叶璐娅琦晶妍茜秋珊莎锦黛青倩婷婉娴瑾颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚苑婕馨琰韵艺咏卿澜纯毓悦昭冰爽琬茗羽希宁欣滢馥筠柔竹凝晓欢枫芸菲伊亚宜可舒影丽阳妮初晴容睿雯萱彦宇雨曼紫逸贤蝶菡蓝")

// namer draws invented names and identity numbers.
type namer struct {
	rng  *rand.Rand
	ids  map[string]bool // identity numbers used in this committee
	nPho int             // phone numbers handed out
}

func newNamer(seed uint64) *namer {
	return &namer{rng: rand.New(rand.NewPCG(seed, 0x5849455348414e47)), ids: map[string]bool{}}
}

// pick returns one element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// name returns an invented full name for a person of the given gender.
func (n *namer) name(gender string) string {
	chars := maleChars
	if gender == "女" {
		chars = femaleChars
	}
	var b strings.Builder
	b.WriteString(pick(n.rng, surnames))
	b.WriteRune(pick(n.rng, chars))
	if n.rng.IntN(100) < 70 { // most given names have two characters
		b.WriteRune(pick(n.rng, chars))
	}
	return b.String()
}

// gender returns 女 with probability femalePct percent.
func (n *namer) gender(femalePct int) string {
	if n.rng.IntN(100) < femalePct {
		return "女"
	}
	return "男"
}

// birth returns a birth date between the given years (inclusive).
func (n *namer) birth(fromYear, toYear int) app.Date {
	y := fromYear + n.rng.IntN(toYear-fromYear+1)
	m := 1 + n.rng.IntN(12)
	d := 1 + n.rng.IntN(28)
	return app.MustDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

// idNumber returns a valid identity number for the area, birth date and
// gender that no other person of this committee has.
func (n *namer) idNumber(area string, birth app.Date, gender string) string {
	for {
		seq := n.rng.IntN(1000)
		if (seq%2 == 1) != (gender == "男") { // the 17th digit is odd for men
			seq = (seq + 1) % 1000
		}
		id := member.MakeIDNumber(area, birth, seq)
		if !n.ids[id] {
			n.ids[id] = true
			return id
		}
	}
}

// phone returns a mobile number that is plainly not real: 139-0000-xxxx,
// 150-0000-xxxx, 186-0000-xxxx, with base offsetting committees.
func (n *namer) phone(base int) string {
	i := base + n.nPho
	n.nPho++
	prefix := []string{"139", "150", "186", "137", "158", "188"}[i/10000%6]
	return fmt.Sprintf("%s0000%04d", prefix, i%10000)
}

// education draws a level of education.
func (n *namer) education() string {
	switch x := n.rng.IntN(100); {
	case x < 10:
		return "博士研究生"
	case x < 38:
		return "硕士研究生"
	case x < 85:
		return "大学本科"
	default:
		return "大专"
	}
}

// ethnicity is 汉族 for most, a minority for the 少数民族界.
func (n *namer) ethnicity(minority bool) string {
	if minority {
		return pick(n.rng, []string{"回族", "满族", "蒙古族", "壮族", "朝鲜族", "土家族"})
	}
	if n.rng.IntN(100) < 3 {
		return pick(n.rng, []string{"回族", "满族"})
	}
	return "汉族"
}

// Place names: invented, built from roots usual in the North China plain.
var villageRoots = []string{
	"王庄", "李庄", "张楼", "刘集", "陈营", "杨店", "赵屯", "孙洼", "周寨", "吴桥",
	"郑庄", "马店", "朱楼", "胡集", "高营", "林屯", "何洼", "罗寨", "梁庄", "宋楼",
	"后屯", "前营", "东关", "西关", "南坡", "北坡", "小河", "大河", "柳园", "桃园",
	"杏林", "枣林", "石桥", "土桥", "沙窝", "黄岗", "白庙", "红庙", "河湾", "新庄",
	"老庄", "双井", "三里铺", "五里堡", "八里屯", "十里铺", "龙王庙", "孙家洼", "常家岭", "魏家集",
	"韩庄", "冯楼", "曹营", "袁店", "邓集", "许屯", "贾寨", "丁庄", "潘楼", "姜店",
}

var communityRoots = []string{
	"湖滨", "文昌", "新华", "建设", "幸福", "和平", "阳光", "锦绣", "丽景", "书香",
	"翠园", "花园", "滨河", "东城", "西苑", "南苑", "北苑", "民主", "光明", "振兴",
	"望湖", "育才", "府前", "健康", "柳岸", "金桥", "明珠", "朝阳", "永安", "清风",
}

// places returns k distinct names from roots with the suffix.
func (n *namer) places(roots []string, k int, suffix string) []string {
	perm := n.rng.Perm(len(roots))
	out := make([]string, k)
	for i := range out {
		out[i] = roots[perm[i%len(perm)]] + suffix
	}
	return out
}

// Workplaces and posts (工作单位及职务), by sector. {L} is a place (明湖市,
// 东岭县), {T} a township, {V} a village, {C} the committee, {CO} a company,
// {COOP} a co-operative.
var sectorJobs = map[string][]string{
	"中国共产党": {"中共{L}委办公室副主任", "中共{L}委宣传部副部长", "中共{L}委统战部副部长", "{L}发展和改革委员会主任",
		"{L}财政局局长", "{L}教育局局长", "{L}人民法院副院长", "{L}人民检察院副检察长", "{L}自然资源和规划局局长",
		"{L}住房和城乡建设局局长", "{L}农业农村局局长", "{L}卫生健康委员会主任", "{L}民政局局长",
		"{L}生态环境局副局长", "{L}文化和旅游局局长", "{L}商务局局长", "中共{T}委员会书记", "{T}人民政府镇长"},
	"共青团":   {"共青团{L}委书记", "共青团{L}委副书记", "{L}青年企业家协会会长", "{L}第三中学团委书记", "{L}青少年宫主任"},
	"工会":    {"{L}总工会副主席", "{CO}工会主席", "国网{L}供电公司工会主席", "{L}公共交通集团驾驶员", "{L}总工会女职工委员会主任"},
	"妇联":    {"{L}妇女联合会副主席", "{L}巾帼家政服务有限公司总经理", "{L}妇幼保健院副院长", "{T}妇联主席", "{L}女企业家协会会长"},
	"工商联":   {"{L}工商业联合会副主席", "{CO}董事长", "{CO}总经理", "{L}温州商会会长", "{CO}董事长兼总经理"},
	"科协":    {"{L}科学技术协会副主席", "{L}农业科学研究院研究员", "明湖学院教授", "{L}气象局高级工程师"},
	"台联":    {"{L}台湾同胞联谊会会长", "{L}台资企业协会秘书长", "{L}人民医院副主任医师"},
	"文化艺术界": {"{L}文学艺术界联合会副主席", "{L}书法家协会主席", "{L}美术家协会副主席", "明湖市吕剧院院长", "{L}文化馆馆长", "{L}作家协会副主席", "{L}博物馆馆长"},
	"科学技术界": {"明湖学院教授", "{L}农业科学研究院副院长", "{CO}总工程师", "{L}计量测试所所长", "明湖职业技术学院副教授"},
	"社会科学界": {"明湖学院马克思主义学院院长", "{L}社会科学界联合会副主席", "中共{L}委党校教授", "{L}地方史志研究院副院长", "明湖学院法学院副教授"},
	"经济界": {"明湖农商银行行长", "明湖农商银行{L}支行行长", "中国工商银行{L}分行副行长", "{CO}董事长", "{CO}总经理",
		"{L}城市建设投资集团有限公司总经理", "{L}统计局副局长", "{L}正信会计师事务所所长", "国家税务总局{L}税务局副局长"},
	"农业界":   {"{T}{V}党支部书记", "{L}{COOP}理事长", "{L}农业农村局副局长", "{L}畜牧兽医事业发展中心主任", "{CO}董事长", "{T}农业综合服务中心主任"},
	"教育界":   {"{L}第一中学校长", "{L}实验中学副校长", "{L}实验小学校长", "明湖学院副院长", "{L}职业教育中心学校校长", "{L}第二中学高级教师", "{L}特殊教育学校校长", "{L}机关幼儿园园长"},
	"体育界":   {"{L}体育运动学校校长", "{L}全民健身中心主任", "{L}体育总会副主席", "{L}武术协会会长"},
	"新闻出版界": {"明湖日报社副总编辑", "{L}融媒体中心主任", "明湖广播电视台副台长", "{L}新华书店经理"},
	"医药卫生界": {"{L}人民医院院长", "{L}人民医院副院长", "{L}中医医院主任医师", "{L}妇幼保健院院长", "{L}疾病预防控制中心主任",
		"{T}卫生院院长", "{L}第二人民医院副主任医师"},
	"对外友好界":      {"{L}人民对外友好协会秘书长", "{L}外事办公室副主任", "{CO}进出口部经理"},
	"社会福利和社会保障界": {"{L}人力资源和社会保障局副局长", "{L}医疗保障局局长", "{L}社会福利院院长", "{L}残疾人联合会理事长", "{L}慈善总会副会长", "{L}退役军人事务局副局长"},
	"少数民族界":      {"{L}民族宗教事务局副局长", "{L}回民小学校长", "{CO}董事长", "{T}{V}党支部书记"},
	"宗教界":        {"{L}佛教协会会长", "{L}伊斯兰教协会副会长", "{L}基督教两会主席", "{L}道教协会副会长", "{L}天主教爱国会副主任"},
	"特邀人士":       {"{L}人民政府副秘书长", "{L}公安局副局长", "{L}司法局局长", "{L}信访局局长", "{L}应急管理局局长", "{L}审计局局长"},
}

// professions are the posts of members whose sector is a party or the non-party people.
var professions = []string{"明湖学院教授", "{L}人民医院主任医师", "{L}第一中学高级教师", "{L}天平律师事务所主任",
	"{L}建筑设计研究院高级工程师", "{L}中医医院副主任医师", "明湖学院副教授", "{L}规划设计研究院院长", "{CO}总经理",
	"{L}正信会计师事务所注册会计师", "{L}实验小学教师", "{L}档案馆副馆长", "{L}人民医院护理部主任", "{L}市场监督管理局副局长"}

// partyNames are the democratic parties' short names, as sectors and in posts.
var partyNames = map[string]string{"民革": "民革党员", "民盟": "民盟盟员", "民建": "民建会员", "民进": "民进会员",
	"农工党": "农工党党员", "致公党": "致公党党员", "九三学社": "九三学社社员"}

// party returns the political affiliation (政治面貌) of a member of sector.
func party(n *namer, sector string) string {
	if p, ok := partyNames[sector]; ok {
		return p
	}
	switch sector {
	case "中国共产党", "特邀人士":
		return "中共党员"
	case "无党派人士":
		return "无党派人士"
	case "共青团":
		if n.rng.IntN(100) < 70 {
			return "中共党员"
		}
		return "共青团员"
	}
	switch x := n.rng.IntN(100); {
	case x < 45:
		return "中共党员"
	case x < 80:
		return "群众"
	case x < 90:
		return "无党派人士"
	default:
		return pick(n.rng, []string{"民革党员", "民盟盟员", "民建会员", "民进会员", "九三学社社员"})
	}
}

var companyRoots = []string{"恒达", "鑫源", "华泰", "宏远", "金穗", "瑞丰", "永盛", "博远", "天成", "汇通", "润泽", "鲁湖", "众诚", "新源", "昌隆"}
var companyKinds = []string{"建设集团有限公司", "食品有限公司", "纺织有限公司", "机械制造有限公司", "农业科技有限公司",
	"物流有限公司", "置业有限公司", "新材料股份有限公司", "医药有限公司", "电子科技有限公司"}
var coops = []string{"绿源果蔬种植专业合作社", "丰收粮食种植专业合作社", "金穗小麦种植专业合作社", "湖畔水产养殖专业合作社", "富民食用菌专业合作社"}

// jobMaker fills the post templates for one committee.
type jobMaker struct {
	n                       *namer
	committee, place, short string
	others, towns           []string
}

// job draws a post for a member of sector.
func (j jobMaker) job(sector string) string {
	list, ok := sectorJobs[sector]
	if !ok {
		list = professions
	}
	s := j.expand(pick(j.n.rng, list))
	if _, isParty := partyNames[sector]; isParty && j.n.rng.IntN(100) < 20 {
		post := pick(j.n.rng, []string{"委副主委", "委秘书长", "委常委"})
		s = sector + j.placeName() + post + "、" + s
	}
	return s
}

// placeName is mostly the committee's own place, sometimes another.
func (j jobMaker) placeName() string {
	if len(j.others) > 0 && j.n.rng.IntN(100) < 25 {
		return pick(j.n.rng, j.others)
	}
	return j.place
}

// home is the same maker drawing only the committee's own place, for the
// posts of leaders ("{C}副主席、民盟{L}委主委").
func (j jobMaker) home() jobMaker {
	j.others = nil
	return j
}

// expand fills a template; each {L} draws a place once per template.
func (j jobMaker) expand(t string) string {
	r := j.n.rng
	loc := j.placeName()
	short := j.short
	if loc != j.place {
		short = string([]rune(loc)[:2])
	}
	repl := strings.NewReplacer(
		"{C}", j.committee,
		"{L}", loc,
		"{T}", pick(r, j.towns),
		"{V}", pick(r, villageRoots)+"村",
		"{CO}", short+pick(r, companyRoots)+pick(r, companyKinds),
		"{COOP}", pick(r, coops),
	)
	return repl.Replace(t)
}

// specialCommittee assigns most members to the special committee that fits
// their sector, some to another, a few to none.
func (j jobMaker) specialCommittee(sector string) string {
	x := j.n.rng.IntN(100)
	switch {
	case x < 20:
		return ""
	case x < 75:
		if c, ok := sectorCommittee[sector]; ok {
			return c
		}
	}
	return pick(j.n.rng, org.DefaultSpecialCommittees)
}

var sectorCommittee = map[string]string{
	"经济界": "经济委员会", "工商联": "经济委员会", "农业界": "农业和农村委员会",
	"教育界": "教科卫体委员会", "医药卫生界": "教科卫体委员会", "体育界": "教科卫体委员会",
	"科学技术界": "教科卫体委员会", "科协": "教科卫体委员会",
	"宗教界": "民族宗教委员会", "少数民族界": "民族宗教委员会",
	"台联": "港澳台侨和外事委员会", "对外友好界": "港澳台侨和外事委员会",
	"文化艺术界": "文化文史和学习委员会", "新闻出版界": "文化文史和学习委员会", "社会科学界": "文化文史和学习委员会",
	"社会福利和社会保障界": "社会和法制委员会", "特邀人士": "社会和法制委员会", "妇联": "社会和法制委员会",
	"中国共产党": "提案委员会",
}
