package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
)

// Shell is the terminal transport of `interviewbot shell`: it reads
// /interview commands from in, prints every message as text on out, and
// lets the user press a listed button by typing its number. It also stands
// in for Slack's Web API (handlers.Slack), so the handlers run unchanged.
type Shell struct {
	in  *bufio.Scanner
	out io.Writer

	mu      sync.Mutex
	buttons []button // the buttons shown since the last command, by number-1
	seq     int      // for fake message timestamps
	view    *slack.ModalViewRequest
}

// The shell plays one user in one channel of one workspace.
const (
	shellTeam    = "TSHELL"
	shellChannel = "CSHELL"
	shellUser    = "USHELL"
)

// NewShell returns a shell reading in and writing out.
func NewShell(in io.Reader, out io.Writer) *Shell {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	return &Shell{in: sc, out: out}
}

// Run reads commands until the input ends or ctx is cancelled.
func (s *Shell) Run(ctx context.Context, h Handler) error {
	fmt.Fprintln(s.out, "interviewbot shell: type /interview help, a button's number to press it, or quit.")
	for ctx.Err() == nil {
		fmt.Fprint(s.out, "> ")
		if !s.in.Scan() {
			fmt.Fprintln(s.out)
			return s.in.Err()
		}
		line := strings.TrimSpace(s.in.Text())
		switch {
		case line == "":
		case line == "quit" || line == "exit":
			return nil
		case line == "home":
			s.openHome(ctx, h)
		case isNumber(line):
			s.press(ctx, h, line)
		default:
			text, _ := strings.CutPrefix(line, "/interview")
			if strings.HasPrefix(text, "/") {
				fmt.Fprintln(s.out, "Only /interview is known here; try /interview help.")
				continue
			}
			s.clearButtons()
			r, err := h.Slash(ctx, handlers.Slash{TeamID: shellTeam, ChannelID: shellChannel, UserID: shellUser, Text: strings.TrimSpace(text), TriggerID: "shell"})
			s.answer(r, err)
		}
		s.fillView(ctx, h)
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func (s *Shell) clearButtons() {
	s.mu.Lock()
	s.buttons = nil
	s.mu.Unlock()
}

func (s *Shell) press(ctx context.Context, h Handler, line string) {
	n, _ := strconv.Atoi(line)
	s.mu.Lock()
	if n < 1 || n > len(s.buttons) {
		s.mu.Unlock()
		fmt.Fprintf(s.out, "There is no button %d; the last answer has %d.\n", n, len(s.buttons))
		return
	}
	// Buttons stay pressable until the next command, so one can vote and
	// then open the feedback form on the same question.
	b := s.buttons[n-1]
	s.mu.Unlock()
	if len(b.options) > 0 {
		value, ok := s.choose(b.options)
		if !ok {
			fmt.Fprintln(s.out, "Nothing chosen.")
			return
		}
		b.value = value
	}
	r, err := h.Action(ctx, handlers.Action{
		TeamID: shellTeam, ChannelID: b.channel, UserID: shellUser, ActionID: b.actionID, Value: b.value,
		MessageTS: b.messageTS, ThreadTS: b.threadTS, Ephemeral: b.ephemeral, TriggerID: "shell", ResponseURL: "shell",
	})
	s.answer(r, err)
}

// answer prints a handler's reply and logs nothing: in the shell the user
// is the operator, so an error is shown to them directly.
func (s *Shell) answer(r handlers.Reply, err error) {
	if m := r.Message; m != nil {
		where := "only you"
		if m.InChannel {
			where = "#channel"
		}
		s.print(where, *m, "", !m.InChannel)
	}
	if err != nil {
		fmt.Fprintf(s.out, "(error: %v)\n", err)
	}
}

// print shows m with a label saying where it went, and numbers its buttons.
func (s *Shell) print(where string, m handlers.Message, ts string, ephemeral bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := len(s.buttons) + 1
	text := renderText(m.Text, m.Blocks, first, func(actionID, value string, options []option) {
		s.buttons = append(s.buttons, button{actionID: actionID, value: value, options: options, channel: shellChannel, messageTS: ts, threadTS: m.ThreadTS, ephemeral: ephemeral})
	})
	fmt.Fprintf(s.out, "--- [%s]\n%s", where, text)
}

func (s *Shell) nextTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("1700000000.%06d", s.seq)
}

// PostMessage prints a channel post or thread reply.
func (s *Shell) PostMessage(_ context.Context, m handlers.Message) (string, error) {
	ts := s.nextTS()
	where := "#channel"
	switch {
	case m.Channel == shellUser:
		where = "DM"
	case m.ThreadTS != "":
		where = "thread of " + m.ThreadTS
	}
	s.print(where, m, ts, false)
	return ts, nil
}

// PostEphemeral prints a message only the user would see.
func (s *Shell) PostEphemeral(_ context.Context, _ string, m handlers.Message) error {
	s.print("only you", m, "", true)
	return nil
}

// UpdateMessage prints the new version of an earlier message.
func (s *Shell) UpdateMessage(_ context.Context, ts string, m handlers.Message) error {
	s.print("updated "+ts, m, ts, false)
	return nil
}

// Respond prints an answer to a button press.
func (s *Shell) Respond(_ context.Context, _ string, m handlers.Message) error {
	where := "only you"
	if m.InChannel {
		where = "#channel"
	}
	s.print(where, m, s.nextTS(), !m.InChannel)
	return nil
}

// OpenView remembers a modal; Run asks for its inputs next.
func (s *Shell) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) error {
	s.mu.Lock()
	s.view = &v
	s.mu.Unlock()
	return nil
}

// User describes the shell's user: the operator at the terminal, who is
// an admin of their own shell.
func (s *Shell) User(_ context.Context, userID string) (handlers.User, error) {
	return handlers.User{ID: userID, TZ: "UTC", IsAdmin: true}, nil
}

// Permalink makes up a link; the shell has no archive.
func (s *Shell) Permalink(_ context.Context, channelID, ts string) (string, error) {
	return "shell://" + channelID + "/" + ts, nil
}

// fillView asks for a pending modal's inputs on the terminal and submits
// them, repeating while the handler reports errors.
func (s *Shell) fillView(ctx context.Context, h Handler) {
	s.mu.Lock()
	v := s.view
	s.view = nil
	s.mu.Unlock()
	if v == nil {
		return
	}
	fmt.Fprintf(s.out, "--- [form: %s] (an empty line on a required field cancels)\n", v.Title.Text)
	values := map[string]map[string]string{}
	selected := map[string]map[string][]string{}
	for _, blk := range v.Blocks.BlockSet {
		switch blk := blk.(type) {
		case *slack.SectionBlock:
			if blk.Text != nil {
				fmt.Fprintln(s.out, fromMrkdwn(blk.Text.Text))
			}
		case *slack.InputBlock:
			if boxes, ok := blk.Element.(*slack.CheckboxGroupsBlockElement); ok {
				selected[blk.BlockID] = map[string][]string{boxes.ActionID: s.askChecks(blk.Label.Text, boxes.Options)}
				continue
			}
			actionID, value, ok := s.ask(blk)
			if !ok {
				if !blk.Optional {
					fmt.Fprintln(s.out, "Cancelled.")
					return
				}
			}
			values[blk.BlockID] = map[string]string{actionID: value}
		}
	}
	r, err := h.Submit(ctx, handlers.Submission{TeamID: shellTeam, UserID: shellUser, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, Values: values, Selected: selected})
	for block, msg := range r.Errors {
		fmt.Fprintf(s.out, "%s: %s\n", block, msg)
	}
	s.answer(r, err)
}

// choose lists a menu's options and reads the number of one.
func (s *Shell) choose(opts []option) (string, bool) {
	for i, o := range opts {
		fmt.Fprintf(s.out, "  [%d] %s\n", i+1, o.label)
	}
	fmt.Fprint(s.out, "choose: ")
	if !s.in.Scan() {
		return "", false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s.in.Text()))
	if err != nil || n < 1 || n > len(opts) {
		return "", false
	}
	return opts[n-1].value, true
}

// ask reads one input block's value.
func (s *Shell) ask(blk *slack.InputBlock) (actionID, value string, ok bool) {
	switch e := blk.Element.(type) {
	case *slack.SelectBlockElement:
		fmt.Fprintln(s.out, blk.Label.Text)
		value, ok := s.choose(optionsOf(e.Options))
		return e.ActionID, value, ok
	case *slack.RadioButtonsBlockElement:
		fmt.Fprintln(s.out, blk.Label.Text)
		value, ok := s.choose(optionsOf(e.Options))
		return e.ActionID, value, ok
	case *slack.PlainTextInputBlockElement:
		fmt.Fprintf(s.out, "%s: ", blk.Label.Text)
		if !s.in.Scan() {
			return e.ActionID, "", false
		}
		text := strings.TrimSpace(s.in.Text())
		return e.ActionID, text, text != ""
	}
	return "", "", false
}
