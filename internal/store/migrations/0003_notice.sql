-- Notices that reach people: the notice, its recipients (contact details
-- copied at send time, with read and delivery status) and the outbox of
-- e-mails and SMS still to send. The outbox is written in the sender's
-- transaction and drained after commit by notice.Deliverer, so a rolled-back
-- meeting sends nothing and a failed delivery is retried.

CREATE TABLE notice (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    org_id       BIGINT NOT NULL REFERENCES org(id),
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    link         TEXT NOT NULL DEFAULT '',  -- a relative URL in the app
    source       TEXT NOT NULL DEFAULT '',  -- the module that sent it: meeting, proposal, …
    source_id    BIGINT NOT NULL DEFAULT 0,
    created_by   BIGINT NOT NULL DEFAULT 0, -- account
    created_at   {{TS}} NOT NULL
);
CREATE INDEX notice_org ON notice (org_id, created_at);
CREATE INDEX notice_source ON notice (source, source_id);

CREATE TABLE notice_recipient (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    notice_id    BIGINT NOT NULL REFERENCES notice(id),
    account_id   BIGINT REFERENCES account(id),
    member_id    BIGINT REFERENCES member(id),
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    read_at      {{TS}},
    emailed_at   {{TS}},
    email_error  TEXT NOT NULL DEFAULT '',
    sms_at       {{TS}},
    sms_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notice_recipient_notice ON notice_recipient (notice_id, id);
CREATE INDEX notice_recipient_account ON notice_recipient (account_id, read_at);
CREATE INDEX notice_recipient_member ON notice_recipient (member_id, read_at);

CREATE TABLE outbox (
    id              {{PK}},
    committee_id    BIGINT NOT NULL,
    channel         TEXT NOT NULL,                   -- email, sms
    recipient_id    BIGINT NOT NULL REFERENCES notice_recipient(id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{TS}} NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending', -- pending, sent, failed
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      {{TS}} NOT NULL,
    updated_at      {{TS}} NOT NULL,
    UNIQUE (recipient_id, channel)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
