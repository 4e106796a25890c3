-- Grassroots consultation rooms (协商议事室): registered at a township or
-- street office, or at a village or community; the villages and communities
-- each serves (coverage: 村(社区)议事室阵地全覆盖); committee members assigned
-- to them (委员下沉); their consultation activities (议事活动) and the members
-- who took part (each also a duty event, source room_activity).
--
-- A room's scope and committee come from its organisation (org.path,
-- org.committee_id), so moving a township moves its rooms with it.

CREATE TABLE room (
    id                {{PK}},
    org_id            BIGINT NOT NULL REFERENCES org(id),
    name              TEXT NOT NULL,
    brand             TEXT NOT NULL DEFAULT '', -- 嘉事好商量, 有事好商量
    address           TEXT NOT NULL DEFAULT '',
    coordinator       TEXT NOT NULL DEFAULT '',
    coordinator_phone TEXT NOT NULL DEFAULT '',
    established_on    TEXT NOT NULL DEFAULT '', -- 'YYYY-MM-DD' or ''
    archived          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        {{TS}} NOT NULL,
    updated_at        {{TS}} NOT NULL
);
CREATE UNIQUE INDEX room_org_name ON room (org_id, name);

-- The villages and communities a room serves.
CREATE TABLE room_village (
    room_id    BIGINT NOT NULL REFERENCES room(id),
    village_id BIGINT NOT NULL REFERENCES org(id),
    PRIMARY KEY (room_id, village_id)
);
CREATE INDEX room_village_village ON room_village (village_id);

-- Members of the room's committee assigned to it, from a date to a date
-- ('' while open).
CREATE TABLE room_member (
    id         {{PK}},
    room_id    BIGINT NOT NULL REFERENCES room(id),
    member_id  BIGINT NOT NULL REFERENCES member(id),
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL DEFAULT '',
    created_at {{TS}} NOT NULL
);
CREATE INDEX room_member_room ON room_member (room_id, from_date);
CREATE INDEX room_member_member ON room_member (member_id);

-- A consultation held in a room. topic_id links it to a consultation topic
-- (no foreign key: topics live in their own migration).
CREATE TABLE room_activity (
    id         {{PK}},
    room_id    BIGINT NOT NULL REFERENCES room(id),
    held_on    TEXT NOT NULL, -- 'YYYY-MM-DD'
    title      TEXT NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    residents  INTEGER NOT NULL DEFAULT 0,
    others     TEXT NOT NULL DEFAULT '',
    result     TEXT NOT NULL DEFAULT '',
    topic_id   BIGINT,
    created_at {{TS}} NOT NULL,
    updated_at {{TS}} NOT NULL
);
CREATE INDEX room_activity_room ON room_activity (room_id, held_on);
CREATE INDEX room_activity_topic ON room_activity (topic_id);

-- The members who took part in an activity.
CREATE TABLE room_activity_member (
    activity_id BIGINT NOT NULL REFERENCES room_activity(id),
    member_id   BIGINT NOT NULL REFERENCES member(id),
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX room_activity_member_member ON room_activity_member (member_id);
