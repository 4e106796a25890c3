package store

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/seal"
)

// Sensitive personal fields are sealed at rest (internal/seal): SM4-GCM with a
// data key per value wrapped by the current master key. The store seals them
// on every write and opens them on every read, so handlers and views see
// plaintext (then masked by the rules of who may see what); the database file,
// its dumps and its backups do not.

// SealedColumn is one column kept sealed.
type SealedColumn struct {
	Table, Column string
	// Index names the column holding the value's HMAC-SM3 blind index, for
	// lookups and uniqueness; "" when the value is never looked up.
	Index string
	// Minors: sealed only on the rows of persons under 18 (their names).
	Minors bool
}

// AAD is the column's name bound into its sealed values.
func (c SealedColumn) AAD() string { return c.Table + "." + c.Column }

// SealedColumns lists every sealed column: identity numbers, the phones of
// members, households, members of the public and the recipients of notices,
// health and disability details, and the names of minors. Work contacts
// (cadres, handling units, rooms, enterprises) stay plaintext.
var SealedColumns = []SealedColumn{
	colMemberID, colMemberPhone, colHouseholdPhone, colPersonID, colPersonDisability, colPersonHealth,
	colPersonName, colRecipientPhone, colTopicSourcePhone,
}

var (
	colMemberID         = SealedColumn{Table: "member", Column: "id_number", Index: "id_number_hmac"}
	colMemberPhone      = SealedColumn{Table: "member", Column: "phone"}
	colHouseholdPhone   = SealedColumn{Table: "household", Column: "phone"}
	colPersonID         = SealedColumn{Table: "household_person", Column: "id_number", Index: "id_number_hmac"}
	colPersonDisability = SealedColumn{Table: "household_person", Column: "disability"}
	colPersonHealth     = SealedColumn{Table: "household_person", Column: "health"}
	colPersonName       = SealedColumn{Table: "household_person", Column: "name", Minors: true}
	colRecipientPhone   = SealedColumn{Table: "notice_recipient", Column: "phone"}
	colTopicSourcePhone = SealedColumn{Table: "topic", Column: "source_phone"}
)

// SetKeys installs the key ring (at start, and again when the key file is
// reloaded); reads and writes in flight keep the ring they started with.
func (db *DB) SetKeys(k *seal.Keys) { db.keys.Store(k) }

// Keys is the key ring in use; nil before SetKeys.
func (db *DB) Keys() *seal.Keys { return db.keys.Load() }

// seal seals v for column c; an error names the column.
func (db *DB) seal(c SealedColumn, v string) (string, error) {
	s, err := db.Keys().Seal(c.AAD(), v)
	if err != nil {
		return "", app.Internal(err, "seal "+c.AAD())
	}
	return s, nil
}

// open opens a value of column c read from the database.
func (db *DB) open(c SealedColumn, v string) (string, error) {
	s, err := db.Keys().Open(c.AAD(), v)
	if err != nil {
		return "", app.Internal(err, "open "+c.AAD())
	}
	return s, nil
}

// openAll opens several values, each with its column, stopping at the first error.
func (db *DB) openAll(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		c, p := pairs[i].(SealedColumn), pairs[i+1].(*string)
		v, err := db.open(c, *p)
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

// index is the blind index of v in column c.
func (db *DB) index(c SealedColumn, v string) string { return db.Keys().Index(c.AAD(), v) }

// minorCutoff is the birth date after which a person is a minor today.
func (db *DB) minorCutoff() string {
	return db.Today().Time(db.Loc).AddDate(-18, 0, 0).Format(time.DateOnly)
}

// sealPersonName seals a person's name when the person is a minor on the day.
func (db *DB) sealPersonName(name, birth string) (string, error) {
	if birth == "" || birth <= db.minorCutoff() {
		return name, nil
	}
	return db.seal(colPersonName, name)
}

// ResealReport counts the values a reseal pass rewrote, per column.
type ResealReport struct {
	Rewritten map[string]int
	Batches   int
}

// Total is the number of values rewritten.
func (r ResealReport) Total() int {
	n := 0
	for _, k := range r.Rewritten {
		n += k
	}
	return n
}

// ResealAtStart seals what was written before encryption was configured,
// once: a database whose start pass has run (seal_pass) is not scanned again,
// since every write since migration 0032 seals. Loaders that write in bulk
// call Reseal themselves.
func (db *DB) ResealAtStart(ctx context.Context) (ResealReport, error) {
	var done int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM seal_pass`).Scan(&done); err != nil {
		return ResealReport{}, app.Internal(err, "reseal: seal_pass")
	}
	if done > 0 {
		return ResealReport{Rewritten: map[string]int{}}, nil
	}
	return db.Reseal(ctx, false, 500, nil)
}

// Reseal rewrites, in batches of batch rows each in its own short
// transaction, every sealed column's values that are not sealed under the
// current master key: plaintext written before keys were configured (and its
// blind index), and, when all is set, values sealed under older master keys
// (key rotation). The app keeps serving meanwhile: a row changed by the app
// between the read and the write is skipped by the write's condition and, if
// it still needs it, taken by the next batch.
func (db *DB) Reseal(ctx context.Context, all bool, batch int, progress func(SealedColumn, int)) (ResealReport, error) {
	keys := db.Keys()
	if keys == nil {
		return ResealReport{}, seal.ErrNoKeys
	}
	if batch <= 0 {
		batch = 500
	}
	rep := ResealReport{Rewritten: map[string]int{}}
	current := seal.Prefix + keys.Current() + "$%"
	for _, c := range SealedColumns {
		// Plaintext: not starting with the prefix. Older keys: sealed, but
		// not under the current one. Names of adults stay plaintext.
		cond := c.Column + ` <> '' AND ` + c.Column + ` NOT LIKE 'sm4$%'`
		if c.Minors {
			cond += ` AND birth_date > '` + db.minorCutoff() + `'`
		}
		var args []any
		if all {
			cond = `(` + cond + `) OR (` + c.Column + ` LIKE 'sm4$%' AND ` + c.Column + ` NOT LIKE $2)`
			args = append(args, current)
		}
		after := int64(0)
		for {
			n, last, err := db.resealBatch(ctx, keys, c, cond, args, after, batch)
			if err != nil {
				return rep, err
			}
			if n > 0 {
				rep.Rewritten[c.AAD()] += n
				if progress != nil {
					progress(c, n)
				}
			}
			if last == 0 {
				break
			}
			rep.Batches++
			after = last
		}
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO seal_pass (id, done_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
		db.Now().UTC()); err != nil {
		return rep, app.Internal(err, "reseal: note the pass")
	}
	return rep, nil
}

// resealBatch rewrites up to batch rows of column c with id > after matching
// cond; it returns how many it rewrote and the last id it read (0: none left).
func (db *DB) resealBatch(ctx context.Context, keys *seal.Keys, c SealedColumn, cond string, args []any, after int64,
	batch int) (int, int64, error) {
	type row struct {
		id  int64
		old string
	}
	var rows []row
	err := func() error {
		rs, err := db.write.QueryContext(ctx, fmt.Sprintf(`SELECT id, %s FROM %s WHERE id > $1 AND (%s)
			ORDER BY id LIMIT %d`, c.Column, c.Table, cond, batch), append([]any{after}, args...)...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.id, &r.old); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return rs.Err()
	}()
	if err != nil {
		return 0, 0, app.Internal(err, "reseal: read "+c.AAD())
	}
	if len(rows) == 0 {
		return 0, 0, nil
	}
	set := c.Column + ` = $2`
	if c.Index != "" {
		set += `, ` + c.Index + ` = $4`
	}
	n := 0
	err = db.InTx(ctx, func(tx *Tx) error {
		n = 0
		for _, r := range rows {
			plain, err := keys.Open(c.AAD(), r.old)
			if err != nil {
				return app.Internal(err, "reseal: open "+c.AAD()+" id "+app.Itoa(r.id))
			}
			sealed, err := keys.Seal(c.AAD(), plain)
			if err != nil {
				return app.Internal(err, "reseal: seal "+c.AAD())
			}
			args := []any{r.id, sealed, r.old}
			if c.Index != "" {
				args = append(args, keys.Index(c.AAD(), plain))
			}
			res, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+set+` WHERE id = $1 AND `+c.Column+` = $3`, args...)
			if err != nil {
				if isUniqueViolation(err) {
					return app.Errorf(app.ECONFLICT, "reseal: %s id %d: the same identity number is registered twice in one committee; correct one of them first", c.AAD(), r.id)
				}
				return app.Internal(err, "reseal: write "+c.AAD())
			}
			if k, _ := res.RowsAffected(); k == 1 {
				n++
			}
		}
		return nil
	})
	return n, rows[len(rows)-1].id, err
}

// SealStatus counts a column's non-empty values by how they are kept: "" for
// plaintext, else the master key id.
type SealStatus struct {
	Column SealedColumn
	ByKey  map[string]int
}

// FindSealStatus counts every sealed column's values by master key, for
// `xieshang keys status` and `xieshang security check`.
func (db *DB) FindSealStatus(ctx context.Context) ([]SealStatus, error) {
	var out []SealStatus
	for _, c := range SealedColumns {
		s := SealStatus{Column: c, ByKey: map[string]int{}}
		where := c.Column + ` <> ''`
		if c.Minors {
			where += ` AND (` + c.Column + ` LIKE 'sm4$%' OR birth_date > '` + db.minorCutoff() + `')`
		}
		rows, err := db.read.QueryContext(ctx, `SELECT CASE WHEN `+c.Column+` LIKE 'sm4$%' THEN `+
			db.Dialect.sealKeyID(c.Column)+` ELSE '' END, COUNT(*) FROM `+c.Table+` WHERE `+where+` GROUP BY 1`)
		if err != nil {
			return nil, app.Internal(err, "seal status "+c.AAD())
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, app.Internal(err, "seal status "+c.AAD())
			}
			s.ByKey[k] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, app.Internal(err, "seal status "+c.AAD())
		}
		out = append(out, s)
	}
	return out, nil
}

// Plaintext counts the values of s still to be sealed (names of adults are
// not counted: they are not sealed).
func (s SealStatus) Plaintext() int { return s.ByKey[""] }
