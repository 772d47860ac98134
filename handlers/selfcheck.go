package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
)

// Interactive ids of private practice (commands.md).
const (
	ActionSelfCheckOpen   = "selfcheck_open"
	ActionPractisePrivate = "practice_private"
	ActionForgetConfirm   = "forget_confirm"
	CallbackSelfCheck     = "selfcheck_submit"
)

// Block and action ids inside the self-check modal. blockCovered is part of
// the contract: a checkboxes input whose option values are the guidance
// points' positions, 0 first.
const (
	blockCovered  = "covered"
	actionCovered = "covered"
	// blockHow asks "how did it go" about a question without guidance.
	blockHow     = "how"
	actionHow    = "how"
	blockNote    = "note"
	actionNote   = "note"
	maxCheckNote = MaxNotes
)

// howScores maps the answers to "how did it go" to the score the review
// intervals use: well is strong, partly is middling, not yet is weak.
var howScores = map[string]int{"2": 100, "1": 70, "0": 30}

// selfCheckMeta travels in the modal's private_metadata: the question and
// how many points the modal offered, so that a form opened before the
// question's guidance changed is not scored against the new list.
type selfCheckMeta struct {
	Question string `json:"q"`
	Points   int    `json:"n"`
}

// selfCheckPoints is the guidance a self-check offers: at most as many
// points as Slack shows checkboxes.
func selfCheckPoints(q questions.Question) []string {
	return q.Guidance[:min(len(q.Guidance), MaxSelfCheckPoints)]
}

func (p *privatePractice) openSelfCheck(ctx context.Context, a Action) (Reply, error) {
	q, err := p.question(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage("That question no longer exists, so there is nothing to check.")), nil
	case err != nil:
		return failure("I can't open the self-check: " + notSaved), fmt.Errorf("open self-check: %w", err)
	}
	meta, err := json.Marshal(selfCheckMeta{Question: string(q.ID), Points: len(selfCheckPoints(q))})
	if err != nil {
		return failure("I couldn't open the self-check."), fmt.Errorf("encode self-check metadata: %w", err)
	}
	r, _ := p.roleNow(a.TeamID, q.Role) // the modal must open fast; the question was just read
	if err := p.slack.OpenView(ctx, a.TriggerID, renderSelfCheckModal(q, categoryTitleIn(r, q), string(meta))); err != nil {
		return failure("I couldn't open the self-check in time; please press ✅ Check my answer again."), fmt.Errorf("open self-check modal: %w", err)
	}
	return Reply{}, nil
}

// errorsOn keeps the modal open with text under one input.
func errorsOn(block, text string) Reply {
	return Reply{Errors: map[string]string{block: text}}
}

func (p *privatePractice) submitSelfCheck(ctx context.Context, s Submission) (Reply, error) {
	var meta selfCheckMeta
	if err := json.Unmarshal([]byte(s.PrivateMetadata), &meta); err != nil || meta.Question == "" {
		return errorsOn(blockNote, "This form has expired; close it and press ✅ Check my answer again."),
			fmt.Errorf("self-check submission with unreadable metadata: %v", err)
	}
	note := strings.TrimSpace(s.Values[blockNote][actionNote])
	if problem := checkNote(note); problem != "" {
		return errorsOn(blockNote, problem), nil
	}
	q, err := p.question(ctx, s.TeamID, meta.Question)
	switch {
	case errors.Is(err, ErrNotFound):
		return errorsOn(blockNote, "That question no longer exists, so the check can't be saved."), nil
	case err != nil:
		return errorsOn(blockNote, "NOT saved: "+notSaved+" Your answers stay here; press Save again."), fmt.Errorf("submit self-check: %w", err)
	}
	points := selfCheckPoints(q)
	c := SelfCheck{
		TeamID: s.TeamID, UserID: s.UserID, QuestionID: string(q.ID),
		Role: q.Role, Category: q.Category, Total: len(points), Note: note, At: p.now(),
	}
	var covered []int
	if len(points) != meta.Points {
		return errorsOn(blockNote, "This question's checklist changed since you opened the form; close it and press ✅ Check my answer again."), nil
	}
	if len(points) == 0 {
		score, ok := howScores[s.Values[blockHow][actionHow]]
		if !ok {
			return errorsOn(blockHow, "Choose how it went."), nil
		}
		c.Score = score
	} else {
		covered, err = coveredPoints(s.Selected[blockCovered][actionCovered], len(points))
		if err != nil {
			return errorsOn(blockCovered, "This form has expired; close it and press ✅ Check my answer again."), nil
		}
		c.Covered = len(covered)
		c.Score = 100 * c.Covered / c.Total
	}
	if err := p.store.SaveSelfCheck(ctx, c); err != nil {
		return errorsOn(blockNote, "NOT saved: "+notSaved+" Your answers stay here; press Save again."), fmt.Errorf("save self-check: %w", err)
	}
	loc := userLocation(ctx, p.slack, p.log, s.UserID)
	state := questionStates(PracticeHistory{Checks: []SelfCheck{c}}, loc)[c.QuestionID]
	if hist, err := p.store.PracticeHistory(ctx, s.TeamID, s.UserID); err == nil {
		state = questionStates(hist, loc)[c.QuestionID]
	}
	m := renderSelfCheckResult(q, c, covered, state.dueDate())
	m.Channel = s.UserID
	if _, err := p.slack.PostMessage(ctx, m); err != nil {
		// The check is saved; only its summary did not reach the DM.
		return Reply{}, fmt.Errorf("send self-check result: %w", err)
	}
	return Reply{}, nil
}

// checkNote says what is wrong with a note to self, or "".
func checkNote(note string) string {
	switch {
	case !utf8.ValidString(note):
		return "The note contains characters I can't store; please retype it."
	case strings.ContainsRune(note, 0):
		return "The note contains a NUL character; please remove it."
	}
	if n := utf8.RuneCountInString(note); n > maxCheckNote {
		return fmt.Sprintf("A note can be at most %d characters; this one has %d.", maxCheckNote, n)
	}
	return ""
}

// coveredPoints reads the ticked checkboxes: distinct positions below n,
// in order.
func coveredPoints(values []string, n int) ([]int, error) {
	var out []int
	for _, v := range values {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= n || strconv.Itoa(i) != v {
			return nil, fmt.Errorf("checkbox value %q is not a point of %d", Truncate(v, 20), n)
		}
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out, nil
}
