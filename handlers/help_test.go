package handlers

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestSubHelp: each subcommand's help has a golden file, fits Slack's
// limits and shows every form the parser reads, each parsing as the help
// says (no example in the help is refused).
func TestSubHelp(t *testing.T) {
	bank := builtin(t)
	for _, topic := range []string{"kit", "daily", "practice"} {
		t.Run(topic, func(t *testing.T) {
			m := renderSubHelp(topic)
			golden(t, "help_"+topic, m)
			if err := Validate(*m); err != nil {
				t.Errorf("%s help breaks Slack's limits: %v", topic, err)
			}
			if got := Parse(bank, topic+" help"); got.Kind != KindSubHelp || got.Topic != topic {
				t.Errorf("Parse(%q) = %s", topic+" help", summary(got))
			}
		})
	}
	for _, m := range []*Message{renderHelp(), renderSubHelp("kit"), renderSubHelp("daily"), renderSubHelp("practice")} {
		examples := helpExamples(m)
		if len(examples) < 4 {
			t.Errorf("help %q shows only %d commands: %q", m.Text, len(examples), examples)
		}
		for _, example := range examples {
			// Mentions are typed as @name in help; Slack sends <@U…>.
			text := strings.NewReplacer("@ada", "<@U1>", "@grace", "<@U2>").Replace(example)
			if got := Parse(bank, text); got.Kind == KindInvalid {
				t.Errorf("help shows `/interview %s`, which is refused: %s", example, got.Problem)
			}
		}
	}
}

// helpExamples lists the commands a help message shows in code spans.
func helpExamples(m *Message) []string {
	text := m.Text
	for _, b := range m.Blocks {
		if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil {
			text += "\n" + sec.Text.Text
		}
	}
	var out []string
	spans := strings.Split(text, "`")
	for i := 1; i < len(spans); i += 2 {
		span := strings.TrimPrefix(spans[i], "/interview ")
		first, _, _ := strings.Cut(span, " ")
		switch first {
		case "roles", "senior-backend", "practice", "me", "kit", "daily", "feedback", "add", "remove", "hide", "unhide", "forget":
			out = append(out, span)
		}
	}
	return out
}
