package store

// Process-wide settings of the SQLite that the driver (mattn/go-sqlite3)
// compiles into the binary. The driver never calls sqlite3_config or
// sqlite3_db_config, so the declarations below link to its copy.
//
// Allocation counting off. SQLite counts every allocation it makes in
// global statistics behind one mutex shared by all its connections
// (SQLITE_CONFIG_MEMSTATUS, on unless turned off before SQLite starts). The
// server's connections allocate on every statement, from several threads at
// once; with the counting off the load benchmark's writes took 6–8% less
// CPU per request and meeting requests went 10–15% faster (BENCHMARKS.md,
// sixth pass). Nothing here reads those statistics or sets SQLite's soft
// heap limit, the two things that need them.
//
// Query-planner stability (SQLITE_DBCONFIG_ENABLE_QPSG) on every
// connection. Without it SQLite lets the value bound to a parameter shape
// the plan (a LIMIT ?, an "x = ?" in a join, a LIKE ? prefix) and marks
// the statement to be prepared again when a new value is bound. The SQLite
// of driver v1.14.53 (3.54.1; 3.45.1 did not) marks every LIMIT ? and every
// "column = ?" of a join so, and that driver clears a statement's bindings
// before each run, which expires any statement so marked: every cached join
// and every LIMIT ? was parsed and planned again on every run (SQLite's
// parser led the profile; a meeting's six-table read took 40 µs instead
// of 16). With the guarantee the plan is made once, from the SQL alone. This
// schema loses nothing by it: partial indexes are queried with their
// conditions written out (openMeetingSQL), and no LIKE here could use an
// index (patterns start with % or the indexes use the BINARY collation).
// It is set from an automatic extension, which SQLite runs on each new
// connection before the driver sees it.

/*
#include <stdint.h>
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite3_config(int, ...);
int sqlite3_status64(int, int64_t*, int64_t*, int);
int sqlite3_db_config(sqlite3*, int, ...);
int sqlite3_auto_extension(void(*)(void));
int sqlite3_open(const char*, sqlite3**);
int sqlite3_close(sqlite3*);
int sqlite3_exec(sqlite3*, const char*, void*, void*, char**);
int sqlite3_prepare_v2(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
int sqlite3_bind_int64(sqlite3_stmt*, int, int64_t);
int sqlite3_clear_bindings(sqlite3_stmt*);
int sqlite3_step(sqlite3_stmt*);
int sqlite3_reset(sqlite3_stmt*);
int sqlite3_finalize(sqlite3_stmt*);
int sqlite3_stmt_status(sqlite3_stmt*, int, int);

enum {
	expoConfigMemstatus = 9,    // SQLITE_CONFIG_MEMSTATUS
	expoStatusMemoryUsed = 0,   // SQLITE_STATUS_MEMORY_USED
	expoDBConfigQPSG = 1007,    // SQLITE_DBCONFIG_ENABLE_QPSG
	expoStmtStatusReprepare = 5 // SQLITE_STMTSTATUS_REPREPARE
};

static int expo_sqlite_memstatus_off(void) { return sqlite3_config(expoConfigMemstatus, 0); }

static int64_t expo_sqlite_memory_used(void) {
	int64_t cur = 0, high = 0;
	sqlite3_status64(expoStatusMemoryUsed, &cur, &high, 0);
	return cur;
}

// expo_sqlite_conn_init is the automatic extension: SQLite calls it with
// each connection it opens.
static int expo_sqlite_conn_init(sqlite3 *db, const char **err, const void *api) {
	return sqlite3_db_config(db, expoDBConfigQPSG, 1, (int*)0);
}

static int expo_sqlite_register(void) {
	return sqlite3_auto_extension((void(*)(void))expo_sqlite_conn_init);
}

// expo_sqlite_probe opens a connection to an in-memory database and
// reports whether it has the planner guarantee, and how many times a join
// on a parameter was prepared again over runs that each clear and bind
// their parameter, as the driver does (-1 on an error).
static int expo_sqlite_probe(int *qpsg) {
	sqlite3 *db = 0;
	sqlite3_stmt *st = 0;
	int n = -1, i;
	*qpsg = -1;
	if (sqlite3_open(":memory:", &db) != 0) goto out;
	if (sqlite3_db_config(db, expoDBConfigQPSG, -1, qpsg) != 0) goto out;
	if (sqlite3_exec(db, "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER);"
		"CREATE TABLE b (id INTEGER PRIMARY KEY, name TEXT);"
		"INSERT INTO b VALUES (1, 'x'), (2, 'y'); INSERT INTO a VALUES (1, 1), (2, 2);", 0, 0, 0) != 0) goto out;
	if (sqlite3_prepare_v2(db, "SELECT b.name FROM a JOIN b ON b.id = a.b_id WHERE a.id = ? LIMIT ?", -1, &st, 0) != 0) goto out;
	for (i = 0; i < 4; i++) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, 1 + i % 2);
		sqlite3_bind_int64(st, 2, 5 + i);
		if (sqlite3_step(st) != 100) goto out; // SQLITE_ROW
	}
	n = sqlite3_stmt_status(st, expoStmtStatusReprepare, 0);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}
*/
import "C"

import "fmt"

// init configures SQLite before anything in the process can start it (its
// first connection does; the driver's own init does not). After that
// sqlite3_config would refuse: the counting would stay on, slower and
// nothing else. Registering the extension starts SQLite, so it comes
// second.
func init() {
	C.expo_sqlite_memstatus_off()
	if rc := C.expo_sqlite_register(); rc != 0 {
		panic(fmt.Sprintf("store: registering SQLite's connection settings failed (code %d)", int(rc)))
	}
}

// sqliteMemoryUsed is SQLite's count of the memory it holds: 0 while the
// counting is off.
func sqliteMemoryUsed() int64 { return int64(C.expo_sqlite_memory_used()) }

// sqliteProbe opens a connection of its own and reports whether it has the
// planner guarantee and how often a join on a parameter, run as the driver
// runs cached statements, was prepared again (-1: the probe failed).
func sqliteProbe() (qpsg bool, reprepares int) {
	var q C.int
	n := C.expo_sqlite_probe(&q)
	return q == 1, int(n)
}
