package store

import "testing"

// SessionExpiry is the stored expiry (Unix seconds) of a session.
func SessionExpiry(t testing.TB, st *Store, token string) int64 {
	t.Helper()
	var row sessionRow
	if err := st.r.Where("token = ?", token).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	return row.Expiry
}
