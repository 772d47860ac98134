// Package handlers is the product: it parses /interview commands, applies the
// rules (rotation, feedback, kits, daily schedules, admin checks) and renders
// Block Kit messages. Commands routes each command, click and modal to one
// capability (lists, practice, kits, daily, feedback, team bank), which
// talks to Slack and to storage only through the small interfaces it
// declares next to itself, so the package builds and tests without a
// transport or a database driver.
package handlers

import (
	"errors"
	"time"

	"github.com/slack-go/slack"
)

// Sentinel errors returned by stores (storage and memstore) and by the Slack
// transport. Compare with errors.Is.
var (
	// ErrNotFound: the record asked for does not exist (for this team).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a uniqueness rule held by the database refused the write.
	ErrConflict = errors.New("conflict")
	// ErrChannelUnavailable: Slack refuses posts to the channel for good
	// (channel_not_found, not_in_channel, is_archived); retrying won't help.
	ErrChannelUnavailable = errors.New("channel unavailable")
)

// Slash is one /interview invocation.
type Slash struct {
	TeamID      string
	ChannelID   string
	UserID      string
	Text        string
	TriggerID   string
	ResponseURL string
}

// Action is one button click (block_actions).
type Action struct {
	TeamID      string
	ChannelID   string
	UserID      string
	ActionID    string // full action_id, possibly with a ":suffix"
	Value       string
	MessageTS   string // ts of the message holding the button
	ThreadTS    string // parent ts when the message is a thread reply
	Ephemeral   bool   // the button sits on an ephemeral message
	TriggerID   string
	ResponseURL string
}

// Submission is a modal submitted by a user (view_submission).
type Submission struct {
	TeamID          string
	UserID          string
	CallbackID      string
	PrivateMetadata string
	// Values maps block_id → action_id → the submitted value: the text of a
	// text input, the value of a selected option, a date (YYYY-MM-DD), a
	// time (HH:MM), a datetimepicker's Unix seconds in decimal, a selected
	// user or conversation id.
	Values map[string]map[string]string
	// Selected maps block_id → action_id → the values of an input that
	// holds several (checkboxes' option values, multi_users_select's user
	// ids, multi_static_select's option values), in Slack's order. An
	// input left empty has an entry with no values.
	Selected map[string]map[string][]string
}

// Message is a message the bot sends: the answer to a command, a channel
// post, a thread reply or a replacement of an earlier message.
type Message struct {
	Channel  string
	ThreadTS string // post as a reply in this thread
	Text     string // notification and accessibility fallback
	Blocks   []slack.Block
	// InChannel makes a command's answer visible to the channel; otherwise
	// it is ephemeral (only the invoking user sees it).
	InChannel bool
	// ReplaceOriginal, for an answer to a click, replaces the message that
	// holds the button instead of adding one (paging through a list).
	ReplaceOriginal bool

	// ack is the acknowledgement payload of an answer that does not change
	// between requests, encoded once; AckJSON hands it out.
	ack *encodedAck
}

// Reply is what a handler answers at once. For a slash command Message rides
// in the Socket Mode acknowledgement; for a button it is shown to the user
// ephemerally; for a modal, Errors (block_id → text) keep the modal open.
type Reply struct {
	Message *Message
	Errors  map[string]string
	// Command names the slash subcommand answered (Kind.String), for
	// metrics; "" for buttons and modals. It comes from a fixed set, never
	// from user text.
	Command string
}

// User is what handlers need to know about a Slack user.
type User struct {
	ID       string
	TZ       string // IANA zone, "" when unknown
	IsAdmin  bool
	IsOwner  bool
	IsBot    bool
	Deleted  bool
	RealName string
}

// Vote is one user's 👍 (+1) or 👎 (−1) on one question in one message.
type Vote struct {
	TeamID     string
	UserID     string
	QuestionID string
	ChannelID  string
	MessageTS  string
	Value      int
}

// Tally counts the votes on one question in one message, as the user who
// just voted sees them.
type Tally struct {
	Up   int
	Down int
	// Mine is that user's vote after the click: +1, −1, or 0 when the
	// click withdrew it.
	Mine int
}

// Rating is a submitted feedback modal: 1–5 stars and optional notes.
type Rating struct {
	TeamID     string
	UserID     string
	QuestionID string
	ChannelID  string
	MessageTS  string
	Stars      int
	Notes      string
}

// QuestionFeedback aggregates everything a team said about one question.
type QuestionFeedback struct {
	QuestionID string
	Up         int
	Down       int
	Ratings    int
	StarsSum   int
	Notes      int
}

// TeamQuestion is a question a team added with `/interview add`.
type TeamQuestion struct {
	ID        string // assigned by the store: "team-<n>"
	TeamID    string
	Role      string // role slug
	Category  string // category slug
	Text      string
	Guidance  []string // what a strong answer covers, from an imported bank
	FollowUps []string
	CreatedBy string
	CreatedAt time.Time
}

// Post records that a question was posted to a channel, for rotation.
type Post struct {
	TeamID     string
	ChannelID  string
	QuestionID string
	MessageTS  string
	Source     string // "practice", "daily" or "kit"
	At         time.Time
}

// Kit is an interview kit shared in a channel: a parent message and one
// thread reply per question.
type Kit struct {
	ID        string // short id assigned by the store
	TeamID    string
	ChannelID string
	Role      string
	CreatedBy string
	CreatedAt time.Time
	ParentTS  string // "" until the parent message is posted
	Finished  bool   // parent and every reply posted
	Items     []KitItem

	// A panel kit (commands.md, "Interview panels"); all optional.
	Panel       []string  // Slack user ids, in the order given
	InterviewAt time.Time // zero when no time was given
	Zone        string    // the owner's IANA zone when the kit was made
	// Candidate is a free-text label, private to the panel: never logged,
	// never in a channel message. "" when none, or erased.
	Candidate string
	ClosedAt  time.Time // zero while scorecards may be submitted
	Deleted   bool      // kit delete erased its scorecards and label
	// Attempts counts failed posting attempts; Abandoned says posting
	// stopped for good (the channel refuses posts, or too many attempts).
	Attempts  int
	Abandoned bool
}

// KitItem is one question of a kit; ReplyTS is "" until its reply is posted.
type KitItem struct {
	Position   int
	QuestionID string
	Category   string
	ReplyTS    string
}

// Days says on which days a schedule posts: Weekdays, Everyday, or a list
// of days, Monday first ("mon,wed,fri").
type Days string

const (
	Weekdays Days = "weekdays"
	Everyday Days = "everyday"
)

// Schedule is a daily practice question in a channel.
type Schedule struct {
	ID         int64 // shown as "d<ID>"
	TeamID     string
	ChannelID  string
	Role       string
	Category   string // "" for all the role's categories
	Difficulty int    // 0 any, 1 easy, 2 medium, 3 hard
	Hour       int
	Minute     int
	Zone       string // IANA name
	Days       Days
	CreatedBy  string
	CreatedAt  time.Time
	// Paused stops the posts until resumed, or when PausedUntil is set
	// until that local date (YYYY-MM-DD), which posts again.
	Paused      bool
	PausedUntil string
	PausedBy    string // the user who paused it; "" when the bot did
	PauseReason string // why the bot paused it
	// NextDue is the instant of the next post to make: zero while paused
	// until resumed, and for a schedule stored before it was kept.
	NextDue time.Time
	// Skips are the channel's skipped local dates, from today on, read with
	// the schedule (the store ignores them when saving one).
	Skips []DateRange
}

// DateRange is a run of local dates, From and To included (YYYY-MM-DD).
type DateRange struct {
	From, To string
}

// DailyPost is the claim on one day's daily post. It is keyed by the
// channel, role and category of the schedule that claimed it, so that the
// channel gets at most one such post a day even if the schedule is removed
// and made again.
type DailyPost struct {
	ScheduleID int64
	LocalDate  string // YYYY-MM-DD in the schedule's zone
	State      string // "claimed", "posted" or "skipped"
	ClaimedBy  string
	QuestionID string
	MessageTS  string
	Attempts   int
	// History is what a won claim brings along: the question ids daily
	// posts put in the channel, oldest first, for the rotation.
	History []string
}

// Store is everything the capabilities keep: the union of the store
// interfaces each of them declares next to itself, and nothing more.
// storage.DB (Postgres) and memstore (in process) implement it; a
// conformance test in storage holds them to the same behaviour.
type Store interface {
	teamQuestionReader // every capability, through the catalog
	teamVersions       // lists, to encode answers once
	teamBankStore
	postLog // practice
	kitStore
	panelStore
	reminderStore
	dailyStore
	feedbackStore
	privatePracticeStore
	personalDailyStore
	forgetStore
	leaseStore // the router, at start
}

// Slack is what handlers need from the chat platform: the union of the
// Slack interfaces of the capabilities. bot implements it over the Web API;
// the shell implements it on a terminal.
type Slack interface {
	listSlack
	kitSlack
	panelSlack
	reminderSlack
	dailySlack
	feedbackSlack
	practiceSlack
}
