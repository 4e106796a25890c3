package store_test

import (
	"context"
	"io"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/demo"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// BenchmarkFindMembers measures the member list query behind /members on the
// demo world with 10,000 more city members: the first page in protocol order,
// a page deep in the list, and a filtered, sorted view.
func BenchmarkFindMembers(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	if _, err := demo.LoadWith(ctx, db, io.Discard, demo.Options{CityMembers: 10000}); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		f    store.MemberFilter
	}{
		{"first-page", store.MemberFilter{Limit: 50}},
		{"offset-5000", store.MemberFilter{Limit: 50, Offset: 5000}},
		{"by-name", store.MemberFilter{Limit: 50, Sort: "name"}},
		{"name-search", store.MemberFilter{Limit: 50, Name: "医院"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ms, total, err := db.FindMembers(ctx, app.System, c.f)
				if err != nil || len(ms) == 0 || total < len(ms) {
					b.Fatalf("%d rows of %d: %v", len(ms), total, err)
				}
			}
		})
	}
}
