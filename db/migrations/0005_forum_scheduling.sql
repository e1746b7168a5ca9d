-- Forum scheduling: speakers, forums made of sessions in rooms, attendee
-- registrations with an automatic waitlist, and secret calendar feed URLs.
CREATE TABLE speakers (
    id {{pk}},
    name TEXT NOT NULL,
    name_latin TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);

CREATE TABLE forums (
    id {{pk}},
    title TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    host_organization TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    interpretation BOOLEAN NOT NULL DEFAULT FALSE,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    -- confirmed counts confirmed registrations; a guarded update
    -- (confirmed < capacity) makes capacity exact under concurrency.
    confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0),
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    CHECK (confirmed <= capacity)
);
CREATE INDEX forums_published_idx ON forums (published, theme);

CREATE TABLE forum_sessions (
    id {{pk}},
    forum_id BIGINT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE RESTRICT,
    language TEXT NOT NULL DEFAULT '',
    CHECK (starts_at < ends_at)
);
CREATE INDEX forum_sessions_forum_idx ON forum_sessions (forum_id, starts_at);
CREATE INDEX forum_sessions_room_idx ON forum_sessions (room_id, starts_at);
CREATE INDEX forum_sessions_time_idx ON forum_sessions (starts_at);

CREATE TABLE session_speakers (
    session_id BIGINT NOT NULL REFERENCES forum_sessions (id) ON DELETE CASCADE,
    speaker_id BIGINT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX session_speakers_speaker_idx ON session_speakers (speaker_id);

-- One registration per user and forum; waitlisted rows are served first come,
-- first served by id.
CREATE TABLE forum_registrations (
    id {{pk}},
    forum_id BIGINT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted')),
    created_at {{time}} NOT NULL,
    UNIQUE (forum_id, user_id)
);
CREATE INDEX forum_registrations_wait_idx ON forum_registrations (forum_id, status, id);
CREATE INDEX forum_registrations_user_idx ON forum_registrations (user_id);

-- Secret per-user URLs for subscribing to the personal agenda; revocable.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{time}} NOT NULL
);
