package consult

import (
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/member"
)

// Room is a grassroots consultation room (协商议事室) registered at a township
// or street office (乡镇/街道) or a village or community (村/社区), with the
// local brand it works under (嘉事好商量, 有事好商量) and the villages and
// communities it serves.
type Room struct {
	ID               int64     `json:"id"`
	OrgID            int64     `json:"org_id"` // the township or village it is registered at
	OrgName          string    `json:"org_name"`
	OrgKind          string    `json:"org_kind"`
	CommitteeID      int64     `json:"committee_id"` // the nearest committee above its organisation
	Name             string    `json:"name"`
	Brand            string    `json:"brand"` // 品牌名称, e.g. 嘉事好商量
	Address          string    `json:"address"`
	Coordinator      string    `json:"coordinator"`       // 联络员
	CoordinatorPhone string    `json:"coordinator_phone"` // masked for accounts without member:contact
	Established      app.Date  `json:"established"`
	Archived         bool      `json:"archived"`
	Villages         []Ref     `json:"villages"` // the villages and communities it serves
	Path             string    `json:"-"`        // its organisation's path, for scoping
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Ref names a record by id and name: a village a room serves, a member who took part.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Masked returns a copy with the coordinator's phone masked, for accounts
// not allowed to see contact details.
func (r Room) Masked() Room {
	r.CoordinatorPhone = member.MaskPhone(r.CoordinatorPhone)
	return r
}

// VillageNames lists the served villages' names, joined with 、.
func (r Room) VillageNames() string {
	names := make([]string, len(r.Villages))
	for i, v := range r.Villages {
		names[i] = v.Name
	}
	return strings.Join(names, "、")
}

// RoomInput is what a form or API call supplies to register or edit a room.
// VillageIDs empty for a room at a village means the village itself.
type RoomInput struct {
	OrgID            int64    `json:"org_id"`
	Name             string   `json:"name"`
	Brand            string   `json:"brand"`
	Address          string   `json:"address"`
	Coordinator      string   `json:"coordinator"`
	CoordinatorPhone string   `json:"coordinator_phone"`
	Established      app.Date `json:"established"`
	VillageIDs       []int64  `json:"village_ids"`
	Archived         bool     `json:"archived"`
}

// Normalize trims the text fields, strips spaces and dashes from the phone and
// drops repeated village ids.
func (in *RoomInput) Normalize() {
	for _, p := range []*string{&in.Name, &in.Brand, &in.Address, &in.Coordinator, &in.CoordinatorPhone} {
		*p = strings.TrimSpace(*p)
	}
	in.CoordinatorPhone = strings.NewReplacer("-", "", " ", "").Replace(in.CoordinatorPhone)
	in.VillageIDs = uniqueIDs(in.VillageIDs)
}

// Validate checks the fields that need no database. today is the committee's
// current date.
func (in RoomInput) Validate(today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	if in.OrgID <= 0 {
		errs.Add("org_id", "请选择议事室所在的乡镇(街道)或村(社区)")
	}
	textField(&errs, "name", "议事室名称", in.Name, true, 60)
	textField(&errs, "brand", "品牌名称", in.Brand, false, 30)
	textField(&errs, "address", "地址", in.Address, false, 200)
	textField(&errs, "coordinator", "联络员姓名", in.Coordinator, false, 30)
	if in.CoordinatorPhone != "" && !isPhone(in.CoordinatorPhone) {
		errs.Add("coordinator_phone", "联系电话应为7至20位数字")
	}
	if !in.Established.IsZero() {
		if in.Established.After(today) {
			errs.Add("established", "成立日期不能晚于今天")
		} else if in.Established.Y < 1949 {
			errs.Add("established", "成立日期不早于1949年")
		}
	}
	for _, id := range in.VillageIDs {
		if id <= 0 {
			errs.Add("village_ids", "服务的村(社区)选择无效")
			break
		}
	}
	return errs
}

// RoomMember is a member assigned to a room (委员下沉) from one date to another
// (open-ended while To is zero).
type RoomMember struct {
	ID         int64    `json:"id"`
	RoomID     int64    `json:"room_id"`
	MemberID   int64    `json:"member_id"`
	MemberName string   `json:"member_name"`
	From       app.Date `json:"from"`
	To         app.Date `json:"to"`
}

// ActiveOn reports whether the assignment covers day.
func (m RoomMember) ActiveOn(day app.Date) bool {
	return !m.From.After(day) && (m.To.IsZero() || !m.To.Before(day))
}

// RoomMemberInput assigns a member to a room.
type RoomMemberInput struct {
	MemberID int64    `json:"member_id"`
	From     app.Date `json:"from"`
	To       app.Date `json:"to"`
}

// Validate checks an assignment's dates.
func (in RoomMemberInput) Validate() app.FieldErrors {
	var errs app.FieldErrors
	if in.MemberID <= 0 {
		errs.Add("member_id", "请选择委员")
	}
	if in.From.IsZero() {
		errs.Add("from", "请填写下沉开始日期")
	}
	if !in.To.IsZero() && !in.From.IsZero() && in.To.Before(in.From) {
		errs.Add("to", "结束日期不能早于开始日期")
	}
	return errs
}

// Activity is one consultation held in a room (议事活动): the topic, the
// members who took part (each a duty event), residents and others present,
// and what was agreed or done.
type Activity struct {
	ID        int64     `json:"id"`
	RoomID    int64     `json:"room_id"`
	HeldOn    app.Date  `json:"held_on"`
	Title     string    `json:"title"`   // 议题
	Content   string    `json:"content"` // what was discussed
	Members   []Ref     `json:"members"` // participating members (id, name)
	Residents int       `json:"residents"`
	Others    string    `json:"others"` // other participants: departments, experts…
	Result    string    `json:"result"` // 议事结果
	TopicID   int64     `json:"topic_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MemberNames lists the participating members' names, joined with 、.
func (a Activity) MemberNames() string {
	return Room{Villages: a.Members}.VillageNames()
}

// ActivityInput records or edits an activity.
type ActivityInput struct {
	HeldOn    app.Date `json:"held_on"`
	Title     string   `json:"title"`
	Content   string   `json:"content"`
	MemberIDs []int64  `json:"member_ids"`
	Residents int      `json:"residents"`
	Others    string   `json:"others"`
	Result    string   `json:"result"`
	TopicID   int64    `json:"topic_id"` // a consultation topic this activity belongs to; 0 for none
}

// Normalize trims the text fields and drops repeated member ids.
func (in *ActivityInput) Normalize() {
	for _, p := range []*string{&in.Title, &in.Content, &in.Others, &in.Result} {
		*p = strings.TrimSpace(*p)
	}
	in.MemberIDs = uniqueIDs(in.MemberIDs)
}

// Validate checks an activity. today is the committee's current date: an
// activity is recorded once it has been held.
func (in ActivityInput) Validate(today app.Date) app.FieldErrors {
	var errs app.FieldErrors
	switch {
	case in.HeldOn.IsZero():
		errs.Add("held_on", "请填写活动日期")
	case in.HeldOn.After(today):
		errs.Add("held_on", "活动日期不能晚于今天")
	case in.HeldOn.Y < 2000:
		errs.Add("held_on", "活动日期不早于2000年")
	}
	textField(&errs, "title", "议题", in.Title, true, 100)
	textField(&errs, "content", "议事内容", in.Content, false, 2000)
	textField(&errs, "others", "其他参加人员", in.Others, false, 500)
	textField(&errs, "result", "议事结果", in.Result, false, 2000)
	if in.Residents < 0 || in.Residents > 100000 {
		errs.Add("residents", "参加群众人数应在0至100000之间")
	}
	if len(in.MemberIDs) > 200 {
		errs.Add("member_ids", "参加委员不能超过200人")
	}
	for _, id := range in.MemberIDs {
		if id <= 0 {
			errs.Add("member_ids", "参加委员选择无效")
			break
		}
	}
	if in.TopicID < 0 {
		errs.Add("topic_id", "关联议题选择无效")
	}
	if len(in.MemberIDs) == 0 && in.Residents == 0 && in.Others == "" {
		errs.Add("member_ids", "请至少登记一类参加人员（委员、群众或其他人员）")
	}
	return errs
}

func textField(errs *app.FieldErrors, field, label, v string, required bool, max int) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		errs.Add(field, label+"不能为空")
	case n > max:
		errs.Add(field, label+"不能超过"+app.Itoa(int64(max))+"个字")
	}
}

func isPhone(s string) bool {
	if len(s) < 7 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
