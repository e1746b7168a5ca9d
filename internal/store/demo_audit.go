package store

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// loadDemoAudit writes the audit log that the demo's history implies: the
// organizer's decision on each application (from the application history),
// each booth assignment, and two failed logins, so the log page has
// something to show. Demo rows carry no address or request id.
func (s *Store) loadDemoAudit(tx *gorm.DB, now time.Time) error {
	var decisions []struct {
		ExhibitorID int64
		FromState   string
		ToState     string
		Reason      string
		CreatedAt   time.Time
		Company     string
		ActorID     int64
		Email       string
	}
	if err := tx.Raw(`SELECT ev.exhibitor_id, ev.from_state, ev.to_state, ev.reason, ev.created_at, e.name_latin AS company,
			u.id AS actor_id, u.email FROM exhibitor_events ev
		JOIN exhibitors e ON e.id = ev.exhibitor_id JOIN users u ON u.id = ev.actor_id
		WHERE u.role = ? ORDER BY ev.id`, string(expo.RoleOrganizer)).Scan(&decisions).Error; err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	var booths []struct {
		ID          int64
		Code        string
		ExhibitorID int64
		Company     string
	}
	if err := tx.Raw(`SELECT b.id, b.code, b.exhibitor_id, e.name_latin AS company FROM booths b
		JOIN exhibitors e ON e.id = b.exhibitor_id ORDER BY b.id`).Scan(&booths).Error; err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	var organizer userRow
	if err := tx.Where("role = ?", string(expo.RoleOrganizer)).Order("id").Take(&organizer).Error; err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	details := func(m map[string]any) string {
		b, _ := json.Marshal(m)
		return string(b)
	}
	id := func(n int64) *int64 { return &n }
	rows := make([]auditRow, 0, len(decisions)+len(booths)+2)
	for _, d := range decisions {
		action, ok := transitionActions[expo.ExhibitorState(d.ToState)]
		if !ok {
			continue
		}
		m := map[string]any{"company": d.Company, "from": d.FromState, "to": d.ToState}
		if d.Reason != "" {
			m["reason"] = d.Reason
		}
		rows = append(rows, auditRow{At: d.CreatedAt, ActorUserID: id(d.ActorID), ActorLabel: d.Email, Action: action,
			SubjectType: auditSubjectExhibitor, SubjectID: id(d.ExhibitorID), Details: details(m)})
	}
	for _, b := range booths {
		rows = append(rows, auditRow{At: now, ActorUserID: id(organizer.ID), ActorLabel: organizer.Email, Action: AuditBoothAssign,
			SubjectType: auditSubjectBooth, SubjectID: id(b.ID),
			Details: details(map[string]any{"booth": b.Code, "company": b.Company, "exhibitor_id": b.ExhibitorID, "moved": false})})
	}
	for _, email := range []string{"attendee7@demo.expo", "admin@demo.expo"} {
		rows = append(rows, auditRow{At: now, ActorLabel: email, Action: AuditLoginFailed, IP: "203.0.113.24",
			Details: details(map[string]any{"email": email})})
	}
	if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	return nil
}
