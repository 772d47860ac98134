package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// floorCommand is the hidden subcommand that runs the floor app.
const floorCommand = "floor"

// runFloor is the floor: the least a slack-go Socket Mode app can do per
// slash command. It is configured like the bot's transport (bot.NewSender
// and bot.New: the same client options, an HTTP client with a timeout, the
// same ping interval), drains Events on one dedicated goroutine and acks
// each slash command there with the bot's own answer: the bytes of the
// bot's first ack, read from -payload and sent as they are. Whatever the
// bot spends beyond this is the bot's own cost.
//
// It reads SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_API_URL like the bot,
// and runs until SIGTERM or SIGINT.
func runFloor(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	payloadPath := fs.String("payload", "", "file holding the JSON ack payload for slash commands")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*payloadPath)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	if !json.Valid(raw) {
		return errors.New("floor: the payload file is not JSON")
	}
	payload := json.RawMessage(raw)

	// The bot's logger: JSON at info level, through which slack-go's debug
	// logging is filtered out exactly as in the bot.
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	api := slack.New(getenv("SLACK_BOT_TOKEN"),
		slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}),
		slack.OptionAppLevelToken(getenv("SLACK_APP_TOKEN")),
		slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug)),
		slack.OptionAPIURL(getenv("SLACK_API_URL")),
	)
	client := socketmode.New(api, socketmode.OptionPingInterval(30*time.Second))

	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("floor: socket mode: %w", err)
			}
			return nil
		case evt := <-client.Events:
			if evt.Request == nil || evt.Request.EnvelopeID == "" {
				continue
			}
			var p any
			if evt.Type == socketmode.EventTypeSlashCommand {
				p = payload
			}
			actx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if err := client.AckCtx(actx, evt.Request.EnvelopeID, p); err != nil {
				log.Warn("ack failed", "err", err)
			}
			cancel()
		}
	}
}
