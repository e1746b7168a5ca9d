package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"expo/internal/expo"
)

// Forum scheduling: rooms, opening hours, speakers, forums and their
// sessions. Every write that can change the programme's clashes runs in one
// transaction that first locks the programme (lockProgramme), so the clash
// check of a published forum and the write it guards cannot interleave with
// another organizer's edit, on SQLite or on PostgreSQL.

type forumRow struct {
	ID               int64
	Title            string
	Theme            string
	Description      string
	HostOrganization string
	Languages        string
	Interpretation   bool
	Capacity         int
	Confirmed        int
	Waitlisted       int
	Published        bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (forumRow) TableName() string { return "forums" }

func (r forumRow) forum() expo.Forum {
	return expo.Forum{ID: r.ID, Title: r.Title, Theme: r.Theme, Description: r.Description,
		HostOrganization: r.HostOrganization, Languages: splitList(r.Languages), Interpretation: r.Interpretation,
		Capacity: r.Capacity, Confirmed: r.Confirmed, Waitlisted: r.Waitlisted, Published: r.Published, Sessions: []expo.Session{}, UpdatedAt: r.UpdatedAt}
}

type forumSessionRow struct {
	ID       int64
	ForumID  int64
	Title    string
	StartsAt time.Time
	EndsAt   time.Time
	RoomID   int64
	Language string
}

func (forumSessionRow) TableName() string { return "forum_sessions" }

func (r forumSessionRow) session() expo.Session {
	return expo.Session{ID: r.ID, ForumID: r.ForumID, Title: r.Title, StartsAt: r.StartsAt, EndsAt: r.EndsAt,
		RoomID: r.RoomID, Language: r.Language, SpeakerIDs: []int64{}, Speakers: []expo.Speaker{}}
}

type speakerRow struct {
	ID           int64
	Name         string
	NameLatin    string
	Title        string
	Organization string
	Country      string
	Bio          string
	CreatedAt    time.Time
}

func (speakerRow) TableName() string { return "speakers" }

func (r speakerRow) speaker() expo.Speaker {
	return expo.Speaker{ID: r.ID, Name: r.Name, NameLatin: r.NameLatin, Title: r.Title,
		Organization: r.Organization, Country: r.Country, Bio: r.Bio}
}

type sessionSpeakerRow struct {
	SessionID int64 `gorm:"primaryKey;autoIncrement:false"`
	SpeakerID int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (sessionSpeakerRow) TableName() string { return "session_speakers" }

// ForumFilter narrows Forums and CountForums. Zero fields do not filter.
type ForumFilter struct {
	// Published: nil lists drafts and published forums, true only
	// published ones (the public programme), false only drafts.
	Published *bool
	Theme     string // one of expo.ForumThemes
	Language  string // forums offering this language (ISO 639-1)
	RoomID    int64  // forums with a session in this room
	// Day is midnight of an expo day in the expo's time zone: forums with a
	// session starting that day.
	Day time.Time
	// Limit and Offset page the list; Limit 0 means all.
	Limit, Offset int
}

func (f ForumFilter) apply(q *gorm.DB) *gorm.DB {
	if f.Published != nil {
		q = q.Where("forums.published = ?", *f.Published)
	}
	if f.Theme != "" {
		q = q.Where("forums.theme = ?", f.Theme)
	}
	if f.Language != "" {
		q = q.Where("(',' || forums.languages || ',') LIKE ?", "%,"+strings.ReplaceAll(f.Language, "%", "")+",%")
	}
	if f.RoomID != 0 || !f.Day.IsZero() {
		sub := "SELECT 1 FROM forum_sessions fs WHERE fs.forum_id = forums.id"
		var args []any
		if f.RoomID != 0 {
			sub += " AND fs.room_id = ?"
			args = append(args, f.RoomID)
		}
		if !f.Day.IsZero() {
			sub += " AND fs.starts_at >= ? AND fs.starts_at < ?"
			args = append(args, f.Day.UTC(), f.Day.AddDate(0, 0, 1).UTC())
		}
		q = q.Where("EXISTS ("+sub+")", args...)
	}
	return q
}

// Forums lists forums matching the filter, each with its sessions (by start
// time, speakers filled), its Confirmed and Waitlisted counts, ordered by
// their first session (forums without sessions last), then by ID. It makes
// a fixed number of queries whatever the number of forums.
func (s *Store) Forums(ctx context.Context, f ForumFilter) ([]expo.Forum, error) {
	q := f.apply(s.r.WithContext(ctx).Model(&forumRow{})).
		Order(clause.Expr{SQL: "CASE WHEN (SELECT MIN(starts_at) FROM forum_sessions s1 WHERE s1.forum_id = forums.id) IS NULL THEN 1 ELSE 0 END, " +
			"(SELECT MIN(starts_at) FROM forum_sessions s2 WHERE s2.forum_id = forums.id), forums.id"})
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var rows []forumRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list forums")
	}
	return s.fillForums(s.r.WithContext(ctx), rows)
}

// CountForums counts the forums matching the filter (Limit and Offset
// ignored), for pagination.
func (s *Store) CountForums(ctx context.Context, f ForumFilter) (int64, error) {
	var n int64
	err := f.apply(s.r.WithContext(ctx).Model(&forumRow{})).Count(&n).Error
	return n, dbErr(err, "count forums")
}

// Forum returns one forum with its sessions (by start time, speakers filled)
// and its Confirmed and Waitlisted counts; expo.ErrNotFound if there is none.
func (s *Store) Forum(ctx context.Context, id int64) (expo.Forum, error) {
	return s.forumFrom(s.r.WithContext(ctx), id)
}

func (s *Store) forumFrom(db *gorm.DB, id int64) (expo.Forum, error) {
	var row forumRow
	if err := db.Take(&row, id).Error; err != nil {
		return expo.Forum{}, dbErr(err, "read forum")
	}
	out, err := s.fillForums(db, []forumRow{row})
	if err != nil {
		return expo.Forum{}, err
	}
	return out[0], nil
}

// fillForums loads the sessions and speakers of rows, a fixed number of
// queries whatever their number (the registration counts are columns of
// the rows).
func (s *Store) fillForums(db *gorm.DB, rows []forumRow) ([]expo.Forum, error) {
	out := make([]expo.Forum, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	index := map[int64]int{}
	for i, r := range rows {
		out[i] = r.forum()
		ids[i] = r.ID
		index[r.ID] = i
	}
	var sessions []forumSessionRow
	if err := db.Where("forum_id IN ?", ids).Order("starts_at, id").Find(&sessions).Error; err != nil {
		return nil, dbErr(err, "list sessions")
	}
	list := make([]expo.Session, len(sessions))
	for i, r := range sessions {
		list[i] = r.session()
	}
	if err := s.fillSpeakers(db, list); err != nil {
		return nil, err
	}
	for _, ss := range list {
		f := &out[index[ss.ForumID]]
		f.Sessions = append(f.Sessions, ss)
	}
	return out, nil
}

// fillSpeakers sets SpeakerIDs and Speakers (by Latin name, then name) of
// the sessions with one query.
func (s *Store) fillSpeakers(db *gorm.DB, sessions []expo.Session) error {
	if len(sessions) == 0 {
		return nil
	}
	ids := make([]int64, len(sessions))
	index := map[int64]int{}
	for i, ss := range sessions {
		ids[i] = ss.ID
		index[ss.ID] = i
	}
	type link struct {
		SessionID    int64
		SpeakerID    int64
		Name         string
		NameLatin    string
		Title        string
		Organization string
		Country      string
		Bio          string
	}
	var rows []link
	// Chunks keep the IN list within every driver's parameter limit.
	for chunk := range slices.Chunk(ids, 500) {
		var part []link
		err := db.Table("session_speakers").
			Select("session_speakers.session_id, session_speakers.speaker_id, speakers.name, speakers.name_latin, "+
				"speakers.title, speakers.organization, speakers.country, speakers.bio").
			Joins("JOIN speakers ON speakers.id = session_speakers.speaker_id").
			Where("session_speakers.session_id IN ?", chunk).
			Order("speakers.name_latin, speakers.name, speakers.id").Scan(&part).Error
		if err != nil {
			return dbErr(err, "list session speakers")
		}
		rows = append(rows, part...)
	}
	for _, r := range rows {
		ss := &sessions[index[r.SessionID]]
		ss.SpeakerIDs = append(ss.SpeakerIDs, r.SpeakerID)
		ss.Speakers = append(ss.Speakers, expo.Speaker{ID: r.SpeakerID, Name: r.Name, NameLatin: r.NameLatin, Title: r.Title,
			Organization: r.Organization, Country: r.Country, Bio: r.Bio})
	}
	return nil
}

// Session returns one session with its speakers; expo.ErrNotFound if there
// is none.
func (s *Store) Session(ctx context.Context, id int64) (expo.Session, error) {
	db := s.r.WithContext(ctx)
	var row forumSessionRow
	if err := db.Take(&row, id).Error; err != nil {
		return expo.Session{}, dbErr(err, "read session")
	}
	list := []expo.Session{row.session()}
	if err := s.fillSpeakers(db, list); err != nil {
		return expo.Session{}, err
	}
	return list[0], nil
}

// lockProgramme serializes programme edits: on PostgreSQL it takes the row
// lock of the one expos row until the transaction ends; on SQLite the write
// transaction already holds the database's write lock.
func lockProgramme(tx *gorm.DB) error {
	return tx.Exec("UPDATE expos SET name = name WHERE id = 1").Error
}

// eventIn reads the expo's dates inside tx; a missing expo reads as the
// zero Expo, outside which every time lies.
func eventIn(tx *gorm.DB, loc *time.Location) (expo.Expo, error) {
	var row expoRow
	err := tx.Take(&row, 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return expo.Expo{}, nil
	}
	if err != nil {
		return expo.Expo{}, dbErr(err, "read expo")
	}
	start, err1 := time.ParseInLocation(dayLayout, row.StartsOn, loc)
	end, err2 := time.ParseInLocation(dayLayout, row.EndsOn, loc)
	if err := errors.Join(err1, err2); err != nil {
		return expo.Expo{}, err
	}
	return expo.Expo{Name: row.Name, City: row.City, Venue: row.Venue, StartsOn: start, EndsOn: end}, nil
}

// Programme reads everything clash detection needs: the expo, its opening
// hours, rooms, speakers, and every forum (drafts included) with sessions.
func (s *Store) Programme(ctx context.Context, loc *time.Location) (expo.Programme, error) {
	return s.programmeIn(s.r.WithContext(ctx), loc)
}

func (s *Store) programmeIn(db *gorm.DB, loc *time.Location) (expo.Programme, error) {
	var p expo.Programme
	var err error
	if p.Expo, err = eventIn(db, loc); err != nil {
		return p, err
	}
	var hours []openingRow
	if err := db.Order("day").Find(&hours).Error; err != nil {
		return p, dbErr(err, "list opening hours")
	}
	for _, h := range hours {
		day, err := time.ParseInLocation(dayLayout, h.Day, loc)
		if err != nil {
			return p, err
		}
		p.Hours = append(p.Hours, expo.OpeningHours{Day: day, Opens: h.OpensAt, Closes: h.ClosesAt})
	}
	var rooms []roomRow
	if err := db.Order("name").Find(&rooms).Error; err != nil {
		return p, dbErr(err, "list rooms")
	}
	for _, r := range rooms {
		p.Rooms = append(p.Rooms, r.room())
	}
	var speakers []speakerRow
	if err := db.Order("name_latin, name, id").Find(&speakers).Error; err != nil {
		return p, dbErr(err, "list speakers")
	}
	for _, r := range speakers {
		p.Speakers = append(p.Speakers, r.speaker())
	}
	var forums []forumRow
	if err := db.Order("id").Find(&forums).Error; err != nil {
		return p, dbErr(err, "list forums")
	}
	p.Forums, err = s.fillForums(db, forums)
	return p, err
}

// Clashes lists every clash of the whole programme (see expo.DetectClashes).
func (s *Store) Clashes(ctx context.Context, loc *time.Location) ([]expo.Clash, error) {
	p, err := s.Programme(ctx, loc)
	if err != nil {
		return nil, err
	}
	return expo.DetectClashes(p), nil
}

// CreateForum validates and saves a new forum as a draft.
func (s *Store) CreateForum(ctx context.Context, in expo.ForumInput) (expo.Forum, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Forum{}, err
	}
	now := s.now()
	row := forumRow{Title: in.Title, Theme: in.Theme, Description: in.Description, HostOrganization: in.HostOrganization,
		Languages: strings.Join(in.Languages, ","), Interpretation: in.Interpretation, Capacity: in.Capacity,
		CreatedAt: now, UpdatedAt: now}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return expo.Forum{}, dbErr(err, "create forum")
	}
	return row.forum(), nil
}

// ErrCapacityBelowConfirmed: a forum's capacity cannot drop below the
// registrations already confirmed.
var ErrCapacityBelowConfirmed = &expo.Error{Code: expo.CodeConflict, Message: "error.form",
	Fields: map[string]string{"capacity": "forum.error.capacity_below_confirmed"}}

// UpdateForum validates and saves a forum's details. The capacity may not
// drop below the confirmed registrations (ErrCapacityBelowConfirmed); when
// it rises, the first waiting registrations are confirmed in waitlist order
// and told so. A published forum may not be given more seats than a room of
// its sessions holds (a conflict naming the clash).
func (s *Store) UpdateForum(ctx context.Context, id int64, in expo.ForumInput, loc *time.Location) (expo.Forum, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Forum{}, err
	}
	var out expo.Forum
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		res := tx.Model(&forumRow{}).Where("id = ? AND confirmed <= ?", id, in.Capacity).Updates(map[string]any{
			"title": in.Title, "theme": in.Theme, "description": in.Description, "host_organization": in.HostOrganization,
			"languages": strings.Join(in.Languages, ","), "interpretation": in.Interpretation, "capacity": in.Capacity,
			"updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var row forumRow
			if err := tx.Take(&row, id).Error; err != nil {
				return err
			}
			return ErrCapacityBelowConfirmed
		}
		if err := s.promoteWaiting(tx, id); err != nil {
			return err
		}
		f, err := s.forumFrom(tx, id)
		if err != nil {
			return err
		}
		if f.Published {
			if err := s.refuseClashes(tx, loc, func(c expo.Clash) bool { return c.Kind == expo.ClashCapacity && c.Involves(id) }); err != nil {
				return err
			}
		}
		out = f
		return nil
	})
	if err != nil {
		return expo.Forum{}, dbErr(err, "update forum")
	}
	return out, nil
}

// promoteWaiting confirms waiting registrations of the forum, first come
// first served, while seats are free, and notifies each promoted attendee.
func (s *Store) promoteWaiting(tx *gorm.DB, forumID int64) error {
	var f forumRow
	if err := tx.Take(&f, forumID).Error; err != nil {
		return err
	}
	free := f.Capacity - f.Confirmed
	if free <= 0 {
		return nil
	}
	var waiting []struct {
		ID     int64
		UserID int64
	}
	if err := tx.Table("forum_registrations").Select("id, user_id").
		Where("forum_id = ? AND status = ?", forumID, string(expo.RegistrationWaitlisted)).
		Order("id").Limit(free).Scan(&waiting).Error; err != nil {
		return err
	}
	if len(waiting) == 0 {
		return nil
	}
	ids := make([]int64, len(waiting))
	for i, w := range waiting {
		ids[i] = w.ID
	}
	res := tx.Table("forum_registrations").Where("id IN ? AND status = ?", ids, string(expo.RegistrationWaitlisted)).
		Update("status", string(expo.RegistrationConfirmed))
	if res.Error != nil {
		return res.Error
	}
	n := res.RowsAffected
	// The forum row is locked by the caller's update, so the guard holds;
	// if it ever failed the counters would drift, so refuse the whole change.
	res = tx.Model(&forumRow{}).Where("id = ? AND confirmed + ? <= capacity AND waitlisted >= ?", forumID, n, n).
		Updates(map[string]any{"confirmed": gorm.Expr("confirmed + ?", n), "waitlisted": gorm.Expr("waitlisted - ?", n)})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("promote waiting of forum %d: counters do not allow %d promotions", forumID, n)
	}
	for _, w := range waiting {
		if err := s.notify(tx, w.UserID, "forum.notify.promoted_capacity", map[string]any{"Forum": f.Title},
			"/forums/"+strconv.FormatInt(forumID, 10)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteForum deletes a forum with its sessions and registrations, and
// tells every registered attendee (confirmed or waiting) that it was
// cancelled, in the same transaction; expo.ErrNotFound if there is none.
func (s *Store) DeleteForum(ctx context.Context, id int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var f forumRow
		if err := tx.Take(&f, id).Error; err != nil {
			return err
		}
		var users []int64
		if err := tx.Table("forum_registrations").Where("forum_id = ?", id).Order("id").Pluck("user_id", &users).Error; err != nil {
			return err
		}
		for _, u := range users {
			if err := s.notify(tx, u, "forum.notify.cancelled", map[string]any{"Forum": f.Title}, "/forums"); err != nil {
				return err
			}
		}
		res := tx.Delete(&forumRow{}, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		return nil
	})
	return dbErr(err, "delete forum")
}

// Errors of publishing.
var (
	// ErrForumNoSessions: a forum needs at least one session to be published.
	ErrForumNoSessions = expo.Errorf(expo.CodeConflict, "forum.error.no_sessions")
)

// ClashError is the conflict returned when a write would leave a published
// forum with clashes, or when a forum with clashes is to be published. Its
// Data holds "Count" (the number of clashes) and "Clashes" ([]expo.Clash).
func ClashError(message string, clashes []expo.Clash) *expo.Error {
	return &expo.Error{Code: expo.CodeConflict, Message: message, Data: map[string]any{"Count": len(clashes), "Clashes": clashes}}
}

// ClashesOfError returns the clashes a ClashError carries.
func ClashesOfError(err error) []expo.Clash {
	if e, ok := expo.AsError(err); ok && e.Data != nil {
		if cs, ok := e.Data["Clashes"].([]expo.Clash); ok {
			return cs
		}
	}
	return nil
}

// refuseClashes fails with a ClashError when the programme, as written so
// far in tx, has clashes selected by keep.
func (s *Store) refuseClashes(tx *gorm.DB, loc *time.Location, keep func(expo.Clash) bool) error {
	p, err := s.programmeIn(tx, loc)
	if err != nil {
		return err
	}
	var found []expo.Clash
	for _, c := range expo.DetectClashes(p) {
		if keep(c) {
			found = append(found, c)
		}
	}
	if len(found) > 0 {
		return ClashError("clash.error.published", found)
	}
	return nil
}

// Publish makes a forum part of the public programme. It fails with
// ErrForumNoSessions for a forum without sessions and with a ClashError
// (message "clash.error.publish_blocked") while any clash involves the
// forum; expo.ErrNotFound if there is none. Publishing twice is harmless.
func (s *Store) Publish(ctx context.Context, id int64, loc *time.Location) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		var row forumRow
		if err := tx.Take(&row, id).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&forumSessionRow{}).Where("forum_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrForumNoSessions
		}
		p, err := s.programmeIn(tx, loc)
		if err != nil {
			return err
		}
		if cs := expo.ClashesOf(expo.DetectClashes(p), id); len(cs) > 0 {
			return ClashError("clash.error.publish_blocked", cs)
		}
		return tx.Model(&forumRow{}).Where("id = ?", id).Updates(map[string]any{"published": true, "updated_at": s.now()}).Error
	})
	return dbErr(err, "publish forum")
}

// Unpublish turns a published forum back into a draft (its registrations
// stay); expo.ErrNotFound if there is none.
func (s *Store) Unpublish(ctx context.Context, id int64) error {
	res := s.w.WithContext(ctx).Model(&forumRow{}).Where("id = ?", id).Updates(map[string]any{"published": false, "updated_at": s.now()})
	if res.Error != nil {
		return dbErr(res.Error, "unpublish forum")
	}
	if res.RowsAffected == 0 {
		return expo.ErrNotFound
	}
	return nil
}

// Field errors of session writes that only the database can tell.
var (
	ErrUnknownRoom    = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"room_id": "session.error.unknown_room"}}
	ErrUnknownSpeaker = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"speakers": "session.error.unknown_speaker"}}
)

// CreateSession validates and adds a session to in.ForumID, with its
// speakers. Times must lie on expo days (in loc); the room and speakers must
// exist (ErrUnknownRoom, ErrUnknownSpeaker); expo.ErrNotFound when the forum
// does not. In a draft forum a session may clash (the organizer sees the
// clashes and fixes them before publishing); in a published forum a write
// that puts the session into a clash is refused with a ClashError
// ("clash.error.published") and nothing is saved.
func (s *Store) CreateSession(ctx context.Context, in expo.SessionInput, loc *time.Location) (expo.Session, error) {
	return s.saveSession(ctx, 0, in, loc)
}

// UpdateSession validates and replaces a session's title, times, room,
// language and speakers (in.ForumID is ignored: a session stays in its
// forum). Errors as for CreateSession; expo.ErrNotFound when the session
// does not exist.
func (s *Store) UpdateSession(ctx context.Context, id int64, in expo.SessionInput, loc *time.Location) (expo.Session, error) {
	if id <= 0 {
		return expo.Session{}, expo.ErrNotFound
	}
	return s.saveSession(ctx, id, in, loc)
}

// MoveSession moves a session to another room and start time, keeping its
// length, title and speakers; re-checked like UpdateSession.
func (s *Store) MoveSession(ctx context.Context, id, roomID int64, startsAt time.Time, loc *time.Location) (expo.Session, error) {
	cur, err := s.sessionFromWriter(ctx, id)
	if err != nil {
		return expo.Session{}, err
	}
	in := expo.SessionInput{ForumID: cur.ForumID, Title: cur.Title, StartsAt: startsAt, RoomID: roomID,
		Language: cur.Language, SpeakerIDs: cur.SpeakerIDs}
	if !startsAt.IsZero() {
		in.EndsAt = startsAt.Add(cur.EndsAt.Sub(cur.StartsAt))
	}
	return s.saveSession(ctx, id, in, loc)
}

// SetSessionSpeakers replaces the speakers of a session; errors as for
// UpdateSession.
func (s *Store) SetSessionSpeakers(ctx context.Context, sessionID int64, speakerIDs []int64, loc *time.Location) (expo.Session, error) {
	cur, err := s.sessionFromWriter(ctx, sessionID)
	if err != nil {
		return expo.Session{}, err
	}
	in := expo.SessionInput{ForumID: cur.ForumID, Title: cur.Title, StartsAt: cur.StartsAt, EndsAt: cur.EndsAt,
		RoomID: cur.RoomID, Language: cur.Language, SpeakerIDs: speakerIDs}
	return s.saveSession(ctx, sessionID, in, loc)
}

func (s *Store) sessionFromWriter(ctx context.Context, id int64) (expo.Session, error) {
	db := s.w.WithContext(ctx)
	var row forumSessionRow
	if err := db.Take(&row, id).Error; err != nil {
		return expo.Session{}, dbErr(err, "read session")
	}
	list := []expo.Session{row.session()}
	if err := s.fillSpeakers(db, list); err != nil {
		return expo.Session{}, err
	}
	return list[0], nil
}

func (s *Store) saveSession(ctx context.Context, id int64, in expo.SessionInput, loc *time.Location) (expo.Session, error) {
	var out expo.Session
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		ev, err := eventIn(tx, loc)
		if err != nil {
			return err
		}
		if id != 0 {
			var cur forumSessionRow
			if err := tx.Take(&cur, id).Error; err != nil {
				return err
			}
			in.ForumID = cur.ForumID
		}
		if in, err = in.Validate(ev); err != nil {
			return err
		}
		var forum forumRow
		if err := tx.Take(&forum, in.ForumID).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&roomRow{}).Where("id = ?", in.RoomID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrUnknownRoom
		}
		if len(in.SpeakerIDs) > 0 {
			if err := tx.Model(&speakerRow{}).Where("id IN ?", in.SpeakerIDs).Count(&n).Error; err != nil {
				return err
			}
			if int(n) != len(in.SpeakerIDs) {
				return ErrUnknownSpeaker
			}
		}
		row := forumSessionRow{ID: id, ForumID: in.ForumID, Title: in.Title, StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(),
			RoomID: in.RoomID, Language: in.Language}
		if id == 0 {
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		} else {
			if err := tx.Model(&forumSessionRow{}).Where("id = ?", id).Updates(map[string]any{
				"title": row.Title, "starts_at": row.StartsAt, "ends_at": row.EndsAt, "room_id": row.RoomID, "language": row.Language,
			}).Error; err != nil {
				return err
			}
			if err := tx.Where("session_id = ?", id).Delete(&sessionSpeakerRow{}).Error; err != nil {
				return err
			}
		}
		if len(in.SpeakerIDs) > 0 {
			links := make([]sessionSpeakerRow, len(in.SpeakerIDs))
			for i, sp := range in.SpeakerIDs {
				links[i] = sessionSpeakerRow{SessionID: row.ID, SpeakerID: sp}
			}
			if err := tx.Create(&links).Error; err != nil {
				return err
			}
		}
		if err := tx.Model(&forumRow{}).Where("id = ?", in.ForumID).Update("updated_at", s.now()).Error; err != nil {
			return err
		}
		if forum.Published {
			if err := s.refuseClashes(tx, loc, func(c expo.Clash) bool { return c.InvolvesSession(row.ID) }); err != nil {
				return err
			}
		}
		list := []expo.Session{row.session()}
		if err := s.fillSpeakers(tx, list); err != nil {
			return err
		}
		out = list[0]
		return nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return expo.Session{}, ErrUnknownRoom
	}
	if err != nil {
		return expo.Session{}, dbErr(err, "save session")
	}
	return out, nil
}

// ErrLastSessionPublished: the only session of a published forum cannot be
// deleted; unpublish the forum first (or add another session).
var ErrLastSessionPublished = expo.Errorf(expo.CodeConflict, "session.error.last_of_published")

// DeleteSession deletes a session (its speaker links go with it);
// ErrLastSessionPublished for the only session of a published forum,
// expo.ErrNotFound if there is none.
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		var row forumSessionRow
		if err := tx.Take(&row, id).Error; err != nil {
			return err
		}
		var f forumRow
		if err := tx.Take(&f, row.ForumID).Error; err != nil {
			return err
		}
		if f.Published {
			var n int64
			if err := tx.Model(&forumSessionRow{}).Where("forum_id = ?", f.ID).Count(&n).Error; err != nil {
				return err
			}
			if n <= 1 {
				return ErrLastSessionPublished
			}
		}
		return tx.Delete(&forumSessionRow{}, id).Error
	})
	return dbErr(err, "delete session")
}

// Speakers lists every speaker by Latin name, then name.
func (s *Store) Speakers(ctx context.Context) ([]expo.Speaker, error) {
	var rows []speakerRow
	if err := s.r.WithContext(ctx).Order("name_latin, name, id").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list speakers")
	}
	out := make([]expo.Speaker, len(rows))
	for i, r := range rows {
		out[i] = r.speaker()
	}
	return out, nil
}

// Speaker returns one speaker; expo.ErrNotFound if there is none.
func (s *Store) Speaker(ctx context.Context, id int64) (expo.Speaker, error) {
	var row speakerRow
	if err := s.r.WithContext(ctx).Take(&row, id).Error; err != nil {
		return expo.Speaker{}, dbErr(err, "read speaker")
	}
	return row.speaker(), nil
}

// CreateSpeaker validates and saves a new speaker.
func (s *Store) CreateSpeaker(ctx context.Context, in expo.SpeakerInput) (expo.Speaker, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Speaker{}, err
	}
	row := speakerRow{Name: in.Name, NameLatin: in.NameLatin, Title: in.Title, Organization: in.Organization,
		Country: in.Country, Bio: in.Bio, CreatedAt: s.now()}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return expo.Speaker{}, dbErr(err, "create speaker")
	}
	return row.speaker(), nil
}

// UpdateSpeaker validates and saves a speaker's details; expo.ErrNotFound if
// there is none.
func (s *Store) UpdateSpeaker(ctx context.Context, id int64, in expo.SpeakerInput) (expo.Speaker, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Speaker{}, err
	}
	res := s.w.WithContext(ctx).Model(&speakerRow{}).Where("id = ?", id).Updates(map[string]any{
		"name": in.Name, "name_latin": in.NameLatin, "title": in.Title, "organization": in.Organization,
		"country": in.Country, "bio": in.Bio,
	})
	if res.Error != nil {
		return expo.Speaker{}, dbErr(res.Error, "update speaker")
	}
	if res.RowsAffected == 0 {
		return expo.Speaker{}, expo.ErrNotFound
	}
	return expo.Speaker{ID: id, Name: in.Name, NameLatin: in.NameLatin, Title: in.Title, Organization: in.Organization,
		Country: in.Country, Bio: in.Bio}, nil
}

// DeleteSpeaker deletes a speaker and removes them from their sessions;
// expo.ErrNotFound if there is none.
func (s *Store) DeleteSpeaker(ctx context.Context, id int64) error {
	res := s.w.WithContext(ctx).Delete(&speakerRow{}, id)
	if res.Error != nil {
		return dbErr(res.Error, "delete speaker")
	}
	if res.RowsAffected == 0 {
		return expo.ErrNotFound
	}
	return nil
}

// SpeakerSessionCounts counts the sessions of each speaker (speakers
// without sessions are absent), with one query.
func (s *Store) SpeakerSessionCounts(ctx context.Context) (map[int64]int, error) {
	var rows []struct {
		SpeakerID int64
		N         int
	}
	if err := s.r.WithContext(ctx).Model(&sessionSpeakerRow{}).Select("speaker_id, COUNT(*) AS n").Group("speaker_id").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "count speaker sessions")
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.SpeakerID] = r.N
	}
	return out, nil
}

func (r roomRow) room() expo.Room {
	return expo.Room{ID: r.ID, Name: r.Name, HallID: r.HallID, Capacity: r.Capacity, Equipment: r.Equipment}
}

// Errors of room writes.
var (
	ErrRoomNameTaken = &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"name": "room.error.name_taken"}}
	ErrUnknownHall   = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"hall_id": "room.error.unknown_hall"}}
	ErrRoomInUse     = expo.Errorf(expo.CodeConflict, "room.error.in_use")
)

// Room returns one room; expo.ErrNotFound if there is none.
func (s *Store) Room(ctx context.Context, id int64) (expo.Room, error) {
	var row roomRow
	if err := s.r.WithContext(ctx).Take(&row, id).Error; err != nil {
		return expo.Room{}, dbErr(err, "read room")
	}
	return row.room(), nil
}

func roomWriteErr(err error, op string) error {
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrRoomNameTaken
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return ErrUnknownHall
	}
	return dbErr(err, op)
}

// CreateRoom validates and saves a new room; names are unique
// (ErrRoomNameTaken) and the hall, if any, must exist (ErrUnknownHall).
func (s *Store) CreateRoom(ctx context.Context, in expo.RoomInput) (expo.Room, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Room{}, err
	}
	row := roomRow{Name: in.Name, HallID: in.HallID, Capacity: in.Capacity, Equipment: in.Equipment}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return expo.Room{}, roomWriteErr(err, "create room")
	}
	return row.room(), nil
}

// UpdateRoom validates and saves a room's details; errors as for CreateRoom,
// expo.ErrNotFound if there is none. A smaller capacity may create capacity
// clashes, which the clash report then shows.
func (s *Store) UpdateRoom(ctx context.Context, id int64, in expo.RoomInput) (expo.Room, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.Room{}, err
	}
	var res *gorm.DB
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		res = tx.Model(&roomRow{}).Where("id = ?", id).Updates(map[string]any{
			"name": in.Name, "hall_id": in.HallID, "capacity": in.Capacity, "equipment": in.Equipment})
		return res.Error
	})
	if err != nil {
		return expo.Room{}, roomWriteErr(err, "update room")
	}
	if res.RowsAffected == 0 {
		return expo.Room{}, expo.ErrNotFound
	}
	return expo.Room{ID: id, Name: in.Name, HallID: in.HallID, Capacity: in.Capacity, Equipment: in.Equipment}, nil
}

// DeleteRoom deletes a room without sessions; ErrRoomInUse while sessions
// are planned in it, expo.ErrNotFound if there is none.
func (s *Store) DeleteRoom(ctx context.Context, id int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The foreign key (ON DELETE RESTRICT) is the rule; the guard only
		// tells "in use" from "not found" without parsing driver errors.
		res := tx.Where("id = ? AND NOT EXISTS (SELECT 1 FROM forum_sessions WHERE room_id = ?)", id, id).Delete(&roomRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var row roomRow
		if err := tx.Take(&row, id).Error; err != nil {
			return err
		}
		return ErrRoomInUse
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return ErrRoomInUse
	}
	return dbErr(err, "delete room")
}

// SetOpeningHours validates and saves (adds or replaces) the opening hours
// of h.Day, an expo day in loc. Narrower hours may create hours clashes,
// which the clash report then shows.
func (s *Store) SetOpeningHours(ctx context.Context, h expo.OpeningHours, loc *time.Location) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockProgramme(tx); err != nil {
			return err
		}
		ev, err := eventIn(tx, loc)
		if err != nil {
			return err
		}
		if h, err = h.Validate(ev); err != nil {
			return err
		}
		row := openingRow{Day: h.Day.In(loc).Format(dayLayout), OpensAt: h.Opens.UTC(), ClosesAt: h.Closes.UTC()}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "day"}},
			DoUpdates: clause.AssignmentColumns([]string{"opens_at", "closes_at"})}).Create(&row).Error
	})
	return dbErr(err, "set opening hours")
}

// DeleteOpeningHours removes the opening hours of day (in loc);
// expo.ErrNotFound if that day has none.
func (s *Store) DeleteOpeningHours(ctx context.Context, day time.Time, loc *time.Location) error {
	res := s.w.WithContext(ctx).Where("day = ?", day.In(loc).Format(dayLayout)).Delete(&openingRow{})
	if res.Error != nil {
		return dbErr(res.Error, "delete opening hours")
	}
	if res.RowsAffected == 0 {
		return expo.ErrNotFound
	}
	return nil
}
