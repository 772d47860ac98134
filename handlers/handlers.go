// Package handlers is the product: it parses /interview commands, applies the
// rules (rotation, feedback, kits, daily schedules, admin checks) and renders
// Block Kit messages. It talks to Slack and to storage only through the small
// interfaces declared here, so it builds and tests without a transport or a
// database driver.
package handlers

import (
	"context"
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
	// Values maps block_id → action_id → the submitted value (the text of a
	// text input, the value of a selected option).
	Values map[string]map[string]string
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
}

// Reply is what a handler answers at once. For a slash command Message rides
// in the Socket Mode acknowledgement; for a button it is shown to the user
// ephemerally; for a modal, Errors (block_id → text) keep the modal open.
type Reply struct {
	Message *Message
	Errors  map[string]string
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

// Tally counts the votes on one question in one message.
type Tally struct {
	Up   int
	Down int
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

// ImportResult says what importing a team bank changed.
type ImportResult struct {
	Added     int
	Updated   int // guidance, follow-ups or spelling changed
	Unchanged int
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
}

// KitItem is one question of a kit; ReplyTS is "" until its reply is posted.
type KitItem struct {
	Position   int
	QuestionID string
	Category   string
	ReplyTS    string
}

// Days says on which days a schedule posts.
type Days string

const (
	Weekdays Days = "weekdays"
	Everyday Days = "everyday"
)

// Schedule is a channel's daily practice question.
type Schedule struct {
	ID          int64
	TeamID      string
	ChannelID   string
	Role        string
	Category    string // "" for all the role's categories
	Hour        int
	Minute      int
	Zone        string // IANA name
	Days        Days
	CreatedBy   string
	CreatedAt   time.Time
	Paused      bool
	PauseReason string
}

// DailyPost is the claim on one schedule's post for one local date.
type DailyPost struct {
	ScheduleID int64
	LocalDate  string // YYYY-MM-DD in the schedule's zone
	State      string // "claimed", "posted" or "skipped"
	ClaimedBy  string
	QuestionID string
	MessageTS  string
	Attempts   int
}

type voteStore interface {
	// SaveVote inserts or replaces the vote of (user, question, message)
	// and returns the message's tally for that question afterwards.
	SaveVote(ctx context.Context, v Vote) (Tally, error)
}

type ratingStore interface {
	// SaveRating inserts or replaces the rating of (user, question, message).
	SaveRating(ctx context.Context, r Rating) error
	// Feedback aggregates the team's votes and ratings per question.
	Feedback(ctx context.Context, teamID string) ([]QuestionFeedback, error)
}

type teamQuestionStore interface {
	AddTeamQuestion(ctx context.Context, q TeamQuestion) (TeamQuestion, error)
	// RemoveTeamQuestion returns ErrNotFound when the team has no such question.
	RemoveTeamQuestion(ctx context.Context, teamID, id string) error
	TeamQuestions(ctx context.Context, teamID string) ([]TeamQuestion, error)
	// ImportTeamQuestions adds the questions the team lacks and updates
	// those it has (same role, category and questions.TextKey of the
	// text), in one transaction: all or nothing. Importing the same
	// questions twice changes nothing the second time.
	ImportTeamQuestions(ctx context.Context, teamID string, qs []TeamQuestion) (ImportResult, error)
}

type postLog interface {
	RecordPost(ctx context.Context, p Post) error
	// PostCounts returns how often each question was posted in the channel.
	PostCounts(ctx context.Context, teamID, channelID string) (map[string]int, error)
}

type kitStore interface {
	// CreateKit saves a new kit with its items, leased to owner until
	// until, and returns it with its short id.
	CreateKit(ctx context.Context, k Kit, owner string, until time.Time) (Kit, error)
	// ClaimKit leases an unfinished kit to owner when nobody else holds an
	// unexpired lease (as of now), and returns it as saved. ok is false when
	// another owner holds it or it is finished.
	ClaimKit(ctx context.Context, id, owner string, now, until time.Time) (k Kit, ok bool, err error)
	// SetKitParent and SetKitReply record the ts of a posted message.
	SetKitParent(ctx context.Context, id, ts string) error
	SetKitReply(ctx context.Context, id string, position int, ts string) error
	// FinishKit marks a kit complete (finished true) or, after a failed
	// attempt, releases its lease so that a retry may start at retryAt.
	FinishKit(ctx context.Context, id, owner string, finished bool, retryAt time.Time) error
	// Kit returns the team's kit with that id, or ErrNotFound.
	Kit(ctx context.Context, teamID, id string) (Kit, error)
	// ChannelKits returns the channel's most recent kits, newest first.
	ChannelKits(ctx context.Context, teamID, channelID string, limit int) ([]Kit, error)
	// UnfinishedKits returns kits created after since that are not
	// finished and not leased as of now: the ones a retry should resume.
	UnfinishedKits(ctx context.Context, since, now time.Time) ([]Kit, error)
	// MessageFeedback aggregates votes and ratings per message ts among
	// the given messages of a channel.
	MessageFeedback(ctx context.Context, teamID, channelID string, messageTS []string) (map[string]QuestionFeedback, error)
}

type scheduleStore interface {
	// SaveSchedule creates the channel's schedule for (role, category) or
	// replaces it (and un-pauses it), returning it with its id.
	SaveSchedule(ctx context.Context, s Schedule) (Schedule, error)
	ChannelSchedules(ctx context.Context, teamID, channelID string) ([]Schedule, error)
	// DeleteChannelSchedules removes the channel's schedules and says how many.
	DeleteChannelSchedules(ctx context.Context, teamID, channelID string) (int, error)
	// ActiveSchedules returns every schedule that is not paused, all teams.
	ActiveSchedules(ctx context.Context) ([]Schedule, error)
	PauseSchedule(ctx context.Context, id int64, reason string) error
}

type dailyStore interface {
	// ClaimDailyPost takes the post of (schedule, localDate) for owner until
	// until: it inserts a claim, or takes over a claim that is not posted
	// and whose lease expired before now. ok is false when another owner
	// holds it, or it was posted or skipped; post says which.
	ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (post DailyPost, ok bool, err error)
	// ReleaseDailyPost gives up owner's claim after a failed attempt so
	// that any replica may retry from retryAt; it counts the attempt.
	ReleaseDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error
	// MarkDailyPosted records the post (state posted, its ts and question)
	// and logs it in the channel's post history, in one transaction.
	MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p Post) error
	// SkipDailyPost records that the day is skipped unless a row exists;
	// inserted says whether this call recorded it.
	SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (inserted bool, err error)
	// DailyHistory returns the question ids posted by daily schedules in
	// the channel, oldest first.
	DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error)
}

type leaseStore interface {
	// ReleaseLeases ends every lease owner holds on kits and daily posts, as
	// of now. A process calls it at start, under a stable instance name,
	// when the previous process of that name died holding leases: nothing
	// of that name is running any more, so its work may resume at once.
	ReleaseLeases(ctx context.Context, owner string, now time.Time) error
}

// Store is everything handlers keep. storage.DB (Postgres) and memstore
// (in-process, for the shell) implement it; a conformance test in storage
// holds them to the same behaviour.
type Store interface {
	voteStore
	ratingStore
	teamQuestionStore
	postLog
	kitStore
	scheduleStore
	dailyStore
	leaseStore
}

// poster sends messages through Slack's Web API.
type poster interface {
	// PostMessage posts to m.Channel (in m.ThreadTS's thread when set) and
	// returns the new message's ts. It waits out 429s itself.
	PostMessage(ctx context.Context, m Message) (ts string, err error)
	PostEphemeral(ctx context.Context, userID string, m Message) error
	UpdateMessage(ctx context.Context, ts string, m Message) error
	// Respond answers through an interaction's response_url.
	Respond(ctx context.Context, responseURL string, m Message) error
}

// Slack is what handlers need from the chat platform. bot implements it over
// the Web API; the shell implements it on a terminal.
type Slack interface {
	poster
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	User(ctx context.Context, userID string) (User, error)
	Permalink(ctx context.Context, channelID, ts string) (string, error)
}
