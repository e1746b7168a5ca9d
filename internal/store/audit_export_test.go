package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// Test helpers of the audit log tests, compiled only into the store's tests.

// ExecRawForTest runs a statement on the writer, as someone with direct
// database access would (the audit log's triggers must refuse changes).
func (s *Store) ExecRawForTest(ctx context.Context, sql string) error {
	return s.w.WithContext(ctx).Exec(sql).Error
}

// errRollback makes AuditInFailingTx's transaction roll back.
var errRollback = errors.New("the action failed after its audit row was written")

// AuditInFailingTx writes an audit row inside a transaction whose action
// then fails, so the transaction rolls back; it returns that failure.
func (s *Store) AuditInFailingTx(ctx context.Context) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.audit(tx, auditEntry{action: AuditBoothAssign, subjectType: auditSubjectBooth, subjectID: 1}); err != nil {
			return err
		}
		return errRollback
	})
}
