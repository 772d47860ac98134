package handlers

import (
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

func TestParse(t *testing.T) {
	bank := builtin(t)
	tests := []struct {
		text     string
		kind     Kind
		role     string // slug
		category string // slug
		problem  string // substring of Problem
	}{
		{text: "", kind: KindHelp},
		{text: "   ", kind: KindHelp},
		{text: "help", kind: KindHelp},
		{text: "HELP", kind: KindHelp},
		{text: "roles", kind: KindRoles},
		{text: "roles extra", kind: KindInvalid, problem: "takes no arguments"},
		{text: "senior-backend", kind: KindRole, role: "senior-backend"},
		{text: "Senior Backend Engineer", kind: KindRole, role: "senior-backend"},
		{text: "senior-backend technical", kind: KindList, role: "senior-backend", category: "technical"},
		{text: "  SENIOR-BACKEND    Technical  ", kind: KindList, role: "senior-backend", category: "technical"},
		{text: "backend tech", kind: KindList, role: "senior-backend", category: "technical"},
		{text: "sbe behavioural", kind: KindList, role: "senior-backend", category: "behavioral"},
		{text: "Senior Backend Engineer behavioral", kind: KindList, role: "senior-backend", category: "behavioral"},
		{text: "business-analyst requirements", kind: KindList, role: "business-analyst", category: "requirements"},
		{text: "senior-bakend technical", kind: KindInvalid, problem: "senior-backend"},
		{text: "sbee", kind: KindInvalid, problem: "Did you mean `senior-backend`"},
		{text: "pratice senior-backend", kind: KindInvalid, problem: "Did you mean `/interview practice`"},
		{text: "senior-backend techincal", kind: KindInvalid, problem: "Did you mean `technical`"},
		{text: "senior-backend technical extra", kind: KindInvalid, problem: "but not `extra`"},
		{text: "nonsense-role", kind: KindInvalid, problem: "I don't know a role"},
		{text: "practice senior-backend", kind: KindPractice, role: "senior-backend"},
		{text: "practice sbe behavioral", kind: KindPractice, role: "senior-backend", category: "behavioral"},
		{text: "practice", kind: KindInvalid, problem: "Which role"},
		{text: "feedback", kind: KindFeedback},
		{text: "feedback backend", kind: KindFeedback, role: "senior-backend"},
		{text: "kit list", kind: KindKitList},
		{text: "kit senior-backend", kind: KindKit, role: "senior-backend"},
		{text: "kit senior-backend technical 3 behavioral 2", kind: KindKit, role: "senior-backend"},
		{text: "kit senior-backend technical", kind: KindInvalid, problem: "How many"},
		{text: "kit senior-backend technical 0", kind: KindInvalid, problem: "not a number of questions"},
		{text: "kit senior-backend technical 15 behavioral 15", kind: KindInvalid, problem: "at most 20"},
		{text: "kit senior-backend technical 2 technical 2", kind: KindInvalid, problem: "named twice"},
		{text: "daily status", kind: KindDailyStatus},
		{text: "daily off", kind: KindDailyOff},
		{text: "daily now", kind: KindDailyNow},
		{text: "daily senior-backend", kind: KindDaily, role: "senior-backend"},
		{text: "daily senior-backend technical at 09:30 tz Europe/Berlin weekdays", kind: KindDaily, role: "senior-backend", category: "technical"},
		{text: "daily senior-backend at 25:00", kind: KindInvalid, problem: "24-hour clock"},
		{text: "daily senior-backend at 9", kind: KindInvalid, problem: "24-hour clock"},
		{text: "daily senior-backend tz Mars/Olympus", kind: KindInvalid, problem: "not a time zone"},
		{text: "daily senior-backend tz ../../etc/passwd", kind: KindInvalid, problem: "not a time zone"},
		{text: "daily senior-backend everyday weekdays", kind: KindInvalid, problem: "once"},
		{text: "add senior-backend technical How do you size a pool?", kind: KindAdd, role: "senior-backend", category: "technical"},
		{text: "add senior-backend technical", kind: KindInvalid, problem: "What is the question"},
		{text: "add senior-backend", kind: KindInvalid, problem: "Which category"},
		{text: "remove team-12", kind: KindRemove},
		{text: "remove", kind: KindInvalid, problem: "Remove which question"},
		{text: "&lt;!channel&gt;", kind: KindInvalid, problem: "&lt;!channel&gt;"},
		{text: strings.Repeat("x", MaxCommandText+1), kind: KindInvalid, problem: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.text[:min(len(tt.text), 60)], func(t *testing.T) {
			got := Parse(bank, tt.text)
			if got.Kind != tt.kind {
				t.Fatalf("Parse(%q).Kind = %d, want %d (problem: %s)", tt.text, got.Kind, tt.kind, got.Problem)
			}
			if tt.role != "" && (got.Role == nil || got.Role.Slug != tt.role) {
				t.Errorf("role = %v, want %s", got.Role, tt.role)
			}
			if tt.category != "" && (got.Category == nil || got.Category.Slug != tt.category) {
				t.Errorf("category = %v, want %s", got.Category, tt.category)
			}
			if !strings.Contains(got.Problem, tt.problem) {
				t.Errorf("problem = %q, want it to contain %q", got.Problem, tt.problem)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	bank := builtin(t)
	kit := Parse(bank, "kit sbe technical 3 behavioral 2")
	if len(kit.Parts) != 2 || kit.Parts[0].Category.Slug != "technical" || kit.Parts[0].N != 3 || kit.Parts[1].Category.Slug != "behavioral" || kit.Parts[1].N != 2 {
		t.Errorf("kit parts = %+v", kit.Parts)
	}
	daily := Parse(bank, "daily sbe at 7:05 tz America/New_York everyday")
	if d := daily.Daily; !d.HasTime || d.Hour != 7 || d.Minute != 5 || d.Zone != "America/New_York" || d.Days != Everyday {
		t.Errorf("daily = %+v", d)
	}
	add := Parse(bank, "add senior-backend technical  How do  you size a <pool> & why?")
	if add.Text != "How do you size a <pool> & why?" {
		t.Errorf("add text = %q", add.Text)
	}
	// Slack escapes &, < and > in command text; the stored text is what the user typed.
	add = Parse(bank, "add sbe tech Is &lt;!channel&gt; &amp; co safe?")
	if add.Text != "Is <!channel> & co safe?" {
		t.Errorf("add text = %q", add.Text)
	}
}

// FuzzParse: no input panics, and every parse renders a message within
// Slack's limits (an answer is never empty).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "help", "roles", "senior-backend technical", "sbe tech", "kit sbe technical 3 behavioral 2",
		"daily sbe at 09:00 tz Europe/Berlin weekdays", "add sbe tech <!channel> hi", "remove team-1", "\x00\xff", "practice ba uml",
		"kit list", "feedback ba", "Senior Backend Engineer behavioural", "daily sbe at 99:99", "🙂 \u202e", "kit sbe technical 99999999999999999999"} {
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
		var m *Message
		count := func(c *questions.Category) int { return len(c.Questions) }
		switch cmd.Kind {
		case KindHelp:
			m = renderHelp()
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
