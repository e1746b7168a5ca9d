package pages

import "time"

// AuditView is the organizer's audit log: a filter form, one page of events
// newest first, and the pager.
type AuditView struct {
	Form     Form     // the filter as given, with errors of bad values
	Actions  []Option // every action, translated
	Items    []AuditItem
	Total    int64
	Pager    Pager
	Filtered bool
}

// AuditItem is one event as the log shows it; texts are translated.
type AuditItem struct {
	At        time.Time
	Actor     string // the actor's e-mail at the time ("" for the command line)
	Code      string // the action's code, e.g. "booth.assign"
	Action    string
	Summary   string
	Detail    string // a reason or company, shown under the summary
	Link      string // the subject's page, if it has one
	IP        string
	RequestID string
}

func auditTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05")
}
