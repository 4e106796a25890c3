// Package chart draws small charts as inline SVG for server-rendered pages:
// vertical and horizontal bars, lines and stacked bars from labelled
// series. The charts are accessible on their own — role="img" with a
// <title> and <desc>, every value written as text beside its mark, each
// series told apart by a hatch pattern as well as a colour and named in a
// legend — and the page shows the same data as a table beside them.
//
// Colours are presentation attributes (fill="…"), never style="…", so the
// charts pass a Content-Security-Policy without 'unsafe-inline'. Every
// piece of text is XML-escaped. No dependencies beyond the standard
// library; the output is deterministic.
package chart

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
)

// Series is one named run of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what to draw: labels along one axis, one or more series of
// values, a title and a description for assistive technology.
type Chart struct {
	ID     string // unique on the page: the prefix of the patterns' ids
	Title  string
	Desc   string // a sentence saying what the chart shows; the title's when empty
	Labels []string
	Series []Series
	Unit   string // appended to values in the labels ("%", "个")
}

// The palette: a colour and a pattern per series, so that colour never
// carries meaning alone.
var (
	colours  = []string{"#1f5aa6", "#c0392b", "#2e8b57", "#b7791f", "#6b4fa0", "#4a5568"}
	patterns = []string{"solid", "diag", "dots", "cross", "horiz", "vert"}
)

const (
	width  = 640
	height = 320
	pad    = 40
	font   = `font-family="sans-serif" font-size="12"`
)

// Value formats a value as the labels print it: integers without a
// decimal point, others to one decimal.
func Value(v float64, unit string) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10) + unit
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + unit
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

func (c Chart) value(si, i int) float64 {
	if si >= len(c.Series) || i >= len(c.Series[si].Values) {
		return 0
	}
	v := c.Series[si].Values[i]
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// max is the largest value drawn (the largest stack when stacked), at least 1.
func (c Chart) max(stacked bool) float64 {
	m := 0.0
	for i := range c.Labels {
		sum := 0.0
		for si := range c.Series {
			v := c.value(si, i)
			if stacked {
				sum += v
			} else {
				m = math.Max(m, v)
			}
		}
		m = math.Max(m, sum)
	}
	if m <= 0 {
		return 1
	}
	return m
}

func (c Chart) fill(si int) string {
	if patterns[si%len(patterns)] == "solid" {
		return colours[si%len(colours)]
	}
	return "url(#" + esc(c.ID) + "-p" + strconv.Itoa(si) + ")"
}

// open writes the svg element, its title and desc, and the patterns.
func (c Chart) open(b *strings.Builder, h int) {
	id := esc(c.ID)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ` +
		strconv.Itoa(width) + " " + strconv.Itoa(h) + `" aria-labelledby="` + id + `-t ` + id + `-d">`)
	desc := c.Desc
	if desc == "" {
		desc = c.Title
	}
	b.WriteString(`<title id="` + id + `-t">` + esc(c.Title) + `</title><desc id="` + id + `-d">` + esc(desc) + `</desc><defs>`)
	for si := range c.Series {
		col := colours[si%len(colours)]
		p := `<pattern id="` + id + "-p" + strconv.Itoa(si) + `" width="8" height="8" patternUnits="userSpaceOnUse">` +
			`<rect width="8" height="8" fill="` + col + `" fill-opacity="0.35"/>`
		switch patterns[si%len(patterns)] {
		case "diag":
			p += `<path d="M0,8 L8,0" stroke="` + col + `" stroke-width="2"/>`
		case "dots":
			p += `<circle cx="4" cy="4" r="2" fill="` + col + `"/>`
		case "cross":
			p += `<path d="M0,0 L8,8 M8,0 L0,8" stroke="` + col + `" stroke-width="1.5"/>`
		case "horiz":
			p += `<path d="M0,4 L8,4" stroke="` + col + `" stroke-width="2"/>`
		case "vert":
			p += `<path d="M4,0 L4,8" stroke="` + col + `" stroke-width="2"/>`
		}
		b.WriteString(p + `</pattern>`)
	}
	b.WriteString(`</defs>`)
}

// legend names the series with their swatches along the top.
func (c Chart) legend(b *strings.Builder) {
	if len(c.Series) < 2 {
		return
	}
	x := pad
	for si, s := range c.Series {
		b.WriteString(`<rect x="` + strconv.Itoa(x) + `" y="6" width="14" height="14" fill="` + c.fill(si) +
			`" stroke="` + colours[si%len(colours)] + `"/>`)
		b.WriteString(`<text x="` + strconv.Itoa(x+18) + `" y="18" ` + font + `>` + esc(s.Name) + `</text>`)
		x += 18 + 14*len([]rune(s.Name)) + 16
	}
}

func empty(c Chart, b *strings.Builder) bool {
	if len(c.Labels) > 0 && len(c.Series) > 0 {
		return false
	}
	b.WriteString(`<text x="` + strconv.Itoa(width/2) + `" y="` + strconv.Itoa(height/2) + `" text-anchor="middle" ` + font + `>暂无数据</text></svg>`)
	return true
}

// Bar draws vertical bars, grouped by label when there are several series.
func Bar(c Chart) string { return c.bars(false) }

// Stacked draws vertical bars with the series stacked on each label, each
// segment labelled with its value and the stack with its total.
func Stacked(c Chart) string { return c.bars(true) }

func (c Chart) bars(stacked bool) string {
	var b strings.Builder
	c.open(&b, height)
	if empty(c, &b) {
		return b.String()
	}
	c.legend(&b)
	top, bottom := float64(pad), float64(height-pad)
	plot := bottom - top
	m := c.max(stacked)
	slot := float64(width-2*pad) / float64(len(c.Labels))
	groups := len(c.Series)
	if stacked {
		groups = 1
	}
	bw := slot * 0.7 / float64(groups)
	b.WriteString(`<line x1="` + strconv.Itoa(pad) + `" y1="` + num(bottom) + `" x2="` + strconv.Itoa(width-pad) +
		`" y2="` + num(bottom) + `" stroke="#333"/>`)
	for i, label := range c.Labels {
		x0 := float64(pad) + slot*float64(i) + slot*0.15
		y := bottom
		total := 0.0
		for si, s := range c.Series {
			v := c.value(si, i)
			h := plot * v / m
			x := x0
			if !stacked {
				x = x0 + bw*float64(si)
				y = bottom
			}
			y -= h
			b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(bw) + `" height="` + num(h) +
				`" fill="` + c.fill(si) + `" stroke="` + colours[si%len(colours)] + `"><title>` +
				esc(label+" "+s.Name+"："+Value(v, c.Unit)) + `</title></rect>`)
			total += v
			switch {
			case !stacked:
				b.WriteString(`<text x="` + num(x+bw/2) + `" y="` + num(y-4) + `" text-anchor="middle" ` + font + `>` +
					esc(Value(v, c.Unit)) + `</text>`)
			case h >= 14 && v > 0:
				b.WriteString(`<text x="` + num(x+bw/2) + `" y="` + num(y+h/2+4) + `" text-anchor="middle" ` + font + `>` +
					esc(Value(v, c.Unit)) + `</text>`)
			}
		}
		if stacked {
			b.WriteString(`<text x="` + num(x0+bw/2) + `" y="` + num(y-4) + `" text-anchor="middle" font-weight="bold" ` + font + `>` +
				esc(Value(total, c.Unit)) + `</text>`)
		}
		b.WriteString(`<text x="` + num(x0+bw*float64(groups)/2) + `" y="` + num(bottom+16) + `" text-anchor="middle" ` + font + `>` +
			esc(label) + `</text>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// HBar draws horizontal bars, one row per label (the first series; further
// series as thinner bars under it), for long labels such as organisations.
func HBar(c Chart) string {
	row := 28.0 + 10*float64(max(len(c.Series)-1, 0))
	h := int(2*pad + row*float64(max(len(c.Labels), 1)))
	var b strings.Builder
	c.open(&b, h)
	if empty(c, &b) {
		return b.String()
	}
	c.legend(&b)
	left := 160.0
	plot := float64(width) - left - 2*pad
	m := c.max(false)
	bh := (row - 6) / float64(len(c.Series))
	for i, label := range c.Labels {
		y0 := float64(pad) + row*float64(i)
		b.WriteString(`<text x="` + num(left-6) + `" y="` + num(y0+row/2) + `" text-anchor="end" ` + font + `>` + esc(label) + `</text>`)
		for si, s := range c.Series {
			v := c.value(si, i)
			w := plot * v / m
			y := y0 + bh*float64(si)
			b.WriteString(`<rect x="` + num(left) + `" y="` + num(y) + `" width="` + num(w) + `" height="` + num(bh) +
				`" fill="` + c.fill(si) + `" stroke="` + colours[si%len(colours)] + `"><title>` +
				esc(label+" "+s.Name+"："+Value(v, c.Unit)) + `</title></rect>`)
			b.WriteString(`<text x="` + num(left+w+4) + `" y="` + num(y+bh/2+4) + `" ` + font + `>` + esc(Value(v, c.Unit)) + `</text>`)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Line draws each series as a line with a marker and its value at every
// label; the markers differ in shape as well as colour.
func Line(c Chart) string {
	var b strings.Builder
	c.open(&b, height)
	if empty(c, &b) {
		return b.String()
	}
	c.legend(&b)
	top, bottom := float64(pad), float64(height-pad)
	plot := bottom - top
	m := c.max(false)
	step := float64(width-2*pad) / float64(max(len(c.Labels), 1))
	b.WriteString(`<line x1="` + strconv.Itoa(pad) + `" y1="` + num(bottom) + `" x2="` + strconv.Itoa(width-pad) +
		`" y2="` + num(bottom) + `" stroke="#333"/>`)
	for si, s := range c.Series {
		col := colours[si%len(colours)]
		var pts []string
		for i := range c.Labels {
			x := float64(pad) + step*(float64(i)+0.5)
			y := bottom - plot*c.value(si, i)/m
			pts = append(pts, num(x)+","+num(y))
		}
		dash := ""
		if si%2 == 1 {
			dash = ` stroke-dasharray="6 3"`
		}
		b.WriteString(`<polyline points="` + strings.Join(pts, " ") + `" fill="none" stroke="` + col + `" stroke-width="2"` + dash + `/>`)
		for i, label := range c.Labels {
			v := c.value(si, i)
			x := float64(pad) + step*(float64(i)+0.5)
			y := bottom - plot*v/m
			tip := `<title>` + esc(label+" "+s.Name+"："+Value(v, c.Unit)) + `</title>`
			if si%2 == 0 {
				b.WriteString(`<circle cx="` + num(x) + `" cy="` + num(y) + `" r="4" fill="` + col + `">` + tip + `</circle>`)
			} else {
				b.WriteString(`<rect x="` + num(x-4) + `" y="` + num(y-4) + `" width="8" height="8" fill="` + col + `">` + tip + `</rect>`)
			}
			b.WriteString(`<text x="` + num(x) + `" y="` + num(y-8) + `" text-anchor="middle" ` + font + `>` + esc(Value(v, c.Unit)) + `</text>`)
		}
	}
	for i, label := range c.Labels {
		x := float64(pad) + step*(float64(i)+0.5)
		b.WriteString(`<text x="` + num(x) + `" y="` + num(bottom+16) + `" text-anchor="middle" ` + font + `>` + esc(label) + `</text>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
