package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// proposalCommittee fills a committee for the proposals benchmark: one
// term of 600 members, 40 handling units, 50,000 proposals over five
// sessions (the province generator's figure), each with two co-signers,
// nine in ten filed and assigned to a lead unit (one in four also to a
// supporting unit), most replied and rated. Rows are written in bulk; the
// pages read the same tables either way.
func proposalCommittee(tb testing.TB, db *store.DB) (org.Org, org.Term) {
	tb.Helper()
	ctx := context.Background()
	city, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "基准市政协"})
	if err != nil {
		tb.Fatal(err)
	}
	term, err := db.CreateTerm(ctx, app.System, city.ID, org.TermInput{Number: 13, StartDate: app.MustDate("2022-01-10")})
	if err != nil {
		tb.Fatal(err)
	}
	now := db.Now().UTC().Format("2006-01-02 15:04:05")
	bulk := bulkInserter(tb, db, 500)
	var p0 int64
	idOf := func(table string) int64 { return firstID(tb, db, table) }
	const members, units, n = 600, 40, 50000
	bulk(`INSERT INTO member (committee_id, name, created_at, updated_at) VALUES `, members, func(i int) string {
		return fmt.Sprintf("(%d, '委员%d', '%s', '%s')", city.ID, i, now, now)
	})
	m0 := idOf("member")
	bulk(`INSERT INTO term_member (committee_id, term_id, member_id, start_date) VALUES `, members, func(i int) string {
		return fmt.Sprintf("(%d, %d, %d, '2022-01-10')", city.ID, term.ID, m0+int64(i))
	})
	bulk(`INSERT INTO handling_unit (committee_id, name, created_at, updated_at) VALUES `, units, func(i int) string {
		return fmt.Sprintf("(%d, '基准市第%d局', '%s', '%s')", city.ID, i, now, now)
	})
	u0 := idOf("handling_unit")
	rng := rand.New(rand.NewPCG(7, 13))
	words := []string{"老旧小区改造", "农村公路", "义务教育", "医疗卫生", "养老服务", "生态环境", "营商环境", "乡村振兴", "文化旅游", "食品安全"}
	states := []string{proposal.Closed, proposal.Closed, proposal.Closed, proposal.Rated, proposal.Replied, proposal.Accepted,
		proposal.Assigned, proposal.Filed, proposal.Merged, proposal.NotFiled}
	type row struct {
		state         string
		session, seq  int
		member, units int
	}
	rows := make([]row, n)
	seqs := map[int]int{}
	for i := range rows {
		s := 1 + i*5/n
		seqs[s]++
		rows[i] = row{state: states[rng.IntN(len(states))], session: s, seq: seqs[s], member: rng.IntN(members), units: 1 + rng.IntN(4)/3}
	}
	bulk(`INSERT INTO proposal (committee_id, term_id, session, seq, title, reason, suggestions, category, author_kind, member_id,
		state, state_since, submitted_on, created_at, updated_at) VALUES `, n, func(i int) string {
		r := rows[i]
		w := words[i%len(words)]
		return fmt.Sprintf("(%d, %d, %d, %d, '关于推进%s工作的建议（%d）', '近年来%s工作取得进展，但仍存在不足。', '建议加大投入，完善机制。', '%s', 'member', %d, '%s', '%s', '202%d-01-15', '%s', '%s')",
			city.ID, term.ID, r.session, r.seq, w, i, w, proposal.Categories[i%len(proposal.Categories)], m0+int64(r.member),
			r.state, now, 1+r.session, now, now)
	})
	p0 = idOf("proposal")
	bulk(`INSERT INTO proposal_cosigner (proposal_id, member_id, signed_at) VALUES `, 2*n, func(i int) string {
		r := rows[i/2]
		return fmt.Sprintf("(%d, %d, '%s')", p0+int64(i/2), m0+int64((r.member+1+i%2)%members), now)
	})
	var assigns []string
	for i, r := range rows {
		switch r.state {
		case proposal.Filed, proposal.Merged, proposal.NotFiled:
			continue
		}
		status := map[string]string{proposal.Closed: "rated", proposal.Rated: "rated", proposal.Replied: "replied",
			proposal.Accepted: "signed", proposal.Assigned: "assigned"}[r.state]
		grade, sat := "", ""
		if status == "rated" || status == "replied" {
			grade = string("ABC"[i%3])
		}
		if status == "rated" {
			sat = []string{"satisfied", "basically", "dissatisfied"}[i%3]
		}
		for k := range r.units {
			assigns = append(assigns, fmt.Sprintf("(%d, %d, %v, '202%d-06-30', '%s', '%s', '%s', '%s')", p0+int64(i),
				u0+int64((i+k*7)%units), k == 0, 1+r.session, status, now, grade, sat))
		}
	}
	bulk(`INSERT INTO proposal_assignment (proposal_id, unit_id, lead, deadline, status, assigned_at, grade, satisfaction) VALUES `,
		len(assigns), func(i int) string { return assigns[i] })
	if err := db.ConsultTestExec(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	return city, term
}

// What the proposals list, its counts, a search and the statistics of a
// session cost with 50,000 proposals in the committee.
func BenchmarkProposalPages(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			city, term := proposalCommittee(b, db)
			ctx := context.Background()
			office := app.Actor{AccountID: 1, Role: "office", OrgID: city.ID, Path: city.Path, CommitteeID: city.ID}
			f := store.ProposalFilter{CommitteeID: city.ID, TermID: term.ID, Session: 5}
			b.Run("list", func(b *testing.B) {
				for b.Loop() {
					if ps, total, err := db.FindProposals(ctx, office, f); err != nil || len(ps) != 50 || total != 10000 {
						b.Fatalf("%d %d %v", len(ps), total, err)
					}
				}
			})
			b.Run("counts", func(b *testing.B) {
				for b.Loop() {
					if c, err := db.CountProposals(ctx, office, f); err != nil || c.Total != 10000 {
						b.Fatalf("%+v %v", c, err)
					}
				}
			})
			b.Run("search", func(b *testing.B) {
				q := f
				q.Query = "养老服务 机制"
				for b.Loop() {
					if ps, _, err := db.FindProposals(ctx, office, q); err != nil || len(ps) == 0 {
						b.Fatalf("%d %v", len(ps), err)
					}
				}
			})
			b.Run("stats", func(b *testing.B) {
				for b.Loop() {
					if st, err := db.FindProposalStats(ctx, office, city.ID, term.ID, 5); err != nil || st.Total.Submitted != 10000 {
						b.Fatalf("%+v %v", st.Total, err)
					}
				}
			})
		})
	}
}
