package pages

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"expo/internal/expo"
	"expo/web/i18n"
)

// View models of the exhibitor application side: applying, the exhibitor's
// own pages, the team, notifications and the organizer's review.

// ApplyView is the public application form.
type ApplyView struct {
	Form Form
	// LoggedIn is set when a logged-in user opens the form: applying makes
	// a new account, so they are asked to log out first.
	LoggedIn bool
}

// ExhibitorHomeView is the exhibitor's dashboard.
type ExhibitorHomeView struct {
	Company       expo.Exhibitor
	History       []expo.ExhibitorEvent
	Notifications []expo.Notification
	IsOwner       bool
	CanSubmit     bool
	CanWithdraw   bool
	HasLogo       bool
	Booth         string // booth code, "" while none is assigned
	Withdraw      Form
}

// ProfileView is the owner's profile editor with the logo upload.
type ProfileView struct {
	Company expo.Exhibitor
	Form    Form
	Logo    Form
	HasLogo bool
}

// TeamView lists the people of a company and its invitation links.
type TeamView struct {
	Company expo.Exhibitor
	Members []expo.User
	OwnerID int64
	IsOwner bool
	Invites []InviteLine
	// NewLink is an invitation link just made, shown once.
	NewLink        string
	NewLinkExpires time.Time
}

// InviteLine is one invitation as its company's owner sees it.
type InviteLine struct {
	ID        int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	UsedBy    string
	Expired   bool
}

// InviteView is the page an invitation link opens.
type InviteView struct {
	Company expo.Exhibitor
	Token   string
	Form    Form
	// Viewer's role decides what the page offers: attendees join with their
	// account, anonymous visitors make one; others cannot join.
	ViewerRole expo.Role
	LoggedIn   bool
}

// NotificationsView lists a user's notifications.
type NotificationsView struct {
	Items  []expo.Notification
	Unread int64
	// Older links to the next page of older notifications, if any; Newer
	// says this is not the first page.
	Older string
	Newer bool
}

// ReviewFilterView is the review queue's filter as submitted.
type ReviewFilterView struct {
	State, Country, Sector, BoothWish string
}

// Query is the filter as URL parameters, with state replaced and page set.
func (f ReviewFilterView) Query(state string, page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"state": state, "country": f.Country, "sector": f.Sector, "booth_wish": f.BoothWish} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return PagedURL("/organizer/exhibitors", q, page)
}

// ReviewQueueView is the organizer's review queue.
type ReviewQueueView struct {
	Filter  ReviewFilterView
	Items   []expo.Exhibitor
	Total   int64
	Counts  map[expo.ExhibitorState]int64
	Page    int
	Pages   int
	PerPage int
	Bulk    Form
	Results []BulkLine
}

// AllCount is the number of applications under the filter in any state.
func (v ReviewQueueView) AllCount() int64 {
	var n int64
	for _, c := range v.Counts {
		n += c
	}
	return n
}

// BulkLine is the outcome of one item of a bulk action.
type BulkLine struct {
	ID      int64
	Name    string
	OK      bool
	Message string // translation ID when not OK
}

// ReviewDetailView is one application as the organizer reviews it.
type ReviewDetailView struct {
	Company expo.Exhibitor
	History []expo.ExhibitorEvent
	Members []expo.User
	Next    []expo.ExhibitorState
	HasLogo bool
	Booth   string
	// BoothLink is the booth assignment page, when that feature is there.
	BoothLink string
	Form      Form
	// NewLink is an owner invitation just made for a company without an
	// owner, shown once.
	NewLink        string
	NewLinkExpires time.Time
}

// ImportView is the CSV import page: upload, dry-run report, or the
// progress of a running import.
type ImportView struct {
	Form     Form
	Problems []ImportProblemLine
	Rows     int
	// CheckID names a successful dry run kept for the real import.
	CheckID string
	State   string
	Job     *ImportJobView
}

// ImportProblemLine is one problem of a dry run.
type ImportProblemLine struct {
	Line    int
	Column  string
	Message string // translation ID
	Data    map[string]any
}

// ImportJobView is the progress of an import running in the background.
type ImportJobView struct {
	ID      string
	Done    int
	Total   int
	Status  string // "running", "done" or "failed"
	Message string // translation ID of a failure
}

// Percent is how far the import is, 0–100.
func (j ImportJobView) Percent() int {
	if j.Total == 0 {
		return 0
	}
	return j.Done * 100 / j.Total
}

// StateLabel is the translated name of an application state.
func StateLabel(ctx context.Context, s expo.ExhibitorState) string {
	return i18n.T(ctx, "exhibitor.state."+string(s))
}

// WishLabel describes a booth wish with its size.
func WishLabel(ctx context.Context, e expo.Exhibitor) string {
	if e.BoothWish == expo.BoothRaw {
		return i18n.T(ctx, "exhibitor.wish.raw_size", map[string]any{"M2": e.RawSpaceM2})
	}
	return i18n.T(ctx, "exhibitor.wish."+string(e.BoothWish))
}

func sectorNames(ctx context.Context, codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += ", "
		}
		out += i18n.SectorName(ctx, c)
	}
	return out
}

// StateOptions lists the application states for a filter.
func StateOptions(ctx context.Context) []Option {
	opts := make([]Option, len(expo.ExhibitorStates))
	for i, s := range expo.ExhibitorStates {
		opts[i] = Option{Value: string(s), Label: StateLabel(ctx, s)}
	}
	return opts
}

// WishOptions lists the booth wishes.
func WishOptions(ctx context.Context) []Option {
	opts := make([]Option, len(expo.BoothWishes))
	for i, w := range expo.BoothWishes {
		opts[i] = Option{Value: w, Label: i18n.T(ctx, "exhibitor.wish."+w)}
	}
	return opts
}

// logoURL is where a company's logo is served.
func logoURL(e expo.Exhibitor) string {
	return "/logos/" + strconv.FormatInt(e.ID, 10)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// initial is the first letter of a name, for a logo placeholder.
func initial(name string) string {
	for _, r := range name {
		return string(r)
	}
	return "?"
}

// navIn reports whether path is section or a page below it, for the
// current nav item.
func navIn(path, section string) bool {
	return path == section || (len(path) > len(section) && path[:len(section)+1] == section+"/")
}
