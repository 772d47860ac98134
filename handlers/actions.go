package handlers

import "strings"

// Interactive ids: part of the product contract (commands.md); tests and
// dashboards rely on them. An action_id may carry a ":suffix" so that ids
// stay unique within a block; the part before the first colon is the id.
const (
	ActionRateUp       = "rate_up"
	ActionRateDown     = "rate_down"
	ActionFeedbackOpen = "feedback_open"
	ActionShareList    = "share_list"
	ActionShowCategory = "show_category"
	// ActionShowGuidance shows what a strong answer covers, ephemerally,
	// to whoever asks: a button on practice and daily posts, a menu on
	// question lists.
	ActionShowGuidance = "show_guidance"
	CallbackFeedback   = "feedback_submit"
)

// Block and action ids inside the feedback modal.
const (
	blockRating  = "rating"
	actionRating = "stars"
	blockNotes   = "notes"
	actionNotes  = "notes"
)

// ActionBase returns the contract id of an action_id: the part before the
// first colon.
func ActionBase(actionID string) string {
	base, _, _ := strings.Cut(actionID, ":")
	return base
}
