package store_test

import (
	"context"
	"fmt"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func mustCampaign(t *testing.T, db *store.DB, actor app.Actor, in consult.Campaign) store.Campaign {
	t.Helper()
	c, err := db.CreateCampaign(context.Background(), actor, in)
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	return c
}

// The member world's clock stands at 2024-06-01.
func TestCampaignWindowAndSources(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		a := w.actorA
		_, err := db.CreateCampaign(ctx, a, consult.Campaign{OrgID: w.countyA.ID, Year: 2024, Title: "",
			OpensOn: app.MustDate("2024-06-30"), ClosesOn: app.MustDate("2024-06-01")})
		if f := app.ErrorFields(err); f.Get("title") == "" || f.Get("closes_on") == "" {
			t.Fatalf("bad campaign: %v", err)
		}
		open := mustCampaign(t, db, a, consult.Campaign{OrgID: w.countyA.ID, Year: 2024, Title: "2024年度协商议题征集",
			OpensOn: app.MustDate("2024-05-01"), ClosesOn: app.MustDate("2024-06-30"), Public: true})
		later := mustCampaign(t, db, a, consult.Campaign{OrgID: w.countyA.ID, Year: 2024, Title: "下半年征集",
			OpensOn: app.MustDate("2024-07-01"), ClosesOn: app.MustDate("2024-07-31")})
		if !open.Open || later.Open || later.Window != "本次议题征集将于2024年7月1日开始，届时欢迎提出建议" {
			t.Fatalf("windows: %+v / %+v", open, later)
		}
		// A member suggests in the window, as itself.
		mb, err := db.CreateMember(ctx, a, w.countyA.ID, person("提议委员", 900))
		if err != nil {
			t.Fatal(err)
		}
		memberActor := a
		memberActor.Role, memberActor.MemberID, memberActor.AccountID = string(auth.MemberRole), mb.ID, 77
		tp, err := db.SubmitSuggestion(ctx, memberActor, open.ID, consult.TopicInput{Title: "加强社区养老服务",
			Source: consult.FromOffice, SourceMemberID: 1})
		if err != nil || tp.Source != consult.FromMember || tp.SourceMemberID != mb.ID || tp.CampaignID != open.ID ||
			tp.State != consult.Collected || tp.OrgID != w.countyA.ID {
			t.Fatalf("member suggestion: %+v %v", tp, err)
		}
		_, err = db.SubmitSuggestion(ctx, memberActor, later.ID, consult.TopicInput{Title: "早了"})
		wantErr(t, "member before the window", err, app.ECONFLICT, "", "2024年7月1日开始")
		// A township room's coordinator answers the county's campaign; the topic lives at the township.
		coord := actorAt(w.town)
		coord.Role, coord.AccountID, coord.Name = "coordinator", 2, "村联络员"
		tp, err = db.SubmitSuggestion(ctx, coord, open.ID, consult.TopicInput{Title: "村道路灯维修"})
		if err != nil || tp.Source != consult.FromRoom || tp.OrgID != w.town.ID || tp.SourceName != "村联络员" {
			t.Fatalf("room suggestion: %+v %v", tp, err)
		}
		// The office enters a department's, with its name, also late.
		_, err = db.SubmitSuggestion(ctx, a, later.ID, consult.TopicInput{Title: "优化营商环境"})
		wantErr(t, "department without name", err, app.EINVALID, "source_name", "部门名称")
		tp, err = db.SubmitSuggestion(ctx, a, later.ID, consult.TopicInput{Title: "优化营商环境", SourceName: "县发改局"})
		if err != nil || tp.Source != consult.FromDepartment || tp.SourceName != "县发改局" {
			t.Fatalf("department suggestion: %+v %v", tp, err)
		}
		ts, total, err := db.FindTopics(ctx, a, store.TopicFilter{CampaignID: open.ID})
		if err != nil || total != 2 || len(ts) != 2 {
			t.Fatalf("campaign topics: %d %v", total, err)
		}
		// Another county does not see the campaign.
		if _, err := db.FindCampaignByID(ctx, w.actorB, open.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county: %v", err)
		}
		// Public suggestions go to public campaigns only, in their window.
		s := consult.Suggestion{Title: "公交线路优化", Content: "建议增开城区至开发区的公交线路。"}
		if _, err := db.SubmitPublicSuggestion(ctx, later.ID, s, "h1"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("not public: %v", err)
		}
		if _, err := db.UpdateCampaign(ctx, a, later.ID, consult.Campaign{Title: "下半年征集", OpensOn: app.MustDate("2024-07-01"),
			ClosesOn: app.MustDate("2024-07-31"), Public: true}); err != nil {
			t.Fatal(err)
		}
		_, err = db.SubmitPublicSuggestion(ctx, later.ID, s, "h1")
		wantErr(t, "public before window", err, app.ECONFLICT, "", "开始")
	})
}

func TestPublicSuggestionsCountedPerAddress(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		c := mustCampaign(t, db, w.actorA, consult.Campaign{OrgID: w.countyA.ID, Year: 2024, Title: "公开征集",
			OpensOn: app.MustDate("2024-05-01"), ClosesOn: app.MustDate("2024-06-30"), Public: true})
		sug := func(i int) consult.Suggestion {
			return consult.Suggestion{Title: fmt.Sprintf("建议%d", i), Content: fmt.Sprintf("第%d条建议的具体内容说明", i),
				Name: "<script>alert(1)</script>", Phone: "0635-1234567"}
		}
		for i := range consult.PublicPerAddressPerHour {
			if _, err := db.SubmitPublicSuggestion(ctx, c.ID, sug(i), "addr-a"); err != nil {
				t.Fatalf("suggestion %d: %v", i, err)
			}
		}
		_, err := db.SubmitPublicSuggestion(ctx, c.ID, sug(99), "addr-a")
		wantErr(t, "flood from one address", err, app.ETHROTTLED, "", "每小时最多提交5条")
		// Another address is not limited by the first; the same content twice is.
		if _, err := db.SubmitPublicSuggestion(ctx, c.ID, sug(0), "addr-b"); err != nil {
			t.Fatal(err)
		}
		_, err = db.SubmitPublicSuggestion(ctx, c.ID, sug(0), "addr-b")
		wantErr(t, "duplicate", err, app.ECONFLICT, "", "相同的建议")
		_, err = db.SubmitPublicSuggestion(ctx, c.ID, consult.Suggestion{Title: "", Content: "短"}, "addr-c")
		if f := app.ErrorFields(err); f.Get("title") == "" || f.Get("content") == "" {
			t.Fatalf("empty suggestion: %v", err)
		}
		ts, total, err := db.FindTopics(ctx, w.actorA, store.TopicFilter{CampaignID: c.ID})
		if err != nil || total != 6 {
			t.Fatalf("saved: %d %v", total, err)
		}
		for _, tp := range ts {
			if tp.Source != consult.FromPublic || tp.SourceName != "<script>alert(1)</script>" {
				t.Fatalf("public topic: %+v", tp)
			}
		}
		if hashed, err := db.CountTestRows(ctx, `SELECT COUNT(*) FROM topic WHERE source_ip_hash = 'addr-a'`); err != nil || hashed != 5 {
			t.Fatalf("address hashes: %d %v", hashed, err)
		}
	})
}

func TestScreeningSelectsAndDeclines(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		a := w.actorA
		c := mustCampaign(t, db, a, consult.Campaign{OrgID: w.countyA.ID, Year: 2024, Title: "公开征集",
			OpensOn: app.MustDate("2024-05-01"), ClosesOn: app.MustDate("2024-06-30"), Public: true})
		one, err := db.SubmitPublicSuggestion(ctx, c.ID, consult.Suggestion{Title: "老旧小区加装电梯",
			Content: "建议出台加装电梯的补贴办法。", Name: "张三", Phone: "13800000000"}, "x")
		if err != nil {
			t.Fatal(err)
		}
		two, err := db.SubmitPublicSuggestion(ctx, c.ID, consult.Suggestion{Title: "广场舞噪音",
			Content: "建议规范广场舞活动时间。"}, "x")
		if err != nil {
			t.Fatal(err)
		}
		// Selecting needs the year's plan.
		err = db.SelectTopic(ctx, a, one, store.SelectInput{PlanItemInput: consult.PlanItemInput{Form: consult.Thematic, Month: 8}})
		wantErr(t, "select without plan", err, app.EINVALID, "plan_id", "尚未建立2024年度协商工作计划")
		p, err := db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: w.countyA.ID, Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		err = db.SelectTopic(ctx, a, one, store.SelectInput{PlanItemInput: consult.PlanItemInput{Month: 8}})
		wantErr(t, "select without form", err, app.EINVALID, "form", "协商形式")
		if tp, _ := db.FindTopicByID(ctx, a, one); tp.State != consult.Collected {
			t.Fatalf("failed selection moved the topic: %+v", tp)
		}
		if err := db.SelectTopic(ctx, a, one, store.SelectInput{PlanID: p.ID,
			PlanItemInput: consult.PlanItemInput{Form: consult.Thematic, Month: 8}}); err != nil {
			t.Fatal(err)
		}
		_, err = db.DeclineTopic(ctx, a, two, "  ")
		wantErr(t, "decline without reason", err, app.EINVALID, "note", "理由")
		if _, err := db.DeclineTopic(ctx, a, two, "属于行政执法事项，已转有关部门"); err != nil {
			t.Fatal(err)
		}
		steps, err := db.FindTopicSteps(ctx, a, two)
		if err != nil || len(steps) != 2 || steps[1].To != consult.Declined || steps[1].Note != "属于行政执法事项，已转有关部门" {
			t.Fatalf("decline step: %+v %v", steps, err)
		}
		sel, err := db.FindSelectedPublic(ctx, c.ID)
		if err != nil || len(sel) != 1 || sel[0] != (store.PublicTopic{Title: "老旧小区加装电梯", Form: consult.Thematic, Month: 8}) {
			t.Fatalf("public selected list: %+v %v", sel, err)
		}
	})
}
