package store_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/seal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// openWithKeys opens a fresh migrated database of dialect d with the key
// ring of text, and returns it with its DSN.
func openWithKeys(t *testing.T, d store.Dialect, text string) (*store.DB, string) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	db := storetest.OpenDSN(t, dsn)
	keys, err := seal.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(keys)
	return db, dsn
}

// rawValues reads a column as the database holds it.
func rawValues(t *testing.T, db *store.DB, table, column string) []string {
	t.Helper()
	return queryStrings(t, db, `SELECT `+column+` FROM `+table+` WHERE `+column+` <> '' ORDER BY id`)
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(t *testing.T, db *store.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.WritePool().QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSealedAtRest: identity numbers, phones, health and disability details
// and minors' names are SM4-sealed in the database — not in the SQLite file,
// not in a pg_dump — and read in clear through the store, where the lists
// find a whole identity number through its blind index.
func TestSealedAtRest(t *testing.T) {
	for _, d := range storetest.Backends {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, dsn := openWithKeys(t, d, storetest.KeysText)
			w := buildHouseWorld(t, db)
			m, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, member.Input{Name: "张三", Gender: "男",
				IDNumber: idNo(7), Phone: "13655556666"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.AddHouseholdPerson(ctx, w.actorA, w.hh.ID, store.PersonInput{Name: "刘大伯", Relation: "配偶",
				IDNumber: idNo(8), Health: "尿毒症定期透析", Categories: []string{"serious_illness"}})
			if err != nil {
				t.Fatal(err)
			}
			secrets := []string{idNo(7), w.id1, idNo(8), "13655556666", "13912345678", "尿毒症定期透析", "肢体二级", "小明"}

			// As stored: every value of a sealed column is sealed under k1;
			// an adult's name is not sealed, a minor's is.
			for _, c := range store.SealedColumns {
				for _, v := range rawValues(t, db, c.Table, c.Column) {
					if c.Minors && v == "刘大娘" || c.Minors && v == "刘大伯" {
						continue
					}
					if seal.KeyID(v) != "k1" {
						t.Errorf("%s holds %q, not sealed under k1", c.AAD(), v)
					}
				}
			}
			if n := len(rawValues(t, db, "household_person", "id_number_hmac")); n != 2 {
				t.Errorf("blind indexes of persons: %d, want 2", n)
			}

			// Through the store: in clear (masked where the rules say).
			got, err := db.FindMemberByID(ctx, w.actorA, m.ID)
			if err != nil || got.IDNumber != idNo(7) || got.Phone != "13655556666" {
				t.Fatalf("member read back: %q %q %v", got.IDNumber, got.Phone, err)
			}
			h, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range h.Persons {
				names = append(names, p.Name+"/"+p.IDNumber+"/"+p.Disability+"/"+p.Health)
			}
			want := "小明/371524********" + w.id1[14:] + "//,刘大娘//肢体二级/,刘大伯/" +
				idNo(8)[:6] + "********" + idNo(8)[14:] + "//尿毒症定期透析"
			if strings.Join(names, ",") != want || h.Phone != "139****5678" {
				t.Fatalf("household read back: %s, phone %s", strings.Join(names, ","), h.Phone)
			}

			// Search by a whole identity number, through the blind index.
			ms, _, err := db.FindMembers(ctx, w.actorA, store.MemberFilter{Name: idNo(7)})
			if err != nil || len(ms) != 1 || ms[0].ID != m.ID {
				t.Fatalf("members by identity number: %v %v", ms, err)
			}
			if ms, _, _ := db.FindMembers(ctx, w.actorA, store.MemberFilter{Name: idNo(9)}); len(ms) != 0 {
				t.Fatalf("an unregistered number found %d members", len(ms))
			}
			hs, _, err := db.FindHouseholds(ctx, w.actorA, store.HouseholdFilter{Query: idNo(8)})
			if err != nil || len(hs) != 1 || hs[0].ID != w.hh.ID {
				t.Fatalf("households by a person's identity number: %v %v", hs, err)
			}
			// Uniqueness holds on the blind index.
			if _, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, member.Input{Name: "李四", Gender: "男",
				IDNumber: idNo(7)}); app.ErrorFields(err).Get("id_number") == "" {
				t.Fatalf("a second member with one identity number: %v", err)
			}

			// The bytes at rest.
			var raw []byte
			if d == store.SQLite {
				if _, err := db.WritePool().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					t.Fatal(err)
				}
				for _, f := range []string{dsn, dsn + "-wal"} {
					b, err := os.ReadFile(f)
					if err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
					raw = append(raw, b...)
				}
				if len(raw) < 4096 {
					t.Fatalf("read %d bytes of the database file", len(raw))
				}
			} else {
				raw = pgDump(t, dsn)
			}
			for _, s := range secrets {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("%q is in the database's bytes at rest", s)
				}
			}
			// …while what is not sealed is there to be found (the check can fail).
			if !bytes.Contains(raw, []byte("刘大娘")) {
				t.Error("the household head's name is not in the bytes: the check reads the wrong thing")
			}
		})
	}
}

// pgDump returns a plain-text pg_dump of the database at dsn.
func pgDump(t *testing.T, dsn string) []byte {
	t.Helper()
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		bin = "/usr/lib/postgresql/15/bin/pg_dump"
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("pg_dump not found (scripts/test installs postgresql)")
		}
	}
	// The test databases are schemas named in the DSN's search_path, which
	// pg_dump takes as --schema.
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	args := []string{"--no-owner"}
	if sp := q.Get("search_path"); sp != "" {
		args = append(args, "--schema", sp)
		q.Del("search_path")
	}
	u.RawQuery = q.Encode()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, append(args, "--dbname", u.String())...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v: %s", err, stderr.String())
	}
	if !bytes.Contains(out, []byte(".member (id, committee_id")) {
		t.Fatalf("pg_dump printed no member table (%d bytes)", len(out))
	}
	return out
}

// TestResealAndRotate: values written before keys are sealed by the start
// pass, with their blind index; after a second master key is added, a
// rotation in small batches re-encrypts every value under it while readers
// and writers go on, and the old key can then be dropped.
func TestResealAndRotate(t *testing.T) {
	k1 := storetest.KeysText
	k2line, err := seal.NewMaster("k2")
	if err != nil {
		t.Fatal(err)
	}
	var onlyK2 []string
	for _, l := range strings.Split(k1+k2line, "\n") {
		if !strings.HasPrefix(l, "master k1 ") {
			onlyK2 = append(onlyK2, l)
		}
	}
	for _, d := range storetest.Backends {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, _ := openWithKeys(t, d, k1)
			w := buildHouseWorld(t, db)
			const n = 60
			ids := make([]int64, n)
			for i := range ids {
				m, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, member.Input{Name: fmt.Sprintf("委员%02d", i),
					Gender: "男", IDNumber: idNo(200 + i), Phone: fmt.Sprintf("1370000%04d", i)})
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = m.ID
			}
			// One member as written before encryption: plaintext, no index.
			if _, err := db.WritePool().ExecContext(ctx, `UPDATE member SET id_number = $2, phone = $3, id_number_hmac = '' WHERE id = $1`,
				ids[0], idNo(200), "13700000000"); err != nil {
				t.Fatal(err)
			}
			rep, err := db.ResealAtStart(ctx)
			if err != nil || rep.Rewritten["member.id_number"] != 1 || rep.Rewritten["member.phone"] != 1 || rep.Total() != 2 {
				t.Fatalf("start pass: %+v %v", rep, err)
			}
			// Once done, later starts do not scan again (every write seals).
			if rep, err := db.ResealAtStart(ctx); err != nil || rep.Total() != 0 {
				t.Fatalf("second start pass: %+v %v", rep, err)
			}
			if _, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, member.Input{Name: "重复", Gender: "男",
				IDNumber: idNo(200)}); app.ErrorFields(err).Get("id_number") == "" {
				t.Fatalf("the resealed number lost its uniqueness: %v", err)
			}

			// k2 added: new values under k2, old ones still open.
			both, err := seal.Parse(k1 + k2line)
			if err != nil {
				t.Fatal(err)
			}
			db.SetKeys(both)
			var wg sync.WaitGroup
			var stop atomic.Bool
			var reads, writes atomic.Int64
			errs := make(chan error, 100)
			wg.Add(2)
			go func() { // a reader checking every value it reads
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					m, err := db.FindMemberByID(ctx, w.actorA, ids[i%n])
					if err != nil || m.IDNumber != idNo(200+i%n) {
						errs <- fmt.Errorf("read member %d during rotation: %q %v", i%n, m.IDNumber, err)
						return
					}
					if _, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID, ""); err != nil {
						errs <- err
						return
					}
					reads.Add(1)
				}
			}()
			go func() { // a clerk changing phones
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					in := member.Input{Name: fmt.Sprintf("委员%02d", i%n), Gender: "男", IDNumber: idNo(200 + i%n),
						Phone: fmt.Sprintf("1380000%04d", i%n)}
					if _, err := db.UpdateMember(ctx, w.actorA, ids[i%n], in); err != nil {
						errs <- fmt.Errorf("update during rotation: %v", err)
						return
					}
					writes.Add(1)
				}
			}()
			rep, err = db.Reseal(ctx, true, 3, nil)
			stop.Store(true)
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			if err != nil {
				t.Fatal(err)
			}
			if reads.Load() == 0 || writes.Load() == 0 || rep.Batches < 20 {
				t.Fatalf("rotation did not overlap the app: %d reads, %d writes, %d batches", reads.Load(), writes.Load(),
					rep.Batches)
			}
			st, err := db.FindSealStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				for k, c := range s.ByKey {
					if k != "k2" {
						t.Errorf("%s: %d values under %q after the rotation", s.Column.AAD(), c, k)
					}
				}
			}
			// k1 dropped: everything still opens.
			k2, err := seal.Parse(strings.Join(onlyK2, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			db.SetKeys(k2)
			for i, id := range ids {
				m, err := db.FindMemberByID(ctx, w.actorA, id)
				if err != nil || m.IDNumber != idNo(200+i) || !strings.HasPrefix(m.Phone, "13") {
					t.Fatalf("member %d after dropping k1: %q %q %v", i, m.IDNumber, m.Phone, err)
				}
			}
			h, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID, "")
			if err != nil || h.Persons[0].Name != "小明" {
				t.Fatalf("household after dropping k1: %+v %v", h.Persons, err)
			}
			t.Logf("rotation: %d values in %d batches while %d reads and %d writes went on", rep.Total(), rep.Batches,
				reads.Load(), writes.Load())
		})
	}
}
