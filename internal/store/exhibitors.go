package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// The exhibitor application side: applying, the state machine, the review
// queue, logos and team members. Booths and the public directory live in
// booths.go and directory.go.

// appRow is a row of exhibitors with every application column.
type appRow struct {
	ID           int64
	Slug         string
	Name         string
	NameLatin    string
	NameKey      string
	Country      string
	Description  string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	BoothWish    string
	RawSpaceM2   int `gorm:"column:raw_space_m2"`
	Products     string
	LookingFor   string
	Languages    string
	State        string
	OwnerID      *int64
	SearchText   string
	SubmittedAt  *time.Time
	UpdatedAt    *time.Time
	CreatedAt    time.Time
}

func (appRow) TableName() string { return "exhibitors" }

func (r appRow) exhibitor(sectors []string) expo.Exhibitor {
	e := expo.Exhibitor{
		ID: r.ID, Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin, Country: r.Country, Sectors: sectors,
		Description: r.Description, Website: r.Website, ContactName: r.ContactName, ContactEmail: r.ContactEmail,
		ContactPhone: r.ContactPhone, BoothWish: expo.BoothWish(r.BoothWish), RawSpaceM2: r.RawSpaceM2,
		Products: r.Products, LookingFor: r.LookingFor, Languages: splitList(r.Languages),
		State: expo.ExhibitorState(r.State), OwnerID: r.OwnerID, SubmittedAt: r.SubmittedAt, CreatedAt: r.CreatedAt,
	}
	if e.Sectors == nil {
		e.Sectors = []string{}
	}
	if r.UpdatedAt != nil {
		e.UpdatedAt = *r.UpdatedAt
	}
	return e
}

// setApplication copies a validated application into the row.
func (r *appRow) setApplication(a expo.Application) {
	r.Name, r.NameLatin, r.NameKey, r.Country = a.Name, a.NameLatin, expo.NameKey(a.Name), a.Country
	r.Description, r.Website, r.ContactName, r.ContactEmail, r.ContactPhone = a.Description, a.Website, a.ContactName, a.ContactEmail, a.ContactPhone
	r.BoothWish, r.RawSpaceM2, r.Products, r.LookingFor = string(a.BoothWish), a.RawSpaceM2, a.Products, a.LookingFor
	r.Languages = strings.Join(a.Languages, ",")
	r.SearchText = searchText(a)
}

// searchText is what the directory's keyword search looks in: both name
// spellings, the description and the products, lower-cased.
func searchText(a expo.Application) string {
	return expo.SearchFold(strings.Join([]string{a.Name, a.NameLatin, a.Description, a.Products}, "\n"))
}

type appSectorRow struct {
	ExhibitorID int64
	Sector      string
}

func (appSectorRow) TableName() string { return "exhibitor_sectors" }

type appEventRow struct {
	ID          int64
	ExhibitorID int64
	FromState   string
	ToState     string
	ActorID     *int64
	Reason      string
	CreatedAt   time.Time
}

func (appEventRow) TableName() string { return "exhibitor_events" }

// NewApplication is what the public form submits: the company, and the
// password of the applicant's new account, whose e-mail is the contact
// e-mail. Submit false saves a draft.
type NewApplication struct {
	expo.Application
	Password string
	Submit   bool
}

// stateNotices are the notifications each state change sends the company's
// people (translation IDs).
var stateNotices = map[expo.ExhibitorState]string{
	expo.StateDraft:      "exhibitor.notify.draft",
	expo.StateSubmitted:  "exhibitor.notify.submitted",
	expo.StateApproved:   "exhibitor.notify.approved",
	expo.StateRejected:   "exhibitor.notify.rejected",
	expo.StateWaitlisted: "exhibitor.notify.waitlisted",
	expo.StateWithdrawn:  "exhibitor.notify.withdrawn",
}

// Apply creates the applicant's exhibitor account, the company (owned by
// the applicant) with its sectors, and the first history entry, in one
// transaction. A company name already taken (compared by expo.NameKey) is a
// field error on name; the unique index decides, not a prior look-up.
func (s *Store) Apply(ctx context.Context, in NewApplication) (expo.Exhibitor, expo.User, error) {
	var v expo.Validator
	app := in.Application.Validate(&v)
	v.Password("password", in.Password)
	if err := v.Err(); err != nil {
		return expo.Exhibitor{}, expo.User{}, err
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return expo.Exhibitor{}, expo.User{}, err
	}
	state := expo.StateDraft
	if in.Submit {
		state = expo.StateSubmitted
	}
	// A slug can be taken between choosing it and inserting (on
	// PostgreSQL, where writers run in parallel): try again with a fresh one.
	for attempt := 0; ; attempt++ {
		ex, u, err := s.apply(ctx, app, hash, state)
		if errors.Is(err, errSlugTaken) && attempt < 5 {
			continue
		}
		return ex, u, err
	}
}

var errSlugTaken = errors.New("slug taken")

func (s *Store) apply(ctx context.Context, app expo.Application, hash string, state expo.ExhibitorState) (expo.Exhibitor, expo.User, error) {
	now := s.now()
	row := appRow{State: string(state), CreatedAt: now, UpdatedAt: &now}
	row.setApplication(app)
	if state == expo.StateSubmitted {
		row.SubmittedAt = &now
	}
	var user userRow
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		slug, err := freeSlug(tx, expo.Slug(app.NameLatin))
		if err != nil {
			return err
		}
		row.Slug = slug
		if err := tx.Omit("OwnerID").Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errDuplicateCompany
			}
			return err
		}
		if err := insertSectors(tx, row.ID, app.Sectors); err != nil {
			return err
		}
		user = userRow{Email: app.ContactEmail, Name: app.ContactName, PasswordHash: hash, Role: string(expo.RoleExhibitor),
			Organization: app.NameLatin, Country: app.Country, Languages: strings.Join(app.Languages, ","),
			ExhibitorID: &row.ID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&user).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"contact_email": "error.email_taken"}}
			}
			return err
		}
		if err := tx.Model(&appRow{}).Where("id = ?", row.ID).Update("owner_id", user.ID).Error; err != nil {
			return err
		}
		row.OwnerID = &user.ID
		if err := tx.Create(&appEventRow{ExhibitorID: row.ID, FromState: "", ToState: string(state), ActorID: &user.ID, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.notify(tx, user.ID, stateNotices[state], map[string]any{"Company": app.NameLatin}, "/exhibitor")
	})
	if errors.Is(err, errDuplicateCompany) {
		return expo.Exhibitor{}, expo.User{}, s.classifyDuplicate(ctx, row.NameKey)
	}
	if err != nil {
		return expo.Exhibitor{}, expo.User{}, dbErr(err, "apply")
	}
	return row.exhibitor(app.Sectors), user.user(), nil
}

var errDuplicateCompany = errors.New("duplicate company")

// classifyDuplicate tells, after an insert of a company failed on a unique
// index, which one: the name (the user's mistake) or the slug (a race with
// another applicant, worth a retry).
func (s *Store) classifyDuplicate(ctx context.Context, nameKey string) error {
	var n int64
	if err := s.w.WithContext(ctx).Model(&appRow{}).Where("name_key = ?", nameKey).Count(&n).Error; err != nil {
		return dbErr(err, "check company name")
	}
	if n > 0 {
		return expo.ErrCompanyNameTaken
	}
	return errSlugTaken
}

// freeSlug returns base, or base-2, base-3… whichever is not taken yet.
func freeSlug(tx *gorm.DB, base string) (string, error) {
	var taken []string
	if err := tx.Model(&appRow{}).Where("slug = ? OR slug LIKE ?", base, base+"-%").Pluck("slug", &taken).Error; err != nil {
		return "", err
	}
	set := make(map[string]bool, len(taken))
	for _, t := range taken {
		set[t] = true
	}
	slug := base
	for i := 2; set[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	return slug, nil
}

func insertSectors(tx *gorm.DB, id int64, sectors []string) error {
	if len(sectors) == 0 {
		return nil
	}
	rows := make([]appSectorRow, len(sectors))
	for i, sec := range sectors {
		rows[i] = appSectorRow{ExhibitorID: id, Sector: sec}
	}
	return tx.Create(&rows).Error
}

// sectorsOf loads the sectors of many exhibitors in one query.
func sectorsOf(db *gorm.DB, ids []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []appSectorRow
	if err := db.Where("exhibitor_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return sortedSectors(rows), nil
}

// Application returns an exhibitor with its application fields.
func (s *Store) Application(ctx context.Context, id int64) (expo.Exhibitor, error) {
	return s.application(s.r.WithContext(ctx), id)
}

func (s *Store) application(db *gorm.DB, id int64) (expo.Exhibitor, error) {
	var row appRow
	if err := db.Take(&row, id).Error; err != nil {
		return expo.Exhibitor{}, dbErr(err, "find exhibitor")
	}
	sec, err := sectorsOf(db, []int64{id})
	if err != nil {
		return expo.Exhibitor{}, dbErr(err, "find sectors")
	}
	return row.exhibitor(sec[id]), nil
}

// ApplicationHistory lists an application's state changes, oldest first,
// with the name of whoever made each.
func (s *Store) ApplicationHistory(ctx context.Context, id int64) ([]expo.ExhibitorEvent, error) {
	var rows []struct {
		ID        int64
		FromState string
		ToState   string
		ActorID   *int64
		Reason    string
		CreatedAt time.Time
		ActorName *string
	}
	err := s.r.WithContext(ctx).Table("exhibitor_events AS e").
		Select("e.id, e.from_state, e.to_state, e.actor_id, e.reason, e.created_at, u.name AS actor_name").
		Joins("LEFT JOIN users u ON u.id = e.actor_id").Where("e.exhibitor_id = ?", id).Order("e.id").Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list history")
	}
	out := make([]expo.ExhibitorEvent, len(rows))
	for i, r := range rows {
		out[i] = expo.ExhibitorEvent{ID: r.ID, From: expo.ExhibitorState(r.FromState), To: expo.ExhibitorState(r.ToState),
			ActorID: r.ActorID, Reason: r.Reason, CreatedAt: r.CreatedAt}
		if r.ActorName != nil {
			out[i].ActorName = *r.ActorName
		}
	}
	return out, nil
}

// UpdateApplication lets the company's owner change its application or
// profile while it is open (not rejected or withdrawn). The slug stays, so
// links to the profile keep working.
func (s *Store) UpdateApplication(ctx context.Context, userID, exhibitorID int64, a expo.Application) (expo.Exhibitor, error) {
	var v expo.Validator
	a = a.Validate(&v)
	if err := v.Err(); err != nil {
		return expo.Exhibitor{}, err
	}
	var row appRow
	row.setApplication(a)
	now := s.now()
	var out expo.Exhibitor
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&appRow{}).
			Where("id = ? AND owner_id = ? AND state IN ?", exhibitorID, userID, openStates()).
			Updates(map[string]any{
				"name": row.Name, "name_latin": row.NameLatin, "name_key": row.NameKey, "country": row.Country,
				"description": row.Description, "website": row.Website, "contact_name": row.ContactName,
				"contact_email": row.ContactEmail, "contact_phone": row.ContactPhone, "booth_wish": row.BoothWish,
				"raw_space_m2": row.RawSpaceM2, "products": row.Products, "looking_for": row.LookingFor,
				"languages": row.Languages, "search_text": row.SearchText, "updated_at": now,
			})
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return expo.ErrCompanyNameTaken
			}
			return res.Error
		}
		if res.RowsAffected == 0 {
			return s.whyNotEditable(tx, userID, exhibitorID)
		}
		if err := tx.Where("exhibitor_id = ?", exhibitorID).Delete(&appSectorRow{}).Error; err != nil {
			return err
		}
		if err := insertSectors(tx, exhibitorID, a.Sectors); err != nil {
			return err
		}
		var err error
		out, err = s.application(tx, exhibitorID)
		return err
	})
	return out, dbErr(err, "update application")
}

func openStates() []string {
	var out []string
	for _, st := range expo.ExhibitorStates {
		if st.Open() {
			out = append(out, string(st))
		}
	}
	return out
}

// whyNotEditable explains a guarded update that changed nothing.
func (s *Store) whyNotEditable(tx *gorm.DB, userID, exhibitorID int64) error {
	var row appRow
	if err := tx.Select("id, owner_id, state").Take(&row, exhibitorID).Error; err != nil {
		return err // not found
	}
	if row.OwnerID == nil || *row.OwnerID != userID {
		return expo.Errorf(expo.CodeForbidden, "error.owner_only")
	}
	return expo.Errorf(expo.CodeConflict, "error.application_closed")
}

// Transition moves an application to another state on behalf of actor and
// records who, when and why. Owners move only their own company; the move
// must be allowed by expo.CheckTransition. The UPDATE is guarded on the
// state it was read in, so of two concurrent moves exactly one wins and the
// other gets expo.ErrStateChanged.
func (s *Store) Transition(ctx context.Context, exhibitorID int64, to expo.ExhibitorState, actor expo.User, reason string) (expo.Exhibitor, error) {
	var out expo.Exhibitor
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = s.transition(tx, exhibitorID, to, actor, reason)
		return err
	})
	return out, dbErr(err, "change application state")
}

func (s *Store) transition(tx *gorm.DB, exhibitorID int64, to expo.ExhibitorState, actor expo.User, reason string) (expo.Exhibitor, error) {
	var row appRow
	if err := tx.Take(&row, exhibitorID).Error; err != nil {
		return expo.Exhibitor{}, err
	}
	kind, err := actorKind(actor, row)
	if err != nil {
		return expo.Exhibitor{}, err
	}
	from := expo.ExhibitorState(row.State)
	reason, err = expo.CheckTransition(from, to, kind, reason)
	if err != nil {
		return expo.Exhibitor{}, err
	}
	now := s.now()
	set := map[string]any{"state": string(to), "updated_at": now}
	if to == expo.StateSubmitted {
		set["submitted_at"] = now
	}
	res := tx.Model(&appRow{}).Where("id = ? AND state = ?", exhibitorID, string(from)).Updates(set)
	if res.Error != nil {
		return expo.Exhibitor{}, res.Error
	}
	if res.RowsAffected == 0 {
		return expo.Exhibitor{}, expo.ErrStateChanged
	}
	if err := tx.Create(&appEventRow{ExhibitorID: exhibitorID, FromState: string(from), ToState: string(to), ActorID: &actor.ID, Reason: reason, CreatedAt: now}).Error; err != nil {
		return expo.Exhibitor{}, err
	}
	details := map[string]any{"company": row.NameLatin, "from": string(from), "to": string(to)}
	if reason != "" {
		details["reason"] = reason
	}
	if err := s.audit(tx, auditEntry{action: transitionActions[to], subjectType: auditSubjectExhibitor, subjectID: exhibitorID, details: details, by: &actor}); err != nil {
		return expo.Exhibitor{}, err
	}
	if from == expo.StateApproved && to != expo.StateApproved {
		// A company that is no longer approved gives its booth back.
		if err := tx.Exec("UPDATE booths SET exhibitor_id = NULL WHERE exhibitor_id = ?", exhibitorID).Error; err != nil {
			return expo.Exhibitor{}, err
		}
	}
	var people []int64
	if err := tx.Model(&userRow{}).Where("exhibitor_id = ?", exhibitorID).Order("id").Pluck("id", &people).Error; err != nil {
		return expo.Exhibitor{}, err
	}
	for _, uid := range people {
		if err := s.notify(tx, uid, stateNotices[to], map[string]any{"Company": row.NameLatin, "Reason": reason}, "/exhibitor"); err != nil {
			return expo.Exhibitor{}, err
		}
	}
	row.State = string(to)
	row.UpdatedAt = &now
	if to == expo.StateSubmitted {
		row.SubmittedAt = &now
	}
	sec, err := sectorsOf(tx, []int64{exhibitorID})
	if err != nil {
		return expo.Exhibitor{}, err
	}
	return row.exhibitor(sec[exhibitorID]), nil
}

// actorKind says in which capacity a user acts on a company: organizers as
// organizers, the company's owner as owner; anyone else is refused.
func actorKind(u expo.User, row appRow) (expo.Actor, error) {
	switch {
	case u.Role == expo.RoleOrganizer:
		return expo.ActorOrganizer, nil
	case u.Role == expo.RoleExhibitor && row.OwnerID != nil && *row.OwnerID == u.ID:
		return expo.ActorOwner, nil
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil && *u.ExhibitorID == row.ID:
		return "", expo.Errorf(expo.CodeForbidden, "error.owner_only")
	}
	return "", expo.ErrForbidden
}

// BulkResult is the outcome of one item of a bulk transition.
type BulkResult struct {
	ID   int64
	Name string
	Err  error // nil when the item moved
}

// BulkTransition moves many applications, each in its own transaction, and
// reports every item's outcome. Per-item rather than all-or-nothing: the
// organizer selected a page of applications, and one of them having been
// withdrawn a moment ago must not block the others; the result lists what
// did not move and why, so nothing fails silently.
func (s *Store) BulkTransition(ctx context.Context, ids []int64, to expo.ExhibitorState, actor expo.User, reason string) ([]BulkResult, error) {
	if len(ids) == 0 {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.bulk_none"}
	}
	if len(ids) > MaxBulk {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.bulk_too_many", Data: map[string]any{"Max": MaxBulk}}
	}
	if actor.Role != expo.RoleOrganizer {
		return nil, expo.ErrForbidden
	}
	// The reason is checked once up front: a missing rejection reason
	// would otherwise fail every item the same way.
	if _, err := expo.CheckTransition(expo.StateSubmitted, to, expo.ActorOrganizer, reason); err != nil {
		if e, ok := expo.AsError(err); ok && e.Code == expo.CodeInvalid {
			return nil, err
		}
	}
	out := make([]BulkResult, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		ex, err := s.Transition(ctx, id, to, actor, reason)
		if err != nil {
			if _, ok := expo.AsError(err); !ok {
				return out, err // the database failed, not the item
			}
		}
		out = append(out, BulkResult{ID: id, Name: ex.NameLatin, Err: err})
	}
	return out, nil
}

// MaxBulk is the most applications one bulk action moves.
const MaxBulk = 200

// ReviewFilter narrows the review queue. Empty fields do not filter.
type ReviewFilter struct {
	State     expo.ExhibitorState
	Country   string
	Sector    string
	BoothWish expo.BoothWish
	Page      int // from 1
	PerPage   int
}

// ReviewPage is one page of the review queue.
type ReviewPage struct {
	Items []expo.Exhibitor
	Total int64
	// Counts has the number of applications in each state under the other
	// filters, for the state tabs.
	Counts map[expo.ExhibitorState]int64
}

func (f ReviewFilter) apply(q *gorm.DB, withState bool) *gorm.DB {
	if withState && f.State != "" {
		q = q.Where("exhibitors.state = ?", string(f.State))
	}
	if f.Country != "" {
		q = q.Where("exhibitors.country = ?", f.Country)
	}
	if f.BoothWish != "" {
		q = q.Where("exhibitors.booth_wish = ?", string(f.BoothWish))
	}
	if f.Sector != "" {
		q = q.Where("EXISTS (SELECT 1 FROM exhibitor_sectors es WHERE es.exhibitor_id = exhibitors.id AND es.sector = ?)", f.Sector)
	}
	return q
}

// ReviewQueue lists applications for the organizer, oldest submission
// first (first come, first served), with the counts per state.
func (s *Store) ReviewQueue(ctx context.Context, f ReviewFilter) (ReviewPage, error) {
	db := s.r.WithContext(ctx)
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	out := ReviewPage{Counts: map[expo.ExhibitorState]int64{}}
	var counts []struct {
		State string
		N     int64
	}
	if err := f.apply(db.Model(&appRow{}), false).Select("state, COUNT(*) AS n").Group("state").Scan(&counts).Error; err != nil {
		return out, dbErr(err, "count applications")
	}
	for _, c := range counts {
		out.Counts[expo.ExhibitorState(c.State)] = c.N
		if f.State == "" || c.State == string(f.State) {
			out.Total += c.N
		}
	}
	var rows []appRow
	err := f.apply(db.Model(&appRow{}), true).
		Order("CASE WHEN submitted_at IS NULL THEN 1 ELSE 0 END, submitted_at, id").
		Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).Find(&rows).Error
	if err != nil {
		return out, dbErr(err, "list applications")
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sec, err := sectorsOf(db, ids)
	if err != nil {
		return out, dbErr(err, "list sectors")
	}
	out.Items = make([]expo.Exhibitor, len(rows))
	for i, r := range rows {
		out.Items[i] = r.exhibitor(sec[r.ID])
	}
	return out, nil
}

type appLogoRow struct {
	ExhibitorID int64 `gorm:"primaryKey;autoIncrement:false"`
	ContentType string
	Data        []byte
	UpdatedAt   time.Time
}

func (appLogoRow) TableName() string { return "exhibitor_logos" }

// SetLogo checks, scales and stores a company's logo; only its owner may.
func (s *Store) SetLogo(ctx context.Context, userID, exhibitorID int64, upload []byte) error {
	logo, err := expo.ProcessLogo(upload)
	if err != nil {
		return err
	}
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.requireOwner(tx, userID, exhibitorID); err != nil {
			return err
		}
		now := s.now()
		res := tx.Model(&appLogoRow{}).Where("exhibitor_id = ?", exhibitorID).
			Updates(map[string]any{"content_type": logo.ContentType, "data": logo.Data, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.Create(&appLogoRow{ExhibitorID: exhibitorID, ContentType: logo.ContentType, Data: logo.Data, UpdatedAt: now}).Error
		}
		return nil
	}), "store logo")
}

// Logo returns a company's stored logo, or expo.ErrNotFound.
func (s *Store) Logo(ctx context.Context, exhibitorID int64) (expo.Logo, time.Time, error) {
	var row appLogoRow
	err := s.r.WithContext(ctx).Take(&row, "exhibitor_id = ?", exhibitorID).Error
	return expo.Logo{ContentType: row.ContentType, Data: row.Data}, row.UpdatedAt, dbErr(err, "find logo")
}

// HasLogo reports whether a company has a logo.
func (s *Store) HasLogo(ctx context.Context, exhibitorID int64) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&appLogoRow{}).Where("exhibitor_id = ?", exhibitorID).Count(&n).Error
	return n > 0, dbErr(err, "find logo")
}

// requireOwner fails unless userID owns the company.
func (s *Store) requireOwner(tx *gorm.DB, userID, exhibitorID int64) error {
	var n int64
	if err := tx.Model(&appRow{}).Where("id = ? AND owner_id = ?", exhibitorID, userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return expo.Errorf(expo.CodeForbidden, "error.owner_only")
	}
	return nil
}
