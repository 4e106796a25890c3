package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// Exports of households' personal data (issue 6, item 8): only accounts
// with auth.AssistExport, with a stated reason, written to the audit log
// (who, why, how many, whether in full) in the same transaction that reads
// the rows; the file carries the exporter's name (web/assist_export.go).
// Identity numbers and phones are masked unless the exporter asks for them
// in full, which the log records.

// HouseholdExportRow is one person of an exported household.
type HouseholdExportRow struct {
	Household  Household
	Person     Person // IDNumber masked unless in full
	PersonNo   int    // 1-based within the household
	FullNumber bool
}

// MaxHouseholdExport is the most households one export holds.
const MaxHouseholdExport = 20_000

// ExportHouseholds reads the households the filter selects (with their
// persons) for an export and logs it. Errors: EFORBIDDEN without the
// permission, a field error without a reason.
func (db *DB) ExportHouseholds(ctx context.Context, actor app.Actor, f HouseholdFilter, reason string, full bool) ([]HouseholdExportRow, error) {
	if !auth.Role(actor.Role).Can(auth.AssistExport) {
		return nil, app.Errorf(app.EFORBIDDEN, "当前账号不能导出帮扶对象的个人信息")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 200 {
		var errs app.FieldErrors
		errs.Add("reason", "请填写导出用途（2至200个字）")
		return nil, errs.Err()
	}
	f.Purpose, f.Offset, f.Limit = "", 0, 500
	var households []Household
	for {
		page, total, err := db.FindHouseholds(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		households = append(households, page...)
		if len(households) >= total || len(page) == 0 {
			break
		}
		if len(households) >= MaxHouseholdExport {
			return nil, app.Errorf(app.EINVALID, "一次最多导出%d户，请按组织或类别缩小范围", MaxHouseholdExport)
		}
		f.Offset += len(page)
	}
	var out []HouseholdExportRow
	err := db.InTx(ctx, func(tx *Tx) error {
		for _, h := range households {
			var phone string
			if err := tx.QueryRowContext(ctx, `SELECT phone FROM household WHERE id = $1`, h.ID).Scan(&phone); err != nil {
				return app.Internal(err, "export household")
			}
			if err := db.openAll(colHouseholdPhone, &phone); err != nil {
				return err
			}
			h.Phone = phone
			if !full {
				h.Phone = assist.MaskPhone(phone)
			}
			rows, err := tx.QueryContext(ctx, `SELECT `+personColumns+` FROM household_person WHERE household_id = $1 ORDER BY id`, h.ID)
			if err != nil {
				return app.Internal(err, "export persons")
			}
			n := 0
			for rows.Next() {
				var p Person
				var idNumber string
				if err := db.scanPerson(rows, &p, &idNumber); err != nil {
					rows.Close()
					return app.Internal(err, "export persons")
				}
				n++
				p.IDNumber = assist.MaskIDNumber(idNumber)
				if full {
					p.IDNumber = idNumber
				}
				out = append(out, HouseholdExportRow{Household: h, Person: p, PersonNo: n, FullNumber: full})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return app.Internal(err, "export persons")
			}
		}
		what := "（证件号码、电话已脱敏）"
		if full {
			what = "（含完整证件号码和电话）"
		}
		return tx.Audit(ctx, actor, Change{Action: "household_export", Entity: "household", Committee: actor.CommitteeID,
			OrgPath: actor.Path, Summary: fmt.Sprintf("导出帮扶对象个人信息%d户%d人%s：%s", len(households), len(out), what, reason),
			After: struct {
				Reason     string          `json:"reason"`
				Full       bool            `json:"full"`
				Households int             `json:"households"`
				Persons    int             `json:"persons"`
				Filter     HouseholdFilter `json:"filter"`
			}{reason, full, len(households), len(out), f}})
	})
	return out, err
}
