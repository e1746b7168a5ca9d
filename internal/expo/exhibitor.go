package expo

import "time"

// ExhibitorState is where an exhibitor's application stands.
type ExhibitorState string

const (
	StateDraft      ExhibitorState = "draft"
	StateSubmitted  ExhibitorState = "submitted"
	StateApproved   ExhibitorState = "approved"
	StateRejected   ExhibitorState = "rejected"
	StateWaitlisted ExhibitorState = "waitlisted"
	StateWithdrawn  ExhibitorState = "withdrawn"
)

// ExhibitorStates lists every state in display order.
var ExhibitorStates = []ExhibitorState{StateDraft, StateSubmitted, StateApproved, StateRejected, StateWaitlisted, StateWithdrawn}

// BoothWish is the kind of booth an applicant asks for.
type BoothWish string

const (
	BoothStandard BoothWish = "standard" // 9 m²
	BoothDouble   BoothWish = "double"   // 18 m²
	BoothRaw      BoothWish = "raw"      // raw space, RawSpaceM2 m²
)

// Exhibitor is an exhibiting company and its application.
type Exhibitor struct {
	ID           int64
	Slug         string
	Name         string // in the company's own script
	NameLatin    string // in Latin letters
	Country      string // ISO 3166-1 alpha-2
	Sectors      []string
	Description  string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	BoothWish    BoothWish
	RawSpaceM2   int
	Products     string
	LookingFor   string
	Languages    []string
	State        ExhibitorState
	OwnerID      *int64
	SubmittedAt  *time.Time
	UpdatedAt    time.Time
	CreatedAt    time.Time
}

// ExhibitorEvent is one logged state change of an application.
type ExhibitorEvent struct {
	ID        int64
	From, To  ExhibitorState
	ActorID   *int64
	ActorName string
	Reason    string
	CreatedAt time.Time
}

// Booth is a stand on a hall's grid; ExhibitorID is nil while it is free.
type Booth struct {
	ID          int64
	HallID      int64
	Code        string // e.g. "A-101"
	Kind        BoothWish
	SizeM2      int
	X, Y, W, H  int // grid cells
	ExhibitorID *int64
}

// Notification is an in-app message to one user. Message is a translation ID
// and Params fill its placeholders.
type Notification struct {
	ID        int64
	Message   string
	Params    map[string]any
	Link      string
	CreatedAt time.Time
	ReadAt    *time.Time
}
