package bot

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestRenderTextNumbersEveryButton(t *testing.T) {
	off := slack.NewButtonBlockElement("daily_off:d1", "d1", slack.NewTextBlockObject(slack.PlainTextType, "Stop d1", false, false))
	up := slack.NewButtonBlockElement("rate_up", "sbe-t01", slack.NewTextBlockObject(slack.PlainTextType, "👍 Useful", false, false))
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "`d1` *Senior Backend Engineer*", false, false), nil, slack.NewAccessory(off)),
		slack.NewActionBlock("", up),
	}
	var pressed []string
	got := renderText("", blocks, 1, func(actionID, value string, _ []option) {
		pressed = append(pressed, actionID+"="+value)
	})
	for _, want := range []string{"[1] Stop d1", "[2] 👍 Useful"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered text lacks %q:\n%s", want, got)
		}
	}
	if strings.Join(pressed, " ") != "daily_off:d1=d1 rate_up=sbe-t01" {
		t.Errorf("buttons remembered: %v", pressed)
	}
}
