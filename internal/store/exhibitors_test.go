package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func application(name, latin, email string) store.NewApplication {
	return store.NewApplication{
		Application: expo.Application{
			Name: name, NameLatin: latin, Country: "KR", Sectors: []string{"pharma_medical", "digital_it"},
			Description: "Medical devices <b>for</b> clinics.", Website: "https://example.kr",
			ContactName: "Park Ji-woo", ContactEmail: email, ContactPhone: "+82 2 555 0100",
			BoothWish: expo.BoothStandard, Languages: []string{"ko", "en"},
		},
		Password: "correct horse battery",
		Submit:   true,
	}
}

func mustApply(t *testing.T, st *store.Store, name, latin, email string) (expo.Exhibitor, expo.User) {
	t.Helper()
	ex, u, err := st.Apply(context.Background(), application(name, latin, email))
	if err != nil {
		t.Fatalf("apply %s: %v", name, err)
	}
	return ex, u
}

func mustOrganizer(t *testing.T, st *store.Store, email string) expo.User {
	t.Helper()
	u, err := st.CreateOrganizer(context.Background(), expo.NewOrganizer{Email: email, Name: "Staff " + email, Password: "organizer-password"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// wantFieldErr fails unless err is a domain error with msg on field.
func wantFieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	e, ok := expo.AsError(err)
	if !ok || e.Fields[field] != msg {
		t.Fatalf("err = %v, want %s on %s", err, msg, field)
	}
}

func wantMessage(t *testing.T, err error, msg string) {
	t.Helper()
	e, ok := expo.AsError(err)
	if !ok || e.Message != msg {
		t.Fatalf("err = %v, want %s", err, msg)
	}
}

func TestApply(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ex, u := mustApply(t, st, "한빛메디칼", "Hanbit Medical", "Park@Hanbit.example.kr")

		t.Run("creates company, owner account and history", func(t *testing.T) {
			if ex.State != expo.StateSubmitted || ex.Slug != "hanbit-medical" || ex.OwnerID == nil || *ex.OwnerID != u.ID {
				t.Errorf("exhibitor %+v", ex)
			}
			if u.Role != expo.RoleExhibitor || u.ExhibitorID == nil || *u.ExhibitorID != ex.ID || u.Email != "park@hanbit.example.kr" {
				t.Errorf("user %+v", u)
			}
			got, err := st.Application(ctx, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Description != "Medical devices <b>for</b> clinics." || strings.Join(got.Sectors, ",") != "pharma_medical,digital_it" || got.SubmittedAt == nil {
				t.Errorf("stored %+v", got)
			}
			hist, err := st.ApplicationHistory(ctx, ex.ID)
			if err != nil || len(hist) != 1 || hist[0].To != expo.StateSubmitted || hist[0].ActorName != "Park Ji-woo" {
				t.Errorf("history %+v, %v", hist, err)
			}
			ns, _ := st.Notifications(ctx, u.ID, 10)
			if len(ns) != 1 || ns[0].Message != "exhibitor.notify.submitted" {
				t.Errorf("notifications %+v", ns)
			}
		})

		t.Run("a draft is saved without submitting", func(t *testing.T) {
			in := application("札幌アグリフーズ", "Sapporo Agri Foods", "sato@agri.example.jp")
			in.Submit = false
			d, _, err := st.Apply(ctx, in)
			if err != nil || d.State != expo.StateDraft || d.SubmittedAt != nil {
				t.Fatalf("draft %+v, %v", d, err)
			}
		})

		t.Run("same Latin name gets a numbered slug", func(t *testing.T) {
			other, _ := mustApply(t, st, "韩光医疗", "Hanbit Medical", "li@hanguang.example.cn")
			if other.Slug != "hanbit-medical-2" {
				t.Errorf("slug %q, want hanbit-medical-2", other.Slug)
			}
		})

		bad := []struct {
			name   string
			change func(*store.NewApplication)
			field  string
			msg    string
		}{
			{"duplicate name, other case and spaces", func(a *store.NewApplication) { a.Name = " 한빛 메디칼 " }, "name", "error.company_name_taken"},
			{"e-mail has an account", func(a *store.NewApplication) { a.ContactEmail = "PARK@hanbit.example.kr" }, "contact_email", "error.email_taken"},
			{"short password", func(a *store.NewApplication) { a.Password = "short" }, "password", "error.password_short"},
			{"raw space too small", func(a *store.NewApplication) { a.BoothWish, a.RawSpaceM2 = expo.BoothRaw, 5 }, "raw_space_m2", "error.raw_space_range"},
			{"unknown sector", func(a *store.NewApplication) { a.Sectors = []string{"arms"} }, "sectors", "error.choice_invalid"},
		}
		for i, tt := range bad {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				before := [3]int64{st.AppTestCount(ctx, "exhibitors"), st.AppTestCount(ctx, "users"), st.AppTestCount(ctx, "exhibitor_events")}
				in := application("Fresh Company "+tt.name, "Fresh Company", fmt.Sprintf("fresh%d@example.com", i))
				if tt.field == "name" {
					in.Name = "한빛메디칼"
				}
				tt.change(&in)
				_, _, err := st.Apply(ctx, in)
				wantFieldErr(t, err, tt.field, tt.msg)
				after := [3]int64{st.AppTestCount(ctx, "exhibitors"), st.AppTestCount(ctx, "users"), st.AppTestCount(ctx, "exhibitor_events")}
				if before != after {
					t.Errorf("rows %v → %v: something was written", before, after)
				}
			})
		}
	})
}

func TestApplyConcurrentSameName(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = st.Apply(context.Background(), application("Korea Trade Alliance", "Korea Trade Alliance", fmt.Sprintf("kta%d@example.kr", i)))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, expo.ErrCompanyNameTaken):
			default:
				t.Errorf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d applies succeeded, want exactly 1", ok)
		}
		if got := st.AppTestCount(context.Background(), "exhibitors"); got != 1 {
			t.Errorf("%d exhibitors, want 1", got)
		}
	})
}

func TestTransition(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := mustOrganizer(t, st, "staff@expo.example")
		ex, owner := mustApply(t, st, "长春一汽新能源", "Changchun FAW New Energy", "wang@faw.example.cn")
		other, otherOwner := mustApply(t, st, "东北制药", "Northeast Pharma", "zhao@nepharma.example.cn")
		_ = other
		attendee := mustAttendee(t, st, "buyer@example.com")

		t.Run("refusals", func(t *testing.T) {
			tests := []struct {
				name   string
				actor  expo.User
				to     expo.ExhibitorState
				reason string
				code   expo.Code
				msg    string
			}{
				{"owner cannot approve itself", owner, expo.StateApproved, "", expo.CodeConflict, "error.transition_not_allowed"},
				{"another company cannot withdraw it", otherOwner, expo.StateWithdrawn, "", expo.CodeForbidden, "error.forbidden"},
				{"an attendee cannot approve", attendee, expo.StateApproved, "", expo.CodeForbidden, "error.forbidden"},
				{"reject needs a reason", org, expo.StateRejected, "  ", expo.CodeInvalid, "error.form"},
				{"back to draft is not a move", org, expo.StateDraft, "", expo.CodeConflict, "error.transition_not_allowed"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := st.Transition(ctx, ex.ID, tt.to, tt.actor, tt.reason)
					e, ok := expo.AsError(err)
					if !ok || e.Code != tt.code || e.Message != tt.msg {
						t.Fatalf("err %v, want %s %s", err, tt.code, tt.msg)
					}
					if got, _ := st.Application(ctx, ex.ID); got.State != expo.StateSubmitted {
						t.Errorf("state %s after a refused move", got.State)
					}
				})
			}
		})

		t.Run("waitlist then approve, logged and announced", func(t *testing.T) {
			if _, err := st.Transition(ctx, ex.ID, expo.StateWaitlisted, org, "Hall A is full for now."); err != nil {
				t.Fatal(err)
			}
			got, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, "")
			if err != nil || got.State != expo.StateApproved {
				t.Fatalf("%+v %v", got, err)
			}
			hist, _ := st.ApplicationHistory(ctx, ex.ID)
			if len(hist) != 3 || hist[1].Reason != "Hall A is full for now." || hist[2].From != expo.StateWaitlisted || hist[2].ActorName != org.Name {
				t.Errorf("history %+v", hist)
			}
			ns, _ := st.Notifications(ctx, owner.ID, 10)
			if len(ns) != 3 || ns[0].Message != "exhibitor.notify.approved" || ns[1].Params["Reason"] != "Hall A is full for now." {
				t.Errorf("notifications %+v", ns)
			}
		})

		t.Run("the owner withdraws an approved application", func(t *testing.T) {
			if _, err := st.Transition(ctx, ex.ID, expo.StateWithdrawn, owner, ""); err != nil {
				t.Fatal(err)
			}
			_, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, "")
			wantMessage(t, err, "error.transition_not_allowed")
		})
	})
}

func TestTransitionConcurrent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		orgs := []expo.User{mustOrganizer(t, st, "a@expo.example"), mustOrganizer(t, st, "b@expo.example")}
		for round := range 5 {
			ex, _ := mustApply(t, st, fmt.Sprintf("Company %d", round), fmt.Sprintf("Company %d", round), fmt.Sprintf("c%d@example.com", round))
			targets := []expo.ExhibitorState{expo.StateApproved, expo.StateRejected}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = st.Transition(ctx, ex.ID, targets[i], orgs[i], "Decided by "+orgs[i].Name)
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				if err == nil {
					wins++
				} else if c := expo.ErrorCode(err); c != expo.CodeConflict {
					t.Errorf("loser got %v, want a conflict", err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d transitions won (%v), want exactly 1", round, wins, errs)
			}
			hist, _ := st.ApplicationHistory(ctx, ex.ID)
			if len(hist) != 2 {
				t.Errorf("round %d: %d history entries, want 2", round, len(hist))
			}
		}
	})
}

func TestUpdateApplication(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := mustOrganizer(t, st, "staff@expo.example")
		ex, owner := mustApply(t, st, "Яндекс Инвест", "Yandex Invest", "ivan@yandex-invest.example.ru")
		_, otherOwner := mustApply(t, st, "Другая", "Drugaya", "olga@drugaya.example.ru")
		edit := expo.ApplicationOf(ex)
		edit.Products = "Market entry studies"
		edit.Sectors = []string{"finance"}

		t.Run("the owner edits", func(t *testing.T) {
			got, err := st.UpdateApplication(ctx, owner.ID, ex.ID, edit)
			if err != nil || got.Products != "Market entry studies" || strings.Join(got.Sectors, ",") != "finance" || got.Slug != ex.Slug {
				t.Fatalf("%+v %v", got, err)
			}
		})
		t.Run("another company's owner cannot", func(t *testing.T) {
			_, err := st.UpdateApplication(ctx, otherOwner.ID, ex.ID, edit)
			wantMessage(t, err, "error.owner_only")
		})
		t.Run("renaming to a taken name", func(t *testing.T) {
			e := edit
			e.Name = "ДРУГАЯ"
			_, err := st.UpdateApplication(ctx, owner.ID, ex.ID, e)
			wantFieldErr(t, err, "name", "error.company_name_taken")
		})
		t.Run("invalid input", func(t *testing.T) {
			e := edit
			e.Website = "ftp://files.example.ru"
			_, err := st.UpdateApplication(ctx, owner.ID, ex.ID, e)
			wantFieldErr(t, err, "website", "error.website_scheme")
		})
		t.Run("a rejected application is closed", func(t *testing.T) {
			if _, err := st.Transition(ctx, ex.ID, expo.StateRejected, org, "Out of scope"); err != nil {
				t.Fatal(err)
			}
			_, err := st.UpdateApplication(ctx, owner.ID, ex.ID, edit)
			wantMessage(t, err, "error.application_closed")
		})
	})
}

func TestReviewQueueAndBulk(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := mustOrganizer(t, st, "staff@expo.example")
		var ids []int64
		for i := range 12 {
			in := application(fmt.Sprintf("企业 %d", i), fmt.Sprintf("Company %d", i), fmt.Sprintf("c%d@example.com", i))
			if i%3 == 0 {
				in.Country, in.Sectors = "JP", []string{"automotive"}
			}
			if i%4 == 0 {
				in.BoothWish, in.RawSpaceM2 = expo.BoothRaw, 100
			}
			if i == 11 {
				in.Submit = false
			}
			ex, _, err := st.Apply(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ex.ID)
		}
		t.Run("filters, counts and pages", func(t *testing.T) {
			tests := []struct {
				name  string
				f     store.ReviewFilter
				total int64
				items int
			}{
				{"all", store.ReviewFilter{}, 12, 12},
				{"submitted, page 2 of 5", store.ReviewFilter{State: expo.StateSubmitted, PerPage: 5, Page: 2}, 11, 5},
				{"submitted, page 3 of 5", store.ReviewFilter{State: expo.StateSubmitted, PerPage: 5, Page: 3}, 11, 1},
				{"Japan", store.ReviewFilter{Country: "JP"}, 4, 4},
				{"automotive sector", store.ReviewFilter{Sector: "automotive"}, 4, 4},
				{"raw space", store.ReviewFilter{BoothWish: expo.BoothRaw}, 3, 3},
				{"Japan and raw", store.ReviewFilter{Country: "JP", BoothWish: expo.BoothRaw}, 1, 1},
				{"no match", store.ReviewFilter{Country: "MN"}, 0, 0},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p, err := st.ReviewQueue(ctx, tt.f)
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != tt.total || len(p.Items) != tt.items {
						t.Errorf("total %d items %d, want %d %d", p.Total, len(p.Items), tt.total, tt.items)
					}
				})
			}
			p, _ := st.ReviewQueue(ctx, store.ReviewFilter{State: expo.StateSubmitted})
			if p.Counts[expo.StateSubmitted] != 11 || p.Counts[expo.StateDraft] != 1 {
				t.Errorf("counts %v", p.Counts)
			}
			if len(p.Items[0].Sectors) == 0 {
				t.Error("sectors not loaded")
			}
		})
		t.Run("bulk approve reports each item", func(t *testing.T) {
			if _, err := st.Transition(ctx, ids[1], expo.StateRejected, org, "No"); err != nil {
				t.Fatal(err)
			}
			res, err := st.BulkTransition(ctx, []int64{ids[0], ids[1], ids[2], ids[11], ids[0]}, expo.StateApproved, org, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 4 {
				t.Fatalf("%d results, want 4 (the duplicate id once)", len(res))
			}
			for i, want := range []bool{true, false, true, false} {
				if (res[i].Err == nil) != want {
					t.Errorf("item %d: err %v", i, res[i].Err)
				}
			}
			p, _ := st.ReviewQueue(ctx, store.ReviewFilter{})
			if p.Counts[expo.StateApproved] != 2 || p.Counts[expo.StateRejected] != 1 {
				t.Errorf("counts %v", p.Counts)
			}
		})
		t.Run("bulk reject without reason moves nothing", func(t *testing.T) {
			_, err := st.BulkTransition(ctx, []int64{ids[3], ids[4]}, expo.StateRejected, org, "")
			wantFieldErr(t, err, "reason", "error.required")
			if got, _ := st.Application(ctx, ids[3]); got.State != expo.StateSubmitted {
				t.Errorf("state %s", got.State)
			}
		})
		t.Run("bulk by an exhibitor is forbidden", func(t *testing.T) {
			u, _ := st.UserByEmail(ctx, "c3@example.com")
			_, err := st.BulkTransition(ctx, []int64{ids[3]}, expo.StateApproved, u, "")
			if expo.ErrorCode(err) != expo.CodeForbidden {
				t.Fatalf("err %v", err)
			}
		})
	})
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLogo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ex, owner := mustApply(t, st, "Hanbit", "Hanbit", "a@hanbit.example.kr")
		_, other := mustApply(t, st, "Other", "Other", "b@other.example.kr")
		if err := st.SetLogo(ctx, owner.ID, ex.ID, testPNG(t, 1024, 256)); err != nil {
			t.Fatal(err)
		}
		logo, _, err := st.Logo(ctx, ex.ID)
		if err != nil || logo.ContentType != "image/png" {
			t.Fatalf("%v %v", logo.ContentType, err)
		}
		cfg, _ := png.DecodeConfig(bytes.NewReader(logo.Data))
		if cfg.Width != expo.MaxLogoSide || cfg.Height != 128 {
			t.Errorf("stored %dx%d", cfg.Width, cfg.Height)
		}
		t.Run("replaced", func(t *testing.T) {
			if err := st.SetLogo(ctx, owner.ID, ex.ID, testPNG(t, 64, 64)); err != nil {
				t.Fatal(err)
			}
			if n := st.AppTestCount(ctx, "exhibitor_logos"); n != 1 {
				t.Errorf("%d logos", n)
			}
		})
		t.Run("another company cannot set it", func(t *testing.T) {
			wantMessage(t, st.SetLogo(ctx, other.ID, ex.ID, testPNG(t, 64, 64)), "error.owner_only")
		})
		t.Run("not an image", func(t *testing.T) {
			wantFieldErr(t, st.SetLogo(ctx, owner.ID, ex.ID, []byte("<svg/>")), "logo", "error.logo_type")
		})
		t.Run("no logo", func(t *testing.T) {
			if _, _, err := st.Logo(ctx, ex.ID+1); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("err %v", err)
			}
		})
	})
}

func TestInvites(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ex, owner := mustApply(t, st, "Hanbit", "Hanbit", "owner@hanbit.example.kr")
		other, otherOwner := mustApply(t, st, "Other", "Other", "owner@other.example.kr")
		org := mustOrganizer(t, st, "staff@expo.example")

		t.Run("only the owner invites", func(t *testing.T) {
			_, _, err := st.CreateInvite(ctx, otherOwner.ID, ex.ID)
			wantMessage(t, err, "error.owner_only")
		})
		secret, _, err := st.CreateInvite(ctx, owner.ID, ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		var member expo.User
		t.Run("a new person joins once", func(t *testing.T) {
			company, err := st.InviteCompany(ctx, secret)
			if err != nil || company.ID != ex.ID {
				t.Fatalf("%v %v", company.ID, err)
			}
			member, err = st.AcceptInvite(ctx, secret, nil, store.NewMember{Email: "kim@hanbit.example.kr", Name: "Kim", Password: "long enough password"})
			if err != nil || member.Role != expo.RoleExhibitor || *member.ExhibitorID != ex.ID {
				t.Fatalf("%+v %v", member, err)
			}
			_, err = st.AcceptInvite(ctx, secret, nil, store.NewMember{Email: "lee@hanbit.example.kr", Name: "Lee", Password: "long enough password"})
			wantMessage(t, err, "error.invite_used")
			ns, _ := st.Notifications(ctx, owner.ID, 10)
			if ns[0].Message != "exhibitor.notify.member_joined" {
				t.Errorf("owner notifications %+v", ns)
			}
		})
		t.Run("bad secrets and accounts", func(t *testing.T) {
			s2, _, _ := st.CreateInvite(ctx, owner.ID, ex.ID)
			if _, err := st.AcceptInvite(ctx, "nonsense", nil, store.NewMember{Email: "x@example.com", Name: "X", Password: "long enough password"}); !errors.Is(err, store.ErrInviteInvalid) {
				t.Errorf("unknown secret: %v", err)
			}
			_, err := st.AcceptInvite(ctx, s2, &otherOwner, store.NewMember{})
			wantMessage(t, err, "error.invite_other_company")
			_, err = st.AcceptInvite(ctx, s2, &org, store.NewMember{})
			wantMessage(t, err, "error.invite_organizer")
			_, err = st.AcceptInvite(ctx, s2, nil, store.NewMember{Email: "owner@other.example.kr", Name: "Dup", Password: "long enough password"})
			wantFieldErr(t, err, "email", "error.email_taken")
			_, err = st.AcceptInvite(ctx, s2, nil, store.NewMember{Email: "bad", Name: "", Password: "x"})
			wantFieldErr(t, err, "name", "error.required")
		})
		t.Run("a logged-in attendee joins", func(t *testing.T) {
			s3, _, _ := st.CreateInvite(ctx, owner.ID, ex.ID)
			a := mustAttendee(t, st, "buyer@example.com")
			u, err := st.AcceptInvite(ctx, s3, &a, store.NewMember{})
			if err != nil || u.Role != expo.RoleExhibitor || *u.ExhibitorID != ex.ID {
				t.Fatalf("%+v %v", u, err)
			}
		})
		t.Run("expired", func(t *testing.T) {
			s4, _, _ := st.CreateInvite(ctx, owner.ID, ex.ID)
			st.AppTestShiftClock(store.InviteLifetime + time.Minute)
			defer st.AppTestShiftClock(-store.InviteLifetime - time.Minute)
			_, err := st.AcceptInvite(ctx, s4, nil, store.NewMember{Email: "late@example.com", Name: "Late", Password: "long enough password"})
			wantMessage(t, err, "error.invite_expired")
		})
		t.Run("members are visible to their company only", func(t *testing.T) {
			ms, err := st.Members(ctx, member, ex.ID)
			if err != nil || len(ms) != 3 || ms[0].ID != owner.ID {
				t.Fatalf("%d members %v", len(ms), err)
			}
			if _, err := st.Members(ctx, otherOwner, ex.ID); expo.ErrorCode(err) != expo.CodeForbidden {
				t.Errorf("other company sees members: %v", err)
			}
			_ = other
		})
		t.Run("removal", func(t *testing.T) {
			wantMessage(t, st.RemoveMember(ctx, member.ID, ex.ID, owner.ID), "error.owner_only")
			wantMessage(t, st.RemoveMember(ctx, otherOwner.ID, ex.ID, member.ID), "error.owner_only")
			wantMessage(t, st.RemoveMember(ctx, owner.ID, ex.ID, owner.ID), "error.remove_owner")
			if err := st.RemoveMember(ctx, owner.ID, ex.ID, otherOwner.ID); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("removing another company's owner: %v", err)
			}
			if err := st.RemoveMember(ctx, owner.ID, ex.ID, member.ID); err != nil {
				t.Fatal(err)
			}
			u, _ := st.User(ctx, member.ID)
			if u.Role != expo.RoleAttendee || u.ExhibitorID != nil {
				t.Errorf("removed member %+v", u)
			}
		})
	})
}

func TestCSVRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := mustOrganizer(t, st, "staff@expo.example")
		mustApply(t, st, "한빛메디칼", "Hanbit Medical", "park@hanbit.example.kr")

		var buf bytes.Buffer
		if err := st.ExportApplications(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.HasPrefix(out, "\uFEFFid,slug,state,name,") || !strings.Contains(out, "한빛메디칼") || !strings.Contains(out, "'+82 2 555 0100") {
			t.Fatalf("export:\n%s", out)
		}

		t.Run("re-importing the export finds the duplicate", func(t *testing.T) {
			chk, err := st.CheckImport(ctx, strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if len(chk.Problems) != 1 || chk.Problems[0].Line != 2 || chk.Problems[0].Message != "error.company_name_taken" {
				t.Errorf("problems %+v", chk.Problems)
			}
		})

		header := "name,name_latin,country,sectors,description,contact_name,contact_email,contact_phone,booth_wish,raw_space_m2,languages\n"
		good := "Улаанбаатар Ложистик,Ulaanbaatar Logistics,mn,logistics;other,Freight,Bat,bat@ub.example.mn,+976 11 123456,raw,60,mn;ru\n" +
			"吉林新材料,Jilin New Materials,CN,new_materials,\"Carbon fibre, <b>strong</b>\",Liu,liu@jl.example.cn,0431 8888 8888,standard,,zh\n"
		t.Run("dry run reports every bad row with its line", func(t *testing.T) {
			file := header + good +
				"Bad Co,Bad Co,XX,automotive,Desc,Bad,bad@example.com,123456789,standard,,en\n" + // line 4: country
				"吉林新材料,Jilin Again,CN,finance,Desc,Li,li@example.cn,123456789,double,,zh\n" + // line 5: duplicate of line 3
				"Raw Co,Raw Co,CN,finance,Desc,Wu,wu@example.cn,123456789,raw,ten,zh\n" + // line 6: m²
				"Multi,Multi,CN,weapons,,Wu,not-an-email,123,palace,,xx\n" // line 7: many
			chk, err := st.CheckImport(ctx, strings.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, p := range chk.Problems {
				got[fmt.Sprintf("%d %s %s", p.Line, p.Column, p.Message)] = true
			}
			for _, want := range []string{
				"4 country error.choice_invalid", "5 name error.import_duplicate_in_file", "6 raw_space_m2 error.whole_number",
				"7 sectors error.choice_invalid", "7 description error.required", "7 contact_email error.email_invalid",
				"7 contact_phone error.phone_invalid", "7 booth_wish error.choice_invalid", "7 languages error.choice_invalid",
			} {
				if !got[want] {
					t.Errorf("missing problem %q in %v", want, got)
				}
			}
			if len(chk.Rows) != 2 || chk.OK() {
				t.Errorf("%d good rows, OK=%v", len(chk.Rows), chk.OK())
			}
		})
		t.Run("file problems", func(t *testing.T) {
			tests := []struct{ name, file, msg string }{
				{"empty", "", "error.import_empty"},
				{"header only", header, "error.import_empty"},
				{"missing column", "name,country\nA,CN\n", "error.import_missing_column"},
				{"unknown column", strings.TrimSuffix(header, "\n") + ",shoe_size\n", "error.import_unknown_column"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					chk, err := st.CheckImport(ctx, strings.NewReader(tt.file))
					if err != nil || len(chk.Problems) == 0 || chk.Problems[0].Message != tt.msg {
						t.Errorf("%+v %v", chk.Problems, err)
					}
				})
			}
		})
		t.Run("import is all or nothing", func(t *testing.T) {
			chk, err := st.CheckImport(ctx, strings.NewReader(header+good))
			if err != nil || !chk.OK() {
				t.Fatalf("%+v %v", chk.Problems, err)
			}
			// Someone applies with one of the names between dry run and import.
			mustApply(t, st, "吉林新材料", "Jilin Racer", "racer@example.cn")
			before := st.AppTestCount(ctx, "exhibitors")
			err = st.ImportApplications(ctx, chk.Rows, expo.StateApproved, org, nil)
			wantMessage(t, err, "error.import_conflict")
			if after := st.AppTestCount(ctx, "exhibitors"); after != before {
				t.Errorf("%d → %d exhibitors after a failed import", before, after)
			}
		})
		t.Run("a large import reports progress", func(t *testing.T) {
			var b strings.Builder
			b.WriteString(header)
			for i := range 250 {
				fmt.Fprintf(&b, "Pavilion Company %d,Pavilion Company %d,KR,digital_it,Desc,Kim,kim%d@example.kr,+82 10 1234 %04d,standard,,ko;en\n", i, i, i, i)
			}
			chk, err := st.CheckImport(ctx, strings.NewReader(b.String()))
			if err != nil || !chk.OK() {
				t.Fatalf("%+v %v", chk.Problems, err)
			}
			var steps []int
			before := st.AppTestCount(ctx, "exhibitors")
			if err := st.ImportApplications(ctx, chk.Rows, expo.StateSubmitted, org, func(done, total int) { steps = append(steps, done) }); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(steps) != "[100 200 250]" {
				t.Errorf("progress %v", steps)
			}
			if n := st.AppTestCount(ctx, "exhibitors") - before; n != 250 {
				t.Errorf("%d imported", n)
			}
			p, _ := st.ReviewQueue(ctx, store.ReviewFilter{State: expo.StateSubmitted})
			last, _ := st.ReviewQueue(ctx, store.ReviewFilter{State: expo.StateSubmitted, PerPage: 1, Page: int(p.Total)})
			if len(last.Items) != 1 || !strings.HasPrefix(last.Items[0].Name, "Pavilion Company") {
				t.Fatalf("last in queue %+v", last.Items)
			}
			h, _ := st.ApplicationHistory(ctx, last.Items[0].ID)
			if len(h) != 1 || h[0].ActorID == nil || *h[0].ActorID != org.ID {
				t.Errorf("history %+v", h)
			}
		})
	})
}

func TestNotificationsPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ex, owner := mustApply(t, st, "Hanbit", "Hanbit", "owner@hanbit.example.kr")
		for i := range 12 {
			secret, _, err := st.CreateInvite(ctx, owner.ID, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.AcceptInvite(ctx, secret, nil, store.NewMember{Email: fmt.Sprintf("m%d@hanbit.example.kr", i), Name: fmt.Sprintf("Member %d", i), Password: "long enough password"}); err != nil {
				t.Fatal(err)
			}
		}
		var seen []int64
		before := int64(0)
		for page := 0; ; page++ {
			ns, err := st.NotificationsBefore(ctx, owner.ID, before, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) == 0 {
				break
			}
			for _, n := range ns {
				seen = append(seen, n.ID)
			}
			before = ns[len(ns)-1].ID
		}
		if len(seen) != 13 {
			t.Fatalf("%d notifications over the pages, want 13", len(seen))
		}
		for i := 1; i < len(seen); i++ {
			if seen[i] >= seen[i-1] {
				t.Fatalf("not newest first without repeats: %v", seen)
			}
		}
		if n, _ := st.UnreadNotifications(ctx, owner.ID); n != 13 {
			t.Errorf("unread %d", n)
		}
		if err := st.MarkNotificationsRead(ctx, owner.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.UnreadNotifications(ctx, owner.ID); n != 0 {
			t.Errorf("unread after marking %d", n)
		}
	})
}

func TestOwnerInviteForImportedCompany(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := mustOrganizer(t, st, "staff@expo.example")
		chk, err := st.CheckImport(ctx, strings.NewReader("name,name_latin,country,sectors,description,contact_name,contact_email,contact_phone,booth_wish,languages\n"+
			"Улаанбаатар Трейд,Ulaanbaatar Trade,MN,logistics,Freight,Bat,bat@ub.example.mn,+976 11 123456,standard,mn\n"))
		if err != nil || !chk.OK() {
			t.Fatalf("%+v %v", chk.Problems, err)
		}
		if err := st.ImportApplications(ctx, chk.Rows, expo.StateApproved, org, nil); err != nil {
			t.Fatal(err)
		}
		p, _ := st.ReviewQueue(ctx, store.ReviewFilter{Country: "MN"})
		ex := p.Items[0]
		if ex.OwnerID != nil {
			t.Fatalf("imported company has owner %v", *ex.OwnerID)
		}
		_, owned := mustApply(t, st, "Other", "Other", "o@other.example.kr")

		t.Run("refused", func(t *testing.T) {
			if _, _, err := st.CreateOwnerInvite(ctx, owned.ID, ex.ID); expo.ErrorCode(err) != expo.CodeForbidden {
				t.Errorf("exhibitor makes owner invite: %v", err)
			}
			if _, _, err := st.CreateOwnerInvite(ctx, org.ID, *owned.ExhibitorID); err == nil {
				t.Error("owner invite for a company with an owner")
			} else {
				wantMessage(t, err, "error.invite_has_owner")
			}
		})
		secret, _, err := st.CreateOwnerInvite(ctx, org.ID, ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		first, err := st.AcceptInvite(ctx, secret, nil, store.NewMember{Email: "bat@ub.example.mn", Name: "Bat", Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := st.Application(ctx, ex.ID)
		if got.OwnerID == nil || *got.OwnerID != first.ID {
			t.Fatalf("owner %v, want %d", got.OwnerID, first.ID)
		}
		ns, _ := st.Notifications(ctx, org.ID, 5)
		if len(ns) != 1 || ns[0].Message != "exhibitor.notify.owner_joined" {
			t.Errorf("organizer notifications %+v", ns)
		}
		t.Run("the new owner's invitations add members, not owners", func(t *testing.T) {
			s2, _, err := st.CreateInvite(ctx, first.ID, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.AcceptInvite(ctx, s2, nil, store.NewMember{Email: "dorj@ub.example.mn", Name: "Dorj", Password: "long enough password"}); err != nil {
				t.Fatal(err)
			}
			if got, _ := st.Application(ctx, ex.ID); *got.OwnerID != first.ID {
				t.Errorf("owner changed to %d", *got.OwnerID)
			}
		})
	})
}
