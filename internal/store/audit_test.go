package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// auditLog follows the audit log of a store: since returns the events
// written after the previous call, oldest first.
type auditLog struct {
	st   *store.Store
	last int64
}

func (l *auditLog) since(t *testing.T) []store.AuditEvent {
	t.Helper()
	page, err := l.st.AuditEvents(context.Background(), store.AuditFilter{PerPage: 200})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	var out []store.AuditEvent
	for i := len(page.Items) - 1; i >= 0; i-- {
		if e := page.Items[i]; e.ID > l.last {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		l.last = out[len(out)-1].ID
	}
	return out
}

// one expects exactly one new event, of action, and returns it.
func (l *auditLog) one(t *testing.T, action string) store.AuditEvent {
	t.Helper()
	evs := l.since(t)
	if len(evs) != 1 {
		t.Fatalf("%d new audit events %v, want exactly one %s", len(evs), actions(evs), action)
	}
	if evs[0].Action != action {
		t.Fatalf("audit action %q, want %q", evs[0].Action, action)
	}
	return evs[0]
}

// none expects no new event.
func (l *auditLog) none(t *testing.T) {
	t.Helper()
	if evs := l.since(t); len(evs) != 0 {
		t.Fatalf("%d audit events %v written by a refused action, want none", len(evs), actions(evs))
	}
}

func actions(evs []store.AuditEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func wantSubject(t *testing.T, e store.AuditEvent, typ string, id int64) {
	t.Helper()
	if e.SubjectType != typ || e.SubjectID == nil || *e.SubjectID != id {
		t.Fatalf("subject %s/%v, want %s/%d", e.SubjectType, e.SubjectID, typ, id)
	}
}

func wantActor(t *testing.T, e store.AuditEvent, u expo.User) {
	t.Helper()
	if e.ActorUserID == nil || *e.ActorUserID != u.ID || e.ActorLabel != u.Email {
		t.Fatalf("actor %v/%q, want %d/%q", e.ActorUserID, e.ActorLabel, u.ID, u.Email)
	}
}

// TestAuditEveryAction performs each audited action once and checks that
// it wrote exactly one audit row (who, what, which), and that the same
// action refused writes none.
func TestAuditEveryAction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		log := &auditLog{st: st}
		var boss expo.User
		as := func(u expo.User) context.Context {
			return store.WithActor(ctx, store.Actor{UserID: u.ID, Label: u.Email, IP: "198.51.100.7", RequestID: "req-" + u.Email})
		}

		t.Run("setup of the first organizer", func(t *testing.T) {
			visitor := store.WithActor(ctx, store.Actor{IP: "203.0.113.9", RequestID: "req-setup"})
			var err error
			boss, err = st.CreateFirstOrganizer(visitor, expo.NewOrganizer{Email: "Boss@Example.com", Name: "Boss", Password: "a long password"})
			if err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditSetupOrganizer)
			wantActor(t, e, boss)
			wantSubject(t, e, "user", boss.ID)
			if e.IP != "203.0.113.9" || e.RequestID != "req-setup" {
				t.Errorf("ip %q request %q, want the visitor's", e.IP, e.RequestID)
			}
			if time.Since(e.At) > time.Minute || e.At.Location() != time.UTC {
				t.Errorf("at = %v, want now in UTC", e.At)
			}
		})
		t.Run("second setup is refused and writes nothing", func(t *testing.T) {
			_, err := st.CreateFirstOrganizer(ctx, expo.NewOrganizer{Email: "late@example.com", Name: "Late", Password: "a long password"})
			if !errors.Is(err, expo.ErrSetupDone) {
				t.Fatalf("err = %v, want setup done", err)
			}
			log.none(t)
		})
		t.Run("organizer from the command line", func(t *testing.T) {
			u, err := st.CreateOrganizer(ctx, expo.NewOrganizer{Email: "staff@example.com", Name: "Staff", Password: "a long password"})
			if err != nil {
				t.Fatal(err)
			}
			wantActor(t, log.one(t, store.AuditOrganizerCreate), u)
		})

		ex, owner := mustApply(t, st, "한빛 메디칼", "Hanbit Medical", "owner@hanbit.example.kr")
		log.since(t) // applying is not audited
		t.Run("approval", func(t *testing.T) {
			if _, err := st.Transition(as(boss), ex.ID, expo.StateApproved, boss, ""); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditExhibitorApprove)
			wantActor(t, e, boss)
			wantSubject(t, e, "exhibitor", ex.ID)
			if e.Details["company"] != "Hanbit Medical" || e.Details["from"] != "submitted" || e.Details["to"] != "approved" {
				t.Errorf("details %v", e.Details)
			}
			if e.IP != "198.51.100.7" || e.RequestID != "req-boss@example.com" {
				t.Errorf("ip %q request %q, want the request's", e.IP, e.RequestID)
			}
		})
		t.Run("approving again is refused and writes nothing", func(t *testing.T) {
			if _, err := st.Transition(as(boss), ex.ID, expo.StateApproved, boss, ""); err == nil {
				t.Fatal("approved twice")
			}
			log.none(t)
		})

		hall, err := st.CreateHall(ctx, expo.HallInput{Code: "Q", Name: "Hall Q", Width: 60, Height: 30})
		if err != nil {
			t.Fatal(err)
		}
		var row []expo.Booth
		t.Run("a row of booths is one event", func(t *testing.T) {
			row, err = st.LayoutRow(as(boss), hall.ID, expo.BoothRow{From: 101, Count: 5, Kind: expo.BoothStandard, X: 0, Y: 0, W: 3, H: 3})
			if err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditBoothCreate)
			if e.Details["count"] != float64(5) || e.Details["booth"] != "Q-101" || e.Details["last"] != "Q-105" {
				t.Errorf("details %v", e.Details)
			}
		})
		var single expo.Booth
		t.Run("one booth", func(t *testing.T) {
			single, err = st.CreateBooth(as(boss), hall.ID, expo.BoothInput{Code: "Q-1", Kind: expo.BoothRaw, X: 0, Y: 10, W: 6, H: 6})
			if err != nil {
				t.Fatal(err)
			}
			wantSubject(t, log.one(t, store.AuditBoothCreate), "booth", single.ID)
		})
		t.Run("booth edit", func(t *testing.T) {
			if _, err := st.UpdateBooth(as(boss), single.ID, expo.BoothInput{Code: "Q-2", Kind: expo.BoothRaw, X: 0, Y: 10, W: 6, H: 6}); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditBoothUpdate)
			if e.Details["was"] != "Q-1" || e.Details["booth"] != "Q-2" {
				t.Errorf("details %v", e.Details)
			}
		})
		t.Run("booth assignment", func(t *testing.T) {
			if err := st.AssignBooth(as(boss), row[0].ID, ex.ID); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditBoothAssign)
			wantSubject(t, e, "booth", row[0].ID)
			if e.Details["booth"] != "Q-101" || e.Details["company"] != "Hanbit Medical" {
				t.Errorf("details %v", e.Details)
			}
		})
		t.Run("assigning the same booth again changes nothing and writes nothing", func(t *testing.T) {
			if err := st.AssignBooth(as(boss), row[0].ID, ex.ID); err != nil {
				t.Fatal(err)
			}
			log.none(t)
		})
		t.Run("deleting a held booth is refused and writes nothing", func(t *testing.T) {
			if err := st.DeleteBooth(as(boss), row[0].ID); err == nil {
				t.Fatal("deleted a held booth")
			}
			log.none(t)
		})
		t.Run("freeing a booth", func(t *testing.T) {
			if err := st.UnassignBooth(as(boss), row[0].ID); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditBoothUnassign)
			if e.Details["company"] != "Hanbit Medical" {
				t.Errorf("details %v", e.Details)
			}
			if err := st.UnassignBooth(as(boss), row[0].ID); err != nil {
				t.Fatal(err)
			}
			log.none(t) // it was free already
		})
		t.Run("booth removal", func(t *testing.T) {
			if err := st.DeleteBooth(as(boss), single.ID); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditBoothDelete)
			if e.Details["booth"] != "Q-2" {
				t.Errorf("details %v", e.Details)
			}
		})

		t.Run("token creation", func(t *testing.T) {
			_, tok, err := st.CreateToken(as(owner), owner.ID, "CRM sync")
			if err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditTokenCreate)
			wantActor(t, e, owner)
			wantSubject(t, e, "token", tok.ID)
			if e.Details["name"] != "CRM sync" {
				t.Errorf("details %v", e.Details)
			}
			if _, _, err := st.CreateToken(as(owner), owner.ID, strings.Repeat("n", expo.MaxTokenName+1)); err == nil {
				t.Fatal("over-long token name accepted")
			}
			log.none(t)
		})
		t.Run("token from the command line names its owner", func(t *testing.T) {
			if _, _, err := st.CreateToken(ctx, boss.ID, "shell"); err != nil {
				t.Fatal(err)
			}
			wantActor(t, log.one(t, store.AuditTokenCreate), boss)
		})
		t.Run("password change", func(t *testing.T) {
			if err := st.ChangePassword(as(owner), owner.ID, "wrong password!", "a new long password"); err == nil {
				t.Fatal("wrong current password accepted")
			}
			log.none(t)
			if err := st.ChangePassword(as(owner), owner.ID, "correct horse battery", "a new long password"); err != nil {
				t.Fatal(err)
			}
			wantSubject(t, log.one(t, store.AuditPasswordChange), "user", owner.ID)
		})

		visitor, err := st.CreateAttendee(ctx, expo.SignUp{Email: "visitor@example.com", Password: "a long password",
			Profile: expo.Profile{Name: "Visitor", Country: "CN", Languages: []string{"zh"}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("an attendee joins a company: role change", func(t *testing.T) {
			secret, _, err := st.CreateInvite(ctx, owner.ID, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			log.since(t)
			if _, err := st.AcceptInvite(as(visitor), secret, &visitor, store.NewMember{}); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditRoleChange)
			wantActor(t, e, visitor)
			if e.Details["from"] != "attendee" || e.Details["to"] != "exhibitor" {
				t.Errorf("details %v", e.Details)
			}
		})
		t.Run("the owner removes the member: role change", func(t *testing.T) {
			if err := st.RemoveMember(as(owner), owner.ID, ex.ID, visitor.ID); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditRoleChange)
			wantActor(t, e, owner)
			wantSubject(t, e, "user", visitor.ID)
			if e.Details["from"] != "exhibitor" || e.Details["to"] != "attendee" || e.Details["email"] != "visitor@example.com" {
				t.Errorf("details %v", e.Details)
			}
			if err := st.RemoveMember(as(owner), owner.ID, ex.ID, visitor.ID); err == nil {
				t.Fatal("removed twice")
			}
			log.none(t)
		})
		t.Run("scheduler commit", func(t *testing.T) {
			res, err := st.CommitSchedule(as(boss), boss.ID, []store.PlannedMeeting{{AttendeeID: visitor.ID, ExhibitorID: ex.ID, SlotID: 987654}})
			if err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditSchedulerCommit)
			wantActor(t, e, boss)
			if e.Details["committed"] != float64(res.Committed) || e.Details["skipped"] != float64(len(res.Skipped)) {
				t.Errorf("details %v, result %+v", e.Details, res)
			}
		})
		t.Run("CSV import", func(t *testing.T) {
			app := application("大连港", "Dalian Port Trading", "dalian@example.cn").Application
			if err := st.ImportApplications(as(boss), []store.ImportRow{{Line: 2, Application: app}}, expo.StateApproved, boss, nil); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditExhibitorImport)
			if e.Details["count"] != float64(1) || e.Details["state"] != "approved" {
				t.Errorf("details %v", e.Details)
			}
		})
		t.Run("failed login records the e-mail tried, nobody as actor", func(t *testing.T) {
			visitorCtx := store.WithActor(ctx, store.Actor{IP: "192.0.2.1", RequestID: "req-login"})
			if err := st.AuditLoginFailed(visitorCtx, " Someone@Example.COM ", false); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditLoginFailed)
			if e.ActorUserID != nil || e.ActorLabel != "someone@example.com" || e.IP != "192.0.2.1" || e.Details["email"] != "someone@example.com" {
				t.Errorf("event %+v", e)
			}
			if err := st.AuditLoginFailed(visitorCtx, "someone@example.com", true); err != nil {
				t.Fatal(err)
			}
			log.one(t, store.AuditLoginRateLimited)
		})
		t.Run("a hostile, huge e-mail is cut", func(t *testing.T) {
			if err := st.AuditLoginFailed(ctx, strings.Repeat("é", 5000), false); err != nil {
				t.Fatal(err)
			}
			e := log.one(t, store.AuditLoginFailed)
			if len(e.ActorLabel) > 320 || !strings.HasPrefix(e.ActorLabel, "é") || strings.ContainsRune(e.ActorLabel, '\uFFFD') {
				t.Errorf("label of %d bytes, want at most 320 whole characters", len(e.ActorLabel))
			}
		})
		t.Run("every action is listed", func(t *testing.T) {
			seen := map[string]bool{}
			for _, a := range store.AuditActions {
				if seen[a] {
					t.Errorf("%s listed twice", a)
				}
				seen[a] = true
			}
			page, err := st.AuditEvents(ctx, store.AuditFilter{PerPage: 200})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Items {
				if !seen[e.Action] {
					t.Errorf("action %s is missing from AuditActions", e.Action)
				}
			}
		})
	})
}

// TestAuditRollsBackWithItsAction: the audit row is written inside the
// action's transaction, so an action that fails after writing it leaves
// no row behind.
func TestAuditRollsBackWithItsAction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		log := &auditLog{st: st}
		if err := st.AuditInFailingTx(context.Background()); err == nil {
			t.Fatal("the failing transaction committed")
		}
		log.none(t)
	})
}

// TestAuditIsAppendOnly: the database refuses to change or delete audit
// rows, and the store has no code path that would.
func TestAuditIsAppendOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.AuditLoginFailed(ctx, "mallory@example.com", false); err != nil {
			t.Fatal(err)
		}
		for _, sql := range []string{
			"UPDATE audit_events SET actor_label = 'nobody'",
			"DELETE FROM audit_events",
			"DELETE FROM audit_events WHERE actor_label = 'mallory@example.com'",
		} {
			t.Run(sql, func(t *testing.T) {
				if err := st.ExecRawForTest(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("err = %v, want the append-only refusal", err)
				}
			})
		}
		if st.Dialect() == "postgres" {
			t.Run("TRUNCATE", func(t *testing.T) {
				if err := st.ExecRawForTest(ctx, "TRUNCATE audit_events"); err == nil {
					t.Fatal("TRUNCATE succeeded")
				}
			})
		}
		page, err := st.AuditEvents(ctx, store.AuditFilter{Actor: "mallory@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 {
			t.Fatalf("%d events of mallory after the attempts, want 1 unchanged", page.Total)
		}
	})
	t.Run("no method changes the log", func(t *testing.T) {
		typ := reflect.TypeOf(&store.Store{})
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			if strings.Contains(name, "Audit") && regexp.MustCompile(`Update|Delete|Remove|Edit|Purge|Clear|Set`).MatchString(name) {
				t.Errorf("Store.%s looks like it changes the audit log", name)
			}
		}
	})
	t.Run("no statement changes the log", func(t *testing.T) {
		files, err := filepath.Glob("*.go")
		if err != nil {
			t.Fatal(err)
		}
		bad := regexp.MustCompile(`(?i)(update\s+audit_events|delete\s+from\s+audit_events|truncate\s+audit_events|auditRow\{\}\)\.(Where|Update|Delete))`)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if m := bad.Find(src); m != nil {
				t.Errorf("%s: %q changes audit rows", f, m)
			}
		}
	})
}

// TestAuditFilters: newest first; action, actor and date range narrow the
// list; pages do not overlap.
func TestAuditFilters(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for i := range 7 {
			email := "a@example.com"
			if i%2 == 1 {
				email = "b@example.com"
			}
			if err := st.AuditLoginFailed(ctx, email, i == 6); err != nil {
				t.Fatal(err)
			}
		}
		list := func(t *testing.T, f store.AuditFilter) store.AuditPage {
			t.Helper()
			p, err := st.AuditEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		now := time.Now().UTC()
		tests := []struct {
			name   string
			filter store.AuditFilter
			want   int64
		}{
			{"everything", store.AuditFilter{}, 7},
			{"one action", store.AuditFilter{Action: store.AuditLoginFailed}, 6},
			{"other action", store.AuditFilter{Action: store.AuditLoginRateLimited}, 1},
			{"an action that never happened", store.AuditFilter{Action: store.AuditBoothAssign}, 0},
			{"one actor, any case", store.AuditFilter{Actor: " B@Example.com "}, 3},
			{"actor and action", store.AuditFilter{Actor: "a@example.com", Action: store.AuditLoginRateLimited}, 1},
			{"today", store.AuditFilter{From: now.Add(-time.Hour), To: now.Add(time.Hour)}, 7},
			{"before", store.AuditFilter{To: now.Add(-time.Hour)}, 0},
			{"after", store.AuditFilter{From: now.Add(time.Hour)}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := list(t, tt.filter).Total; got != tt.want {
					t.Fatalf("total %d, want %d", got, tt.want)
				}
			})
		}
		t.Run("newest first, pages do not overlap", func(t *testing.T) {
			p1 := list(t, store.AuditFilter{PerPage: 4, Page: 1})
			p2 := list(t, store.AuditFilter{PerPage: 4, Page: 2})
			if len(p1.Items) != 4 || len(p2.Items) != 3 || p1.Total != 7 {
				t.Fatalf("pages of %d and %d of %d", len(p1.Items), len(p2.Items), p1.Total)
			}
			all := append(p1.Items, p2.Items...)
			for i := 1; i < len(all); i++ {
				if all[i].ID >= all[i-1].ID {
					t.Fatalf("not newest first: %d after %d", all[i].ID, all[i-1].ID)
				}
			}
			if all[0].Action != store.AuditLoginRateLimited {
				t.Errorf("newest is %s, want the last written", all[0].Action)
			}
		})
	})
}
