package demo

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Consultation in the demo world (2025): grassroots rooms in 东岭县 with
// the coverage the reports print (one township fully covered, one short of
// a village, one served by a joint room), their activities, and topics on
// every tier — a village's topic escalated to the county, a city topic
// pushed down to two counties, members' suggestions selected or declined.

type consultLoader struct {
	*loader
	city     loaded
	counties []loaded
	now      time.Time
	stats    consultStats
}

type consultStats struct {
	rooms, activities, topics int
}

func (cl *consultLoader) at(day string, hour int) {
	d := app.MustDate(day)
	cl.now = time.Date(d.Y, d.M, d.D, hour, 0, 0, 0, cl.db.Loc)
}

func (l *loader) consult(ctx context.Context, city loaded, counties []loaded) (consultStats, error) {
	cl := &consultLoader{loader: l, city: city, counties: counties}
	saved := l.db.Now
	l.db.Now = func() time.Time { return cl.now }
	defer func() { l.db.Now = saved }()
	for _, step := range []struct {
		what string
		fn   func(context.Context) error
	}{
		{"议事室", cl.rooms},
		{"协商议题", cl.topics},
	} {
		if err := step.fn(ctx); err != nil {
			return cl.stats, fmt.Errorf("demo: %s: %w", step.what, err)
		}
	}
	return cl.stats, nil
}

// townships lists a county's townships in their order.
func (cl *consultLoader) townships(ctx context.Context, county org.Org) ([]org.Org, error) {
	return cl.db.FindOrgs(ctx, cl.actor, store.OrgFilter{ParentID: county.ID, Kinds: []org.Kind{org.Township}})
}

func (cl *consultLoader) villagesOf(ctx context.Context, township org.Org) ([]org.Org, error) {
	return cl.db.FindOrgs(ctx, cl.actor, store.OrgFilter{ParentID: township.ID, Kinds: []org.Kind{org.Village}})
}

// rooms registers 东岭县's rooms: every village of the first township has
// its own, the second township's all but its last, the third one joint
// room at the township serving its first three villages; members are
// assigned to the first township's rooms and hold two activities in each.
func (cl *consultLoader) rooms(ctx context.Context) error {
	county := cl.counties[0]
	towns, err := cl.townships(ctx, county.org)
	if err != nil || len(towns) < 3 {
		return fmt.Errorf("townships of %s: %d, %v", county.org.Name, len(towns), err)
	}
	members, _, err := cl.db.FindMembers(ctx, cl.actor, store.MemberFilter{CommitteeID: county.org.ID, Status: member.Serving, Limit: 60})
	if err != nil {
		return err
	}
	cl.at("2024-03-15", 9)
	next := 0
	for i, t := range towns[:3] {
		vs, err := cl.villagesOf(ctx, t)
		if err != nil {
			return err
		}
		switch i {
		case 0, 1:
			if i == 1 {
				vs = vs[:len(vs)-1]
			}
			for j, v := range vs {
				room, err := cl.db.CreateRoom(ctx, cl.actor, consult.RoomInput{OrgID: v.ID, Name: v.Name + "协商议事室",
					Brand: "有事好商量", Address: v.Name + "党群服务中心二楼", Coordinator: v.Name + "联络员",
					CoordinatorPhone: fmt.Sprintf("1390635%04d", 100*i+j), Established: app.MustDate("2024-03-15")})
				if err != nil {
					return fmt.Errorf("room %s: %w", v.Name, err)
				}
				cl.stats.rooms++
				if i == 0 && len(members) >= 2 {
					if err := cl.roomWork(ctx, room, members[next%len(members)].ID, members[(next+1)%len(members)].ID, j); err != nil {
						return err
					}
					next += 2
				}
			}
		case 2:
			n := min(3, len(vs))
			var ids []int64
			for _, v := range vs[:n] {
				ids = append(ids, v.ID)
			}
			if _, err := cl.db.CreateRoom(ctx, cl.actor, consult.RoomInput{OrgID: t.ID, Name: t.Name + "联建协商议事室",
				Brand: "有事好商量", Address: t.Name + "便民服务中心", Coordinator: t.Name + "联络员",
				CoordinatorPhone: "13906359999", Established: app.MustDate("2024-05-20"), VillageIDs: ids}); err != nil {
				return fmt.Errorf("room %s: %w", t.Name, err)
			}
			cl.stats.rooms++
		}
	}
	return nil
}

var activityTopics = []struct{ title, result string }{
	{"村内生活垃圾分类和清运", "确定每周二、五集中清运，设分类投放点4处"},
	{"老年人助餐点选址", "选定村委会西侧闲置用房，由村集体改造"},
	{"农田灌溉机井维修", "列入镇年度维修计划，6月底前完成"},
	{"村规民约修订", "修订稿经村民代表会议表决通过"},
}

// roomWork assigns two members to a room and records two activities with them.
func (cl *consultLoader) roomWork(ctx context.Context, room consult.Room, a, b int64, k int) error {
	for _, m := range []int64{a, b} {
		if _, err := cl.db.AssignRoomMember(ctx, cl.actor, room.ID, consult.RoomMemberInput{MemberID: m,
			From: app.MustDate("2024-03-15")}); err != nil {
			return fmt.Errorf("assign member: %w", err)
		}
	}
	for n := range 2 {
		t := activityTopics[(k+n)%len(activityTopics)]
		day := fmt.Sprintf("2024-%02d-%02d", 4+3*n, 10+k%15)
		cl.at(day, 15)
		if _, err := cl.db.CreateRoomActivity(ctx, cl.actor, room.ID, consult.ActivityInput{HeldOn: app.MustDate(day),
			Title: t.title, Content: "围绕" + t.title + "听取村民意见，委员和村“两委”成员逐一回应。",
			MemberIDs: []int64{a, b}, Residents: 12 + 3*k + n, Others: "村“两委”成员、村民代表", Result: t.result}); err != nil {
			return fmt.Errorf("activity: %w", err)
		}
		cl.stats.activities++
	}
	return nil
}

// topics raises topics on every tier.
func (cl *consultLoader) topics(ctx context.Context) error {
	city, county := cl.city.org, cl.counties[0].org
	raise := func(in consult.TopicInput) (store.Topic, error) {
		t, err := cl.db.CreateTopic(ctx, cl.actor, in)
		if err != nil {
			return t, fmt.Errorf("topic %s: %w", in.Title, err)
		}
		cl.stats.topics++
		return t, nil
	}
	advance := func(t store.Topic, to, note string) error {
		if _, err := cl.db.AdvanceTopic(ctx, cl.actor, t.ID, store.AdvanceInput{To: to, Note: note}); err != nil {
			return fmt.Errorf("topic %s → %s: %w", t.Title, to, err)
		}
		return nil
	}
	// A village raises a topic in its room and sends it up to the county,
	// which selects it.
	village := firstVillage(cl.counties[0].villages)
	cl.at("2025-03-10", 10)
	vt, err := raise(consult.TopicInput{OrgID: village.ID, Year: 2025, Title: "村内主干道硬化和路灯安装",
		Description: "村内主干道1.2公里为土路，雨天泥泞，夜间无照明，群众出行不便。", Form: consult.Grassroots,
		Source: consult.FromRoom, SourceName: village.Name + "协商议事室"})
	if err != nil {
		return err
	}
	cl.at("2025-03-20", 10)
	if _, err := cl.db.AdvanceTopic(ctx, cl.actor, vt.ID, store.AdvanceInput{To: consult.Escalated,
		TargetOrgID: county.ID, Note: "涉及县级交通和财政资金，村级无法解决"}); err != nil {
		return fmt.Errorf("escalate: %w", err)
	}
	cl.stats.topics++
	links, err := cl.db.FindTopicLinks(ctx, cl.actor, vt.ID)
	if err != nil || links.Upper == nil {
		return fmt.Errorf("escalated topic: %v", err)
	}
	up, err := cl.db.FindTopicByID(ctx, cl.actor, links.Upper.ID)
	if err != nil {
		return err
	}
	cl.at("2025-04-01", 9)
	if err := advance(up, consult.Selected, "列入东岭县政协2025年度协商计划"); err != nil {
		return err
	}
	// The city takes a topic from the party committee and pushes it down to two counties.
	cl.at("2025-02-20", 9)
	ct, err := raise(consult.TopicInput{OrgID: city.ID, Year: 2025, Title: "推进农村人居环境整治提升",
		Description: "市委交办：围绕农村厕所革命、生活垃圾和污水治理开展协商。", Form: consult.Thematic,
		PlannedMonth: 6, Source: consult.FromParty, SourceName: "中共明湖市委"})
	if err != nil {
		return err
	}
	cl.at("2025-02-25", 9)
	if err := advance(ct, consult.Selected, "列入2025年度协商工作计划"); err != nil {
		return err
	}
	cl.at("2025-03-01", 9)
	kids, err := cl.db.PushDownTopic(ctx, cl.actor, ct.ID, []int64{cl.counties[0].org.ID, cl.counties[1].org.ID})
	if err != nil {
		return fmt.Errorf("push down: %w", err)
	}
	cl.stats.topics += len(kids)
	// Members' suggestions to the city: two selected, one declined.
	for i, s := range []struct {
		title, note string
		form        consult.Form
		to          string
		month       int
	}{
		{"优化营商环境，破解中小企业融资难题", "", consult.Thematic, consult.Selected, 8},
		{"加强城市老旧小区改造后的长效管理", "", consult.Counterpart, consult.Selected, 9},
		{"在市区新建大型主题公园", "投资规模大，与本年度重点工作关联不紧，转作委员提案", "", consult.Declined, 0},
	} {
		cl.at(fmt.Sprintf("2025-01-%02d", 5+i), 10)
		t, err := raise(consult.TopicInput{OrgID: city.ID, Year: 2025, Title: s.title, Form: s.form, PlannedMonth: s.month,
			Source: consult.FromMember, SourceMemberID: cl.city.memberIDs["member"]})
		if err != nil {
			return err
		}
		cl.at("2025-02-25", 10)
		if err := advance(t, s.to, s.note); err != nil {
			return err
		}
	}
	return nil
}
