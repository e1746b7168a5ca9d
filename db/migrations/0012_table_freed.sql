-- Performance, seventh pass (cmd/expobench, BENCHMARKS.md).

-- A meeting takes the lowest-numbered free table of its slot. While no
-- meeting of the slot has given its table back, the taken tables are the
-- lowest ones with no gap, so the next is the one after the highest taken:
-- two index reads, where finding it otherwise counts the slot's taken
-- tables (≈ 400 index entries in the load benchmark, a sixth of an accept's
-- time in the single writer). table_freed says a meeting of the slot gave
-- its table back (a cancellation or a decline after it had one); then the
-- count decides, as before. It only chooses between two ways of finding
-- the table: the partial unique index on (table_id, slot_id) keeps every
-- table to one open meeting whatever it says.
ALTER TABLE slots ADD COLUMN table_freed BOOLEAN NOT NULL DEFAULT FALSE;

-- A slot of an older database may have a gap already: its taken tables
-- are not numbers 1 to their count.
UPDATE slots SET table_freed = TRUE
WHERE (SELECT COUNT(*) FROM meetings m WHERE m.slot_id = slots.id AND m.table_id IS NOT NULL AND m.status IN ('pending', 'accepted'))
   <> COALESCE((SELECT MAX(t.number) FROM meetings m JOIN meeting_tables t ON t.id = m.table_id
                WHERE m.slot_id = slots.id AND m.status IN ('pending', 'accepted')), 0);
