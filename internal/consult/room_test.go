package consult_test

import (
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
)

func TestRoomInputValidate(t *testing.T) {
	today := app.MustDate("2024-06-01")
	ok := consult.RoomInput{OrgID: 3, Name: "七级镇协商议事室", Brand: "嘉事好商量", CoordinatorPhone: "0635-1234567",
		Established: app.MustDate("2020-05-12"), VillageIDs: []int64{4, 5, 4}}
	ok.Normalize()
	if errs := ok.Validate(today); len(errs) != 0 {
		t.Fatalf("valid input refused: %v", errs)
	}
	if ok.CoordinatorPhone != "06351234567" || len(ok.VillageIDs) != 2 {
		t.Errorf("normalized %+v", ok)
	}
	for _, tc := range []struct {
		edit  func(*consult.RoomInput)
		field string
		msg   string
	}{
		{func(in *consult.RoomInput) { in.Name = " " }, "name", "议事室名称不能为空"},
		{func(in *consult.RoomInput) { in.Name = strings.Repeat("议", 61) }, "name", "不能超过60个字"},
		{func(in *consult.RoomInput) { in.OrgID = 0 }, "org_id", "请选择"},
		{func(in *consult.RoomInput) { in.CoordinatorPhone = "138abc" }, "coordinator_phone", "7至20位数字"},
		{func(in *consult.RoomInput) { in.Established = app.MustDate("2024-06-02") }, "established", "不能晚于今天"},
		{func(in *consult.RoomInput) { in.VillageIDs = []int64{-1} }, "village_ids", "选择无效"},
		{func(in *consult.RoomInput) { in.Brand = strings.Repeat("好", 31) }, "brand", "品牌名称不能超过30个字"},
	} {
		in := ok
		tc.edit(&in)
		in.Normalize()
		if got := in.Validate(today).Get(tc.field); !strings.Contains(got, tc.msg) {
			t.Errorf("%s: %q, want %q", tc.field, got, tc.msg)
		}
	}
}

func TestActivityInputValidate(t *testing.T) {
	today := app.MustDate("2024-06-01")
	ok := consult.ActivityInput{HeldOn: app.MustDate("2024-05-20"), Title: "老旧小区加装电梯", MemberIDs: []int64{7, 7, 8},
		Residents: 23, Result: "形成加装方案，报街道实施"}
	ok.Normalize()
	if errs := ok.Validate(today); len(errs) != 0 {
		t.Fatalf("valid input refused: %v", errs)
	}
	if len(ok.MemberIDs) != 2 {
		t.Errorf("repeated member kept: %v", ok.MemberIDs)
	}
	for _, tc := range []struct {
		edit  func(*consult.ActivityInput)
		field string
		msg   string
	}{
		{func(in *consult.ActivityInput) { in.HeldOn = app.Date{} }, "held_on", "请填写活动日期"},
		{func(in *consult.ActivityInput) { in.HeldOn = app.MustDate("2024-06-02") }, "held_on", "不能晚于今天"},
		{func(in *consult.ActivityInput) { in.Title = "" }, "title", "议题不能为空"},
		{func(in *consult.ActivityInput) { in.Residents = -1 }, "residents", "0至100000"},
		{func(in *consult.ActivityInput) { in.TopicID = -5 }, "topic_id", "无效"},
		{func(in *consult.ActivityInput) { in.MemberIDs = []int64{0} }, "member_ids", "无效"},
		{func(in *consult.ActivityInput) { in.MemberIDs, in.Residents = nil, 0 }, "member_ids", "至少登记一类参加人员"},
	} {
		in := ok
		tc.edit(&in)
		in.Normalize()
		if got := in.Validate(today).Get(tc.field); !strings.Contains(got, tc.msg) {
			t.Errorf("%s: %q, want %q", tc.field, got, tc.msg)
		}
	}
}

func TestRoomMaskedAndAssignment(t *testing.T) {
	r := consult.Room{CoordinatorPhone: "13812345678"}
	if got := r.Masked().CoordinatorPhone; got != "138****5678" {
		t.Errorf("masked %q", got)
	}
	m := consult.RoomMember{From: app.MustDate("2024-01-01"), To: app.MustDate("2024-12-31")}
	if !m.ActiveOn(app.MustDate("2024-06-01")) || m.ActiveOn(app.MustDate("2025-01-01")) || m.ActiveOn(app.MustDate("2023-12-31")) {
		t.Error("ActiveOn")
	}
	if errs := (consult.RoomMemberInput{MemberID: 1, From: app.MustDate("2024-02-01"), To: app.MustDate("2024-01-01")}).Validate(); errs.Get("to") == "" {
		t.Error("to before from accepted")
	}
}
