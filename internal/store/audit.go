package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// The audit log records organizer and security-relevant actions. A row is
// written by the store function that performs the action, inside the same
// transaction, so an action and its row commit (or roll back) together.
// The log is append-only: this file has no UPDATE or DELETE of audit rows,
// and database triggers (0007_audit.sql, dialect.go) refuse both.

// Actions of the audit log.
const (
	AuditExhibitorSubmit    = "exhibitor.submit"
	AuditExhibitorApprove   = "exhibitor.approve"
	AuditExhibitorReject    = "exhibitor.reject"
	AuditExhibitorWaitlist  = "exhibitor.waitlist"
	AuditExhibitorWithdraw  = "exhibitor.withdraw"
	AuditExhibitorDraft     = "exhibitor.draft"
	AuditExhibitorImport    = "exhibitor.import"
	AuditBoothAssign        = "booth.assign"
	AuditBoothUnassign      = "booth.unassign"
	AuditBoothCreate        = "booth.create"
	AuditBoothUpdate        = "booth.update"
	AuditBoothDelete        = "booth.delete"
	AuditSchedulerCommit    = "scheduler.commit"
	AuditRoleChange         = "user.role_change"
	AuditTokenCreate        = "token.create"
	AuditPasswordChange     = "auth.password_change"
	AuditSetupOrganizer     = "user.setup_organizer"
	AuditOrganizerCreate    = "user.organizer_create"
	AuditLoginFailed        = "auth.login_failed"
	AuditLoginRateLimited   = "auth.login_limited"
	auditSubjectExhibitor   = "exhibitor"
	auditSubjectBooth       = "booth"
	auditSubjectUser        = "user"
	auditSubjectToken       = "token"
	auditSubjectSchedulerTx = "scheduler"
)

// AuditActions lists every action, in the order the log page offers them.
var AuditActions = []string{
	AuditExhibitorApprove, AuditExhibitorReject, AuditExhibitorWaitlist, AuditExhibitorSubmit,
	AuditExhibitorWithdraw, AuditExhibitorDraft, AuditExhibitorImport,
	AuditBoothAssign, AuditBoothUnassign, AuditBoothCreate, AuditBoothUpdate, AuditBoothDelete,
	AuditSchedulerCommit, AuditRoleChange, AuditSetupOrganizer, AuditOrganizerCreate,
	AuditTokenCreate, AuditPasswordChange, AuditLoginFailed, AuditLoginRateLimited,
}

// transitionActions names the audit action of each target state.
var transitionActions = map[expo.ExhibitorState]string{
	expo.StateSubmitted: AuditExhibitorSubmit, expo.StateApproved: AuditExhibitorApprove,
	expo.StateRejected: AuditExhibitorReject, expo.StateWaitlisted: AuditExhibitorWaitlist,
	expo.StateWithdrawn: AuditExhibitorWithdraw, expo.StateDraft: AuditExhibitorDraft,
}

// Actor is who acts in a request, for the audit log: the web layer puts it
// into the request's context (WithActor) and the store reads it from the
// context of the transaction that writes the audit row.
type Actor struct {
	UserID    int64  // 0 when nobody is logged in
	Label     string // the actor's e-mail at the time
	IP        string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is the actor ctx carries.
func ActorOf(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// AuditEvent is one row of the audit log.
type AuditEvent struct {
	ID          int64
	At          time.Time
	ActorUserID *int64
	ActorLabel  string
	Action      string
	SubjectType string
	SubjectID   *int64
	Details     map[string]any
	IP          string
	RequestID   string
}

type auditRow struct {
	ID          int64
	At          time.Time
	ActorUserID *int64
	ActorLabel  string
	Action      string
	SubjectType string
	SubjectID   *int64
	Details     string
	IP          string `gorm:"column:ip"`
	RequestID   string
}

func (auditRow) TableName() string { return "audit_events" }

func (r auditRow) event() AuditEvent {
	e := AuditEvent{ID: r.ID, At: r.At.UTC(), ActorUserID: r.ActorUserID, ActorLabel: r.ActorLabel, Action: r.Action,
		SubjectType: r.SubjectType, SubjectID: r.SubjectID, IP: r.IP, RequestID: r.RequestID}
	if r.Details != "" && r.Details != "{}" {
		_ = json.Unmarshal([]byte(r.Details), &e.Details)
	}
	return e
}

// auditEntry is what an action records.
type auditEntry struct {
	action      string
	subjectType string
	subjectID   int64 // 0 for none
	details     map[string]any
	// by is the acting user when the context names no actor (the command
	// line, tests); the context's actor wins.
	by *expo.User
}

// Audit limits: a label or detail longer than this is cut, so hostile input
// (a failed login's e-mail) cannot bloat the log.
const (
	maxAuditLabel  = 320
	maxAuditDetail = 500
)

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut at a rune boundary.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// audit writes the audit row of an action inside its transaction tx, whose
// context carries the actor.
func (s *Store) audit(tx *gorm.DB, e auditEntry) error {
	var ctx context.Context = context.Background()
	if tx.Statement != nil && tx.Statement.Context != nil {
		ctx = tx.Statement.Context
	}
	row := auditRow{At: s.now(), Action: e.action, SubjectType: e.subjectType, Details: "{}"}
	if a, ok := ActorOf(ctx); ok {
		if a.UserID != 0 {
			id := a.UserID
			row.ActorUserID = &id
		}
		row.ActorLabel, row.IP, row.RequestID = a.Label, a.IP, a.RequestID
	}
	if row.ActorUserID == nil && row.ActorLabel == "" && e.by != nil && e.by.ID != 0 {
		id := e.by.ID
		row.ActorUserID, row.ActorLabel = &id, e.by.Email
	}
	row.ActorLabel = cut(strings.ToLower(row.ActorLabel), maxAuditLabel)
	row.IP, row.RequestID = cut(row.IP, 64), cut(row.RequestID, 64)
	if e.subjectID != 0 {
		id := e.subjectID
		row.SubjectID = &id
	}
	if len(e.details) > 0 {
		for k, v := range e.details {
			if str, ok := v.(string); ok {
				e.details[k] = cut(str, maxAuditDetail)
			}
		}
		b, err := json.Marshal(e.details)
		if err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
		row.Details = string(b)
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("write audit event %s: %w", e.action, err)
	}
	return nil
}

// AuditLoginFailed records a refused login (wrong password, unknown e-mail)
// or, with limited set, one refused by a rate limit. It records the e-mail
// tried, never the password. There is no action to join, so it is its own
// write.
func (s *Store) AuditLoginFailed(ctx context.Context, email string, limited bool) error {
	action := AuditLoginFailed
	if limited {
		action = AuditLoginRateLimited
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, _ := ActorOf(ctx)
		a.UserID = 0 // nobody is logged in: the actor is whoever tried
		a.Label = email
		tx = tx.WithContext(WithActor(ctx, a))
		return s.audit(tx, auditEntry{action: action, details: map[string]any{"email": cut(email, maxAuditDetail)}})
	}), "audit failed login")
}

// AuditFilter narrows the audit log. Zero fields do not filter; From and To
// are instants, To exclusive.
type AuditFilter struct {
	Action  string
	Actor   string // an e-mail, matched whole and case-insensitively
	From    time.Time
	To      time.Time
	Page    int // from 1
	PerPage int
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items []AuditEvent
	Total int64
}

// AuditEvents lists the audit log, newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	query := func() *gorm.DB {
		q := s.r.WithContext(ctx).Model(&auditRow{})
		if f.Action != "" {
			q = q.Where("action = ?", f.Action)
		}
		if a := strings.ToLower(strings.TrimSpace(f.Actor)); a != "" {
			q = q.Where("actor_label = ?", a)
		}
		if !f.From.IsZero() {
			q = q.Where("at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("at < ?", f.To.UTC())
		}
		return q
	}
	var out AuditPage
	if err := query().Count(&out.Total).Error; err != nil {
		return AuditPage{}, dbErr(err, "count audit events")
	}
	var rows []auditRow
	if err := query().Order("at DESC, id DESC").Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Find(&rows).Error; err != nil {
		return AuditPage{}, dbErr(err, "list audit events")
	}
	out.Items = make([]AuditEvent, len(rows))
	for i, r := range rows {
		out.Items[i] = r.event()
	}
	return out, nil
}
