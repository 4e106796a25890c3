package consult

import (
	"strings"
	"testing"
)

func TestTopicGraphIsValid(t *testing.T) {
	g := TopicGraph()
	if errs := g.Validate(Roles, Requirements); len(errs) != 0 {
		t.Fatalf("built-in graph: %v", errs)
	}
	// The main path runs from collected to closed with rising progress.
	path := []string{Collected, Selected, Participants, Research, Consultation, Outcome, Sent, Feedback, Closed}
	for i := 1; i < len(path); i++ {
		if _, err := g.Check(path[i-1], path[i], "office"); err != nil {
			t.Errorf("%s → %s: %v", path[i-1], path[i], err)
		}
		if g.Progress(path[i]) <= g.Progress(path[i-1]) {
			t.Errorf("progress does not rise at %s", path[i])
		}
	}
	if _, err := g.Check(Collected, Closed, "office"); err == nil {
		t.Error("skipping to closed allowed")
	}
	if _, err := g.Check(Collected, Selected, "unit"); err == nil {
		t.Error("a handling unit selected a topic")
	}
}

func TestTopicInputValidate(t *testing.T) {
	ok := TopicInput{OrgID: 1, Year: 2026, Title: "村级议事规则完善", Source: FromRoom, SourcePhone: "0635-1234567"}
	if errs := ok.Validate(); len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	bad := TopicInput{Year: 1999, Title: strings.Repeat("议", 81), Form: "chat", PlannedMonth: 13, Source: "wind",
		SourcePhone: "12ab"}
	errs := bad.Validate()
	for _, f := range []string{"org_id", "year", "title", "form", "planned_month", "source", "source_phone"} {
		if errs.Get(f) == "" {
			t.Errorf("no error on %s: %v", f, errs)
		}
	}
	if f, ok := ParseForm("界别协商"); !ok || f != Sector {
		t.Errorf("ParseForm: %v %v", f, ok)
	}
}
