package bot

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// button is a button or menu shown by the shell, pressable by its number.
type button struct {
	actionID  string
	value     string
	options   []option // a menu's choices; empty for a button
	channel   string
	messageTS string
	threadTS  string
	ephemeral bool
}

// option is one choice of a menu.
type option struct{ label, value string }

// optionsOf is a menu's or radio group's choices as the shell numbers them.
func optionsOf(opts []*slack.OptionBlockObject) []option {
	out := make([]option, len(opts))
	for i, o := range opts {
		out[i] = option{label: o.Text.Text, value: o.Value}
	}
	return out
}

// renderText turns Block Kit into readable terminal text. Buttons and menus
// are numbered from first; each one found is passed to press so the shell
// can remember what the number does.
func renderText(text string, blocks []slack.Block, first int, press func(actionID, value string, options []option)) string {
	if len(blocks) == 0 {
		return fromMrkdwn(text) + "\n"
	}
	var b strings.Builder
	n := first
	for _, blk := range blocks {
		switch blk := blk.(type) {
		case *slack.HeaderBlock:
			t := blk.Text.Text
			fmt.Fprintf(&b, "%s\n%s\n", t, strings.Repeat("=", min(len([]rune(t)), 72)))
		case *slack.SectionBlock:
			if blk.Text != nil {
				b.WriteString(fromMrkdwn(blk.Text.Text) + "\n")
			}
			for _, f := range blk.Fields {
				b.WriteString(fromMrkdwn(f.Text) + "\n")
			}
			// A button beside the text (daily off's list) is pressable like
			// one in an actions block.
			if blk.Accessory != nil && blk.Accessory.ButtonElement != nil {
				e := blk.Accessory.ButtonElement
				fmt.Fprintf(&b, "  [%d] %s\n", n, e.Text.Text)
				press(e.ActionID, e.Value, nil)
				n++
			}
		case *slack.ContextBlock:
			for _, e := range blk.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					b.WriteString("  " + fromMrkdwn(t.Text) + "\n")
				}
			}
		case *slack.DividerBlock:
			b.WriteString(strings.Repeat("-", 40) + "\n")
		case *slack.ActionBlock:
			var labels []string
			for _, e := range blk.Elements.ElementSet {
				switch e := e.(type) {
				case *slack.ButtonBlockElement:
					labels = append(labels, fmt.Sprintf("[%d] %s", n, e.Text.Text))
					press(e.ActionID, e.Value, nil)
					n++
				case *slack.SelectBlockElement:
					opts := optionsOf(e.Options)
					label := "menu"
					if e.Placeholder != nil {
						label = e.Placeholder.Text
					}
					labels = append(labels, fmt.Sprintf("[%d] %s", n, label))
					press(e.ActionID, "", opts)
					n++
				}
			}
			b.WriteString(strings.Join(labels, "  ") + "\n")
		}
	}
	return b.String()
}

var (
	mentionRE = regexp.MustCompile(`<([@#!])([^<>|]+)(?:\|([^<>]*))?>`)
	linkRE    = regexp.MustCompile(`<([a-z]+:[^<>|]+)(?:\|([^<>]*))?>`)
)

// fromMrkdwn shows Slack mrkdwn readably on a terminal: mentions and links
// as text, quotes indented, and Slack's &amp; &lt; &gt; escapes undone last
// so that escaped user text is shown as typed.
func fromMrkdwn(s string) string {
	s = mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		p := mentionRE.FindStringSubmatch(m)
		switch {
		case p[1] == "!" && p[3] != "": // <!date^…|fallback>: the fallback text
			return p[3]
		case p[3] != "":
			return p[1] + p[3]
		}
		sigil := p[1]
		if sigil == "!" {
			sigil = "@"
		}
		return sigil + p[2]
	})
	s = linkRE.ReplaceAllString(s, "$2 ($1)")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, ">"); ok {
			lines[i] = "  | " + rest
		}
	}
	return html.UnescapeString(strings.Join(lines, "\n"))
}
