package proposal

import (
	"slices"
	"strings"
	"testing"

	"xieshang/internal/app"
)

func TestReportNext(t *testing.T) {
	for _, tc := range []struct {
		from   string
		action ReportAction
		to     string // "" when refused
		msg    string // part of the refusal
	}{
		{ReportSubmitted, ReportEdit, ReportEditing, ""},
		{ReportEditing, ReportEdit, ReportEditing, ""},
		{ReportSubmitted, ReportAbsorb, ReportEditing, ""},
		{ReportEditing, ReportMergeIn, ReportMerged, ""},
		{ReportSubmitted, ReportForward, ReportForwarded, ""},
		{ReportSubmitted, ReportAdopt, ReportAdopted, ""}, // the committee's own publication adopts it
		{ReportForwarded, ReportAdopt, ReportAdopted, ""},
		{ReportAdopted, ReportForward, ReportAdopted, ""}, // on to a higher body: stays adopted
		{ReportAdopted, ReportAdopt, ReportAdopted, ""},   // adopted higher up too
		{ReportForwarded, ReportForward, ReportForwarded, ""},
		{ReportEditing, ReportDecline, ReportNotAdopted, ""},
		{ReportForwarded, ReportDecline, ReportNotAdopted, ""},
		{ReportForwarded, ReportEdit, "", "已转送上级，不能再编辑"},
		{ReportAdopted, ReportEdit, "", "已采用，不能再编辑"},
		{ReportAdopted, ReportMergeIn, "", "已采用，不能再并入"},
		{ReportAdopted, ReportDecline, "", "已采用，不能再登记为未采用"},
		{ReportMerged, ReportAdopt, "", "已合并到其他信息"},
		{ReportMerged, ReportEdit, "", "已合并到其他信息"},
		{ReportNotAdopted, ReportAdopt, "", "已不予采用"},
		{ReportNotAdopted, ReportForward, "", "已不予采用"},
		{"", ReportEdit, "", "不能"},
	} {
		to, err := ReportNext(tc.from, tc.action)
		if tc.to != "" {
			if err != nil || to != tc.to {
				t.Errorf("%s --%s--> %q, %v; want %s", tc.from, tc.action, to, err, tc.to)
			}
			continue
		}
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(app.ErrorMessage(err), tc.msg) {
			t.Errorf("%s --%s--> %q, %v; want a conflict saying %q", tc.from, tc.action, to, err, tc.msg)
		}
	}
}

func TestReportStatesAndActions(t *testing.T) {
	for _, s := range ReportStates {
		if ReportStateLabel(s) == s {
			t.Errorf("state %s has no label", s)
		}
		if got := len(ReportActions(s)) == 0; got != ReportFinal(s) {
			t.Errorf("state %s: no actions = %v, final = %v", s, got, ReportFinal(s))
		}
	}
	if got := ReportActions(ReportAdopted); !slices.Equal(got, []ReportAction{ReportForward, ReportAdopt}) {
		t.Errorf("actions of adopted = %v", got)
	}
}

func TestReportTextValidate(t *testing.T) {
	ok := ReportText{Year: 2024, Title: "关于农村养老服务的建议", Body: "正文"}
	if errs := ok.Validate(); len(errs) > 0 {
		t.Fatalf("valid text refused: %v", errs)
	}
	for _, tc := range []struct {
		change func(*ReportText)
		field  string
		msg    string
	}{
		{func(r *ReportText) { r.Title = "" }, "title", "请填写信息标题"},
		{func(r *ReportText) { r.Title = strings.Repeat("题", 101) }, "title", "不能超过100个字"},
		{func(r *ReportText) { r.Body = " " }, "body", "请填写信息正文"},
		{func(r *ReportText) { r.Year = 1999 }, "year", "年度"},
		{func(r *ReportText) { r.Category = strings.Repeat("类", 21) }, "category", "类别"},
	} {
		r := ok
		tc.change(&r)
		r.Normalize()
		if got := r.Validate().Get(tc.field); !strings.Contains(got, tc.msg) || got == "" {
			t.Errorf("%+v: %s error %q, want %q", r, tc.field, got, tc.msg)
		}
	}
}

func TestAdoptionValidate(t *testing.T) {
	today := app.MustDate("2024-06-01")
	ok := Adoption{Level: City, AdoptedOn: app.MustDate("2024-05-20"), AdoptedBy: "市政协办公室《社情民意》第5期",
		Instruction: "请市民政局研究。", Leader: "王市长", InstructionOn: app.MustDate("2024-05-25")}
	if errs := ok.Validate(today); len(errs) > 0 {
		t.Fatalf("valid adoption refused: %v", errs)
	}
	label := Adoption{Level: "省级采用"}
	label.Normalize()
	if label.Level != Province {
		t.Errorf("label not parsed: %q", label.Level)
	}
	for _, tc := range []struct {
		change func(*Adoption)
		field  string
		msg    string
	}{
		{func(a *Adoption) { a.Level = "" }, "level", "请选择采用级别"},
		{func(a *Adoption) { a.Level = "village" }, "level", "请选择采用级别"},
		{func(a *Adoption) { a.AdoptedOn = app.Date{} }, "adopted_on", "请填写采用日期"},
		{func(a *Adoption) { a.AdoptedOn = app.MustDate("2024-06-02") }, "adopted_on", "不能晚于今天"},
		{func(a *Adoption) { a.AdoptedBy = "" }, "adopted_by", "请填写采用单位"},
		{func(a *Adoption) { a.Leader = "" }, "leader", "请填写作出批示的领导"},
		{func(a *Adoption) { a.Instruction = "" }, "instruction", "请填写批示内容"},
		{func(a *Adoption) { a.InstructionOn = app.MustDate("2024-05-01") }, "instruction_on", "不能早于采用日期"},
	} {
		a := ok
		tc.change(&a)
		if got := a.Validate(today).Get(tc.field); !strings.Contains(got, tc.msg) || got == "" {
			t.Errorf("%+v: %s error %q, want %q", a, tc.field, got, tc.msg)
		}
	}
	// No instruction at all is fine.
	plain := ok
	plain.Instruction, plain.Leader, plain.InstructionOn = "", "", app.Date{}
	if errs := plain.Validate(today); len(errs) > 0 {
		t.Errorf("adoption without instruction refused: %v", errs)
	}
}
