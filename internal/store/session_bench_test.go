package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/storetest"
)

// BenchmarkFindSession: the check every signed-in request makes (it also
// reads the saved session limits, issue 13).
func BenchmarkFindSession(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.OpenDialect(b, d)
			o, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "基准市政协"})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "bench", DisplayName: "基准",
				Role: auth.Leader, OrgID: o.ID, Password: acctPassword}); err != nil {
				b.Fatal(err)
			}
			_, token, err := db.Login(ctx, "bench", acctPassword, "10.0.0.1", "bench")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, _, err := db.FindSession(ctx, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
