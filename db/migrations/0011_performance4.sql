-- Performance, fifth pass (cmd/expobench, BENCHMARKS.md).

-- Answering a meeting changes its status. Every index holding the status
-- then moves the row's entry, and these four held it only to be read
-- without the row: an accept or a decline cost the single writer 31 µs in
-- its UPDATE of the meeting, 14 µs without them. The queries they served
-- read the row anyway or read few rows (one attendee's, one exhibitor's,
-- one slot's meetings), and the open meetings keep their partial indexes.
DROP INDEX meetings_exhibitor_idx;
CREATE INDEX meetings_exhibitor_idx ON meetings (exhibitor_id, slot_id);
DROP INDEX meetings_attendee_idx;
CREATE INDEX meetings_attendee_idx ON meetings (attendee_id);
DROP INDEX meetings_slot_idx;
CREATE INDEX meetings_slot_idx ON meetings (slot_id);

-- Only pending requests expire: the expiry sweep reads this index, and a
-- request leaves it when it is answered. Its queries must say
-- status = 'pending' word for word (a bound value keeps SQLite off it).
DROP INDEX meetings_expiry_idx;
CREATE INDEX meetings_expiry_idx ON meetings (expires_at) WHERE status = 'pending';
