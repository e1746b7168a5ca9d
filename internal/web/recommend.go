package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// Recommendations: for an attendee, exhibitors ranked by fit; for an
// exhibitor, attendees. The ranking is expo.RecommendExhibitors /
// RecommendAttendees; this file puts its reasons into words.

const recommendPageSize = 20

// errRecommendRole: organizers have no recommendations of their own.
var errRecommendRole = expo.Errorf(expo.CodeForbidden, "recommend.error.role")

// reasonText writes one reason in the reader's language, its codes turned
// into names.
func reasonText(ctx context.Context, r expo.Reason) string {
	data := map[string]any{}
	for k, v := range r.Params {
		data[k] = v
	}
	if s, ok := r.Params["Sector"].(string); ok {
		data["Sector"] = i18n.SectorName(ctx, s)
	}
	if l, ok := r.Params["Language"].(string); ok {
		data["Language"] = pages.ShortLanguageName(ctx, l)
	}
	if c, ok := r.Params["Country"].(string); ok {
		data["Country"] = i18n.CountryName(ctx, c)
	}
	return i18n.T(ctx, r.ID, data)
}

// reasonsText joins a recommendation's reasons: "both in new energy; both
// speak Russian".
func reasonsText(ctx context.Context, rs []expo.Reason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = reasonText(ctx, r)
	}
	sep := "; "
	if i18n.Lang(ctx) == "zh" {
		sep = "；"
	}
	return strings.Join(parts, sep)
}

func (s *Server) handleRecommendations(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	page, err := pageParam(c, 0)
	if err != nil {
		return err
	}
	offset := (page - 1) * recommendPageSize
	v := pages.RecommendView{}
	var total int
	switch u.Role {
	case expo.RoleAttendee:
		recs, n, err := s.store.RecommendExhibitors(ctx, u, offset, recommendPageSize)
		if err != nil {
			return err
		}
		total = n
		v.NeedProfile = len(u.Interests) == 0 && len(u.Languages) == 0
		v.ActionLabel = "recommend.request"
		for _, r := range recs {
			v.Items = append(v.Items, exhibitorItem(ctx, r))
		}
	case expo.RoleExhibitor:
		if u.ExhibitorID == nil {
			return errRecommendRole
		}
		recs, n, err := s.store.RecommendAttendees(ctx, *u.ExhibitorID, offset, recommendPageSize)
		if err != nil {
			return err
		}
		total = n
		v.ForExhibitor = true
		for _, r := range recs {
			v.Items = append(v.Items, attendeeItem(ctx, r))
		}
	default:
		return errRecommendRole
	}
	v.Total = total
	v.Pager = pages.PlanPager{Page: page, Pages: (total + recommendPageSize - 1) / recommendPageSize, Base: "/my/recommendations?"}
	title := "recommend.title.attendee"
	if v.ForExhibitor {
		title = "recommend.title.exhibitor"
	}
	return s.render(c, http.StatusOK, pages.Recommendations(s.page(c, i18n.T(ctx, title)), v))
}

func exhibitorItem(ctx context.Context, r store.RecommendedExhibitor) pages.RecommendItem {
	return pages.RecommendItem{Name: r.Name, NameLatin: r.NameLatin, Href: "/exhibitors/" + r.Slug,
		Action: "/exhibitors/" + r.Slug + "/meet", Detail: i18n.CountryName(ctx, r.Country),
		Sectors: r.Sectors, Reasons: reasonsText(ctx, r.Reasons), Score: r.Score}
}

// attendeeItem has no action link: the matchmaking core's invitation
// (/exhibitor/meetings#invite) takes the attendee's e-mail, which
// recommendations do not show.
func attendeeItem(ctx context.Context, r store.RecommendedAttendee) pages.RecommendItem {
	var detail []string
	for _, d := range []string{r.Organization, r.JobTitle} {
		if d != "" {
			detail = append(detail, d)
		}
	}
	if r.Country != "" {
		detail = append(detail, i18n.CountryName(ctx, r.Country))
	}
	return pages.RecommendItem{Name: r.Name, Detail: strings.Join(detail, " · "), Reasons: reasonsText(ctx, r.Reasons), Score: r.Score}
}
