package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/duty"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/notice"
	"xieshang/internal/org"
	"xieshang/internal/press"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

// The access matrix (issue 12): every route of the server × every role × the
// relation of the record to the signed-in account, against the expectations
// of accessMatrix below. The table must name every route: a new route without
// an entry fails TestAccessMatrixComplete.
//
// Relations are made by varying the account, not the record: the records
// live in county A's committee (at county A or in its township 矩阵镇 / village
// 矩阵村) and each role signs in four times:
//
//	own     an account at county A: the record is in its subtree
//	parent  an account at 甲镇 (a township of county A): the record is in its parent
//	sibling an account at county B: the record is in the sibling county
//	other   an account at another city committee (另市政协): another committee
//
// Rules (what a role must get):
//
//	public   anyone, signed in or not: no 403/404, never 5xx
//	perm     no record in the path: 403 without the route's permission, otherwise neither 403/404 nor 5xx
//	rec(k)   {id} is a record of kind k: 403 without the permission; own: neither 403/404 nor 5xx;
//	         parent, sibling, other: 404
//	sub(k)   like rec(k), with a second parameter naming a sub-record that does not exist:
//	         own: not 403, never 5xx (404 allowed: the sub-record is missing)
//	signed   any signed-in role: never 5xx (the answer depends on a token, not a record)
//	skip     not checked, with the reason
//
// Refinements, each with its reason in the table: refuse(code, roles) for
// handler rules finer than the permission (a member sees only its own duty
// file, a cadre only its pairings); also(codes) for answers an empty form may
// get (422 from validation, 404 for a form naming no parent); parentSees for
// records a township account sees in its committee by design; with(field,
// kind) for forms that name the page they return to (meeting_id).
//
// Every route is also asked once without signing in: public routes answer,
// the others send a browser to the login page (303) or answer 401. Write routes are sent with the session's CSRF
// token and an empty form or JSON object; the cases run reads first, then
// writes with the refused relations before the own one, then the removals
// (archive, delete, end, close, revoke) last; once a removal succeeded on a
// record, a later 404 on the same record is accepted.

type matrixKind int

const (
	mxPublic matrixKind = iota
	mxPerm
	mxRec
	mxSub
	mxSigned
	mxSkip
)

type matrixRule struct {
	kind matrixKind
	rec  string          // record kind for rec/sub
	perm auth.Permission // overrides the route's Perm (routes that check in the handler)
	why  string          // skip reason or note
	// own overrides the expected own-relation answer for some roles (by
	// handler rules finer than the permission), e.g. a member sees only the
	// meetings it is expected at.
	deny   map[auth.Role]int
	extra  []int     // answers also accepted where the rule expects an answer
	parent bool      // an account at a township sees its committee's record (see why)
	form   [2]string // a form field naming the record of a kind, e.g. the meeting a form returns to
}

// with sends the form field naming the fixture record of kind.
func (r matrixRule) with(field, kind string) matrixRule { r.form = [2]string{field, kind}; return r }

func public() matrixRule                               { return matrixRule{kind: mxPublic} }
func perm() matrixRule                                 { return matrixRule{kind: mxPerm} }
func rec(k string) matrixRule                          { return matrixRule{kind: mxRec, rec: k} }
func sub(k string) matrixRule                          { return matrixRule{kind: mxSub, rec: k} }
func skip(why string) matrixRule                       { return matrixRule{kind: mxSkip, why: why} }
func signed(why string) matrixRule                     { return matrixRule{kind: mxSigned, why: why} }
func (r matrixRule) need(p auth.Permission) matrixRule { r.perm = p; return r }

// refuse: the handler refuses these roles with code (finer than the
// permission), wherever the record is; why says the rule.
func (r matrixRule) refuse(code int, why string, roles ...auth.Role) matrixRule {
	if r.deny == nil {
		r.deny = map[auth.Role]int{}
	}
	for _, x := range roles {
		r.deny[x] = code
	}
	r.why = strings.TrimPrefix(r.why+"; "+why, "; ")
	return r
}

// also accepts codes where an answer is expected (the empty form or body
// names nothing, so the handler may answer so); why says when.
func (r matrixRule) also(why string, codes ...int) matrixRule {
	r.extra = append(r.extra, codes...)
	r.why = strings.TrimPrefix(r.why+"; "+why, "; ")
	return r
}

// parentSees: a township account sees and may act on its committee's record.
func (r matrixRule) parentSees(why string) matrixRule {
	r.parent = true
	r.why = strings.TrimPrefix(r.why+"; "+why, "; ")
	return r
}

// accessMatrix is route "METHOD PATTERN" → rule.
var accessMatrix = map[string]matrixRule{
	"GET /login":                                              public(),
	"POST /login":                                             skip("signing in: the matrix's clients are signed in already; auth_test.go covers the form"),
	"POST /logout":                                            skip("ends the session the other cases use; auth_test.go covers it"),
	"GET /{$}":                                                perm(),
	"GET /orgs":                                               perm(),
	"GET /orgs/new":                                           perm(),
	"POST /orgs":                                              perm().also("the empty form names no parent or meeting, or there is nothing to reset", 404),
	"GET /orgs/{id}":                                          rec("org"),
	"GET /orgs/{id}/edit":                                     rec("org"),
	"POST /orgs/{id}":                                         rec("org"),
	"GET /orgs/{id}/move":                                     rec("org"),
	"POST /orgs/{id}/move":                                    rec("org"),
	"POST /orgs/{id}/archive":                                 rec("org"),
	"GET /orgs/{id}/terms/new":                                rec("committee"),
	"POST /orgs/{id}/terms":                                   rec("committee"),
	"GET /terms/{id}/edit":                                    rec("term"),
	"POST /terms/{id}":                                        rec("term"),
	"POST /orgs/{id}/defaults":                                rec("committee"),
	"POST /orgs/{id}/sectors":                                 rec("committee"),
	"POST /sectors/{id}":                                      rec("sector"),
	"POST /sectors/{id}/delete":                               rec("sector"),
	"POST /orgs/{id}/special-committees":                      rec("committee"),
	"POST /special-committees/{id}":                           rec("spc"),
	"POST /special-committees/{id}/delete":                    rec("spc"),
	"GET /api/v1/orgs":                                        perm(),
	"POST /api/v1/orgs":                                       perm().also("the empty body asks for a top-level organisation, which only the root may create", 403),
	"GET /api/v1/orgs/{id}":                                   rec("org"),
	"PATCH /api/v1/orgs/{id}":                                 rec("org"),
	"POST /api/v1/orgs/{id}/move":                             rec("org"),
	"POST /api/v1/orgs/{id}/archive":                          rec("org"),
	"GET /api/v1/orgs/{id}/moves":                             rec("org"),
	"GET /api/v1/orgs/{id}/terms":                             rec("committee"),
	"POST /api/v1/orgs/{id}/terms":                            rec("committee"),
	"PATCH /api/v1/terms/{id}":                                rec("term"),
	"GET /api/v1/orgs/{id}/sectors":                           rec("committee"),
	"POST /api/v1/orgs/{id}/sectors":                          rec("committee"),
	"PATCH /api/v1/sectors/{id}":                              rec("sector"),
	"DELETE /api/v1/sectors/{id}":                             rec("sector"),
	"GET /api/v1/orgs/{id}/special-committees":                rec("committee"),
	"POST /api/v1/orgs/{id}/special-committees":               rec("committee"),
	"PATCH /api/v1/special-committees/{id}":                   rec("spc"),
	"DELETE /api/v1/special-committees/{id}":                  rec("spc"),
	"GET /members":                                            perm(),
	"GET /members/new":                                        perm(),
	"POST /members":                                           perm(),
	"GET /members/template.xlsx":                              perm(),
	"GET /members/export.xlsx":                                perm(),
	"GET /members/import":                                     perm(),
	"POST /members/import":                                    perm(),
	"GET /members/import/jobs/{job}":                          rec("import-job"),
	"GET /members/{id}":                                       rec("member"),
	"GET /members/{id}/edit":                                  rec("member"),
	"POST /members/{id}":                                      rec("member"),
	"POST /members/{id}/memberships":                          rec("member"),
	"POST /memberships/{id}/end":                              rec("membership"),
	"POST /members/{id}/roles":                                rec("member"),
	"POST /roles/{id}/end":                                    rec("role"),
	"POST /roles/{id}/sort":                                   rec("role"),
	"GET /api/v1/members":                                     perm(),
	"POST /api/v1/members":                                    perm(),
	"GET /api/v1/members/{id}":                                rec("member"),
	"PATCH /api/v1/members/{id}":                              rec("member"),
	"GET /api/v1/members/{id}/memberships":                    rec("member"),
	"POST /api/v1/members/{id}/memberships":                   rec("member"),
	"POST /api/v1/memberships/{id}/end":                       rec("membership"),
	"GET /api/v1/members/{id}/roles":                          rec("member"),
	"POST /api/v1/members/{id}/roles":                         rec("member"),
	"POST /api/v1/roles/{id}/end":                             rec("role"),
	"POST /api/v1/roles/{id}/sort":                            rec("role"),
	"GET /accounts":                                           perm(),
	"GET /accounts/new":                                       perm(),
	"POST /accounts":                                          perm(),
	"GET /accounts/{id}":                                      rec("account"),
	"GET /accounts/{id}/edit":                                 rec("account"),
	"POST /accounts/{id}":                                     rec("account"),
	"POST /accounts/{id}/reset-password":                      rec("account"),
	"POST /accounts/{id}/unlock":                              rec("account"),
	"POST /accounts/{id}/revoke-sessions":                     rec("account"),
	"POST /accounts/{id}/tokens/{tid}/revoke":                 sub("account"),
	"GET /me/password":                                        perm(),
	"POST /me/password":                                       perm(),
	"GET /me/tokens":                                          perm(),
	"POST /me/tokens":                                         perm(),
	"POST /me/tokens/{id}/revoke":                             rec("token").refuse(404, "an account revokes its own tokens; account managers (admin, office) also those of accounts in their subtree (store RevokeAPIToken)", auth.Leader, auth.MemberRole, auth.Coordinator, auth.Cadre, auth.Unit),
	"GET /api/v1/me":                                          perm(),
	"GET /api/v1/accounts":                                    perm(),
	"GET /api/v1/accounts/{id}":                               rec("account"),
	"POST /api/v1/accounts":                                   perm(),
	"PATCH /api/v1/accounts/{id}":                             rec("account"),
	"GET /api/v1/audit":                                       perm(),
	"GET /audit":                                              perm(),
	"GET /settings/security":                                  perm(),
	"POST /settings/security":                                 perm().refuse(403, "the security policy applies to the whole deployment: only a security administrator at the top of the tree saves it", auth.SecAdmin),
	"GET /api/v1/settings/security":                           perm(),
	"PATCH /api/v1/settings/security":                         perm().refuse(403, "the security policy applies to the whole deployment: only a security administrator at the top of the tree saves it", auth.SecAdmin),
	"GET /audit/verify":                                       perm().refuse(403, "verifying the whole chain is for the audit administrator at the top of the tree", auth.Office, auth.Auditor),
	"GET /audit/review":                                       perm(),
	"POST /audit/review":                                      perm(),
	"GET /inbox":                                              perm(),
	"GET /inbox/{id}":                                         rec("notice").refuse(404, "the inbox shows a notice only to its recipients (the own member)", auth.Admin, auth.Office, auth.Leader, auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"GET /notices/{id}/recipients":                            rec("notice"),
	"GET /meetings":                                           perm(),
	"GET /meetings/new":                                       perm(),
	"POST /meetings":                                          perm(),
	"GET /meetings/{id}":                                      rec("meeting"),
	"POST /meetings/{id}/open":                                rec("meeting"),
	"POST /meetings/{id}/close":                               rec("meeting"),
	"POST /meetings/{id}/signin":                              rec("meeting"),
	"POST /meetings/{id}/leave":                               rec("meeting").refuse(403, "asking for leave needs a member behind the account", auth.Leader),
	"POST /leave/{id}/approve":                                rec("leave").with("meeting_id", "meeting"),
	"POST /leave/{id}/refuse":                                 rec("leave").with("meeting_id", "meeting"),
	"POST /meetings/{id}/guests":                              rec("meeting"),
	"POST /guests/{id}/delete":                                rec("guest").with("meeting_id", "meeting"),
	"POST /meetings/{id}/agenda":                              rec("meeting"),
	"GET /meetings/{id}/qr":                                   rec("meeting"),
	"GET /meetings/{id}/board":                                rec("meeting"),
	"GET /s/{token}":                                          signed("a sign-in token, not a record: a bogus token is refused (403 without a member, 422 for a member)"),
	"POST /s/{token}":                                         signed("a sign-in token, not a record: a bogus token is refused (403 without a member, 422 for a member)"),
	"POST /agenda/{id}/vote":                                  rec("agenda").with("meeting_id", "meeting"),
	"POST /votes/{id}/hands":                                  rec("vote"),
	"POST /votes/{id}/close":                                  rec("vote"),
	"GET /votes/{id}/ballot":                                  rec("vote").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"POST /votes/{id}/ballot":                                 rec("vote").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"GET /meetings/{id}/board/events":                         skip("an event stream that never ends; GET /meetings/{id}/board checks the same access"),
	"GET /meetings/{id}/notice":                               rec("meeting"),
	"POST /meetings/{id}/notify":                              rec("meeting"),
	"GET /meetings/{id}/minutes":                              rec("meeting").refuse(403, "a member sees a meeting's page and board, not its papers", auth.MemberRole),
	"GET /meetings/{id}/attendance.xlsx":                      rec("meeting").refuse(403, "a member sees a meeting's page and board, not its papers", auth.MemberRole),
	"GET /meetings/{id}/seating":                              rec("meeting").refuse(403, "a member sees a meeting's page and board, not its papers", auth.MemberRole),
	"POST /meetings/{id}/seating":                             rec("meeting"),
	"GET /meetings/{id}/namecards":                            rec("meeting").refuse(403, "a member sees a meeting's page and board, not its papers", auth.MemberRole),
	"GET /meetings/{id}/edit":                                 rec("meeting"),
	"POST /meetings/{id}/edit":                                rec("meeting"),
	"GET /agenda/{id}/edit":                                   rec("agenda"),
	"POST /agenda/{id}/edit":                                  rec("agenda"),
	"POST /agenda/{id}/documents":                             rec("agenda"),
	"GET /documents/{id}":                                     rec("document"),
	"POST /documents/{id}/delete":                             rec("document").with("meeting_id", "meeting"),
	"GET /api/v1/meetings":                                    perm(),
	"POST /api/v1/meetings":                                   perm(),
	"GET /api/v1/meetings/{id}":                               rec("meeting"),
	"PATCH /api/v1/meetings/{id}":                             rec("meeting"),
	"POST /api/v1/meetings/{id}/open":                         rec("meeting"),
	"POST /api/v1/meetings/{id}/close":                        rec("meeting"),
	"GET /api/v1/meetings/{id}/attendance":                    rec("meeting"),
	"GET /api/v1/meetings/{id}/expected":                      rec("meeting"),
	"POST /api/v1/meetings/{id}/signins":                      rec("meeting"),
	"GET /api/v1/meetings/{id}/leave":                         rec("meeting"),
	"POST /api/v1/meetings/{id}/leave":                        rec("meeting").refuse(403, "asking for leave needs a member behind the account", auth.Leader),
	"POST /api/v1/leave/{id}/decision":                        rec("leave"),
	"GET /api/v1/meetings/{id}/agenda":                        rec("meeting"),
	"POST /api/v1/meetings/{id}/agenda":                       rec("meeting"),
	"PATCH /api/v1/agenda/{id}":                               rec("agenda"),
	"GET /api/v1/agenda/{id}/documents":                       rec("agenda"),
	"GET /api/v1/meetings/{id}/votes":                         rec("meeting"),
	"POST /api/v1/agenda/{id}/votes":                          rec("agenda"),
	"GET /api/v1/votes/{id}":                                  rec("vote"),
	"POST /api/v1/votes/{id}/ballots":                         rec("vote").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"POST /api/v1/votes/{id}/hands":                           rec("vote"),
	"POST /api/v1/votes/{id}/close":                           rec("vote"),
	"GET /meetings/{id}/elections":                            rec("meeting"),
	"GET /elections/new":                                      perm().also("the empty form names no parent or meeting, or there is nothing to reset", 404),
	"POST /elections":                                         perm().also("the empty form names no parent or meeting, or there is nothing to reset", 404),
	"GET /elections/{id}":                                     rec("election"),
	"GET /elections/{id}/edit":                                rec("election"),
	"POST /elections/{id}/edit":                               rec("election"),
	"POST /elections/{id}/offices":                            rec("election"),
	"POST /offices/{id}":                                      rec("office").with("election_id", "election"),
	"POST /offices/{id}/delete":                               rec("office").with("election_id", "election"),
	"POST /offices/{id}/candidates":                           rec("office").with("election_id", "election"),
	"POST /elections/{id}/scrutineers":                        rec("election"),
	"POST /elections/{id}/open":                               rec("election"),
	"POST /elections/{id}/issue":                              rec("election"),
	"POST /elections/{id}/close":                              rec("election"),
	"POST /elections/{id}/sign":                               rec("election"),
	"POST /elections/{id}/confirm":                            rec("election"),
	"GET /elections/{id}/rules":                               rec("election"),
	"GET /elections/{id}/report":                              rec("election"),
	"GET /elections/{id}/entry":                               rec("election").also("paper-ballot entry exists only for a paper election; the fixture election is electronic", 404).refuse(403, "only scrutineers and the office enter paper ballots", auth.MemberRole),
	"POST /elections/{id}/entry":                              rec("election").also("paper-ballot entry exists only for a paper election; the fixture election is electronic", 404),
	"GET /elections/{id}/compare":                             rec("election").also("paper-ballot entry exists only for a paper election; the fixture election is electronic", 404).refuse(403, "only scrutineers and the office enter paper ballots", auth.MemberRole),
	"POST /elections/{id}/resolve":                            rec("election").also("paper-ballot entry exists only for a paper election; the fixture election is electronic", 404),
	"POST /elections/{id}/fix":                                rec("election").also("paper-ballot entry exists only for a paper election; the fixture election is electronic", 404),
	"GET /elections/{id}/ballot":                              rec("election").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"POST /elections/{id}/ballot":                             rec("election").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"GET /elections/{id}/receipt":                             rec("election"),
	"POST /elections/{id}/receipt":                            rec("election"),
	"GET /api/v1/meetings/{id}/elections":                     rec("meeting"),
	"POST /api/v1/meetings/{id}/elections":                    rec("meeting"),
	"GET /api/v1/elections/{id}":                              rec("election"),
	"PATCH /api/v1/elections/{id}":                            rec("election"),
	"POST /api/v1/elections/{id}/offices":                     rec("election"),
	"PATCH /api/v1/offices/{id}":                              rec("office"),
	"DELETE /api/v1/offices/{id}":                             rec("office"),
	"PUT /api/v1/offices/{id}/candidates":                     rec("office"),
	"PUT /api/v1/elections/{id}/scrutineers":                  rec("election"),
	"POST /api/v1/elections/{id}/open":                        rec("election"),
	"POST /api/v1/elections/{id}/issue":                       rec("election"),
	"POST /api/v1/elections/{id}/close":                       rec("election"),
	"POST /api/v1/elections/{id}/sign":                        rec("election"),
	"POST /api/v1/elections/{id}/confirm":                     rec("election"),
	"POST /api/v1/elections/{id}/ballots":                     rec("election").refuse(403, "only a member votes", auth.Admin, auth.Office, auth.Leader),
	"GET /api/v1/elections/{id}/progress":                     rec("election"),
	"POST /api/v1/elections/{id}/entries":                     rec("election").refuse(403, "only scrutineers and the office enter paper ballots", auth.Leader, auth.MemberRole),
	"GET /api/v1/elections/{id}/entries":                      rec("election"),
	"GET /api/v1/elections/{id}/differences":                  rec("election"),
	"POST /api/v1/elections/{id}/resolve":                     rec("election"),
	"GET /api/v1/elections/{id}/tally":                        rec("election"),
	"POST /api/v1/elections/{id}/receipt":                     rec("election"),
	"GET /topics":                                             perm(),
	"GET /topics/new":                                         perm(),
	"POST /topics":                                            perm().refuse(403, "raising a topic needs consult:write, room:write or a member", auth.Leader),
	"GET /topics/{id}/edit":                                   rec("topic"),
	"POST /topics/{id}/edit":                                  rec("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"GET /api/v1/topics":                                      perm(),
	"POST /api/v1/topics":                                     perm().refuse(403, "raising a topic needs consult:write, room:write or a member", auth.Leader),
	"PATCH /api/v1/topics/{id}":                               rec("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"GET /assist":                                             perm(),
	"GET /assist/figures.xlsx":                                perm(),
	"GET /api/v1/assist/figures":                              perm(),
	"GET /households/export":                                  perm(),
	"POST /households/export":                                 perm(),
	"GET /consult":                                            perm(),
	"GET /consult/stats.xlsx":                                 perm(),
	"GET /consult/topics.xlsx":                                perm(),
	"GET /api/v1/consult/stats":                               perm(),
	"GET /consult/graph":                                      perm(),
	"POST /consult/graph":                                     perm(),
	"POST /consult/graph/reset":                               perm().also("the empty form names no parent or meeting, or there is nothing to reset", 404),
	"GET /api/v1/consult/graph":                               perm(),
	"PUT /api/v1/consult/graph":                               perm(),
	"GET /rooms":                                              perm(),
	"GET /rooms/coverage":                                     perm(),
	"GET /rooms/coverage.xlsx":                                perm(),
	"GET /rooms/new":                                          perm(),
	"POST /rooms":                                             perm(),
	"GET /rooms/{id}":                                         rec("room"),
	"GET /rooms/{id}/edit":                                    rec("room"),
	"POST /rooms/{id}":                                        rec("room"),
	"POST /rooms/{id}/members":                                rec("room"),
	"POST /room-members/{id}/end":                             rec("room-member"),
	"GET /rooms/{id}/activities/new":                          rec("room"),
	"POST /rooms/{id}/activities":                             rec("room"),
	"GET /room-activities/{id}/edit":                          rec("room-activity"),
	"POST /room-activities/{id}":                              rec("room-activity"),
	"GET /api/v1/rooms":                                       perm(),
	"POST /api/v1/rooms":                                      perm(),
	"GET /api/v1/rooms/coverage":                              perm(),
	"GET /api/v1/rooms/{id}":                                  rec("room"),
	"PATCH /api/v1/rooms/{id}":                                rec("room"),
	"POST /api/v1/rooms/{id}/activities":                      rec("room"),
	"GET /plans":                                              perm(),
	"POST /plans":                                             perm(),
	"GET /plans/{id}":                                         rec("plan"),
	"POST /plans/{id}/items":                                  rec("plan"),
	"POST /plans/{id}/items/add":                              rec("plan"),
	"POST /plans/{id}/items/{topic}":                          sub("plan"),
	"POST /plans/{id}/items/{topic}/remove":                   sub("plan"),
	"POST /plans/{id}/submit":                                 rec("plan"),
	"GET /campaigns":                                          perm(),
	"POST /campaigns":                                         perm(),
	"GET /campaigns/{id}":                                     rec("campaign").parentSees("a township takes part in its committee's topic collection"),
	"POST /campaigns/{id}/suggestions":                        rec("campaign").parentSees("a township takes part in its committee's topic collection").refuse(403, "a leader does not suggest topics", auth.Leader),
	"POST /campaigns/{id}/suggestions/{topic}/select":         sub("campaign"),
	"POST /campaigns/{id}/suggestions/{topic}/decline":        sub("campaign"),
	"GET /public/campaigns/{id}":                              matrixRule{kind: mxPublic, rec: "campaign"}.also("the fixture campaign is not published to the public (consult_collect_test.go covers the public form)", 404),
	"POST /public/campaigns/{id}":                             matrixRule{kind: mxPublic, rec: "campaign"}.also("the fixture campaign is not published to the public (consult_collect_test.go covers the public form)", 404),
	"GET /public/campaigns/{id}/selected":                     matrixRule{kind: mxPublic, rec: "campaign"}.also("the fixture campaign is not published to the public (consult_collect_test.go covers the public form)", 404),
	"GET /api/v1/plans":                                       perm(),
	"POST /api/v1/plans":                                      perm(),
	"GET /api/v1/plans/{id}":                                  rec("plan"),
	"POST /api/v1/plans/{id}/items":                           rec("plan"),
	"POST /api/v1/plans/{id}/topics":                          rec("plan"),
	"PATCH /api/v1/plans/{id}/topics/{topic}":                 sub("plan"),
	"POST /api/v1/plans/{id}/topics/{topic}/remove":           sub("plan"),
	"POST /api/v1/plans/{id}/submit":                          rec("plan"),
	"GET /api/v1/campaigns":                                   perm(),
	"POST /api/v1/campaigns":                                  perm(),
	"GET /api/v1/campaigns/{id}":                              rec("campaign").parentSees("a township takes part in its committee's topic collection"),
	"PUT /api/v1/campaigns/{id}":                              rec("campaign"),
	"GET /api/v1/campaigns/{id}/suggestions":                  rec("campaign").also("a township sees its committee's campaign but not the suggestions (403)", 403),
	"POST /api/v1/campaigns/{id}/suggestions":                 rec("campaign").parentSees("a township takes part in its committee's topic collection").refuse(403, "a leader does not suggest topics", auth.Leader),
	"POST /api/v1/campaigns/{id}/suggestions/{topic}/select":  sub("campaign"),
	"POST /api/v1/campaigns/{id}/suggestions/{topic}/decline": sub("campaign"),
	"GET /units":                                              perm(),
	"GET /units/new":                                          perm(),
	"POST /units":                                             perm(),
	"GET /units/{id}/edit":                                    rec("unit").parentSees("a township's office sees its county's units (store unitsScope) and opens the form, but may not save it (TestAccessMatrixUnitOfCounty)"),
	"POST /units/{id}":                                        rec("unit"),
	"POST /units/{id}/archive":                                rec("unit"),
	"GET /api/v1/units":                                       perm(),
	"POST /api/v1/units":                                      perm(),
	"PUT /api/v1/units/{id}":                                  rec("unit"),
	"POST /api/v1/units/{id}/archive":                         rec("unit"),
	"GET /topics/{id}":                                        rec("topic"),
	"POST /topics/{id}/advance":                               rec("topic"),
	"POST /topics/{id}/push":                                  rec("topic"),
	"POST /topics/{id}/participants":                          rec("topic"),
	"POST /topics/{id}/participants/{pid}/delete":             sub("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"POST /topics/{id}/visits":                                rec("topic"),
	"POST /topics/{id}/meeting":                               rec("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"POST /topics/{id}/speeches":                              rec("topic"),
	"POST /topics/{id}/outcomes":                              rec("topic"),
	"POST /topics/{id}/outcomes/{oid}":                        sub("topic"),
	"POST /topics/{id}/assignments":                           rec("topic"),
	"POST /topics/{id}/replies/{rid}/verdict":                 sub("topic"),
	"POST /topics/{id}/assignments/{aid}/satisfaction":        sub("topic"),
	"GET /topic-files/{id}":                                   rec("topic-file").refuse(404, "a topic's file is for readers of consultation and the unit it was sent to", auth.Cadre, auth.SecAdmin, auth.Auditor),
	"GET /api/v1/topics/{id}":                                 rec("topic"),
	"POST /api/v1/topics/{id}/advance":                        rec("topic"),
	"POST /api/v1/topics/{id}/push":                           rec("topic"),
	"POST /api/v1/topics/{id}/participants":                   rec("topic"),
	"DELETE /api/v1/topics/{id}/participants/{pid}":           sub("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"POST /api/v1/topics/{id}/visits":                         rec("topic"),
	"PUT /api/v1/topics/{id}/meeting":                         rec("topic").refuse(403, "changing a topic needs consult:write or room:write", auth.Leader, auth.MemberRole),
	"POST /api/v1/topics/{id}/speeches":                       rec("topic"),
	"POST /api/v1/topics/{id}/outcomes":                       rec("topic"),
	"PUT /api/v1/topics/{id}/outcomes/{oid}":                  sub("topic"),
	"POST /api/v1/topics/{id}/assignments":                    rec("topic"),
	"GET /api/v1/assignments/{id}":                            rec("assignment"),
	"POST /api/v1/replies/{id}/verdict":                       rec("reply"),
	"PUT /api/v1/assignments/{id}/satisfaction":               rec("assignment"),
	"GET /api/v1/unit/assignments":                            perm(),
	"GET /api/v1/unit/assignments/{id}":                       rec("assignment").refuse(404, "only the account of the unit it was sent to sees an assignment", auth.Admin, auth.Office, auth.Leader, auth.MemberRole, auth.Coordinator, auth.Cadre, auth.SecAdmin, auth.Auditor),
	"POST /api/v1/unit/assignments/{id}/replies":              rec("assignment").refuse(404, "only the account of the unit it was sent to sees an assignment", auth.Admin, auth.Office, auth.Leader, auth.MemberRole, auth.Coordinator, auth.Cadre, auth.SecAdmin, auth.Auditor),
	"GET /unit":                                               perm(),
	"GET /unit/assignments/{id}":                              rec("assignment"),
	"POST /unit/assignments/{id}/reply":                       rec("assignment"),
	"GET /unit/proposals":                                     perm(),
	"GET /unit/proposals/{id}":                                rec("unit-proposal"),
	"POST /unit/proposals/{id}/sign":                          rec("unit-proposal"),
	"POST /unit/proposals/{id}/return":                        rec("unit-proposal"),
	"POST /unit/proposals/{id}/reply":                         rec("unit-proposal"),
	"GET /unit/proposals/files/{id}":                          rec("unit-proposal-file"),
	"GET /api/v1/proposals":                                   perm(),
	"POST /api/v1/proposals":                                  perm(),
	"GET /api/v1/proposals/{id}":                              rec("proposal").refuse(404, "coordinator, cadre and a unit not assigned to it do not see the proposal", auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"PUT /api/v1/proposals/{id}":                              rec("proposal").refuse(403, "a member edits only its own proposals", auth.MemberRole),
	"POST /api/v1/proposals/{id}/advance":                     rec("proposal").refuse(404, "coordinator, cadre and a unit not assigned to it do not see the proposal", auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"POST /api/v1/proposals/{id}/cosign":                      rec("proposal"),
	"DELETE /api/v1/proposals/{id}/cosign":                    rec("proposal"),
	"POST /api/v1/proposals/{id}/sign":                        rec("proposal").refuse(404, "coordinator, cadre and a unit not assigned to it do not see the proposal", auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor).refuse(403, "signing for and replying to a proposal is a handling unit's", auth.Leader, auth.MemberRole),
	"POST /api/v1/proposals/{id}/return":                      rec("proposal").refuse(404, "coordinator, cadre and a unit not assigned to it do not see the proposal", auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor).refuse(403, "returning a proposal is a handling unit's", auth.Admin, auth.Office, auth.Leader, auth.MemberRole),
	"POST /api/v1/proposals/{id}/reply":                       rec("proposal").refuse(404, "coordinator, cadre and a unit not assigned to it do not see the proposal", auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor).refuse(403, "signing for and replying to a proposal is a handling unit's", auth.Leader, auth.MemberRole),
	"POST /api/v1/proposals/{id}/rating":                      rec("proposal"),
	"GET /api/v1/unit/proposals":                              perm(),
	"GET /api/v1/cadres":                                      perm(),
	"POST /api/v1/cadres":                                     perm(),
	"PUT /api/v1/cadres/{id}":                                 rec("cadre"),
	"POST /api/v1/cadres/{id}/leave":                          rec("cadre"),
	"GET /api/v1/households":                                  perm(),
	"POST /api/v1/households":                                 perm(),
	"GET /api/v1/households/{id}":                             rec("household").refuse(404, "a cadre sees only the households it is paired with", auth.Cadre),
	"PUT /api/v1/households/{id}":                             rec("household"),
	"POST /api/v1/households/{id}/persons":                    rec("household"),
	"PUT /api/v1/households/{id}/persons/{pid}":               sub("household"),
	"POST /api/v1/persons/{id}/reveal":                        rec("person").refuse(403, "revealing an identity number is a paired cadre's, with a reason", auth.Admin, auth.Office, auth.Leader).refuse(404, "a cadre sees only the households it is paired with", auth.Cadre),
	"GET /api/v1/pairings":                                    perm(),
	"POST /api/v1/pairings":                                   perm(),
	"POST /api/v1/pairings/{id}/end":                          rec("pairing"),
	"POST /api/v1/pairings/{id}/handover":                     rec("pairing"),
	"GET /api/v1/assist/rules":                                perm(),
	"PUT /api/v1/assist/rules":                                perm().also("a township account has no committee of its own: 404", 404),
	"GET /api/v1/visits":                                      perm(),
	"POST /api/v1/visits":                                     perm().refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"GET /api/v1/problems":                                    perm(),
	"POST /api/v1/problems":                                   perm(),
	"POST /api/v1/problems/{id}/status":                       rec("problem").refuse(404, "a cadre sees only the problems of its own pairings", auth.Cadre),
	"GET /api/v1/assist/due":                                  perm(),
	"GET /households":                                         perm(),
	"GET /households/new":                                     perm(),
	"POST /households":                                        perm(),
	"GET /households/{id}":                                    rec("household").refuse(404, "a cadre sees only the households it is paired with", auth.Cadre),
	"GET /households/{id}/edit":                               rec("household"),
	"POST /households/{id}":                                   rec("household"),
	"POST /households/{id}/persons":                           rec("household"),
	"GET /households/{id}/persons/{pid}/edit":                 sub("household"),
	"POST /households/{id}/persons/{pid}":                     sub("household"),
	"POST /households/{id}/persons/{pid}/reveal":              sub("household"),
	"POST /households/{id}/pairings":                          rec("household"),
	"POST /visits":                                            perm().refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"GET /visit-photos/{id}":                                  rec("visit-photo").refuse(404, "a cadre sees only the visits of its own pairings", auth.Cadre),
	"GET /problems":                                           perm(),
	"POST /problems":                                          perm(),
	"POST /problems/{id}/status":                              rec("problem").refuse(404, "a cadre sees only the problems of its own pairings", auth.Cadre),
	"GET /cadres":                                             perm(),
	"POST /cadres":                                            perm(),
	"POST /cadres/{id}/leave":                                 rec("cadre"),
	"GET /pairings":                                           perm(),
	"POST /pairings/{id}/handover":                            rec("pairing"),
	"POST /pairings/{id}/end":                                 rec("pairing"),
	"GET /assist/due":                                         perm(),
	"GET /assist/rules":                                       perm(),
	"POST /assist/rules":                                      perm().also("a township account has no committee of its own: 404", 404),
	"GET /enterprises":                                        perm(),
	"GET /enterprises.xlsx":                                   perm(),
	"GET /enterprises/new":                                    perm(),
	"POST /enterprises":                                       perm(),
	"GET /enterprises/{id}":                                   rec("enterprise"),
	"GET /enterprises/{id}/edit":                              rec("enterprise"),
	"POST /enterprises/{id}":                                  rec("enterprise"),
	"POST /enterprises/{id}/archive":                          rec("enterprise"),
	"POST /enterprises/{id}/liaisons":                         rec("enterprise"),
	"POST /enterprises/{id}/liaisons/{pid}/end":               sub("enterprise"),
	"POST /enterprises/{id}/visits":                           rec("enterprise").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /enterprises/{id}/problems":                         rec("enterprise").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /enterprises/{id}/problems/{pid}/status":            sub("enterprise"),
	"GET /api/v1/enterprises":                                 perm(),
	"POST /api/v1/enterprises":                                perm(),
	"GET /api/v1/enterprises/{id}":                            rec("enterprise"),
	"PUT /api/v1/enterprises/{id}":                            rec("enterprise"),
	"POST /api/v1/enterprises/{id}/archive":                   rec("enterprise"),
	"POST /api/v1/enterprises/{id}/liaisons":                  rec("enterprise"),
	"POST /api/v1/enterprises/{id}/liaisons/{pid}/end":        sub("enterprise"),
	"POST /api/v1/enterprises/{id}/visits":                    rec("enterprise").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /api/v1/enterprises/{id}/problems":                  rec("enterprise").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /api/v1/enterprises/{id}/problems/{pid}/status":     sub("enterprise"),
	"GET /visit-campaigns":                                    perm(),
	"GET /visit-campaigns/new":                                perm(),
	"POST /visit-campaigns":                                   perm(),
	"GET /visit-campaigns/{id}":                               rec("vcampaign").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"GET /visit-campaigns/{id}/edit":                          rec("vcampaign"),
	"POST /visit-campaigns/{id}":                              rec("vcampaign"),
	"POST /visit-campaigns/{id}/targets":                      rec("vcampaign"),
	"POST /visit-campaigns/{id}/visitor":                      rec("vcampaign"),
	"POST /visit-campaigns/{id}/visits":                       rec("vcampaign").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /visit-campaigns/{id}/problems":                     rec("vcampaign").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /visit-campaigns/{id}/problems/{pid}/status":        sub("vcampaign"),
	"GET /visit-campaigns/{id}/rectification.xlsx":            rec("vcampaign"),
	"GET /api/v1/visit-campaigns":                             perm(),
	"POST /api/v1/visit-campaigns":                            perm(),
	"GET /api/v1/visit-campaigns/{id}":                        rec("vcampaign").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"PUT /api/v1/visit-campaigns/{id}":                        rec("vcampaign"),
	"POST /api/v1/visit-campaigns/{id}/targets":               rec("vcampaign"),
	"POST /api/v1/visit-campaigns/{id}/visitor":               rec("vcampaign"),
	"POST /api/v1/visit-campaigns/{id}/targets/{hid}/visits":  sub("vcampaign"),
	"POST /api/v1/visit-campaigns/{id}/problems":              rec("vcampaign").refuse(403, "a cadre works only on its own pairings, not on enterprises or visit campaigns", auth.Cadre),
	"POST /api/v1/visit-campaigns/{id}/problems/{pid}/status": sub("vcampaign"),
	"GET /reports":                                            perm().refuse(403, "a handling unit has no reports", auth.Unit, auth.SecAdmin, auth.Auditor),
	"GET /reports/new":                                        perm().refuse(403, "writing a report: office, member", auth.Leader, auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"POST /reports":                                           perm().refuse(403, "writing a report: office, member", auth.Leader, auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"GET /reports/{id}":                                       rec("report").refuse(403, "a handling unit has no reports", auth.Unit, auth.SecAdmin, auth.Auditor).refuse(404, "member, coordinator and cadre see only their own reports", auth.MemberRole, auth.Coordinator, auth.Cadre),
	"GET /reports/{id}/edit":                                  rec("report"),
	"POST /reports/{id}/edit":                                 rec("report"),
	"POST /reports/{id}/merge":                                rec("report"),
	"POST /reports/{id}/forward":                              rec("report"),
	"POST /reports/{id}/adopt":                                rec("report"),
	"POST /reports/{id}/decline":                              rec("report"),
	"GET /reports/stats":                                      perm().refuse(403, "report figures are the office's and leaders'", auth.MemberRole),
	"GET /reports/stats.xlsx":                                 perm().refuse(403, "report figures are the office's and leaders'", auth.MemberRole),
	"GET /api/v1/reports":                                     perm().refuse(403, "a handling unit has no reports", auth.Unit, auth.SecAdmin, auth.Auditor),
	"POST /api/v1/reports":                                    perm().refuse(403, "writing a report: office, member", auth.Leader, auth.Coordinator, auth.Cadre, auth.Unit, auth.SecAdmin, auth.Auditor),
	"GET /api/v1/reports/{id}":                                rec("report").refuse(403, "a handling unit has no reports", auth.Unit, auth.SecAdmin, auth.Auditor).refuse(404, "member, coordinator and cadre see only their own reports", auth.MemberRole, auth.Coordinator, auth.Cadre),
	"POST /api/v1/reports/{id}/adoptions":                     rec("report"),
	"GET /api/v1/reports/stats":                               perm().refuse(403, "report figures are the office's and leaders'", auth.MemberRole),
	"GET /proposals/stats":                                    perm().also("a township account has no committee of its own: 404", 404),
	"GET /proposals/stats.xlsx":                               perm().also("a township account has no committee of its own: 404", 404),
	"GET /api/v1/proposals/stats":                             perm().also("a township account has no committee of its own: 404", 404),
	"GET /dashboard":                                          perm(),
	"GET /dashboard.xlsx":                                     perm(),
	"GET /api/v1/dashboard":                                   perm(),
	"GET /duty":                                               perm(),
	"GET /duty/ranking.xlsx":                                  perm(),
	"GET /duty/members/{id}":                                  rec("member").refuse(404, "a member sees only its own duty file", auth.MemberRole),
	"GET /duty/members/{id}/file.xlsx":                        rec("member").refuse(404, "a member sees only its own duty file", auth.MemberRole),
	"GET /me/duty":                                            perm().refuse(404, "an account without a member has no duty file", auth.Admin, auth.Office, auth.Leader),
	"GET /duty/rules":                                         perm(),
	"GET /duty/rules/new":                                     perm(),
	"POST /duty/rules":                                        perm(),
	"GET /duty/rules/{id}":                                    rec("duty-rules"),
	"POST /duty/rules/{id}":                                   rec("duty-rules"),
	"POST /duty/rules/{id}/delete":                            rec("duty-rules"),
	"GET /api/v1/duty/members/{id}":                           rec("member").refuse(404, "a member sees only its own duty file", auth.MemberRole),
	"GET /api/v1/duty/ranking":                                perm(),
	"GET /api/v1/duty/rules":                                  perm(),
	"PUT /api/v1/duty/rules":                                  perm().also("a township account has no committee of its own: 404", 404),
	"GET /proposals":                                          perm(),
	"GET /proposals/new":                                      perm(),
	"POST /proposals/new":                                     perm(),
	"GET /proposals/{id}/edit":                                rec("proposal"),
	"POST /proposals/{id}/edit":                               rec("proposal"),
	"GET /proposals/rules":                                    perm(),
	"POST /proposals/rules":                                   perm(),
	"GET /proposals/graph":                                    perm(),
	"POST /proposals/graph":                                   perm(),
	"POST /proposals/graph/reset":                             perm().also("the empty form names no parent or meeting, or there is nothing to reset", 404),
	"GET /proposals/{id}":                                     rec("proposal"),
	"POST /proposals/{id}/advance":                            rec("proposal"),
	"POST /proposals/{id}/cosign":                             rec("proposal"),
	"POST /proposals/{id}/uncosign":                           rec("proposal"),
	"POST /proposals/{id}/files":                              rec("proposal"),
	"POST /proposals/{id}/rate":                               rec("proposal"),
	"POST /proposals/{id}/key":                                rec("proposal"),
	"POST /proposals/{id}/unkey":                              rec("proposal"),
	"POST /proposals/{id}/excellent":                          rec("proposal"),
	"POST /proposals/{id}/unexcellent":                        rec("proposal"),
	"POST /proposals/{id}/sign":                               rec("proposal"),
	"POST /proposals/{id}/reply":                              rec("proposal"),
	"GET /proposal-files/{id}":                                rec("proposal-file"),
	"GET /meetings.xlsx":                                      perm(),
	"GET /units.xlsx":                                         perm(),
	"GET /rooms.xlsx":                                         perm(),
	"GET /plans.xlsx":                                         perm(),
	"GET /proposals.xlsx":                                     perm(),
	"GET /reports.xlsx":                                       perm().refuse(403, "a handling unit has no reports", auth.Unit, auth.SecAdmin, auth.Auditor),
	"GET /audit.xlsx":                                         perm(),
	"GET /accounts.xlsx":                                      perm(),
	"GET /cadres.xlsx":                                        perm(),
	"GET /pairings.xlsx":                                      perm(),
	"GET /problems.xlsx":                                      perm(),
	"GET /orgs.xlsx":                                          perm(),
	"GET /campaigns.xlsx":                                     perm(),
	"GET /activities.xlsx":                                    perm(),
	"GET /visit-campaigns.xlsx":                               perm(),
	"GET /search":                                             perm(),
	"GET /api/v1/search":                                      perm(),
	"GET /visits/{id}":                                        rec("visit").refuse(404, "a cadre sees only the visits of its own pairings", auth.Cadre),
	"GET /workbook.xlsx":                                      perm(),
	"GET /activities":                                         perm(),
	"GET /activities/new":                                     perm(),
	"POST /activities":                                        perm(),
	"GET /activities/kinds":                                   perm(),
	"POST /activities/kinds":                                  perm(),
	"GET /activities/{id}":                                    rec("activity"),
	"GET /activities/{id}/edit":                               rec("activity"),
	"POST /activities/{id}":                                   rec("activity"),
	"POST /activities/{id}/delete":                            rec("activity"),
	"GET /api/v1/activities":                                  perm(),
	"POST /api/v1/activities":                                 perm(),
	"GET /api/v1/activities/{id}":                             rec("activity"),
	"PUT /api/v1/activities/{id}":                             rec("activity"),
	"DELETE /api/v1/activities/{id}":                          rec("activity"),
	"GET /press":                                              perm(),
	"GET /press/new":                                          perm(),
	"POST /press":                                             perm(),
	"GET /press/{id}":                                         rec("press"),
	"POST /press/{id}/confirm":                                rec("press"),
	"GET /press/items/{id}":                                   rec("press-item"),
	"POST /press/items/{id}/confirm":                          rec("press-item"),
	"POST /press/items/{id}/skip":                             rec("press-item"),
	"GET /styleguide":                                         perm(),
	"GET /api/v1/openapi.json":                                public(),
}

// mxMissingID names no record of any kind.
const mxMissingID = "987654321"

var matrixRelations = []string{"own", "parent", "sibling", "other"}

// TestAccessMatrixComplete: every route has an entry and every entry a route.
func TestAccessMatrixComplete(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	for _, rt := range e.web.Routes() {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		if _, ok := accessMatrix[key]; !ok {
			t.Errorf("route %s has no entry: add it to the access matrix (access_matrix_test.go)", key)
		}
	}
	for key := range accessMatrix {
		if !seen[key] {
			t.Errorf("access matrix names %s, which is no route", key)
		}
	}
}

// matrixFixture is the world of the matrix: records of county A and the
// accounts per role and relation.
type matrixFixture struct {
	ids     map[string]string                // record kind → id
	clients map[string]map[auth.Role]*client // relation → role → signed-in client
}

func newMatrixFixture(t *testing.T, e *env) *matrixFixture {
	ctx := context.Background()
	sys := app.System
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("matrix fixture %s: %v", what, err)
		}
	}
	mkOrg := func(parent int64, k org.Kind, name string) org.Org {
		o, err := e.db.CreateOrg(ctx, sys, org.Input{ParentID: parent, Kind: k, Name: name})
		must(name, err)
		return o
	}
	city2 := mkOrg(0, org.City, "另市政协")
	town2 := mkOrg(e.countyA.ID, org.Township, "矩阵镇")
	village2 := mkOrg(town2.ID, org.Village, "矩阵村")
	f := &matrixFixture{ids: map[string]string{}, clients: map[string]map[auth.Role]*client{}}
	set := func(k string, n int64) { f.ids[k] = id(n) }
	set("org", town2.ID)
	set("committee", e.countyA.ID) // routes on a committee's terms, sectors and special committees

	today := e.db.Today()
	term, err := e.db.CreateTerm(ctx, sys, e.countyA.ID, org.TermInput{Number: 9,
		StartDate: app.DateOf(today.Time(e.db.Loc).AddDate(-1, 0, 0))})
	must("term", err)
	set("term", term.ID)
	sec, err := e.db.CreateSector(ctx, sys, e.countyA.ID, org.NamedInput{Name: "矩阵界别"})
	must("sector", err)
	set("sector", sec.ID)
	spc, err := e.db.CreateSpecialCommittee(ctx, sys, e.countyA.ID, org.NamedInput{Name: "矩阵专委会"})
	must("special committee", err)
	set("spc", spc.ID)
	// members: the record, and the members behind the member-role accounts
	mem := map[string]member.Member{}
	for _, x := range []struct {
		key       string
		committee int64
	}{{"record", e.countyA.ID}, {"own", e.countyA.ID}, {"parent", e.countyA.ID}, {"sibling", e.countyB.ID},
		{"other", city2.ID}} {
		var seat *member.MembershipInput
		if x.committee == e.countyA.ID {
			seat = &member.MembershipInput{TermID: term.ID, SectorID: sec.ID, StartDate: term.StartDate}
		}
		m, err := e.db.CreateMemberInTerm(ctx, sys, x.committee, member.Input{Name: "矩阵委员" + x.key}, seat)
		must("member "+x.key, err)
		mem[x.key] = m
	}
	set("member", mem["record"].ID)
	mt, err := e.db.CreateMeeting(ctx, sys, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Symposium,
		Title: "矩阵座谈会", StartsAt: e.db.Now().Add(time.Hour), Place: "县政协会议室",
		Invitees: []int64{mem["record"].ID, mem["own"].ID}})
	must("meeting", err)
	set("meeting", mt.ID)
	// meeting business: an agenda item, a guest, a leave request,
	// a plenary session with an election sitting and its election
	item, err := e.db.AddAgendaItem(ctx, sys, mt.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "矩阵决议"})
	must("agenda item", err)
	set("agenda", item.ID)
	doc, err := e.db.AddAgendaDocument(ctx, sys, item.ID, store.DocumentInput{FileName: "矩阵决议草案.pdf",
		Data: []byte("%PDF-1.4 matrix")})
	must("agenda document", err)
	set("document", doc.ID)
	guest, err := e.db.AddGuest(ctx, sys, mt.ID, store.GuestInput{Name: "矩阵嘉宾", Kind: store.GuestInvited})
	must("guest", err)
	set("guest", guest.ID)
	leave, err := e.db.RequestLeave(ctx, sys, mt.ID, mem["record"].ID, "出差")
	must("leave", err)
	set("leave", leave.ID)
	plenary, err := e.db.CreateMeeting(ctx, sys, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Plenary,
		StartsAt: e.db.Now().Add(time.Hour), EndsAt: e.db.Now().Add(48 * time.Hour), Place: "县会议中心"})
	must("plenary", err)
	sitting, err := e.db.CreateMeeting(ctx, sys, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Sitting,
		ParentID: plenary.ID, Sitting: meeting.Election, StartsAt: e.db.Now().Add(90 * time.Minute),
		EndsAt: e.db.Now().Add(3 * time.Hour), Place: "县会议中心"})
	must("sitting", err)
	el, err := e.db.CreateElection(ctx, sys, sitting.ID, store.ElectionInput{Title: "矩阵选举", Mode: election.Electronic})
	must("election", err)
	set("election", el.ID)
	role, err := e.db.AddRole(ctx, sys, mem["record"].ID, member.RoleInput{TermID: term.ID, Kind: member.Standing,
		StartDate: term.StartDate})
	must("role", err)
	set("role", role.ID)
	office, err := e.db.AddOffice(ctx, sys, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1})
	must("office", err)
	set("office", office.ID)
	tp, err := e.db.CreateTopic(ctx, sys, consult.TopicInput{OrgID: e.countyA.ID, Year: today.Y, Title: "矩阵议题",
		Source: consult.FromParty, Form: consult.Thematic})
	must("topic", err)
	set("topic", tp.ID)
	room, err := e.db.CreateRoom(ctx, sys, consult.RoomInput{OrgID: village2.ID, Name: "矩阵村协商议事室", Brand: "有事好商量"})
	must("room", err)
	set("room", room.ID)
	hh, err := e.db.CreateHousehold(ctx, sys, store.HouseholdInput{OrgID: village2.ID, HeadName: "矩阵户", RegisteredOn: today})
	must("household", err)
	set("household", hh.ID)
	ent, err := e.db.CreateEnterprise(ctx, sys, store.EnterpriseInput{OrgID: town2.ID, Name: "矩阵机械厂",
		USCC: "91371524MA3C8PKL10"})
	must("enterprise", err)
	set("enterprise", ent.ID)
	officeA := app.Actor{AccountID: 1, Name: "矩阵", Role: string(auth.Office), OrgID: e.countyA.ID, Path: e.countyA.Path,
		CommitteeID: e.countyA.ID}
	pr, err := e.db.CreateProposal(ctx, officeA, proposal.Input{TermID: term.ID, Session: 1, Title: "矩阵提案",
		Category: "经济建设", MemberID: mem["record"].ID})
	must("proposal", err)
	_, err = e.db.AdvanceProposal(ctx, officeA, pr.ID, store.ProposalAdvance{To: proposal.Submitted})
	must("submit proposal", err)
	set("proposal", pr.ID)
	act, err := e.db.CreateActivity(ctx, sys, store.ActivityInput{OrgID: e.countyA.ID, Kind: "investment", Title: "矩阵考察",
		StartsOn: today, EndsOn: today})
	must("activity", err)
	set("activity", act.ID)
	person, err := e.db.AddHouseholdPerson(ctx, sys, hh.ID, store.PersonInput{Name: "矩阵户", Relation: "户主",
		Categories: []string{"elder80"}})
	must("person", err)
	set("person", person.ID)
	ract, err := e.db.CreateRoomActivity(ctx, sys, room.ID, consult.ActivityInput{HeldOn: today, Title: "矩阵议事",
		MemberIDs: []int64{mem["record"].ID}, Residents: 8})
	must("room activity", err)
	set("room-activity", ract.ID)
	rules, err := e.db.SaveDutyRules(ctx, officeA, e.countyA.ID, 0, duty.DefaultRules(today.Y))
	must("duty rules", err)
	set("duty-rules", rules.ID)
	target := e.account("mx-target", auth.Office, e.countyA.ID)
	set("account", target.ID)
	unit, err := e.db.CreateUnit(ctx, sys, store.UnitInput{CommitteeID: e.countyA.ID, Name: "矩阵承办单位"})
	must("unit", err)
	set("unit", unit.ID)
	vc, err := e.db.CreateVisitCampaign(ctx, sys, store.VisitCampaignInput{OrgID: e.countyA.ID, Title: "矩阵遍访",
		StartsOn: today, EndsOn: today})
	must("visit campaign", err)
	set("vcampaign", vc.ID)
	rep, err := e.db.CreateReport(ctx, sys, store.ReportInput{OrgID: e.countyA.ID, Year: today.Y, Title: "矩阵社情民意",
		Body: "内容。", Authors: []store.ReportAuthorInput{{Name: "县政协办公室"}}})
	must("report", err)
	set("report", rep.ID)
	plan, err := e.db.CreatePlan(ctx, sys, store.PlanInput{CommitteeID: e.countyA.ID, Year: today.Y})
	must("plan", err)
	set("plan", plan.ID)
	camp, err := e.db.CreateCampaign(ctx, sys, consult.Campaign{OrgID: e.countyA.ID, Year: today.Y, Title: "矩阵征集",
		Intro: "欢迎", OpensOn: today, ClosesOn: app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, 10))})
	must("campaign", err)
	set("campaign", camp.ID)
	cadre, err := e.db.CreateCadre(ctx, sys, store.CadreInput{OrgID: e.countyA.ID, Name: "矩阵干部", Post: "科员"})
	must("cadre", err)
	set("cadre", cadre.ID)

	pairing, err := e.db.CreatePairing(ctx, sys, store.PairingInput{CadreID: cadre.ID, HouseholdID: hh.ID, StartsOn: today})
	must("pairing", err)
	set("pairing", pairing.ID)
	problem, err := e.db.CreateProblem(ctx, sys, store.ProblemInput{HouseholdID: hh.ID, Category: "housing", Description: "屋顶漏雨"})
	must("problem", err)
	set("problem", problem.ID)

	// a proposal sent to the unit of the own relation's unit account
	pu, err := e.db.CreateProposal(ctx, officeA, proposal.Input{TermID: term.ID, Session: 1, Title: "矩阵交办提案",
		Category: "经济建设", MemberID: mem["record"].ID})
	must("unit proposal", err)
	for _, to := range []store.ProposalAdvance{{To: proposal.Submitted}, {To: proposal.Filed},
		{To: proposal.Assigned, Units: []store.AssignUnit{{UnitID: unit.ID, Lead: true}}}} {
		_, err = e.db.AdvanceProposal(ctx, officeA, pu.ID, to)
		must("advance unit proposal to "+string(to.To), err)
	}
	set("unit-proposal", pu.ID)

	// a newspaper page imported by county A's office, with one item
	imp, err := e.db.CreatePressImport(ctx, officeA, store.PressImportInput{Source: []byte("甲县政协视察。"), Year: today.Y,
		Articles: []press.Article{{Title: "甲县政协视察重点项目", Org: "甲县政协", Kind: press.KindResearch,
			Byline: []string{}, Figures: map[string]int64{}, Text: "甲县政协组织委员视察重点项目建设。"}}})
	must("press import", err)
	set("press", imp.ID)
	imp, err = e.db.FindPressImport(ctx, officeA, imp.ID)
	must("press import items", err)
	if len(imp.Items) == 0 {
		t.Fatal("matrix fixture: the press import has no item")
	}
	set("press-item", imp.Items[0].ID)

	seats, err := e.db.FindMemberships(ctx, sys, mem["record"].ID)
	must("memberships", err)
	if len(seats) == 0 {
		t.Fatal("matrix fixture: the member has no seat")
	}
	set("membership", seats[0].ID)

	// a notice to the own relation's member, and an API token of the target account
	nid, err := e.db.SendNotice(ctx, sys, notice.Notice{OrgID: e.countyA.ID, Kind: notice.KindMeeting,
		Subject: "矩阵会议通知", Body: "定于明日召开。", Link: "/meetings/" + f.ids["meeting"], Source: "meeting",
		SourceID: mt.ID}, []notice.Recipient{{MemberID: mem["own"].ID}})
	must("notice", err)
	set("notice", nid)
	tok, _, err := e.db.CreateAPIToken(ctx, app.Actor{AccountID: target.ID, Name: "mx-target", Role: string(auth.Office),
		OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}, "矩阵令牌", time.Hour)
	must("token", err)
	set("token", tok.ID)

	// a finished member import of county A
	job, err := e.db.CreateImportJob(ctx, officeA, e.countyA.ID, "members", "矩阵名册.xlsx", 1)
	must("import job", err)
	must("finish import job", e.db.FinishImportJob(ctx, job.ID, store.JobDone, 1, ""))
	set("import-job", job.ID)

	// an open electronic vote at a meeting of its own (opened, both invitees
	// signed in), so the fixture meeting stays a draft
	vm, err := e.db.CreateMeeting(ctx, sys, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Symposium,
		Title: "矩阵表决会", StartsAt: e.db.Now().Add(time.Hour), Place: "县政协会议室",
		Invitees: []int64{mem["record"].ID, mem["own"].ID}})
	must("vote meeting", err)
	vitem, err := e.db.AddAgendaItem(ctx, sys, vm.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "矩阵表决事项"})
	must("vote agenda item", err)
	_, err = e.db.OpenMeeting(ctx, sys, vm.ID)
	must("open vote meeting", err)
	for _, k := range []string{"record", "own"} {
		_, err = e.db.SignIn(ctx, sys, vm.ID, mem[k].ID, store.SignInClerk, e.db.Now())
		must("sign in "+k, err)
	}
	vote, err := e.db.OpenVote(ctx, sys, vitem.ID, store.VoteElectronic, meeting.PassRule{})
	must("vote", err)
	set("vote", vote.ID)

	// a member serving in the village's room
	rm, err := e.db.AssignRoomMember(ctx, sys, room.ID, consult.RoomMemberInput{MemberID: mem["record"].ID, From: today})
	must("room member", err)
	set("room-member", rm.ID)

	// the topic's outcome (with a document) sent to the unit, and the unit's reply
	outcome, err := e.db.AddTopicOutcome(ctx, officeA, tp.ID, store.OutcomeInput{Kind: store.OutcomeRecommendation,
		Title: "矩阵建议案"}, &store.DocumentInput{FileName: "矩阵建议案.pdf", Data: []byte("%PDF-1.4 matrix outcome")})
	must("topic outcome", err)
	if len(outcome.Files) == 0 {
		t.Fatal("matrix fixture: the outcome has no file")
	}
	set("topic-file", outcome.Files[0].ID)
	asg, err := e.db.AssignTopicOutcome(ctx, officeA, tp.ID, store.AssignInput{OutcomeID: outcome.ID,
		LeadUnitIDs: []int64{unit.ID}, Deadline: app.DateOf(today.Time(e.db.Loc).AddDate(0, 1, 0))})
	must("assignment", err)
	if len(asg) != 1 {
		t.Fatalf("matrix fixture: %d assignments", len(asg))
	}
	set("assignment", asg[0].ID)
	unitA := app.Actor{AccountID: 1, Name: "矩阵承办单位", Role: string(auth.Unit), OrgID: e.countyA.ID,
		Path: e.countyA.Path, CommitteeID: e.countyA.ID, UnitID: unit.ID}
	reply, err := e.db.ReplyAssignment(ctx, unitA, asg[0].ID, store.ReplyInput{Body: "已按建议办理。"}, nil)
	must("reply", err)
	set("reply", reply.ID)

	// files of the proposals: the proposal's own and the unit proposal's
	pf, err := e.db.AddProposalFile(ctx, officeA, pr.ID, store.DocumentInput{FileName: "矩阵提案附件.pdf",
		Data: []byte("%PDF-1.4 matrix proposal")})
	must("proposal file", err)
	set("proposal-file", pf.ID)
	upf, err := e.db.AddProposalFile(ctx, officeA, pu.ID, store.DocumentInput{FileName: "矩阵交办附件.pdf",
		Data: []byte("%PDF-1.4 matrix unit proposal")})
	must("unit proposal file", err)
	set("unit-proposal-file", upf.ID)

	// the cadre's visit to its household, with a photo
	visit, err := e.db.AddAssistVisit(ctx, officeA, store.AssistVisitInput{CadreID: cadre.ID, HouseholdID: hh.ID,
		VisitedOn: today, Seen: "身体尚可"}, []store.DocumentInput{{FileName: "矩阵走访.png",
		Data: []byte("\x89PNG\r\n\x1a\n0000000000")}})
	must("visit", err)
	set("visit", visit.ID)
	if len(visit.Photos) == 0 {
		t.Fatal("matrix fixture: the visit has no photo")
	}
	set("visit-photo", visit.Photos[0].ID)

	at := map[string]int64{"own": e.countyA.ID, "parent": e.town.ID, "sibling": e.countyB.ID, "other": city2.ID}
	for _, rel := range matrixRelations {
		f.clients[rel] = map[auth.Role]*client{}
		for _, r := range auth.Roles {
			name := "mx-" + string(r) + "-" + rel
			if r == auth.MemberRole {
				a, err := e.db.CreateAccount(ctx, sys, auth.AccountInput{Username: name, DisplayName: name,
					Role: r, OrgID: at[rel], MemberID: mem[rel].ID, Password: testPassword})
				must(name, err)
				must(name, e.db.ClearMustChangePassword(ctx, a.ID))
			} else if r == auth.Unit && rel == "own" { // the unit the fixture proposal is sent to
				a, err := e.db.CreateAccount(ctx, sys, auth.AccountInput{Username: name, DisplayName: name,
					Role: r, OrgID: at[rel], UnitID: unit.ID, Password: testPassword})
				must(name, err)
				must(name, e.db.ClearMustChangePassword(ctx, a.ID))
			} else {
				e.account(name, r, at[rel])
			}
			f.clients[rel][r] = e.login(name)
		}
	}
	return f
}

// matrixCase is one request of the matrix.
type matrixCase struct {
	rt   web.Route
	rule matrixRule
	rel  string
	role auth.Role
	n    int // the route's place in the table
}

// destructive routes run last among the writes.
func destructive(rt web.Route) bool {
	if rt.Method == "DELETE" {
		return true
	}
	for _, s := range []string{"/archive", "/delete", "/end", "/close", "/revoke", "/remove", "/leave", "/uncosign"} {
		if strings.HasSuffix(rt.Pattern, s) {
			return true
		}
	}
	return false
}

func TestAccessMatrix(t *testing.T) {
	e := newEnv(t)
	f := newMatrixFixture(t, e)
	relOrder := map[string]int{"other": 0, "sibling": 1, "parent": 2, "own": 3}
	var cases []matrixCase
	for n, rt := range e.web.Routes() {
		rule, ok := accessMatrix[rt.Method+" "+rt.Pattern]
		if !ok || rule.kind == mxSkip {
			continue // TestAccessMatrixComplete names it
		}
		for _, rel := range matrixRelations {
			for _, role := range auth.Roles {
				cases = append(cases, matrixCase{rt, rule, rel, role, n})
			}
		}
	}
	phase := func(c matrixCase) int {
		switch {
		case c.rt.Method == "GET":
			return 0
		case destructive(c.rt):
			return 2
		}
		return 1
	}
	rank := func(c matrixCase) int { // reads first; per write route the refused relations before own
		r := relOrder[c.rel]
		if phase(c) == 0 {
			r = 0
		}
		return phase(c)*10 + r
	}
	slices.SortStableFunc(cases, func(a, b matrixCase) int {
		if pa, pb := phase(a), phase(b); pa != pb {
			return pa - pb
		}
		if a.n != b.n {
			return a.n - b.n
		}
		return rank(a) - rank(b)
	})
	counts := map[string]int{}
	skips := 0
	for _, r := range accessMatrix {
		if r.kind == mxSkip {
			skips++
		}
	}
	routes := map[string]bool{}
	anonymous := 0
	removed := map[string]bool{} // record kinds a destructive route removed or ended once
	for _, c := range cases {
		key := c.rt.Method + " " + c.rt.Pattern
		routes[key] = true
		path := matrixPath(c, f)
		form := url.Values{}
		if c.rule.form[0] != "" {
			form.Set(c.rule.form[0], f.ids[c.rule.form[1]])
		}
		status := matrixDo(t, f.clients[c.rel][c.role], c.rt, path, form)
		counts[statusClass(status)]++
		if msg := matrixCheck(c, status, removed[c.rule.rec]); msg != "" {
			t.Errorf("%s %s as %s (%s): %d, %s", c.rt.Method, path, c.role, c.rel, status, msg)
		}
		if c.rel == "own" && destructive(c.rt) && status < 400 {
			removed[c.rule.rec] = true
		}
	}
	// not signed in: public routes answer, others send the browser to the
	// login page (303) or answer the API client 401
	anon := e.anon()
	for n, rt := range e.web.Routes() {
		rule, ok := accessMatrix[rt.Method+" "+rt.Pattern]
		if !ok || rule.kind == mxSkip {
			continue
		}
		c := matrixCase{rt: rt, rule: rule, rel: "anonymous", n: n}
		path := matrixPath(c, f)
		status := matrixDo(t, anon, rt, path, url.Values{})
		counts[statusClass(status)]++
		anonymous++
		want := http.StatusSeeOther
		if rt.API {
			want = http.StatusUnauthorized
		}
		switch {
		case rule.kind == mxPublic:
			if status >= 500 || (status == 403 || status == 404) && !slices.Contains(rule.extra, status) {
				t.Errorf("%s %s not signed in: %d, want an answer on a public route", rt.Method, path, status)
			}
		case status != want:
			t.Errorf("%s %s not signed in: %d, want %d", rt.Method, path, status, want)
		}
	}
	t.Logf("access matrix: %d routes (%d skipped) × %d roles × %d relations = %d requests, %d more not signed in: %d 2xx, %d 3xx, %d 403, %d 404, %d other 4xx, %d 5xx",
		len(routes), skips, len(auth.Roles), len(matrixRelations), len(cases), anonymous, counts["2xx"], counts["3xx"],
		counts["403"], counts["404"], counts["4xx"], counts["5xx"])
}

func statusClass(s int) string {
	switch {
	case s == 403:
		return "403"
	case s == 404:
		return "404"
	case s >= 500:
		return "5xx"
	case s >= 400:
		return "4xx"
	case s >= 300:
		return "3xx"
	}
	return "2xx"
}

// matrixPath fills the pattern's parameters: the first with the record of
// the rule's kind (or mxMissingID), any other with mxMissingID.
func matrixPath(c matrixCase, f *matrixFixture) string {
	p := strings.TrimSuffix(c.rt.Pattern, "{$}")
	first := true
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p
		}
		j := strings.Index(p[i:], "}") + i
		v := mxMissingID
		if first && c.rule.rec != "" {
			v = f.ids[c.rule.rec]
		}
		first = false
		p = p[:i] + v + p[j+1:]
	}
}

// matrixDo sends the request as a browser or an API client would.
func matrixDo(t *testing.T, c *client, rt web.Route, path string, form url.Values) int {
	t.Helper()
	var rd io.Reader
	req, _ := http.NewRequest(rt.Method, c.e.srv.URL+path, nil)
	if rt.Method != "GET" {
		if rt.API {
			rd = strings.NewReader("{}")
			req, _ = http.NewRequest(rt.Method, c.e.srv.URL+path, rd)
			req.Header.Set("Content-Type", "application/json")
		} else {
			form.Set("csrf_token", c.csrf)
			rd = strings.NewReader(form.Encode())
			req, _ = http.NewRequest(rt.Method, c.e.srv.URL+path, rd)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	req.Header.Set("X-CSRF-Token", c.csrf)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %s: %v", rt.Method, path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// matrixCheck returns what is wrong with status, or "".
// removed says an earlier destructive case on the same record succeeded, so
// the record may be gone (404).
func matrixCheck(c matrixCase, status int, removed bool) string {
	if status >= 500 {
		return "a server error"
	}
	p := c.rt.Perm
	if c.rule.perm != "" {
		p = c.rule.perm
	}
	allowed := p == "" || c.role.Can(p)
	if want, ok := c.rule.deny[c.role]; ok && allowed {
		if status != want && !slices.Contains(c.rule.extra, status) && !(status == 404 && c.rel != "own" && c.rule.kind != mxPerm) {
			return fmt.Sprintf("want %d (%s)", want, c.rule.why)
		}
		return ""
	}
	answered := status != 403 && status != 404 || slices.Contains(c.rule.extra, status) ||
		status == 404 && removed // an earlier case (another role) removed the record
	rel := c.rel
	if rel == "parent" && c.rule.parent {
		rel = "own"
	}
	switch c.rule.kind {
	case mxPublic:
		if !answered {
			return "want an answer on a public route"
		}
	case mxPerm:
		if !allowed {
			if status != 403 {
				return "want 403: the role lacks " + string(p)
			}
		} else if !answered {
			return "want an answer: the role holds " + string(p)
		}
	case mxRec, mxSub:
		switch {
		case !allowed:
			if status != 403 {
				return "want 403: the role lacks " + string(p)
			}
		case rel != "own":
			if status != 404 && !(c.rule.kind == mxRec && slices.Contains(c.rule.extra, status)) {
				return "want 404: the record is outside the account's subtree"
			}
		case !answered && (status != 404 || c.rule.kind == mxRec):
			return "want an answer: the record is in the subtree and the role holds " + string(p)
		}
	case mxSigned:
		// any answer but a server error
	}
	return ""
}

// A township's office sees its county's handling units (store unitsScope) but
// may not change them: whatever the form (complete, empty or malformed), saving
// answers 404 and the unit is unchanged; the county's own office gets the
// form's errors (422) for the same empty or malformed form, since the unit is
// looked up before the form is validated.
func TestAccessMatrixUnitOfCounty(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.db.CreateUnit(ctx, app.System, store.UnitInput{CommitteeID: e.countyA.ID, Name: "县交通运输局"})
	if err != nil {
		t.Fatal(err)
	}
	e.account("office-town", auth.Office, e.town.ID)
	e.account("office-county", auth.Office, e.countyA.ID)
	town, county := e.login("office-town"), e.login("office-county")
	if status, _ := town.get("/units/" + id(u.ID) + "/edit"); status != http.StatusOK {
		t.Fatalf("edit form: %d", status)
	}
	form := func(what string) url.Values { // a fresh one each time: post adds the client's CSRF token
		return map[string]url.Values{
			"complete":  {"name": {"改名的单位"}, "kind": {"government"}},
			"empty":     {},
			"malformed": {"name": {"改名的单位"}, "kind": {"government"}, "sort": {"第一"}},
		}[what]
	}
	for _, what := range []string{"complete", "empty", "malformed"} {
		if res := town.post("/units/"+id(u.ID), form(what)); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s form from a township: %d, want 404\n%s", what, res.StatusCode, body(res))
		}
	}
	for what, in := range map[string]map[string]any{"complete": {"name": "改名的单位", "kind": "government"}, "empty": {}} {
		if st := town.api("PUT", "/api/v1/units/"+id(u.ID), in, nil); st != http.StatusNotFound {
			t.Errorf("API %s body from a township: %d, want 404", what, st)
		}
	}
	for _, what := range []string{"empty", "malformed"} {
		if res := county.post("/units/"+id(u.ID), form(what)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s form from the county: %d, want 422\n%s", what, res.StatusCode, body(res))
		}
	}
	if st := county.api("PUT", "/api/v1/units/"+id(u.ID), map[string]any{}, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("API empty body from the county: %d, want 422", st)
	}
	after, err := e.db.FindUnitByID(ctx, app.System, u.ID)
	if err != nil || after.Name != "县交通运输局" {
		t.Fatalf("unit after: %+v, %v", after, err)
	}
}
