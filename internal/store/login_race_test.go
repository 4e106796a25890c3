package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// Logins for unknown users run side by side without racing on the shared
// dummy hash (run under -race by scripts/test), and all answer the same.
func TestConcurrentUnknownLogins(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = db.Login(context.Background(), fmt.Sprintf("nobody%d", i), "x", "10.0.0.9", "t")
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Errorf("login %d: err = %v, want bad credentials", i, err)
			}
		}
	})
}
