package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/proposal"
	"xieshang/internal/workflow"
)

// State graphs as data (table flow_graph): a committee's own graph for a
// kind of record, or the built-in one until it saves its own. Townships and
// villages use their committee's graph.

// Graph kinds: consultation topics and proposals.
const (
	GraphKindTopic    = "topic"
	GraphKindProposal = "proposal"
)

// builtInGraph returns the platform's graph for a kind.
func builtInGraph(kind string) (workflow.Graph, error) {
	switch kind {
	case GraphKindTopic:
		return consult.TopicGraph(), nil
	case GraphKindProposal:
		return proposal.Graph(), nil
	}
	return workflow.Graph{}, app.Errorf(app.EINVALID, "未知的流程类型“%s”", kind)
}

// graphRequirements lists the requirement codes the store checks for a kind.
func graphRequirements(kind string) map[string]string {
	switch kind {
	case GraphKindTopic:
		return consult.Requirements
	case GraphKindProposal:
		return proposal.Requirements
	}
	return nil
}

// graphRoles lists the account roles a kind's transitions may name.
func graphRoles(kind string) []string {
	if kind == GraphKindProposal {
		return proposal.Roles
	}
	return consult.Roles
}

// readGraph reads committee's graph of kind, the built-in one without a row.
func readGraph(ctx context.Context, q querier, committeeID int64, kind string) (workflow.Graph, bool, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT graph_json FROM flow_graph WHERE committee_id = $1 AND kind = $2`,
		committeeID, kind).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		g, err := builtInGraph(kind)
		return g, false, err
	}
	if err != nil {
		return workflow.Graph{}, false, app.Internal(err, "read graph")
	}
	var g workflow.Graph
	if err := json.Unmarshal([]byte(raw), &g); err != nil {
		return g, true, app.Internal(err, "decode graph")
	}
	return g, true, nil
}

// cachedGraph reads a committee's graph of kind once for one read or
// change, keeping it in m.
func cachedGraph(ctx context.Context, q querier, m map[int64]workflow.Graph, committeeID int64, kind string) (workflow.Graph, error) {
	if g, ok := m[committeeID]; ok {
		return g, nil
	}
	g, _, err := readGraph(ctx, q, committeeID, kind)
	if err != nil {
		return g, err
	}
	m[committeeID] = g
	return g, nil
}

// FindGraph returns the graph of kind used by a committee in the actor's
// subtree, or by the actor's own committee when committeeID is 0, and
// whether it is the committee's own (false: the built-in one).
func (db *DB) FindGraph(ctx context.Context, actor app.Actor, committeeID int64, kind string) (workflow.Graph, bool, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return workflow.Graph{}, false, err
	}
	return readGraph(ctx, db.read, committeeID, kind)
}

// seesCommittee checks that the committee is one in the actor's subtree or
// the committee the actor's organisation belongs to (a township account
// reads its county's graph).
func (db *DB) seesCommittee(ctx context.Context, actor app.Actor, committeeID int64) error {
	if committeeID != 0 && committeeID == actor.CommitteeID {
		return nil
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM org o WHERE o.id = $1 AND o.kind IN ('city', 'county')
		AND o.path LIKE $2 || '%'`, committeeID, actor.Path).Scan(&n)
	if err != nil {
		return app.Internal(err, "find committee")
	}
	if n == 0 {
		return app.NotFound("政协组织")
	}
	return nil
}

// SaveGraph stores a committee's own graph of kind after validating it
// (every error names the state or transition). Records sitting in a state
// the new graph lacks are refused: the graph may grow and change, but no
// record is left in a state that no longer exists.
func (db *DB) SaveGraph(ctx context.Context, actor app.Actor, committeeID int64, g workflow.Graph) error {
	return db.saveGraph(ctx, actor, committeeID, g, false)
}

// ResetGraph removes a committee's own graph of kind: the built-in one
// applies again. Refused like SaveGraph when records sit in states it lacks.
func (db *DB) ResetGraph(ctx context.Context, actor app.Actor, committeeID int64, kind string) error {
	g, err := builtInGraph(kind)
	if err != nil {
		return err
	}
	return db.saveGraph(ctx, actor, committeeID, g, true)
}

func (db *DB) saveGraph(ctx context.Context, actor app.Actor, committeeID int64, g workflow.Graph, reset bool) error {
	if (g.Kind == GraphKindProposal && !canHandleProposals(actor)) || (g.Kind != GraphKindProposal && !canRunConsultation(actor)) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能修改流程")
	}
	if _, err := builtInGraph(g.Kind); err != nil {
		return err
	}
	if errs := g.Validate(graphRoles(g.Kind), graphRequirements(g.Kind)); len(errs) > 0 {
		return errs.Err()
	}
	raw, err := json.Marshal(g)
	if err != nil {
		return app.Internal(err, "encode graph")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		c, err := findOrg(ctx, tx, actor, committeeID)
		if err != nil {
			return err
		}
		if !c.IsCommittee() {
			return app.Errorf(app.EINVALID, "流程只能由市、县(区)政协设置")
		}
		table, what := "topic", "议题"
		if g.Kind == GraphKindProposal {
			table, what = "proposal", "提案"
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT state FROM `+table+` WHERE committee_id = $1`, committeeID)
		if err != nil {
			return app.Internal(err, "record states")
		}
		var missing []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return app.Internal(err, "record states")
			}
			if _, ok := g.State(s); !ok {
				missing = append(missing, s)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return app.Internal(err, "record states")
		}
		if len(missing) > 0 {
			return app.Errorf(app.ECONFLICT, "还有%s处于状态 %v，新流程中不能删除这些状态", what, missing)
		}
		before, _, err := readGraph(ctx, tx, committeeID, g.Kind)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM flow_graph WHERE committee_id = $1 AND kind = $2`,
			committeeID, g.Kind); err != nil {
			return app.Internal(err, "save graph")
		}
		summary := fmt.Sprintf("修改%s的%s流程（%d个状态，%d个流转）", c.Name, what, len(g.States), len(g.Transitions))
		if reset {
			summary = fmt.Sprintf("%s的%s流程恢复为平台内置流程", c.Name, what)
		} else if _, err := tx.ExecContext(ctx, `INSERT INTO flow_graph (committee_id, kind, graph_json, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5)`, committeeID, g.Kind, string(raw), actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "save graph")
		}
		return tx.Audit(ctx, actor, Change{Action: "graph_save", Entity: "flow_graph", EntityID: committeeID,
			Committee: committeeID, OrgPath: c.Path, Summary: summary, Before: before, After: g})
	})
}
