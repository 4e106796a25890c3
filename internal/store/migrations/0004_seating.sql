-- Seating (排座): per meeting, how the rostrum (主席台) is seated and how wide
-- the hall's rows are. A meeting without a row here uses the defaults
-- (meeting.LeftHandSecond, invited leaders first, 20 seats a row). The
-- rostrum's people are computed: the expected members who are chair,
-- vice-chair or secretary-general that day, and the invited guests
-- (meeting_guest, kind 'invited') still marked on_rostrum, in their sort
-- order. Only the front row is modelled.
CREATE TABLE meeting_seating (
    meeting_id    BIGINT NOT NULL PRIMARY KEY REFERENCES meeting(id),
    committee_id  BIGINT NOT NULL,
    odd_second    TEXT NOT NULL,    -- left | right: No. 2's side, as seen from the audience, with an odd count
    even_second   TEXT NOT NULL,    -- the same with an even count
    invited_first BOOLEAN NOT NULL, -- invited leaders (应邀出席) before the committee's own
    seats_per_row INTEGER NOT NULL,
    updated_at    {{TS}} NOT NULL
);

-- 应邀出席并在主席台就座: an invited guest sits on the rostrum unless taken off it.
ALTER TABLE meeting_guest ADD COLUMN on_rostrum BOOLEAN NOT NULL DEFAULT TRUE;
