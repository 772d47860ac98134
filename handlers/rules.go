package handlers

import (
	"strconv"
	"strings"

	"github.com/interviewbot/interviewbot/questions"
)

// The product's limits, in characters (Unicode code points, as Postgres'
// char_length counts them). storage and memstore check the same constants
// before writing, and the CHECK constraints in storage/migrations mirror
// them; a storage test ties the two. What a question itself may hold
// (questions.MaxText and the guidance counts) lives with the bank.
const (
	// MaxNotes is the longest feedback note, as the contract says.
	MaxNotes = 3000
	// MaxKitQuestions bounds a kit: one parent and its replies stay
	// readable, and a panel can't get through more in one interview anyway.
	MaxKitQuestions = 20
)

// teamQuestionPrefix starts every team question id; the number after it is
// the store's row id, so ids are never reused.
const teamQuestionPrefix = "team-"

// TeamQuestionID formats the id users see for team question n.
func TeamQuestionID(n int64) string {
	return teamQuestionPrefix + strconv.FormatInt(n, 10)
}

// ParseTeamQuestionID returns the n of a canonical "team-<n>" id. Anything
// else (other spellings, leading zeros, signs, overflow) is not an id a
// store ever issued.
func ParseTeamQuestionID(id string) (int64, bool) {
	digits, ok := strings.CutPrefix(id, teamQuestionPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != digits {
		return 0, false
	}
	return n, true
}

// isTeamQuestion says whether id names a team question rather than a
// built-in one.
func isTeamQuestion(id questions.ID) bool {
	return strings.HasPrefix(string(id), teamQuestionPrefix)
}
