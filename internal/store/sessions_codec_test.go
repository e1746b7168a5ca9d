package store_test

import (
	"bytes"
	"maps"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"expo/internal/store"
)

// TestSessionCodec: the codec round-trips what the application keeps in a
// session, encodes equal data to equal bytes (so Commit can skip unchanged
// sessions), reads sessions gob wrote before it, and refuses damaged data
// without panicking.
func TestSessionCodec(t *testing.T) {
	var codec store.SessionCodec
	deadline := time.Now().Add(14 * 24 * time.Hour).UTC()
	values := map[string]any{
		"user_id": int64(42), "credentials": "3f2a9c0d1e4b5a6c", "flash": "success|forum.reg.done\ninfo|x",
		"count": 7, "negative": int64(-9), "ok": true, "no": false, "ratio": 0.25, "raw": []byte{0, 1, 0xff},
		"at": time.Date(2026, 12, 14, 9, 30, 0, 123, time.UTC), "": "",
	}
	roundTrip := func(t *testing.T, b []byte, want map[string]any) {
		t.Helper()
		gotDeadline, got, err := codec.Decode(b)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !gotDeadline.Equal(deadline) || gotDeadline.Location() != time.UTC {
			t.Errorf("deadline %v, want %v", gotDeadline, deadline)
		}
		if !maps.EqualFunc(got, want, func(a, b any) bool {
			if ab, ok := a.([]byte); ok {
				bb, ok := b.([]byte)
				return ok && bytes.Equal(ab, bb)
			}
			if at, ok := a.(time.Time); ok {
				bt, ok := b.(time.Time)
				return ok && at.Equal(bt)
			}
			return a == b
		}) {
			t.Errorf("values %#v, want %#v", got, want)
		}
	}

	t.Run("round trip keeps every value and its type", func(t *testing.T) {
		b, err := codec.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, b, values)
	})
	t.Run("equal data encode to equal bytes", func(t *testing.T) {
		first, _ := codec.Encode(deadline, values)
		for range 50 {
			if b, _ := codec.Encode(deadline, maps.Clone(values)); !bytes.Equal(b, first) {
				t.Fatal("two encodings of the same session differ")
			}
		}
	})
	t.Run("an empty session", func(t *testing.T) {
		b, err := codec.Encode(deadline, map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := codec.Decode(b)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("decode: %v, %v; want an empty, writable map", got, err)
		}
	})
	t.Run("sessions written by gob still load", func(t *testing.T) {
		old := map[string]any{"user_id": int64(42), "credentials": "3f2a9c0d1e4b5a6c"}
		b, err := scs.GobCodec{}.Encode(deadline, old)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, b, old)
	})
	t.Run("other value types fall back to gob", func(t *testing.T) {
		other := map[string]any{"user_id": int64(42), "small": float32(1.5)}
		b, err := codec.Encode(deadline, other)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] == 0 {
			t.Error("encoded with the fast format a type it does not know")
		}
		roundTrip(t, b, other)
	})
	t.Run("damaged data is an error, not a panic", func(t *testing.T) {
		b, _ := codec.Encode(deadline, values)
		for n := 3; n < len(b); n++ {
			if _, _, err := codec.Decode(b[:n]); err == nil {
				t.Errorf("decoding the first %d of %d bytes succeeded", n, len(b))
			}
		}
		if _, _, err := codec.Decode(append(bytes.Clone(b), 0)); err == nil {
			t.Error("decoding with a trailing byte succeeded")
		}
	})
}

// BenchmarkSessionCodec is the decode and encode every page view of a
// logged-in user does, against scs's gob codec.
func BenchmarkSessionCodec(b *testing.B) {
	deadline := time.Now().Add(time.Hour).UTC()
	values := map[string]any{"user_id": int64(42), "credentials": "3f2a9c0d1e4b5a6c"}
	for _, c := range []struct {
		name  string
		codec scs.Codec
	}{{"gob", scs.GobCodec{}}, {"store", store.SessionCodec{}}} {
		b.Run(c.name, func(b *testing.B) {
			data, _ := c.codec.Encode(deadline, values)
			b.ReportAllocs()
			for b.Loop() {
				_, v, err := c.codec.Decode(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.codec.Encode(deadline, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
