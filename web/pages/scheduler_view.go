package pages

import "time"

// SchedulerView is the organizer's auto-scheduler page: empty before a run,
// a preview after it, and the commit's result once committed.
type SchedulerView struct {
	ID                                      string // preview id; empty before a run
	Wishes, Placed, Unplaced, Bound, Weight int
	Days                                    []SchedDay
	Rows                                    []SchedRow // unplaced wishes, this page
	Pager                                   Pager
	Result                                  *SchedResultView
	Form                                    Form
}

// SchedDay counts placed meetings on one day.
type SchedDay struct {
	Day   time.Time // midnight in the expo time zone
	Count int
}

// SchedRow is a wish that was not placed (or a meeting skipped at commit).
type SchedRow struct {
	Attendee, Exhibitor, Slug string
	Reason                    string // message ID
	Data                      map[string]any
}

// SchedResultView is what a commit did.
type SchedResultView struct {
	Committed int
	Skipped   []SchedRow
}

// WishView is an attendee's "I want to meet them" form for one exhibitor.
type WishView struct {
	Slug, Name string
	Weight     int // 0: no wish yet
	Form       Form
}

// MyWishesView lists one side's wishes; exhibitors also search attendees.
type MyWishesView struct {
	Exhibitor bool
	Items     []WishItem
	Query     string
	Searched  bool
	Found     []WishCandidate
	Form      Form
}

// WishItem is one wish; Other is the other party's id (exhibitor or attendee).
type WishItem struct {
	Name, Detail, Link string
	Weight             int
	Other              int64
}

// WishCandidate is an attendee found by an exhibitor's search.
type WishCandidate struct {
	ID               int64
	Name, Email, Org string
}
