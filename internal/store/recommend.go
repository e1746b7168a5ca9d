package store

import (
	"context"

	"expo/internal/expo"
)

// Recommendations: the candidates of each side loaded in a few queries and
// ranked by expo.RecommendExhibitors / expo.RecommendAttendees.

// MaxAttendeeCandidates caps the attendees ranked for an exhibitor: the
// most recently registered ones who stated interests or languages.
const MaxAttendeeCandidates = 5000

// RecommendedExhibitor is a ranked exhibitor with what the list shows.
type RecommendedExhibitor struct {
	expo.Recommendation
	Slug      string
	NameLatin string
	Country   string
	Sectors   []string
}

// RecommendedAttendee is a ranked attendee with what the list shows.
type RecommendedAttendee struct {
	expo.Recommendation
	Organization string
	JobTitle     string
	Country      string
	Languages    []string
}

// RecommendExhibitors ranks the approved exhibitors for the attendee and
// returns the page [offset, offset+limit) and the number ranked. Two
// queries: the exhibitors, then all their sectors.
func (s *Store) RecommendExhibitors(ctx context.Context, attendee expo.User, offset, limit int) ([]RecommendedExhibitor, int, error) {
	db := s.r.WithContext(ctx)
	var rows []struct {
		ID         int64
		Slug       string
		Name       string
		NameLatin  string
		Country    string
		Languages  string
		LookingFor string
	}
	if err := db.Table("exhibitors").Select("id, slug, name, name_latin, country, languages, looking_for").
		Where("state = ?", string(expo.StateApproved)).Scan(&rows).Error; err != nil {
		return nil, 0, dbErr(err, "load exhibitor candidates")
	}
	var sectors []struct {
		ExhibitorID int64
		Sector      string
	}
	if err := db.Table("exhibitor_sectors es").Select("es.exhibitor_id, es.sector").
		Joins("JOIN exhibitors e ON e.id = es.exhibitor_id AND e.state = ?", string(expo.StateApproved)).
		Scan(&sectors).Error; err != nil {
		return nil, 0, dbErr(err, "load exhibitor sectors")
	}
	bySector := map[int64][]string{}
	for _, r := range sectors {
		bySector[r.ExhibitorID] = append(bySector[r.ExhibitorID], r.Sector)
	}
	profiles := make([]expo.MatchProfile, 0, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		if attendee.ExhibitorID != nil && *attendee.ExhibitorID == r.ID {
			continue
		}
		at[r.ID] = i
		profiles = append(profiles, expo.MatchProfile{ID: r.ID, Name: r.NameLatin + " " + r.Name, Country: r.Country,
			Sectors: canonicalSectors(bySector[r.ID]), Languages: splitList(r.Languages), LookingFor: r.LookingFor})
	}
	ranked := expo.RecommendExhibitors(attendeeProfile(attendee), profiles)
	page := pageOf(ranked, offset, limit)
	out := make([]RecommendedExhibitor, len(page))
	for i, rec := range page {
		r := rows[at[rec.ID]]
		rec.Name = r.Name
		out[i] = RecommendedExhibitor{Recommendation: rec, Slug: r.Slug, NameLatin: r.NameLatin, Country: r.Country,
			Sectors: canonicalSectors(bySector[r.ID])}
	}
	return out, len(ranked), nil
}

// RecommendAttendees ranks attendees for the exhibitor and returns the page
// and the number ranked. Two queries: the exhibitor with its sectors, then
// up to MaxAttendeeCandidates attendees who stated interests or languages.
func (s *Store) RecommendAttendees(ctx context.Context, exhibitorID int64, offset, limit int) ([]RecommendedAttendee, int, error) {
	db := s.r.WithContext(ctx)
	ex, err := s.Application(ctx, exhibitorID)
	if err != nil {
		return nil, 0, err
	}
	var rows []userRow
	if err := db.Select("id, name, organization, country, job_title, languages, interests").
		Where("role = ? AND (interests <> '' OR languages <> '')", string(expo.RoleAttendee)).
		Order("id DESC").Limit(MaxAttendeeCandidates).Find(&rows).Error; err != nil {
		return nil, 0, dbErr(err, "load attendee candidates")
	}
	profiles := make([]expo.MatchProfile, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		at[r.ID] = i
		profiles[i] = attendeeProfile(r.user())
	}
	ranked := expo.RecommendAttendees(expo.MatchProfile{ID: ex.ID, Name: ex.Name, Country: ex.Country, Sectors: ex.Sectors,
		Languages: ex.Languages, LookingFor: ex.LookingFor}, profiles)
	page := pageOf(ranked, offset, limit)
	out := make([]RecommendedAttendee, len(page))
	for i, rec := range page {
		r := rows[at[rec.ID]]
		out[i] = RecommendedAttendee{Recommendation: rec, Organization: r.Organization, JobTitle: r.JobTitle,
			Country: r.Country, Languages: splitList(r.Languages)}
	}
	return out, len(ranked), nil
}

func attendeeProfile(u expo.User) expo.MatchProfile {
	return expo.MatchProfile{ID: u.ID, Name: u.Name, Country: u.Country, Sectors: u.Interests, Languages: u.Languages,
		Organization: u.Organization, JobTitle: u.JobTitle}
}

// canonicalSectors orders sectors as expo.SectorCodes does, so reasons
// read the same on every request.
func canonicalSectors(in []string) []string {
	out := make([]string, 0, len(in))
	for _, c := range expo.SectorCodes {
		for _, s := range in {
			if s == c {
				out = append(out, c)
			}
		}
	}
	return out
}

func pageOf[T any](all []T, offset, limit int) []T {
	if offset < 0 {
		offset = 0
	}
	if offset >= len(all) {
		return nil
	}
	return all[offset:min(len(all), offset+limit)]
}
