-- Performance, fourth pass (cmd/expobench, BENCHMARKS.md).

-- The open meetings that hold a table, by slot, with everything the
-- queries ask of them (status included, so SQLite never reads the rows):
-- a slot's taken tables are counted from this slot's entries in order,
-- and its highest taken table is the last entry, instead of looking up
-- every table of the negotiation area in turn (up to 500).
CREATE INDEX meetings_slot_table_open_idx ON meetings (slot_id, table_id, status) WHERE status IN ('pending', 'accepted') AND table_id IS NOT NULL;
