package store

// AuthTestDuringTokenRead runs fn between the next token reads and their
// caching, until the returned function is called.
func AuthTestDuringTokenRead(fn func()) (restore func()) {
	testHookTokenRead = fn
	return func() { testHookTokenRead = nil }
}

// TokenTestTouchWrite runs fn at the start of each write of tokens' noted
// last uses (an error fails the write), until the returned function is
// called.
func TokenTestTouchWrite(fn func() error) (restore func()) {
	testHookTouchWrite = fn
	return func() { testHookTouchWrite = nil }
}
