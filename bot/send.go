package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
)

// Sender sends messages through Slack's Web API. It implements
// handlers.Slack: it validates every message against Block Kit's limits
// before sending, waits out rate limits (429 with Retry-After) and maps
// Slack's "this channel is gone for us" errors to handlers.ErrChannelUnavailable.
type Sender struct {
	api *slack.Client
	log *slog.Logger
	obs Observer
	// maxRetries bounds how often one call is retried after a 429.
	maxRetries int
}

// SenderConfig configures NewSender.
type SenderConfig struct {
	BotToken string // xoxb-…
	AppToken string // xapp-…, used only to open Socket Mode connections
	APIURL   string // Slack Web API base; "" means https://slack.com/api/
	// HTTPClient defaults to a client with a 10 s timeout: slack-go's default
	// has none, and a hung call would block a handler, or a reconnect, forever.
	HTTPClient *http.Client
	Log        *slog.Logger
	Observer   Observer
}

// NewSender returns a Sender for cfg.
func NewSender(cfg SenderConfig) *Sender {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second, Transport: newJitterTransport(nil)}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := []slack.Option{
		slack.OptionHTTPClient(hc),
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug)),
	}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &Sender{api: slack.New(cfg.BotToken, opts...), log: log, obs: obs, maxRetries: 5}
}

// call runs one Web API call, retrying after 429s as long as ctx allows.
// Only 429 is retried: Slack did not act on the request then, so a retry
// cannot post twice. A 5xx or timeout may have been acted on, so it is not.
func (s *Sender) call(ctx context.Context, method string, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		var rl *slack.RateLimitedError
		switch {
		case err == nil:
			s.obs.APICall(method, "ok")
			return nil
		case errors.As(err, &rl) && attempt < s.maxRetries:
			s.obs.APICall(method, "rate_limited")
			wait := max(rl.RetryAfter, 100*time.Millisecond)
			s.log.WarnContext(ctx, "slack rate limited; waiting", "method", method, "retry_after", wait, "attempt", attempt+1)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%s: waiting out rate limit: %w", method, ctx.Err())
			case <-t.C:
			}
		default:
			s.obs.APICall(method, resultOf(err))
			return fmt.Errorf("%s: %w", method, mapError(err))
		}
	}
}

// resultOf names an error for metrics: Slack's error code, "rate_limited",
// an HTTP status, or "error".
func resultOf(err error) string {
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	switch {
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &sc):
		return fmt.Sprintf("http_%d", sc.Code)
	}
	return "error"
}

func mapError(err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "channel_not_found", "not_in_channel", "is_archived":
			return fmt.Errorf("%w (%s)", handlers.ErrChannelUnavailable, se.Err)
		}
	}
	return err
}

// checked returns m, or a plain-text stand-in when m breaks Block Kit's
// limits: a renderer bug must not become a message Slack rejects.
func (s *Sender) checked(ctx context.Context, m handlers.Message) handlers.Message {
	if err := handlers.Validate(m); err != nil {
		s.log.ErrorContext(ctx, "message breaks Block Kit limits; sending a plain fallback", "channel", m.Channel, "err", err)
		text := m.Text
		if text == "" || len([]rune(text)) > 3000 {
			text = "Sorry, this answer was too large to show. Please narrow the command down."
		}
		return handlers.Message{Channel: m.Channel, ThreadTS: m.ThreadTS, Text: text, InChannel: m.InChannel}
	}
	return m
}

func msgOptions(m handlers.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	return opts
}

// PostMessage posts m to m.Channel and returns its ts.
func (s *Sender) PostMessage(ctx context.Context, m handlers.Message) (string, error) {
	m = s.checked(ctx, m)
	var ts string
	err := s.call(ctx, "chat.postMessage", func() error {
		var err error
		_, ts, err = s.api.PostMessageContext(ctx, m.Channel, msgOptions(m)...)
		return err
	})
	return ts, err
}

// PostEphemeral shows m to one user in m.Channel.
func (s *Sender) PostEphemeral(ctx context.Context, userID string, m handlers.Message) error {
	m = s.checked(ctx, m)
	return s.call(ctx, "chat.postEphemeral", func() error {
		_, err := s.api.PostEphemeralContext(ctx, m.Channel, userID, msgOptions(m)...)
		return err
	})
}

// UpdateMessage replaces the message ts in m.Channel with m.
func (s *Sender) UpdateMessage(ctx context.Context, ts string, m handlers.Message) error {
	m = s.checked(ctx, m)
	m.ThreadTS = ""
	return s.call(ctx, "chat.update", func() error {
		_, _, _, err := s.api.UpdateMessageContext(ctx, m.Channel, ts, msgOptions(m)...)
		return err
	})
}

// Respond answers through a response_url: ephemeral unless m.InChannel,
// replacing the clicked message when m.ReplaceOriginal.
func (s *Sender) Respond(ctx context.Context, responseURL string, m handlers.Message) error {
	m = s.checked(ctx, m)
	kind := slack.ResponseTypeEphemeral
	if m.InChannel {
		kind = slack.ResponseTypeInChannel
	}
	opts := append(msgOptions(m), slack.MsgOptionResponseURL(responseURL, kind))
	if m.ReplaceOriginal {
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	}
	return s.call(ctx, "response_url", func() error {
		_, _, err := s.api.PostMessageContext(ctx, "", opts...)
		return err
	})
}

// OpenView opens a modal for the user whose click produced triggerID.
func (s *Sender) OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error {
	if err := handlers.ValidateView(view); err != nil {
		return fmt.Errorf("views.open: invalid view: %w", err)
	}
	return s.call(ctx, "views.open", func() error {
		_, err := s.api.OpenViewContext(ctx, triggerID, view)
		return err
	})
}

// User looks a user up with users.info.
func (s *Sender) User(ctx context.Context, userID string) (handlers.User, error) {
	var u *slack.User
	err := s.call(ctx, "users.info", func() error {
		var err error
		u, err = s.api.GetUserInfoContext(ctx, userID)
		return err
	})
	if err != nil {
		return handlers.User{}, err
	}
	return handlers.User{
		ID: u.ID, TZ: u.TZ, IsAdmin: u.IsAdmin, IsOwner: u.IsOwner || u.IsPrimaryOwner,
		IsBot: u.IsBot, Deleted: u.Deleted, RealName: u.RealName,
	}, nil
}

// Permalink returns a link to the message ts in channelID.
func (s *Sender) Permalink(ctx context.Context, channelID, ts string) (string, error) {
	var link string
	err := s.call(ctx, "chat.getPermalink", func() error {
		var err error
		link, err = s.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channelID, Ts: ts})
		return err
	})
	return link, err
}

// ErrTokenRefused marks an auth.test that Slack answered by refusing the
// bot token, as opposed to one that got no answer from Slack at all.
var ErrTokenRefused = errors.New("the token was refused")

// Workspace is what auth.test says the bot token belongs to.
type Workspace struct {
	TeamID string
	// EnterpriseID is the Enterprise Grid organization, or "".
	EnterpriseID string
}

// AuthTest checks the bot token and says whose it is. The error wraps
// ErrTokenRefused when Slack answered and refused the token; otherwise the
// Web API could not be reached or is not Slack's.
func (s *Sender) AuthTest(ctx context.Context) (Workspace, error) {
	var w Workspace
	err := s.call(ctx, "auth.test", func() error {
		r, err := s.api.AuthTestContext(ctx)
		if err == nil {
			w = Workspace{TeamID: r.TeamID, EnterpriseID: r.EnterpriseID}
		}
		return err
	})
	if _, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		err = fmt.Errorf("%w: %w", ErrTokenRefused, err)
	}
	return w, err
}
