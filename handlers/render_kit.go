package handlers

import (
	"fmt"
	"strings"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Interactive ids on a kit's parent message (commands.md).
const (
	ActionScorecardOpen = "scorecard_open"
	ActionKitDebrief    = "kit_debrief"
)

// kitProgress counts the scorecards in, which is all a kit's parent may
// show of them.
type kitProgress struct {
	panelIn int // by panel members
	others  int // by anyone else who may submit (the owner; anyone without a panel)
}

func progressOf(k Kit, cards []Scorecard) kitProgress {
	var p kitProgress
	for _, sc := range cards {
		if k.onPanel(sc.UserID) {
			p.panelIn++
		} else {
			p.others++
		}
	}
	return p
}

// onPanel says whether user is one of the kit's panel.
func (k Kit) onPanel(user string) bool {
	for _, id := range k.Panel {
		if id == user {
			return true
		}
	}
	return false
}

// progressCount says how many scorecards are in: "1 of 3 in" on a panel
// kit, "2 in" without one. It is all the channel may know of them.
func progressCount(k Kit, p kitProgress) string {
	switch {
	case len(k.Panel) > 0:
		n := fmt.Sprintf("%d of %d in", p.panelIn, len(k.Panel))
		if p.others > 0 {
			n += fmt.Sprintf(" (and %d from outside the panel)", p.others)
		}
		return n
	case p.others == 0:
		return "none in yet"
	}
	return fmt.Sprintf("%d in", p.others)
}

// progressLine is the parent's only word on the scorecards.
func progressLine(k Kit, p kitProgress) string {
	line := "📝 Scorecards: " + progressCount(k, p)
	if !k.ClosedAt.IsZero() {
		line = "🔒 Closed · " + line
	}
	return line
}

// renderKitParent is a kit's parent message: what the kit is, who asked,
// its panel and interview time, what its thread holds, and how many
// scorecards are in. It is a public message, so it never shows a score, a
// recommendation, a note or the candidate label.
func renderKitParent(r *questions.Role, k Kit, p kitProgress) Message {
	if k.Deleted {
		return renderKitDeleted(r, k)
	}
	counts := map[string]int{}
	var order []string
	for _, it := range k.Items {
		if counts[it.Category] == 0 {
			order = append(order, it.Category)
		}
		counts[it.Category]++
	}
	parts := make([]string, len(order))
	for i, slug := range order {
		title := slug
		if c, ok := r.Category(slug); ok {
			title = c.Title
		}
		parts[i] = fmt.Sprintf("%s %d", title, counts[slug])
	}
	blocks := []slack.Block{header("📋 Interview kit · " + r.Title)}
	if r.Summary != "" {
		blocks = append(blocks, section(Escape(Truncate(r.Summary, 600))))
	}
	blocks = append(blocks, section(fmt.Sprintf("Asked by <@%s> · %s · *%s in the thread* 🧵", k.CreatedBy, Escape(strings.Join(parts, " · ")), questionCount(len(k.Items)))))
	var panel []string
	if len(k.Panel) > 0 {
		panel = append(panel, "*Panel:* "+mentions(k.Panel)+" (they take the questions in turn, in this order)")
	}
	if !k.InterviewAt.IsZero() {
		panel = append(panel, "*Interview:* "+slackDate(k.InterviewAt))
	}
	if k.Candidate != "" {
		panel = append(panel, "*Candidate:* 🔒 named in the scorecard and the debrief only")
	}
	if len(panel) > 0 {
		blocks = append(blocks, section(strings.Join(panel, "\n")))
	}
	blocks = append(blocks, section(progressLine(k, p)))
	buttons := []slack.BlockElement{}
	if k.ClosedAt.IsZero() {
		buttons = append(buttons, button(ActionScorecardOpen, k.ID, "📝 Scorecard"))
	}
	buttons = append(buttons, button(ActionKitDebrief, k.ID, "📊 Debrief"))
	blocks = append(blocks,
		slack.NewActionBlock("kit", buttons...),
		contextBlock(fmt.Sprintf("Kit `%s` · rate each question with its buttons · scorecards are private: 📊 Debrief shows them to whoever has submitted their own, and to the kit's owner", k.ID)),
	)
	return Message{Text: fmt.Sprintf("Interview kit %s: %s, %s", k.ID, r.Title, questionCount(len(k.Items))), Blocks: blocks}
}

// renderKitDeleted replaces a deleted kit's parent.
func renderKitDeleted(r *questions.Role, k Kit) Message {
	return Message{
		Text: fmt.Sprintf("Interview kit %s (%s) was deleted", k.ID, r.Title),
		Blocks: []slack.Block{
			header("🗑 Interview kit · " + r.Title),
			section(fmt.Sprintf("Kit `%s` was deleted: its scorecards, notes and candidate label are erased. The questions stay in the thread.", k.ID)),
		},
	}
}

// mentions lists Slack users as mentions.
func mentions(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "<@" + id + ">"
	}
	return strings.Join(out, ", ")
}

// questionCount is "1 question" or "n questions".
func questionCount(n int) string {
	return nounCount(n, "question", "questions")
}

// renderKitReply is one kit question in the kit's thread, naming the panel
// member who asks it. The panel is the audience, so what a strong answer
// covers is shown right under it.
func renderKitReply(r *questions.Role, q questions.Question, categoryTitle string, pos, total int, asker string) Message {
	m := renderQuestionPost(fmt.Sprintf("Question %d of %d", pos, total), r, q, categoryTitle, false)
	// The reply is in the thread already: discussion goes right here.
	who := ""
	if asker != "" {
		who = fmt.Sprintf("🎤 <@%s> asks this one · ", asker)
	}
	m.Blocks[len(m.Blocks)-1] = contextBlock(fmt.Sprintf("%s`%s` · Discuss here · difficulty %s", who, q.ID, difficulty(q.Difficulty)))
	if asker != "" {
		m.Text = Truncate(fmt.Sprintf("Question %d of %d, asked by <@%s>: %s", pos, total, asker, Escape(q.Text)), maxFallbackText)
	}
	if g, ok := renderGuidance(q, categoryNote(r, q)); ok {
		m.Blocks = append(m.Blocks, g.Blocks...)
	}
	return m
}

// renderKitBuilder is the modal `kit` opens. A modal can't change its
// inputs when the role changes, so it asks for a count of every category
// and names the roles each belongs to.
func renderKitBuilder(bank *questions.Bank, meta string) slack.ModalViewRequest {
	roles := make([]*slack.OptionBlockObject, 0, len(bank.Roles()))
	for _, r := range bank.Roles() {
		roles = append(roles, slack.NewOptionBlockObject(r.Slug, plain(Truncate(r.Title, maxOptionText)), nil))
	}
	blocks := []slack.Block{
		section("Post an interview kit in this channel: the questions go in its thread, and the panel scores the candidate on private scorecards."),
		slack.NewInputBlock(kitBlockRole, plain("Role"), nil,
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a role"), kitBlockRole, roles...)),
	}
	owners := map[string][]string{}
	for _, r := range bank.Roles() {
		for _, c := range r.Categories {
			owners[c.Slug] = append(owners[c.Slug], r.Title)
		}
	}
	for _, c := range builderCategories(bank) {
		block := kitBlockCountPrefix + c.Slug
		in := slack.NewNumberInputBlockElement(plain("0"), block, false)
		in.MinValue, in.MaxValue = "0", fmt.Sprint(MaxKitQuestions)
		input := slack.NewInputBlock(block, plain(c.Title+" questions"), plain(Truncate("For "+strings.Join(owners[c.Slug], ", ")+". Leave all counts empty for the role's default kit.", maxLabelText)), in)
		input.Optional = true
		blocks = append(blocks, input)
	}
	panel := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, plain("Who interviews"), kitBlockPanel)
	maxPanel := MaxPanel
	panel.MaxSelectedItems = &maxPanel
	panelInput := slack.NewInputBlock(kitBlockPanel, plain("Panel"), plain("They take the questions in turn, in this order, and each fills in a scorecard."), panel)
	panelInput.Optional = true
	when := slack.NewInputBlock(kitBlockInterview, plain("Interview time"), plain("In your time zone; up to a week ago is fine. Reminders go out an hour after it."), slack.NewDateTimePickerBlockElement(kitBlockInterview))
	when.Optional = true
	label := slack.NewPlainTextInputBlockElement(plain("Ada L. (req 4411)"), kitBlockCandidate)
	label.MaxLength = MaxCandidateLabel
	candidate := slack.NewInputBlock(kitBlockCandidate, plain("Candidate"), plain("Shown only to the panel, in the scorecard and the debrief; never in the channel."), label)
	candidate.Optional = true
	blocks = append(blocks, panelInput, when, candidate)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackKitBuild,
		Title:           plain("Interview kit"),
		Submit:          plain("Post kit"),
		Close:           plain("Cancel"),
		PrivateMetadata: meta,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}
