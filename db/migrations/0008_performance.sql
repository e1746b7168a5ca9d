-- Performance: indexes found by profiling the load benchmark
-- (cmd/expobench, BENCHMARKS.md), and the table of its write-limit probe.

-- One row per POST /api/bench/insert: the benchmark measures the writer
-- pool's limit with a single-row insert transaction. The route exists only
-- when the server runs with --bench-routes; the table stays empty otherwise.
CREATE TABLE bench_writes (
    id {{pk}},
    note TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);

-- The directory lists approved exhibitors by name a page at a time: with
-- this index SQLite walks the names in order and stops after the page
-- instead of sorting all 1,060 rows for every page (3.8× faster page query
-- on the expo-scale demo).
CREATE INDEX exhibitors_directory_name_idx ON exhibitors (state, name_latin, name, id);
