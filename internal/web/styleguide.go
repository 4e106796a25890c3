package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/chart"
	"xieshang/internal/web/view"
)

// styleGuideRoutes: the style guide, a page listing the platform's
// components drawn by the components the pages use (for whoever builds or
// reviews a page, and for offices checking the look before they adopt it).
func (s *Server) styleGuideRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/styleguide", Handle: s.styleGuide},
	}
}

// palette is app.css's :root colours, in the order the guide lists them.
var palette = []view.Swatch{
	{Name: "正文", Var: "--ink", Hex: "#1f2328", Use: "正文、表格文字", Class: "sg-ink"},
	{Name: "次要文字", Var: "--muted", Hex: "#5b636e", Use: "说明、来源、时间", Class: "sg-muted"},
	{Name: "政协红", Var: "--brand", Hex: "#9e1b1b", Use: "页头、主要按钮", Class: "sg-brand"},
	{Name: "链接", Var: "--link", Hex: "#1d4f91", Use: "链接、焦点框", Class: "sg-link"},
	{Name: "完成", Var: "--ok", Hex: "#1f6f3f", Use: "成功提示、已办结", Class: "sg-ok"},
	{Name: "提醒", Var: "--warn", Hex: "#8a5300", Use: "即将逾期", Class: "sg-warn"},
	{Name: "错误", Var: "--err", Hex: "#b42318", Use: "表单错误、已逾期", Class: "sg-err"},
	{Name: "分隔线", Var: "--line", Hex: "#d8dde3", Use: "边框（不用于文字）", Class: "sg-line"},
	{Name: "底色", Var: "--bg", Hex: "#f6f7f9", Use: "页面底色（不用于文字）", Class: "sg-bg"},
}

func (s *Server) styleGuide(w http.ResponseWriter, r *http.Request) error {
	d := view.StyleGuideView{
		Rows: [][2]string{{"聊城市政协", "419"}, {"东昌府区政协", "236"}, {"阳谷县政协", "218"}},
		Pager: view.Pager{Total: 120, Offset: 50, Limit: 50, Path: "/styleguide",
			Query: url.Values{}},
		Options: []view.Option{{Value: "", Label: "全部"}, {Value: "1", Label: "中共界"}, {Value: "2", Label: "经济界"}},
	}
	for _, sw := range palette {
		sw.Contrast = strconv.FormatFloat(contrastOnWhite(sw.Hex), 'f', 1, 64) + ":1"
		d.Swatches = append(d.Swatches, sw)
	}
	d.Errs.Add("sg_date", "不是有效的日期")
	vals := make([]float64, len(d.Rows))
	labels := make([]string, len(d.Rows))
	for i, row := range d.Rows {
		labels[i] = row[0]
		vals[i], _ = strconv.ParseFloat(row[1], 64)
	}
	d.Chart = chart.Bar(chart.Chart{ID: "sg-chart", Title: "各组织在职委员", Desc: "示例数据，见下表",
		Labels: labels, Series: []chart.Series{{Name: "在职委员", Values: vals}}, Unit: "人"})
	return render(w, r, http.StatusOK, view.StyleGuidePage(page(r, "界面规范", ""), d))
}

// contrastOnWhite is the WCAG contrast ratio of a #rrggbb colour on white.
func contrastOnWhite(hex string) float64 {
	lum := func(c uint64) float64 {
		v := float64(c) / 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	n, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		panic(app.Internal(err, "palette colour "+hex))
	}
	l := 0.2126*lum(n>>16) + 0.7152*lum(n>>8&0xff) + 0.0722*lum(n&0xff)
	return 1.05 / (l + 0.05)
}
