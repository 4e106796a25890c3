package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/org"
)

// Grassroots consultation rooms (协商议事室). A room belongs to the township
// or village it is registered at and shares its scope: an account sees the
// rooms whose organisation lies in its subtree, and any other answers "not
// found". Its committee is its organisation's committee (org.committee_id);
// members assigned to it and taking part in its activities are members of
// that committee.

const roomColumns = `r.id, r.org_id, o.name, o.kind, o.committee_id, r.name, r.brand, r.address, r.coordinator,
	r.coordinator_phone, r.established_on, r.archived, o.path, r.created_at, r.updated_at`

const roomFrom = ` FROM room r JOIN org o ON o.id = r.org_id`

func scanRoom(s scanner, r *consult.Room, extra ...any) error {
	return s.Scan(append([]any{&r.ID, &r.OrgID, &r.OrgName, &r.OrgKind, &r.CommitteeID, &r.Name, &r.Brand, &r.Address,
		&r.Coordinator, &r.CoordinatorPhone, &r.Established, &r.Archived, &r.Path, &r.CreatedAt, &r.UpdatedAt},
		extra...)...)
}

func findRoom(ctx context.Context, q querier, actor app.Actor, id int64) (consult.Room, error) {
	var r consult.Room
	err := scanRoom(q.QueryRowContext(ctx, `SELECT `+roomColumns+roomFrom+` WHERE r.id = $1 AND o.path LIKE $2 || '%'`,
		id, actor.Path), &r)
	if err != nil {
		return r, notFound(err, "议事室", "find room")
	}
	vs, err := roomVillages(ctx, q, []int64{r.ID})
	r.Villages = vs[r.ID]
	if r.Villages == nil {
		r.Villages = []consult.Ref{}
	}
	return r, err
}

// roomVillages returns the villages each room serves, by room, ordered as
// the organisation tree orders them.
func roomVillages(ctx context.Context, q querier, roomIDs []int64) (map[int64][]consult.Ref, error) {
	out := map[int64][]consult.Ref{}
	if len(roomIDs) == 0 {
		return out, nil
	}
	args, ph := idArgs(roomIDs, 0)
	rows, err := q.QueryContext(ctx, `SELECT rv.room_id, v.id, v.name FROM room_village rv JOIN org v ON v.id = rv.village_id
		WHERE rv.room_id IN (`+ph+`) ORDER BY rv.room_id, v.sort, v.id`, args...)
	if err != nil {
		return nil, app.Internal(err, "find room villages")
	}
	defer rows.Close()
	for rows.Next() {
		var roomID int64
		var v consult.Ref
		if err := rows.Scan(&roomID, &v.ID, &v.Name); err != nil {
			return nil, app.Internal(err, "scan room village")
		}
		out[roomID] = append(out[roomID], v)
	}
	return out, app.Internal(rows.Err(), "find room villages")
}

// idArgs gives the ids as arguments with their placeholders, numbered after
// the first n arguments.
func idArgs(ids []int64, n int) ([]any, string) {
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		ph[i] = fmt.Sprintf("$%d", n+i+1)
	}
	return args, strings.Join(ph, ", ")
}

// FindRoomByID returns a room in the actor's subtree with the villages it serves.
func (db *DB) FindRoomByID(ctx context.Context, actor app.Actor, id int64) (consult.Room, error) {
	return findRoom(ctx, db.read, actor, id)
}

// RoomFilter narrows FindRooms.
type RoomFilter struct {
	OrgID           int64  // rooms registered at or below this organisation
	Name            string // substring of the room's or its brand's name
	IncludeArchived bool
	Offset          int
	Limit           int // 0: 50; at most 1000
}

// FindRooms lists rooms in the actor's subtree in tree order, with the total
// for paging. An OrgID outside the subtree is not found.
func (db *DB) FindRooms(ctx context.Context, actor app.Actor, f RoomFilter) ([]consult.Room, int, error) {
	q := `SELECT ` + roomColumns + `, COUNT(*) OVER()` + roomFrom + ` WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	if f.OrgID != 0 {
		o, err := findOrg(ctx, db.read, actor, f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		args = append(args, o.Path)
		q += fmt.Sprintf(" AND o.path LIKE $%d || '%%'", len(args))
	}
	if f.Name != "" {
		args = append(args, likeEscape(f.Name))
		q += fmt.Sprintf(` AND (r.name LIKE '%%' || $%d || '%%' ESCAPE '\' OR r.brand LIKE '%%' || $%d || '%%' ESCAPE '\')`,
			len(args), len(args))
	}
	if !f.IncludeArchived {
		q += " AND r.archived = FALSE"
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	args = append(args, f.Limit, max(f.Offset, 0))
	q += fmt.Sprintf(" ORDER BY o.path, r.name, r.id LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find rooms")
	}
	defer rows.Close()
	var out []consult.Room
	var ids []int64
	total := 0
	for rows.Next() {
		var r consult.Room
		if err := scanRoom(rows, &r, &total); err != nil {
			return nil, 0, app.Internal(err, "scan room")
		}
		out = append(out, r)
		ids = append(ids, r.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find rooms")
	}
	vs, err := roomVillages(ctx, db.read, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		if out[i].Villages = vs[out[i].ID]; out[i].Villages == nil {
			out[i].Villages = []consult.Ref{}
		}
	}
	return out, total, nil
}

// roomSite finds the township or village a room is registered at; anything
// else is a field error on org_id.
func roomSite(ctx context.Context, tx *Tx, actor app.Actor, id int64) (org.Org, error) {
	var errs app.FieldErrors
	o, err := findOrg(ctx, tx, actor, id)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		errs.Add("org_id", "请选择本账号管辖范围内的乡镇(街道)或村(社区)")
	case err != nil:
		return o, err
	case o.Kind != org.Township && o.Kind != org.Village:
		errs.Add("org_id", "议事室只能设在乡镇(街道)或村(社区)")
	case o.Archived:
		errs.Add("org_id", o.Name+"已撤销")
	}
	return o, errs.Err()
}

// servedVillages checks the villages a room at site serves: villages of the
// same township (a township room's own villages, a village room's
// neighbours when built jointly, 联建). None given at a village means the
// village itself.
func servedVillages(ctx context.Context, tx *Tx, site org.Org, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		if site.Kind == org.Village {
			return []int64{site.ID}, nil
		}
		return nil, nil
	}
	township := site.ID
	if site.Kind == org.Village {
		township = site.ParentID
	}
	args, ph := idArgs(ids, 1)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org WHERE parent_id = $1 AND kind = 'village'
		AND archived = FALSE AND id IN (`+ph+`)`, append([]any{township}, args...)...).Scan(&n); err != nil {
		return nil, app.Internal(err, "check served villages")
	}
	if n != len(ids) {
		var errs app.FieldErrors
		errs.Add("village_ids", "服务的村(社区)须是本乡镇(街道)未撤销的村(社区)")
		return nil, errs.Err()
	}
	return ids, nil
}

func roomNameTaken() error {
	var errs app.FieldErrors
	errs.Add("name", "该组织已有同名议事室")
	return errs.Err()
}

func (tx *Tx) setRoomVillages(ctx context.Context, roomID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM room_village WHERE room_id = $1`, roomID); err != nil {
		return app.Internal(err, "clear room villages")
	}
	err := tx.insertRows(ctx, `INSERT INTO room_village (room_id, village_id) VALUES `, len(ids), func(i int) []any {
		return []any{roomID, ids[i]}
	})
	return app.Internal(err, "insert room villages")
}

// CreateRoom registers a room at a township or village in the actor's
// subtree, with the villages it serves, and records it in the audit log.
func (db *DB) CreateRoom(ctx context.Context, actor app.Actor, in consult.RoomInput) (consult.Room, error) {
	in.Normalize()
	var created consult.Room
	err := db.InTx(ctx, func(tx *Tx) error {
		errs := in.Validate(db.Today())
		var site org.Org
		if in.OrgID > 0 {
			var err error
			if site, err = roomSite(ctx, tx, actor, in.OrgID); err != nil {
				if app.ErrorCode(err) != app.EINVALID {
					return err
				}
				errs = append(app.ErrorFields(err), errs...)
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		villages, err := servedVillages(ctx, tx, site, in.VillageIDs)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO room (org_id, name, brand, address, coordinator,
			coordinator_phone, established_on, archived, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, site.ID, in.Name, in.Brand, in.Address,
			in.Coordinator, in.CoordinatorPhone, in.Established, in.Archived, tx.Now).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				return roomNameTaken()
			}
			return app.Internal(err, "insert room")
		}
		if err := tx.setRoomVillages(ctx, id, villages); err != nil {
			return err
		}
		if created, err = findRoom(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "room", EntityID: id, Committee: site.CommitteeID,
			OrgPath: site.Path, Summary: "登记议事室 " + created.Name, After: created})
	})
	return created, err
}

// UpdateRoom changes a room's record, the villages it serves and whether it
// is archived (停用); the organisation it is registered at stays.
func (db *DB) UpdateRoom(ctx context.Context, actor app.Actor, id int64, in consult.RoomInput) (consult.Room, error) {
	var after consult.Room
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findRoom(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		in.OrgID = before.OrgID
		in.Normalize()
		if err := in.Validate(db.Today()).Err(); err != nil {
			return err
		}
		site, err := findOrg(ctx, tx, app.System, before.OrgID)
		if err != nil {
			return err
		}
		villages, err := servedVillages(ctx, tx, site, in.VillageIDs)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE room SET name = $2, brand = $3, address = $4, coordinator = $5,
			coordinator_phone = $6, established_on = $7, archived = $8, updated_at = $9 WHERE id = $1`, id, in.Name,
			in.Brand, in.Address, in.Coordinator, in.CoordinatorPhone, in.Established, in.Archived, tx.Now); err != nil {
			if isUniqueViolation(err) {
				return roomNameTaken()
			}
			return app.Internal(err, "update room")
		}
		if err := tx.setRoomVillages(ctx, id, villages); err != nil {
			return err
		}
		if after, err = findRoom(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "room", EntityID: id, Committee: site.CommitteeID,
			OrgPath: site.Path, Summary: "修改议事室 " + after.Name, Before: before, After: after})
	})
	return after, err
}

// --- Members assigned (委员下沉) ---

// FindRoomMembers lists the members assigned to a room, current ones first.
func (db *DB) FindRoomMembers(ctx context.Context, actor app.Actor, roomID int64) ([]consult.RoomMember, error) {
	if _, err := findRoom(ctx, db.read, actor, roomID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT rm.id, rm.room_id, rm.member_id, m.name, rm.from_date, rm.to_date
		FROM room_member rm JOIN member m ON m.id = rm.member_id WHERE rm.room_id = $1
		ORDER BY CASE WHEN rm.to_date = '' THEN 0 ELSE 1 END, rm.from_date DESC, rm.id`, roomID)
	if err != nil {
		return nil, app.Internal(err, "find room members")
	}
	defer rows.Close()
	out := []consult.RoomMember{}
	for rows.Next() {
		var m consult.RoomMember
		if err := rows.Scan(&m.ID, &m.RoomID, &m.MemberID, &m.MemberName, &m.From, &m.To); err != nil {
			return nil, app.Internal(err, "scan room member")
		}
		out = append(out, m)
	}
	return out, app.Internal(rows.Err(), "find room members")
}

// liveRoom finds a room for a change and refuses an archived one.
func liveRoom(ctx context.Context, tx *Tx, actor app.Actor, id int64) (consult.Room, error) {
	r, err := findRoom(ctx, tx, actor, id)
	if err != nil {
		return r, err
	}
	if r.Archived {
		return r, app.Errorf(app.ECONFLICT, "%s已停用，不能再修改", r.Name)
	}
	// Lock the room so that assignments and activities of one room are serial.
	var locked int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM room WHERE id = $1`+tx.db.Dialect.forUpdate(), id).Scan(&locked); err != nil {
		return r, app.Internal(err, "lock room")
	}
	return r, nil
}

// AssignRoomMember assigns a serving member of the room's committee to the
// room from a date (to a date, or open-ended); periods of one member in one
// room do not overlap.
func (db *DB) AssignRoomMember(ctx context.Context, actor app.Actor, roomID int64, in consult.RoomMemberInput) (consult.RoomMember, error) {
	var out consult.RoomMember
	err := db.InTx(ctx, func(tx *Tx) error {
		room, err := liveRoom(ctx, tx, actor, roomID)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		var errs app.FieldErrors
		var status string
		err = tx.QueryRowContext(ctx, `SELECT name, status FROM member WHERE id = $1 AND committee_id = $2`,
			in.MemberID, room.CommitteeID).Scan(&out.MemberName, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			errs.Add("member_id", "该委员不是本议事室所属政协的委员")
		case err != nil:
			return app.Internal(err, "assign room member: member")
		case status != "serving":
			errs.Add("member_id", out.MemberName+"已不在职")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		// Two periods overlap when each starts before the other ends.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM room_member WHERE room_id = $1 AND member_id = $2
			AND (to_date = '' OR to_date >= $3) AND ($4 = '' OR from_date <= $4)`, roomID, in.MemberID,
			in.From.String(), in.To.String()).Scan(&n); err != nil {
			return app.Internal(err, "assign room member: overlap")
		}
		if n > 0 {
			errs.Add("member_id", out.MemberName+"在此期间已下沉到本议事室")
			return errs.Err()
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO room_member (room_id, member_id, from_date, to_date, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, roomID, in.MemberID, in.From, in.To, tx.Now).Scan(&out.ID); err != nil {
			return app.Internal(err, "insert room member")
		}
		out.RoomID, out.MemberID, out.From, out.To = roomID, in.MemberID, in.From, in.To
		return tx.Audit(ctx, actor, Change{Action: "assign", Entity: "room_member", EntityID: out.ID,
			Committee: room.CommitteeID, OrgPath: room.Path, Summary: "委员 " + out.MemberName + " 下沉到 " + room.Name,
			After: out})
	})
	return out, err
}

// EndRoomMember ends an open assignment on a date, not before its start.
func (db *DB) EndRoomMember(ctx context.Context, actor app.Actor, assignmentID int64, to app.Date) (consult.RoomMember, error) {
	var m consult.RoomMember
	err := db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT rm.id, rm.room_id, rm.member_id, m.name, rm.from_date, rm.to_date
			FROM room_member rm JOIN member m ON m.id = rm.member_id JOIN room r ON r.id = rm.room_id
			JOIN org o ON o.id = r.org_id WHERE rm.id = $1 AND o.path LIKE $2 || '%'`, assignmentID, actor.Path).
			Scan(&m.ID, &m.RoomID, &m.MemberID, &m.MemberName, &m.From, &m.To)
		if err != nil {
			return notFound(err, "下沉记录", "find room member")
		}
		room, err := liveRoom(ctx, tx, actor, m.RoomID)
		if err != nil {
			return err
		}
		if !m.To.IsZero() {
			return app.Errorf(app.ECONFLICT, "%s的下沉已于%s结束", m.MemberName, m.To.Chinese())
		}
		var errs app.FieldErrors
		switch {
		case to.IsZero():
			errs.Add("to", "请填写结束日期")
		case to.Before(m.From):
			errs.Add("to", "结束日期不能早于开始日期")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		before := m
		m.To = to
		if _, err := tx.ExecContext(ctx, `UPDATE room_member SET to_date = $2 WHERE id = $1`, m.ID, to); err != nil {
			return app.Internal(err, "end room member")
		}
		return tx.Audit(ctx, actor, Change{Action: "end", Entity: "room_member", EntityID: m.ID,
			Committee: room.CommitteeID, OrgPath: room.Path, Summary: "委员 " + m.MemberName + " 结束下沉 " + room.Name,
			Before: before, After: m})
	})
	return m, err
}

// FindRoomMemberChoices lists the members who may be chosen for a room: every
// serving member of its committee for an account that sees the committee
// (the office), otherwise (a township's coordinator) the members assigned
// to the room.
func (db *DB) FindRoomMemberChoices(ctx context.Context, actor app.Actor, roomID int64) ([]consult.Ref, error) {
	room, err := findRoom(ctx, db.read, actor, roomID)
	if err != nil {
		return nil, err
	}
	q := `SELECT DISTINCT m.id, m.name FROM room_member rm JOIN member m ON m.id = rm.member_id
		WHERE rm.room_id = $1 ORDER BY m.name, m.id`
	arg := room.ID
	if sees, err := committeeInScope(ctx, db.read, actor, room.CommitteeID); err != nil {
		return nil, err
	} else if sees {
		q = `SELECT m.id, m.name FROM member m WHERE m.committee_id = $1 AND m.status = 'serving' ORDER BY m.name, m.id`
		arg = room.CommitteeID
	}
	rows, err := db.read.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, app.Internal(err, "find room member choices")
	}
	defer rows.Close()
	out := []consult.Ref{}
	for rows.Next() {
		var m consult.Ref
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			return nil, app.Internal(err, "scan room member choice")
		}
		out = append(out, m)
	}
	return out, app.Internal(rows.Err(), "find room member choices")
}

// committeeInScope reports whether the committee lies in the actor's subtree.
func committeeInScope(ctx context.Context, q querier, actor app.Actor, committeeID int64) (bool, error) {
	var path string
	if err := q.QueryRowContext(ctx, `SELECT path FROM org WHERE id = $1`, committeeID).Scan(&path); err != nil {
		return false, app.Internal(err, "committee path")
	}
	return actor.Sees(path), nil
}

// --- Activities (议事活动) ---

const activityColumns = `a.id, a.room_id, a.held_on, a.title, a.content, a.residents, a.others, a.result,
	COALESCE(a.topic_id, 0), a.created_at, a.updated_at`

func scanActivity(s scanner, a *consult.Activity) error {
	return s.Scan(&a.ID, &a.RoomID, &a.HeldOn, &a.Title, &a.Content, &a.Residents, &a.Others, &a.Result, &a.TopicID,
		&a.CreatedAt, &a.UpdatedAt)
}

// activityMembers returns the members of each activity, by activity.
func activityMembers(ctx context.Context, q querier, ids []int64) (map[int64][]consult.Ref, error) {
	out := map[int64][]consult.Ref{}
	if len(ids) == 0 {
		return out, nil
	}
	args, ph := idArgs(ids, 0)
	rows, err := q.QueryContext(ctx, `SELECT am.activity_id, m.id, m.name FROM room_activity_member am
		JOIN member m ON m.id = am.member_id WHERE am.activity_id IN (`+ph+`) ORDER BY am.activity_id, m.name, m.id`, args...)
	if err != nil {
		return nil, app.Internal(err, "find activity members")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m consult.Ref
		if err := rows.Scan(&id, &m.ID, &m.Name); err != nil {
			return nil, app.Internal(err, "scan activity member")
		}
		out[id] = append(out[id], m)
	}
	return out, app.Internal(rows.Err(), "find activity members")
}

func fillActivityMembers(ctx context.Context, q querier, list []consult.Activity) error {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	ms, err := activityMembers(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].Members = ms[list[i].ID]; list[i].Members == nil {
			list[i].Members = []consult.Ref{}
		}
	}
	return nil
}

// FindRoomActivities lists a room's activities, newest first.
func (db *DB) FindRoomActivities(ctx context.Context, actor app.Actor, roomID int64) ([]consult.Activity, error) {
	if _, err := findRoom(ctx, db.read, actor, roomID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+activityColumns+` FROM room_activity a WHERE a.room_id = $1
		ORDER BY a.held_on DESC, a.id DESC`, roomID)
	if err != nil {
		return nil, app.Internal(err, "find room activities")
	}
	defer rows.Close()
	out := []consult.Activity{}
	for rows.Next() {
		var a consult.Activity
		if err := scanActivity(rows, &a); err != nil {
			return nil, app.Internal(err, "scan room activity")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "find room activities")
	}
	return out, fillActivityMembers(ctx, db.read, out)
}

func findActivity(ctx context.Context, q querier, actor app.Actor, id int64) (consult.Activity, error) {
	var a consult.Activity
	err := scanActivity(q.QueryRowContext(ctx, `SELECT `+activityColumns+` FROM room_activity a
		JOIN room r ON r.id = a.room_id JOIN org o ON o.id = r.org_id WHERE a.id = $1 AND o.path LIKE $2 || '%'`,
		id, actor.Path), &a)
	if err != nil {
		return a, notFound(err, "议事活动", "find room activity")
	}
	list := []consult.Activity{a}
	err = fillActivityMembers(ctx, q, list)
	return list[0], err
}

// FindRoomActivityByID returns an activity of a room in the actor's subtree.
func (db *DB) FindRoomActivityByID(ctx context.Context, actor app.Actor, id int64) (consult.Activity, error) {
	return findActivity(ctx, db.read, actor, id)
}

// checkParticipants checks the members named for an activity: members of the
// room's committee and, for an account that does not see the committee (a
// coordinator), members assigned to the room on the day.
func (tx *Tx) checkParticipants(ctx context.Context, actor app.Actor, room consult.Room, in consult.ActivityInput) error {
	if len(in.MemberIDs) == 0 {
		return nil
	}
	args, ph := idArgs(in.MemberIDs, 1)
	q := `SELECT COUNT(*) FROM member m WHERE m.committee_id = $1 AND m.id IN (` + ph + `)`
	args = append([]any{room.CommitteeID}, args...)
	msg := "所选委员不是本议事室所属政协的委员"
	sees, err := committeeInScope(ctx, tx, actor, room.CommitteeID)
	if err != nil {
		return err
	}
	if !sees {
		args = append(args, room.ID, in.HeldOn.String())
		q += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM room_member rm WHERE rm.member_id = m.id AND rm.room_id = $%d
			AND rm.from_date <= $%d AND (rm.to_date = '' OR rm.to_date >= $%d))`, len(args)-1, len(args), len(args))
		msg = "只能选择活动当天下沉到本议事室的委员"
	}
	var n int
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return app.Internal(err, "check activity members")
	}
	if n != len(in.MemberIDs) {
		var errs app.FieldErrors
		errs.Add("member_ids", msg)
		return errs.Err()
	}
	return nil
}

// writeActivityMembers writes an activity's members and their duty events (room_activity), retracting those of
// members no longer named.
func (tx *Tx) writeActivityMembers(ctx context.Context, room consult.Room, id int64, in consult.ActivityInput, before []consult.Ref) error {
	keep := map[int64]bool{}
	for _, m := range in.MemberIDs {
		keep[m] = true
	}
	var gone []int64
	for _, m := range before {
		if !keep[m.ID] {
			gone = append(gone, m.ID)
		}
	}
	if len(gone) > 0 {
		args, ph := idArgs(gone, 1)
		if _, err := tx.ExecContext(ctx, `DELETE FROM room_activity_member WHERE activity_id = $1 AND member_id IN (`+ph+`)`,
			append([]any{id}, args...)...); err != nil {
			return app.Internal(err, "remove activity members")
		}
		if err := tx.RetractDuty(ctx, SourceRoomActivity, id, gone...); err != nil {
			return err
		}
	}
	if err := tx.insertRows(ctx, `INSERT INTO room_activity_member (activity_id, member_id) VALUES `, len(in.MemberIDs),
		func(i int) []any { return []any{id, in.MemberIDs[i]} }, ` ON CONFLICT (activity_id, member_id) DO NOTHING`); err != nil {
		return app.Internal(err, "insert activity members")
	}
	// The day of the events follows the activity's date.
	if err := tx.MoveDuty(ctx, SourceRoomActivity, id, in.HeldOn); err != nil {
		return err
	}
	events := make([]DutyEvent, len(in.MemberIDs))
	for i, m := range in.MemberIDs {
		events[i] = DutyEvent{CommitteeID: room.CommitteeID, MemberID: m, Kind: DutyRoomActivity, OccurredOn: in.HeldOn,
			Source: SourceRoomActivity, SourceID: id}
	}
	return tx.RecordDuty(ctx, events...)
}

// CreateRoomActivity records an activity held in a room; every member who
// took part earns a duty event (room_activity) in the same transaction.
func (db *DB) CreateRoomActivity(ctx context.Context, actor app.Actor, roomID int64, in consult.ActivityInput) (consult.Activity, error) {
	in.Normalize()
	var created consult.Activity
	err := db.InTx(ctx, func(tx *Tx) error {
		room, err := liveRoom(ctx, tx, actor, roomID)
		if err != nil {
			return err
		}
		if err := in.Validate(db.Today()).Err(); err != nil {
			return err
		}
		if err := tx.checkParticipants(ctx, actor, room, in); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO room_activity (room_id, held_on, title, content, residents,
			others, result, topic_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			roomID, in.HeldOn, in.Title, in.Content, in.Residents, in.Others, in.Result, nullInt(in.TopicID),
			tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert room activity")
		}
		if err := tx.writeActivityMembers(ctx, room, id, in, nil); err != nil {
			return err
		}
		if created, err = findActivity(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "room_activity", EntityID: id,
			Committee: room.CommitteeID, OrgPath: room.Path, Summary: room.Name + " 议事活动 " + created.Title,
			After: created})
	})
	return created, err
}

// UpdateRoomActivity changes an activity; members added earn a duty event,
// members removed lose theirs, and the events follow a changed date.
func (db *DB) UpdateRoomActivity(ctx context.Context, actor app.Actor, id int64, in consult.ActivityInput) (consult.Activity, error) {
	in.Normalize()
	var after consult.Activity
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findActivity(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		room, err := liveRoom(ctx, tx, actor, before.RoomID)
		if err != nil {
			return err
		}
		if err := in.Validate(db.Today()).Err(); err != nil {
			return err
		}
		if err := tx.checkParticipants(ctx, actor, room, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE room_activity SET held_on = $2, title = $3, content = $4, residents = $5,
			others = $6, result = $7, topic_id = $8, updated_at = $9 WHERE id = $1`, id, in.HeldOn, in.Title, in.Content,
			in.Residents, in.Others, in.Result, nullInt(in.TopicID), tx.Now); err != nil {
			return app.Internal(err, "update room activity")
		}
		if err := tx.writeActivityMembers(ctx, room, id, in, before.Members); err != nil {
			return err
		}
		if after, err = findActivity(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "room_activity", EntityID: id,
			Committee: room.CommitteeID, OrgPath: room.Path, Summary: room.Name + " 修改议事活动 " + after.Title,
			Before: before, After: after})
	})
	return after, err
}

// --- Coverage (村(社区)议事室阵地全覆盖) ---

// RoomCoverage computes the coverage of every township, county and city in
// the actor's subtree from the organisations and active rooms there.
func (db *DB) RoomCoverage(ctx context.Context, actor app.Actor) ([]consult.Coverage, error) {
	orgs, err := db.FindOrgs(ctx, actor, OrgFilter{})
	if err != nil {
		return nil, err
	}
	rooms, err := db.activeRooms(ctx, actor.Path)
	if err != nil {
		return nil, err
	}
	return consult.ComputeCoverage(orgs, rooms), nil
}

// activeRooms reads the active rooms of a subtree with the villages each
// serves, for ComputeCoverage.
func (db *DB) activeRooms(ctx context.Context, path string) ([]consult.Room, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.org_id, COALESCE(rv.village_id, 0) FROM room r
		JOIN org o ON o.id = r.org_id LEFT JOIN room_village rv ON rv.room_id = r.id
		WHERE o.path LIKE $1 || '%' AND r.archived = FALSE ORDER BY r.id`, path)
	if err != nil {
		return nil, app.Internal(err, "room coverage")
	}
	defer rows.Close()
	var rooms []consult.Room
	for rows.Next() {
		var id, orgID, village int64
		if err := rows.Scan(&id, &orgID, &village); err != nil {
			return nil, app.Internal(err, "scan room coverage")
		}
		if len(rooms) == 0 || rooms[len(rooms)-1].ID != id {
			rooms = append(rooms, consult.Room{ID: id, OrgID: orgID})
		}
		if village != 0 {
			r := &rooms[len(rooms)-1]
			r.Villages = append(r.Villages, consult.Ref{ID: village})
		}
	}
	return rooms, app.Internal(rows.Err(), "room coverage")
}
