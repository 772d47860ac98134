package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// handlerFunc handles one envelope-carrying event; it must ack (or not).
type handlerFunc func(ctx context.Context, c *socketmode.Client, evt socketmode.Event)

// harness runs a real slack-go socketmode client against the fake.
type harness struct {
	api    *slack.Client
	client *socketmode.Client

	mu    sync.Mutex
	types []socketmode.EventType
}

func (h *harness) saw(typ socketmode.EventType) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(h.types, typ)
}

func newAPI(srv *slacktest.Server) *slack.Client {
	return slack.New(srv.BotToken(),
		slack.OptionAPIURL(srv.APIURL()),
		slack.OptionAppLevelToken(srv.AppToken()),
		slack.OptionHTTPClient(&http.Client{Timeout: 5 * time.Second}),
	)
}

// startBot drains Events in its own goroutine and runs each handler in a
// goroutine of its own, so a handler that blocks never stalls pings.
func startBot(t *testing.T, srv *slacktest.Server, clientPing time.Duration, handle handlerFunc) *harness {
	t.Helper()
	api := newAPI(srv)
	client := socketmode.New(api, socketmode.OptionPingInterval(clientPing))
	h := &harness{api: api, client: client}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				h.mu.Lock()
				h.types = append(h.types, evt.Type)
				h.mu.Unlock()
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					wg.Go(func() { handle(ctx, client, evt) })
				}
			}
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return h
}

func ackAll(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
	_ = c.AckCtx(ctx, evt.Request.EnvelopeID, nil)
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func assertNoErrors(t *testing.T, srv *slacktest.Server) {
	t.Helper()
	if errs := srv.Errors(); len(errs) > 0 {
		t.Errorf("unexpected protocol errors:\n%s", strings.Join(errs, "\n"))
	}
}

func hasError(srv *slacktest.Server, substr string) bool {
	return slices.ContainsFunc(srv.Errors(), func(e string) bool { return strings.Contains(e, substr) })
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func TestSlashCommandRoundTrip(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	got := make(chan slack.SlashCommand, 1)
	h := startBot(t, srv, 3*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			ackAll(ctx, c, evt)
			return
		}
		got <- cmd
		_ = c.AckCtx(ctx, evt.Request.EnvelopeID, map[string]any{"response_type": "ephemeral", "text": "got " + cmd.Text})
	})
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	waitUntil(t, 2*time.Second, "hello event", func() bool { return h.saw(socketmode.EventTypeHello) })

	ack, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "schedule alice"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	cmd := <-got
	if cmd.Command != "/interview" || cmd.Text != "schedule alice" || cmd.UserID != slacktest.DefaultUserID ||
		cmd.ChannelID != slacktest.DefaultChannelID || cmd.TeamID != "T0TEST" || cmd.APIAppID != "A0TEST" {
		t.Errorf("bot received %+v", cmd)
	}
	if cmd.TriggerID != ack.TriggerID || !regexp.MustCompile(`^\d+\.\d+\.[0-9a-f]+$`).MatchString(ack.TriggerID) {
		t.Errorf("trigger_id: bot got %q, ack has %q", cmd.TriggerID, ack.TriggerID)
	}
	if cmd.ResponseURL != ack.ResponseURL || !strings.HasPrefix(ack.ResponseURL, srv.URL()+"/response/") {
		t.Errorf("response_url: bot got %q, ack has %q", cmd.ResponseURL, ack.ResponseURL)
	}
	var payload map[string]string
	if err := json.Unmarshal(ack.Payload, &payload); err != nil || payload["text"] != "got schedule alice" {
		t.Errorf("ack payload = %s (%v)", ack.Payload, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].Method != "ack" || msgs[0].Text != "got schedule alice" ||
		msgs[0].ResponseType != "ephemeral" || msgs[0].User != slacktest.DefaultUserID {
		t.Errorf("messages = %+v", msgs)
	}

	// A malformed frame must not cost the connection (slack-go v0.22+).
	if err := srv.SendRaw(ctx, []byte(`{"type":}`)); err != nil {
		t.Fatalf("SendRaw: %v", err)
	}
	waitUntil(t, 2*time.Second, "incoming_error", func() bool { return h.saw(socketmode.EventTypeIncomingError) })
	if _, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "again"}); err != nil {
		t.Fatalf("SlashCommand after malformed frame: %v", err)
	}
	if n := srv.Connects(); n != 1 {
		t.Errorf("Connects = %d, want 1", n)
	}
	assertNoErrors(t, srv)
}

func TestAckMatchedAcrossReconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault func(*slacktest.Server)
	}{
		{"disconnect refresh_requested", func(s *slacktest.Server) { s.Disconnect("refresh_requested") }},
		{"disconnect warning", func(s *slacktest.Server) { s.Disconnect("warning") }},
		{"dropped TCP connection", func(s *slacktest.Server) { s.DropConnections() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := slacktest.New()
			defer srv.Close()
			received := make(chan struct{}, 1)
			release := make(chan struct{})
			startBot(t, srv, 3*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
				if cmd, ok := evt.Data.(slack.SlashCommand); ok && cmd.Text == "hold" {
					received <- struct{}{}
					select {
					case <-release:
					case <-ctx.Done():
						return
					}
				}
				ackAll(ctx, c, evt)
			})
			ctx := testCtx(t, 10*time.Second)
			if err := srv.WaitConnected(ctx, 1); err != nil {
				t.Fatalf("WaitConnected: %v", err)
			}
			type result struct {
				ack slacktest.Ack
				err error
			}
			done := make(chan result, 1)
			go func() {
				ack, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "hold"})
				done <- result{ack, err}
			}()
			select {
			case <-received:
			case <-ctx.Done():
				t.Fatal("bot never received the command")
			}
			tc.fault(srv)
			if err := srv.WaitConnects(ctx, 2); err != nil {
				t.Fatalf("no reconnect: %v", err)
			}
			close(release) // the ack now leaves on the new socket
			res := <-done
			if res.err != nil {
				t.Fatalf("SlashCommand: %v", res.err)
			}
			if res.ack.EnvelopeID == "" {
				t.Error("empty envelope id in ack")
			}
			if _, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "after"}); err != nil {
				t.Fatalf("SlashCommand on the new socket: %v", err)
			}
			if n := srv.Connects(); n != 2 {
				t.Errorf("Connects = %d, want 2", n)
			}
			assertNoErrors(t, srv)
		})
	}
}

func TestWebAPIThroughSlackGo(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	interactions := make(chan slack.InteractionCallback, 4)
	h := startBot(t, srv, 3*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
		cb, ok := evt.Data.(slack.InteractionCallback)
		if ok && cb.Type == slack.InteractionTypeViewSubmission {
			interactions <- cb
			_ = c.AckCtx(ctx, evt.Request.EnvelopeID, slack.NewErrorsViewSubmissionResponse(map[string]string{"cand": "unknown candidate"}))
			return
		}
		if ok {
			interactions <- cb
		}
		ackAll(ctx, c, evt)
	})
	api := h.api
	ctx := testCtx(t, 15*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}

	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != slacktest.BotUserID || auth.BotID != slacktest.BotID || auth.TeamID != "T0TEST" {
		t.Fatalf("AuthTest = %+v, %v", auth, err)
	}

	blocks := slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Interview* with alice", false, false), nil, nil),
		slack.NewActionBlock("approval",
			slack.NewButtonBlockElement("approve", "iv-42", plain("Approve")),
			slack.NewButtonBlockElement("deny", "iv-42", plain("Deny")),
		),
	)
	ch, ts, err := api.PostMessageContext(ctx, slacktest.DefaultChannelID, slack.MsgOptionText("Interview with alice", false), blocks)
	if err != nil || ch != slacktest.DefaultChannelID || !regexp.MustCompile(`^\d{10}\.\d{6}$`).MatchString(ts) {
		t.Fatalf("PostMessage = %q, %q, %v", ch, ts, err)
	}
	_, reply, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("thread reply", false), slack.MsgOptionTS(ts))
	if err != nil || reply <= ts {
		t.Fatalf("thread reply ts %q after %q: %v", reply, ts, err)
	}
	dmChannel, _, err := api.PostMessageContext(ctx, "U0TEST", slack.MsgOptionText("hi in DM", false))
	if err != nil || dmChannel != slacktest.DMChannel("U0TEST") {
		t.Fatalf("PostMessage to a user = %q, %v", dmChannel, err)
	}
	if _, err := api.PostEphemeralContext(ctx, ch, slacktest.DefaultUserID, slack.MsgOptionText("only you", false)); err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText("Interview with alice (moved)", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	if cur, ok := srv.CurrentMessage(ch, ts); !ok || cur.Text != "Interview with alice (moved)" || !strings.Contains(string(cur.Blocks), "approve") {
		t.Errorf("after update without blocks, message = %+v (blocks must be kept)", cur)
	}
	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch, Ts: ts})
	if want := "https://test.slack.com/archives/C0TEST/p" + strings.Replace(ts, ".", "", 1); err != nil || link != want {
		t.Errorf("GetPermalink = %q, %v; want %q", link, err, want)
	}
	srv.AddUser(slacktest.User{ID: "U0ADMIN", Name: "boss", TZ: "Europe/Berlin", TZOffset: 3600, IsAdmin: true})
	u, err := api.GetUserInfoContext(ctx, "U0ADMIN")
	if err != nil || u.TZ != "Europe/Berlin" || u.TZOffset != 3600 || !u.IsAdmin || u.Name != "boss" {
		t.Errorf("GetUserInfo = %+v, %v", u, err)
	}

	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"update unknown ts", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, ch, "1000000000.000001", slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"update too long", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText(strings.Repeat("a", 4001), false))
			return err
		}, "msg_too_long"},
		{"post without content", func() error {
			_, _, err := api.PostMessageContext(ctx, ch)
			return err
		}, "no_text"},
		{"unknown user", func() error {
			_, err := api.GetUserInfoContext(ctx, "U0NOBODY")
			return err
		}, "user_not_found"},
	} {
		var se slack.SlackErrorResponse
		if err := tc.call(); !errors.As(err, &se) || se.Err != tc.want {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
		}
	}

	// Block action on the posted message; block_id comes from the message.
	ack, err := srv.BlockAction(ctx, slacktest.Action{MessageTS: ts, ActionID: "approve"})
	if err != nil {
		t.Fatalf("BlockAction: %v", err)
	}
	cb := <-interactions
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("bot got %+v", cb)
	}
	act := cb.ActionCallback.BlockActions[0]
	if act.ActionID != "approve" || act.BlockID != "approval" || act.Value != "iv-42" || act.Text.Text != "Approve" ||
		cb.Container.MessageTs != ts || cb.Message.Timestamp != ts || cb.Channel.ID != ch || cb.ResponseURL != ack.ResponseURL {
		t.Errorf("block action = %+v / %+v", act, cb)
	}
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(ack.ResponseURL), slack.MsgOptionText("Approved", false)); err != nil {
		t.Fatalf("response_url replace_original: %v", err)
	}
	if cur, _ := srv.CurrentMessage(ch, ts); cur.Text != "Approved" {
		t.Errorf("after replace_original message text = %q", cur.Text)
	}

	// Modal: open with a trigger from a slash command, then submit it.
	slash, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "new"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	modal := slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("New interview"), Submit: plain("Create"), Close: plain("Cancel"),
		CallbackID: "new_interview", PrivateMetadata: `{"channel":"C0TEST"}`,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("cand", plain("Candidate"), nil, slack.NewPlainTextInputBlockElement(nil, "name")),
		}},
	}
	resp, err := api.OpenViewContext(ctx, slash.TriggerID, modal)
	if err != nil || resp.View.ID == "" || resp.View.CallbackID != "new_interview" {
		t.Fatalf("OpenView = %+v, %v", resp, err)
	}
	if views := srv.Views(); len(views) != 1 || views[0].TriggerID != slash.TriggerID || views[0].ID != resp.View.ID {
		t.Errorf("Views = %+v", views)
	}
	if _, err := srv.ViewSubmission(ctx, slacktest.Submission{
		Values: map[string]map[string]slacktest.ViewValue{"cand": {"name": {Value: "Alice"}}},
	}); err != nil {
		t.Fatalf("ViewSubmission: %v", err)
	}
	sub := <-interactions
	if sub.View.ID != resp.View.ID || sub.View.CallbackID != "new_interview" || sub.View.PrivateMetadata != `{"channel":"C0TEST"}` ||
		sub.View.State == nil || sub.View.State.Values["cand"]["name"].Value != "Alice" {
		t.Errorf("view_submission = %+v", sub.View)
	}

	var methods []string
	for _, m := range srv.Messages() {
		methods = append(methods, m.Method)
	}
	want := []string{"chat.postMessage", "chat.postMessage", "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
	if !slices.Equal(methods, want) {
		t.Errorf("message methods = %v, want %v", methods, want)
	}
	// The deliberate failures above are app-side mistakes Slack would reject.
	for _, e := range srv.Errors() {
		if !strings.Contains(e, "msg_too_long") && !strings.Contains(e, "no_text") {
			t.Errorf("unexpected protocol error: %s", e)
		}
	}
}

type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, target string, header http.Header, body string) apiResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := apiResponse{status: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(data, &out.body)
	return out
}

func formHeader() http.Header {
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
}

func postBlocks(t *testing.T, srv *slacktest.Server, text, blocks string) apiResponse {
	t.Helper()
	v := url.Values{"token": {srv.BotToken()}, "channel": {"C0TEST"}, "blocks": {blocks}}
	if text != "" {
		v.Set("text", text)
	}
	return post(t, srv.APIURL()+"chat.postMessage", formHeader(), v.Encode())
}

func TestBlockKitValidation(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	section := func(s string) string {
		b, _ := json.Marshal(map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": s}})
		return string(b)
	}
	button := func(id, text string) string {
		return `{"type":"button","action_id":"` + id + `","text":{"type":"plain_text","text":"` + text + `"},"value":"v"}`
	}
	repeat := func(s string, n int) string { return strings.TrimSuffix(strings.Repeat(s+",", n), ",") }
	tests := []struct {
		name     string
		blocks   string
		wantCode string
		wantErrs []string
	}{
		{"section text too long", "[" + section(strings.Repeat("x", 3001)) + "]", "invalid_blocks", []string{
			"failed to match all allowed schemas [json-pointer:/blocks/0/text]",
			"must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
		}},
		{"header too long", `[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]`, "invalid_blocks",
			[]string{"must be no longer than 150 characters [json-pointer:/blocks/0/text/text]"}},
		{"header must be plain_text", `[{"type":"header","text":{"type":"mrkdwn","text":"h"}}]`, "invalid_blocks",
			[]string{"must be plain_text [json-pointer:/blocks/0/text/type]"}},
		{"empty text", "[" + section("") + "]", "invalid_blocks", []string{
			"failed to match all allowed schemas [json-pointer:/blocks/0/text]",
			"must be more than 0 characters [json-pointer:/blocks/0/text/text]",
		}},
		{"empty header", `[{"type":"header","text":{"type":"plain_text","text":""}}]`, "invalid_blocks",
			[]string{"must be more than 0 characters [json-pointer:/blocks/0/text/text]"}},
		{"emoji on mrkdwn", `[{"type":"section","text":{"type":"mrkdwn","text":"a","emoji":true}}]`, "invalid_blocks", []string{
			"failed to match all allowed schemas [json-pointer:/blocks/0/text]",
			"invalid additional property: emoji [json-pointer:/blocks/0/text]",
		}},
		{"too many blocks", "[" + repeat(`{"type":"divider"}`, 51) + "]", "invalid_blocks",
			[]string{"no more than 50 items allowed [json-pointer:/blocks]"}},
		{"duplicate block_id", `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`, "invalid_blocks",
			[]string{"duplicate block_id: a [json-pointer:/blocks/1/block_id]"}},
		{"block_id too long", `[{"type":"divider","block_id":"` + strings.Repeat("b", 256) + `"}]`, "invalid_blocks",
			[]string{"must be less than 256 characters [json-pointer:/blocks/0/block_id]"}},
		{"unknown block type", `[{"type":"carousel"}]`, "invalid_blocks",
			[]string{"unsupported type: carousel [json-pointer:/blocks/0/type]"}},
		{"too many fields", `[{"type":"section","fields":[` + repeat(`{"type":"mrkdwn","text":"f"}`, 11) + `]}]`, "invalid_blocks",
			[]string{"no more than 10 items allowed [json-pointer:/blocks/0/fields]"}},
		{"field too long", `[{"type":"section","fields":[{"type":"plain_text","text":"` + strings.Repeat("f", 2001) + `"}]}]`, "invalid_blocks", []string{
			"failed to match all allowed schemas [json-pointer:/blocks/0/fields/0]",
			"must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
		}},
		{"button text too long", `[{"type":"actions","elements":[` + button("a", strings.Repeat("b", 76)) + `]}]`, "invalid_blocks",
			[]string{"must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"}},
		{"duplicate action_id", `[{"type":"actions","elements":[` + button("a", "x") + "," + button("a", "y") + `]}]`, "invalid_blocks",
			[]string{"duplicate action_id: a [json-pointer:/blocks/0/elements/1/action_id]"}},
		{"too many actions", `[{"type":"actions","elements":[` + repeat(`{"type":"button","text":{"type":"plain_text","text":"b"}}`, 26) + `]}]`, "invalid_blocks",
			[]string{"no more than 25 items allowed [json-pointer:/blocks/0/elements]"}},
		{"too many context elements", `[{"type":"context","elements":[` + repeat(`{"type":"mrkdwn","text":"c"}`, 11) + `]}]`, "invalid_blocks",
			[]string{"no more than 10 items allowed [json-pointer:/blocks/0/elements]"}},
		{"option value too long", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"o"},"value":"` + strings.Repeat("v", 76) + `"}]}]}]`, "invalid_blocks",
			[]string{"must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/value]"}},
		{"placeholder too long", `[{"type":"input","label":{"type":"plain_text","text":"l"},"element":{"type":"plain_text_input","action_id":"i","placeholder":{"type":"plain_text","text":"` + strings.Repeat("p", 151) + `"}}}]`, "invalid_blocks",
			[]string{"must be less than 151 characters [json-pointer:/blocks/0/element/placeholder/text]"}},
		{"cumulative text", "[" + repeat(section(strings.Repeat("x", 2500)), 5) + "]", "msg_blocks_too_long", nil},
		{"not JSON", `[{"type":`, "invalid_blocks_format", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := postBlocks(t, srv, "fallback", tc.blocks)
			if resp.status != http.StatusOK || resp.body["ok"] != false || resp.body["error"] != tc.wantCode {
				t.Fatalf("got %d %v, want invalid %s", resp.status, resp.body, tc.wantCode)
			}
			if tc.wantErrs == nil {
				return
			}
			var gotErrs []string
			for _, e := range resp.body["errors"].([]any) {
				gotErrs = append(gotErrs, e.(string))
			}
			if !slices.Equal(gotErrs, tc.wantErrs) {
				t.Errorf("errors = %q\nwant     %q", gotErrs, tc.wantErrs)
			}
			msgs := resp.body["response_metadata"].(map[string]any)["messages"].([]any)
			if len(msgs) != len(gotErrs) || msgs[0] != "[ERROR] "+gotErrs[0] {
				t.Errorf("response_metadata.messages = %v", msgs)
			}
			if got := slacktest.ValidateBlocks(json.RawMessage(tc.blocks), 50); !slices.Equal(got, tc.wantErrs) {
				t.Errorf("ValidateBlocks = %q", got)
			}
		})
	}
	if !hasError(srv, "invalid_blocks") {
		t.Error("invalid blocks were not recorded in Errors")
	}

	// The fixture's message (section + actions with styled buttons) is valid.
	fixture := `[{"type":"section","block_id":"q","text":{"type":"mrkdwn","text":"Approve deploy?","verbatim":false}},
		{"type":"actions","block_id":"approval","elements":[
		{"type":"button","action_id":"approve","text":{"type":"plain_text","text":"Approve","emoji":true},"style":"primary","value":"deploy-42"},
		{"type":"button","action_id":"deny","text":{"type":"plain_text","text":"Deny","emoji":true},"style":"danger","value":"deploy-42"}]}]`
	if errs := slacktest.ValidateBlocks(json.RawMessage(fixture), 50); errs != nil {
		t.Errorf("valid blocks rejected: %v", errs)
	}

	// slack-go surfaces the messages through SlackErrorResponse.
	_, _, err := newAPI(srv).PostMessage("C0TEST", slack.MsgOptionBlocks(slack.NewHeaderBlock(plain(strings.Repeat("h", 151)))))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_blocks" || len(se.ResponseMetadata.Messages) != 1 {
		t.Errorf("slack-go error = %#v", err)
	}

	// Views use invalid_arguments with /view/... pointers.
	ctx := testCtx(t, 10*time.Second)
	startBot(t, srv, 3*time.Second, ackAll)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	for _, tc := range []struct {
		name string
		view slack.ModalViewRequest
		want string
	}{
		{"title too long", slack.ModalViewRequest{Type: slack.VTModal, Title: plain(strings.Repeat("t", 25)), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}},
			"[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"},
		{"input without submit", slack.ModalViewRequest{Type: slack.VTModal, Title: plain("t"), Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("b", plain("l"), nil, slack.NewPlainTextInputBlockElement(nil, "a"))}}},
			"[ERROR] must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0/input]"},
		{"null blocks", slack.ModalViewRequest{Type: slack.VTModal, Title: plain("t")},
			"[ERROR] missing required field: blocks [json-pointer:/view]"},
		{"private_metadata too long", slack.ModalViewRequest{Type: slack.VTModal, Title: plain("t"), PrivateMetadata: strings.Repeat("m", 3001), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}},
			"[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"},
	} {
		slash, err := srv.SlashCommand(ctx, slacktest.Slash{})
		if err != nil {
			t.Fatalf("SlashCommand: %v", err)
		}
		_, err = newAPI(srv).OpenViewContext(ctx, slash.TriggerID, tc.view)
		if !errors.As(err, &se) || se.Err != "invalid_arguments" || !slices.Contains(se.ResponseMetadata.Messages, tc.want) {
			t.Errorf("%s: err = %#v, want message %q", tc.name, err, tc.want)
		}
	}
}

func TestRateLimitsAndFaults(t *testing.T) {
	t.Parallel()
	srv := slacktest.New(slacktest.WithChannelRate(1, 1))
	defer srv.Close()
	api := newAPI(srv)
	ctx := testCtx(t, 10*time.Second)
	text := slack.MsgOptionText("hi", false)

	srv.RateLimit("chat.postMessage", 1, 7)
	_, _, err := api.PostMessageContext(ctx, "C1", text)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("injected 429: err = %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", text); err != nil {
		t.Fatalf("first post in C1: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", text); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("second post within a second: err = %v, want RateLimitedError 1s", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C2", text); err != nil {
		t.Fatalf("other channel must not be limited: %v", err)
	}
	resp := post(t, srv.APIURL()+"chat.postMessage", formHeader(), url.Values{"token": {srv.BotToken()}, "channel": {"C2"}, "text": {"x"}}.Encode())
	if resp.status != http.StatusTooManyRequests || resp.header.Get("Retry-After") != "1" ||
		!strings.HasPrefix(resp.header.Get("Content-Type"), "application/json") || resp.body["error"] != "ratelimited" {
		t.Errorf("429 response = %d %v %v", resp.status, resp.header, resp.body)
	}
	if n := srv.Calls("chat.postMessage"); n != 5 {
		t.Errorf("Calls(chat.postMessage) = %d, want 5 (failed calls included)", n)
	}

	var se slack.SlackErrorResponse
	srv.FailMethod("users.info", 2, "fatal_error")
	for range 2 {
		if _, err := api.GetUserInfoContext(ctx, "U0TEST"); !errors.As(err, &se) || se.Err != "fatal_error" {
			t.Fatalf("FailMethod: err = %v", err)
		}
	}
	srv.FailMethodStatus("users.info", 1, http.StatusInternalServerError)
	var sce slack.StatusCodeError
	if _, err := api.GetUserInfoContext(ctx, "U0TEST"); !errors.As(err, &sce) || sce.Code != 500 {
		t.Fatalf("FailMethodStatus: err = %v", err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U0TEST"); err != nil {
		t.Fatalf("faults must be used up: %v", err)
	}

	srv.FailMethodStatus("auth.test", 1, http.StatusTooManyRequests)
	if _, err := api.AuthTestContext(ctx); !errors.As(err, &sce) || sce.Code != http.StatusTooManyRequests {
		t.Fatalf("429 without Retry-After: err = %v, want StatusCodeError", err)
	}

	srv.SetChannelError("C3", "not_in_channel")
	if _, _, err := api.PostMessageContext(ctx, "C3", text); !errors.As(err, &se) || se.Err != "not_in_channel" {
		t.Fatalf("SetChannelError: err = %v", err)
	}
	srv.AddChannel(slacktest.Channel{ID: "C4", Name: "old", IsArchived: true})
	if _, _, err := api.PostMessageContext(ctx, "C4", text); !errors.As(err, &se) || se.Err != "is_archived" {
		t.Fatalf("archived channel: err = %v", err)
	}

	srv.SetDelay("auth.test", time.Second)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := api.AuthTestContext(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SetDelay: err = %v, want deadline exceeded", err)
	}
	// SetDelay: a post whose caller gives up during the delay is not made.
	srv.SetDelay("chat.postMessage", 300*time.Millisecond)
	before := len(srv.Messages())
	short, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := api.PostMessageContext(short, "C5", slack.MsgOptionText("given up", false)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SetDelay: err = %v, want deadline exceeded", err)
	}
	time.Sleep(500 * time.Millisecond)
	if ms := srv.Messages(); len(ms) != before {
		t.Fatalf("SetDelay: a post given up during the delay was made: %+v", ms[before:])
	}
	srv.SetDelay("chat.postMessage", 0)

	// SetReplyDelay: the post is made, only its answer is late; a caller
	// that gives up never learns the ts.
	srv.SetReplyDelay("chat.postMessage", time.Second)
	before = len(srv.Messages())
	short, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, _, err := api.PostMessageContext(short, "C5", slack.MsgOptionText("late answer", false)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SetReplyDelay: err = %v, want deadline exceeded", err)
	}
	if ms := srv.Messages(); len(ms) != before+1 || ms[before].Text != "late answer" {
		t.Fatalf("SetReplyDelay: the post was not made: %+v", ms[before:])
	}
	srv.SetReplyDelay("chat.postMessage", 0)
	assertNoErrors(t, srv)
}

func TestTriggerIDRules(t *testing.T) {
	t.Parallel()
	const ttl = 500 * time.Millisecond
	srv := slacktest.New(slacktest.WithTriggerTTL(ttl))
	defer srv.Close()
	h := startBot(t, srv, 3*time.Second, ackAll)
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	issue := func() string {
		ack, err := srv.SlashCommand(ctx, slacktest.Slash{})
		if err != nil {
			t.Fatalf("SlashCommand: %v", err)
		}
		return ack.TriggerID
	}
	var used string
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: plain("Hi"), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	tests := []struct {
		name    string
		trigger func() string
		want    string
	}{
		{"fresh", func() string { used = issue(); return used }, ""},
		{"reused", func() string { return used }, "exchanged_trigger_id"},
		{"expired", func() string { tid := issue(); time.Sleep(ttl + 100*time.Millisecond); return tid }, "expired_trigger_id"},
		{"not issued by Slack", func() string { return "1234.5678.abcdef" }, "invalid_trigger_id"},
	}
	for _, tc := range tests {
		_, err := h.api.OpenViewContext(ctx, tc.trigger(), view)
		var se slack.SlackErrorResponse
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.As(err, &se) || se.Err != tc.want):
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
		}
	}
	if !hasError(srv, "expired_trigger_id") {
		t.Error("expired trigger not recorded in Errors")
	}
}

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	bearer := func(tok, ct string) http.Header {
		return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {ct}}
	}
	tests := []struct {
		name   string
		method string
		header http.Header
		body   string
		want   string // error code, "" for ok
	}{
		{"open: slack-go style", "apps.connections.open", bearer(srv.AppToken(), "application/json"), "", ""},
		{"open: node style form", "apps.connections.open", bearer(srv.AppToken(), "application/x-www-form-urlencoded"), "", ""},
		{"open: no token", "apps.connections.open", http.Header{"Content-Type": {"application/json"}}, "", "not_authed"},
		{"open: app token in body", "apps.connections.open", formHeader(), "token=" + srv.AppToken(), "not_authed"},
		{"open: bot token", "apps.connections.open", bearer(srv.BotToken(), "application/json"), "", "invalid_auth"},
		{"post: token in form", "chat.postMessage", formHeader(), "channel=C1&text=x&token=" + srv.BotToken(), ""},
		{"post: bearer", "chat.postMessage", bearer(srv.BotToken(), "application/json"), `{"channel":"C1","text":"x"}`, ""},
		{"post: no token", "chat.postMessage", formHeader(), "channel=C1&text=x", "not_authed"},
		{"post: app token", "chat.postMessage", bearer(srv.AppToken(), "application/json"), `{"channel":"C1","text":"x"}`, "invalid_auth"},
		{"auth.test: wrong token", "auth.test", formHeader(), "token=xoxb-wrong", "invalid_auth"},
	}
	for _, tc := range tests {
		resp := post(t, srv.APIURL()+tc.method, tc.header, tc.body)
		if !strings.HasPrefix(resp.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: Content-Type %q", tc.name, resp.header.Get("Content-Type"))
		}
		if tc.want == "" {
			if resp.body["ok"] != true {
				t.Errorf("%s: %v", tc.name, resp.body)
			}
			if tc.method == "apps.connections.open" && !strings.HasPrefix(resp.body["url"].(string), "ws://127.0.0.1:") {
				t.Errorf("%s: url %v", tc.name, resp.body["url"])
			}
			continue
		}
		if resp.body["ok"] != false || resp.body["error"] != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, resp.body, tc.want)
		}
	}
	if !hasError(srv, "POST parameter") {
		t.Error("token in the body of apps.connections.open not recorded")
	}

	// slack-go treats invalid_auth from apps.connections.open as fatal.
	api := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-wrong"))
	client := socketmode.New(api)
	ctx := testCtx(t, 5*time.Second)
	go func() {
		for {
			select {
			case <-client.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
	if err := client.RunContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("RunContext with a wrong app token = %v, want invalid_auth", err)
	}
}

// dialRaw opens a Socket Mode socket like slack-go does.
func dialRaw(t *testing.T, srv *slacktest.Server) (*websocket.Conn, string) {
	t.Helper()
	resp := post(t, srv.APIURL()+"apps.connections.open", http.Header{"Authorization": {"Bearer " + srv.AppToken()}}, "")
	u, _ := resp.body["url"].(string)
	conn, hresp, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {"https://api.slack.com"}})
	if err != nil {
		t.Fatalf("dial %q: %v", u, err)
	}
	hresp.Body.Close()
	t.Cleanup(func() { conn.Close() })
	return conn, u
}

func readFrame(t *testing.T, conn *websocket.Conn) map[string]any {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	var f map[string]any
	if err := conn.ReadJSON(&f); err != nil {
		t.Fatalf("reading frame: %v", err)
	}
	return f
}

func TestSocketProtocol(t *testing.T) {
	t.Parallel()
	srv := slacktest.New(slacktest.WithTeam("T0TEAM", "A0APP"))
	defer srv.Close()
	conn, u := dialRaw(t, srv)
	hello := readFrame(t, conn)
	if hello["type"] != "hello" || hello["num_connections"] != float64(1) ||
		hello["connection_info"].(map[string]any)["app_id"] != "A0APP" ||
		hello["debug_info"].(map[string]any)["approximate_connection_time"] == nil {
		t.Errorf("hello = %v", hello)
	}
	if _, _, err := websocket.DefaultDialer.Dial(u, nil); !errors.Is(err, websocket.ErrBadHandshake) {
		t.Errorf("reusing a ticket: err = %v, want bad handshake", err)
	}

	for _, tc := range []struct {
		frame, want string
	}{
		{`{"envelope_id":"not-issued"}`, "unknown envelope_id"},
		{`{"envelope_id":""}`, "without envelope_id"},
		{`not json`, "malformed frame"},
	} {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(tc.frame)); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 2*time.Second, tc.want, func() bool { return hasError(srv, tc.want) })
	}

	big := `{"envelope_id":"x","payload":{"text":"` + strings.Repeat("a", 20480) + `"}}`
	if err := conn.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	var ce *websocket.CloseError
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue
		}
		if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig || ce.Text != "Max frame length of 20480 has been exceeded." {
			t.Fatalf("oversized ack: err = %v, want close 1009", err)
		}
		break
	}
	if !hasError(srv, "20480") {
		t.Error("oversized frame not recorded")
	}
}

func TestTooManyWebsockets(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	for i := range 10 {
		conn, _ := dialRaw(t, srv)
		if f := readFrame(t, conn); f["type"] != "hello" || f["num_connections"] != float64(i+1) {
			t.Fatalf("socket %d: %v", i+1, f)
		}
	}
	conn, _ := dialRaw(t, srv)
	if f := readFrame(t, conn); f["type"] != "disconnect" || f["reason"] != "too_many_websockets" {
		t.Fatalf("11th socket got %v", f)
	}
	if n := srv.Connections(); n != 10 {
		t.Errorf("Connections = %d, want 10", n)
	}
	if !hasError(srv, "too_many_websockets") {
		t.Error("11th socket not recorded as an error")
	}
}

func TestLateAcksAndEventRetries(t *testing.T) {
	t.Parallel()
	srv := slacktest.New(slacktest.WithAckTimeout(200 * time.Millisecond))
	defer srv.Close()
	retries := make(chan socketmode.Request, 4)
	startBot(t, srv, 3*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			time.Sleep(400 * time.Millisecond)
			_ = c.AckCtx(ctx, evt.Request.EnvelopeID, map[string]any{"text": "too late"})
		case socketmode.EventTypeEventsAPI:
			retries <- *evt.Request
			if evt.Request.RetryAttempt > 0 {
				ackAll(ctx, c, evt)
			}
		default:
			ackAll(ctx, c, evt)
		}
	})
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}

	ack, err := srv.SlashCommand(ctx, slacktest.Slash{})
	if !errors.Is(err, slacktest.ErrAckTimeout) || !strings.Contains(err.Error(), "operation_timeout") || ack.Latency < 200*time.Millisecond {
		t.Errorf("late ack: %+v, err = %v", ack, err)
	}
	if !hasError(srv, "operation_timeout") {
		t.Error("late slash ack not recorded")
	}
	if msgs := srv.Messages(); len(msgs) != 0 {
		t.Errorf("a late ack payload must be discarded, got %+v", msgs)
	}

	if _, err := srv.EventCallback(ctx, json.RawMessage(`{"type":"app_mention","user":"U0TEST","text":"<@U0BOT> hi","ts":"1700000000.000100","channel":"C0TEST","event_ts":"1700000000.000100"}`)); err != nil {
		t.Fatalf("EventCallback: %v", err)
	}
	first, retry := <-retries, <-retries
	if first.RetryAttempt != 0 || retry.RetryAttempt != 1 || retry.RetryReason != "timeout" || first.EnvelopeID == retry.EnvelopeID {
		t.Errorf("deliveries: %+v then %+v", first, retry)
	}
	if !hasError(srv, "retry_attempt 0") {
		t.Error("missed events_api ack not recorded")
	}
}

func TestResponseURLLimits(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	startBot(t, srv, 3*time.Second, ackAll)
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	ack, err := srv.SlashCommand(ctx, slacktest.Slash{ChannelID: "C0ROOM"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	api := newAPI(srv)
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(ack.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("posted", false)); err != nil {
		t.Fatalf("slack-go response_url post: %v", err)
	}
	for i := 2; i <= 6; i++ {
		resp := post(t, ack.ResponseURL, http.Header{"Content-Type": {"application/json"}}, `{"text":"n"}`)
		wantStatus := http.StatusOK
		if i == 6 {
			wantStatus = http.StatusNotFound
		}
		if resp.status != wantStatus || !strings.HasPrefix(resp.header.Get("Content-Type"), "application/json") {
			t.Errorf("use %d: %d %v", i, resp.status, resp.body)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 5 || msgs[0].Method != "response_url" || msgs[0].Channel != "C0ROOM" || msgs[0].ResponseType != "in_channel" ||
		msgs[1].ResponseType != "ephemeral" || msgs[1].User != slacktest.DefaultUserID || msgs[0].EnvelopeID != ack.EnvelopeID {
		t.Errorf("messages = %+v", msgs)
	}
	if !hasError(srv, "used_url") {
		t.Error("sixth use not recorded")
	}
}

func TestServerPingsKeepConnection(t *testing.T) {
	t.Parallel()
	srv := slacktest.New(slacktest.WithPingInterval(100 * time.Millisecond))
	defer srv.Close()
	startBot(t, srv, time.Second, ackAll)
	ctx := testCtx(t, 5*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	// slack-go reconnects after 1s without a ping; two windows pass.
	time.Sleep(2100 * time.Millisecond)
	if n := srv.Connects(); n != 1 {
		t.Errorf("Connects = %d, want 1 (pings not seen by the client?)", n)
	}
	assertNoErrors(t, srv)
}

func TestAckPayloadChecks(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	defer srv.Close()
	divider := slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}
	h := startBot(t, srv, 3*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
		id := evt.Request.EnvelopeID
		switch d := evt.Data.(type) {
		case slack.SlashCommand:
			if d.Text == "bad" {
				_ = c.AckCtx(ctx, id, map[string]any{"blocks": []any{map[string]any{
					"type": "header", "text": map[string]any{"type": "plain_text", "text": strings.Repeat("h", 151)},
				}}})
				return
			}
			ackAll(ctx, c, evt)
		case slack.InteractionCallback:
			var resp *slack.ViewSubmissionResponse
			switch d.View.State.Values["cand"]["name"].Value {
			case "wrong key":
				resp = slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "x"})
			case "bad update":
				resp = slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{Type: slack.VTModal, Title: plain(strings.Repeat("t", 30)), Blocks: divider})
			case "update":
				resp = slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{Type: slack.VTModal, Title: plain("Done"), Blocks: divider})
			}
			_ = c.AckCtx(ctx, id, resp)
		default:
			ackAll(ctx, c, evt)
		}
	})
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	if _, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "bad"}); err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	if !hasError(srv, "must be no longer than 150 characters") || len(srv.Messages()) != 0 {
		t.Errorf("invalid ack reply: errors %q, messages %+v", srv.Errors(), srv.Messages())
	}

	slash, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "open"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	view, err := h.api.OpenViewContext(ctx, slash.TriggerID, slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("New"), Submit: plain("Save"), CallbackID: "cb",
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("cand", plain("Name"), nil, slack.NewPlainTextInputBlockElement(nil, "name"))}},
	})
	if err != nil {
		t.Fatalf("OpenView: %v", err)
	}
	for _, tc := range []struct{ value, wantErr string }{
		{"wrong key", `errors key "nope" is not an input block_id`},
		{"bad update", "response_action update view rejected"},
		{"update", ""},
	} {
		before := len(srv.Errors())
		if _, err := srv.ViewSubmission(ctx, slacktest.Submission{
			ViewID: view.View.ID, Values: map[string]map[string]slacktest.ViewValue{"cand": {"name": {Value: tc.value}}},
		}); err != nil {
			t.Fatalf("%s: ViewSubmission: %v", tc.value, err)
		}
		errs := srv.Errors()[before:]
		switch {
		case tc.wantErr == "" && len(errs) > 0:
			t.Errorf("%s: unexpected errors %q", tc.value, errs)
		case tc.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.wantErr)):
			t.Errorf("%s: errors %q, want %q", tc.value, errs, tc.wantErr)
		}
	}
	if views := srv.Views(); len(views) != 2 || views[1].Method != "ack" || views[1].ID != view.View.ID {
		t.Errorf("Views = %+v", views)
	}
}

// TestCheckAcksSample: with CheckAcks(n) only one slash command reply in n
// is checked and recorded; every ack is still matched, timed and kept.
func TestCheckAcksSample(t *testing.T) {
	t.Parallel()
	srv := slacktest.New()
	t.Cleanup(srv.Close)
	startBot(t, srv, 30*time.Second, func(ctx context.Context, c *socketmode.Client, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeSlashCommand {
			ackAll(ctx, c, evt)
			return
		}
		// A reply Slack rejects: a header longer than 150 characters.
		bad := map[string]any{"blocks": []slack.Block{slack.NewHeaderBlock(plain(strings.Repeat("h", 151)))}}
		_ = c.AckCtx(ctx, evt.Request.EnvelopeID, bad)
	})
	ctx := testCtx(t, 10*time.Second)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	send := func(n int) {
		t.Helper()
		for range n {
			ack, err := srv.SlashCommand(ctx, slacktest.Slash{Text: "bad"})
			if err != nil || len(ack.Payload) == 0 {
				t.Fatalf("SlashCommand: %+v, %v", ack, err)
			}
		}
	}
	send(2)
	if got := len(srv.Errors()); got != 2 {
		t.Fatalf("checking every reply: %d errors for 2 bad replies", got)
	}
	srv.CheckAcks(3)
	send(7) // replies 1, 4 and 7 are checked
	if got := len(srv.Errors()); got != 2+3 {
		t.Errorf("checking 1 in 3: %d errors for 7 bad replies, want 3", got-2)
	}
	srv.CheckAcks(1)
	send(1)
	if got := len(srv.Errors()); got != 2+3+1 {
		t.Errorf("checking every reply again: %d errors, want 6", got)
	}
	if got := len(srv.Acks()); got != 10 {
		t.Errorf("%d acks kept, want 10", got)
	}
}
