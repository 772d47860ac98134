package rules

import (
	"fmt"

	"github.com/interviewbot/interviewbot/handlers"
)

// Panel limits, as the contract and the schema have them.
const (
	MaxCandidate        = handlers.MaxCandidateLabel // a candidate label
	MaxNote             = handlers.MaxScoreNote      // a scorecard's note on one question
	MaxScorecardSummary = handlers.MaxSummary        // a scorecard's summary
)

// checkPanel reports why k's panel fields cannot be stored, or nil.
func checkPanel(k handlers.Kit) error {
	seen := make(map[string]bool, len(k.Panel))
	for _, id := range k.Panel {
		if err := required(field{"panel member", id}); err != nil {
			return err
		}
		if seen[id] {
			return fmt.Errorf("panel member: %q appears twice", id)
		}
		seen[id] = true
	}
	if err := storable(field{"zone", k.Zone}); err != nil {
		return err
	}
	return text("candidate label", k.Candidate, 0, MaxCandidate)
}

// CheckScorecard reports why sc cannot be stored, or nil.
func CheckScorecard(sc handlers.Scorecard) error {
	if err := required(
		field{"team id", sc.TeamID},
		field{"kit id", sc.KitID},
		field{"user id", sc.UserID},
	); err != nil {
		return err
	}
	if !handlers.ValidOverall(sc.Overall) {
		return fmt.Errorf("overall: %q, must be strong_no, no, yes or strong_yes", sc.Overall)
	}
	if err := text("summary", sc.Summary, 0, MaxScorecardSummary); err != nil {
		return err
	}
	seen := make(map[string]bool, len(sc.Answers))
	for _, a := range sc.Answers {
		if err := required(field{"answer question id", a.QuestionID}); err != nil {
			return err
		}
		if seen[a.QuestionID] {
			return fmt.Errorf("answer question id: %q appears twice", a.QuestionID)
		}
		seen[a.QuestionID] = true
		if a.Score < 0 || a.Score > 4 {
			return fmt.Errorf("score: %d, must be 1 to 4 (0: not asked)", a.Score)
		}
		if err := text("note", a.Note, 0, MaxNote); err != nil {
			return err
		}
		if a.Score == 0 && a.Note == "" {
			return fmt.Errorf("answer to %q: neither a score nor a note", a.QuestionID)
		}
	}
	return nil
}

// CheckReminder reports why r cannot be claimed or recorded, or nil.
func CheckReminder(r handlers.Reminder) error {
	if r.N < 1 || r.N > 3 {
		return fmt.Errorf("reminder number: %d, must be 1 to 3", r.N)
	}
	return required(field{"kit id", r.KitID}, field{"user id", r.UserID})
}
