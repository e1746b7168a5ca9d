package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"expo/internal/expo"
)

type userRow struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Organization string
	Country      string
	JobTitle     string
	Languages    string
	Interests    string
	Locale       string
	ExhibitorID  *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) user() expo.User {
	return expo.User{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: expo.Role(r.Role),
		Organization: r.Organization, Country: r.Country, JobTitle: r.JobTitle,
		Languages: splitList(r.Languages), Interests: splitList(r.Interests),
		Locale: r.Locale, ExhibitorID: r.ExhibitorID, CreatedAt: r.CreatedAt,
		CredentialsVersion: credentialsVersion(r.PasswordHash),
	}
}

// credentialsVersion fingerprints the password hash (which is salted, so it
// changes with every new password) without revealing it.
func credentialsVersion(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:8])
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func (s *Store) hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	return string(h), err
}

// CreateAttendee validates a sign-up and creates the attendee account.
func (s *Store) CreateAttendee(ctx context.Context, in expo.SignUp) (expo.User, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.User{}, err
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return expo.User{}, err
	}
	now := s.now()
	row := userRow{
		Email: in.Email, Name: in.Name, PasswordHash: hash, Role: string(expo.RoleAttendee),
		Organization: in.Organization, Country: in.Country, JobTitle: in.JobTitle,
		Languages: strings.Join(in.Languages, ","), Interests: strings.Join(in.Interests, ","),
		Locale: in.Locale, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return expo.User{}, expo.ErrEmailTaken
		}
		return expo.User{}, dbErr(err, "create attendee")
	}
	return row.user(), nil
}

// SetupDone reports whether the first organizer has been created.
func (s *Store) SetupDone(ctx context.Context) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM setup_claim").Scan(&n).Error
	return n > 0, dbErr(err, "read setup state")
}

// CreateFirstOrganizer creates the first organizer; it fails with
// expo.ErrSetupDone once any organizer was created through setup. The
// single-row setup_claim table makes this hold under concurrent attempts.
func (s *Store) CreateFirstOrganizer(ctx context.Context, in expo.NewOrganizer) (expo.User, error) {
	return s.createOrganizer(ctx, in, true)
}

// CreateOrganizer creates an organizer account (from the shell).
func (s *Store) CreateOrganizer(ctx context.Context, in expo.NewOrganizer) (expo.User, error) {
	return s.createOrganizer(ctx, in, false)
}

func (s *Store) createOrganizer(ctx context.Context, in expo.NewOrganizer, firstOnly bool) (expo.User, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.User{}, err
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return expo.User{}, err
	}
	now := s.now()
	row := userRow{Email: in.Email, Name: in.Name, PasswordHash: hash, Role: string(expo.RoleOrganizer), Languages: "en", CreatedAt: now, UpdatedAt: now}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return expo.ErrEmailTaken
			}
			return err
		}
		claim := "INSERT INTO setup_claim (id, user_id, claimed_at) VALUES (1, ?, ?)"
		if !firstOnly {
			// A shell organizer claims setup only if nobody has. The conflict
			// must not be an error: on PostgreSQL a failed statement aborts
			// the transaction and the commit turns into a rollback.
			claim += " ON CONFLICT (id) DO NOTHING"
		}
		if err := tx.Exec(claim, row.ID, now).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return expo.ErrSetupDone
			}
			return err
		}
		action := AuditOrganizerCreate
		if firstOnly {
			action = AuditSetupOrganizer
		}
		u := row.user()
		return s.audit(tx, auditEntry{action: action, subjectType: auditSubjectUser, subjectID: row.ID, by: &u,
			details: map[string]any{"email": row.Email, "to": string(expo.RoleOrganizer)}})
	})
	if err != nil {
		return expo.User{}, dbErr(err, "create organizer")
	}
	return row.user(), nil
}

// dummyHash is compared against when no user matches, so a login for an
// unknown e-mail takes as long as one with a wrong password.
// It is computed on first use: hashing at start-up would cost every process
// (and every test binary) a bcrypt round.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such user, no such password"), expo.DefaultBcryptCost)
	return h
})

// Authenticate returns the user with this e-mail and password, or
// expo.ErrInvalidCredentials.
func (s *Store) Authenticate(ctx context.Context, email, password string) (expo.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return expo.User{}, expo.ErrInvalidCredentials
	}
	if err != nil {
		return expo.User{}, dbErr(err, "find user")
	}
	if bcrypt.CompareHashAndPassword([]byte(row.PasswordHash), []byte(password)) != nil {
		return expo.User{}, expo.ErrInvalidCredentials
	}
	return row.user(), nil
}

// User returns the user with this id.
func (s *Store) User(ctx context.Context, id int64) (expo.User, error) {
	// Every page view of a logged-in user reads it: from authCache on
	// SQLite while the user is unchanged, else in plain SQL (plainsql.go).
	now := s.now()
	if u, ok := s.auth.user(id, now); ok {
		return u, nil
	}
	e := authEntry[expo.User]{gen: s.auth.generation(), at: now}
	var row userRow
	err := s.readRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id).Scan(row.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return expo.User{}, dbErr(err, "find user")
	}
	e.val = row.user()
	s.auth.putUser(e)
	return e.val, nil
}

// userColumns are the columns of a user (table alias u) in the order of
// userRow.dest.
const userColumns = `u.id, u.email, u.name, u.password_hash, u.role, u.organization, u.country,
	u.job_title, u.languages, u.interests, u.locale, u.exhibitor_id, u.created_at, u.updated_at`

// dest lists the fields of r for scanning userColumns, then extra.
func (r *userRow) dest(extra ...any) []any {
	return append([]any{&r.ID, &r.Email, &r.Name, &r.PasswordHash, &r.Role, &r.Organization, &r.Country,
		&r.JobTitle, &r.Languages, &r.Interests, &r.Locale, &r.ExhibitorID, &r.CreatedAt, &r.UpdatedAt}, extra...)
}

// UserByEmail returns the user with this e-mail.
func (s *Store) UserByEmail(ctx context.Context, email string) (expo.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&row).Error
	return row.user(), dbErr(err, "find user")
}

// UpdateProfile validates and stores a user's profile.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, p expo.Profile) (expo.User, error) {
	var v expo.Validator
	p = p.Validate(&v)
	if err := v.Err(); err != nil {
		return expo.User{}, err
	}
	res := s.w.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).Updates(map[string]any{
		"name": p.Name, "organization": p.Organization, "country": p.Country, "job_title": p.JobTitle,
		"languages": strings.Join(p.Languages, ","), "interests": strings.Join(p.Interests, ","),
		"locale": p.Locale, "updated_at": s.now(),
	})
	if res.Error != nil {
		return expo.User{}, dbErr(res.Error, "update profile")
	}
	if res.RowsAffected == 0 {
		return expo.User{}, expo.ErrNotFound
	}
	return s.userFromWriter(ctx, userID)
}

// SetLocale stores the user's preferred interface language.
func (s *Store) SetLocale(ctx context.Context, userID int64, locale string) error {
	var v expo.Validator
	locale = v.OneOf("locale", locale, expo.UILocales, true)
	if err := v.Err(); err != nil {
		return err
	}
	return dbErr(s.w.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).
		Updates(map[string]any{"locale": locale, "updated_at": s.now()}).Error, "set locale")
}

// ChangePassword replaces the password after checking the current one.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	var v expo.Validator
	v.Password("new_password", next)
	if current == "" {
		v.Fail("current_password", "error.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	var row userRow
	if err := s.w.WithContext(ctx).Take(&row, userID).Error; err != nil {
		return dbErr(err, "find user")
	}
	if bcrypt.CompareHashAndPassword([]byte(row.PasswordHash), []byte(current)) != nil {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"current_password": "error.password_wrong"}}
	}
	hash, err := s.hash(next)
	if err != nil {
		return err
	}
	// Guarded on the old hash, so two concurrent changes cannot both win.
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ? AND password_hash = ?", userID, row.PasswordHash).
			Updates(map[string]any{"password_hash": hash, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.Errorf(expo.CodeConflict, "error.password_changed_meanwhile")
		}
		u := row.user()
		return s.audit(tx, auditEntry{action: AuditPasswordChange, subjectType: auditSubjectUser, subjectID: userID, by: &u,
			details: map[string]any{"email": row.Email}})
	}), "change password")
}

func (s *Store) userFromWriter(ctx context.Context, id int64) (expo.User, error) {
	var row userRow
	err := s.w.WithContext(ctx).Take(&row, id).Error
	return row.user(), dbErr(err, "find user")
}

// CountUsersByRole counts the accounts of each role.
func (s *Store) CountUsersByRole(ctx context.Context) (map[expo.Role]int64, error) {
	var rows []struct {
		Role string
		N    int64
	}
	if err := s.r.WithContext(ctx).Raw("SELECT role, COUNT(*) AS n FROM users GROUP BY role").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "count users")
	}
	out := map[expo.Role]int64{}
	for _, r := range rows {
		out[expo.Role(r.Role)] = r.N
	}
	return out, nil
}
