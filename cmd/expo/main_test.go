package main

import (
	"os"
	"testing"
)

// TestMain lets a test run the real program as a child process it can kill:
// with EXPO_TEST_EXEC_MAIN=1 the test binary is the expo command (main on
// os.Args), not the tests. See startChild in reliability_test.go.
func TestMain(m *testing.M) {
	if os.Getenv("EXPO_TEST_EXEC_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir) // the reliability tests' shared fixture
	}
	os.Exit(code)
}
