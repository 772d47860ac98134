package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// notSaved is what a user hears when the store failed: the one thing they
// must know is that their input is not kept.
const notSaved = "I can't reach my database right now. Please try again in a minute."

// PostedQuestion names one question in one message the bot posted: what a
// vote or a rating is about.
type PostedQuestion struct {
	TeamID     string
	ChannelID  string
	MessageTS  string
	QuestionID string
}

// feedbackStore keeps votes and ratings and sums them up.
type feedbackStore interface {
	// WasPosted reports whether the bot posted p.QuestionID in message
	// p.MessageTS of p.ChannelID: a practice or daily post, or a kit's
	// reply. A click's payload names all three, and only this check ties
	// them to a real post.
	WasPosted(ctx context.Context, p PostedQuestion) (bool, error)
	// SaveVote inserts or replaces the vote of (user, question, message),
	// or withdraws it when it equals the stored one, and returns the
	// message's tally for that question afterwards.
	SaveVote(ctx context.Context, v Vote) (Tally, error)
	// SaveRating inserts or replaces the rating of (user, question, message).
	SaveRating(ctx context.Context, r Rating) error
	// UserRating returns userID's rating of the posted question, or
	// ErrNotFound.
	UserRating(ctx context.Context, p PostedQuestion, userID string) (Rating, error)
	// Feedback aggregates the team's votes and ratings per question.
	Feedback(ctx context.Context, teamID string) ([]QuestionFeedback, error)
}

// feedbackSlack is what feedback needs from Slack: the rating modal and a
// private confirmation once it is saved.
type feedbackSlack interface {
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	PostEphemeral(ctx context.Context, userID string, m Message) error
}

// feedback records votes and ratings on posted questions and summarises
// what the team thought of them.
type feedback struct {
	catalog
	store feedbackStore
	slack feedbackSlack
}

func (f *feedback) vote(ctx context.Context, a Action, value int) (Reply, error) {
	q, err := f.question(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage("That question no longer exists, so there is nothing to vote on.")), nil
	case err != nil:
		return failure("Your vote was NOT saved: " + notSaved), fmt.Errorf("vote: %w", err)
	}
	switch posted, err := f.posted(ctx, a.TeamID, a.ChannelID, a.MessageTS, q.ID); {
	case err != nil:
		return failure("Your vote was NOT saved: " + notSaved), fmt.Errorf("vote: %w", err)
	case !posted:
		return reply(textMessage(notPosted + " so there is nothing to vote on.")), nil
	}
	tally, err := f.store.SaveVote(ctx, Vote{
		TeamID: a.TeamID, UserID: a.UserID, QuestionID: string(q.ID),
		ChannelID: a.ChannelID, MessageTS: a.MessageTS, Value: value,
	})
	if err != nil {
		return failure("Your vote was NOT saved: " + notSaved), fmt.Errorf("save vote: %w", err)
	}
	return reply(textMessage(voteAnswer(value, tally))), nil
}

// voteAnswer tells the voter what their click did: a click saves, switches
// or, on the button of their current vote, withdraws.
func voteAnswer(clicked int, t Tally) string {
	counts := fmt.Sprintf("It now has %d 👍 and %d 👎 here.", t.Up, t.Down)
	button := "👍"
	if clicked < 0 {
		button = "👎"
	}
	switch {
	case t.Mine == 0:
		return fmt.Sprintf("↩️ Withdrawn: your %s on this question is removed. %s", button, counts)
	case t.Mine > 0:
		return fmt.Sprintf("👍 Saved: you found this question useful. %s Click 👍 again to withdraw it; your vote never counts twice.", counts)
	default:
		return fmt.Sprintf("👎 Saved: you found this question not useful. %s Click 👎 again to withdraw it; your vote never counts twice.", counts)
	}
}

// notPosted answers a click whose payload names a question the bot did not
// post in that message: an old message after a bank change, or a forged
// payload. Either way nothing is stored.
const notPosted = "I didn't post that question in this message,"

// posted reports whether the bot posted question id in message ts of
// channel. A click without a message (an ephemeral answer, a modal) has
// nothing to check against, so it is not.
func (f *feedback) posted(ctx context.Context, teamID, channel, ts string, id questions.ID) (bool, error) {
	if channel == "" || ts == "" {
		return false, nil
	}
	ok, err := f.store.WasPosted(ctx, PostedQuestion{TeamID: teamID, ChannelID: channel, MessageTS: ts, QuestionID: string(id)})
	if err != nil {
		return false, fmt.Errorf("check the post: %w", err)
	}
	return ok, nil
}

// feedbackMeta travels in the modal's private_metadata, because a
// view_submission carries neither the channel nor the message.
type feedbackMeta struct {
	Question  string `json:"q"`
	Channel   string `json:"c"`
	MessageTS string `json:"ts"`
}

func (f *feedback) openFeedback(ctx context.Context, a Action) (Reply, error) {
	q, err := f.question(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage("That question no longer exists, so there is nothing to give feedback on.")), nil
	case err != nil:
		return failure("I can't open the feedback form: " + notSaved), fmt.Errorf("open feedback: %w", err)
	}
	// Without the database the form still opens, as it did: Save checks
	// the post again, and a failed save keeps the form and its text.
	posted, checkErr := f.posted(ctx, a.TeamID, a.ChannelID, a.MessageTS, q.ID)
	if checkErr == nil && !posted {
		return reply(textMessage(notPosted + " so there is nothing to give feedback on.")), nil
	}
	meta, err := json.Marshal(feedbackMeta{Question: string(q.ID), Channel: a.ChannelID, MessageTS: a.MessageTS})
	if err != nil {
		return failure("I couldn't open the feedback form."), fmt.Errorf("encode feedback metadata: %w", err)
	}
	view := renderFeedbackModal(q, string(meta))
	// Saving replaces the user's earlier rating of this question here, so
	// the form starts from it: an edit, never a silent loss of notes.
	loadErr := checkErr
	if loadErr == nil {
		saved, err := f.store.UserRating(ctx, PostedQuestion{TeamID: a.TeamID, ChannelID: a.ChannelID, MessageTS: a.MessageTS, QuestionID: string(q.ID)}, a.UserID)
		switch {
		case err == nil:
			withSaved(&view, saved)
		case !errors.Is(err, ErrNotFound):
			loadErr = fmt.Errorf("read the earlier rating: %w", err)
		}
	}
	if loadErr != nil {
		view.Blocks.BlockSet = append(view.Blocks.BlockSet, contextBlock("⚠️ I can't read your earlier feedback on this question right now. Saving replaces it, if you gave any."))
	}
	if err := f.slack.OpenView(ctx, a.TriggerID, view); err != nil {
		return failure("I couldn't open the feedback form in time; please click 📝 Feedback again."), errors.Join(fmt.Errorf("open feedback modal: %w", err), loadErr)
	}
	if loadErr != nil {
		return Reply{}, fmt.Errorf("open feedback: %w", loadErr)
	}
	return Reply{}, nil
}

// withSaved fills the feedback modal's inputs with a saved rating.
func withSaved(view *slack.ModalViewRequest, r Rating) {
	for _, b := range view.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch e := in.Element.(type) {
		case *slack.SelectBlockElement:
			if in.BlockID != blockRating {
				continue
			}
			for _, o := range e.Options {
				if o.Value == strconv.Itoa(r.Stars) {
					e.InitialOption = o
				}
			}
		case *slack.PlainTextInputBlockElement:
			if in.BlockID == blockNotes {
				e.InitialValue = r.Notes
			}
		}
	}
}

func renderFeedbackModal(q questions.Question, meta string) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, 0, 5)
	for i, label := range []string{"1 · not useful", "2 · weak", "3 · fair", "4 · good", "5 · excellent"} {
		v := strconv.Itoa(i + 1)
		options = append(options, slack.NewOptionBlockObject(v, plain(strings.Repeat("★", i+1)+" "+label), nil))
	}
	rating := slack.NewInputBlock(blockRating, plain("How useful is this question for interviews?"), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose 1 to 5"), actionRating, options...))
	notesInput := slack.NewPlainTextInputBlockElement(plain("Was it clear? Did it tell strong answers from weak ones?"), actionNotes)
	notesInput.Multiline = true
	notesInput.MaxLength = MaxNotes
	notes := slack.NewInputBlock(blockNotes, plain("Notes on the question"), plain(fmt.Sprintf("Optional, up to %d characters. The whole team's question statistics count them: don't write about a candidate here.", MaxNotes)), notesInput)
	notes.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackFeedback,
		Title:           plain("Question feedback"),
		Submit:          plain("Save"),
		Close:           plain("Cancel"),
		PrivateMetadata: meta,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(blockQuote(Truncate(q.Text, 2000)) + "\n`" + string(q.ID) + "`"),
			// Notes about a candidate typed here would land in the team's
			// question statistics; the scorecard is where they belong.
			contextBlock("This rates the *question*, not the candidate. To score a candidate, use 📝 Scorecard on the interview kit."),
			rating,
			notes,
		}},
	}
}

func (f *feedback) submitFeedback(ctx context.Context, s Submission) (Reply, error) {
	var meta feedbackMeta
	if err := json.Unmarshal([]byte(s.PrivateMetadata), &meta); err != nil || meta.Question == "" {
		return Reply{Errors: map[string]string{blockRating: "This form has expired; close it and click 📝 Feedback again."}},
			fmt.Errorf("feedback submission with bad metadata %q: %v", Truncate(s.PrivateMetadata, 100), err)
	}
	stars, err := strconv.Atoi(s.Values[blockRating][actionRating])
	if err != nil || stars < 1 || stars > 5 {
		return Reply{Errors: map[string]string{blockRating: "Choose a rating from 1 to 5."}}, nil
	}
	notes := strings.TrimSpace(s.Values[blockNotes][actionNotes])
	if !utf8.ValidString(notes) {
		return Reply{Errors: map[string]string{blockNotes: "The notes contain characters I can't store; please retype them."}}, nil
	}
	if n := utf8.RuneCountInString(notes); n > MaxNotes {
		return Reply{Errors: map[string]string{blockNotes: fmt.Sprintf("Notes can be at most %d characters; these have %d.", MaxNotes, n)}}, nil
	}
	if strings.ContainsRune(notes, 0) {
		return Reply{Errors: map[string]string{blockNotes: "The notes contain a NUL character; please remove it."}}, nil
	}
	q, err := f.question(ctx, s.TeamID, meta.Question)
	switch {
	case errors.Is(err, ErrNotFound):
		return Reply{Errors: map[string]string{blockRating: "That question no longer exists, so the feedback can't be saved."}}, nil
	case err != nil:
		return Reply{Errors: map[string]string{blockNotes: "NOT saved: " + notSaved + " Your text stays here; press Save again."}}, fmt.Errorf("submit feedback: %w", err)
	}
	// The metadata came back from Slack, but it names what the form was
	// opened on; the check keeps a forged submission to real posts too.
	switch posted, err := f.posted(ctx, s.TeamID, meta.Channel, meta.MessageTS, q.ID); {
	case err != nil:
		return Reply{Errors: map[string]string{blockNotes: "NOT saved: " + notSaved + " Your text stays here; press Save again."}}, fmt.Errorf("submit feedback: %w", err)
	case !posted:
		return Reply{Errors: map[string]string{blockRating: notPosted + " so this feedback can't be saved. Close the form and click 📝 Feedback on the question."}}, nil
	}
	err = f.store.SaveRating(ctx, Rating{
		TeamID: s.TeamID, UserID: s.UserID, QuestionID: string(q.ID),
		ChannelID: meta.Channel, MessageTS: meta.MessageTS, Stars: stars, Notes: notes,
	})
	if err != nil {
		// Keeping the modal open keeps the user's notes: nothing typed is lost.
		return Reply{Errors: map[string]string{blockNotes: "NOT saved: " + notSaved + " Your text stays here; press Save again."}}, fmt.Errorf("save rating: %w", err)
	}
	confirm := textMessage(fmt.Sprintf("📝 Thanks! Your feedback on `%s` is saved (%d★%s).", q.ID, stars, map[bool]string{true: ", with notes", false: ""}[notes != ""]))
	confirm.Channel = meta.Channel // never empty: the post check needs it
	if err := f.slack.PostEphemeral(ctx, s.UserID, *confirm); err != nil {
		// The rating is saved; only the courtesy note failed.
		return Reply{}, fmt.Errorf("confirm feedback: %w", err)
	}
	return Reply{}, nil
}

// summary sums up the team's feedback on a role's questions, or on one of
// its categories, or on every question when r is nil.
func (f *feedback) summary(ctx context.Context, s Slash, r *questions.Role, cat *questions.Category) (Reply, error) {
	fb, err := f.store.Feedback(ctx, s.TeamID)
	if err != nil {
		return failure("I can't read the feedback right now: my database is unreachable. Please try again in a minute."), fmt.Errorf("read feedback: %w", err)
	}
	lookup := f.questionIndex(ctx, s.TeamID)
	title := "all roles"
	if r != nil {
		title = r.Title
		if cat != nil {
			title += " — " + cat.Title
		}
		kept := fb[:0:0]
		for _, qf := range fb {
			if q := lookup(qf.QuestionID); q.Role == r.Slug && (cat == nil || q.Category == cat.Slug) {
				kept = append(kept, qf)
			}
		}
		fb = kept
	}
	return reply(renderFeedback(title, fb, func(id string) string { return lookup(id).Text })), nil
}
