-- Accounts, exhibitor companies (extended by the exhibitor registration), and
-- the one-time setup claim that makes "first organizer" a database rule.
CREATE TABLE exhibitors (
    id {{pk}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_latin TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);

CREATE TABLE users (
    id {{pk}},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('organizer', 'exhibitor', 'attendee')),
    organization TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    interests TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    exhibitor_id BIGINT REFERENCES exhibitors (id) ON DELETE RESTRICT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    CHECK ((role = 'exhibitor') = (exhibitor_id IS NOT NULL))
);
CREATE INDEX users_exhibitor_idx ON users (exhibitor_id);
CREATE INDEX users_role_idx ON users (role);

-- Exactly one row may ever exist: the first organizer claims it.
CREATE TABLE setup_claim (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claimed_at {{time}} NOT NULL
);

-- Server-side sessions (alexedwards/scs), shared by every app instance.
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data {{bytes}} NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
