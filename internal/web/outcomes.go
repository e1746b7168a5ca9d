package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// Outcomes: each side of a past meeting records what came of it at
// /my/meetings/:id/outcome; the organizer reads the totals at
// /organizer/matchmaking/results.

// outcomesBack is where the outcome page leads back to: My meetings.
const outcomesBack = "/my/meetings"

func outcomeInputOf(f pages.Form) expo.OutcomeInput {
	return expo.OutcomeInput{Attendance: f.Value("attendance"), FollowUp: f.Value("follow_up") == "on",
		LetterOfIntent: f.Value("letter_of_intent") == "on", Memorandum: f.Value("memorandum") == "on",
		DealValue: f.Value("deal_value"), Currency: f.Value("currency")}
}

func outcomeForm(o expo.Outcome) pages.Form {
	f := pages.Form{Values: url.Values{"attendance": {o.Attendance}, "currency": {o.Currency}}}
	if o.DealCents > 0 {
		f.Values["deal_value"] = []string{expo.FormatMoney(o.DealCents)}
	}
	for name, on := range map[string]bool{"follow_up": o.FollowUp, "letter_of_intent": o.LetterOfIntent, "memorandum": o.Memorandum} {
		if on {
			f.Values[name] = []string{"on"}
		}
	}
	return f
}

func currencyOptions() []pages.Option {
	out := make([]pages.Option, len(expo.Currencies))
	for i, c := range expo.Currencies {
		out[i] = pages.Option{Value: c, Label: c}
	}
	return out
}

func (s *Server) outcomeView(m store.OutcomeMeeting, f pages.Form) pages.OutcomeView {
	return pages.OutcomeView{Meeting: m, Form: f, Currencies: currencyOptions(), Back: outcomesBack,
		Open: m.Status == expo.MeetingAccepted && !time.Now().Before(m.End), TooEarly: m.Status == expo.MeetingAccepted && time.Now().Before(m.End)}
}

func (s *Server) handleOutcome(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c) // the same positive-integer :id rule
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	m, err := s.store.MeetingOutcome(ctx, id, u)
	if err != nil {
		return err
	}
	f := pages.Form{}
	if m.Recorded {
		f = outcomeForm(m.Outcome)
	}
	return s.render(c, http.StatusOK, pages.Outcome(s.page(c, i18n.T(ctx, "outcome.title")), s.outcomeView(m, f)))
}

func (s *Server) handleOutcomeSave(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.RecordOutcome(ctx, id, u, outcomeInputOf(f)); err != nil {
		e, ok := expo.AsError(err)
		if !ok || e.Code != expo.CodeInvalid {
			return err // not found, not yet, not accepted: the error page says which
		}
		status, _ := formError(&f, err)
		m, err := s.store.MeetingOutcome(ctx, id, u)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.Outcome(s.page(c, i18n.T(ctx, "outcome.title")), s.outcomeView(m, f)))
	}
	s.flash(c, "success", "outcome.saved")
	return redirect(c, "/my/meetings/"+itoa(id)+"/outcome")
}

func (s *Server) handleResults(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.store.MatchmakingTotals(ctx)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Results(s.page(c, i18n.T(ctx, "results.title")), pages.ResultsView{Totals: t, Generated: time.Now()}))
}
