package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// HomeHandler is what the transport calls when a user opens the App Home
// tab; handlers.Commands implements it. A Handler without it only has the
// event acked.
type HomeHandler interface {
	HomeOpened(ctx context.Context, h handlers.HomeOpened) error
}

// serveEvent acks an Events API envelope at once (Slack redelivers it
// otherwise, and waits for nothing in return), then hands app_home_opened
// on the Home tab to the handler.
func (s *Slack) serveEvent(ctx, work context.Context, log *slog.Logger, id string, ev slackevents.EventsAPIEvent, received time.Time) {
	s.ackNow(ctx, log, id, string(socketmode.EventTypeEventsAPI), received)
	home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || home.Tab == "messages" || home.User == "" {
		return
	}
	h, ok := s.cfg.Handler.(HomeHandler)
	if !ok {
		return
	}
	opened := handlers.HomeOpened{TeamID: s.tenant(ev.TeamID), UserID: home.User}
	r := <-s.run(work, s.cfg.ClickTimeout, func(ctx context.Context) (handlers.Reply, error) {
		return handlers.Reply{}, h.HomeOpened(ctx, opened)
	})
	logResult(log.With("event", string(slackevents.AppHomeOpened)), r)
	s.obs.Command(string(slackevents.AppHomeOpened), outcome(r))
}

// PublishView replaces the user's App Home tab with view (views.publish).
func (s *Sender) PublishView(ctx context.Context, userID string, view slack.HomeTabViewRequest) error {
	if err := handlers.ValidateHome(view); err != nil {
		return fmt.Errorf("views.publish: invalid view: %w", err)
	}
	return s.call(ctx, "views.publish", func() error {
		_, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
}

// PublishView prints the App Home tab, as the shell has no tabs.
func (s *Shell) PublishView(_ context.Context, _ string, view slack.HomeTabViewRequest) error {
	s.print("app home", handlers.Message{Text: "App Home", Blocks: view.Blocks.BlockSet}, "", true)
	return nil
}

// openHome shows the App Home, as opening the tab in Slack would.
func (s *Shell) openHome(ctx context.Context, h Handler) {
	hh, ok := h.(HomeHandler)
	if !ok {
		fmt.Fprintln(s.out, "There is no App Home here.")
		return
	}
	s.clearButtons()
	if err := hh.HomeOpened(ctx, handlers.HomeOpened{TeamID: shellTeam, UserID: shellUser}); err != nil {
		fmt.Fprintf(s.out, "(error: %v)\n", err)
	}
}

// askChecks lists checkboxes and reads the numbers of those to tick,
// separated by spaces or commas; an empty line ticks none.
func (s *Shell) askChecks(label string, opts []*slack.OptionBlockObject) []string {
	fmt.Fprintln(s.out, label)
	for i, o := range opts {
		fmt.Fprintf(s.out, "  [%d] %s\n", i+1, o.Text.Text)
	}
	fmt.Fprint(s.out, "tick (e.g. 1 3): ")
	ticked := []string{}
	if !s.in.Scan() {
		return ticked
	}
	for _, f := range strings.FieldsFunc(s.in.Text(), func(r rune) bool { return r == ',' || r == ' ' }) {
		if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= len(opts) && !slices.Contains(ticked, opts[n-1].Value) {
			ticked = append(ticked, opts[n-1].Value)
		}
	}
	return ticked
}
