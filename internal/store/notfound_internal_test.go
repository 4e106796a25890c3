package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"xieshang/internal/app"
)

// renameNotFound names what is missing when a record is absent, and lets
// every other error through: a database that does not answer during a
// failover must give a 500 (the client retries), never a 404 (the client
// gives up on a record that exists).
func TestRenameNotFound(t *testing.T) {
	down := app.Internal(errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), "lock meeting")
	for _, c := range []struct {
		in       error
		code     string
		contains string
	}{
		{sql.ErrNoRows, app.ENOTFOUND, "请假申请"},
		{fmt.Errorf("scan: %w", sql.ErrNoRows), app.ENOTFOUND, "请假申请"},
		{app.NotFound("会议"), app.ENOTFOUND, "请假申请"},
		{down, app.EINTERNAL, ""},
		{context.Canceled, app.EINTERNAL, ""},
		{app.Errorf(app.ECONFLICT, "会议已结束"), app.ECONFLICT, "会议已结束"},
	} {
		got := renameNotFound(c.in, "请假申请")
		if code := app.ErrorCode(got); code != c.code {
			t.Errorf("renameNotFound(%v): code %s, want %s", c.in, code, c.code)
		}
		if c.contains != "" && !strings.Contains(app.ErrorMessage(got), c.contains) {
			t.Errorf("renameNotFound(%v) = %q, want it to name %q", c.in, app.ErrorMessage(got), c.contains)
		}
		if c.code == app.EINTERNAL && !errors.Is(got, c.in) && got != c.in {
			t.Errorf("renameNotFound(%v) = %v: the cause is lost", c.in, got)
		}
	}
}
