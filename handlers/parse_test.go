package handlers

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
)

func builtin(t testing.TB) *questions.Bank {
	t.Helper()
	b, err := questions.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return b
}

// summary writes every field of a parsed command that is set, in one line,
// so that a table can say exactly what a text parses to.
func summary(c Command) string {
	parts := []string{c.Kind.String()}
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if c.Role != nil {
		add("role=%s", c.Role.Slug)
	}
	if c.Category != nil {
		add("cat=%s", c.Category.Slug)
	}
	if c.Difficulty != 0 {
		add("diff=%d", c.Difficulty)
	}
	for _, p := range c.Parts {
		add("%s:%d", p.Category.Slug, p.N)
	}
	if c.Panel != nil {
		add("panel=%s", strings.Join(c.Panel, ","))
	}
	if c.Interview != "" {
		add("on=%s", c.Interview)
	}
	if c.Candidate != "" {
		add("for=%s", c.Candidate)
	}
	if d := c.Daily; d.HasTime {
		add("at=%02d:%02d", d.Hour, d.Minute)
	}
	if c.Daily.Zone != "" {
		add("tz=%s", c.Daily.Zone)
	}
	if c.Daily.Days != "" {
		add("days=%s", c.Daily.Days)
	}
	if c.ID != "" {
		add("id=%s", c.ID)
	}
	if c.All {
		add("all")
	}
	if c.Until != "" {
		add("until=%s", c.Until)
	}
	if c.From != "" {
		add("skip=%s..%s", c.From, c.To)
	}
	if c.Topic != "" {
		add("topic=%s", c.Topic)
	}
	if c.Text != "" {
		add("text=%s", c.Text)
	}
	return strings.Join(parts, " ")
}

// TestParse holds the parser to every example of the contract
// (docs: shared/product/commands.md) and to the forms issue 18 asked for.
func TestParse(t *testing.T) {
	bank := builtin(t)
	tests := []struct{ text, want string }{
		// help, roles, lists
		{"", "help"},
		{"   ", "help"},
		{"help", "help"},
		{"HELP", "help"},
		{"?", "help"},
		{"help kit", "sub_help topic=kit"},
		{"help nonsense", "help"},
		{"kit help", "sub_help topic=kit"},
		{"daily help", "sub_help topic=daily"},
		{"practice help", "sub_help topic=practice"},
		{"Practise HELP", "sub_help topic=practice"},
		{"roles", "roles"},
		{"senior-backend", "role role=senior-backend"},
		{"backend", "role role=senior-backend"},
		{"sbe", "role role=senior-backend"},
		{"Senior Backend Engineer", "role role=senior-backend"},
		{"senior backend engineer", "role role=senior-backend"},
		{"senior-backend technical", "list role=senior-backend cat=technical"},
		{"  SENIOR-BACKEND    Technical  ", "list role=senior-backend cat=technical"},
		{"backend tech", "list role=senior-backend cat=technical"},
		{"sbe behavioural", "list role=senior-backend cat=behavioral"},
		{"sbe behavioral", "list role=senior-backend cat=behavioral"},
		{"Senior Backend Engineer behavioral", "list role=senior-backend cat=behavioral"},
		{"sbe problem solving", "list role=senior-backend cat=problem-solving"},
		{"sbe System Design", "list role=senior-backend cat=system-design"},
		{"business-analyst requirements", "list role=business-analyst cat=requirements"},
		{"ba process modelling", "list role=business-analyst cat=process-modeling"},

		// practice
		{"practice senior-backend", "practice role=senior-backend"},
		{"practise senior-backend", "practice role=senior-backend"},
		{"practice sbe behavioral", "practice role=senior-backend cat=behavioral"},
		{"practice senior-backend technical hard", "practice role=senior-backend cat=technical diff=3"},
		{"practice sbe EASY", "practice role=senior-backend diff=1"},
		{"practice sbe medium tech", "practice role=senior-backend cat=technical diff=2"},
		{"practice me", "practice_me"},
		{"practice me senior-backend", "practice_me role=senior-backend"},
		{"practise me sbe technical hard", "practice_me role=senior-backend cat=technical diff=3"},
		{"practice me hard", "practice_me diff=3"},
		{"me", "me"},
		{"forget me", "forget_me"},
		{"Forget Me", "forget_me"},

		// kits
		{"kit", "kit_build"},
		{"kit list", "kit_list"},
		{"kit show k7q2mx", "kit_show id=k7q2mx"},
		{"kit close K7Q2MX", "kit_close id=k7q2mx"},
		{"kit delete k7q2mx", "kit_delete id=k7q2mx"},
		{"kit senior-backend", "kit role=senior-backend"},
		{"kit senior-backend technical 3 behavioral 2", "kit role=senior-backend technical:3 behavioral:2"},
		{"kit sbe problem solving 2", "kit role=senior-backend problem-solving:2"},
		{"kit senior-backend technical 3 with <@U1> <@U2|grace> on 2026-12-14 15:00 for Ada L. (req 4411)",
			"kit role=senior-backend technical:3 panel=U1,U2 on=2026-12-14 15:00 for=Ada L. (req 4411)"},
		{"kit sbe with <@U1|Ada Lovelace> <@W2> <@U1>", "kit role=senior-backend panel=U1,W2"},
		{"kit sbe on 2026-12-14 3pm", "kit role=senior-backend on=2026-12-14 15:00"},
		{"kit sbe for Ada   L. &amp; co with <@U1>", "kit role=senior-backend for=Ada L. & co with <@U1>"},
		{"kit sbe for " + strings.Repeat("é", MaxCandidateLabel), "kit role=senior-backend for=" + strings.Repeat("é", MaxCandidateLabel)},

		// daily schedules
		{"daily status", "daily_status"},
		{"daily off", "daily_off"},
		{"daily off d12", "daily_off id=d12"},
		{"daily off D12", "daily_off id=d12"},
		{"daily off 12", "daily_off id=d12"},
		{"daily off all", "daily_off all"},
		{"daily now", "daily_now"},
		{"daily now d3", "daily_now id=d3"},
		{"daily pause", "daily_pause"},
		{"daily pause d12", "daily_pause id=d12"},
		{"daily pause until 2026-01-05", "daily_pause until=2026-01-05"},
		{"daily pause d12 until 2026-01-05", "daily_pause id=d12 until=2026-01-05"},
		{"daily resume", "daily_resume"},
		{"daily resume d12", "daily_resume id=d12"},
		{"daily skip 2026-12-24", "daily_skip skip=2026-12-24..2026-12-24"},
		{"daily skip 2026-12-24..2026-12-26", "daily_skip skip=2026-12-24..2026-12-26"},
		{"daily skip 2026-12-24 .. 2026-12-26", "daily_skip skip=2026-12-24..2026-12-26"},
		{"daily skip 2026-12-24.. 2026-12-26", "daily_skip skip=2026-12-24..2026-12-26"},
		{"daily skip 2026-12-31..2027-01-01", "daily_skip skip=2026-12-31..2027-01-01"},
		{"daily senior-backend", "daily role=senior-backend"},
		{"daily senior-backend technical at 09:30 tz Europe/Berlin weekdays", "daily role=senior-backend cat=technical at=09:30 tz=Europe/Berlin days=weekdays"},
		{"daily sbe technical hard at 9:30 tz Europe/Berlin mon,wed,fri", "daily role=senior-backend cat=technical diff=3 at=09:30 tz=Europe/Berlin days=mon,wed,fri"},
		{"daily sbe at 9", "daily role=senior-backend at=09:00"},
		{"daily sbe at 09:30", "daily role=senior-backend at=09:30"},
		{"daily sbe at 9:30", "daily role=senior-backend at=09:30"},
		{"daily sbe at 9am", "daily role=senior-backend at=09:00"},
		{"daily sbe at 8AM", "daily role=senior-backend at=08:00"},
		{"daily sbe at 9:30pm", "daily role=senior-backend at=21:30"},
		{"daily sbe at 9:30 PM", "daily role=senior-backend at=21:30"},
		{"daily sbe at 21:00", "daily role=senior-backend at=21:00"},
		{"daily sbe at 12am", "daily role=senior-backend at=00:00"},
		{"daily sbe at 12pm", "daily role=senior-backend at=12:00"},
		{"daily sbe at 0:05", "daily role=senior-backend at=00:05"},
		{"daily sbe tz europe/berlin", "daily role=senior-backend tz=Europe/Berlin"},
		{"daily sbe tz EUROPE/BERLIN", "daily role=senior-backend tz=Europe/Berlin"},
		{"daily sbe tz berlin", "daily role=senior-backend tz=Europe/Berlin"},
		{"daily sbe tz new york weekdays", "daily role=senior-backend tz=America/New_York days=weekdays"},
		{"daily sbe tz new_york", "daily role=senior-backend tz=America/New_York"},
		{"daily sbe tz utc", "daily role=senior-backend tz=UTC"},
		{"daily sbe tz us/eastern", "daily role=senior-backend tz=US/Eastern"},
		{"daily sbe tz indianapolis", "daily role=senior-backend tz=America/Indiana/Indianapolis"},
		{"daily sbe everyday", "daily role=senior-backend days=everyday"},
		{"daily sbe every day", "daily role=senior-backend days=everyday"},
		{"daily sbe Every Day at 7:05 tz America/New_York", "daily role=senior-backend at=07:05 tz=America/New_York days=everyday"},
		{"daily sbe weekdays", "daily role=senior-backend days=weekdays"},
		{"daily sbe mon,wed,fri", "daily role=senior-backend days=mon,wed,fri"},
		{"daily sbe mon, wed, fri", "daily role=senior-backend days=mon,wed,fri"},
		{"daily sbe mon wed fri", "daily role=senior-backend days=mon,wed,fri"},
		{"daily sbe Friday,monday", "daily role=senior-backend days=mon,fri"},
		{"daily sbe sat,sun", "daily role=senior-backend days=sat,sun"},
		{"daily sbe mon,tue,wed,thu,fri", "daily role=senior-backend days=weekdays"},
		{"daily sbe mon tue wed thu fri sat sun", "daily role=senior-backend days=everyday"},
		{"daily sbe mon,wed at 8", "daily role=senior-backend at=08:00 days=mon,wed"},
		{"daily sbe weekdays at 8 tech", "daily role=senior-backend cat=technical at=08:00 days=weekdays"},
		{"daily me senior-backend", "daily_me role=senior-backend"},
		{"daily me sbe technical easy at 8am weekdays", "daily_me role=senior-backend cat=technical diff=1 at=08:00 days=weekdays"},

		// feedback and the team bank
		{"feedback", "feedback"},
		{"feedback backend", "feedback role=senior-backend"},
		{"feedback sbe technical", "feedback role=senior-backend cat=technical"},
		{"add senior-backend technical How do you size a pool?", "add role=senior-backend cat=technical text=How do you size a pool?"},
		{"add senior-backend technical  How do  you size a <pool> & why?", "add role=senior-backend cat=technical text=How do you size a <pool> & why?"},
		// Slack escapes &, < and > in command text; the stored text is what the user typed.
		{"add sbe tech Is &lt;!channel&gt; &amp; co safe?", "add role=senior-backend cat=technical text=Is <!channel> & co safe?"},
		{"add sbe problem solving Why?", "add role=senior-backend cat=problem-solving text=Why?"},
		{"remove team-12", "remove id=team-12"},
		{"hide sbe-t01", "hide id=sbe-t01"},
		{"unhide SBE-T01", "unhide id=sbe-t01"},
	}
	for _, tt := range tests {
		t.Run(tt.text[:min(len(tt.text), 60)], func(t *testing.T) {
			got := Parse(bank, tt.text)
			if s := summary(got); s != tt.want {
				t.Errorf("Parse(%q) = %s, want %s (problem: %s)", tt.text, s, tt.want, got.Problem)
			}
		})
	}
}

// TestParseBlame: a command that is not understood is answered with the
// first word that could not be placed, in a code span, and (where given)
// a hint such as the shape expected or the nearest name.
func TestParseBlame(t *testing.T) {
	bank := builtin(t)
	tests := []struct {
		text  string
		blame string // the word named, "" when the problem is a missing word
		hint  string // a substring of the problem
	}{
		// The examples.
		{"daily sbe tech 9am", "9am", "`at 9am`"},
		{"daily sbe 9am", "9am", "`at 9am`"},
		{"daily sbe tech 9", "9", "`at 9`"},
		{"daily sbe technical berlin", "berlin", "`tz Europe/Berlin`"},
		{"daily off sbe", "sbe", "d12"},
		{"daily sbe techincal at 9", "techincal", "Did you mean `technical`"},

		{"roles extra", "extra", "takes nothing after it"},
		{"sbee", "sbee", "Did you mean `senior-backend`"},
		{"senior-bakend technical", "senior-bakend", "Did you mean `senior-backend`"},
		{"Senior Bakend Engineer", "Senior", "Did you mean `senior-backend`"},
		{"nonsense-role", "nonsense-role", "I don't know a role"},
		{"pratice senior-backend", "pratice", "did you mean `/interview practice`"},
		{"dialy sbe", "dialy", "did you mean `/interview daily`"},
		{"senior-backend techincal", "techincal", "Did you mean `technical`"},
		{"senior-backend technical extra", "extra", "Expected `/interview &lt;role&gt; [category]`"},
		{"&lt;!channel&gt;", "&lt;!channel&gt;", "I don't know a role"},
		{"practice", "", "Which role"},
		{"practice sbe technical hard extra", "extra", "Expected `/interview practice"},
		{"practice sbe hard easy", "easy", "difficulty is given twice"},
		{"practice sbe 9am", "9am", "has no category"},
		{"practice me technical", "technical", "I don't know a role"},
		{"practice stauts", "stauts", "I don't know a role"},
		{"practice sbe help", "help", "has no category"},
		{"practice help me", "me", "takes nothing after it"},
		{"me please", "please", "takes nothing after it"},
		{"forget", "", "Forget what"},
		{"forget you", "you", "/interview forget me"},
		{"forget me now", "now", "takes nothing after it"},
		{"feedback nonsense", "nonsense", "I don't know a role"},
		{"feedback sbe techy", "techy", "Did you mean `technical`"},
		{"feedback sbe technical more", "more", "nothing more"},

		{"kit lsit", "lsit", "did you mean `/interview kit list`"},
		{"kit list all", "all", "takes nothing after it"},
		{"kit show", "", "Which kit"},
		{"kit show k7 now", "now", "takes nothing after it"},
		{"kit show <@U1>", "&lt;@U1&gt;", "not a kit id"},
		{"kit senior-backend technical", "technical", "How many"},
		{"kit senior-backend technical 0", "0", "1 to 20"},
		{"kit senior-backend technical x", "x", "1 to 20"},
		{"kit senior-backend 3 technical", "3", "comes after a category"},
		{"kit senior-backend technical 15 behavioral 15", "", "at most 20"},
		{"kit senior-backend technical 2 technical 2", "technical", "named twice"},
		{"kit sbe techy 2", "techy", "Did you mean `technical`"},
		{"kit sbe with", "with", "needs the panel"},
		{"kit sbe with bob", "bob", "Slack mentions"},
		{"kit sbe with @bob", "@bob", "Slack mentions"},
		{"kit sbe with &lt;@U1&gt;", "&lt;@U1&gt;", "Slack mentions"},
		{"kit sbe with <!subteam^S1|@team>", "&lt;!subteam^S1|@team&gt;", "not a user group"},
		{"kit sbe with <#C1|general>", "&lt;#C1|general&gt;", "Slack mentions"},
		{"kit sbe with <@U1> with <@U2>", "with", "twice"},
		{"kit sbe with <@U1> <@U2> <@U3> <@U4> <@U5> <@U6> <@U7> <@U8> <@U9> <@U10> <@U11>", "&lt;@U11&gt;", "at most 10"},
		{"kit sbe on", "on", "date and time"},
		{"kit sbe on tomorrow 15:00", "tomorrow", "YYYY-MM-DD"},
		{"kit sbe on 2026-02-30 15:00", "2026-02-30", "real date"},
		{"kit sbe on 2026-12-14", "2026-12-14", "needs a time"},
		{"kit sbe on 2026-12-14 25:00", "25:00", "not a time"},
		{"kit sbe on 2026-12-14 15:00 on 2026-12-15 15:00", "on", "twice"},
		{"kit sbe for", "for", "candidate label"},
		{"kit sbe for " + strings.Repeat("x", MaxCandidateLabel+1), "for", "at most 80"},

		{"daily", "", "Which role"},
		{"daily stauts", "stauts", "did you mean `/interview daily status`"},
		{"daily status now", "now", "takes nothing after it"},
		{"daily off d1 d2", "d2", "takes nothing after it"},
		{"daily off all d1", "d1", "takes nothing after it"},
		{"daily off d", "d", "not a schedule id"},
		{"daily now 0", "0", "not a schedule id"},
		{"daily pause later", "later", "schedule id"},
		{"daily pause d1 until", "until", "needs a date"},
		{"daily pause d1 until monday", "monday", "YYYY-MM-DD"},
		{"daily pause d1 until 2026-01-05 now", "now", "takes nothing after it"},
		{"daily skip", "", "Skip which days"},
		{"daily skip christmas", "christmas", "YYYY-MM-DD"},
		{"daily skip 2026-12-24..", "2026-12-24..", "two dates"},
		{"daily skip 2026-12-26..2026-12-24", "2026-12-26..2026-12-24", "ends before it starts"},
		{"daily skip 2026-01-01..2027-12-31", "2026-01-01..2027-12-31", "at most 366 days"},
		{"daily skip 2026-12-24 2026-12-25", "2026-12-25", "takes nothing after it"},
		{"daily senior-backend at 25:00", "25:00", "not a time"},
		{"daily senior-backend at 9:5", "9:5", "not a time"},
		{"daily senior-backend at 13pm", "13pm", "1 to 12"},
		{"daily senior-backend at 0am", "0am", "1 to 12"},
		{"daily senior-backend at", "at", "a time must follow"},
		{"daily senior-backend at 9 at 10", "at", "twice"},
		{"daily senior-backend tz", "tz", "a time zone must follow"},
		{"daily senior-backend tz Mars/Olympus", "Mars/Olympus", "not a time zone"},
		{"daily senior-backend tz ../../etc/passwd", "../../etc/passwd", "not a time zone"},
		{"daily senior-backend tz europe/berln", "europe/berln", "did you mean `Europe/Berlin`"},
		{"daily senior-backend tz berln", "berln", "did you mean `Europe/Berlin`"},
		{"daily senior-backend tz local", "local", "not a time zone"},
		{"daily senior-backend tz UTC tz UTC", "tz", "twice"},
		{"daily senior-backend everyday weekdays", "weekdays", "twice"},
		{"daily senior-backend every", "every", "`every day`"},
		{"daily senior-backend mon,wdd", "mon,wdd", "`wdd` is not a day"},
		{"daily senior-backend mon,mon", "mon,mon", "named twice"},
		{"daily sbe technical behavioral", "behavioral", "Expected `/interview daily"},
		{"daily sbe hard hard", "hard", "twice"},
		{"daily sbe tech at 9 tomorrow", "tomorrow", "Expected `/interview daily"},
		{"daily me", "", "Which role"},
		{"daily me sbe tz berlin", "tz", "your own Slack time zone"},
		{"daily me nobody", "nobody", "I don't know a role"},

		{"add senior-backend technical", "", "What is the question"},
		{"add senior-backend", "", "Which category"},
		{"add", "", "Add what"},
		{"add nobody tech Why?", "nobody", "I don't know a role"},
		{"add sbe nothing Why?", "nothing", "has no category"},
		{"remove", "", "Which question"},
		{"remove team-12 team-13", "team-13", "takes nothing after it"},
		{"remove <@U1>", "&lt;@U1&gt;", "not a question id"},
		{"hide", "", "Which question"},
		{"unhide a b", "b", "takes nothing after it"},
		{strings.Repeat("x", MaxCommandText+1), "", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.text[:min(len(tt.text), 60)], func(t *testing.T) {
			got := Parse(bank, tt.text)
			if got.Kind != KindInvalid {
				t.Fatalf("Parse(%q) = %s, want invalid", tt.text, summary(got))
			}
			if tt.blame != "" && !strings.Contains(got.Problem, "`"+tt.blame+"`") {
				t.Errorf("Parse(%q): problem %q does not name `%s`", tt.text, got.Problem, tt.blame)
			}
			if !strings.Contains(got.Problem, tt.hint) {
				t.Errorf("Parse(%q): problem %q does not say %q", tt.text, got.Problem, tt.hint)
			}
		})
	}
}

// TestParseNamesFit: resolving a name reads at most maxNameWords words, so
// every role and category name of the bank must fit in that many.
func TestParseNamesFit(t *testing.T) {
	words := func(s string) int {
		return len(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }))
	}
	for _, r := range builtin(t).Roles() {
		for _, n := range append([]string{r.Slug, r.Title}, r.Aliases...) {
			if words(n) > maxNameWords {
				t.Errorf("role name %q has %d words, more than maxNameWords (%d)", n, words(n), maxNameWords)
			}
		}
		for _, c := range r.Categories {
			for _, n := range append([]string{c.Slug, c.Title}, c.Aliases...) {
				if words(n) > maxNameWords {
					t.Errorf("category name %q has %d words, more than maxNameWords (%d)", n, words(n), maxNameWords)
				}
			}
		}
	}
}

// TestParseZonesLoad: every zone the parser may return loads, and every
// city of the canonical list names its zone.
func TestParseZonesLoad(t *testing.T) {
	for z := range strings.Lines(zoneCities) {
		z = strings.TrimSuffix(z, "\n")
		got, err := ParseZone(strings.ToLower(z))
		if err != nil || got != z {
			t.Errorf("ParseZone(%q) = %q, %v; want %s", strings.ToLower(z), got, err, z)
		}
		c := strings.ReplaceAll(city(z), "_", " ")
		if got, err := ParseZone(c); err != nil || got != z {
			t.Errorf("ParseZone(%q) = %q, %v; want %s", c, got, err, z)
		}
	}
	n := 0
	for z := range strings.Lines(zoneNames) {
		z = strings.TrimSuffix(z, "\n")
		if _, ok := lookupZone(z); !ok {
			t.Errorf("zone %q does not load", z)
		}
		n++
	}
	if n < 400 {
		t.Errorf("only %d zone names", n)
	}
}

// TestParseLinear: the parser's cost grows with the words it reads, not
// with their square (issue 17: a 4,000-character command cost 316 ms of
// CPU and 81 MiB). Ten times the words may cost at most about ten times
// the bytes allocated; the square would be a hundred.
func TestParseLinear(t *testing.T) {
	bank := builtin(t)
	allocated := func(text string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const n = 20
		for range n {
			Parse(bank, text)
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / n
	}
	for _, prefix := range []string{"", "daily sbe ", "kit sbe ", "practice me ", "feedback ", "add sbe technical ", "kit sbe for ", "daily sbe tech at 9 tz "} {
		for _, w := range []string{"x ", "senior ", "<@U1> ", "mon, ", "technical 1 ", "&amp; "} {
			short := prefix + strings.Repeat(w, 40)
			long := prefix + strings.Repeat(w, 400)
			if len(long) > MaxCommandText {
				long = long[:MaxCommandText]
			}
			s, l := allocated(short), allocated(long)
			if l > 15*max(s, 1024) {
				t.Errorf("Parse(%.30q…): %d bytes for %d characters, %d for %d: more than linear", long, s, len(short), l, len(long))
			}
			if l > 256<<10 {
				t.Errorf("Parse(%.30q…): %d bytes for %d characters", long, l, len(long))
			}
		}
	}
}

// FuzzParse: no input panics, and every parse renders a message within
// Slack's limits (an answer is never empty).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "help", "roles", "senior-backend technical", "sbe tech", "kit sbe technical 3 behavioral 2",
		"daily sbe at 09:00 tz Europe/Berlin weekdays", "add sbe tech <!channel> hi", "remove team-1", "\x00\xff", "practice ba uml",
		"kit list", "feedback ba", "Senior Backend Engineer behavioural", "daily sbe at 99:99", "🙂 \u202e", "kit sbe technical 99999999999999999999",
		"kit sbe with <@U1|Ada L> <@W2> on 2026-12-14 3pm for Ada (req 1)", "daily sbe tech 9am", "daily me sbe every day at 9:30pm",
		"daily skip 2026-12-24..2026-12-26", "daily pause d3 until 2026-01-05", "daily sbe tz new york mon, wed", "practise me hard",
		"kit help", "forget me", "hide sbe-t01", "<<<>", "kit sbe for <@U1 &amp;"} {
		f.Add(s)
	}
	bank := builtin(f)
	f.Fuzz(func(t *testing.T, text string) {
		cmd := Parse(bank, text)
		if cmd.Kind == KindInvalid {
			if cmd.Problem == "" {
				t.Fatalf("Parse(%q): invalid without a problem", text)
			}
			if err := Validate(*textMessage(cmd.Problem)); err != nil {
				t.Fatalf("Parse(%q): problem message invalid: %v", text, err)
			}
		}
		if cmd.Kind < KindInvalid || cmd.Kind >= kindCount {
			t.Fatalf("Parse(%q): kind %d", text, cmd.Kind)
		}
		if cmd.Daily.Days != "" && !cmd.Daily.Days.Valid() {
			t.Fatalf("Parse(%q): days %q", text, cmd.Daily.Days)
		}
		if len([]rune(cmd.Candidate)) > MaxCandidateLabel || len(cmd.Panel) > MaxPanel {
			t.Fatalf("Parse(%q): candidate %q, panel %v", text, cmd.Candidate, cmd.Panel)
		}
		var m *Message
		count := func(c *questions.Category) int { return len(c.Questions) }
		switch cmd.Kind {
		case KindHelp:
			m = renderHelp()
		case KindSubHelp:
			m = renderSubHelp(cmd.Topic)
		case KindRoles:
			m = renderRoles(bank, func(_ *questions.Role, c *questions.Category) int { return count(c) })
		case KindRole:
			m = renderRoleCard(cmd.Role, count)
		case KindList:
			m = renderList(pool{role: cmd.Role, category: cmd.Category, questions: cmd.Category.Questions}, 1, "", "")
		}
		if m != nil {
			if err := Validate(*m); err != nil {
				t.Fatalf("Parse(%q): the answer breaks Slack's limits: %v", text, err)
			}
		}
	})
}

// TestKindNames: every kind has its own metric name, and nothing outside
// the kinds gets one.
func TestKindNames(t *testing.T) {
	seen := map[string]Kind{}
	for k := range kindCount {
		name := k.String()
		if name == "" || name == "unknown" {
			t.Errorf("Kind %d has no name", k)
		}
		if prev, ok := seen[name]; ok {
			t.Errorf("Kinds %d and %d are both %q", prev, k, name)
		}
		seen[name] = k
	}
	for _, k := range []Kind{-1, kindCount} {
		if got := k.String(); got != "unknown" {
			t.Errorf("Kind(%d).String() = %q, want unknown", k, got)
		}
	}
}
