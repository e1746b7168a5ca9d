-- Exhibitor registration: the application fields of an exhibitor company, its
-- state machine with a logged history, sectors (a table, so the directory can
-- filter by index), logos, team invitations, booths on hall grids, and
-- in-app notifications (shared by every feature).
ALTER TABLE exhibitors ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN booth_wish TEXT NOT NULL DEFAULT 'standard' CHECK (booth_wish IN ('standard', 'double', 'raw'));
ALTER TABLE exhibitors ADD COLUMN raw_space_m2 INTEGER NOT NULL DEFAULT 0 CHECK (raw_space_m2 >= 0);
ALTER TABLE exhibitors ADD COLUMN products TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN looking_for TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'waitlisted', 'withdrawn'));
ALTER TABLE exhibitors ADD COLUMN owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- Lower-cased names, description and products, for keyword search in any script.
ALTER TABLE exhibitors ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE exhibitors ADD COLUMN submitted_at {{time}};
ALTER TABLE exhibitors ADD COLUMN updated_at {{time}};

-- Company names are unique within the expo, compared case- and space-insensitively
-- (name_key is computed by the application); rows from before this migration have ''.
CREATE UNIQUE INDEX exhibitors_name_key_idx ON exhibitors (name_key) WHERE name_key <> '';
CREATE INDEX exhibitors_state_idx ON exhibitors (state, name_latin);
CREATE INDEX exhibitors_country_idx ON exhibitors (country, state);

CREATE TABLE exhibitor_sectors (
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    sector TEXT NOT NULL,
    PRIMARY KEY (exhibitor_id, sector)
);
CREATE INDEX exhibitor_sectors_sector_idx ON exhibitor_sectors (sector, exhibitor_id);

-- Every state change: who, when, why.
CREATE TABLE exhibitor_events (
    id {{pk}},
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);
CREATE INDEX exhibitor_events_exhibitor_idx ON exhibitor_events (exhibitor_id, id);

CREATE TABLE exhibitor_logos (
    exhibitor_id BIGINT PRIMARY KEY REFERENCES exhibitors (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data {{bytes}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- One-time team invitation links; only a hash of the secret is kept.
CREATE TABLE exhibitor_invites (
    id {{pk}},
    exhibitor_id BIGINT NOT NULL REFERENCES exhibitors (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    used_at {{time}},
    used_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX exhibitor_invites_exhibitor_idx ON exhibitor_invites (exhibitor_id);

-- Booths on a hall's grid. A booth holds at most one exhibitor and an
-- exhibitor at most one booth: both are unique columns of this row, so a
-- racing second assignment fails in the database.
CREATE TABLE booths (
    id {{pk}},
    hall_id BIGINT NOT NULL REFERENCES halls (id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'standard' CHECK (kind IN ('standard', 'double', 'raw')),
    size_m2 INTEGER NOT NULL CHECK (size_m2 > 0),
    x INTEGER NOT NULL CHECK (x >= 0),
    y INTEGER NOT NULL CHECK (y >= 0),
    w INTEGER NOT NULL CHECK (w > 0),
    h INTEGER NOT NULL CHECK (h > 0),
    exhibitor_id BIGINT UNIQUE REFERENCES exhibitors (id) ON DELETE SET NULL
);
CREATE INDEX booths_hall_idx ON booths (hall_id, code);

-- In-app notifications for any feature. message is a translation ID, params
-- a JSON object for its placeholders, link a local path.
CREATE TABLE notifications (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    link TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    read_at {{time}}
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

-- Directory & floor plan: a hall is a grid of 1 m cells that its booths
-- must lie inside; free booths of a kind are what booth assignment offers.
ALTER TABLE halls ADD COLUMN grid_w INTEGER NOT NULL DEFAULT 60 CHECK (grid_w > 0 AND grid_w <= 500);
ALTER TABLE halls ADD COLUMN grid_h INTEGER NOT NULL DEFAULT 40 CHECK (grid_h > 0 AND grid_h <= 500);
CREATE INDEX booths_free_idx ON booths (kind, size_m2) WHERE exhibitor_id IS NULL;

-- Review queue: the organizer filters applications by booth wish.
CREATE INDEX exhibitors_booth_wish_idx ON exhibitors (booth_wish, state);
