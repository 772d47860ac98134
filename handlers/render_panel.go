package handlers

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// The scorecard modal (commands.md, "Interview panels"): block ids
// score:<question-id> and note:<question-id> per question, then overall and
// summary. The action ids inside are ours.
const (
	CallbackScorecard   = "scorecard_submit"
	scoreBlockPrefix    = "score:"
	noteBlockPrefix     = "note:"
	blockOverall        = "overall"
	blockSummary        = "summary"
	actionScore         = "score"
	actionScoreNote     = "note"
	actionOverall       = "overall"
	actionSummary       = "summary"
	scorecardLabelChars = 280
)

// scoreLabels names the scores 1 to 4, the option values of score inputs.
var scoreLabels = [...]string{1: "Strong no", 2: "No", 3: "Yes", 4: "Strong yes"}

// overallLabels names the overall recommendations.
var overallLabels = map[string]string{
	OverallStrongNo:  "👎👎 Strong no",
	OverallNo:        "👎 No",
	OverallYes:       "👍 Yes",
	OverallStrongYes: "👍👍 Strong yes",
}

var overallOrder = []string{OverallStrongNo, OverallNo, OverallYes, OverallStrongYes}

// renderScorecardModal is the scorecard of kit k for one user, filled with
// what they saved before (mine may be nil). qs are the kit's questions in
// its order. A 20-question kit makes 43 blocks, well under a modal's 100.
func renderScorecardModal(roleTitle string, k Kit, qs []questions.Question, mine *Scorecard, meta string) slack.ModalViewRequest {
	intro := fmt.Sprintf("*%s* · kit `%s`", Escape(roleTitle), k.ID)
	if k.Candidate != "" {
		intro += "\n*Candidate:* " + Escape(k.Candidate)
	}
	if !k.InterviewAt.IsZero() {
		intro += "\n*Interview:* " + slackDate(k.InterviewAt)
	}
	intro += "\nScore the questions that were asked; leave the others empty. Nobody on the panel sees your scores before submitting their own; the kit's owner sees them all."
	blocks := []slack.Block{section(intro)}

	saved := map[string]ScorecardAnswer{}
	if mine != nil {
		for _, a := range mine.Answers {
			saved[a.QuestionID] = a
		}
	}
	for i, q := range qs {
		id := string(q.ID)
		opts := make([]*slack.OptionBlockObject, 0, 4)
		for score := 1; score <= 4; score++ {
			opts = append(opts, slack.NewOptionBlockObject(fmt.Sprint(score), plain(fmt.Sprintf("%d · %s", score, scoreLabels[score])), nil))
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Not asked"), actionScore, opts...)
		if a := saved[id]; a.Score >= 1 && a.Score <= 4 {
			sel.InitialOption = opts[a.Score-1]
		}
		score := slack.NewInputBlock(scoreBlockPrefix+id, plain(fmt.Sprintf("%d. %s", i+1, Truncate(singleLine(q.Text), scorecardLabelChars))), nil, sel)
		score.Optional = true
		noteIn := slack.NewPlainTextInputBlockElement(plain("What did the answer show?"), actionScoreNote)
		noteIn.Multiline = true
		noteIn.MaxLength = MaxScoreNote
		noteIn.InitialValue = saved[id].Note
		note := slack.NewInputBlock(noteBlockPrefix+id, plain(fmt.Sprintf("Notes on question %d", i+1)), nil, noteIn)
		note.Optional = true
		blocks = append(blocks, score, note)
	}

	overallOpts := make([]*slack.OptionBlockObject, 0, len(overallOrder))
	for _, v := range overallOrder {
		overallOpts = append(overallOpts, slack.NewOptionBlockObject(v, plain(overallLabels[v]), nil))
	}
	overallSel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Your recommendation"), actionOverall, overallOpts...)
	if mine != nil {
		if i := slices.Index(overallOrder, mine.Overall); i >= 0 {
			overallSel.InitialOption = overallOpts[i]
		}
	}
	summaryIn := slack.NewPlainTextInputBlockElement(plain("Strengths, concerns, what to probe next"), actionSummary)
	summaryIn.Multiline = true
	summaryIn.MaxLength = MaxSummary
	if mine != nil {
		summaryIn.InitialValue = mine.Summary
	}
	summary := slack.NewInputBlock(blockSummary, plain("Summary"), plain(fmt.Sprintf("Optional, up to %d characters.", MaxSummary)), summaryIn)
	summary.Optional = true
	blocks = append(blocks,
		slack.NewInputBlock(blockOverall, plain("Overall recommendation"), nil, overallSel),
		summary,
	)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackScorecard,
		Title:           plain("Scorecard"),
		Submit:          plain("Submit"),
		Close:           plain("Cancel"),
		PrivateMetadata: meta,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// singleLine folds whitespace, so a label reads as one line.
func singleLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// quoted renders user text as a Slack quote of at most n characters once
// escaped: every line of it quoted, so that a line break can't end the
// quote, and the cut made before escaping, so that it never splits an
// entity.
func quoted(s string, n int) string {
	var b strings.Builder
	b.WriteString(">")
	count := 1
	for _, r := range strings.TrimSpace(s) {
		piece := string(r)
		switch r {
		case '&':
			piece = "&amp;"
		case '<':
			piece = "&lt;"
		case '>':
			piece = "&gt;"
		case '\n':
			piece = "\n>"
		case '\r':
			continue
		}
		if count+utf8.RuneCountInString(piece) > n-1 {
			b.WriteString("…")
			return b.String()
		}
		b.WriteString(piece)
		count += utf8.RuneCountInString(piece)
	}
	return b.String()
}

// debriefView is what a debrief shows to one user.
type debriefView struct {
	kit       Kit
	roleTitle string
	questions []questions.Question // the kit's, in its order
	votes     []QuestionFeedback   // per question, same order
	cards     []Scorecard          // panel order, then others by submission
	// full shows recommendations, scores and notes; otherwise only who
	// has submitted. showLabel shows the candidate label.
	full      bool
	showLabel bool
	hint      string // why the view is not full
}

// Page budget of a debrief message: under Validate's 50 blocks and its
// 12,000 characters, with room for the header of a continued page.
const (
	debriefBlocks = 45
	debriefChars  = 10500
	// debriefNoteChars bounds one note in the debrief, escaped: a note of
	// 1000 characters fits whole unless most of them are escaped.
	debriefNoteChars = maxSectionText - 100
	// debriefPages bounds a debrief: past it, notes are shortened (to
	// each of debriefShortNotes in turn) rather than sent in a flood of
	// messages.
	debriefPages = 6
)

// renderDebrief is the debrief of a kit as v allows, in one message or, when
// long, several.
func renderDebrief(v debriefView) []Message {
	var pages []Message
	for _, limit := range debriefShortNotes {
		if pages = renderDebriefNotes(v, limit); len(pages) <= debriefPages {
			break
		}
	}
	return pages
}

// debriefShortNotes are the note lengths a debrief tries, longest first.
var debriefShortNotes = []int{debriefNoteChars, 600, 300}

// renderDebriefNotes renders the debrief with each note cut to noteChars.
func renderDebriefNotes(v debriefView, noteChars int) []Message {
	k := v.kit
	var about []string
	about = append(about, fmt.Sprintf("*%s* · shared by <@%s> %s", Escape(v.roleTitle), k.CreatedBy, slackDate(k.CreatedAt)))
	if len(k.Panel) > 0 {
		about = append(about, "*Panel:* "+mentions(k.Panel))
	}
	if !k.InterviewAt.IsZero() {
		about = append(about, "*Interview:* "+slackDate(k.InterviewAt))
	}
	if v.showLabel && k.Candidate != "" {
		about = append(about, "*Candidate:* "+Escape(k.Candidate))
	}
	if k.ClosedAt.IsZero() {
		about = append(about, "Open: scorecards can be submitted and changed until the kit is closed.")
	} else {
		about = append(about, "🔒 Closed "+slackDate(k.ClosedAt)+": scorecards are locked.")
	}
	head := []slack.Block{header(fmt.Sprintf("📊 Debrief · kit %s", k.ID)), section(strings.Join(about, "\n"))}
	head = append(head, section(submittedLine(k, v.cards)))

	var rec, body []string
	if v.full && len(v.cards) > 0 {
		rec = []string{"*Recommendations*"}
		for _, sc := range v.cards {
			rec = append(rec, fmt.Sprintf("• <@%s>: %s", sc.UserID, overallLabels[sc.Overall]))
			if sc.Summary != "" {
				rec = append(rec, quoted(sc.Summary, maxSectionText-200))
			}
		}
		body = append(body, "*Questions*")
	}
	for i, q := range v.questions {
		line := fmt.Sprintf("%d. %s", i+1, Escape(Truncate(singleLine(q.Text), 300)))
		var notes []string
		if v.full {
			var scores string
			scores, notes = scoreLines(string(q.ID), v.cards, noteChars)
			line += scores
		}
		if i < len(v.votes) {
			f := v.votes[i]
			stats := fmt.Sprintf("%d 👍 · %d 👎", f.Up, f.Down)
			if f.Ratings > 0 {
				stats += fmt.Sprintf(" · %.1f★ from %s", float64(f.StarsSum)/float64(f.Ratings), nounCount(f.Ratings, "rating", "ratings"))
			}
			line += "\n      _question feedback: " + stats + "_"
		}
		// Each note is an item of its own, so that packing the sections
		// never cuts one short.
		body = append(body, line)
		body = append(body, notes...)
	}
	blocks := append(chunkSections(rec, "\n"), chunkSections(body, "\n")...)
	if !v.full && v.hint != "" {
		blocks = append(blocks, contextBlock(v.hint))
	}
	return paginate(fmt.Sprintf("Debrief of kit %s", k.ID), fmt.Sprintf("📊 Debrief · kit %s (continued)", k.ID), head, blocks)
}

// submittedLine says who has submitted, and on a panel kit who hasn't yet:
// the one thing about scorecards everyone who can see the kit may know.
func submittedLine(k Kit, cards []Scorecard) string {
	in := make([]string, 0, len(cards))
	for _, sc := range cards {
		in = append(in, sc.UserID)
	}
	line := "*Scorecards in:* nobody yet"
	if len(in) > 0 {
		line = fmt.Sprintf("*Scorecards in (%d):* %s", len(in), mentions(in))
	}
	var waiting []string
	for _, id := range k.Panel {
		if !slices.Contains(in, id) {
			waiting = append(waiting, id)
		}
	}
	if len(waiting) > 0 {
		line += " · *waiting for:* " + mentions(waiting)
	}
	return line
}

// scoreLines shows every card's score on one question, marking it when the
// panel disagrees (scores two or more apart), and returns the notes on it,
// attributed.
func scoreLines(id string, cards []Scorecard, noteChars int) (scores string, notes []string) {
	var parts []string
	lo, hi := 5, 0
	for _, sc := range cards {
		for _, a := range sc.Answers {
			if a.QuestionID != id {
				continue
			}
			if a.Score >= 1 && a.Score <= 4 {
				parts = append(parts, fmt.Sprintf("<@%s> %d %s", sc.UserID, a.Score, scoreLabels[a.Score]))
				lo, hi = min(lo, a.Score), max(hi, a.Score)
			}
			if a.Note != "" {
				notes = append(notes, fmt.Sprintf("📝 <@%s>:\n%s", sc.UserID, quoted(a.Note, noteChars)))
			}
		}
	}
	var b strings.Builder
	if hi-lo >= 2 {
		b.WriteString("  ⚠️ *the panel disagrees*")
	}
	if len(parts) == 0 {
		b.WriteString("\n      _not scored_")
	} else {
		b.WriteString("\n      " + strings.Join(parts, " · "))
	}
	return b.String(), notes
}

// paginate packs head and body into messages within Block Kit's limits:
// head opens the first, contHeader opens each next one.
func paginate(text, contHeader string, head, body []slack.Block) []Message {
	var pages []Message
	cur := slices.Clone(head)
	start, chars := len(cur), blocksChars(cur)
	for _, b := range body {
		n := blocksChars([]slack.Block{b})
		if len(cur) > start && (len(cur)+1 > debriefBlocks || chars+n > debriefChars) {
			pages = append(pages, Message{Text: text, Blocks: cur})
			cur = []slack.Block{header(contHeader)}
			start, chars = len(cur), blocksChars(cur)
		}
		cur = append(cur, b)
		chars += n
	}
	return append(pages, Message{Text: text, Blocks: cur})
}

// blocksChars counts the characters of text blocks hold, as Validate counts
// them.
func blocksChars(blocks []slack.Block) int {
	n := 0
	for _, b := range blocks {
		c, _ := validateBlock(b)
		n += c
	}
	return n
}

// renderReminder is the nth DM to a panel member whose scorecard for kit k
// isn't in yet.
func renderReminder(roleTitle string, k Kit, n int, link string) Message {
	what := fmt.Sprintf("the *%s* interview", Escape(roleTitle))
	if k.Candidate != "" {
		what += " with " + Escape(k.Candidate)
	}
	if !k.InterviewAt.IsZero() {
		what += " " + slackDate(k.InterviewAt)
	}
	text := fmt.Sprintf("📝 Your scorecard for %s isn't in yet (kit `%s`).", what, k.ID)
	if link != "" {
		text += fmt.Sprintf(" <%s|Open the kit>", link)
	}
	return Message{
		Channel: "",
		Text:    fmt.Sprintf("Scorecard reminder: kit %s", k.ID),
		Blocks: []slack.Block{
			section(text),
			slack.NewActionBlock("reminder", button(ActionScorecardOpen, k.ID, "📝 Fill in my scorecard")),
			contextBlock(fmt.Sprintf("Reminder %d of 3; none once you submit or the kit is closed. Until you submit, the debrief shows you only who has.", n)),
		},
	}
}
