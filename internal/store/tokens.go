package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

type tokenRow struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

func (tokenRow) TableName() string { return "api_tokens" }

const tokenPrefix = "expo_"

// newTokenSecret makes a token's secret: the prefix and 20 random bytes.
func newTokenSecret() (string, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)), nil
}

// tokenShownPrefix is the start of a secret that lists show to tell
// tokens apart.
func tokenShownPrefix(secret string) string { return secret[:len(tokenPrefix)+6] }

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a personal access token for the user and returns its
// secret, which is shown once and never stored.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (string, expo.APIToken, error) {
	var v expo.Validator
	name = v.Line("name", name, false, expo.MaxTokenName)
	if err := v.Err(); err != nil {
		return "", expo.APIToken{}, err
	}
	if name == "" {
		name = "API token"
	}
	secret, err := newTokenSecret()
	if err != nil {
		return "", expo.APIToken{}, err
	}
	row := tokenRow{UserID: userID, Name: name, TokenHash: hashToken(secret), Prefix: tokenShownPrefix(secret), CreatedAt: s.now()}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrForeignKeyViolated) {
				return expo.ErrNotFound
			}
			return err
		}
		var owner userRow
		if err := tx.Select("id, email").Take(&owner, userID).Error; err != nil {
			return err
		}
		return s.audit(tx, auditEntry{action: AuditTokenCreate, subjectType: auditSubjectToken, subjectID: row.ID,
			by: &expo.User{ID: owner.ID, Email: owner.Email}, details: map[string]any{"name": row.Name, "prefix": row.Prefix, "owner": owner.Email}})
	})
	if err != nil {
		return "", expo.APIToken{}, dbErr(err, "create token")
	}
	return secret, row.token(), nil
}

func (r tokenRow) token() expo.APIToken {
	return expo.APIToken{ID: r.ID, Name: r.Name, Prefix: r.Prefix, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
}

// Tokens lists the user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]expo.APIToken, error) {
	// The last uses noted but not yet written, so the list shows them.
	if err := s.flushTouches(ctx); err != nil {
		return nil, err
	}
	var rows []tokenRow
	if err := s.r.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list tokens")
	}
	out := make([]expo.APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// RevokeToken deletes one of the user's tokens; another user's token is
// reported as not found.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res := s.w.WithContext(ctx).Where("id = ? AND user_id = ?", tokenID, userID).Delete(&tokenRow{})
	if res.Error != nil {
		return dbErr(res.Error, "revoke token")
	}
	if res.RowsAffected == 0 {
		return expo.ErrNotFound
	}
	return nil
}

// UserByToken returns the owner of a token secret, or expo.ErrUnauthorized.
// It notes the last use at most once a minute, written in the background
// with others (tokentouch.go). On SQLite the owner comes from authCache
// while nothing changed.
func (s *Store) UserByToken(ctx context.Context, secret string) (expo.User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return expo.User{}, expo.ErrUnauthorized
	}
	hash := hashToken(secret)
	now := s.now()
	tok, ok := s.auth.token(hash, now)
	if !ok {
		var err error
		if tok, err = s.readToken(ctx, hash, now); err != nil {
			return expo.User{}, err
		}
	}
	if tok.lastUsed == nil || now.Sub(*tok.lastUsed) > time.Minute {
		s.noteTokenUse(tok.tokenID, now)
		s.auth.touched(hash, now)
	}
	return tok.user, nil
}

// testHookTokenRead runs between a token's read and its caching, in tests.
var testHookTokenRead func()

// readToken reads a token and its owner in one statement (the token's user
// is deleted with the user, so a found token always has one), and keeps
// them in the cache. Plain SQL, since every API call needs it.
func (s *Store) readToken(ctx context.Context, hash string, now time.Time) (tokenOwner, error) {
	e := authEntry[tokenOwner]{gen: s.auth.generation(), at: now}
	var row userRow
	err := s.readRow(ctx, `SELECT `+userColumns+`, t.id, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash).
		Scan(row.dest(&e.val.tokenID, &e.val.lastUsed)...)
	if errors.Is(err, sql.ErrNoRows) {
		return e.val, expo.ErrUnauthorized
	}
	if err != nil {
		return e.val, dbErr(err, "find token")
	}
	e.val.user = row.user()
	if testHookTokenRead != nil {
		testHookTokenRead()
	}
	s.auth.putToken(hash, e)
	return e.val, nil
}
