package chart

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// wellFormed parses the SVG with encoding/xml and returns its elements.
func wellFormed(t *testing.T, svg string) []xml.StartElement {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []xml.StartElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			out = append(out, se)
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func heights(t *testing.T, els []xml.StartElement, dim string) []float64 {
	var hs []float64
	for _, e := range els {
		if e.Name.Local == "rect" && strings.HasPrefix(attr(e, "fill"), "#") || e.Name.Local == "rect" && strings.HasPrefix(attr(e, "fill"), "url(") {
			if attr(e, "x") == "" { // the patterns' backgrounds
				continue
			}
			h, err := strconv.ParseFloat(attr(e, dim), 64)
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
		}
	}
	return hs
}

func TestCharts(t *testing.T) {
	c := Chart{ID: "m", Title: "会议 <次数>", Desc: "各类会议召开次数", Labels: []string{"全体会议", "常委会会议", "主席会议"},
		Series: []Series{{Name: "次数", Values: []float64{1, 4, 10}}}}
	for name, draw := range map[string]func(Chart) string{"bar": Bar, "hbar": HBar, "line": Line, "stacked": Stacked} {
		t.Run(name, func(t *testing.T) {
			svg := draw(c)
			els := wellFormed(t, svg)
			if els[0].Name.Local != "svg" || attr(els[0], "role") != "img" || attr(els[0], "viewBox") == "" {
				t.Fatalf("svg element: %v", els[0])
			}
			for _, want := range []string{"<title id=\"m-t\">会议 &lt;次数&gt;</title>", "<desc id=\"m-d\">各类会议召开次数</desc>",
				"全体会议", "常委会会议", "主席会议", ">1<", ">4<", ">10<"} {
				if !strings.Contains(svg, want) {
					t.Errorf("missing %q in\n%s", want, svg)
				}
			}
			if strings.Contains(svg, "style=") {
				t.Error("inline style attribute (CSP)")
			}
		})
	}
}

func TestBarHeightsProportional(t *testing.T) {
	c := Chart{ID: "b", Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Name: "n", Values: []float64{1, 4, 10}}}}
	hs := heights(t, wellFormed(t, Bar(c)), "height")
	if len(hs) != 3 {
		t.Fatalf("bars %v", hs)
	}
	for i, v := range []float64{1, 4, 10} {
		if got, want := hs[i]/hs[2], v/10; got < want-0.01 || got > want+0.01 {
			t.Errorf("bar %d: %.3f of the tallest, want %.3f", i, got, want)
		}
	}
	ws := heights(t, wellFormed(t, HBar(c)), "width")
	if len(ws) != 3 || ws[0]*10 < ws[2]-0.5 || ws[0]*10 > ws[2]+0.5 {
		t.Errorf("hbar widths %v", ws)
	}
}

func TestStackedAndSeries(t *testing.T) {
	c := Chart{ID: "s", Title: "议题", Labels: []string{"市", "县"}, Unit: "个",
		Series: []Series{{Name: "协商中", Values: []float64{3, 1}}, {Name: "已反馈", Values: []float64{2, 5}}}}
	svg := Stacked(c)
	els := wellFormed(t, svg)
	// totals over each stack, the legend names, a pattern for the second series
	for _, want := range []string{">5个<", ">6个<", "协商中", "已反馈", `fill="url(#s-p1)"`, `<pattern id="s-p1"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %q", want)
		}
	}
	hs := heights(t, els, "height")
	// legend swatches (2) then the four segments
	if len(hs) != 6 || (hs[2]+hs[3])*6 < (hs[4]+hs[5])*5-1 || (hs[2]+hs[3])*6 > (hs[4]+hs[5])*5+1 {
		t.Errorf("stacks of 5 and 6 should stand 5:6: %v", hs)
	}
	wellFormed(t, Line(c))
	wellFormed(t, Bar(c))
}

func TestEmptyAndEscaping(t *testing.T) {
	svg := Bar(Chart{ID: "e", Title: "空"})
	wellFormed(t, svg)
	if !strings.Contains(svg, "暂无数据") {
		t.Error(svg)
	}
	svg = HBar(Chart{ID: `x"&`, Title: "<script>", Labels: []string{`a&b<c>"`}, Series: []Series{{Name: "n", Values: []float64{2.26}}}})
	wellFormed(t, svg)
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "2.3") {
		t.Error(svg)
	}
}

func TestValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{{1, "", "1"}, {92.34, "%", "92.3%"}, {0, "个", "0个"}, {100, "%", "100%"}} {
		if got := Value(c.v, c.unit); got != c.want {
			t.Errorf("Value(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
