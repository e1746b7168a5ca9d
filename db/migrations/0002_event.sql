-- The event: its name and dates, halls, rooms and opening hours.
CREATE TABLE expos (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    city TEXT NOT NULL DEFAULT '',
    venue TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);

CREATE TABLE halls (
    id {{pk}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE rooms (
    id {{pk}},
    name TEXT NOT NULL UNIQUE,
    hall_id BIGINT REFERENCES halls (id) ON DELETE SET NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    equipment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rooms_hall_idx ON rooms (hall_id);

-- day is YYYY-MM-DD in the expo time zone; opens_at/closes_at are UTC instants.
CREATE TABLE opening_hours (
    day TEXT PRIMARY KEY,
    opens_at {{time}} NOT NULL,
    closes_at {{time}} NOT NULL,
    CHECK (opens_at < closes_at)
);
