package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// programmeFixture is a demo expo plus two rooms and two speakers of the
// test's own, so the demo programme never clashes with what a test adds.
type programmeFixture struct {
	loc          *time.Location
	ev           expo.Expo
	small, big   expo.Room
	alice, bob   expo.Speaker
	day1At, day2 func(h, m int) time.Time
}

func newProgramme(t *testing.T, st *store.Store) programmeFixture {
	t.Helper()
	ctx := context.Background()
	loc := shanghai(t)
	if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{}, loc); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	ev, ok, err := st.Event(ctx, loc)
	if err != nil || !ok {
		t.Fatalf("Event: %v %v", ok, err)
	}
	f := programmeFixture{loc: loc, ev: ev}
	at := func(d int) func(h, m int) time.Time {
		return func(h, m int) time.Time {
			day := ev.StartsOn.AddDate(0, 0, d)
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
		}
	}
	f.day1At, f.day2 = at(0), at(1)
	if f.small, err = st.CreateRoom(ctx, expo.RoomInput{Name: "Test Room S", Capacity: 50}); err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	if f.big, err = st.CreateRoom(ctx, expo.RoomInput{Name: "Test Room L", Capacity: 500, Equipment: "Stage"}); err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	if f.alice, err = st.CreateSpeaker(ctx, expo.SpeakerInput{Name: "김수진", NameLatin: "Kim Su-jin", Country: "KR"}); err != nil {
		t.Fatalf("CreateSpeaker: %v", err)
	}
	if f.bob, err = st.CreateSpeaker(ctx, expo.SpeakerInput{Name: "Борис Петров", NameLatin: "Boris Petrov", Country: "RU"}); err != nil {
		t.Fatalf("CreateSpeaker: %v", err)
	}
	return f
}

func forumIn(title string, capacity int) expo.ForumInput {
	return expo.ForumInput{Title: title, Theme: "new_energy", Languages: []string{"zh", "en"}, Capacity: capacity}
}

func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	e, ok := expo.AsError(err)
	if !ok || e.Fields[field] != msg {
		t.Fatalf("error = %v, want field %s = %s", err, field, msg)
	}
}

func TestForumCRUD(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		f, err := st.CreateForum(ctx, forumIn("Hydrogen Corridors", 40))
		if err != nil {
			t.Fatalf("CreateForum: %v", err)
		}
		if f.Published || f.ID == 0 {
			t.Fatalf("new forum = %+v, want an unpublished draft with an ID", f)
		}
		s, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: "Opening", StartsAt: p.day1At(10, 0), EndsAt: p.day1At(11, 0),
			RoomID: p.small.ID, Language: "zh", SpeakerIDs: []int64{p.bob.ID, p.alice.ID, p.alice.ID}}, p.loc)
		if err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		if len(s.SpeakerIDs) != 2 {
			t.Fatalf("speakers = %v, want two (duplicates dropped)", s.SpeakerIDs)
		}
		got, err := st.Forum(ctx, f.ID)
		if err != nil {
			t.Fatalf("Forum: %v", err)
		}
		if len(got.Sessions) != 1 || len(got.Sessions[0].Speakers) != 2 || got.Sessions[0].Speakers[0].NameLatin != "Boris Petrov" {
			t.Fatalf("forum sessions = %+v", got.Sessions)
		}
		if !got.Sessions[0].StartsAt.Equal(p.day1At(10, 0)) {
			t.Fatalf("start = %v, want %v", got.Sessions[0].StartsAt, p.day1At(10, 0))
		}
		in := forumIn("Hydrogen Corridors 2027", 45)
		in.Theme = "investment"
		if f, err = st.UpdateForum(ctx, f.ID, in, p.loc); err != nil || f.Title != "Hydrogen Corridors 2027" || f.Capacity != 45 {
			t.Fatalf("UpdateForum = %+v, %v", f, err)
		}
		moved, err := st.MoveSession(ctx, s.ID, p.big.ID, p.day2(14, 0), p.loc)
		if err != nil {
			t.Fatalf("MoveSession: %v", err)
		}
		if moved.RoomID != p.big.ID || !moved.EndsAt.Equal(p.day2(15, 0)) || len(moved.SpeakerIDs) != 2 {
			t.Fatalf("moved = %+v, want room L 14:00–15:00 on day 2 with both speakers", moved)
		}
		if s, err = st.SetSessionSpeakers(ctx, s.ID, []int64{p.alice.ID}, p.loc); err != nil || len(s.SpeakerIDs) != 1 {
			t.Fatalf("SetSessionSpeakers = %+v, %v", s, err)
		}
		// Filters.
		yes := true
		theme, err := st.Forums(ctx, store.ForumFilter{Theme: "investment"})
		if err != nil || len(theme) == 0 {
			t.Fatalf("Forums(theme) = %d, %v", len(theme), err)
		}
		for _, ff := range theme {
			if ff.Theme != "investment" {
				t.Fatalf("theme filter let through %q", ff.Theme)
			}
		}
		room, err := st.Forums(ctx, store.ForumFilter{RoomID: p.big.ID})
		if err != nil || len(room) != 1 || room[0].ID != f.ID {
			t.Fatalf("Forums(room) = %+v, %v", room, err)
		}
		day, err := st.Forums(ctx, store.ForumFilter{RoomID: p.big.ID, Day: p.ev.StartsOn})
		if err != nil || len(day) != 0 {
			t.Fatalf("Forums(room, day 1) = %d, %v; want none (the session moved to day 2)", len(day), err)
		}
		day, err = st.Forums(ctx, store.ForumFilter{RoomID: p.big.ID, Day: p.ev.StartsOn.AddDate(0, 0, 1)})
		if err != nil || len(day) != 1 {
			t.Fatalf("Forums(room, day 2) = %d, %v; want one", len(day), err)
		}
		pub, err := st.Forums(ctx, store.ForumFilter{Published: &yes, Language: "ko"})
		if err != nil {
			t.Fatal(err)
		}
		for _, ff := range pub {
			if !ff.Published || !strings.Contains(strings.Join(ff.Languages, ","), "ko") {
				t.Fatalf("published+ko filter let through %+v", ff)
			}
		}
		n, err := st.CountForums(ctx, store.ForumFilter{RoomID: p.big.ID})
		if err != nil || n != 1 {
			t.Fatalf("CountForums = %d, %v", n, err)
		}
		page, err := st.Forums(ctx, store.ForumFilter{Limit: 2, Offset: 1})
		if err != nil || len(page) > 2 {
			t.Fatalf("paged Forums = %d, %v", len(page), err)
		}
		if err := st.DeleteSession(ctx, s.ID); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if err := st.DeleteSession(ctx, s.ID); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("DeleteSession twice = %v, want not found", err)
		}
		if err := st.DeleteForum(ctx, f.ID); err != nil {
			t.Fatalf("DeleteForum: %v", err)
		}
		if _, err := st.Forum(ctx, f.ID); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("Forum after delete = %v, want not found", err)
		}
	})
}

func TestSessionBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		f, err := st.CreateForum(ctx, forumIn("Bad input", 40))
		if err != nil {
			t.Fatal(err)
		}
		ok := expo.SessionInput{ForumID: f.ID, Title: "Talk", StartsAt: p.day1At(10, 0), EndsAt: p.day1At(11, 0), RoomID: p.small.ID}
		cases := []struct {
			name, field, msg string
			edit             func(*expo.SessionInput)
		}{
			{"ends before it starts", "ends_at", "session.error.ends_before_start", func(in *expo.SessionInput) { in.EndsAt = p.day1At(9, 0) }},
			{"ends when it starts", "ends_at", "session.error.ends_before_start", func(in *expo.SessionInput) { in.EndsAt = in.StartsAt }},
			{"unknown room", "room_id", "session.error.unknown_room", func(in *expo.SessionInput) { in.RoomID = 999999 }},
			{"no room", "room_id", "session.error.room_required", func(in *expo.SessionInput) { in.RoomID = 0 }},
			{"before the expo", "starts_at", "session.error.outside_expo", func(in *expo.SessionInput) {
				in.StartsAt, in.EndsAt = in.StartsAt.AddDate(0, 0, -1), in.EndsAt.AddDate(0, 0, -1)
			}},
			{"after the expo", "starts_at", "session.error.outside_expo", func(in *expo.SessionInput) {
				in.StartsAt, in.EndsAt = in.StartsAt.AddDate(0, 0, 5), in.EndsAt.AddDate(0, 0, 5)
			}},
			{"title of 10,000 characters", "title", "session.error.title_too_long", func(in *expo.SessionInput) { in.Title = strings.Repeat("論", 10000) }},
			{"no title", "title", "error.required", func(in *expo.SessionInput) { in.Title = "  " }},
			{"unknown speaker", "speakers", "session.error.unknown_speaker", func(in *expo.SessionInput) { in.SpeakerIDs = []int64{p.alice.ID, 999999} }},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := ok
				tc.edit(&in)
				_, err := st.CreateSession(ctx, in, p.loc)
				wantField(t, err, tc.field, tc.msg)
				if expo.ErrorCode(err) != expo.CodeInvalid {
					t.Fatalf("code = %s, want invalid", expo.ErrorCode(err))
				}
				got, _ := st.Forum(ctx, f.ID)
				if len(got.Sessions) != 0 {
					t.Fatalf("a session was saved: %+v", got.Sessions)
				}
			})
		}
		if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: 999999, Title: "x", StartsAt: ok.StartsAt, EndsAt: ok.EndsAt, RoomID: p.small.ID}, p.loc); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("session of a missing forum = %v, want not found", err)
		}
	})
}

func TestForumRoomSpeakerBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		before, _ := st.CountForums(ctx, store.ForumFilter{})
		for _, tc := range []struct {
			name, field, msg string
			in               expo.ForumInput
		}{
			{"capacity 0", "capacity", "forum.error.capacity_positive", forumIn("x", 0)},
			{"capacity -1", "capacity", "forum.error.capacity_positive", forumIn("x", -1)},
			{"capacity too large", "capacity", "forum.error.capacity_too_large", forumIn("x", 1_000_000)},
			{"title of 10,000 characters", "title", "forum.error.title_too_long", forumIn(strings.Repeat("a", 10000), 10)},
			{"unknown theme", "theme", "error.choice_invalid", expo.ForumInput{Title: "x", Theme: "golf", Languages: []string{"en"}, Capacity: 1}},
			{"no language", "languages", "error.choose_one", expo.ForumInput{Title: "x", Theme: "tourism", Capacity: 1}},
		} {
			t.Run("forum "+tc.name, func(t *testing.T) {
				_, err := st.CreateForum(ctx, tc.in)
				wantField(t, err, tc.field, tc.msg)
			})
		}
		if after, _ := st.CountForums(ctx, store.ForumFilter{}); after != before {
			t.Fatalf("forums %d → %d: bad input was saved", before, after)
		}
		t.Run("room capacity -1", func(t *testing.T) {
			_, err := st.CreateRoom(ctx, expo.RoomInput{Name: "Neg", Capacity: -1})
			wantField(t, err, "capacity", "forum.error.capacity_positive")
		})
		t.Run("room name taken", func(t *testing.T) {
			_, err := st.CreateRoom(ctx, expo.RoomInput{Name: "Test Room S", Capacity: 10})
			wantField(t, err, "name", "room.error.name_taken")
		})
		t.Run("room unknown hall", func(t *testing.T) {
			h := int64(999999)
			_, err := st.CreateRoom(ctx, expo.RoomInput{Name: "Nowhere", HallID: &h, Capacity: 10})
			wantField(t, err, "hall_id", "room.error.unknown_hall")
		})
		t.Run("speaker without name", func(t *testing.T) {
			_, err := st.CreateSpeaker(ctx, expo.SpeakerInput{NameLatin: "Nobody"})
			wantField(t, err, "name", "error.required")
		})
		t.Run("hours closing before opening", func(t *testing.T) {
			err := st.SetOpeningHours(ctx, expo.OpeningHours{Day: p.ev.StartsOn, Opens: p.day1At(12, 0), Closes: p.day1At(8, 0)}, p.loc)
			wantField(t, err, "closes", "hours.error.closes_before_opens")
		})
		t.Run("hours outside the expo", func(t *testing.T) {
			d := p.ev.StartsOn.AddDate(0, 0, -3)
			err := st.SetOpeningHours(ctx, expo.OpeningHours{Day: d, Opens: d.Add(9 * time.Hour), Closes: d.Add(17 * time.Hour)}, p.loc)
			wantField(t, err, "day", "hours.error.outside_expo")
		})
		rooms, _ := st.Rooms(ctx)
		for _, r := range rooms {
			if r.Name == "Neg" || r.Name == "Nowhere" {
				t.Fatalf("bad room saved: %+v", r)
			}
		}
	})
}

func TestRoomsAndHours(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		r, err := st.UpdateRoom(ctx, p.small.ID, expo.RoomInput{Name: "Test Room S2", Capacity: 30, Equipment: "Screen"})
		if err != nil || r.Name != "Test Room S2" {
			t.Fatalf("UpdateRoom = %+v, %v", r, err)
		}
		if got, err := st.Room(ctx, p.small.ID); err != nil || got.Capacity != 30 {
			t.Fatalf("Room = %+v, %v", got, err)
		}
		if _, err := st.UpdateRoom(ctx, p.small.ID, expo.RoomInput{Name: "Test Room L", Capacity: 30}); err == nil {
			t.Fatal("renaming onto another room's name succeeded")
		}
		f, _ := st.CreateForum(ctx, forumIn("Room user", 20))
		if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: "t", StartsAt: p.day1At(9, 0), EndsAt: p.day1At(10, 0), RoomID: p.small.ID}, p.loc); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteRoom(ctx, p.small.ID); !errors.Is(err, store.ErrRoomInUse) {
			t.Fatalf("DeleteRoom in use = %v, want ErrRoomInUse", err)
		}
		if err := st.DeleteRoom(ctx, p.big.ID); err != nil {
			t.Fatalf("DeleteRoom: %v", err)
		}
		if err := st.DeleteRoom(ctx, p.big.ID); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("DeleteRoom twice = %v", err)
		}
		// Opening hours: replace day 1, delete day 2.
		if err := st.SetOpeningHours(ctx, expo.OpeningHours{Day: p.ev.StartsOn, Opens: p.day1At(8, 30), Closes: p.day1At(18, 0)}, p.loc); err != nil {
			t.Fatalf("SetOpeningHours: %v", err)
		}
		if err := st.DeleteOpeningHours(ctx, p.ev.StartsOn.AddDate(0, 0, 1), p.loc); err != nil {
			t.Fatalf("DeleteOpeningHours: %v", err)
		}
		hours, err := st.OpeningHours(ctx, p.loc)
		if err != nil || len(hours) != 4 {
			t.Fatalf("hours = %d, %v; want 4", len(hours), err)
		}
		if !hours[0].Opens.Equal(p.day1At(8, 30)) || !hours[0].Closes.Equal(p.day1At(18, 0)) {
			t.Fatalf("day 1 hours = %+v", hours[0])
		}
		// Speakers.
		sp, err := st.UpdateSpeaker(ctx, p.alice.ID, expo.SpeakerInput{Name: "김수진", NameLatin: "Kim Soo-jin", Title: "CEO"})
		if err != nil || sp.NameLatin != "Kim Soo-jin" {
			t.Fatalf("UpdateSpeaker = %+v, %v", sp, err)
		}
		if err := st.DeleteSpeaker(ctx, p.bob.ID); err != nil {
			t.Fatalf("DeleteSpeaker: %v", err)
		}
		if _, err := st.Speaker(ctx, p.bob.ID); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("Speaker after delete = %v", err)
		}
	})
}

func TestPublishBlockedByClash(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		a, _ := st.CreateForum(ctx, forumIn("Forum A", 40))
		b, _ := st.CreateForum(ctx, forumIn("Forum B", 40))
		if err := st.Publish(ctx, a.ID, p.loc); !errors.Is(err, store.ErrForumNoSessions) {
			t.Fatalf("Publish without sessions = %v", err)
		}
		sa, err := st.CreateSession(ctx, expo.SessionInput{ForumID: a.ID, Title: "A1", StartsAt: p.day1At(10, 0), EndsAt: p.day1At(11, 0), RoomID: p.small.ID, SpeakerIDs: []int64{p.alice.ID}}, p.loc)
		if err != nil {
			t.Fatal(err)
		}
		// B overlaps A in the same room: saved (B is a draft) but clashing.
		sb, err := st.CreateSession(ctx, expo.SessionInput{ForumID: b.ID, Title: "B1", StartsAt: p.day1At(10, 30), EndsAt: p.day1At(11, 30), RoomID: p.small.ID}, p.loc)
		if err != nil {
			t.Fatalf("clashing draft session refused: %v", err)
		}
		err = st.Publish(ctx, b.ID, p.loc)
		if expo.ErrorCode(err) != expo.CodeConflict || len(store.ClashesOfError(err)) != 1 || store.ClashesOfError(err)[0].Kind != expo.ClashRoom {
			t.Fatalf("Publish with clash = %v (clashes %+v), want conflict with one room clash", err, store.ClashesOfError(err))
		}
		if f, _ := st.Forum(ctx, b.ID); f.Published {
			t.Fatal("forum B got published despite its clash")
		}
		// Moving B to 11:00 (touching, not overlapping) resolves it.
		if _, err := st.MoveSession(ctx, sb.ID, p.small.ID, p.day1At(11, 0), p.loc); err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, b.ID, p.loc); err != nil {
			t.Fatalf("Publish after fix: %v", err)
		}
		if err := st.Publish(ctx, a.ID, p.loc); err != nil {
			t.Fatalf("Publish A: %v", err)
		}
		// A published forum refuses a move into a clash, and keeps its session.
		_, err = st.MoveSession(ctx, sa.ID, p.small.ID, p.day1At(11, 30), p.loc)
		if expo.ErrorCode(err) != expo.CodeConflict || len(store.ClashesOfError(err)) == 0 {
			t.Fatalf("move into clash = %v, want conflict", err)
		}
		if got, _ := st.Session(ctx, sa.ID); !got.StartsAt.Equal(p.day1At(10, 0)) {
			t.Fatalf("refused move was saved: %+v", got)
		}
		// A speaker clash through SetSessionSpeakers is refused too.
		if _, err := st.SetSessionSpeakers(ctx, sb.ID, []int64{p.alice.ID}, p.loc); err != nil {
			t.Fatalf("non-overlapping speaker refused: %v", err)
		}
		// Published capacity above the room's is refused.
		_, err = st.UpdateForum(ctx, a.ID, forumIn("Forum A", 60), p.loc)
		if expo.ErrorCode(err) != expo.CodeConflict {
			t.Fatalf("capacity above room = %v, want conflict", err)
		}
		if f, _ := st.Forum(ctx, a.ID); f.Capacity != 40 {
			t.Fatalf("refused capacity saved: %d", f.Capacity)
		}
		if err := st.Unpublish(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateForum(ctx, a.ID, forumIn("Forum A", 60), p.loc); err != nil {
			t.Fatalf("draft capacity above room refused: %v", err)
		}
		clashes, err := st.Clashes(ctx, p.loc)
		if err != nil {
			t.Fatal(err)
		}
		var capacity int
		for _, c := range clashes {
			if c.Kind == expo.ClashCapacity && c.Involves(a.ID) {
				capacity++
			}
		}
		if capacity != 1 {
			t.Fatalf("capacity clashes of A = %d, want 1 (all: %+v)", capacity, clashes)
		}
	})
}

func TestDemoProgramme(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loc := shanghai(t)
		if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{}, loc); err != nil {
			t.Fatal(err)
		}
		p, err := st.Programme(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		published, drafts := 0, 0
		days, rooms, themes := map[string]bool{}, map[int64]bool{}, map[string]bool{}
		for _, f := range p.Forums {
			if f.Published {
				published++
			} else {
				drafts++
			}
			themes[f.Theme] = true
			for _, s := range f.Sessions {
				days[s.StartsAt.In(loc).Format("2006-01-02")] = true
				rooms[s.RoomID] = true
			}
		}
		if published < 30 || drafts != 1 || len(days) != 5 || len(rooms) < 8 {
			t.Fatalf("demo: %d published, %d drafts, %d days, %d rooms; want 30+, 1, 5, 8+", published, drafts, len(days), len(rooms))
		}
		for _, th := range []string{"korea_business_day", "russia_china", "new_energy", "automotive", "agriculture", "cross_border_trade", "pharma_medical", "digital_economy", "investment", "tourism"} {
			if !themes[th] {
				t.Errorf("no demo forum with theme %s", th)
			}
		}
		kinds := map[expo.ClashKind]bool{}
		for _, c := range expo.DetectClashes(p) {
			kinds[c.Kind] = true
			draftInvolved := false
			for _, f := range p.Forums {
				if !f.Published && c.Involves(f.ID) {
					draftInvolved = true
				}
			}
			if !draftInvolved {
				t.Errorf("clash among published forums: %s %v", c.Message, c.Params)
			}
		}
		if !kinds[expo.ClashRoom] || !kinds[expo.ClashHours] || !kinds[expo.ClashCapacity] {
			t.Errorf("the draft shows clash kinds %v; want room, hours and capacity", kinds)
		}
	})
}

func TestForumCapacityChangeAndWaitlist(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		f, _ := st.CreateForum(ctx, forumIn("Tiny Forum", 1))
		if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: "t", StartsAt: p.day1At(9, 0), EndsAt: p.day1At(10, 0), RoomID: p.small.ID}, p.loc); err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, f.ID, p.loc); err != nil {
			t.Fatal(err)
		}
		var users []int64
		for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
			u, err := st.CreateAttendee(ctx, expo.SignUp{Email: email, Password: "long-enough-pw", Profile: expo.Profile{Name: email, Country: "CN", Languages: []string{"zh"}}})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u.ID)
			if _, err := st.Register(ctx, f.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := st.Forum(ctx, f.ID); got.Confirmed != 1 || got.Waitlisted != 2 {
			t.Fatalf("before: %d confirmed, %d waiting; want 1 and 2", got.Confirmed, got.Waitlisted)
		}
		t.Run("raising the capacity confirms the first in line", func(t *testing.T) {
			got, err := st.UpdateForum(ctx, f.ID, forumIn("Tiny Forum", 2), p.loc)
			if err != nil {
				t.Fatal(err)
			}
			if got.Confirmed != 2 || got.Waitlisted != 1 {
				t.Fatalf("after: %d confirmed, %d waiting; want 2 and 1", got.Confirmed, got.Waitlisted)
			}
			reg, ok, err := st.Registration(ctx, f.ID, users[1])
			if err != nil || !ok || reg.Status != expo.RegistrationConfirmed {
				t.Fatalf("second in line = %+v %v %v, want confirmed", reg, ok, err)
			}
			notes, _ := st.Notifications(ctx, users[1], 10)
			if len(notes) == 0 || notes[0].Message != "forum.notify.promoted_capacity" {
				t.Fatalf("notifications of the promoted = %+v", notes)
			}
			if reg, _, _ := st.Registration(ctx, f.ID, users[2]); reg.Status != expo.RegistrationWaitlisted || reg.Position != 1 {
				t.Fatalf("third = %+v, want first on the waitlist", reg)
			}
		})
		t.Run("the capacity cannot drop below the confirmed", func(t *testing.T) {
			_, err := st.UpdateForum(ctx, f.ID, forumIn("Tiny Forum", 1), p.loc)
			if !errors.Is(err, store.ErrCapacityBelowConfirmed) {
				t.Fatalf("err = %v, want ErrCapacityBelowConfirmed", err)
			}
			if got, _ := st.Forum(ctx, f.ID); got.Capacity != 2 {
				t.Fatalf("capacity = %d, want 2", got.Capacity)
			}
		})
		t.Run("updating a missing forum", func(t *testing.T) {
			if _, err := st.UpdateForum(ctx, 999999, forumIn("x", 5), p.loc); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("err = %v, want not found", err)
			}
		})
	})
}

// TestConcurrentMovesKeepPublishedClashFree moves sessions of several
// published forums into the same room and time at once: the programme lock
// lets exactly one through, on SQLite and PostgreSQL alike.
func TestConcurrentMovesKeepPublishedClashFree(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		const n = 8
		var sessions []int64
		for i := range n {
			f, _ := st.CreateForum(ctx, forumIn("Parallel "+string(rune('A'+i)), 40))
			s, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: "s", StartsAt: p.day2(9+i%8, 0), EndsAt: p.day2(9+i%8, 30), RoomID: p.small.ID}, p.loc)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Publish(ctx, f.ID, p.loc); err != nil {
				t.Fatal(err)
			}
			sessions = append(sessions, s.ID)
		}
		errs := make(chan error, n)
		for _, id := range sessions {
			go func() {
				_, err := st.MoveSession(ctx, id, p.big.ID, p.day1At(15, 0), p.loc)
				errs <- err
			}()
		}
		ok := 0
		for range n {
			err := <-errs
			switch {
			case err == nil:
				ok++
			case expo.ErrorCode(err) != expo.CodeConflict:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d moves succeeded, want exactly 1", ok)
		}
		clashes, err := st.Clashes(ctx, p.loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range clashes {
			if c.RoomID == p.big.ID {
				t.Fatalf("clash in the target room: %s %v", c.Message, c.Params)
			}
		}
	})
}

func TestDeleteRules(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newProgramme(t, st)
		f, _ := st.CreateForum(ctx, forumIn("Short-lived", 10))
		s, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: "only", StartsAt: p.day1At(9, 0), EndsAt: p.day1At(10, 0), RoomID: p.small.ID}, p.loc)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, f.ID, p.loc); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSession(ctx, s.ID); !errors.Is(err, store.ErrLastSessionPublished) {
			t.Fatalf("deleting the only session of a published forum = %v", err)
		}
		u, err := st.CreateAttendee(ctx, expo.SignUp{Email: "x@example.org", Password: "long-enough-pw", Profile: expo.Profile{Name: "X", Country: "CN", Languages: []string{"zh"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Register(ctx, f.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteForum(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		notes, _ := st.Notifications(ctx, u.ID, 5)
		if len(notes) != 1 || notes[0].Message != "forum.notify.cancelled" || notes[0].Params["Forum"] != "Short-lived" {
			t.Fatalf("notifications = %+v, want the cancellation", notes)
		}
		if err := st.DeleteForum(ctx, f.ID); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("deleting twice = %v", err)
		}
	})
}
