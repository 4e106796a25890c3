package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// searchTitles give the province world's topics and proposals real words
// (provinceWorld numbers them) before the index is built.
var searchTitles = []string{
	"关于推进乡村振兴产业发展的建议", "加快5G基站建设协商", "完善农村养老服务体系", "巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
	"老旧小区加装电梯", "优化营商环境助力民营经济", "2023年度扶贫资金使用情况监督", "城区停车难治理", "黄河流域生态保护",
	"提升基层协商议事室履职能力", "中小学课后服务", "医保异地结算", "农村饮水安全", "文旅融合发展", "政协委员联系群众制度",
	"数字政府建设", "职业教育产教融合", "农村人居环境整治", "企业融资难融资贵", "社区居家养老",
}

// The search of a province-sized index: the city office over its whole
// subtree, a common two-character word, a rarer phrase, and a county.
func BenchmarkSearchProvince(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			ctx := context.Background()
			start := time.Now()
			city := provinceWorld(b, db)
			for i, t := range searchTitles {
				for _, table := range []string{"topic", "proposal", "member"} {
					col := "title"
					if table == "member" {
						col = "workplace"
					}
					if err := db.ConsultTestExec(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE id %% %d = $2`, table, col,
						len(searchTitles)), t, i); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := db.RebuildSearch(ctx, nil); err != nil {
				b.Fatal(err)
			}
			if err := db.ConsultTestExec(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			b.Logf("filled and indexed in %s", time.Since(start).Round(time.Second))
			office := app.Actor{AccountID: 1, Name: "市政协办公室", Role: "office", OrgID: city.ID, Path: city.Path, CommitteeID: city.ID}
			cs, err := db.FindCommittees(ctx, office)
			if err != nil || len(cs) < 2 {
				b.Fatal(err)
			}
			county := office
			county.OrgID, county.Path, county.CommitteeID = cs[1].ID, cs[1].Path, cs[1].ID
			for _, c := range []struct {
				name  string
				actor app.Actor
				f     store.SearchFilter
			}{
				{"city/协商", office, store.SearchFilter{Query: "协商"}},
				{"city/乡村振兴", office, store.SearchFilter{Query: "乡村振兴"}},
				{"city/5G基站", office, store.SearchFilter{Query: "5G基站"}},
				{"city/协商/proposals/page40", office, store.SearchFilter{Query: "协商", Kind: "proposal", Offset: 800}},
				{"county/养老", county, store.SearchFilter{Query: "养老"}},
				{"county/nothing", county, store.SearchFilter{Query: "量子计算"}},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := db.Search(ctx, c.actor, c.f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
