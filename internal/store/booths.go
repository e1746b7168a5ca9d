package store

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"expo/internal/expo"
)

type hallPlanRow struct {
	ID     int64
	Code   string
	Name   string
	GridW  int
	GridH  int
	Booths int `gorm:"->"`
	Free   int `gorm:"->"`
}

func (hallPlanRow) TableName() string { return "halls" }

func (r hallPlanRow) plan() expo.HallPlan {
	return expo.HallPlan{Hall: expo.Hall{ID: r.ID, Code: r.Code, Name: r.Name}, Width: r.GridW, Height: r.GridH, Booths: r.Booths, Free: r.Free}
}

type boothRow struct {
	ID          int64
	HallID      int64
	Code        string
	Kind        string
	SizeM2      int `gorm:"column:size_m2"`
	X, Y, W, H  int
	ExhibitorID *int64
}

func (boothRow) TableName() string { return "booths" }

func (r boothRow) booth() expo.Booth {
	return expo.Booth{ID: r.ID, HallID: r.HallID, Code: r.Code, Kind: expo.BoothWish(r.Kind), SizeM2: r.SizeM2,
		X: r.X, Y: r.Y, W: r.W, H: r.H, ExhibitorID: r.ExhibitorID}
}

func boothRowOf(b expo.Booth) boothRow {
	return boothRow{ID: b.ID, HallID: b.HallID, Code: b.Code, Kind: string(b.Kind), SizeM2: b.SizeM2, X: b.X, Y: b.Y, W: b.W, H: b.H, ExhibitorID: b.ExhibitorID}
}

// hallPlanQuery selects halls with their booth counts in one grouped query.
func hallPlanQuery(db *gorm.DB) *gorm.DB {
	return db.Table("halls h").
		Select("h.id, h.code, h.name, h.grid_w, h.grid_h, COUNT(b.id) AS booths, COUNT(b.id) - COUNT(b.exhibitor_id) AS free").
		Joins("LEFT JOIN booths b ON b.hall_id = h.id").
		Group("h.id, h.code, h.name, h.grid_w, h.grid_h")
}

// HallPlans lists the halls by code with their grid size and booth counts.
func (s *Store) HallPlans(ctx context.Context) ([]expo.HallPlan, error) {
	var rows []hallPlanRow
	if err := hallPlanQuery(s.r.WithContext(ctx)).Order("h.code").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "list hall plans")
	}
	out := make([]expo.HallPlan, len(rows))
	for i, r := range rows {
		out[i] = r.plan()
	}
	return out, nil
}

// HallPlan reads one hall by id.
func (s *Store) HallPlan(ctx context.Context, id int64) (expo.HallPlan, error) {
	return s.hallPlanWhere(s.r.WithContext(ctx), "h.id = ?", id)
}

// HallPlanByCode reads one hall by its code ("A").
func (s *Store) HallPlanByCode(ctx context.Context, code string) (expo.HallPlan, error) {
	return s.hallPlanWhere(s.r.WithContext(ctx), "h.code = ?", strings.ToUpper(code))
}

func (s *Store) hallPlanWhere(db *gorm.DB, where string, arg any) (expo.HallPlan, error) {
	var rows []hallPlanRow
	if err := hallPlanQuery(db).Where(where, arg).Scan(&rows).Error; err != nil {
		return expo.HallPlan{}, dbErr(err, "read hall")
	}
	if len(rows) == 0 {
		return expo.HallPlan{}, expo.ErrNotFound
	}
	return rows[0].plan(), nil
}

// CreateHall validates and adds a hall.
func (s *Store) CreateHall(ctx context.Context, in expo.HallInput) (expo.HallPlan, error) {
	in, err := in.Validate()
	if err != nil {
		return expo.HallPlan{}, err
	}
	row := hallPlanRow{Code: in.Code, Name: in.Name, GridW: in.Width, GridH: in.Height}
	if err := s.w.WithContext(ctx).Omit("Booths", "Free").Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return expo.HallPlan{}, expo.ErrHallCodeTaken
		}
		return expo.HallPlan{}, dbErr(err, "create hall")
	}
	return row.plan(), nil
}

// UpdateHall renames or resizes a hall. The code stays (booth codes start
// with it). A hall cannot shrink below its booths: the guarded UPDATE
// changes nothing when a booth would stick out.
func (s *Store) UpdateHall(ctx context.Context, id int64, in expo.HallInput) (expo.HallPlan, error) {
	var out expo.HallPlan
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.hallPlanWhere(tx, "h.id = ?", id)
		if err != nil {
			return err
		}
		in.Code = cur.Code
		if in, err = in.Validate(); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE halls SET name = ?, grid_w = ?, grid_h = ? WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM booths WHERE hall_id = ? AND (x + w > ? OR y + h > ?))`,
			in.Name, in.Width, in.Height, id, id, in.Width, in.Height)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrHallTooSmall
		}
		out, err = s.hallPlanWhere(tx, "h.id = ?", id)
		return err
	})
	return out, dbErr(err, "update hall")
}

// DeleteHall removes a hall with its booths; a hall where any booth is
// held cannot be deleted (the booths must be freed first).
func (s *Store) DeleteHall(ctx context.Context, id int64) error {
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("DELETE FROM halls WHERE id = ? AND NOT EXISTS (SELECT 1 FROM booths WHERE hall_id = ? AND exhibitor_id IS NOT NULL)", id, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&hallPlanRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return expo.ErrNotFound
			}
			return expo.ErrHallHasHolders
		}
		return nil
	}), "delete hall")
}

// Booths lists a hall's booths by code.
func (s *Store) Booths(ctx context.Context, hallID int64) ([]expo.Booth, error) {
	var rows []boothRow
	if err := s.r.WithContext(ctx).Where("hall_id = ?", hallID).Order("code").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list booths")
	}
	return boothsOf(rows), nil
}

func boothsOf(rows []boothRow) []expo.Booth {
	out := make([]expo.Booth, len(rows))
	for i, r := range rows {
		out[i] = r.booth()
	}
	return out
}

// Booth reads one booth.
func (s *Store) Booth(ctx context.Context, id int64) (expo.Booth, error) {
	var row boothRow
	if err := s.r.WithContext(ctx).Take(&row, id).Error; err != nil {
		return expo.Booth{}, dbErr(err, "read booth")
	}
	return row.booth(), nil
}

// lockHall serializes booth edits of one hall, so two organizers cannot
// place overlapping booths at the same moment: the no-op UPDATE takes the
// hall row's write lock on PostgreSQL (SQLite has one writer anyway) until
// the transaction ends. It returns the hall and its booths as of the lock.
func (s *Store) lockHall(tx *gorm.DB, hallID int64) (expo.HallPlan, []expo.Booth, error) {
	res := tx.Exec("UPDATE halls SET grid_w = grid_w WHERE id = ?", hallID)
	if res.Error != nil {
		return expo.HallPlan{}, nil, res.Error
	}
	if res.RowsAffected == 0 {
		return expo.HallPlan{}, nil, expo.ErrNotFound
	}
	hall, err := s.hallPlanWhere(tx, "h.id = ?", hallID)
	if err != nil {
		return expo.HallPlan{}, nil, err
	}
	var rows []boothRow
	if err := tx.Where("hall_id = ?", hallID).Find(&rows).Error; err != nil {
		return expo.HallPlan{}, nil, err
	}
	return hall, boothsOf(rows), nil
}

func boothWriteErr(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return expo.ErrBoothCodeTaken
	}
	return err
}

// CreateBooth validates a booth against its hall and the booths already
// there, and adds it.
func (s *Store) CreateBooth(ctx context.Context, hallID int64, in expo.BoothInput) (expo.Booth, error) {
	var out expo.Booth
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		hall, existing, err := s.lockHall(tx, hallID)
		if err != nil {
			return err
		}
		b, err := expo.ValidateBooth(in, 0, hall, existing)
		if err != nil {
			return err
		}
		row := boothRowOf(b)
		if err := tx.Create(&row).Error; err != nil {
			return boothWriteErr(err)
		}
		out = row.booth()
		return s.audit(tx, auditEntry{action: AuditBoothCreate, subjectType: auditSubjectBooth, subjectID: row.ID,
			details: map[string]any{"booth": row.Code, "hall": hall.Code, "count": 1}})
	})
	return out, dbErr(err, "create booth")
}

// LayoutRow adds a row of booths at once ("A-101" … "A-120"), all or none.
func (s *Store) LayoutRow(ctx context.Context, hallID int64, row expo.BoothRow) ([]expo.Booth, error) {
	var out []expo.Booth
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		hall, existing, err := s.lockHall(tx, hallID)
		if err != nil {
			return err
		}
		booths, err := expo.LayoutRow(row, hall, existing)
		if err != nil {
			return err
		}
		rows := make([]boothRow, len(booths))
		for i, b := range booths {
			rows[i] = boothRowOf(b)
		}
		if err := tx.CreateInBatches(&rows, 200).Error; err != nil {
			return boothWriteErr(err)
		}
		out = boothsOf(rows)
		if len(rows) == 0 {
			return nil
		}
		return s.audit(tx, auditEntry{action: AuditBoothCreate, subjectType: auditSubjectBooth, subjectID: rows[0].ID,
			details: map[string]any{"booth": rows[0].Code, "last": rows[len(rows)-1].Code, "hall": hall.Code, "count": len(rows)}})
	})
	return out, dbErr(err, "lay out booths")
}

// UpdateBooth changes a booth's code, kind, place or size; its holder stays.
func (s *Store) UpdateBooth(ctx context.Context, id int64, in expo.BoothInput) (expo.Booth, error) {
	var out expo.Booth
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur boothRow
		if err := tx.Take(&cur, id).Error; err != nil {
			return err
		}
		hall, existing, err := s.lockHall(tx, cur.HallID)
		if err != nil {
			return err
		}
		b, err := expo.ValidateBooth(in, id, hall, existing)
		if err != nil {
			return err
		}
		b.ExhibitorID = cur.ExhibitorID
		row := boothRowOf(b)
		if err := tx.Model(&boothRow{}).Where("id = ?", id).
			Updates(map[string]any{"code": row.Code, "kind": row.Kind, "size_m2": row.SizeM2, "x": row.X, "y": row.Y, "w": row.W, "h": row.H}).Error; err != nil {
			return boothWriteErr(err)
		}
		out = row.booth()
		details := map[string]any{"booth": row.Code, "hall": hall.Code}
		if cur.Code != row.Code {
			details["was"] = cur.Code
		}
		return s.audit(tx, auditEntry{action: AuditBoothUpdate, subjectType: auditSubjectBooth, subjectID: id, details: details})
	})
	return out, dbErr(err, "update booth")
}

// DeleteBooth removes a free booth; a held booth must be freed first.
func (s *Store) DeleteBooth(ctx context.Context, id int64) error {
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var code string
		if err := tx.Raw("SELECT code FROM booths WHERE id = ?", id).Scan(&code).Error; err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM booths WHERE id = ? AND exhibitor_id IS NULL", id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if _, err := s.boothIn(tx, id); err != nil {
				return err
			}
			return expo.ErrBoothAssigned
		}
		return s.audit(tx, auditEntry{action: AuditBoothDelete, subjectType: auditSubjectBooth, subjectID: id, details: map[string]any{"booth": code}})
	}), "delete booth")
}

func (s *Store) boothIn(tx *gorm.DB, id int64) (boothRow, error) {
	var row boothRow
	err := tx.Take(&row, id).Error
	return row, err
}

// AssignBooth gives a free booth to an approved exhibitor; an exhibitor
// that already holds another booth moves (its old booth becomes free).
// The booth is taken by one guarded UPDATE (exhibitor_id IS NULL) inside
// the transaction, so of two organizers assigning the same booth at once
// exactly one succeeds and the other gets expo.ErrBoothTaken; the unique
// exhibitor_id column keeps an exhibitor from holding two booths even if
// two moves race.
func (s *Store) AssignBooth(ctx context.Context, boothID, exhibitorID int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		freed := tx.Exec("UPDATE booths SET exhibitor_id = NULL WHERE exhibitor_id = ? AND id <> ?", exhibitorID, boothID)
		if freed.Error != nil {
			return freed.Error
		}
		res := tx.Exec(`UPDATE booths SET exhibitor_id = ? WHERE id = ? AND exhibitor_id IS NULL
			AND EXISTS (SELECT 1 FROM exhibitors WHERE id = ? AND state = ?)`, exhibitorID, boothID, exhibitorID, string(expo.StateApproved))
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return expo.ErrExhibitorHasBooth
			}
			return res.Error
		}
		if res.RowsAffected == 1 {
			var info struct{ Code, Company string }
			if err := tx.Raw("SELECT b.code, e.name_latin AS company FROM booths b, exhibitors e WHERE b.id = ? AND e.id = ?", boothID, exhibitorID).
				Scan(&info).Error; err != nil {
				return err
			}
			return s.audit(tx, auditEntry{action: AuditBoothAssign, subjectType: auditSubjectBooth, subjectID: boothID,
				details: map[string]any{"booth": info.Code, "company": info.Company, "exhibitor_id": exhibitorID, "moved": freed.RowsAffected > 0}})
		}
		// Nothing changed: say why.
		row, err := s.boothIn(tx, boothID)
		if err != nil {
			return err
		}
		if row.ExhibitorID != nil {
			if *row.ExhibitorID == exhibitorID {
				return nil // already there
			}
			return expo.ErrBoothTaken
		}
		var state string
		if err := tx.Raw("SELECT state FROM exhibitors WHERE id = ?", exhibitorID).Scan(&state).Error; err != nil {
			return err
		}
		if state == "" {
			return expo.ErrNotFound
		}
		return expo.ErrBoothNotApproved
	})
	return dbErr(err, "assign booth")
}

// UnassignBooth frees a booth; freeing a free booth is not an error.
func (s *Store) UnassignBooth(ctx context.Context, boothID int64) error {
	return dbErr(s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var held struct {
			Code        string
			ExhibitorID *int64
			Company     string
		}
		if err := tx.Raw("SELECT b.code, b.exhibitor_id, COALESCE(e.name_latin, '') AS company FROM booths b LEFT JOIN exhibitors e ON e.id = b.exhibitor_id WHERE b.id = ?", boothID).
			Scan(&held).Error; err != nil {
			return err
		}
		res := tx.Exec("UPDATE booths SET exhibitor_id = NULL WHERE id = ?", boothID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrNotFound
		}
		if held.ExhibitorID == nil {
			return nil // it was free: nothing changed, nothing to record
		}
		return s.audit(tx, auditEntry{action: AuditBoothUnassign, subjectType: auditSubjectBooth, subjectID: boothID,
			details: map[string]any{"booth": held.Code, "company": held.Company, "exhibitor_id": *held.ExhibitorID}})
	}), "unassign booth")
}

// boothHallRow and boothHolderRow are booths joined with their hall or
// holder. (GORM skips embedded unexported structs, so the columns are
// repeated.)
type boothHallRow struct {
	ID          int64
	HallID      int64
	Code        string
	Kind        string
	SizeM2      int `gorm:"column:size_m2"`
	X, Y, W, H  int
	ExhibitorID *int64
	HallCode    string
	HallName    string
}

func (r boothHallRow) booth() expo.Booth {
	return boothRow{r.ID, r.HallID, r.Code, r.Kind, r.SizeM2, r.X, r.Y, r.W, r.H, r.ExhibitorID}.booth()
}

type boothHolderRow struct {
	ID          int64
	HallID      int64
	Code        string
	Kind        string
	SizeM2      int `gorm:"column:size_m2"`
	X, Y, W, H  int
	ExhibitorID *int64
	Slug        string
	Name        string
	NameLatin   string
	State       string
}

func (r boothHolderRow) booth() expo.Booth {
	return boothRow{r.ID, r.HallID, r.Code, r.Kind, r.SizeM2, r.X, r.Y, r.W, r.H, r.ExhibitorID}.booth()
}

// FreeBooth is a free booth with its hall, as the assignment page lists it.
type FreeBooth struct {
	expo.Booth
	HallCode string
	HallName string
}

// FreeBoothsFitting lists free booths that suit a booth wish (same kind,
// raw space at least rawM2), in hall hallCode when it is not empty,
// smallest fitting first, at most limit.
func (s *Store) FreeBoothsFitting(ctx context.Context, wish expo.BoothWish, rawM2 int, hallCode string, limit int) ([]FreeBooth, error) {
	q := s.r.WithContext(ctx).Table("booths b").
		Select("b.id, b.hall_id, b.code, b.kind, b.size_m2, b.x, b.y, b.w, b.h, h.code AS hall_code, h.name AS hall_name").
		Joins("JOIN halls h ON h.id = b.hall_id").
		Where("b.exhibitor_id IS NULL AND b.kind = ?", string(wish))
	if wish == expo.BoothRaw {
		q = q.Where("b.size_m2 >= ?", rawM2)
	}
	if hallCode != "" {
		q = q.Where("h.code = ?", strings.ToUpper(hallCode))
	}
	var rows []boothHallRow
	if err := q.Order("b.size_m2, h.code, b.code").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "list free booths")
	}
	out := make([]FreeBooth, len(rows))
	for i, r := range rows {
		out[i] = FreeBooth{Booth: r.booth(), HallCode: r.HallCode, HallName: r.HallName}
	}
	return out, nil
}

// PlanBooths lists a hall's booths with their holders and the holders'
// sectors, for the floor plan: two queries however many booths there are.
func (s *Store) PlanBooths(ctx context.Context, hallID int64) ([]expo.PlanBooth, error) {
	db := s.r.WithContext(ctx)
	var rows []boothHolderRow
	if err := db.Table("booths b").
		Select("b.id, b.hall_id, b.code, b.kind, b.size_m2, b.x, b.y, b.w, b.h, b.exhibitor_id, COALESCE(e.slug, '') AS slug, COALESCE(e.name, '') AS name, COALESCE(e.name_latin, '') AS name_latin, COALESCE(e.state, '') AS state").
		Joins("LEFT JOIN exhibitors e ON e.id = b.exhibitor_id").
		Where("b.hall_id = ?", hallID).Order("b.code").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "list plan booths")
	}
	var sectors []struct {
		ExhibitorID int64
		Sector      string
	}
	if err := db.Raw(`SELECT s.exhibitor_id, s.sector FROM exhibitor_sectors s
		JOIN booths b ON b.exhibitor_id = s.exhibitor_id WHERE b.hall_id = ?`, hallID).Scan(&sectors).Error; err != nil {
		return nil, dbErr(err, "list plan sectors")
	}
	bySector := map[int64][]string{}
	for _, s := range sectors {
		bySector[s.ExhibitorID] = append(bySector[s.ExhibitorID], s.Sector)
	}
	out := make([]expo.PlanBooth, len(rows))
	for i, r := range rows {
		pb := expo.PlanBooth{Booth: r.booth(), Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin}
		if r.State != string(expo.StateApproved) {
			// A holder no longer approved has no public profile to link to.
			pb.Slug = ""
		}
		if r.ExhibitorID != nil {
			pb.Sectors = bySector[*r.ExhibitorID]
		}
		out[i] = pb
	}
	return out, nil
}

// BoothOf is the booth an exhibitor holds with its hall; ok is false when
// it holds none.
func (s *Store) BoothOf(ctx context.Context, exhibitorID int64) (b FreeBooth, ok bool, err error) {
	var rows []boothHallRow
	err = s.r.WithContext(ctx).Table("booths b").
		Select("b.id, b.hall_id, b.code, b.kind, b.size_m2, b.x, b.y, b.w, b.h, b.exhibitor_id, h.code AS hall_code, h.name AS hall_name").
		Joins("JOIN halls h ON h.id = b.hall_id").Where("b.exhibitor_id = ?", exhibitorID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return FreeBooth{}, false, dbErr(err, "read booth of exhibitor")
	}
	return FreeBooth{Booth: rows[0].booth(), HallCode: rows[0].HallCode, HallName: rows[0].HallName}, true, nil
}

// ExhibitorsWithoutBooth lists approved exhibitors that hold no booth, by
// name, at most limit, with how many there are in all. With fit set, only
// those whose booth wish that booth suits.
func (s *Store) ExhibitorsWithoutBooth(ctx context.Context, fit *expo.Booth, limit int) ([]BoothCandidate, int, error) {
	q := s.r.WithContext(ctx).Table("exhibitors e").
		Where("e.state = ? AND NOT EXISTS (SELECT 1 FROM booths b WHERE b.exhibitor_id = e.id)", string(expo.StateApproved))
	if fit != nil {
		q = q.Where("e.booth_wish = ?", string(fit.Kind))
		if fit.Kind == expo.BoothRaw {
			q = q.Where("e.raw_space_m2 <= ?", fit.SizeM2)
		}
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "count exhibitors without booth")
	}
	var rows []struct {
		ID         int64
		Slug       string
		Name       string
		NameLatin  string
		Country    string
		State      string
		BoothWish  string
		RawSpaceM2 int `gorm:"column:raw_space_m2"`
	}
	if err := q.Select("e.id, e.slug, e.name, e.name_latin, e.country, e.state, e.booth_wish, e.raw_space_m2").
		Order("e.name_latin, e.id").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, 0, dbErr(err, "list exhibitors without booth")
	}
	out := make([]BoothCandidate, len(rows))
	for i, r := range rows {
		out[i] = BoothCandidate{ID: r.ID, Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin, Country: r.Country,
			State: expo.ExhibitorState(r.State), BoothWish: expo.BoothWish(r.BoothWish), RawSpaceM2: r.RawSpaceM2}
	}
	return out, int(total), nil
}
