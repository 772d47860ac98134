package handlers

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/interviewbot/interviewbot/questions"
)

// Kind says which subcommand a Command is.
type Kind int

const (
	KindInvalid Kind = iota // Problem says what was not understood
	KindHelp
	KindRoles
	KindRole     // role card
	KindList     // a category's question list
	KindPractice // one question posted to the channel
	KindKit
	KindKitList
	KindKitShow
	KindDaily
	KindDailyStatus
	KindDailyOff
	KindDailyNow
	KindFeedback
	KindAdd
	KindRemove

	kindCount // not a kind: new kinds go above, with a name in kindNames
)

// kindNames are the subcommands' names in metrics: a fixed set, so that
// what users type can't create new series.
var kindNames = [kindCount]string{
	KindInvalid:     "invalid",
	KindHelp:        "help",
	KindRoles:       "roles",
	KindRole:        "role",
	KindList:        "list",
	KindPractice:    "practice",
	KindKit:         "kit",
	KindKitList:     "kit_list",
	KindKitShow:     "kit_show",
	KindDaily:       "daily",
	KindDailyStatus: "daily_status",
	KindDailyOff:    "daily_off",
	KindDailyNow:    "daily_now",
	KindFeedback:    "feedback",
	KindAdd:         "add",
	KindRemove:      "remove",
}

// String names the subcommand, as in Reply.Command.
func (k Kind) String() string {
	if k < 0 || k >= kindCount || kindNames[k] == "" {
		return "unknown"
	}
	return kindNames[k]
}

// Command is a parsed /interview text. Roles and categories are resolved
// against the bank; team question ids are not (they live in the store).
type Command struct {
	Kind     Kind
	Role     *questions.Role
	Category *questions.Category // nil: all of the role's categories
	Parts    []KitPart           // kit: what to ask, in order
	Daily    DailySpec
	Text     string // add: the question text as the user typed it
	ID       string // remove: the question id
	Problem  string // KindInvalid: a friendly mrkdwn sentence
}

// KitPart asks for N questions of one category in a kit.
type KitPart struct {
	Category *questions.Category
	N        int
}

// DailySpec is the optional part of `daily <role> …`; zero values mean
// "use the default".
type DailySpec struct {
	HasTime bool
	Hour    int
	Minute  int
	Zone    string
	Days    Days
}

// subcommands lists the words that start a subcommand, for "did you mean".
var subcommands = []string{"help", "roles", "practice", "kit", "daily", "feedback", "add", "remove"}

// MaxCommandText bounds what the parser looks at; Slack itself caps slash
// command text well below this.
const MaxCommandText = 4000

// Parse turns the text after /interview into a Command. It never fails:
// anything it does not understand becomes KindInvalid with a Problem that
// says what and suggests the nearest role, category or subcommand.
func Parse(bank *questions.Bank, text string) Command {
	if len(text) > MaxCommandText {
		return invalid("That command is too long (%d characters); commands are short, like `/interview senior-backend technical`.", len(text))
	}
	// Slack escapes &, < and > in command text; work with what the user typed.
	text = html.UnescapeString(text)
	words := strings.Fields(text)
	if len(words) == 0 {
		return Command{Kind: KindHelp}
	}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	p := parser{bank: bank, words: words, lower: lower}
	switch lower[0] {
	case "help", "?", "-h", "--help":
		return Command{Kind: KindHelp}
	case "roles":
		return p.noArgs(KindRoles, "roles")
	case "practice":
		return p.practice()
	case "kit":
		return p.kit()
	case "daily":
		return p.daily()
	case "feedback":
		return p.feedback()
	case "add":
		return p.add()
	case "remove":
		return p.remove()
	}
	return p.roleOrList()
}

type parser struct {
	bank  *questions.Bank
	words []string // as typed
	lower []string
}

func invalid(format string, args ...any) Command {
	return Command{Kind: KindInvalid, Problem: fmt.Sprintf(format, args...)}
}

func (p parser) noArgs(k Kind, name string) Command {
	if len(p.words) > 1 {
		return invalid("`%s` takes no arguments; try `/interview %s`.", name, name)
	}
	return Command{Kind: k}
}

// role resolves the longest run of words starting at i that names a role, so
// that titles with spaces ("Senior Backend Engineer") work. It returns the
// role and the index of the first word after it.
func (p parser) role(i int) (*questions.Role, int, bool) {
	for j := len(p.words); j > i; j-- {
		if r, ok := p.bank.Role(strings.Join(p.lower[i:j], " ")); ok {
			return r, j, true
		}
	}
	return nil, i, false
}

// category resolves the longest run of words in [i, end) naming a category of
// r. It returns the category and the index after it.
func (p parser) category(r *questions.Role, i, end int) (*questions.Category, int, bool) {
	for j := end; j > i; j-- {
		if c, ok := r.Category(strings.Join(p.lower[i:j], " ")); ok {
			return c, j, true
		}
	}
	return nil, i, false
}

func (p parser) unknownRole(i int, example string) Command {
	word := p.words[i]
	msg := fmt.Sprintf("I don't know a role called `%s`.", clip(word, 60))
	if s, ok := p.bank.SuggestRole(strings.Join(p.lower[i:], " ")); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	} else if s, ok := p.bank.SuggestRole(p.lower[i]); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	}
	return invalid("%s Try `/interview roles` for the list, or `%s`.", msg, example)
}

func (p parser) unknownCategory(r *questions.Role, i int) Command {
	msg := fmt.Sprintf("*%s* has no category `%s`.", r.Title, clip(p.words[i], 60))
	if s, ok := r.SuggestCategory(p.lower[i]); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	}
	return invalid("%s Its categories: %s.", msg, categoryList(r))
}

func categoryList(r *questions.Role) string {
	names := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		names[i] = "`" + c.Slug + "`"
	}
	return strings.Join(names, ", ")
}

func (p parser) roleOrList() Command {
	r, next, ok := p.role(0)
	if !ok {
		if s, ok := questions.Suggest(p.lower[0], subcommands); ok {
			return invalid("I didn't understand `%s`. Did you mean `/interview %s`? Try `/interview help`.", clip(p.words[0], 60), s)
		}
		return p.unknownRole(0, "/interview senior-backend technical")
	}
	if next == len(p.words) {
		return Command{Kind: KindRole, Role: r}
	}
	c, end, ok := p.category(r, next, len(p.words))
	if !ok {
		return p.unknownCategory(r, next)
	}
	if end != len(p.words) {
		return invalid("I understood *%s — %s* but not `%s`. Try `/interview %s %s`.", r.Title, c.Title, clip(strings.Join(p.words[end:], " "), 60), r.Slug, c.Slug)
	}
	return Command{Kind: KindList, Role: r, Category: c}
}

func (p parser) practice() Command {
	const example = "/interview practice senior-backend technical"
	if len(p.words) == 1 {
		return invalid("Which role? Try `%s`.", example)
	}
	r, next, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, example)
	}
	cmd := Command{Kind: KindPractice, Role: r}
	if next == len(p.words) {
		return cmd
	}
	c, end, ok := p.category(r, next, len(p.words))
	if !ok {
		return p.unknownCategory(r, next)
	}
	if end != len(p.words) {
		return invalid("`practice` takes a role and an optional category; I didn't understand `%s`. Try `%s`.", clip(strings.Join(p.words[end:], " "), 60), example)
	}
	cmd.Category = c
	return cmd
}

func (p parser) feedback() Command {
	if len(p.words) == 1 {
		return Command{Kind: KindFeedback}
	}
	r, next, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, "/interview feedback senior-backend")
	}
	if next != len(p.words) {
		return invalid("`feedback` takes an optional role only; try `/interview feedback %s`.", r.Slug)
	}
	return Command{Kind: KindFeedback, Role: r}
}

func (p parser) kit() Command {
	const example = "/interview kit senior-backend technical 3 behavioral 2"
	if len(p.words) == 1 {
		return invalid("Which role is the kit for? Try `%s`, or `/interview kit list`.", example)
	}
	switch p.lower[1] {
	case "list":
		if len(p.words) > 2 {
			return invalid("`kit list` takes no arguments.")
		}
		return Command{Kind: KindKitList}
	case "show":
		if len(p.words) != 3 {
			return invalid("Show which kit? Give its id, like `/interview kit show k7q2mx`; `/interview kit list` shows the ids.")
		}
		return Command{Kind: KindKitShow, ID: p.lower[2]}
	}
	r, i, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, example)
	}
	cmd := Command{Kind: KindKit, Role: r}
	total := 0
	for i < len(p.words) {
		// A category is the words up to the next number.
		end := i
		for end < len(p.words) && !isNumber(p.lower[end]) {
			end++
		}
		if end == i {
			return invalid("Expected a category before `%s`. Try `%s`.", clip(p.words[i], 20), example)
		}
		c, after, ok := p.category(r, i, end)
		if !ok || after != end {
			return p.unknownCategory(r, i)
		}
		if end == len(p.words) {
			return invalid("How many *%s* questions? Put a number after the category, like `%s 3`.", c.Title, c.Slug)
		}
		n, err := strconv.Atoi(p.lower[end])
		if err != nil || n < 1 || n > MaxKitQuestions {
			return invalid("`%s` is not a number of questions; use 1 to %d.", clip(p.words[end], 20), MaxKitQuestions)
		}
		for _, part := range cmd.Parts {
			if part.Category == c {
				return invalid("*%s* is named twice; name each category once.", c.Title)
			}
		}
		total += n
		cmd.Parts = append(cmd.Parts, KitPart{Category: c, N: n})
		i = end + 1
	}
	if total > MaxKitQuestions {
		return invalid("A kit holds at most %d questions; you asked for %d.", MaxKitQuestions, total)
	}
	return cmd
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '-' && r != '+' {
			return false
		}
	}
	return true
}

func (p parser) daily() Command {
	const example = "/interview daily senior-backend technical at 09:30 tz Europe/Berlin weekdays"
	if len(p.words) == 1 {
		return invalid("Which role should the daily question come from? Try `%s`, or `/interview daily status`.", example)
	}
	switch p.lower[1] {
	case "status", "off", "now":
		if len(p.words) > 2 {
			return invalid("`daily %s` takes no arguments.", p.lower[1])
		}
		return Command{Kind: map[string]Kind{"status": KindDailyStatus, "off": KindDailyOff, "now": KindDailyNow}[p.lower[1]]}
	}
	r, i, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, example)
	}
	cmd := Command{Kind: KindDaily, Role: r}
	isKeyword := func(w string) bool {
		return w == "at" || w == "tz" || w == "weekdays" || w == "everyday" || w == "daily"
	}
	if i < len(p.words) && !isKeyword(p.lower[i]) {
		end := i
		for end < len(p.words) && !isKeyword(p.lower[end]) {
			end++
		}
		c, after, ok := p.category(r, i, end)
		if !ok || after != end {
			return p.unknownCategory(r, i)
		}
		cmd.Category = c
		i = end
	}
	for i < len(p.words) {
		switch w := p.lower[i]; w {
		case "at":
			if cmd.Daily.HasTime {
				return invalid("`at` is given twice.")
			}
			if i+1 == len(p.words) {
				return invalid("`at` needs a time like `09:30` (24-hour clock).")
			}
			h, m, problem := parseClock(p.lower[i+1])
			if problem != "" {
				return invalid("%s", problem)
			}
			cmd.Daily.HasTime, cmd.Daily.Hour, cmd.Daily.Minute = true, h, m
			i += 2
		case "tz":
			if cmd.Daily.Zone != "" {
				return invalid("`tz` is given twice.")
			}
			if i+1 == len(p.words) {
				return invalid("`tz` needs a time zone like `Europe/Berlin` or `America/New_York`.")
			}
			zone, problem := parseZone(p.words[i+1])
			if problem != "" {
				return invalid("%s", problem)
			}
			cmd.Daily.Zone = zone
			i += 2
		case "weekdays", "everyday", "daily":
			if cmd.Daily.Days != "" {
				return invalid("Say `weekdays` or `everyday` once.")
			}
			cmd.Daily.Days = Weekdays
			if w != "weekdays" {
				cmd.Daily.Days = Everyday
			}
			i++
		default:
			return invalid("I didn't understand `%s` in the schedule. Try `%s`.", clip(p.words[i], 40), example)
		}
	}
	return cmd
}

// parseClock reads a 24-hour "HH:MM" (or "H:MM"). problem, when not "",
// is a sentence for the user, like Command.Problem.
func parseClock(s string) (hour, minute int, problem string) {
	hs, ms, ok := strings.Cut(s, ":")
	h, errH := strconv.Atoi(hs)
	m, errM := strconv.Atoi(ms)
	if !ok || errH != nil || errM != nil || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Sprintf("`%s` is not a time I understand; use the 24-hour clock, like `09:00` or `17:30`.", clip(s, 20))
	}
	return h, m, ""
}

// parseZone checks an IANA zone name such as Europe/Berlin and returns its
// canonical spelling. problem, when not "", is a sentence for the user.
func parseZone(s string) (zone, problem string) {
	if s == "" || len(s) > 64 || strings.Contains(s, "..") || strings.HasPrefix(s, "/") || strings.EqualFold(s, "local") {
		return "", fmt.Sprintf("`%s` is not a time zone I know; use an IANA name like `Europe/Berlin`, `America/New_York` or `UTC`.", clip(s, 40))
	}
	if strings.EqualFold(s, "utc") {
		return "UTC", ""
	}
	if _, err := time.LoadLocation(s); err != nil {
		return "", fmt.Sprintf("`%s` is not a time zone I know; use an IANA name like `Europe/Berlin`, `America/New_York` or `UTC` (names are case-sensitive).", clip(s, 40))
	}
	return s, ""
}

func (p parser) add() Command {
	const example = "/interview add senior-backend technical How do you size a connection pool?"
	if len(p.words) < 2 {
		return invalid("Add what? Try `%s`.", example)
	}
	r, i, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, example)
	}
	if i == len(p.words) {
		return invalid("Which category, and what is the question? Try `%s`.", example)
	}
	c, j, ok := p.categoryPrefix(r, i)
	if !ok {
		return p.unknownCategory(r, i)
	}
	if j == len(p.words) {
		return invalid("What is the question? Try `%s`.", example)
	}
	return Command{Kind: KindAdd, Role: r, Category: c, Text: p.rest(j)}
}

// categoryPrefix resolves the shortest run of words from i that names a
// category, leaving the rest as free text.
func (p parser) categoryPrefix(r *questions.Role, i int) (*questions.Category, int, bool) {
	for j := i + 1; j <= len(p.words); j++ {
		if c, ok := r.Category(strings.Join(p.lower[i:j], " ")); ok {
			return c, j, true
		}
	}
	return nil, i, false
}

// rest returns the words from i on, as typed, single-spaced.
func (p parser) rest(i int) string {
	return strings.Join(p.words[i:], " ")
}

func (p parser) remove() Command {
	if len(p.words) != 2 {
		return invalid("Remove which question? Give its id, like `/interview remove team-12` (ids are shown in lists).")
	}
	return Command{Kind: KindRemove, ID: p.lower[1]}
}

// clip shortens user input to at most n runes and escapes it, so that it
// can be echoed inside a code span without breaking out of it or turning
// into a mention or link.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD' // a NUL or escape has no business in a reply
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	r := []rune(s)
	if len(r) > n {
		r = append(r[:n-1], '…')
	}
	return Escape(strings.ReplaceAll(string(r), "`", "'"))
}
