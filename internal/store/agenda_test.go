package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// publishedForum creates and publishes a forum with one session per
// [start, end) pair (hours on the expo's first day, in a room of its own).
func publishedForum(t *testing.T, st *store.Store, loc *time.Location, title string, capacity int, hours ...[2]int) expo.Forum {
	t.Helper()
	ctx := context.Background()
	ev, ok, err := st.Event(ctx, loc)
	if err != nil || !ok {
		t.Fatalf("event: %v %v", ok, err)
	}
	room, err := st.CreateRoom(ctx, expo.RoomInput{Name: "Room of " + title, Capacity: 1000})
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	f, err := st.CreateForum(ctx, expo.ForumInput{Title: title, Theme: "investment", Languages: []string{"en"}, Capacity: capacity})
	if err != nil {
		t.Fatalf("create forum: %v", err)
	}
	day := ev.StartsOn
	for _, h := range hours {
		at := func(hour int) time.Time {
			return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(time.Duration(hour) * time.Hour)
		}
		if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: title + " session", StartsAt: at(h[0]), EndsAt: at(h[1]),
			RoomID: room.ID, Language: "en"}, loc); err != nil {
			t.Fatalf("create session: %v", err)
		}
	}
	if err := st.Publish(ctx, f.ID, loc); err != nil {
		t.Fatalf("publish %s: %v", title, err)
	}
	f, err = st.Forum(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAgenda(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loc := shanghai(t)
		accounts, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 4, Attendees: 60}, loc)
		if err != nil {
			t.Fatal(err)
		}
		users, err := st.TestAttendees(ctx, "agenda", 3)
		if err != nil {
			t.Fatal(err)
		}
		morning := publishedForum(t, st, loc, "Morning forum", 1, [2]int{9, 11}, [2]int{14, 15})
		overlapping := publishedForum(t, st, loc, "Overlapping forum", 5, [2]int{10, 12})
		for _, r := range []struct {
			user  int64
			forum int64
		}{{users[0], morning.ID}, {users[0], overlapping.ID}, {users[1], morning.ID}} {
			if _, err := st.Register(ctx, r.forum, r.user); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("sessions of the user's forums by start", func(t *testing.T) {
			items, err := st.Agenda(ctx, users[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 3 {
				t.Fatalf("%d items %+v, want 3 sessions", len(items), items)
			}
			if items[0].Forum != "Morning forum" || items[1].Forum != "Overlapping forum" || items[2].Forum != "Morning forum" {
				t.Errorf("order %q %q %q", items[0].Forum, items[1].Forum, items[2].Forum)
			}
			if items[0].Room != "Room of Morning forum" || items[0].Status != expo.RegistrationConfirmed || items[0].Kind != expo.AgendaForumSession {
				t.Errorf("first item %+v", items[0])
			}
			if got := items[0].StartsAt.In(loc).Format("15:04"); got != "09:00" {
				t.Errorf("first item starts %s, want 09:00 in Shanghai", got)
			}
			if ov := expo.AgendaOverlaps(items); len(ov) != 1 || ov[0].A.ForumID != morning.ID || ov[0].B.ForumID != overlapping.ID {
				t.Errorf("overlaps %+v, want the morning session against the overlapping forum", ov)
			}
		})
		t.Run("a waitlisted forum shows with its position", func(t *testing.T) {
			items, err := st.Agenda(ctx, users[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 || items[0].Status != expo.RegistrationWaitlisted || items[0].Position != 1 {
				t.Errorf("items %+v, want the two morning sessions, waitlisted at 1", items)
			}
		})
		t.Run("another user's agenda is their own", func(t *testing.T) {
			items, err := st.Agenda(ctx, users[2])
			if err != nil || len(items) != 0 {
				t.Errorf("agenda of a user without registrations: %+v, %v", items, err)
			}
		})
		// AgendaFor must give what Agenda gives: the page reads it with the
		// programme from the read cache.
		sameAgenda := func(t *testing.T, p store.AgendaProgramme, userID int64) {
			t.Helper()
			want, err := st.Agenda(ctx, userID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := st.User(ctx, userID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.AgendaFor(ctx, u, p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Errorf("user %d: AgendaFor gave\n%+v\nAgenda gave\n%+v", userID, got, want)
			}
		}
		t.Run("the shared programme gives the same agendas", func(t *testing.T) {
			p, err := st.AgendaProgramme(ctx)
			if err != nil {
				t.Fatal(err)
			}
			demo, err := st.AgendaTestUsers(ctx, 25)
			if err != nil {
				t.Fatal(err)
			}
			organizer, err := st.UserByEmail(ctx, accounts.Organizer)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, id := range append(append(users, organizer.ID), demo...) {
				sameAgenda(t, p, id)
				items, _ := st.Agenda(ctx, id)
				for _, it := range items {
					kinds[string(it.Kind)+"/"+string(it.Status)+string(it.Meeting)]++
				}
			}
			for _, k := range []string{"meeting/pending", "meeting/accepted", "forum_session/confirmed", "forum_session/waitlisted"} {
				if kinds[k] == 0 {
					t.Errorf("no %s item among the agendas compared (%v)", k, kinds)
				}
			}
		})
		t.Run("an unpublished forum leaves the agenda", func(t *testing.T) {
			before, err := st.AgendaProgramme(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Unpublish(ctx, overlapping.ID); err != nil {
				t.Fatal(err)
			}
			items, err := st.Agenda(ctx, users[0])
			if err != nil || len(items) != 2 {
				t.Errorf("items %+v, %v; want the two morning sessions", items, err)
			}
			after, err := st.AgendaProgramme(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sameAgenda(t, after, users[0])
			// A programme read before the change shows the forum until it
			// is read again (the read cache's time to live).
			u, err := st.User(ctx, users[0])
			if err != nil {
				t.Fatal(err)
			}
			if stale, err := st.AgendaFor(ctx, u, before); err != nil || len(stale) != 3 {
				t.Errorf("with the earlier programme: %d items, %v; want the 3 sessions it had", len(stale), err)
			}
		})
	})
}

func TestCalendarFeed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		users, err := st.TestAttendees(ctx, "feed", 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.CalendarFeedOf(ctx, users[0]); ok || err != nil {
			t.Fatalf("a new user has a feed: %v %v", ok, err)
		}
		first, err := st.RotateCalendarFeed(ctx, users[0])
		if err != nil || !strings.HasPrefix(first, "cal_") || len(first) < 30 {
			t.Fatalf("secret %q, %v", first, err)
		}
		if _, ok, _ := st.CalendarFeedOf(ctx, users[0]); !ok {
			t.Error("the feed is not recorded")
		}
		tests := []struct {
			name   string
			secret string
			want   int64
			err    error
		}{
			{"the secret finds its user", first, users[0], nil},
			{"an unknown secret", "cal_unknown", 0, expo.ErrNotFound},
			{"a secret of another kind", "expo_" + strings.TrimPrefix(first, "cal_"), 0, expo.ErrNotFound},
			{"an empty secret", "", 0, expo.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.UserByCalendarToken(ctx, tt.secret)
				if got != tt.want || !errors.Is(err, tt.err) {
					t.Errorf("got %d, %v; want %d, %v", got, err, tt.want, tt.err)
				}
			})
		}
		t.Run("rotating retires the old secret", func(t *testing.T) {
			second, err := st.RotateCalendarFeed(ctx, users[0])
			if err != nil || second == first {
				t.Fatalf("rotate: %q, %v", second, err)
			}
			if _, err := st.UserByCalendarToken(ctx, first); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("old secret: %v, want not found", err)
			}
			if id, err := st.UserByCalendarToken(ctx, second); id != users[0] || err != nil {
				t.Errorf("new secret: %d, %v", id, err)
			}
			if err := st.RevokeCalendarFeed(ctx, users[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UserByCalendarToken(ctx, second); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("revoked secret: %v, want not found", err)
			}
			if err := st.RevokeCalendarFeed(ctx, users[0]); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("revoking twice: %v, want not found", err)
			}
		})
		t.Run("an unknown user gets no feed", func(t *testing.T) {
			if _, err := st.RotateCalendarFeed(ctx, 999999); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("err %v, want not found", err)
			}
		})
	})
}
