package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Team members of an exhibitor: one-time invitation links and removal.

// InviteLifetime is how long an invitation link can be used.
const InviteLifetime = 7 * 24 * time.Hour

type appInviteRow struct {
	ID          int64
	ExhibitorID int64
	TokenHash   string
	CreatedBy   *int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
	UsedBy      *int64
}

func (appInviteRow) TableName() string { return "exhibitor_invites" }

// Invite is an invitation as its company's owner sees it.
type Invite struct {
	ID        int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	UsedBy    string // the name of who accepted it
}

// Invitation errors.
var (
	ErrInviteInvalid = expo.Errorf(expo.CodeNotFound, "error.invite_invalid")
	ErrInviteUsed    = expo.Errorf(expo.CodeConflict, "error.invite_used")
	ErrInviteExpired = expo.Errorf(expo.CodeConflict, "error.invite_expired")
)

// CreateInvite makes a one-time invitation link secret for the owner's
// company. Only a hash of it is stored; the secret is shown once.
func (s *Store) CreateInvite(ctx context.Context, ownerID, exhibitorID int64) (string, time.Time, error) {
	return s.createInvite(ctx, ownerID, exhibitorID, func(tx *gorm.DB) error { return s.requireOwner(tx, ownerID, exhibitorID) })
}

// CreateOwnerInvite lets an organizer make the invitation link of a company
// that has no owner yet, such as one imported from CSV: whoever accepts it
// first becomes the owner.
func (s *Store) CreateOwnerInvite(ctx context.Context, organizerID, exhibitorID int64) (string, time.Time, error) {
	return s.createInvite(ctx, organizerID, exhibitorID, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("id = ? AND role = ?", organizerID, string(expo.RoleOrganizer)).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return expo.ErrForbidden
		}
		var row appRow
		if err := tx.Select("id, owner_id").Take(&row, exhibitorID).Error; err != nil {
			return err
		}
		if row.OwnerID != nil {
			return expo.Errorf(expo.CodeConflict, "error.invite_has_owner")
		}
		return nil
	})
}

func (s *Store) createInvite(ctx context.Context, creatorID, exhibitorID int64, allowed func(tx *gorm.DB) error) (string, time.Time, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	now := s.now()
	expires := now.Add(InviteLifetime)
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := allowed(tx); err != nil {
			return err
		}
		return tx.Create(&appInviteRow{ExhibitorID: exhibitorID, TokenHash: hashToken(secret), CreatedBy: &creatorID, CreatedAt: now, ExpiresAt: expires}).Error
	})
	if err != nil {
		return "", time.Time{}, dbErr(err, "create invite")
	}
	return secret, expires, nil
}

// Invites lists a company's invitations, newest first (owner only).
func (s *Store) Invites(ctx context.Context, ownerID, exhibitorID int64) ([]Invite, error) {
	db := s.r.WithContext(ctx)
	if err := s.requireOwner(db, ownerID, exhibitorID); err != nil {
		return nil, dbErr(err, "list invites")
	}
	var rows []struct {
		ID         int64
		CreatedAt  time.Time
		ExpiresAt  time.Time
		UsedAt     *time.Time
		UsedByName *string
	}
	err := db.Table("exhibitor_invites AS i").Select("i.id, i.created_at, i.expires_at, i.used_at, u.name AS used_by_name").
		Joins("LEFT JOIN users u ON u.id = i.used_by").Where("i.exhibitor_id = ?", exhibitorID).
		Order("i.id DESC").Limit(50).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list invites")
	}
	out := make([]Invite, len(rows))
	for i, r := range rows {
		out[i] = Invite{ID: r.ID, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt}
		if r.UsedByName != nil {
			out[i].UsedBy = *r.UsedByName
		}
	}
	return out, nil
}

// InviteCompany returns the company an unused, unexpired invitation is for.
func (s *Store) InviteCompany(ctx context.Context, secret string) (expo.Exhibitor, error) {
	var row appInviteRow
	err := s.r.WithContext(ctx).Where("token_hash = ?", hashToken(secret)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return expo.Exhibitor{}, ErrInviteInvalid
	}
	if err != nil {
		return expo.Exhibitor{}, dbErr(err, "find invite")
	}
	if err := inviteUsable(row, s.now()); err != nil {
		return expo.Exhibitor{}, err
	}
	return s.Application(ctx, row.ExhibitorID)
}

func inviteUsable(row appInviteRow, now time.Time) error {
	switch {
	case row.UsedAt != nil:
		return ErrInviteUsed
	case !now.Before(row.ExpiresAt):
		return ErrInviteExpired
	}
	return nil
}

// NewMember is a new account made from an invitation.
type NewMember struct {
	Email, Name, Password string
}

// AcceptInvite makes a user a member of the invitation's company. With
// user set, that logged-in account joins (an attendee becomes an
// exhibitor; an organizer or a member of another company cannot);
// otherwise a new exhibitor account is made from nm. The invitation is
// spent by a guarded UPDATE, so of two people racing for one link exactly
// one joins.
func (s *Store) AcceptInvite(ctx context.Context, secret string, user *expo.User, nm NewMember) (expo.User, error) {
	var v expo.Validator
	var hash string
	if user == nil {
		nm.Email = v.Email("email", nm.Email)
		nm.Name = v.Line("name", nm.Name, true, expo.MaxNameLen)
		v.Password("password", nm.Password)
		if err := v.Err(); err != nil {
			return expo.User{}, err
		}
		var err error
		if hash, err = s.hash(nm.Password); err != nil {
			return expo.User{}, err
		}
	} else if user.Role == expo.RoleOrganizer {
		return expo.User{}, expo.Errorf(expo.CodeConflict, "error.invite_organizer")
	} else if user.Role == expo.RoleExhibitor {
		return expo.User{}, expo.Errorf(expo.CodeConflict, "error.invite_other_company")
	}
	now := s.now()
	var out userRow
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv appInviteRow
		if err := tx.Where("token_hash = ?", hashToken(secret)).Take(&inv).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrInviteInvalid
			}
			return err
		}
		if err := inviteUsable(inv, now); err != nil {
			return err
		}
		if user == nil {
			var ex appRow
			if err := tx.Select("id, name_latin, country").Take(&ex, inv.ExhibitorID).Error; err != nil {
				return err
			}
			out = userRow{Email: nm.Email, Name: nm.Name, PasswordHash: hash, Role: string(expo.RoleExhibitor),
				Organization: ex.NameLatin, Country: ex.Country, ExhibitorID: &inv.ExhibitorID, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&out).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return expo.ErrEmailTaken
				}
				return err
			}
		} else {
			res := tx.Model(&userRow{}).Where("id = ? AND role = ?", user.ID, string(expo.RoleAttendee)).
				Updates(map[string]any{"role": string(expo.RoleExhibitor), "exhibitor_id": inv.ExhibitorID, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return expo.Errorf(expo.CodeConflict, "error.invite_other_company")
			}
			if err := tx.Take(&out, user.ID).Error; err != nil {
				return err
			}
			if err := s.audit(tx, auditEntry{action: AuditRoleChange, subjectType: auditSubjectUser, subjectID: user.ID, by: user,
				details: map[string]any{"email": out.Email, "from": string(expo.RoleAttendee), "to": string(expo.RoleExhibitor), "exhibitor_id": inv.ExhibitorID}}); err != nil {
				return err
			}
		}
		res := tx.Model(&appInviteRow{}).Where("id = ? AND used_at IS NULL", inv.ID).
			Updates(map[string]any{"used_at": now, "used_by": out.ID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrInviteUsed
		}
		// A company without an owner (imported from CSV) gets its first
		// member as owner; the guard keeps an existing owner.
		owned := tx.Model(&appRow{}).Where("id = ? AND owner_id IS NULL", inv.ExhibitorID).Update("owner_id", out.ID)
		if owned.Error != nil {
			return owned.Error
		}
		switch {
		case inv.CreatedBy == nil:
			return nil
		case owned.RowsAffected == 1:
			var ex appRow
			if err := tx.Select("id, name_latin").Take(&ex, inv.ExhibitorID).Error; err != nil {
				return err
			}
			return s.notify(tx, *inv.CreatedBy, "exhibitor.notify.owner_joined", map[string]any{"Name": out.Name, "Company": ex.NameLatin},
				"/organizer/exhibitors/"+strconv.FormatInt(inv.ExhibitorID, 10))
		}
		return s.notify(tx, *inv.CreatedBy, "exhibitor.notify.member_joined", map[string]any{"Name": out.Name}, "/exhibitor/team")
	})
	if err != nil {
		return expo.User{}, dbErr(err, "accept invite")
	}
	return out.user(), nil
}

// Members lists the people of a company, owner first. Any member may see
// the list of their own company; nobody else may.
func (s *Store) Members(ctx context.Context, viewer expo.User, exhibitorID int64) ([]expo.User, error) {
	if viewer.Role != expo.RoleOrganizer && (viewer.ExhibitorID == nil || *viewer.ExhibitorID != exhibitorID) {
		return nil, expo.ErrForbidden
	}
	var rows []userRow
	err := s.r.WithContext(ctx).Where("users.exhibitor_id = ?", exhibitorID).
		Joins("JOIN exhibitors e ON e.id = users.exhibitor_id").
		Order("CASE WHEN users.id = e.owner_id THEN 0 ELSE 1 END, users.name, users.id").Find(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list members")
	}
	out := make([]expo.User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// RemoveMember takes a person out of the owner's company. The account
// stays, as an attendee account without access to the company. The owner
// cannot remove themselves.
func (s *Store) RemoveMember(ctx context.Context, ownerID, exhibitorID, memberID int64) error {
	if ownerID == memberID {
		return expo.Errorf(expo.CodeConflict, "error.remove_owner")
	}
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.requireOwner(tx, ownerID, exhibitorID); err != nil {
			return err
		}
		res := tx.Model(&userRow{}).Where("id = ? AND exhibitor_id = ?", memberID, exhibitorID).
			Updates(map[string]any{"role": string(expo.RoleAttendee), "exhibitor_id": nil, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrNotFound
		}
		var ex appRow
		if err := tx.Select("id, name_latin").Take(&ex, exhibitorID).Error; err != nil {
			return err
		}
		var email string
		if err := tx.Raw("SELECT email FROM users WHERE id = ?", memberID).Scan(&email).Error; err != nil {
			return err
		}
		if err := s.audit(tx, auditEntry{action: AuditRoleChange, subjectType: auditSubjectUser, subjectID: memberID, by: &expo.User{ID: ownerID},
			details: map[string]any{"email": email, "from": string(expo.RoleExhibitor), "to": string(expo.RoleAttendee), "exhibitor_id": exhibitorID, "company": ex.NameLatin}}); err != nil {
			return err
		}
		return s.notify(tx, memberID, "exhibitor.notify.member_removed", map[string]any{"Company": ex.NameLatin}, "")
	}), "remove member")
}
