package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/notice"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func TestSendMeetingNotice(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		m := mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Standing,
			StartsAt: w.at("2024-06-10", 9, 0), Place: "县政协三楼会议室"})
		if _, err := db.AddAgendaItem(ctx, w.actorA, m.ID, store.AgendaItemInput{Kind: store.AgendaWorkPlan, Title: "2024年协商工作计划"}); err != nil {
			t.Fatal(err)
		}
		draft, err := db.DraftMeetingNotice(ctx, w.actorA, m.ID)
		if err != nil || draft.Recipients != 4 || !strings.HasSuffix(draft.Subject, m.Title+"的通知") ||
			!strings.Contains(draft.Body, "各位常委：") || !strings.Contains(draft.Body, "（一）2024年协商工作计划。") {
			t.Fatalf("draft %+v %v", draft, err)
		}
		// Another county's office does not find the meeting.
		_, err = db.SendMeetingNotice(ctx, w.actorB, m.ID)
		wantErr(t, "county B", err, app.ENOTFOUND, "", "会议")

		id, err := db.SendMeetingNotice(ctx, w.actorA, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.FindNoticeByID(ctx, w.actorA, id)
		if err != nil || n.Kind != notice.KindMeeting || n.Source != store.SourceMeetingNotice || n.SourceID != m.ID ||
			n.Subject != draft.Subject || n.Link != "/meetings/"+app.Itoa(m.ID) {
			t.Fatalf("notice %+v %v", n, err)
		}
		rs, total, err := db.FindNoticeRecipients(ctx, w.actorA, id, store.RecipientFilter{})
		if err != nil || total != 4 {
			t.Fatalf("recipients %d %v", total, err)
		}
		names := map[string]bool{}
		for _, r := range rs {
			names[r.Name] = r.MemberID != 0
		}
		for _, want := range []string{"张主席", "李副", "王秘", "赵常"} {
			if !names[want] {
				t.Errorf("%s not notified: %v", want, names)
			}
		}
		// The member's own inbox shows it.
		inbox, _, err := db.FindInbox(ctx, w.memberActor(w.zhao), store.InboxFilter{})
		if err != nil || len(inbox) != 1 || inbox[0].Notice.ID != id {
			t.Fatalf("赵常's inbox %+v %v", inbox, err)
		}
		if got, _ := db.FindMeetingByID(ctx, w.actorA, m.ID); got.Status != meeting.Notified {
			t.Errorf("status %q, want notified", got.Status)
		}
		_, err = db.SendMeetingNotice(ctx, w.actorA, m.ID)
		wantErr(t, "twice", err, app.ECONFLICT, "", "会议通知已于")
		ns, err := db.FindMeetingNotices(ctx, w.actorA, m.ID)
		if err != nil || len(ns) != 1 || ns[0].Recipients != 4 || ns[0].Read != 0 {
			t.Fatalf("meeting notices %+v %v", ns, err)
		}
		if _, err := db.FindMeetingNotices(ctx, w.actorB, m.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B meeting notices: %v", err)
		}
	})
}
