-- Business matchmaking: the slot grid (negotiation blocks cut into slots),
-- numbered tables, exhibitor availability and settings, meetings with their
-- invariants as constraints, interpreters, meeting wishes for the
-- auto-scheduler, and outcomes.

-- A block of negotiation time on one day, cut into slots of slot_minutes
-- with break_minutes between them. restrict_country limits a themed block
-- (e.g. "Korean Business Day") to exhibitors or attendees of one country.
CREATE TABLE negotiation_blocks (
    id {{pk}},
    day TEXT NOT NULL,
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 10 AND 120),
    break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes BETWEEN 0 AND 60),
    theme TEXT NOT NULL DEFAULT '',
    restrict_country TEXT NOT NULL DEFAULT '',
    CHECK (starts_at < ends_at)
);
CREATE INDEX negotiation_blocks_day_idx ON negotiation_blocks (day);

CREATE TABLE slots (
    id {{pk}},
    block_id BIGINT NOT NULL REFERENCES negotiation_blocks (id) ON DELETE CASCADE,
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX slots_block_idx ON slots (block_id, starts_at);
CREATE INDEX slots_time_idx ON slots (starts_at);

-- Numbered tables of the negotiation area.
CREATE TABLE meeting_tables (
    id {{pk}},
    number INTEGER NOT NULL UNIQUE CHECK (number > 0),
    area TEXT NOT NULL DEFAULT ''
);

-- How many parallel tables (representatives) an exhibitor brings, and
-- whether requests are accepted without asking.
ALTER TABLE exhibitors ADD COLUMN meeting_tables INTEGER NOT NULL DEFAULT 1 CHECK (meeting_tables BETWEEN 1 AND 20);
ALTER TABLE exhibitors ADD COLUMN auto_accept BOOLEAN NOT NULL DEFAULT FALSE;

-- The slots an exhibitor is available in. booked counts its open meetings
-- (pending or accepted) in that slot; a guarded update
-- (booked < exhibitors.meeting_tables) keeps it within its tables.
CREATE TABLE exhibitor_availability (
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    slot_id BIGINT NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (exhibitor_id, slot_id)
);
CREATE INDEX exhibitor_availability_slot_idx ON exhibitor_availability (slot_id);

-- Interpreters, optionally linked to a user account so they can log in and
-- see their own agenda.
CREATE TABLE interpreters (
    id {{pk}},
    name TEXT NOT NULL,
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    created_at {{time}} NOT NULL
);

-- Language pairs, stored with lang_a < lang_b.
CREATE TABLE interpreter_languages (
    interpreter_id BIGINT NOT NULL REFERENCES interpreters (id) ON DELETE CASCADE,
    lang_a TEXT NOT NULL,
    lang_b TEXT NOT NULL,
    PRIMARY KEY (interpreter_id, lang_a, lang_b),
    CHECK (lang_a < lang_b)
);
CREATE INDEX interpreter_languages_pair_idx ON interpreter_languages (lang_a, lang_b);

CREATE TABLE interpreter_availability (
    interpreter_id BIGINT NOT NULL REFERENCES interpreters (id) ON DELETE CASCADE,
    slot_id BIGINT NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    PRIMARY KEY (interpreter_id, slot_id)
);
CREATE INDEX interpreter_availability_slot_idx ON interpreter_availability (slot_id);

-- Meetings between an attendee and an exhibitor in a slot. Open meetings
-- (pending or accepted) obey three partial unique indexes below: an attendee
-- holds at most one per slot, a table at most one per slot, an interpreter
-- at most one per slot. The exhibitor's limit is exhibitor_availability.booked.
CREATE TABLE meetings (
    id {{pk}},
    slot_id BIGINT NOT NULL REFERENCES slots (id) ON DELETE RESTRICT,
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    attendee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    initiator TEXT NOT NULL CHECK (initiator IN ('attendee', 'exhibitor', 'scheduler')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired')),
    message TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    table_id BIGINT REFERENCES meeting_tables (id) ON DELETE SET NULL,
    interpreter_id BIGINT REFERENCES interpreters (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    closed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    expires_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE UNIQUE INDEX meetings_attendee_slot_open_idx ON meetings (attendee_id, slot_id) WHERE status IN ('pending', 'accepted');
CREATE UNIQUE INDEX meetings_table_slot_open_idx ON meetings (table_id, slot_id) WHERE status IN ('pending', 'accepted') AND table_id IS NOT NULL;
CREATE UNIQUE INDEX meetings_interpreter_slot_open_idx ON meetings (interpreter_id, slot_id) WHERE status IN ('pending', 'accepted') AND interpreter_id IS NOT NULL;
CREATE INDEX meetings_exhibitor_idx ON meetings (exhibitor_id, slot_id, status);
CREATE INDEX meetings_attendee_idx ON meetings (attendee_id, status);
CREATE INDEX meetings_slot_idx ON meetings (slot_id, status);
CREATE INDEX meetings_expiry_idx ON meetings (status, expires_at);

-- Per-attendee count of open requests they sent (anti-spam); a guarded
-- update (open_requests < the configured limit) enforces the limit.
CREATE TABLE matchmaking_quota (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_requests INTEGER NOT NULL DEFAULT 0 CHECK (open_requests >= 0)
);

-- "I want to meet them, this much" without a time, from either side; the
-- organizer's auto-scheduler places them.
CREATE TABLE meeting_wishes (
    id {{pk}},
    attendee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('attendee', 'exhibitor')),
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 3),
    created_at {{time}} NOT NULL,
    UNIQUE (attendee_id, exhibitor_id, side)
);
CREATE INDEX meeting_wishes_exhibitor_idx ON meeting_wishes (exhibitor_id);

-- What each side records after the meeting.
CREATE TABLE meeting_outcomes (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('attendee', 'exhibitor')),
    attendance TEXT NOT NULL CHECK (attendance IN ('held', 'no_show')),
    follow_up BOOLEAN NOT NULL DEFAULT FALSE,
    letter_of_intent BOOLEAN NOT NULL DEFAULT FALSE,
    memorandum BOOLEAN NOT NULL DEFAULT FALSE,
    deal_value_cents BIGINT NOT NULL DEFAULT 0 CHECK (deal_value_cents >= 0),
    currency TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recorded_at {{time}} NOT NULL,
    PRIMARY KEY (meeting_id, side)
);
