// Package audit holds the append-only, hash-chained audit log's rules: what an
// entry is, how its hash is computed from its content and its predecessor's
// hash, and how a chain is verified. Each committee has its own chain (chain 0
// is the deployment's), so that a national deployment could be sharded.
package audit

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// Entry is one row of the log.
type Entry struct {
	ID        int64     `json:"id"`
	Chain     int64     `json:"chain"` // committee id, 0 for the deployment
	Seq       int64     `json:"seq"`   // 1, 2, 3 … within the chain
	At        time.Time `json:"at"`
	AccountID int64     `json:"account_id"`
	Actor     string    `json:"actor"`
	IP        string    `json:"ip"`
	Action    string    `json:"action"` // create, update, delete, move, login, import …
	Entity    string    `json:"entity"` // org, member, account …
	EntityID  int64     `json:"entity_id"`
	OrgPath   string    `json:"org_path"` // path of the organisation the change concerns, for scoping
	Summary   string    `json:"summary"`
	Before    string    `json:"before"` // JSON of the record before, "" for creations
	After     string    `json:"after"`  // JSON of the record after, "" for deletions
	Alg       string    `json:"alg"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// The chain hashes. Each entry names the one it was written with, so a chain
// begun with SHA-256 stays verifiable after a deployment moves to SM3 (the
// national hash, GB/T 32905, that a commercial-cryptography assessment
// expects); the two may alternate within one chain.
const (
	AlgSM3    = "sm3"    // the default for new entries
	AlgSHA256 = "sha256" // entries written before SM3, or by choice
)

// Algs are the chain hashes, the default first.
var Algs = []string{AlgSM3, AlgSHA256}

// newHash is the hash function of alg ("" is SHA-256: the first entries
// were written before the column named it).
func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case AlgSM3:
		return sm3.New(), nil
	case AlgSHA256, "":
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("audit: unknown hash algorithm %q", alg)
}

// CheckAlg returns an error naming the choices unless alg is a chain hash.
func CheckAlg(alg string) error {
	if _, err := newHash(alg); err != nil || alg == "" {
		return fmt.Errorf("audit hash %q: choose sm3 or sha256", alg)
	}
	return nil
}

// ActionLabel is the action in Chinese.
func ActionLabel(a string) string {
	switch a {
	case "create":
		return "新建"
	case "update":
		return "修改"
	case "delete":
		return "删除"
	case "move":
		return "调整隶属"
	case "archive":
		return "撤销"
	case "login":
		return "登录"
	case "login_failed":
		return "登录失败"
	case "logout":
		return "退出"
	case "password":
		return "修改密码"
	case "reset_password":
		return "重置密码"
	case "import":
		return "导入"
	case "export":
		return "导出"
	case "token":
		return "API令牌"
	case "lockout":
		return "账号锁定"
	case "household_export":
		return "导出帮扶对象"
	case "household_reveal":
		return "查看完整证件号"
	case "household_view":
		return "查看帮扶对象"
	case "household_list":
		return "查询帮扶对象"
	case "audit_review":
		return "审计审阅"
	case "settings_change":
		return "修改安全策略"
	}
	return a
}

// ComputeHash returns the hex hash of e's content chained to e.PrevHash. Every
// field except ID and Hash is covered, each length-prefixed so that moving
// bytes between fields changes the hash.
func ComputeHash(e Entry) (string, error) {
	h, err := newHash(e.Alg)
	if err != nil {
		return "", err
	}
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	putInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	put(e.PrevHash)
	putInt(e.Chain)
	putInt(e.Seq)
	putInt(e.At.UTC().UnixMicro())
	putInt(e.AccountID)
	put(e.Actor)
	put(e.IP)
	put(e.Action)
	put(e.Entity)
	putInt(e.EntityID)
	put(e.OrgPath)
	put(e.Summary)
	put(e.Before)
	put(e.After)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Problem is one defect found in a chain.
type Problem struct {
	Chain int64
	Seq   int64
	ID    int64
	What  string
}

func (p Problem) String() string {
	return fmt.Sprintf("chain %d seq %d (id %d): %s", p.Chain, p.Seq, p.ID, p.What)
}

// Verifier checks one chain's entries fed in seq order.
type Verifier struct {
	Chain    int64
	next     int64
	prevHash string
	Problems []Problem
	Count    int64
	ByAlg    map[string]int64 // entries by the hash they were written with
}

// NewVerifier starts verifying chain from its first entry.
func NewVerifier(chain int64) *Verifier {
	return &Verifier{Chain: chain, next: 1, ByAlg: map[string]int64{}}
}

// Add checks the next entry: sequence without gaps, link to the previous hash
// and its own hash over its content.
func (v *Verifier) Add(e Entry) {
	v.Count++
	v.ByAlg[cmp.Or(e.Alg, AlgSHA256)]++
	if e.Seq != v.next {
		v.Problems = append(v.Problems, Problem{v.Chain, e.Seq, e.ID,
			fmt.Sprintf("expected seq %d: %d entries missing or reordered", v.next, e.Seq-v.next)})
	}
	if e.PrevHash != v.prevHash {
		v.Problems = append(v.Problems, Problem{v.Chain, e.Seq, e.ID, "prev_hash does not match the previous entry's hash"})
	}
	want, err := ComputeHash(e)
	if err != nil {
		v.Problems = append(v.Problems, Problem{v.Chain, e.Seq, e.ID, err.Error()})
	} else if want != e.Hash {
		v.Problems = append(v.Problems, Problem{v.Chain, e.Seq, e.ID, "content does not match its hash (edited)"})
	}
	v.next = e.Seq + 1
	v.prevHash = e.Hash
}

// Finish checks the chain's end against the recorded head (last seq and hash),
// which catches deletion of the newest entries.
func (v *Verifier) Finish(headSeq int64, headHash string) {
	if v.next-1 != headSeq {
		v.Problems = append(v.Problems, Problem{v.Chain, headSeq, 0,
			fmt.Sprintf("head says %d entries, chain ends at %d (entries deleted)", headSeq, v.next-1)})
	} else if v.prevHash != headHash {
		v.Problems = append(v.Problems, Problem{v.Chain, headSeq, 0, "last entry's hash does not match the head"})
	}
}
