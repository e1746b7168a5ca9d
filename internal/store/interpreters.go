package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Interpreters: the organizer's pool of interpreters, their language pairs
// (stored with lang_a < lang_b) and the slots they are available in. A
// meeting whose two sides share no working language is confirmed only with
// an interpreter free in its slot; freeInterpreterTx picks one inside the
// booking transaction and the partial unique index
// meetings_interpreter_slot_open_idx is the final guard against giving one
// interpreter two meetings at once.

// freeInterpreterTx returns an interpreter who covers the language pair
// (langA, langB) — in either order — is available in slotID, and holds no
// open (pending or accepted) meeting in that slot. ok is false when nobody
// is free. Call it inside the booking transaction (tx on the writer) and
// store the id in meetings.interpreter_id in the same transaction: two
// concurrent bookings may pick the same interpreter, and the second insert
// then fails with gorm.ErrDuplicatedKey on meetings_interpreter_slot_open_idx
// (treat it as "no interpreter free" or retry once). The least-booked
// interpreter over the whole expo comes first, then the lowest id, so work
// spreads over the pool deterministically.
func freeInterpreterTx(tx *gorm.DB, slotID int64, langA, langB string) (int64, bool, error) {
	if langA == langB || langA == "" || langB == "" {
		return 0, false, nil
	}
	if langB < langA {
		langA, langB = langB, langA
	}
	var ids []int64
	err := tx.Raw(`SELECT i.id FROM interpreters i
		JOIN interpreter_languages l ON l.interpreter_id = i.id AND l.lang_a = ? AND l.lang_b = ?
		JOIN interpreter_availability a ON a.interpreter_id = i.id AND a.slot_id = ?
		WHERE NOT EXISTS (SELECT 1 FROM meetings m WHERE m.interpreter_id = i.id AND m.slot_id = ? AND m.status IN ('pending', 'accepted'))
		ORDER BY (SELECT COUNT(*) FROM meetings m2 WHERE m2.interpreter_id = i.id AND m2.status IN ('pending', 'accepted')), i.id
		LIMIT 1`, langA, langB, slotID, slotID).Scan(&ids).Error
	if err != nil {
		return 0, false, err
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	return ids[0], true, nil
}

// Interpreter is an interpreter of the pool with their language pairs.
type Interpreter struct {
	ID     int64
	Name   string
	UserID *int64
	Email  string // of the linked account, "" when none
	Pairs  []InterpreterPair
	// Slots counts the slots they are available in; Meetings their open
	// meetings.
	Slots, Meetings int
}

// InterpreterPair is a language pair, A < B.
type InterpreterPair struct{ A, B string }

// String writes the pair as the forms use it: "ko-ru".
func (p InterpreterPair) String() string { return p.A + "-" + p.B }

// InterpreterInput is what the organizer submits. Pairs are "ko-ru" in
// either order; Email links the user account with that address.
type InterpreterInput struct {
	Name  string
	Email string
	Pairs []string
}

// ErrInterpreterBusy: an interpreter with open meetings cannot be deleted.
var ErrInterpreterBusy = expo.Errorf(expo.CodeConflict, "interpreter.error.has_meetings")

type interpreterRow struct {
	ID        int64
	Name      string
	UserID    *int64
	CreatedAt time.Time
}

func (interpreterRow) TableName() string { return "interpreters" }

type interpreterLangRow struct {
	InterpreterID int64
	LangA, LangB  string
}

func (interpreterLangRow) TableName() string { return "interpreter_languages" }

// validateInterpreter checks the input and returns the name, e-mail and
// canonical pairs (A < B, in the order given, duplicates dropped).
func validateInterpreter(in InterpreterInput) (string, string, []InterpreterPair, error) {
	var v expo.Validator
	name := v.Line("name", in.Name, true, expo.MaxNameLen)
	email := ""
	if strings.TrimSpace(in.Email) != "" {
		email = v.Email("email", in.Email)
	}
	var pairs []InterpreterPair
	for _, raw := range in.Pairs {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		a, b, ok := strings.Cut(raw, "-")
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		switch {
		case !ok || !slices.Contains(expo.LanguageCodes, a) || !slices.Contains(expo.LanguageCodes, b):
			v.Fail("pairs", "interpreter.error.pair_unknown")
		case a == b:
			v.Fail("pairs", "interpreter.error.pair_same")
		default:
			a, b = expo.LanguagePair(a, b)
			p := InterpreterPair{A: a, B: b}
			if !slices.Contains(pairs, p) {
				pairs = append(pairs, p)
			}
		}
	}
	if len(pairs) == 0 {
		v.Fail("pairs", "interpreter.error.pairs_required")
	}
	return name, email, pairs, v.Err()
}

// linkUser finds the account to link by e-mail inside tx; nil when email is
// empty. An unknown address is a field error.
func linkUser(tx *gorm.DB, email string) (*int64, error) {
	if email == "" {
		return nil, nil
	}
	var ids []int64
	if err := tx.Model(&userRow{}).Where("email = ?", email).Limit(1).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"email": "interpreter.error.no_account"}}
	}
	return &ids[0], nil
}

var errInterpreterLinked = &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"email": "interpreter.error.account_taken"}}

func writePairs(tx *gorm.DB, id int64, pairs []InterpreterPair) error {
	if err := tx.Where("interpreter_id = ?", id).Delete(&interpreterLangRow{}).Error; err != nil {
		return err
	}
	rows := make([]interpreterLangRow, len(pairs))
	for i, p := range pairs {
		rows[i] = interpreterLangRow{InterpreterID: id, LangA: p.A, LangB: p.B}
	}
	return tx.Create(&rows).Error
}

// CreateInterpreter adds an interpreter with their pairs, linked to the
// account with Email when one is given.
func (s *Store) CreateInterpreter(ctx context.Context, in InterpreterInput) (int64, error) {
	name, email, pairs, err := validateInterpreter(in)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		uid, err := linkUser(tx, email)
		if err != nil {
			return err
		}
		row := interpreterRow{Name: name, UserID: uid, CreatedAt: s.now()}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errInterpreterLinked
			}
			return err
		}
		id = row.ID
		return writePairs(tx, id, pairs)
	})
	return id, dbErr(err, "create interpreter")
}

// UpdateInterpreter replaces an interpreter's name, linked account and
// pairs.
func (s *Store) UpdateInterpreter(ctx context.Context, id int64, in InterpreterInput) error {
	name, email, pairs, err := validateInterpreter(in)
	if err != nil {
		return err
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		uid, err := linkUser(tx, email)
		if err != nil {
			return err
		}
		res := tx.Model(&interpreterRow{}).Where("id = ?", id).Updates(map[string]any{"name": name, "user_id": uid})
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return errInterpreterLinked
			}
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrNotFound
		}
		return writePairs(tx, id, pairs)
	})
	return dbErr(err, "update interpreter")
}

// DeleteInterpreter removes an interpreter who holds no open meeting; one
// with open meetings is ErrInterpreterBusy (cancel or reassign them first).
// The guard and the delete are one statement.
func (s *Store) DeleteInterpreter(ctx context.Context, id int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM interpreters WHERE id = ? AND NOT EXISTS
			(SELECT 1 FROM meetings m WHERE m.interpreter_id = interpreters.id AND m.status IN ('pending', 'accepted'))`, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var n int64
		if err := tx.Model(&interpreterRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return expo.ErrNotFound
		}
		return ErrInterpreterBusy
	})
	return dbErr(err, "delete interpreter")
}

// Interpreters lists a page of interpreters by name with their pairs and
// counts, in three queries, and the total.
func (s *Store) Interpreters(ctx context.Context, offset, limit int) ([]Interpreter, int64, error) {
	db := s.r.WithContext(ctx)
	var total int64
	if err := db.Model(&interpreterRow{}).Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "count interpreters")
	}
	out, err := s.interpreters(db, func(q *gorm.DB) *gorm.DB { return q.Order("i.name, i.id").Offset(offset).Limit(limit) })
	return out, total, dbErr(err, "list interpreters")
}

// Interpreter returns one interpreter; expo.ErrNotFound when there is none.
func (s *Store) Interpreter(ctx context.Context, id int64) (Interpreter, error) {
	out, err := s.interpreters(s.r.WithContext(ctx), func(q *gorm.DB) *gorm.DB { return q.Where("i.id = ?", id) })
	if err != nil {
		return Interpreter{}, dbErr(err, "read interpreter")
	}
	if len(out) == 0 {
		return Interpreter{}, expo.ErrNotFound
	}
	return out[0], nil
}

// InterpreterOfUser returns the interpreter linked to the user; ok is false
// when the user is not an interpreter.
func (s *Store) InterpreterOfUser(ctx context.Context, userID int64) (Interpreter, bool, error) {
	out, err := s.interpreters(s.r.WithContext(ctx), func(q *gorm.DB) *gorm.DB { return q.Where("i.user_id = ?", userID) })
	if err != nil || len(out) == 0 {
		return Interpreter{}, false, dbErr(err, "read interpreter")
	}
	return out[0], true, nil
}

func (s *Store) interpreters(db *gorm.DB, scope func(*gorm.DB) *gorm.DB) ([]Interpreter, error) {
	var rows []struct {
		ID       int64
		Name     string
		UserID   *int64
		Email    *string
		Slots    int
		Meetings int
	}
	q := db.Table("interpreters i").
		Select(`i.id, i.name, i.user_id, u.email,
			(SELECT COUNT(*) FROM interpreter_availability a WHERE a.interpreter_id = i.id) AS slots,
			(SELECT COUNT(*) FROM meetings m WHERE m.interpreter_id = i.id AND m.status IN ('pending', 'accepted')) AS meetings`).
		Joins("LEFT JOIN users u ON u.id = i.user_id")
	if err := scope(q).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	out := make([]Interpreter, len(rows))
	at := map[int64]int{}
	for i, r := range rows {
		ids[i] = r.ID
		at[r.ID] = i
		out[i] = Interpreter{ID: r.ID, Name: r.Name, UserID: r.UserID, Slots: r.Slots, Meetings: r.Meetings}
		if r.Email != nil {
			out[i].Email = *r.Email
		}
	}
	var langs []interpreterLangRow
	if err := db.Where("interpreter_id IN ?", ids).Order("lang_a, lang_b").Find(&langs).Error; err != nil {
		return nil, err
	}
	for _, l := range langs {
		i := at[l.InterpreterID]
		out[i].Pairs = append(out[i].Pairs, InterpreterPair{A: l.LangA, B: l.LangB})
	}
	return out, nil
}

// InterpreterBlock is a negotiation block with how many of its slots an
// interpreter is available in.
type InterpreterBlock struct {
	ID         int64
	Day        string
	Start, End time.Time
	Theme      string
	Slots      int
	Available  int
}

// InterpreterBlocks lists every negotiation block (by day and start) with
// the interpreter's availability in it.
func (s *Store) InterpreterBlocks(ctx context.Context, id int64) ([]InterpreterBlock, error) {
	var out []InterpreterBlock
	err := s.r.WithContext(ctx).Raw(`SELECT b.id, b.day, b.starts_at AS start, b.ends_at AS "end", b.theme,
			COUNT(s.id) AS slots, COUNT(a.slot_id) AS available
		FROM negotiation_blocks b
		LEFT JOIN slots s ON s.block_id = b.id
		LEFT JOIN interpreter_availability a ON a.slot_id = s.id AND a.interpreter_id = ?
		GROUP BY b.id, b.day, b.starts_at, b.ends_at, b.theme
		ORDER BY b.day, b.starts_at, b.id`, id).Scan(&out).Error
	return out, dbErr(err, "list interpreter blocks")
}

// SetInterpreterBlocks makes the interpreter available in every slot of
// the given blocks and in no slot of the others — except slots where they
// already hold an open meeting, which stay. One transaction.
func (s *Store) SetInterpreterBlocks(ctx context.Context, id int64, blockIDs []int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&interpreterRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return expo.ErrNotFound
		}
		del := tx.Where("interpreter_id = ?", id).
			Where("NOT EXISTS (SELECT 1 FROM meetings m WHERE m.interpreter_id = interpreter_availability.interpreter_id AND m.slot_id = interpreter_availability.slot_id AND m.status IN ('pending', 'accepted'))")
		if len(blockIDs) > 0 {
			del = del.Where("slot_id NOT IN (SELECT id FROM slots WHERE block_id IN ?)", blockIDs)
		}
		if err := del.Delete(&interpreterAvailabilityRow{}).Error; err != nil {
			return err
		}
		if len(blockIDs) == 0 {
			return nil
		}
		return tx.Exec(`INSERT INTO interpreter_availability (interpreter_id, slot_id)
			SELECT ?, s.id FROM slots s WHERE s.block_id IN ?
			AND NOT EXISTS (SELECT 1 FROM interpreter_availability a WHERE a.interpreter_id = ? AND a.slot_id = s.id)`, id, blockIDs, id).Error
	})
	return dbErr(err, "set interpreter availability")
}

type interpreterAvailabilityRow struct {
	InterpreterID int64
	SlotID        int64
}

func (interpreterAvailabilityRow) TableName() string { return "interpreter_availability" }

// InterpretedMeeting is one meeting of an interpreter's agenda.
type InterpretedMeeting struct {
	ID                   int64
	Status               string
	Start, End           time.Time
	Language             string
	TableNumber          *int
	TableArea            *string
	ExhibitorSlug        string
	ExhibitorName        string
	ExhibitorCountry     string
	AttendeeName         string
	AttendeeOrganization string
	AttendeeCountry      string
}

// InterpreterAgenda lists an interpreter's open meetings from `from` on,
// by start, at most limit, with both parties and the table.
func (s *Store) InterpreterAgenda(ctx context.Context, interpreterID int64, from time.Time, limit int) ([]InterpretedMeeting, error) {
	var out []InterpretedMeeting
	err := s.r.WithContext(ctx).Table("meetings m").
		Select(`m.id, m.status, s.starts_at AS start, s.ends_at AS "end", m.language, t.number AS table_number, t.area AS table_area,
			e.slug AS exhibitor_slug, e.name AS exhibitor_name, e.country AS exhibitor_country,
			u.name AS attendee_name, u.organization AS attendee_organization, u.country AS attendee_country`).
		Joins("JOIN slots s ON s.id = m.slot_id").
		Joins("JOIN exhibitors e ON e.id = m.exhibitor_id").
		Joins("JOIN users u ON u.id = m.attendee_id").
		Joins("LEFT JOIN meeting_tables t ON t.id = m.table_id").
		Where("m.interpreter_id = ? AND m.status IN ('pending', 'accepted') AND s.ends_at > ?", interpreterID, from).
		Order("s.starts_at, m.id").Limit(limit).Scan(&out).Error
	return out, dbErr(err, "interpreter agenda")
}
