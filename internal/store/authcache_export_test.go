package store

// AuthTestDuringTokenRead runs fn between the next token reads and their
// caching, until the returned function is called.
func AuthTestDuringTokenRead(fn func()) (restore func()) {
	testHookTokenRead = fn
	return func() { testHookTokenRead = nil }
}
