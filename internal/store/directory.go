package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// likeEscaper makes user input literal inside a LIKE pattern (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeContains is the LIKE pattern matching text that contains kw.
func likeContains(kw string) string { return "%" + likeEscaper.Replace(kw) + "%" }

type directoryRow struct {
	ID          int64
	Slug        string
	Name        string
	NameLatin   string
	Country     string
	Languages   string
	Description string
	Website     string
	Products    string
	LookingFor  string
	BoothCode   string
	HallCode    string
	HallName    string
}

func (r directoryRow) entry(sectors []string) expo.DirectoryEntry {
	if sectors == nil {
		sectors = []string{}
	}
	return expo.DirectoryEntry{ID: r.ID, Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin, Country: r.Country,
		Sectors: sectors, Languages: splitList(r.Languages), BoothCode: r.BoothCode, HallCode: r.HallCode}
}

// The directory's two orders; exhibitors without a booth come last in the
// booth order. DirectoryListings reads in the same orders.
const (
	directoryNameOrder  = "e.name_latin, e.name, e.id"
	directoryBoothOrder = "CASE WHEN b.code IS NULL THEN 1 ELSE 0 END, b.code, e.name_latin, e.id"
)

// directoryBase selects approved exhibitors with their booth and hall.
func directoryBase(db *gorm.DB) *gorm.DB {
	return db.Table("exhibitors e").
		Joins("LEFT JOIN booths b ON b.exhibitor_id = e.id").
		Joins("LEFT JOIN halls h ON h.id = b.hall_id").
		Where("e.state = ?", string(expo.StateApproved))
}

// Directory searches the approved exhibitors: every keyword must occur in
// a name (either spelling), the description or the products; country,
// sector and hall narrow the list. It returns one page and the total.
func (s *Store) Directory(ctx context.Context, q expo.DirectoryQuery) (expo.DirectoryPage, error) {
	db := s.r.WithContext(ctx)
	filter := func(tx *gorm.DB) *gorm.DB {
		for _, kw := range expo.Keywords(q.Q) {
			tx = tx.Where(`e.search_text LIKE ? ESCAPE '\'`, likeContains(kw))
		}
		if q.Country != "" {
			tx = tx.Where("e.country = ?", q.Country)
		}
		if q.Sector != "" {
			tx = tx.Where("EXISTS (SELECT 1 FROM exhibitor_sectors es WHERE es.exhibitor_id = e.id AND es.sector = ?)", q.Sector)
		}
		if q.Hall != "" {
			tx = tx.Where("h.code = ?", q.Hall)
		}
		return tx
	}
	page := expo.DirectoryPage{Query: q, Items: []expo.DirectoryEntry{}}
	var total int64
	// The count needs the booth and hall only to filter by hall (an
	// exhibitor holds at most one booth, so the joins never change it).
	counted := directoryBase(db)
	if q.Hall == "" {
		counted = db.Table("exhibitors e").Where("e.state = ?", string(expo.StateApproved))
	}
	if err := filter(counted).Count(&total).Error; err != nil {
		return page, dbErr(err, "count directory")
	}
	page.Total = int(total)
	if total == 0 || q.Offset() >= page.Total {
		return page, nil
	}
	order := directoryNameOrder
	if q.Sort == "booth" {
		order = directoryBoothOrder
	}
	var rows []directoryRow
	if err := filter(directoryBase(db)).
		Select("e.id, e.slug, e.name, e.name_latin, e.country, e.languages, COALESCE(b.code, '') AS booth_code, COALESCE(h.code, '') AS hall_code").
		Order(order).Limit(q.PerPage).Offset(q.Offset()).Scan(&rows).Error; err != nil {
		return page, dbErr(err, "search directory")
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sectors, err := sectorsOf(db, ids)
	if err != nil {
		return page, dbErr(err, "read sectors")
	}
	for _, r := range rows {
		page.Items = append(page.Items, r.entry(sectors[r.ID]))
	}
	return page, nil
}

// DirectoryListings reads every approved exhibitor for the in-memory
// directory search (expo.DirectoryIndex) in three queries, whatever their
// number: the exhibitors with booth, hall and search text in the name
// order of Directory, their ids in its booth order, and all their sectors.
// The database sorts, so its collation decides both orders exactly as it
// does for Directory. The reads are not one snapshot: a company approved
// between them may show without sectors or last in the booth order until
// the next read, as a Directory page cached meanwhile would be stale.
func (s *Store) DirectoryListings(ctx context.Context) ([]expo.DirectoryListing, error) {
	db := s.r.WithContext(ctx)
	var rows []struct {
		ID                                                                         int64
		Slug, Name, NameLatin, Country, Languages, SearchText, BoothCode, HallCode string
	}
	if err := directoryBase(db).
		Select("e.id, e.slug, e.name, e.name_latin, e.country, e.languages, e.search_text, " +
			"COALESCE(b.code, '') AS booth_code, COALESCE(h.code, '') AS hall_code").
		Order(directoryNameOrder).Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "read directory")
	}
	var boothOrder []int64
	if err := directoryBase(db).Order(directoryBoothOrder).Pluck("e.id", &boothOrder).Error; err != nil {
		return nil, dbErr(err, "read booth order")
	}
	var sectorRows []appSectorRow
	if err := db.Table("exhibitor_sectors es").Select("es.exhibitor_id, es.sector").
		Joins("JOIN exhibitors e ON e.id = es.exhibitor_id").
		Where("e.state = ?", string(expo.StateApproved)).Scan(&sectorRows).Error; err != nil {
		return nil, dbErr(err, "read sectors")
	}
	sectors := sortedSectors(sectorRows)
	boothRank := make(map[int64]int, len(boothOrder))
	for i, id := range boothOrder {
		boothRank[id] = i + 1
	}
	out := make([]expo.DirectoryListing, len(rows))
	for i, r := range rows {
		row := directoryRow{ID: r.ID, Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin, Country: r.Country,
			Languages: r.Languages, BoothCode: r.BoothCode, HallCode: r.HallCode}
		rank, ok := boothRank[r.ID]
		if !ok { // approved after the booth order was read
			rank = len(boothOrder) + 1 + i
		}
		out[i] = expo.DirectoryListing{DirectoryEntry: row.entry(sectors[r.ID]), SearchText: r.SearchText,
			NameRank: i + 1, BoothRank: rank}
	}
	return out, nil
}

// DirectoryProfile is the public profile of an approved exhibitor; any
// other slug (unknown, or a company not approved) is not found.
func (s *Store) DirectoryProfile(ctx context.Context, slug string) (expo.ExhibitorProfile, error) {
	db := s.r.WithContext(ctx)
	var rows []directoryRow
	if err := directoryBase(db).Where("e.slug = ?", slug).
		Select("e.id, e.slug, e.name, e.name_latin, e.country, e.languages, e.description, e.website, e.products, e.looking_for, " +
			"COALESCE(b.code, '') AS booth_code, COALESCE(h.code, '') AS hall_code, COALESCE(h.name, '') AS hall_name").
		Limit(1).Scan(&rows).Error; err != nil {
		return expo.ExhibitorProfile{}, dbErr(err, "read profile")
	}
	if len(rows) == 0 {
		return expo.ExhibitorProfile{}, expo.ErrNotFound
	}
	r := rows[0]
	sectors, err := sectorsOf(db, []int64{r.ID})
	if err != nil {
		return expo.ExhibitorProfile{}, dbErr(err, "read sectors")
	}
	return expo.ExhibitorProfile{DirectoryEntry: r.entry(sectors[r.ID]), Description: r.Description, Website: r.Website,
		Products: r.Products, LookingFor: r.LookingFor, HallName: r.HallName}, nil
}

// DirectoryCountries lists the countries of approved exhibitors with how
// many each has, for the directory's country filter.
func (s *Store) DirectoryCountries(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Country string
		N       int
	}
	if err := s.r.WithContext(ctx).Table("exhibitors").Select("country, COUNT(*) AS n").
		Where("state = ?", string(expo.StateApproved)).Group("country").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "count countries")
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Country] = r.N
	}
	return out, nil
}

// BoothCandidate is what booth assignment needs to know of an exhibitor.
type BoothCandidate struct {
	ID         int64
	Slug       string
	Name       string
	NameLatin  string
	Country    string
	State      expo.ExhibitorState
	BoothWish  expo.BoothWish
	RawSpaceM2 int
	Sectors    []string
}

// BoothCandidate reads an exhibitor (in any state) for booth assignment.
func (s *Store) BoothCandidate(ctx context.Context, id int64) (BoothCandidate, error) {
	db := s.r.WithContext(ctx)
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
	if err := db.Table("exhibitors").Select("id, slug, name, name_latin, country, state, booth_wish, raw_space_m2").
		Where("id = ?", id).Scan(&rows).Error; err != nil {
		return BoothCandidate{}, dbErr(err, "read exhibitor")
	}
	if len(rows) == 0 {
		return BoothCandidate{}, expo.ErrNotFound
	}
	r := rows[0]
	sectors, err := sectorsOf(db, []int64{id})
	if err != nil {
		return BoothCandidate{}, dbErr(err, "read sectors")
	}
	return BoothCandidate{ID: r.ID, Slug: r.Slug, Name: r.Name, NameLatin: r.NameLatin, Country: r.Country, State: expo.ExhibitorState(r.State),
		BoothWish: expo.BoothWish(r.BoothWish), RawSpaceM2: r.RawSpaceM2, Sectors: sectors[id]}, nil
}

// sortedSectors groups sector rows by exhibitor, each list in the
// canonical order of expo.SectorCodes.
func sortedSectors(rows []appSectorRow) map[int64][]string {
	out := map[int64][]string{}
	rank := make(map[string]int, len(expo.SectorCodes))
	for i, c := range expo.SectorCodes {
		rank[c] = i
	}
	for _, r := range rows {
		out[r.ExhibitorID] = append(out[r.ExhibitorID], r.Sector)
	}
	for _, list := range out {
		slices.SortStableFunc(list, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
	}
	return out
}
