// Package demo loads the demo world: one city committee (term 13) with three
// counties, their townships and villages, about 400 city members across the
// usual sectors, and an account for each role. Names are invented; the
// structure is realistic.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Login is a demo account printed at start.
type Login struct {
	Username, Password, Role, Org string
}

// ErrNotEmpty is returned when the database already holds organisations.
var ErrNotEmpty = errors.New("demo: the database already has data; load the demo world into an empty database")

// Password is every demo account's password (printed at start; demo only).
const Password = "Demo-2026-xs"

// Load fills an empty database and returns the demo logins. It refuses a
// database that already has organisations.
func Load(ctx context.Context, db *store.DB, progress io.Writer) ([]Login, error) {
	orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{Limit: 1, IncludeArchived: true})
	if err != nil {
		return nil, err
	}
	if len(orgs) > 0 {
		return nil, ErrNotEmpty
	}
	city, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "明湖市政协", Code: "371500"})
	if err != nil {
		return nil, err
	}
	pw := Password
	var logins []Login
	for _, a := range []auth.AccountInput{
		{Username: "admin", DisplayName: "平台管理员", Role: auth.Admin},
		{Username: "office", DisplayName: "市政协办公室", Role: auth.Office, OrgID: city.ID},
	} {
		a.Password = pw
		acc, err := db.CreateAccount(ctx, app.System, a)
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", a.Username, err)
		}
		logins = append(logins, Login{acc.Username, pw, acc.Role.Label(), acc.OrgName})
	}
	fmt.Fprintln(progress, "demo world loaded")
	return logins, nil
}
