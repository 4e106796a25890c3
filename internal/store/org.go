package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

const orgColumns = `o.id, o.committee_id, COALESCE(o.parent_id, 0), o.kind, o.name, o.short_name, o.code,
	o.path, o.depth, o.sort, o.archived, o.created_at, o.updated_at`

func scanOrg(s scanner, o *org.Org, extra ...any) error {
	return s.Scan(append([]any{&o.ID, &o.CommitteeID, &o.ParentID, &o.Kind, &o.Name, &o.ShortName, &o.Code,
		&o.Path, &o.Depth, &o.Sort, &o.Archived, &o.CreatedAt, &o.UpdatedAt}, extra...)...)
}

// FindOrgByID returns an organisation in the actor's subtree.
func (db *DB) FindOrgByID(ctx context.Context, actor app.Actor, id int64) (org.Org, error) {
	return findOrg(ctx, db.read, actor, id)
}

func findOrg(ctx context.Context, q querier, actor app.Actor, id int64) (org.Org, error) {
	var o org.Org
	err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM org o
		WHERE o.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &o)
	if err != nil {
		return o, notFound(err, "组织", "find org")
	}
	return o, nil
}

// OrgFilter narrows FindOrgs.
type OrgFilter struct {
	ParentID        int64 // direct children of this node
	Kinds           []org.Kind
	Name            string // substring of the name
	IncludeArchived bool
	Limit           int // 0: no limit (the tree view wants all)
}

// FindOrgs lists organisations in the actor's subtree ordered for a tree: by
// depth, then sort order, then id. The tree view builds parent links in Go.
func (db *DB) FindOrgs(ctx context.Context, actor app.Actor, f OrgFilter) ([]org.Org, error) {
	q := `SELECT ` + orgColumns + ` FROM org o WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	if f.ParentID != 0 {
		args = append(args, f.ParentID)
		q += fmt.Sprintf(" AND o.parent_id = $%d", len(args))
	}
	if len(f.Kinds) > 0 {
		var ph []string
		for _, k := range f.Kinds {
			args = append(args, string(k))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND o.kind IN (" + strings.Join(ph, ", ") + ")"
	}
	if f.Name != "" {
		args = append(args, likeEscape(f.Name))
		q += fmt.Sprintf(` AND o.name LIKE '%%' || $%d || '%%' ESCAPE '\'`, len(args))
	}
	if !f.IncludeArchived {
		q += " AND o.archived = FALSE"
	}
	q += " ORDER BY o.depth, o.sort, o.id"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, app.Internal(err, "find orgs")
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		var o org.Org
		if err := scanOrg(rows, &o); err != nil {
			return nil, app.Internal(err, "scan org")
		}
		out = append(out, o)
	}
	return out, app.Internal(rows.Err(), "find orgs")
}

// FindCommittees lists the committees (city and county) in the actor's subtree,
// plus the committee the actor belongs to when it lies above the subtree root
// (a township coordinator's county).
func (db *DB) FindCommittees(ctx context.Context, actor app.Actor) ([]org.Org, error) {
	return db.FindOrgs(ctx, actor, OrgFilter{Kinds: []org.Kind{org.City, org.County}})
}

// CreateOrg adds an organisation under in.ParentID (0 for a root, which only a
// deployment-wide admin may create) and records it in the audit log.
func (db *DB) CreateOrg(ctx context.Context, actor app.Actor, in org.Input) (org.Org, error) {
	in.Normalize()
	var created org.Org
	err := db.InTx(ctx, func(tx *Tx) error {
		var parent org.Org
		if in.ParentID != 0 {
			var err error
			if parent, err = findOrg(ctx, tx, actor, in.ParentID); err != nil {
				if app.ErrorCode(err) == app.ENOTFOUND {
					var errs app.FieldErrors
					errs.Add("parent_id", "上级组织不存在")
					return errs.Err()
				}
				return err
			}
			if parent.Archived {
				var errs app.FieldErrors
				errs.Add("parent_id", "上级组织已撤销")
				return errs.Err()
			}
		} else if actor.Path != "/" {
			return app.Errorf(app.EFORBIDDEN, "只有平台管理员可以新建顶级组织")
		}
		if err := in.Validate(parent.Kind).Err(); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO org (parent_id, kind, name, short_name, code, sort, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			nullInt(in.ParentID), string(in.Kind), in.Name, in.ShortName, in.Code, in.Sort, tx.Now).Scan(&id)
		if err != nil {
			if isUniqueViolation(err) {
				return nameTaken()
			}
			return app.Internal(err, "insert org")
		}
		path := parent.Path + strconv.FormatInt(id, 10) + "/"
		if parent.Path == "" {
			path = "/" + strconv.FormatInt(id, 10) + "/"
		}
		committee := parent.CommitteeID
		if in.Kind.IsCommittee() {
			committee = id
		}
		depth := parent.Depth + 1
		if in.ParentID == 0 {
			depth = 0
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org SET path = $2, committee_id = $3, depth = $4 WHERE id = $1`,
			id, path, committee, depth); err != nil {
			return app.Internal(err, "set org path")
		}
		created, err = findOrg(ctx, tx, app.System, id)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "org", EntityID: id, Committee: committee,
			OrgPath: path, Summary: "新建组织 " + created.Name, After: created})
	})
	return created, err
}

func nameTaken() error {
	var errs app.FieldErrors
	errs.Add("name", "同一上级下已有同名组织")
	return errs.Err()
}

// UpdateOrg changes an organisation's name, code and sort order (its tier and
// parent change only by MoveOrg).
func (db *DB) UpdateOrg(ctx context.Context, actor app.Actor, id int64, in org.Input) (org.Org, error) {
	in.Normalize()
	var after org.Org
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findOrg(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		in.Kind, in.ParentID = before.Kind, before.ParentID
		parentKind := org.Kind("")
		if before.ParentID != 0 {
			p, err := findOrg(ctx, tx, app.System, before.ParentID)
			if err != nil {
				return err
			}
			parentKind = p.Kind
		}
		if err := in.Validate(parentKind).Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org SET name = $2, short_name = $3, code = $4, sort = $5, updated_at = $6
			WHERE id = $1`, id, in.Name, in.ShortName, in.Code, in.Sort, tx.Now); err != nil {
			if isUniqueViolation(err) {
				return nameTaken()
			}
			return app.Internal(err, "update org")
		}
		if after, err = findOrg(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "org", EntityID: id, Committee: after.CommitteeID,
			OrgPath: after.Path, Summary: "修改组织 " + after.Name, Before: before, After: after})
	})
	return after, err
}

// MoveOrg puts an organisation (with its subtree) under a new parent of the
// right tier, rewriting the paths below it and recording the move, so its
// history stays readable. Rows of the subtree keep their ids.
func (db *DB) MoveOrg(ctx context.Context, actor app.Actor, id, newParentID int64, reason string) (org.Org, error) {
	var after org.Org
	err := db.InTx(ctx, func(tx *Tx) error {
		node, err := findOrg(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if node.Path == actor.Path {
			return app.Errorf(app.EFORBIDDEN, "不能调整本账号所属组织自身的隶属关系")
		}
		parent, err := findOrg(ctx, tx, actor, newParentID)
		if err != nil {
			var errs app.FieldErrors
			errs.Add("parent_id", "新上级组织不存在")
			return errs.Err()
		}
		if err := org.CheckMove(node, parent, reason).Err(); err != nil {
			return err
		}
		newPath := parent.Path + strconv.FormatInt(id, 10) + "/"
		// Rewrite the subtree's paths and depths in one statement.
		if _, err := tx.ExecContext(ctx, `UPDATE org SET path = $1 || substr(path, $2), depth = depth + $3, updated_at = $4
			WHERE path LIKE $5 || '%'`, newPath, len(node.Path)+1, parent.Depth+1-node.Depth, tx.Now, node.Path); err != nil {
			return app.Internal(err, "move org: paths")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org SET parent_id = $2 WHERE id = $1`, id, parent.ID); err != nil {
			if isUniqueViolation(err) {
				var errs app.FieldErrors
				errs.Add("parent_id", "新上级下已有同名组织")
				return errs.Err()
			}
			return app.Internal(err, "move org: parent")
		}
		// Below a committee, the rows belong to the nearest committee above.
		if !node.Kind.IsCommittee() && parent.CommitteeID != node.CommitteeID {
			if _, err := tx.ExecContext(ctx, `UPDATE org SET committee_id = $1 WHERE path LIKE $2 || '%'
				AND kind NOT IN ('city', 'county')`, parent.CommitteeID, newPath); err != nil {
				return app.Internal(err, "move org: committee")
			}
			// The committees' assistance rollups follow their organisations.
			for _, c := range []int64{node.CommitteeID, parent.CommitteeID} {
				if err := tx.recountCommitteeAssist(ctx, c); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_move (committee_id, org_id, from_parent_id, to_parent_id,
			from_path, to_path, reason, moved_at, account_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			parent.CommitteeID, id, node.ParentID, parent.ID, node.Path, newPath, strings.TrimSpace(reason), tx.Now,
			actor.AccountID); err != nil {
			return app.Internal(err, "move org: history")
		}
		if after, err = findOrg(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "move", Entity: "org", EntityID: id, Committee: after.CommitteeID,
			OrgPath: after.Path, Summary: "调整隶属 " + node.Name + " → " + parent.Name, Before: node, After: after})
	})
	return after, err
}

// ArchiveOrg marks an organisation as dissolved (撤销). It keeps its rows and
// history; it is refused while it has active children.
func (db *DB) ArchiveOrg(ctx context.Context, actor app.Actor, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		node, err := findOrg(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if node.Path == actor.Path {
			return app.Errorf(app.EFORBIDDEN, "不能撤销本账号所属组织")
		}
		if node.Archived {
			return app.Errorf(app.ECONFLICT, "该组织已撤销")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org WHERE parent_id = $1 AND archived = FALSE`, id).Scan(&n); err != nil {
			return app.Internal(err, "archive org: children")
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, "该组织下还有%d个下级组织，请先调整或撤销下级组织", n)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org SET archived = TRUE, updated_at = $2 WHERE id = $1`, id, tx.Now); err != nil {
			return app.Internal(err, "archive org")
		}
		after := node
		after.Archived = true
		return tx.Audit(ctx, actor, Change{Action: "archive", Entity: "org", EntityID: id, Committee: node.CommitteeID,
			OrgPath: node.Path, Summary: "撤销组织 " + node.Name, Before: node, After: after})
	})
}

// FindOrgMoves returns the recorded moves of an organisation, oldest first.
func (db *DB) FindOrgMoves(ctx context.Context, actor app.Actor, id int64) ([]org.Move, error) {
	if _, err := db.FindOrgByID(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.org_id, m.from_parent_id, m.to_parent_id, m.from_path,
		m.to_path, f.name, t.name, m.reason, m.moved_at, m.account_id
		FROM org_move m JOIN org f ON f.id = m.from_parent_id JOIN org t ON t.id = m.to_parent_id
		WHERE m.org_id = $1 ORDER BY m.moved_at, m.id`, id)
	if err != nil {
		return nil, app.Internal(err, "find org moves")
	}
	defer rows.Close()
	var out []org.Move
	for rows.Next() {
		var m org.Move
		if err := rows.Scan(&m.ID, &m.OrgID, &m.FromParentID, &m.ToParentID, &m.FromPath, &m.ToPath,
			&m.FromName, &m.ToName, &m.Reason, &m.MovedAt, &m.AccountID); err != nil {
			return nil, app.Internal(err, "scan org move")
		}
		out = append(out, m)
	}
	return out, app.Internal(rows.Err(), "find org moves")
}

// FindAncestors returns the chain of organisations from the root down to
// (excluding) the given one, limited to what the actor sees, for breadcrumbs.
func (db *DB) FindAncestors(ctx context.Context, actor app.Actor, o org.Org) ([]org.Org, error) {
	var ids []any
	var ph []string
	for _, p := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id == o.ID {
			continue
		}
		ids = append(ids, id)
		ph = append(ph, fmt.Sprintf("$%d", len(ids)+1))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+orgColumns+` FROM org o WHERE o.path LIKE $1 || '%'
		AND o.id IN (`+strings.Join(ph, ",")+`) ORDER BY o.depth`, append([]any{actor.Path}, ids...)...)
	if err != nil {
		return nil, app.Internal(err, "find ancestors")
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		var a org.Org
		if err := scanOrg(rows, &a); err != nil {
			return nil, app.Internal(err, "scan ancestor")
		}
		out = append(out, a)
	}
	return out, app.Internal(rows.Err(), "find ancestors")
}
