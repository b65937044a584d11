#ifndef PYCHAT_CSQLITE_SHIM_H
#define PYCHAT_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_STATIC is a cast macro Swift cannot import. It tells SQLite that bound text stays
// valid until the statement is stepped; pychat binds a string's own UTF-8 storage and steps
// while it holds it, so nothing is copied per row.
static inline sqlite3_destructor_type shim_sqlite3_static(void) { return SQLITE_STATIC; }

// SQLITE_TRANSIENT (a cast of -1): SQLite copies the bytes at once.
static inline sqlite3_destructor_type shim_sqlite3_transient(void) { return SQLITE_TRANSIENT; }

#endif
