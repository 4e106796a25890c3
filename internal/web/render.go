package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// page builds the layout data for a signed-in request.
func page(r *http.Request, title, nav string) view.Page {
	st := state(r)
	p := view.Page{Title: title, Nav: nav, CSRF: st.session.CSRFToken, Flash: r.URL.Query().Get("ok")}
	if st.signed {
		role := st.account.Role
		org := st.account.OrgName
		if st.account.OrgID == 0 {
			org = "全平台"
		}
		p.User = &view.User{Name: st.account.DisplayName, RoleLabel: role.Label(), OrgName: org, Can: map[string]bool{
			"orgs":      role.Can(auth.OrgRead),
			"members":   role.Can(auth.MemberRead),
			"accounts":  role.Can(auth.AccountManage),
			"audit":     role.Can(auth.AuditRead),
			"settings":  role.Can(auth.SettingsWrite),
			"meetings":  role.Can(auth.MeetingRead),
			"topics":    role.Can(auth.ConsultRead),
			"rooms":     role.Can(auth.ConsultRead),
			"units":     role.Can(auth.ConsultWrite),
			"unit":      role.Can(auth.UnitReply),
			"assist":    role.Can(auth.AssistRead),
			"proposals": role.Can(auth.ProposalRead),
			"dashboard": role.Can(auth.DashboardRead),
			"duty":      role.Can(auth.MemberRead) || role == auth.MemberRole,
			"search":    len(store.SearchableKinds(actor(r))) > 0,
		}}
	}
	if msg, ok := flashMessages[p.Flash]; ok {
		p.Flash = msg
	} else {
		p.Flash = ""
	}
	return p
}

// flashMessages are the success notes a redirect may ask for with ?ok=key;
// only known keys are shown, so a link cannot put arbitrary text on a page.
var flashMessages = map[string]string{
	"saved":    "已保存",
	"reviewed": "已记录审阅确认",
	"created":  "已创建",
	"moved":    "已调整隶属关系",
	"archived": "已撤销",
	"deleted":  "已删除",
	"password": "密码已修改",
	"reset":    "密码已重置，请将新密码告知本人",
	"imported": "导入完成",
	"unlocked": "账号已解锁",
	"revoked":  "已吊销",
	"seeded":   "已添加默认界别和专门委员会",

	// accounts
	"signed_out": "已强制退出该账号的全部登录",

	// meetings
	"meeting_opened": "会议已开始，可以签到",
	"meeting_closed": "会议已结束",
	"signed_in":      "签到成功",
	"leave_sent":     "请假申请已提交",
	"vote_opened":    "表决已开始",
	"vote_closed":    "表决已结束",
	"voted":          "已投票，表决结束前可以更改",

	// press import (press.go)
	"press_confirmed": "已确认导入",
	"press_all":       "已确认全部可导入的条目",
	"press_some":      "已确认可导入的条目；有的条目未能导入，请逐条修改后确认",

	// meeting editing and agenda documents
	"uploaded": "文件已上传",

	// meeting notices and minutes (meeting_minutes.go)
	"notice_sent": "会议通知已发送",

	// meeting seating (排座)
	"seating_saved":   "座次设置已保存",
	"seating_moved":   "已调整应邀出席人员的顺序",
	"seating_rostrum": "已更新主席台就座人员",

	// elections (election.go)
	"election_created":   "选举已创建，会议议程已增加选举办法和总监票人、监票人名单两项",
	"election_opened":    "选票已发放",
	"ballot_issued":      "已补发选票",
	"election_closed":    "投票已结束，请计票",
	"entries_saved":      "本批选票已保存",
	"entry_resolved":     "已更正",
	"tally_signed":       "计票结果已签字",
	"election_confirmed": "选举结果已确认，当选人员已按任职日期任职",

	// grassroots consultation rooms (room.go)
	"room_assigned":  "已安排委员下沉",
	"activity_saved": "议事活动已保存，参加的委员已记履职",
	// the topic page and handling units (consult_topic_show.go, unit_inbox.go)
	"topic_advanced": "议题已进入下一环节",
	"topic_pushed":   "议题已向下级部署",
	"topic_assigned": "已交承办单位办理",
	"reply_judged":   "答复审核已记录",
	"reply_sent":     "答复已提交，等待政协机关审核",
	// a handling unit's proposals (proposal_unit.go)
	"proposal_signed":       "已签收，请在办理期限内答复",
	"proposal_return_asked": "退回申请已提交，等待政协提案委审核",

	// proposals (proposal.go, proposal_show.go)
	"proposal_created":    "提案已保存为草稿，确认无误后请征集联名或提交",
	"proposal_advanced":   "提案已进入下一环节",
	"proposal_cosigned":   "已联名",
	"proposal_uncosigned": "已撤回联名",
	"proposal_rated":      "评价已提交",
	"proposal_marked":     "已更新重点提案、优秀提案标记",
	"proposal_signed_for": "已代为签收",
	"proposal_replied":    "答复已录入",
}

// render writes a templ component with a status.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return c.Render(r.Context(), w)
}

// httpStatus maps an error code to a status.
func httpStatus(code string) int {
	switch code {
	case app.EINVALID:
		return http.StatusUnprocessableEntity
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.ECONFLICT:
		return http.StatusConflict
	case app.EFORBIDDEN:
		return http.StatusForbidden
	case app.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case app.ETHROTTLED:
		return http.StatusTooManyRequests
	case app.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

type apiKey struct{}

func withAPI(ctx context.Context) context.Context { return context.WithValue(ctx, apiKey{}, true) }

func isAPI(r *http.Request) bool { v, _ := r.Context().Value(apiKey{}).(bool); return v }

// fail answers an error: JSON for the API, an error page otherwise. Internal
// errors are logged with their cause and shown only as 系统内部错误.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = app.Errorf(app.ETOOLARGE, "提交的内容过大（上限 %d KB）", mbe.Limit/1024)
	}
	code := app.ErrorCode(err)
	status := httpStatus(code)
	if code == app.EINTERNAL && s.log != nil {
		s.log.Error("internal error", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]any{"error": map[string]any{
			"code": code, "message": app.ErrorMessage(err), "fields": app.ErrorFields(err)}})
		return
	}
	title := map[int]string{404: "未找到", 403: "无权访问", 401: "请先登录", 409: "操作冲突", 413: "内容过大",
		422: "提交的内容有误", 429: "请求过于频繁", 500: "系统内部错误"}[status]
	p := page(r, title, "")
	p.RequestID = requestID(r)
	var fields []string
	for _, f := range app.ErrorFields(err) {
		fields = append(fields, f.Message)
	}
	render(w, r, status, view.ErrorPage(p, status, app.ErrorMessage(err), fields))
}

// writeJSON writes v as JSON with a status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// redirect answers a successful form post (303 See Other).
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formError reports whether err should re-render the form (field errors or an
// expected conflict) rather than go to the error page.
func formError(err error) bool {
	switch app.ErrorCode(err) {
	case app.EINVALID, app.ECONFLICT:
		return true
	}
	return false
}

// formStatus is the status for re-rendering a form after err.
func formStatus(err error) int { return httpStatus(app.ErrorCode(err)) }
