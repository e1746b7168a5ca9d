-- Performance, second pass (cmd/expobench, BENCHMARKS.md).

-- waitlisted counts a forum's waiting registrations, kept in the same
-- transactions as confirmed (sign-up, cancellation, promotion), under the
-- same forum-row lock. A new waitlister's position is then the counter
-- after its increment, one row read, instead of counting the waitlist on
-- every sign-up: ids only grow, so a new registration ranks last among the
-- waiting.
ALTER TABLE forums ADD COLUMN waitlisted INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted >= 0);

-- Databases of earlier releases start with their counters true.
UPDATE forums SET waitlisted = (SELECT COUNT(*) FROM forum_registrations r
    WHERE r.forum_id = forums.id AND r.status = 'waitlisted');
