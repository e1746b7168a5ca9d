-- The audit log: organizer and security-relevant actions (approvals, booth
-- changes, scheduler commits, role changes, token creation, failed logins).
-- Rows are written in the same transaction as the action they record and are
-- never changed: the store has no UPDATE or DELETE for them, and triggers
-- (the append-only placeholder at the end, from dialect.go) refuse both.
-- actor_user_id has no foreign key on purpose: the log outlives accounts,
-- and a cascading SET NULL would be an UPDATE. actor_label keeps the e-mail
-- the actor had at the time (for a failed login, the e-mail tried).
CREATE TABLE audit_events (
    id {{pk}},
    at {{time}} NOT NULL,
    actor_user_id BIGINT,
    actor_label TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL DEFAULT '',
    subject_id BIGINT,
    details TEXT NOT NULL DEFAULT '{}',
    ip TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT ''
);
-- The log page lists newest first, filtered by action, actor and a date range.
CREATE INDEX audit_events_at_idx ON audit_events (at, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_label, at, id);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id);
{{append_only_audit}}
