package handlers

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Escape makes user text safe to put in a Slack message: Slack reads &, <
// and > as control characters (mentions such as <!channel>, links), so they
// are sent as entities and shown literally.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// blockQuote renders s as a Slack block quote, escaped. Slack's ">" quotes one
// line, so every line gets its own: otherwise the second line of a
// multi-line question (an imported team question) would read as the bot's
// own words, formatting and all.
func blockQuote(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return ">" + strings.ReplaceAll(Escape(s), "\n", "\n>")
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(Truncate(s, maxSectionText)), nil, nil)
}

func header(s string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(Truncate(s, maxHeaderText)))
}

func contextBlock(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(Truncate(s, maxSectionText)))
}

func button(actionID, value, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(Truncate(label, maxButtonText)))
}

// Truncate cuts s to at most n runes (characters, as Slack counts its
// limits), marking the cut with "…". It is the one place text is shortened,
// so a cut never splits a character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s // n bytes hold at most n runes
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
		}
		if count == n {
			return s[:cut] + "…"
		}
		count++
	}
	return s
}

// textMessage is a message of one section: answers, confirmations, errors.
func textMessage(text string) *Message {
	return &Message{Text: Truncate(text, maxFallbackText), Blocks: []slack.Block{section(text)}}
}

// pool is the questions of one role category for one team: the built-in ones
// and the team's own.
type pool struct {
	role      *questions.Role
	category  *questions.Category
	questions []questions.Question
}

func renderRoles(bank *questions.Bank, counts func(*questions.Role, *questions.Category) int) *Message {
	// A team may define many roles with long names; past a budget the
	// rest are named by slug only, so that the answer stays one message.
	const budget = maxTotalText / 2
	var paras, rest []string
	used := 0
	for _, r := range bank.Roles() {
		parts := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			parts[i] = fmt.Sprintf("%s %d", c.Slug, counts(r, c))
		}
		p := fmt.Sprintf("*%s* (`%s`)\n%s", Escape(Truncate(r.Title, 100)), r.Slug, strings.Join(parts, " · "))
		if n := utf8.RuneCountInString(p); used+n <= budget {
			paras, used = append(paras, p), used+n
		} else {
			rest = append(rest, "`"+r.Slug+"`")
		}
	}
	if len(rest) > 0 {
		paras = append(paras, "And "+strings.Join(rest, ", "))
	}
	blocks := []slack.Block{header("Roles")}
	blocks = append(blocks, chunkSections(paras, "\n\n")...)
	blocks = append(blocks, contextBlock("See a role with `/interview <role>`, its questions with `/interview <role> <category>`."))
	return &Message{Text: "Roles you can practise", Blocks: blocks}
}

func renderRoleCard(r *questions.Role, counts func(*questions.Category) int) *Message {
	blocks := []slack.Block{header(r.Title)}
	if r.Summary != "" {
		blocks = append(blocks, section(Escape(r.Summary)))
	}
	if r.Responsibilities != "" {
		blocks = append(blocks, section("*Responsibilities*\n"+Escape(r.Responsibilities)))
	}
	if len(r.Skills) > 0 {
		items := make([]string, len(r.Skills))
		for i, s := range r.Skills {
			items[i] = "• " + Escape(s)
		}
		blocks = append(blocks, section("*Skills and qualifications*\n"+strings.Join(items, "\n")))
	}
	if r.KeySkills != "" {
		blocks = append(blocks, section("*Key skills*\n"+Escape(r.KeySkills)))
	}
	parts := make([]string, len(r.Categories))
	var buttons []slack.BlockElement
	for i, c := range r.Categories {
		n := counts(c)
		parts[i] = fmt.Sprintf("%s: %d", c.Title, n)
		if len(buttons) < maxActionsElements {
			buttons = append(buttons, categoryButton(r, c, fmt.Sprintf("%s (%d)", c.Title, n)))
		}
	}
	blocks = append(blocks, section("*Questions*  "+Escape(strings.Join(parts, " · "))))
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("categories", buttons...))
	}
	blocks = append(blocks, contextBlock(fmt.Sprintf("Aliases: %s · practise one with `/interview practice %s`", aliasList(r), r.Slug)))
	return &Message{Text: r.Title, Blocks: blocks}
}

func aliasList(r *questions.Role) string {
	if len(r.Aliases) == 0 {
		return "`" + r.Slug + "`"
	}
	names := make([]string, len(r.Aliases))
	for i, a := range r.Aliases {
		names[i] = "`" + Escape(a) + "`" // a team's alias is free text
	}
	return strings.Join(names, ", ")
}

// List pages are bounded by count and by characters, so that any category,
// however many team questions it gains, renders within Slack's limits and
// fits in a Socket Mode acknowledgement.
const (
	listPageQuestions = 30
	listPageChars     = 7000
)

// listPages splits qs into pages and returns the start index of each.
func listPages(qs []questions.Question) []int {
	starts := []int{0}
	n, chars := 0, 0
	for i, q := range qs {
		l := questionLineLen(i, q)
		if n > 0 && (n == listPageQuestions || chars+l > listPageChars) {
			starts = append(starts, i)
			n, chars = 0, 0
		}
		n++
		chars += l
	}
	return starts
}

// clampPage brings a requested page (from a button's value, so possibly
// forged) into 1..pages: past the end is the last page.
func clampPage(page, pages int) int {
	return max(1, min(page, pages))
}

// questionLineLen is utf8.RuneCountInString(questionLine(i, q)) without
// building the line.
func questionLineLen(i int, q questions.Question) int {
	n := len(strconv.Itoa(i+1)) + 2 + utf8.RuneCountInString(q.Text)
	for j := 0; j < len(q.Text); j++ {
		switch q.Text[j] {
		case '&':
			n += 4
		case '<', '>':
			n += 3
		}
	}
	return n + utf8.RuneCountInString(questionIDTag(q))
}

// questionLine is one question of a list, with its id: hide, unhide and
// remove take it.
func questionLine(i int, q questions.Question) string {
	return fmt.Sprintf("%d. %s", i+1, Escape(q.Text)) + questionIDTag(q)
}

func questionIDTag(q questions.Question) string {
	if isTeamQuestion(q.ID) {
		return fmt.Sprintf("  _(team question `%s`)_", q.ID)
	}
	return fmt.Sprintf("  `%s`", q.ID)
}

// renderList renders page (1-based) of a pool's question list. sharedBy is
// the user who shared it in the channel, or "" for the private list with
// its share button.
func renderList(p pool, page int, sharedBy string, note string) *Message {
	starts := listPages(p.questions)
	page = clampPage(page, len(starts))
	from := starts[page-1]
	to := len(p.questions)
	if page < len(starts) {
		to = starts[page]
	}
	title := fmt.Sprintf("%s — %s (%d)", p.role.Title, p.category.Title, len(p.questions))
	blocks := []slack.Block{header(title)}
	if len(p.questions) == 0 {
		blocks = append(blocks, section("No questions in this category yet."))
	}
	lines := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		lines = append(lines, questionLine(i, p.questions[i]))
	}
	blocks = append(blocks, chunkSections(lines, "\n")...)
	var ctx []string
	if len(starts) > 1 {
		ctx = append(ctx, fmt.Sprintf("Page %d of %d", page, len(starts)))
	}
	if sharedBy != "" {
		ctx = append(ctx, fmt.Sprintf("Shared by <@%s> · `/interview %s %s`", sharedBy, p.role.Slug, p.category.Slug))
	}
	if note != "" {
		ctx = append(ctx, note)
	}
	if len(ctx) > 0 {
		blocks = append(blocks, contextBlock(strings.Join(ctx, " · ")))
	}
	if sharedBy == "" {
		buttons := []slack.BlockElement{button(ActionShareList, listValue(p.role, p.category, page), "Share in channel")}
		if page > 1 {
			buttons = append(buttons, pageButton(p.role, p.category, page-1, "◀ Previous"))
		}
		if page < len(starts) {
			buttons = append(buttons, pageButton(p.role, p.category, page+1, "Next ▶"))
		}
		if menu := guidanceMenu(p.questions[from:to], from); menu != nil {
			buttons = append(buttons, menu)
		}
		blocks = append(blocks, slack.NewActionBlock("list", buttons...))
	}
	return &Message{Text: title, Blocks: blocks, InChannel: sharedBy != ""}
}

// guidanceMenu lets the reader of a list open one question's guidance
// without the list itself growing past Slack's limits. Every question has
// its line, those without guidance (a team's own) saying so; labels keep
// the words that tell near-duplicates apart.
func guidanceMenu(qs []questions.Question, first int) *slack.SelectBlockElement {
	qs = qs[:min(len(qs), maxOptions)]
	if len(qs) == 0 {
		return nil
	}
	const noGuidance = " · no guidance yet"
	number := func(i int) string { return strconv.Itoa(first+i+1) + ". " }
	texts := make([]string, len(qs))
	budget := make([]int, len(qs))
	for i, q := range qs {
		texts[i] = q.Text
		budget[i] = maxOptionText - utf8.RuneCountInString(number(i))
		if !hasGuidance(q) {
			budget[i] -= utf8.RuneCountInString(noGuidance)
		}
	}
	opts := make([]*slack.OptionBlockObject, len(qs))
	for i, label := range distinctLabels(texts, budget) {
		label = number(i) + label
		if !hasGuidance(qs[i]) {
			label += noGuidance
		}
		opts[i] = slack.NewOptionBlockObject(string(qs[i].ID), plain(label), nil)
	}
	return slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("📖 What a strong answer covers…"), ActionShowGuidance+":list", opts...)
}

// hasGuidance says whether q has anything for renderGuidance to show.
func hasGuidance(q questions.Question) bool {
	return len(q.Guidance) > 0 || len(q.FollowUps) > 0
}

// chunkSections packs items into as few sections as the 3000-character
// section limit allows, splitting an item only if it alone is too long.
func chunkSections(items []string, sep string) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	runes := 0 // utf8.RuneCountInString(cur.String()), kept as it grows
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
			runes = 0
		}
	}
	for _, it := range items {
		it = Truncate(it, maxSectionText)
		n := utf8.RuneCountInString(it)
		if cur.Len() > 0 && runes+len(sep)+n > maxSectionText {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
			runes += len(sep)
		}
		cur.WriteString(it)
		runes += n
	}
	flush()
	return blocks
}

// renderQuestionPost is a question posted to a channel (practice, daily or a
// kit reply), with the feedback buttons whose value is the question id.
// withGuidance adds a button that shows the guidance to whoever clicks it,
// for posts where the readers answer the question themselves.
func renderQuestionPost(kicker string, r *questions.Role, q questions.Question, categoryTitle string, withGuidance bool) Message {
	text := fmt.Sprintf("*%s* · %s — %s\n%s", kicker, Escape(r.Title), Escape(categoryTitle), blockQuote(q.Text))
	id := string(q.ID)
	buttons := []slack.BlockElement{
		button(ActionRateUp, id, "👍 Useful"),
		button(ActionRateDown, id, "👎 Not useful"),
		button(ActionFeedbackOpen, id, "📝 Feedback"),
	}
	if withGuidance && hasGuidance(q) {
		buttons = append(buttons, button(ActionShowGuidance, id, "📖 Guidance"))
	}
	return Message{
		Text: Truncate(fmt.Sprintf("%s: %s", kicker, Escape(q.Text)), maxFallbackText),
		Blocks: []slack.Block{
			section(text),
			slack.NewActionBlock("feedback", buttons...),
			contextBlock(fmt.Sprintf("`%s` · Discuss in the thread 🧵 · difficulty %s", id, difficulty(q.Difficulty))),
		},
	}
}

func difficulty(d int) string {
	switch d {
	case 1:
		return "●○○"
	case 2:
		return "●●○"
	case 3:
		return "●●●"
	}
	return "unrated"
}

// renderGuidance is the thread reply under a posted question: what a strong
// answer covers and the follow-ups, for the interviewer or the discussion.
// note is what every answer in the question's category needs (the bank
// says it once per category); it opens the guidance so that the points
// below it can be about this question alone.
func renderGuidance(q questions.Question, note string) (Message, bool) {
	if !hasGuidance(q) {
		return Message{}, false
	}
	var b strings.Builder
	if len(q.Guidance) > 0 || note != "" {
		b.WriteString("*What a strong answer covers*\n")
		if note != "" {
			fmt.Fprintf(&b, "%s\n", Escape(note))
		}
		for _, g := range q.Guidance {
			fmt.Fprintf(&b, "• %s\n", Escape(g))
		}
	}
	if len(q.FollowUps) > 0 {
		b.WriteString("*Follow-ups*\n")
		for _, f := range q.FollowUps {
			fmt.Fprintf(&b, "• %s\n", Escape(f))
		}
	}
	return Message{
		Text:   "What a strong answer covers",
		Blocks: chunkSections(strings.Split(strings.TrimSpace(b.String()), "\n"), "\n"),
	}, true
}

// categoryNote is the note of q's category in role r, or "" (a team
// question's category is one of the bank's, so it has the same note).
func categoryNote(r *questions.Role, q questions.Question) string {
	if r == nil {
		return ""
	}
	if c, ok := r.Category(q.Category); ok {
		return c.Note
	}
	return ""
}

func renderFeedback(title string, fb []QuestionFeedback, text func(id string) string) *Message {
	var ratings, stars, notes, up, down int
	for _, f := range fb {
		ratings += f.Ratings
		stars += f.StarsSum
		notes += f.Notes
		up += f.Up
		down += f.Down
	}
	blocks := []slack.Block{header("Feedback — " + title)}
	if ratings == 0 && up == 0 && down == 0 {
		blocks = append(blocks, section("No feedback yet. Rate questions with 👍, 👎 or 📝 on practice, daily and kit posts."))
		return &Message{Text: "No feedback yet", Blocks: blocks}
	}
	avg := "–"
	if ratings > 0 {
		avg = strconv.FormatFloat(float64(stars)/float64(ratings), 'f', 1, 64) + " / 5"
	}
	blocks = append(blocks, section(fmt.Sprintf("*%d* %s · average *%s* · *%d* 👍 · *%d* 👎 · *%d* %s",
		ratings, plural(ratings, "rating", "ratings"), avg, up, down, notes, plural(notes, "note", "notes"))))
	most, least := rankFeedback(fb)
	if len(most) > 0 {
		blocks = append(blocks, section("*Most useful*\n"+feedbackLines(most, text)))
	}
	if len(least) > 0 {
		blocks = append(blocks, section("*Least useful*\n"+feedbackLines(least, text)))
	}
	votes := up + down
	return &Message{Text: fmt.Sprintf("Feedback: %d %s, %d %s", ratings, plural(ratings, "rating", "ratings"), votes, plural(votes, "vote", "votes")), Blocks: blocks}
}

func feedbackLines(fb []QuestionFeedback, text func(id string) string) string {
	lines := make([]string, len(fb))
	for i, f := range fb {
		stats := fmt.Sprintf("%d 👍 %d 👎", f.Up, f.Down)
		if f.Ratings > 0 {
			stats += fmt.Sprintf(" · %.1f★ from %d %s", float64(f.StarsSum)/float64(f.Ratings), f.Ratings, plural(f.Ratings, "rating", "ratings"))
		}
		lines[i] = fmt.Sprintf("• %s _(%s)_", Escape(Truncate(text(f.QuestionID), 200)), stats)
	}
	return strings.Join(lines, "\n")
}

// rankFeedback picks the three most and least useful questions. A question's
// score is its net votes plus how far its ratings sit above or below the
// middle of the scale, so both kinds of feedback count.
func rankFeedback(fb []QuestionFeedback) (most, least []QuestionFeedback) {
	score := func(f QuestionFeedback) int { return f.Up - f.Down + f.StarsSum - 3*f.Ratings }
	sorted := slices.Clone(fb)
	slices.SortStableFunc(sorted, func(a, b QuestionFeedback) int {
		if c := cmp.Compare(score(b), score(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.QuestionID, b.QuestionID)
	})
	for _, f := range sorted {
		if score(f) > 0 && len(most) < 3 {
			most = append(most, f)
		}
	}
	for i := len(sorted) - 1; i >= 0 && len(least) < 3; i-- {
		if score(sorted[i]) < 0 {
			least = append(least, sorted[i])
		}
	}
	return most, least
}

// plural picks the noun that goes with n: one for exactly 1, many for
// anything else ("0 notes", "1 note", "2 notes"). Every count a user reads
// goes through it, so that no message says "1 notes".
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// nounCount is n followed by its noun: "1 note", "2 notes".
func nounCount(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}
