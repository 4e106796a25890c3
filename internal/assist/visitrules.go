package assist

import (
	"sort"
	"time"

	"xieshang/internal/app"
)

// Visit rules produce each cadre's due and overdue visits: a paired
// household is due a visit VisitEveryDays after its last visit (or after the
// pairing began), and on every dated occasion (春节, 中秋节) within the
// occasion's window. Occasions without a date (illness, a death) happen to a
// household and are recorded when they do; they never fall due by the
// calendar.

// SoonDays is how far ahead a visit counts as due soon.
const SoonDays = 7

// MissedKeepDays is how long a missed occasion stays on the overdue list
// after its window closed.
const MissedKeepDays = 30

// PairingVisits is one active household pairing and the household's visit
// dates since the pairing began (in any order).
type PairingVisits struct {
	PairingID   int64
	CadreID     int64
	CadreName   string
	HouseholdID int64
	Household   string
	StartsOn    app.Date
	Visits      []app.Date
}

// Due is a visit that falls due for a pairing.
type Due struct {
	PairingID   int64    `json:"pairing_id"`
	CadreID     int64    `json:"cadre_id"`
	CadreName   string   `json:"cadre_name"`
	HouseholdID int64    `json:"household_id"`
	Household   string   `json:"household"`
	Kind        string   `json:"kind"`  // "regular" or an occasion's code
	Label       string   `json:"label"` // 定期走访, 春节, …
	From        app.Date `json:"from"`  // the window opens
	DueOn       app.Date `json:"due_on"`
	LastVisit   app.Date `json:"last_visit"` // zero: never visited
	Overdue     bool     `json:"overdue"`
	Days        int      `json:"days"` // days until DueOn; negative: days overdue
}

// KindRegular is the minimum-frequency visit's kind.
const KindRegular = "regular"

func addDays(d app.Date, n int) app.Date {
	return app.DateOf(d.Time(time.UTC).AddDate(0, 0, n))
}

// DaysBetween is the number of days from a to b (negative when b is earlier).
func DaysBetween(a, b app.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}

// occasionDates are an occasion's dates in the years around today.
func occasionDates(o Occasion, today app.Date) []app.Date {
	var out []app.Date
	for _, s := range o.Dates {
		if d, err := app.ParseDate(s); err == nil {
			out = append(out, d)
		}
	}
	if o.Month >= 1 && o.Month <= 12 && o.Day >= 1 && o.Day <= 31 {
		for y := today.Y - 1; y <= today.Y+1; y++ {
			d := app.DateOf(time.Date(y, time.Month(o.Month), o.Day, 0, 0, 0, 0, time.UTC))
			if int(d.M) == o.Month { // 2-30 and the like do not exist
				out = append(out, d)
			}
		}
	}
	return out
}

// DueVisits lists what is due within SoonDays of today, and what is
// overdue, for each pairing: the regular visit and every dated occasion
// whose window is open, opens soon, or closed unvisited less than
// MissedKeepDays ago (and after the pairing began). Overdue first, then by
// due date, cadre and household.
func DueVisits(r Rules, pairings []PairingVisits, today app.Date) []Due {
	var out []Due
	for _, p := range pairings {
		last := app.Date{}
		for _, v := range p.Visits {
			if v.After(today) || v.Before(p.StartsOn) {
				continue
			}
			if last.IsZero() || v.After(last) {
				last = v
			}
		}
		base := Due{PairingID: p.PairingID, CadreID: p.CadreID, CadreName: p.CadreName, HouseholdID: p.HouseholdID,
			Household: p.Household, LastVisit: last}
		if r.VisitEveryDays > 0 {
			from := p.StartsOn
			if !last.IsZero() {
				from = last
			}
			due := addDays(from, r.VisitEveryDays)
			if days := DaysBetween(today, due); days <= SoonDays {
				d := base
				d.Kind, d.Label, d.From, d.DueOn, d.Days, d.Overdue = KindRegular, "定期走访", from, due, days, days < 0
				out = append(out, d)
			}
		}
		for _, o := range r.Occasions {
			for _, at := range occasionDates(o, today) {
				open, end := addDays(at, -o.WithinDays), addDays(at, o.WithinDays)
				if end.Before(p.StartsOn) || DaysBetween(today, open) > SoonDays || DaysBetween(end, today) > MissedKeepDays {
					continue
				}
				visited := false
				for _, v := range p.Visits {
					if !v.Before(open) && !v.After(end) && !v.After(today) {
						visited = true
						break
					}
				}
				if visited {
					continue
				}
				d := base
				d.Kind, d.Label, d.From, d.DueOn = o.Code, o.Label, open, end
				d.Days = DaysBetween(today, end)
				d.Overdue = d.Days < 0
				out = append(out, d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		if a.DueOn != b.DueOn {
			return a.DueOn.Before(b.DueOn)
		}
		if a.CadreName != b.CadreName {
			return a.CadreName < b.CadreName
		}
		return a.HouseholdID < b.HouseholdID
	})
	return out
}

// CadreDue is one cadre's due and overdue visits.
type CadreDue struct {
	CadreID   int64  `json:"cadre_id"`
	CadreName string `json:"cadre_name"`
	Overdue   []Due  `json:"overdue"`
	Soon      []Due  `json:"soon"`
}

// ByCadre groups due visits per cadre, in the order of the cadres' first
// (most pressing) item.
func ByCadre(ds []Due) []CadreDue {
	var out []CadreDue
	at := map[int64]int{}
	for _, d := range ds {
		i, ok := at[d.CadreID]
		if !ok {
			i = len(out)
			at[d.CadreID] = i
			out = append(out, CadreDue{CadreID: d.CadreID, CadreName: d.CadreName})
		}
		if d.Overdue {
			out[i].Overdue = append(out[i].Overdue, d)
		} else {
			out[i].Soon = append(out[i].Soon, d)
		}
	}
	return out
}
