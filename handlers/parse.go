package handlers

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	KindSubHelp    // `kit help`, `daily help`, `practice help`: Topic
	KindPracticeMe // one question in the user's DM; Role may be nil (the remembered one)
	KindMe         // the user's own practice progress
	KindForgetMe
	KindKitBuild // `kit` alone: the kit builder modal
	KindKitClose
	KindKitDelete
	KindDailyPause
	KindDailyResume
	KindDailySkip
	KindDailyMe // a personal daily question in the user's DM
	KindHide
	KindUnhide

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
	KindSubHelp:     "sub_help",
	KindPracticeMe:  "practice_me",
	KindMe:          "me",
	KindForgetMe:    "forget_me",
	KindKitBuild:    "kit_build",
	KindKitClose:    "kit_close",
	KindKitDelete:   "kit_delete",
	KindDailyPause:  "daily_pause",
	KindDailyResume: "daily_resume",
	KindDailySkip:   "daily_skip",
	KindDailyMe:     "daily_me",
	KindHide:        "hide",
	KindUnhide:      "unhide",
}

// String names the subcommand, as in Reply.Command.
func (k Kind) String() string {
	if k < 0 || k >= kindCount || kindNames[k] == "" {
		return "unknown"
	}
	return kindNames[k]
}

// Command is a parsed /interview text. Roles and categories are resolved
// against the bank; team question ids, kit ids and schedule ids are not
// (they live in the store).
type Command struct {
	Kind       Kind
	Role       *questions.Role
	Category   *questions.Category // nil: all of the role's categories
	Difficulty int                 // 0 any, 1 easy, 2 medium, 3 hard
	Parts      []KitPart           // kit: what to ask, in order
	// Panel is a kit's panel: Slack user ids in the order given, once each.
	Panel []string
	// Interview is a kit's interview time as "YYYY-MM-DD HH:MM", a real
	// date and time with no zone: the kit owner's zone applies.
	Interview string
	// Candidate is a kit's candidate label, at most MaxCandidateLabel
	// characters, as typed.
	Candidate string
	Daily     DailySpec
	Text      string // add: the question text as the user typed it
	// ID is a schedule id ("d12", "" = not given) for the daily kinds, a
	// kit id for kit show/close/delete, a question id for remove, hide and
	// unhide.
	ID       string
	All      bool   // `daily off all`
	Until    string // daily pause: "YYYY-MM-DD" or ""
	From, To string // daily skip: "YYYY-MM-DD", To == From for one day
	Topic    string // KindSubHelp: "kit", "daily" or "practice"
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
	Zone    string // canonical IANA name
	Days    Days
}

// Difficulty words, by Command.Difficulty.
var difficultyWords = [...]string{1: "easy", 2: "medium", 3: "hard"}

// subcommands lists the words that start a subcommand, for "did you mean".
var subcommands = []string{"help", "roles", "practice", "kit", "daily", "feedback", "add", "remove", "hide", "unhide", "me", "forget"}

// Second words of the subcommands that have them, for "did you mean".
var (
	kitWords      = []string{"help", "list", "show", "close", "delete"}
	dailyWords    = []string{"help", "status", "off", "pause", "resume", "skip", "now", "me"}
	practiceWords = []string{"help", "me"}
)

// The shapes the error messages show, plain (they are escaped when used).
const (
	shapeList     = "/interview <role> [category]"
	shapePractice = "/interview practice <role> [category] [easy|medium|hard]"
	shapeMe       = "/interview practice me [role] [category] [easy|medium|hard]"
	shapeKit      = "/interview kit <role> [<category> <n>]... [with @a @b] [on YYYY-MM-DD HH:MM] [for <candidate>]"
	shapeDaily    = "/interview daily <role> [category] [easy|medium|hard] [at TIME] [tz ZONE] [weekdays|everyday|mon,wed,fri]"
	shapeDailyMe  = "/interview daily me <role> [category] [easy|medium|hard] [at TIME] [weekdays|everyday|mon,wed,fri]"
	shapeFeedback = "/interview feedback [role] [category]"
	shapeAdd      = "/interview add <role> <category> <question text>"

	exampleList     = "/interview senior-backend technical"
	examplePractice = "/interview practice senior-backend technical hard"
	exampleKit      = "/interview kit senior-backend technical 3 behavioral 2"
	exampleDaily    = "/interview daily senior-backend technical at 9:30 tz Europe/Berlin mon,wed,fri"
	exampleDailyMe  = "/interview daily me senior-backend technical at 8am weekdays"
	exampleAdd      = "/interview add senior-backend technical How do you size a connection pool?"
)

// MaxCommandText bounds what the parser looks at; Slack itself caps slash
// command text well below this.
const MaxCommandText = 4000

// MaxPanel bounds a kit's panel: the questions are shared out among its
// members, and more interviewers than questions makes no sense.
const MaxPanel = 10

// MaxCandidateLabel bounds a kit's candidate label, in characters.
const MaxCandidateLabel = 80

// maxSkipDays bounds one `daily skip` range: a holiday, not a shutdown
// (that is `daily pause` or `daily off`).
const maxSkipDays = 366

// maxNameWords is the most words a role or category name may take when
// typed with spaces ("senior backend engineer"). Resolving a name tries
// at most this many words, longest first, so that parsing costs time in
// proportion to the words read, not to their square; a test holds the
// bank's names to it.
const maxNameWords = 6

// Parse turns the text after /interview into a Command. It never fails:
// anything it does not understand becomes KindInvalid with a Problem that
// names the first word it could not place and the shape it expected, and
// suggests the nearest role, category or subcommand.
//
// The text is read left to right, one word at a time, and split into
// words only as far as it is read: a long command costs what its first
// words cost, and free text (a question, a candidate label) is taken as
// typed.
func Parse(bank *questions.Bank, text string) Command {
	if len(text) > MaxCommandText {
		return invalid("That command is too long (%d characters); commands are short, like `%s`.", len(text), exampleList)
	}
	p := &parser{bank: bank, raw: text, lastGT: strings.LastIndexByte(text, '>')}
	if !p.has(0) {
		return Command{Kind: KindHelp}
	}
	switch p.lower(0) {
	case "help", "?", "-h", "--help":
		return p.help()
	case "roles":
		return p.noArgs(1, Command{Kind: KindRoles}, "/interview roles")
	case "practice", "practise":
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
		return p.questionID(KindRemove, "remove")
	case "hide":
		return p.questionID(KindHide, "hide")
	case "unhide":
		return p.questionID(KindUnhide, "unhide")
	case "me":
		return p.noArgs(1, Command{Kind: KindMe}, "/interview me")
	case "forget":
		return p.forget()
	}
	return p.roleOrList()
}

// word is one word of the command.
type word struct {
	text  string // as the user typed it (Slack's escaping undone)
	lower string
	start int // byte offset in the raw text
	// markup is Slack's own markup, such as a mention <@U123|ada>: it
	// comes with real angle brackets, while angle brackets the user typed
	// arrive escaped.
	markup bool
}

type parser struct {
	bank   *questions.Bank
	raw    string // as Slack sent it
	pos    int    // where splitting into words goes on
	lastGT int    // the last '>' in raw, or -1
	words  []word // the words split so far
}

// at returns word i, splitting the text as far as needed.
func (p *parser) at(i int) (word, bool) {
	for len(p.words) <= i {
		w, ok := p.next()
		if !ok {
			return word{}, false
		}
		p.words = append(p.words, w)
	}
	return p.words[i], true
}

func (p *parser) has(i int) bool {
	_, ok := p.at(i)
	return ok
}

// lower is word i in lower case, or "" past the end.
func (p *parser) lower(i int) string {
	w, _ := p.at(i)
	return w.lower
}

// next splits off the next word: a run of non-space characters, where
// Slack markup (<@U1|Ada Lovelace>) counts as one even if it holds spaces.
func (p *parser) next() (word, bool) {
	for p.pos < len(p.raw) {
		r, n := utf8.DecodeRuneInString(p.raw[p.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		p.pos += n
	}
	if p.pos == len(p.raw) {
		return word{}, false
	}
	start := p.pos
	for p.pos < len(p.raw) {
		if p.raw[p.pos] == '<' && p.pos < p.lastGT {
			p.pos += strings.IndexByte(p.raw[p.pos:], '>') + 1
			continue
		}
		r, n := utf8.DecodeRuneInString(p.raw[p.pos:])
		if unicode.IsSpace(r) {
			break
		}
		p.pos += n
	}
	raw := p.raw[start:p.pos]
	w := word{start: start, text: raw}
	if strings.HasPrefix(raw, "<") && strings.HasSuffix(raw, ">") {
		w.markup = true
	} else {
		w.text = html.UnescapeString(raw)
	}
	w.lower = strings.ToLower(w.text)
	return w, true
}

// rest is the text from word i on, as typed, single-spaced; "" when there
// is no word i.
func (p *parser) rest(i int) string {
	w, ok := p.at(i)
	if !ok {
		return ""
	}
	return html.UnescapeString(strings.Join(strings.Fields(p.raw[w.start:]), " "))
}

// join is words [i, j) in lower case, single-spaced.
func (p *parser) join(i, j int) string {
	if j == i+1 {
		return p.words[i].lower
	}
	var b strings.Builder
	for k := i; k < j; k++ {
		if k > i {
			b.WriteByte(' ')
		}
		b.WriteString(p.words[k].lower)
	}
	return b.String()
}

// span is the end of the longest run of at most n words from i for which
// stop is false on every word (stop may be nil).
func (p *parser) span(i, n int, stop func(string) bool) int {
	j := i
	for j < i+n && p.has(j) && (stop == nil || !stop(p.words[j].lower)) {
		j++
	}
	return j
}

func invalid(format string, args ...any) Command {
	return Command{Kind: KindInvalid, Problem: fmt.Sprintf(format, args...)}
}

// quote shows user input in a code span: clipped, escaped, safe.
func quote(s string) string {
	return "`" + clip(s, 40) + "`"
}

// shape shows an expected shape and an example.
func shape(form, example string) string {
	if example == "" {
		return fmt.Sprintf("Expected `%s`.", Escape(form))
	}
	return fmt.Sprintf("Expected `%s`, like `%s`.", Escape(form), Escape(example))
}

// fail blames word i: why it could not be placed, and the expected shape.
func (p *parser) fail(i int, why, form, example string) Command {
	w, _ := p.at(i)
	msg := fmt.Sprintf("I didn't understand %s", quote(w.text))
	if why != "" {
		msg += ": " + why
	} else {
		msg += "."
	}
	return invalid("%s %s", msg, shape(form, example))
}

// noArgs accepts cmd when nothing follows word i-1.
func (p *parser) noArgs(i int, cmd Command, form string) Command {
	if p.has(i) {
		return p.fail(i, fmt.Sprintf("`%s` takes nothing after it.", Escape(form)), form, "")
	}
	return cmd
}

func (p *parser) help() Command {
	if !p.has(1) {
		return Command{Kind: KindHelp}
	}
	if t := topic(p.lower(1)); t != "" && !p.has(2) {
		return Command{Kind: KindSubHelp, Topic: t}
	}
	// Help is never an error: show the general one.
	return Command{Kind: KindHelp}
}

func topic(w string) string {
	switch w {
	case "kit", "daily", "practice":
		return w
	case "practise":
		return "practice"
	}
	return ""
}

// subHelp answers `<sub> help`, with nothing after it.
func (p *parser) subHelp(t string) Command {
	if p.has(2) {
		return p.fail(2, fmt.Sprintf("`%s help` takes nothing after it.", t), "/interview "+t+" help", "")
	}
	return Command{Kind: KindSubHelp, Topic: t}
}

// role resolves the longest run of words from i that names a role, so that
// titles with spaces ("Senior Backend Engineer") work. It returns the role
// and the index of the first word after it.
func (p *parser) role(i int) (*questions.Role, int, bool) {
	for j := p.span(i, maxNameWords, nil); j > i; j-- {
		if r, ok := p.bank.Role(p.join(i, j)); ok {
			return r, j, true
		}
	}
	return nil, i, false
}

// category resolves the longest run of words from i, none of them a stop
// word, that names a category of r. It returns the category and the index
// after it.
func (p *parser) category(r *questions.Role, i int, stop func(string) bool) (*questions.Category, int, bool) {
	for j := p.span(i, maxNameWords, stop); j > i; j-- {
		if c, ok := r.Category(p.join(i, j)); ok {
			return c, j, true
		}
	}
	return nil, i, false
}

// unknownRole blames word i for not naming a role.
func (p *parser) unknownRole(i int, form, example string) Command {
	w, _ := p.at(i)
	msg := fmt.Sprintf("I don't know a role called %s.", quote(w.text))
	if s, ok := p.bank.SuggestRole(p.join(i, p.span(i, maxNameWords, nil))); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	} else if s, ok := p.bank.SuggestRole(w.lower); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	}
	return invalid("%s `/interview roles` lists them. %s", msg, shape(form, example))
}

// unknownCategory blames word i for not naming a category of r.
func (p *parser) unknownCategory(r *questions.Role, i int, form, example string) Command {
	w, _ := p.at(i)
	msg := fmt.Sprintf("*%s* has no category %s.", Escape(r.Title), quote(w.text))
	if s, ok := r.SuggestCategory(w.lower); ok {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	}
	return invalid("%s Its categories: %s. %s", msg, categoryList(r), shape(form, example))
}

// unknownSub blames word i, the second word of sub, for being neither one
// of sub's words nor a role.
func (p *parser) unknownSub(sub string, words []string, i int, form, example string) Command {
	if s, ok := questions.Suggest(p.lower(i), words); ok {
		if _, isRole := p.bank.SuggestRole(p.lower(i)); !isRole {
			return p.fail(i, fmt.Sprintf("did you mean `/interview %s %s`?", sub, s), form, example)
		}
	}
	return p.unknownRole(i, form, example)
}

func categoryList(r *questions.Role) string {
	names := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		names[i] = "`" + c.Slug + "`"
	}
	return strings.Join(names, ", ")
}

func (p *parser) roleOrList() Command {
	r, next, ok := p.role(0)
	if !ok {
		if s, ok := questions.Suggest(p.lower(0), subcommands); ok {
			return p.fail(0, fmt.Sprintf("did you mean `/interview %s`? `/interview help` shows every command.", s), shapeList, exampleList)
		}
		return p.unknownRole(0, shapeList, exampleList)
	}
	if !p.has(next) {
		return Command{Kind: KindRole, Role: r}
	}
	c, end, ok := p.category(r, next, nil)
	if !ok {
		return p.unknownCategory(r, next, shapeList, exampleList)
	}
	if p.has(end) {
		return p.fail(end, fmt.Sprintf("I understood *%s — %s* and nothing after it.", Escape(r.Title), Escape(c.Title)), shapeList, exampleList)
	}
	return Command{Kind: KindList, Role: r, Category: c}
}

// options says which optional words may follow a role.
type options struct {
	role       bool // the role itself is optional and may come here (practice me)
	category   bool
	difficulty bool
	schedule   bool // at TIME, DAYS
	zone       bool // tz ZONE
}

// tail reads the words from i on as cmd's optional parts, in any order,
// each at most once.
func (p *parser) tail(cmd Command, i int, opt options, form, example string) Command {
	for p.has(i) {
		w := p.lower(i)
		switch {
		case opt.difficulty && difficultyWord(w) > 0:
			if cmd.Difficulty != 0 {
				return p.fail(i, "the difficulty is given twice.", form, example)
			}
			cmd.Difficulty = difficultyWord(w)
			i++
			continue
		case opt.schedule && w == "at":
			if cmd.Daily.HasTime {
				return p.fail(i, "`at` is given twice.", form, example)
			}
			h, m, next, bad := p.clock(i+1, form, example)
			if bad != nil {
				return *bad
			}
			cmd.Daily.HasTime, cmd.Daily.Hour, cmd.Daily.Minute = true, h, m
			i = next
			continue
		case opt.schedule && w == "tz":
			if !opt.zone {
				return p.fail(i, "a personal daily question comes in your own Slack time zone; leave out `tz`.", form, example)
			}
			if cmd.Daily.Zone != "" {
				return p.fail(i, "`tz` is given twice.", form, example)
			}
			zone, next, bad := p.zone(i+1, form, example)
			if bad != nil {
				return *bad
			}
			cmd.Daily.Zone = zone
			i = next
			continue
		case opt.schedule && startsDays(w):
			if cmd.Daily.Days != "" {
				return p.fail(i, "the days are given twice; say them once, like `weekdays` or `mon,wed,fri`.", form, example)
			}
			days, next, bad := p.days(i, form, example)
			if bad != nil {
				return *bad
			}
			cmd.Daily.Days = days
			i = next
			continue
		}
		if opt.role && cmd.Role == nil {
			r, next, ok := p.role(i)
			if !ok {
				return p.unknownRole(i, form, example)
			}
			cmd.Role = r
			i = next
			continue
		}
		if opt.category && cmd.Category == nil && cmd.Role != nil {
			if c, next, ok := p.category(cmd.Role, i, isOptionWord); ok {
				cmd.Category = c
				i = next
				continue
			}
		}
		// Nothing takes this word: say what it looks like it was meant as.
		if opt.schedule {
			if _, _, err := ParseClock(w); err == nil {
				return p.fail(i, fmt.Sprintf("a time needs `at` before it, like `at %s`.", clip(w, 10)), form, example)
			}
		}
		if opt.zone {
			if z, ok := lookupZone(p.words[i].text); ok {
				return p.fail(i, fmt.Sprintf("a time zone needs `tz` before it, like `tz %s`.", z), form, example)
			}
		}
		if opt.category && cmd.Category == nil && cmd.Role != nil {
			return p.unknownCategory(cmd.Role, i, form, example)
		}
		return p.fail(i, "", form, example)
	}
	return cmd
}

func difficultyWord(w string) int {
	for d, name := range difficultyWords {
		if d > 0 && w == name {
			return d
		}
	}
	return 0
}

// isOptionWord reports whether w starts an option, so that no category
// name swallows it.
func isOptionWord(w string) bool {
	return w == "at" || w == "tz" || difficultyWord(w) > 0 || startsDays(w)
}

func (p *parser) practice() Command {
	if !p.has(1) {
		return invalid("Which role? %s", shape(shapePractice, examplePractice))
	}
	switch p.lower(1) {
	case "help":
		return p.subHelp("practice")
	case "me":
		return p.tail(Command{Kind: KindPracticeMe}, 2, options{role: true, category: true, difficulty: true}, shapeMe, "/interview practice me senior-backend technical")
	}
	r, next, ok := p.role(1)
	if !ok {
		return p.unknownSub("practice", practiceWords, 1, shapePractice, examplePractice)
	}
	return p.tail(Command{Kind: KindPractice, Role: r}, next, options{category: true, difficulty: true}, shapePractice, examplePractice)
}

func (p *parser) feedback() Command {
	cmd := Command{Kind: KindFeedback}
	if !p.has(1) {
		return cmd
	}
	r, next, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, shapeFeedback, "/interview feedback senior-backend technical")
	}
	cmd.Role = r
	if !p.has(next) {
		return cmd
	}
	c, end, ok := p.category(r, next, nil)
	if !ok {
		return p.unknownCategory(r, next, shapeFeedback, "/interview feedback senior-backend technical")
	}
	cmd.Category = c
	if p.has(end) {
		return p.fail(end, "`feedback` takes a role and a category, nothing more.", shapeFeedback, "")
	}
	return cmd
}

func (p *parser) forget() Command {
	if p.lower(1) != "me" {
		if !p.has(1) {
			return invalid("Forget what? `/interview forget me` erases your votes, notes, practice history and personal schedule, after you confirm.")
		}
		return p.fail(1, "", "/interview forget me", "")
	}
	return p.noArgs(2, Command{Kind: KindForgetMe}, "/interview forget me")
}

func (p *parser) kit() Command {
	if !p.has(1) {
		return Command{Kind: KindKitBuild}
	}
	switch w := p.lower(1); w {
	case "help":
		return p.subHelp("kit")
	case "list":
		return p.noArgs(2, Command{Kind: KindKitList}, "/interview kit list")
	case "show", "close", "delete":
		kind := map[string]Kind{"show": KindKitShow, "close": KindKitClose, "delete": KindKitDelete}[w]
		form := "/interview kit " + w + " <id>"
		if !p.has(2) {
			return invalid("Which kit? Give its id, like `/interview kit %s k7q2mx`; `/interview kit list` shows the ids.", w)
		}
		if !isID(p.lower(2)) {
			return p.fail(2, "that is not a kit id; `/interview kit list` shows the ids.", form, "/interview kit "+w+" k7q2mx")
		}
		return p.noArgs(3, Command{Kind: kind, ID: p.lower(2)}, form)
	}
	r, i, ok := p.role(1)
	if !ok {
		return p.unknownSub("kit", kitWords, 1, shapeKit, exampleKit)
	}
	cmd := Command{Kind: KindKit, Role: r}
	total := 0
	stop := func(w string) bool { return isNumber(w) || isKitOption(w) }
	for p.has(i) {
		switch p.lower(i) {
		case "with":
			if cmd.Panel != nil {
				return p.fail(i, "`with` is given twice; name the whole panel after one `with`.", shapeKit, exampleKit)
			}
			next, bad := p.panel(&cmd, i)
			if bad != nil {
				return *bad
			}
			i = next
			continue
		case "on":
			if cmd.Interview != "" {
				return p.fail(i, "`on` is given twice.", shapeKit, exampleKit)
			}
			next, bad := p.interview(&cmd, i)
			if bad != nil {
				return *bad
			}
			i = next
			continue
		case "for":
			label := p.rest(i + 1)
			if label == "" {
				return p.fail(i, "`for` needs a candidate label after it, like `for Ada L. (req 4411)`.", shapeKit, exampleKit)
			}
			if n := utf8.RuneCountInString(label); n > MaxCandidateLabel {
				return p.fail(i, fmt.Sprintf("the candidate label after it has %d characters; at most %d.", n, MaxCandidateLabel), shapeKit, exampleKit)
			}
			cmd.Candidate = label
			return p.kitTotal(cmd, total)
		}
		c, end, ok := p.category(r, i, stop)
		if !ok {
			if isNumber(p.lower(i)) {
				return p.fail(i, "a number of questions comes after a category, like `technical 3`.", shapeKit, exampleKit)
			}
			return p.unknownCategory(r, i, shapeKit, exampleKit)
		}
		for _, part := range cmd.Parts {
			if part.Category == c {
				return p.fail(i, fmt.Sprintf("*%s* is named twice; name each category once.", Escape(c.Title)), shapeKit, exampleKit)
			}
		}
		if !p.has(end) {
			return invalid("How many *%s* questions? Put a number after %s, like `%s 3`. %s", Escape(c.Title), quote(p.words[end-1].text), c.Slug, shape(shapeKit, exampleKit))
		}
		n, err := strconv.Atoi(p.lower(end))
		if err != nil || n < 1 || n > MaxKitQuestions {
			return p.fail(end, fmt.Sprintf("a category needs a number of questions after it, 1 to %d.", MaxKitQuestions), shapeKit, exampleKit)
		}
		total += n
		cmd.Parts = append(cmd.Parts, KitPart{Category: c, N: n})
		i = end + 1
	}
	return p.kitTotal(cmd, total)
}

func (p *parser) kitTotal(cmd Command, total int) Command {
	if total > MaxKitQuestions {
		return invalid("A kit holds at most %d questions; you asked for %d.", MaxKitQuestions, total)
	}
	return cmd
}

func isKitOption(w string) bool { return w == "with" || w == "on" || w == "for" }

// panel reads `with <@U1> <@U2|name> …` at i into cmd.Panel.
func (p *parser) panel(cmd *Command, i int) (int, *Command) {
	j := i + 1
	for ; p.has(j) && !isKitOption(p.lower(j)); j++ {
		id, problem := mention(p.words[j])
		if problem != "" {
			bad := p.fail(j, problem, shapeKit, exampleKit)
			return 0, &bad
		}
		if !contains(cmd.Panel, id) {
			if len(cmd.Panel) == MaxPanel {
				bad := p.fail(j, fmt.Sprintf("a panel has at most %d people.", MaxPanel), shapeKit, exampleKit)
				return 0, &bad
			}
			cmd.Panel = append(cmd.Panel, id)
		}
	}
	if len(cmd.Panel) == 0 {
		bad := p.fail(i, "`with` needs the panel after it: type `@` and pick each person.", shapeKit, exampleKit)
		return 0, &bad
	}
	return j, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// mention reads a Slack user mention, <@U123> or <@U123|name>, and returns
// the user id, or a sentence saying why w is not one.
func mention(w word) (id, problem string) {
	const notMention = "a panel is Slack mentions: type `@` and pick each person from the list."
	if !w.markup {
		return "", notMention
	}
	body := w.text[1 : len(w.text)-1]
	if strings.HasPrefix(body, "!subteam") {
		return "", "a panel names people, not a user group: mention each person."
	}
	id, ok := strings.CutPrefix(body, "@")
	if !ok {
		return "", notMention
	}
	id, _, _ = strings.Cut(id, "|")
	if len(id) < 2 || len(id) > 24 || (id[0] != 'U' && id[0] != 'W') {
		return "", notMention
	}
	for _, c := range []byte(id) {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return "", notMention
		}
	}
	return id, ""
}

// interview reads `on YYYY-MM-DD HH:MM` at i into cmd.Interview.
func (p *parser) interview(cmd *Command, i int) (int, *Command) {
	const example = "/interview kit senior-backend with @ada on 2026-12-14 15:00"
	if !p.has(i + 1) {
		bad := p.fail(i, "`on` needs the interview's date and time after it, like `on 2026-12-14 15:00`.", shapeKit, example)
		return 0, &bad
	}
	date, ok := parseDate(p.lower(i + 1))
	if !ok {
		bad := p.fail(i+1, "the interview date is a real date written YYYY-MM-DD, like `2026-12-14`.", shapeKit, example)
		return 0, &bad
	}
	if !p.has(i+2) || isKitOption(p.lower(i+2)) {
		bad := p.fail(i+1, "the date needs a time after it, like `2026-12-14 15:00`.", shapeKit, example)
		return 0, &bad
	}
	h, m, next, bad := p.clock(i+2, shapeKit, example)
	if bad != nil {
		return 0, bad
	}
	cmd.Interview = fmt.Sprintf("%s %02d:%02d", date, h, m)
	return next, nil
}

// clock reads a time at i, and "am" or "pm" after it if written apart
// ("9 am"). It returns the index after it.
func (p *parser) clock(i int, form, example string) (hour, minute, next int, bad *Command) {
	if !p.has(i) {
		c := p.fail(i-1, "a time must follow, like `9:30`, `9am` or `21:00`.", form, example)
		return 0, 0, 0, &c
	}
	s, next := p.lower(i), i+1
	if suffix := p.lower(i + 1); (suffix == "am" || suffix == "pm") && !strings.HasSuffix(s, "m") {
		s, next = s+suffix, i+2
	}
	h, m, err := ParseClock(s)
	if err != nil {
		c := p.fail(i, err.Error()+".", form, example)
		return 0, 0, 0, &c
	}
	return h, m, next, nil
}

// ParseClock reads a time of day: `9`, `09:30`, `9:30`, `21:00` (24-hour
// clock), `9am`, `9:30pm`, `12am` (midnight). Its error is a sentence for
// the user, without the final full stop.
func ParseClock(s string) (hour, minute int, err error) {
	bad := fmt.Errorf("that is not a time I understand; write it like `9`, `9:30`, `9am`, `9:30pm` or `21:00` (24-hour clock)")
	s = strings.ToLower(s)
	meridiem := ""
	if t, ok := strings.CutSuffix(s, "am"); ok {
		s, meridiem = t, "am"
	} else if t, ok := strings.CutSuffix(s, "pm"); ok {
		s, meridiem = t, "pm"
	}
	hs, ms, hasMinutes := strings.Cut(s, ":")
	if len(hs) < 1 || len(hs) > 2 || !isDigits(hs) || (hasMinutes && (len(ms) != 2 || !isDigits(ms))) {
		return 0, 0, bad
	}
	hour, _ = strconv.Atoi(hs)
	if hasMinutes {
		minute, _ = strconv.Atoi(ms)
	}
	if minute > 59 {
		return 0, 0, bad
	}
	switch meridiem {
	case "":
		if hour > 23 {
			return 0, 0, bad
		}
	default:
		if hour < 1 || hour > 12 {
			return 0, 0, fmt.Errorf("with am or pm, the hour runs from 1 to 12, like `9am` or `12:30pm`")
		}
		hour %= 12
		if meridiem == "pm" {
			hour += 12
		}
	}
	return hour, minute, nil
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// zone reads a time zone at i: an IANA name in any case, or a city of one
// or more words naming exactly one zone. It returns the index after it.
func (p *parser) zone(i int, form, example string) (zone string, next int, bad *Command) {
	if !p.has(i) {
		c := p.fail(i-1, "a time zone must follow, like `tz Europe/Berlin` or `tz berlin`.", form, example)
		return "", 0, &c
	}
	// Cities may take several words ("new york"): longest first.
	for j := p.span(i, 3, isOptionWord); j > i; j-- {
		if z, ok := lookupZone(p.join(i, j)); ok {
			return z, j, nil
		}
	}
	_, err := ParseZone(p.words[i].text)
	c := p.fail(i, err.Error()+".", form, example)
	return "", 0, &c
}

// ParseZone reads a time zone: an IANA name in any case (`europe/berlin`),
// or a city naming exactly one zone (`berlin`, `new york`). It returns
// the zone's canonical name. Its error is a sentence for the user, with
// the nearest zone when there is one, without the final full stop.
func ParseZone(s string) (string, error) {
	if z, ok := lookupZone(s); ok {
		return z, nil
	}
	if zs := cityZones(s); len(zs) > 1 {
		return "", fmt.Errorf("that city names several time zones: say which, %s", "`"+strings.Join(zs, "` or `")+"`")
	}
	msg := "that is not a time zone I know"
	if s := suggestZone(s); s != "" {
		msg += fmt.Sprintf(" (did you mean `%s`?)", s)
	}
	return "", fmt.Errorf("%s: use a city like `berlin` or an IANA name like `Europe/Berlin` or `America/New_York`", msg)
}

// lookupZone resolves s, an IANA name in any case or a city, to a zone
// this binary can load.
func lookupZone(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "_")
	if s == "" || len(s) > 64 || strings.Contains(s, "..") || strings.HasPrefix(s, "/") || strings.EqualFold(s, "local") {
		return "", false
	}
	if strings.EqualFold(s, "utc") {
		return "UTC", true
	}
	if strings.Contains(s, "/") && strings.Contains(zoneNames, "\n"+s+"\n") {
		return s, true // typed exactly as listed
	}
	// A city first, so that `singapore` is Asia/Singapore rather than
	// the old link named Singapore.
	name := ""
	if !strings.Contains(s, "/") {
		if zs := cityZones(s); len(zs) == 1 {
			name = zs[0]
		}
	}
	for z := range strings.Lines(zoneNames) {
		if name != "" {
			break
		}
		if z = strings.TrimSuffix(z, "\n"); strings.EqualFold(z, s) {
			name = z
		}
	}
	if name == "" {
		return "", false
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "", false
	}
	return name, true
}

// cityZones is the zones whose last element is the city s: the canonical
// one if there is one, else every zone of that name.
func cityZones(s string) []string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "_")
	if s == "" || strings.Contains(s, "/") {
		return nil
	}
	for z := range strings.Lines(zoneCities) {
		z = strings.TrimSuffix(z, "\n")
		if strings.EqualFold(city(z), s) {
			return []string{z}
		}
	}
	var zs []string
	for z := range strings.Lines(zoneNames) {
		if z = strings.TrimSuffix(z, "\n"); strings.Contains(z, "/") && strings.EqualFold(city(z), s) {
			zs = append(zs, z)
		}
	}
	return zs
}

func city(zone string) string {
	return zone[strings.LastIndexByte(zone, '/')+1:]
}

// suggestZone is the zone nearest to s, or "".
func suggestZone(s string) string {
	byCity := strings.Contains(s, "/")
	var names []string
	list := zoneCities
	if byCity {
		list = zoneNames
	}
	for z := range strings.Lines(list) {
		z = strings.TrimSuffix(z, "\n")
		if byCity {
			names = append(names, z)
		} else {
			names = append(names, city(z))
		}
	}
	got, ok := questions.Suggest(s, names)
	if !ok {
		return ""
	}
	if byCity {
		return got
	}
	for z := range strings.Lines(zoneCities) {
		if z = strings.TrimSuffix(z, "\n"); city(z) == got {
			return z
		}
	}
	return ""
}

// weekday reads the spellings of a day of the week.
func weekday(s string) (time.Weekday, bool) {
	switch s {
	case "mon", "monday":
		return time.Monday, true
	case "tue", "tues", "tuesday":
		return time.Tuesday, true
	case "wed", "weds", "wednesday":
		return time.Wednesday, true
	case "thu", "thur", "thurs", "thursday":
		return time.Thursday, true
	case "fri", "friday":
		return time.Friday, true
	case "sat", "saturday":
		return time.Saturday, true
	case "sun", "sunday":
		return time.Sunday, true
	}
	return 0, false
}

// startsDays reports whether w starts a DAYS part: `weekdays`,
// `everyday`, `every day`, `daily`, or a list of days (`mon,wed,fri`).
func startsDays(w string) bool {
	switch w {
	case "weekdays", "everyday", "every", "daily":
		return true
	}
	first, _, _ := strings.Cut(strings.TrimLeft(w, ","), ",")
	_, ok := weekday(first)
	return ok
}

// days reads a DAYS part at i: `weekdays`, `everyday`, `every day`, or a
// list of days separated by commas and/or spaces (`mon,wed,fri`,
// `mon, wed, fri`, `mon wed fri`). It returns the index after it.
func (p *parser) days(i int, form, example string) (Days, int, *Command) {
	switch p.lower(i) {
	case "weekdays":
		return Weekdays, i + 1, nil
	case "everyday", "daily":
		return Everyday, i + 1, nil
	case "every":
		if p.lower(i+1) == "day" {
			return Everyday, i + 2, nil
		}
		bad := p.fail(i, "did you mean `every day`?", form, example)
		return "", 0, &bad
	}
	var set [7]bool
	j := i
	for ; p.has(j) && startsDays(p.lower(j)) && !isDaysWord(p.lower(j)); j++ {
		for part := range strings.SplitSeq(p.lower(j), ",") {
			if part == "" {
				continue
			}
			d, ok := weekday(part)
			if !ok {
				bad := p.fail(j, fmt.Sprintf("%s is not a day; name days like `mon,wed,fri`.", quote(part)), form, example)
				return "", 0, &bad
			}
			if set[d] {
				bad := p.fail(j, fmt.Sprintf("%s is named twice.", quote(part)), form, example)
				return "", 0, &bad
			}
			set[d] = true
		}
	}
	return daysOf(set), j, nil
}

// isDaysWord reports whether w is a DAYS word rather than a day.
func isDaysWord(w string) bool {
	return w == "weekdays" || w == "everyday" || w == "every" || w == "daily"
}

func (p *parser) daily() Command {
	if !p.has(1) {
		return invalid("Which role should the daily question come from? %s `/interview daily status` shows this channel's schedules.", shape(shapeDaily, exampleDaily))
	}
	switch w := p.lower(1); w {
	case "help":
		return p.subHelp("daily")
	case "status":
		return p.noArgs(2, Command{Kind: KindDailyStatus}, "/interview daily status")
	case "off":
		const form = "/interview daily off [id|all]"
		if p.lower(2) == "all" {
			return p.noArgs(3, Command{Kind: KindDailyOff, All: true}, form)
		}
		return p.scheduleID(Command{Kind: KindDailyOff}, form)
	case "now":
		return p.scheduleID(Command{Kind: KindDailyNow}, "/interview daily now [id]")
	case "resume":
		return p.scheduleID(Command{Kind: KindDailyResume}, "/interview daily resume [id]")
	case "pause":
		return p.dailyPause()
	case "skip":
		return p.dailySkip()
	case "me":
		if !p.has(2) {
			return invalid("Which role should your daily question come from? %s", shape(shapeDailyMe, exampleDailyMe))
		}
		r, next, ok := p.role(2)
		if !ok {
			return p.unknownRole(2, shapeDailyMe, exampleDailyMe)
		}
		return p.tail(Command{Kind: KindDailyMe, Role: r}, next, options{category: true, difficulty: true, schedule: true}, shapeDailyMe, exampleDailyMe)
	}
	r, next, ok := p.role(1)
	if !ok {
		return p.unknownSub("daily", dailyWords, 1, shapeDaily, exampleDaily)
	}
	return p.tail(Command{Kind: KindDaily, Role: r}, next, options{category: true, difficulty: true, schedule: true, zone: true}, shapeDaily, exampleDaily)
}

// scheduleID reads an optional schedule id at word 2, then nothing.
func (p *parser) scheduleID(cmd Command, form string) Command {
	if !p.has(2) {
		return cmd
	}
	id, ok := parseScheduleID(p.lower(2))
	if !ok {
		return p.fail(2, "that is not a schedule id; ids look like `d12`, and `/interview daily status` lists them.", form, "")
	}
	cmd.ID = id
	return p.noArgs(3, cmd, form)
}

// parseScheduleID reads "d12" (or "12") as "d12".
func parseScheduleID(w string) (string, bool) {
	digits := strings.TrimPrefix(w, "d")
	if !isDigits(digits) || len(digits) > 18 || strings.HasPrefix(digits, "0") {
		return "", false
	}
	return "d" + digits, true
}

func (p *parser) dailyPause() Command {
	const form = "/interview daily pause [id] [until YYYY-MM-DD]"
	cmd := Command{Kind: KindDailyPause}
	i := 2
	if p.has(i) && p.lower(i) != "until" {
		id, ok := parseScheduleID(p.lower(i))
		if !ok {
			return p.fail(i, "that is neither a schedule id (like `d12`) nor `until`.", form, "/interview daily pause d12 until 2026-01-05")
		}
		cmd.ID = id
		i++
	}
	if p.lower(i) == "until" {
		if !p.has(i + 1) {
			return p.fail(i, "`until` needs a date after it, like `until 2026-01-05`.", form, "")
		}
		d, ok := parseDate(p.lower(i + 1))
		if !ok {
			return p.fail(i+1, "a date is written YYYY-MM-DD, like `2026-01-05`.", form, "")
		}
		cmd.Until = d
		i += 2
	}
	return p.noArgs(i, cmd, form)
}

func (p *parser) dailySkip() Command {
	const form, example = "/interview daily skip YYYY-MM-DD[..YYYY-MM-DD]", "/interview daily skip 2026-12-24..2026-12-26"
	if !p.has(2) {
		return invalid("Skip which days? %s", shape(form, example))
	}
	first := p.lower(2)
	from, to, isRange := strings.Cut(first, "..")
	next := 3
	if !isRange && p.lower(3) == ".." && p.has(4) { // spaced: 2026-12-24 .. 2026-12-26
		to, isRange, next = p.lower(4), true, 5
	} else if !isRange && strings.HasPrefix(p.lower(3), "..") {
		to, isRange, next = strings.TrimPrefix(p.lower(3), ".."), true, 4
	}
	if isRange && to == "" && p.has(3) { // 2026-12-24.. 2026-12-26
		to, next = p.lower(3), 4
	}
	f, ok := parseDate(from)
	if !ok {
		return p.fail(2, "a date is written YYYY-MM-DD, like `2026-12-24`.", form, example)
	}
	cmd := Command{Kind: KindDailySkip, From: f, To: f}
	if isRange {
		t, ok := parseDate(to)
		if !ok {
			return p.fail(next-1, "a range is two dates, like `2026-12-24..2026-12-26`.", form, example)
		}
		ft, _ := time.Parse(time.DateOnly, f)
		tt, _ := time.Parse(time.DateOnly, t)
		if tt.Before(ft) {
			return p.fail(next-1, "the range ends before it starts.", form, example)
		}
		if tt.Sub(ft) >= maxSkipDays*24*time.Hour {
			return p.fail(next-1, fmt.Sprintf("skip at most %d days at once; `/interview daily pause` stops a schedule for longer.", maxSkipDays), form, example)
		}
		cmd.To = t
	}
	return p.noArgs(next, cmd, form)
}

// parseDate reads a real date written YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	if len(s) != len(time.DateOnly) {
		return "", false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func (p *parser) add() Command {
	if !p.has(1) {
		return invalid("Add what? %s", shape(shapeAdd, exampleAdd))
	}
	r, i, ok := p.role(1)
	if !ok {
		return p.unknownRole(1, shapeAdd, exampleAdd)
	}
	if !p.has(i) {
		return invalid("Which category, and what is the question? %s", shape(shapeAdd, exampleAdd))
	}
	c, j, ok := p.categoryPrefix(r, i)
	if !ok {
		return p.unknownCategory(r, i, shapeAdd, exampleAdd)
	}
	if !p.has(j) {
		return invalid("What is the question? %s", shape(shapeAdd, exampleAdd))
	}
	return Command{Kind: KindAdd, Role: r, Category: c, Text: p.rest(j)}
}

// categoryPrefix resolves the shortest run of words from i that names a
// category, leaving the rest as free text.
func (p *parser) categoryPrefix(r *questions.Role, i int) (*questions.Category, int, bool) {
	end := p.span(i, maxNameWords, nil)
	for j := i + 1; j <= end; j++ {
		if c, ok := r.Category(p.join(i, j)); ok {
			return c, j, true
		}
	}
	return nil, i, false
}

// questionID reads `remove|hide|unhide <question-id>`.
func (p *parser) questionID(kind Kind, name string) Command {
	form := "/interview " + name + " <question-id>"
	if !p.has(1) {
		return invalid("Which question? Give its id, like `/interview %s sbe-t01` (lists show the ids).", name)
	}
	if !isID(p.lower(1)) {
		return p.fail(1, "that is not a question id; lists show the ids, like `sbe-t01` or `team-12`.", form, "")
	}
	return p.noArgs(2, Command{Kind: kind, ID: p.lower(1)}, form)
}

// isID reports whether s looks like a question or kit id: lower-case
// letters, digits and hyphens.
func isID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
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
