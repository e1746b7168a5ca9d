package store

// SQLite counts every allocation it makes in global statistics behind one
// mutex shared by all its connections (SQLITE_CONFIG_MEMSTATUS, on unless
// turned off before SQLite starts). The server's connections allocate on
// every statement, from several threads at once; with the counting off the
// load benchmark's writes took 6–8% less CPU per request and meeting
// requests went 10–15% faster (BENCHMARKS.md, sixth pass). Nothing here reads those statistics or sets SQLite's soft heap
// limit, the two things that need them.
//
// The driver (mattn/go-sqlite3) compiles SQLite into the binary and never
// calls sqlite3_config, so the declaration below links to its copy.

/*
#include <stdint.h>
int sqlite3_config(int, ...);
int sqlite3_status64(int, int64_t*, int64_t*, int);
static int expo_sqlite_memstatus_off(void) { return sqlite3_config(9, 0); } // SQLITE_CONFIG_MEMSTATUS
static int64_t expo_sqlite_memory_used(void) {
	int64_t cur = 0, high = 0;
	sqlite3_status64(0, &cur, &high, 0); // SQLITE_STATUS_MEMORY_USED
	return cur;
}
*/
import "C"

// init turns the counting off before anything in the process can start
// SQLite (its first connection does; the driver's own init does not).
// After that sqlite3_config would refuse: the counting would stay on,
// slower and nothing else.
func init() {
	C.expo_sqlite_memstatus_off()
}

// sqliteMemoryUsed is SQLite's count of the memory it holds: 0 while the
// counting is off.
func sqliteMemoryUsed() int64 { return int64(C.expo_sqlite_memory_used()) }
