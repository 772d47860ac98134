package handlers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// renderPracticeQuestion is a question sent to a user's DM for private
// practice, with the button that opens the self-check.
func renderPracticeQuestion(kicker string, r *questions.Role, pk pick, categoryTitle string) Message {
	q := pk.question
	check := button(ActionSelfCheckOpen, string(q.ID), "✅ Check my answer")
	check.Style = slack.StylePrimary
	return Message{
		Text: Truncate(fmt.Sprintf("%s: %s", kicker, Escape(q.Text)), maxFallbackText),
		Blocks: []slack.Block{
			section(fmt.Sprintf("*%s* · %s — %s\n>%s", kicker, Escape(r.Title), Escape(categoryTitle), Escape(q.Text))),
			contextBlock(fmt.Sprintf("`%s` · difficulty %s · %s", q.ID, difficulty(q.Difficulty), pickText(pk))),
			slack.NewActionBlock("selfcheck", check),
			contextBlock("Answer it first, out loud or in writing; then check it against what a strong answer covers. Only you see this."),
		},
	}
}

// pickText says why a question was chosen.
func pickText(pk pick) string {
	switch pk.reason {
	case PickReview:
		return fmt.Sprintf("🔁 due for review: your last check scored %d%%", pk.lastScore)
	case PickNew:
		if pk.hasScore {
			return fmt.Sprintf("🆕 new, from your weakest theme, *%s* (%d%%)", Escape(themeLabel(pk.question)), pk.themeScore)
		}
		return "🆕 new to you"
	case PickAgain:
		return "🔄 again: nothing here is new or due for you today"
	}
	return "practice"
}

// renderSelfCheckModal is the self-check: what a strong answer covers, as
// checkboxes, or "how did it go" when the question has no guidance.
func renderSelfCheckModal(q questions.Question, categoryTitle, meta string) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(fmt.Sprintf("*%s*\n>%s", Escape(categoryTitle), Escape(Truncate(q.Text, 2000)))),
	}
	points := selfCheckPoints(q)
	if len(points) > 0 {
		lines := make([]string, len(points))
		options := make([]*slack.OptionBlockObject, len(points))
		for i, pt := range points {
			lines[i] = fmt.Sprintf("%d. %s", i+1, Escape(pt))
			options[i] = slack.NewOptionBlockObject(strconv.Itoa(i), plain(Truncate(fmt.Sprintf("%d. %s", i+1, pt), maxOptionText)), nil)
		}
		blocks = append(blocks, section("*What a strong answer covers*"))
		blocks = append(blocks, chunkSections(withinBudget(lines, modalListBudget), "\n")...)
		covered := slack.NewInputBlock(blockCovered, plain("Which points did your answer cover?"),
			plain("Tick only what you actually said. Nothing ticked counts as 0."),
			slack.NewCheckboxGroupsBlockElement(actionCovered, options...))
		covered.Optional = true
		blocks = append(blocks, covered)
	} else {
		blocks = append(blocks, section("This question has no checklist yet, so say how it went."))
		how := slack.NewInputBlock(blockHow, plain("How did it go?"), nil,
			slack.NewRadioButtonsBlockElement(actionHow,
				slack.NewOptionBlockObject("2", plain("Well: I'd be happy with that answer"), nil),
				slack.NewOptionBlockObject("1", plain("Partly"), nil),
				slack.NewOptionBlockObject("0", plain("Not yet"), nil)))
		blocks = append(blocks, how)
	}
	noteInput := slack.NewPlainTextInputBlockElement(plain("What to remember next time"), actionNote)
	noteInput.Multiline = true
	noteInput.MaxLength = maxCheckNote
	note := slack.NewInputBlock(blockNote, plain("Note to self"), plain(fmt.Sprintf("Optional, up to %d characters. Only you see it.", maxCheckNote)), noteInput)
	note.Optional = true
	blocks = append(blocks, note)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackSelfCheck,
		Title:           plain("Check my answer"),
		Submit:          plain("Save"),
		Close:           plain("Cancel"),
		PrivateMetadata: meta,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// renderSelfCheckResult is the private answer to a self-check: the score,
// the points missed and the follow-ups. covered holds the ticked positions;
// due is the local date the question comes back.
func renderSelfCheckResult(q questions.Question, c SelfCheck, covered []int, due string) Message {
	var head, fallback string
	if c.Total > 0 {
		head = fmt.Sprintf("✅ You covered *%d of %d* points (%d%%).", c.Covered, c.Total, c.Score)
		fallback = fmt.Sprintf("Self-check saved: %d of %d points covered", c.Covered, c.Total)
	} else {
		head = fmt.Sprintf("✅ Saved: it went *%s*.", map[int]string{100: "well", 70: "partly well", 30: "not well yet"}[c.Score])
		fallback = "Self-check saved"
	}
	blocks := []slack.Block{section(head + "\n>" + Escape(Truncate(q.Text, 300)))}
	var missed []string
	for i, pt := range selfCheckPoints(q) {
		if !slices.Contains(covered, i) {
			missed = append(missed, "• "+Escape(pt))
		}
	}
	switch {
	case len(missed) > 0:
		blocks = append(blocks, section("*Missed*"))
		blocks = append(blocks, chunkSections(withinBudget(missed, missedBudget), "\n")...)
	case c.Total > 0:
		blocks = append(blocks, section("Nothing missed. 🎉"))
	}
	if len(q.FollowUps) > 0 {
		lines := make([]string, len(q.FollowUps))
		for i, f := range q.FollowUps {
			lines[i] = "• " + Escape(f)
		}
		blocks = append(blocks, section("*Follow-ups to try*"))
		blocks = append(blocks, chunkSections(withinBudget(lines, followUpBudget), "\n")...)
	}
	when := ""
	if d, err := time.Parse(time.DateOnly, due); err == nil {
		when = "It comes back for review on " + d.Format("Mon 2 Jan") + ". "
	}
	blocks = append(blocks, contextBlock(when+"`/interview me` shows your progress. Only you see this."))
	return Message{Text: fallback, Blocks: blocks}
}

// Budgets, in characters, for the lists of a self-check: with the
// question they keep a modal or a message under Slack's total text limit
// (maxTotalText) whatever a team's bank holds; real guidance is far
// shorter.
const (
	modalListBudget = 6000
	coverageBudget  = 3000
	missedBudget    = 6000
	followUpBudget  = 3000
)

// withinBudget keeps the first lines whose text fits in budget characters
// and says how many more there are.
func withinBudget(lines []string, budget int) []string {
	total := 0
	for i, l := range lines {
		n := utf8.RuneCountInString(l) + 1
		if total+n > budget {
			return append(lines[:i:i], fmt.Sprintf("…and %d more", len(lines)-i))
		}
		total += n
	}
	return lines
}

// bar is a ten-character text bar for pct percent.
func bar(pct int) string {
	n := min(max((pct+5)/10, 0), 10)
	return "`" + strings.Repeat("▓", n) + strings.Repeat("░", 10-n) + "`"
}

func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return 100 * part / whole
}

// progressBlocks renders p for `me` and the App Home. daily describes the
// user's personal daily question, "" when there is none.
func progressBlocks(p progress, daily string) []slack.Block {
	stats := fmt.Sprintf("*%s* practised · %s · 🔥 Streak: *%s*",
		nounCount(p.practised, "question", "questions"), nounCount(p.checks, "self-check", "self-checks"), nounCount(p.streak, "day", "days"))
	if p.streak > 0 && !p.checkedToday {
		stats += " (check an answer today to keep it)"
	}
	if p.practised == 0 {
		stats += "\nNothing practised yet. Press *Practise now*, or type `/interview practice me senior-backend` (any role from `/interview roles`)."
	}
	blocks := []slack.Block{header("Your interview practice"), section(stats)}

	if len(p.coverage) > 0 {
		roles := map[string]bool{}
		for _, c := range p.coverage {
			roles[c.role] = true
		}
		lines := []string{"*Coverage*"}
		for _, c := range p.coverage {
			name := c.category
			if len(roles) > 1 {
				name = c.role + " · " + c.category
			}
			lines = append(lines, fmt.Sprintf("%s %s %d/%d", bar(percent(c.practised, c.pool)), Escape(Truncate(name, 100)), c.practised, c.pool))
		}
		blocks = append(blocks, chunkSections(withinBudget(lines, coverageBudget), "\n")...)
	}
	if len(p.weakest) > 0 {
		lines := []string{"*Weakest themes*"}
		for _, t := range p.weakest {
			lines = append(lines, fmt.Sprintf("%s %d%% %s (%s)", bar(t.score), t.score, Escape(t.label), nounCount(t.questions, "question", "questions")))
		}
		blocks = append(blocks, chunkSections(lines, "\n")...)
	}
	due := fmt.Sprintf("*Reviews due today:* %d", p.dueCount)
	for _, q := range p.due {
		due += "\n• " + Escape(Truncate(q.Text, 150))
	}
	if p.dueCount > len(p.due) {
		due += fmt.Sprintf("\n…and %d more", p.dueCount-len(p.due))
	}
	blocks = append(blocks, section(due))
	if daily != "" {
		blocks = append(blocks, section(daily))
	}
	now := button(ActionPractisePrivate, "next", "Practise now")
	now.Style = slack.StylePrimary
	blocks = append(blocks,
		slack.NewActionBlock("practice_me", now),
		contextBlock("Only you see this. Practise now sends the next question to your DM with me: due reviews first, then your weakest theme. `/interview forget me` erases your practice history."))
	return blocks
}

// renderProgress is `me`: the user's progress, ephemeral.
func renderProgress(p progress, daily string) *Message {
	return &Message{
		Text:   fmt.Sprintf("Your practice: %s practised, streak %s", nounCount(p.practised, "question", "questions"), nounCount(p.streak, "day", "days")),
		Blocks: progressBlocks(p, daily),
	}
}

// renderHome is the App Home tab: the same progress as `me`.
func renderHome(p progress, daily string) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: progressBlocks(p, daily)},
	}
}

// renderForgetPrompt asks `forget me` to be confirmed, saying what goes and
// what stays.
func renderForgetPrompt() *Message {
	erase := button(ActionForgetConfirm, "me", "Erase my data")
	erase.Style = slack.StyleDanger
	return &Message{
		Text: "Forget me: confirm to erase your votes, notes, practice history and personal schedule",
		Blocks: []slack.Block{
			section("⚠️ *Forget me* erases, for good, in this workspace:\n• your 👍/👎 votes and your feedback ratings and notes\n• your self-checks and the practice questions I sent you\n• your personal daily question and the role I remember for you"),
			section("Scorecards you wrote for interview kits are *kept*: they belong to a hiring process. The kit's owner or an admin can delete a kit with `/interview kit delete <id>`."),
			slack.NewActionBlock("forget", erase),
			contextBlock("Nothing is erased until you press the button."),
		},
	}
}

// renderForgotten says what `forget me` erased.
func renderForgotten(f Forgotten) *Message {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, nounCount(n, one, many))
		}
	}
	add(f.Votes, "vote", "votes")
	if f.Ratings > 0 {
		parts = append(parts, fmt.Sprintf("%s (%d with notes)", nounCount(f.Ratings, "feedback rating", "feedback ratings"), f.Notes))
	}
	add(f.SelfChecks, "self-check", "self-checks")
	add(f.Sends, "practice question sent to you", "practice questions sent to you")
	if f.Schedules > 0 {
		parts = append(parts, "your personal daily question")
	}
	if f.Role {
		parts = append(parts, "the role I remembered for you")
	}
	text := "🧹 There was nothing of yours to erase."
	if len(parts) > 0 {
		text = "🧹 Done. I erased " + joinAnd(parts) + "."
	}
	text += "\nScorecards you wrote for interview kits are kept: they belong to a hiring process."
	m := textMessage(text)
	m.ReplaceOriginal = true
	return m
}

// joinAnd joins parts as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
