package handlers

import (
	"errors"
	"time"
)

// Scorecard limits, from the contract. MaxPanel and MaxCandidateLabel
// live with the grammar that enforces them first.
const (
	MaxScoreNote = 1000 // a scorecard's note on one question
	MaxSummary   = 3000 // a scorecard's summary
)

// ErrKitClosed: the kit is closed (or deleted), so its scorecards are
// locked. Stores return it from SaveScorecard.
var ErrKitClosed = errors.New("kit closed")

// The overall recommendations, as the scorecard modal's option values.
const (
	OverallStrongNo  = "strong_no"
	OverallNo        = "no"
	OverallYes       = "yes"
	OverallStrongYes = "strong_yes"
)

// ValidOverall says whether s is one of the four recommendations.
func ValidOverall(s string) bool {
	switch s {
	case OverallStrongNo, OverallNo, OverallYes, OverallStrongYes:
		return true
	}
	return false
}

// Scorecard is one person's private judgement of the candidate of a kit.
// Its scores, notes and summary never go to a channel, a log or a metric.
type Scorecard struct {
	TeamID  string
	KitID   string
	UserID  string
	Overall string // OverallStrongNo … OverallStrongYes
	Summary string
	// Answers holds the questions scored or noted; a question not asked
	// is absent.
	Answers     []ScorecardAnswer
	SubmittedAt time.Time
}

// ScorecardAnswer is a score (1 strong no, 2 no, 3 yes, 4 strong yes; 0
// not scored) and a note on one question of the kit.
type ScorecardAnswer struct {
	QuestionID string
	Score      int
	Note       string
}

// Reminder names the nth (1 to 3) scorecard reminder to one panel member.
type Reminder struct {
	KitID  string
	UserID string
	N      int
}
