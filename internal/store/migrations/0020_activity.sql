-- Other duty activities (履职活动): trainings, study sessions, visits to
-- members, investment trips, commendations and the like that no other
-- module records. Each is of one of the committee's activity kinds
-- (activity_kind, 0018), held by an organisation of the committee, with
-- named figures (figures_json: [{"name":"考察企业","value":12}, ...]) and its
-- participants: members (each also a duty event, kind 'activity_'+kind,
-- source 'activity') and others by name.

CREATE TABLE activity (
    id           {{PK}},
    org_id       BIGINT NOT NULL REFERENCES org(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    starts_on    TEXT NOT NULL,             -- 'YYYY-MM-DD'
    ends_on      TEXT NOT NULL DEFAULT '',  -- 'YYYY-MM-DD' or '' (one day)
    places       TEXT NOT NULL DEFAULT '',  -- one a line
    summary      TEXT NOT NULL DEFAULT '',
    figures_json TEXT NOT NULL DEFAULT '[]',
    organiser    TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX activity_committee ON activity (committee_id, starts_on);
CREATE INDEX activity_org ON activity (org_id);

-- Who took part: a member of the committee (member_id) or anyone by name.
CREATE TABLE activity_participant (
    id          {{PK}},
    activity_id BIGINT NOT NULL REFERENCES activity(id),
    member_id   BIGINT REFERENCES member(id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '', -- 带队, 参加, 受表彰, 被走访, ...
    note        TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activity_participant_activity ON activity_participant (activity_id, sort);
CREATE INDEX activity_participant_member ON activity_participant (member_id);
