package handlers

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Benchmarks of a slash command's work inside the bot: parse, render,
// validate, encode the ack. Run them with
//
//	go test -run '^$' -bench . -benchmem ./handlers
//
// cmd/loadtest measures the same path end to end through Socket Mode; see
// docs/benchmarks.md.

// benchBank loads the built-in bank once per benchmark, outside the loop.
func benchBank(b *testing.B) *questions.Bank {
	b.Helper()
	bank, err := questions.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	return bank
}

func benchRole(b *testing.B, bank *questions.Bank, role, category string) (*questions.Role, *questions.Category) {
	b.Helper()
	r, ok := bank.Role(role)
	if !ok {
		b.Fatalf("no role %q", role)
	}
	if category == "" {
		return r, nil
	}
	c, ok := r.Category(category)
	if !ok {
		b.Fatalf("%s has no category %q", role, category)
	}
	return r, c
}

func BenchmarkParse(b *testing.B) {
	bank := benchBank(b)
	for _, tc := range []struct {
		name, text string
		want       Kind
	}{
		{"list", "senior-backend technical", KindList},
		{"title", "Senior Backend Engineer behavioral", KindList},
		{"role", "senior-backend", KindRole},
		{"kit", "kit senior-backend technical 3 behavioral 2", KindKit},
		{"daily", "daily senior-backend technical at 09:30 tz Europe/Berlin weekdays", KindDaily},
		{"typo", "senoir-backend technical", KindInvalid},
		{"daily full", "daily sbe technical hard at 9:30pm tz new york mon,wed,fri", KindDaily},
		{"panel", "kit sbe technical 3 with <@U1> <@U2|grace> on 2026-12-14 15:00 for Ada L. (req 4411)", KindKit},
		// The longest commands Slack may send (issue 17 item 7: the cost
		// grew with the square of the words).
		{"long words", strings.Repeat("senior ", MaxCommandText/7), KindInvalid},
		{"long panel", "kit sbe with " + strings.Repeat("<@U1> ", (MaxCommandText-13)/6), KindKit},
		{"long add", "add sbe technical " + strings.Repeat("why ", (MaxCommandText-18)/4), KindAdd},
		{"long kit", "kit sbe " + strings.Repeat("technical ", (MaxCommandText-8)/10), KindInvalid},
	} {
		b.Run(tc.name, func(b *testing.B) {
			// Check once that the benchmark measures the path it names.
			if got := Parse(bank, tc.text); got.Kind != tc.want {
				b.Fatalf("Parse(%q).Kind = %d, want %d (%s)", tc.text, got.Kind, tc.want, got.Problem)
			}
			b.ReportAllocs()
			for b.Loop() {
				Parse(bank, tc.text)
			}
		})
	}
}

// listPool is senior-backend technical's pool with no team questions, the
// answer the load test asks for.
func listPool(b *testing.B, bank *questions.Bank) pool {
	r, c := benchRole(b, bank, "senior-backend", "technical")
	return pool{role: r, category: c, questions: c.Questions}
}

func BenchmarkRenderList(b *testing.B) {
	p := listPool(b, benchBank(b))
	b.ReportAllocs()
	for b.Loop() {
		renderList(p, 1, "", "")
	}
}

func BenchmarkRenderRoleCard(b *testing.B) {
	r, _ := benchRole(b, benchBank(b), "senior-backend", "")
	counts := func(c *questions.Category) int { return len(c.Questions) }
	b.ReportAllocs()
	for b.Loop() {
		renderRoleCard(r, counts)
	}
}

func BenchmarkValidate(b *testing.B) {
	m := renderList(listPool(b, benchBank(b)), 1, "", "")
	if err := Validate(*m); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Validate(*m)
	}
}

// BenchmarkAckJSON encodes the list as the transport's ack payload
// (bot.ackMessage); bot.serveSlash encodes it twice per command, once to
// check its size and once in slack-go's AckCtx.
func BenchmarkAckJSON(b *testing.B) {
	m := renderList(listPool(b, benchBank(b)), 1, "", "")
	payload := struct {
		ResponseType string        `json:"response_type"`
		Text         string        `json:"text"`
		Blocks       []slack.Block `json:"blocks,omitempty"`
	}{slack.ResponseTypeEphemeral, m.Text, m.Blocks}
	out, err := json.Marshal(payload)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStore answers TeamBank from memory, as a store with no team
// questions would. Every other method is the nil embedded interface and
// panics: read-only commands must not call them. (storage/memstore can't
// be used here; it imports this package.)
type benchStore struct {
	Store
	team []TeamQuestion
}

func (s benchStore) TeamBank(context.Context, string) (TeamBank, error) {
	return TeamBank{Questions: s.team}, nil
}

// TeamBankVersion: the team's questions never change.
func (benchStore) TeamBankVersion(string) (uint64, bool) { return 1, true }

// benchSlack is a Slack that read-only commands never call.
type benchSlack struct{}

func (benchSlack) PostMessage(context.Context, Message) (string, error)           { return "1.000001", nil }
func (benchSlack) PostEphemeral(context.Context, string, Message) error           { return nil }
func (benchSlack) UpdateMessage(context.Context, string, Message) error           { return nil }
func (benchSlack) Respond(context.Context, string, Message) error                 { return nil }
func (benchSlack) OpenView(context.Context, string, slack.ModalViewRequest) error { return nil }
func (benchSlack) User(_ context.Context, id string) (User, error)                { return User{ID: id}, nil }
func (benchSlack) Permalink(context.Context, string, string) (string, error)      { return "", nil }

// BenchmarkSlash is Commands.Slash end to end, store and Slack in memory:
// everything the bot does for a command except the transport.
func BenchmarkSlash(b *testing.B) {
	bank := benchBank(b)
	cmds := New(Config{Bank: bank, Store: benchStore{}, Slack: benchSlack{}})
	ctx := context.Background()
	for _, tc := range []struct{ name, text string }{
		{"list", "senior-backend technical"},
		{"role", "senior-backend"},
		{"roles", "roles"},
		{"help", "help"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := Slash{TeamID: "T0TEST", ChannelID: "C0TEST", UserID: "U0TEST", Text: tc.text}
			if r, err := cmds.Slash(ctx, s); err != nil || r.Message == nil {
				b.Fatalf("Slash(%q) = %+v, %v", tc.text, r, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				cmds.Slash(ctx, s)
			}
		})
	}
}
