// Package rules holds the checks and formats that storage (Postgres) and
// memstore (in process) must share so the two behave the same. The limits
// themselves are the product's (handlers.MaxNotes, questions.MaxText, …);
// the CHECK constraints in storage/migrations mirror them. Checking them
// here first gives the caller an error that names the field and the limit
// instead of a constraint name, and keeps the in-process store from
// accepting what Postgres would refuse (NUL bytes, invalid UTF-8).
package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
)

// field is a named string value to check.
type field struct {
	name, value string
}

// CheckVote reports why v cannot be stored, or nil.
func CheckVote(v handlers.Vote) error {
	if v.Value != 1 && v.Value != -1 {
		return fmt.Errorf("vote value: %d, must be 1 or -1", v.Value)
	}
	return required(
		field{"team id", v.TeamID},
		field{"user id", v.UserID},
		field{"question id", v.QuestionID},
		field{"channel id", v.ChannelID},
		field{"message ts", v.MessageTS},
	)
}

// CheckRating reports why r cannot be stored, or nil. Notes may be empty;
// they are stored exactly as given, so trimming is the caller's policy.
func CheckRating(r handlers.Rating) error {
	if r.Stars < 1 || r.Stars > 5 {
		return fmt.Errorf("stars: %d, must be 1 to 5", r.Stars)
	}
	if err := required(
		field{"team id", r.TeamID},
		field{"user id", r.UserID},
		field{"question id", r.QuestionID},
		field{"channel id", r.ChannelID},
		field{"message ts", r.MessageTS},
	); err != nil {
		return err
	}
	return text("notes", r.Notes, 0, handlers.MaxNotes)
}

// CheckTeamQuestion reports why q cannot be stored, or nil. The text is
// stored exactly as given.
func CheckTeamQuestion(q handlers.TeamQuestion) error {
	if err := required(
		field{"team id", q.TeamID},
		field{"role", q.Role},
		field{"category", q.Category},
	); err != nil {
		return err
	}
	if err := storable(field{"created by", q.CreatedBy}); err != nil {
		return err
	}
	if err := text("question text", q.Text, 1, questions.MaxText); err != nil {
		return err
	}
	if len(q.Guidance) > questions.MaxGuidance || len(q.FollowUps) > questions.MaxFollowUps {
		return fmt.Errorf("guidance: at most %d items and %d follow-ups", questions.MaxGuidance, questions.MaxFollowUps)
	}
	for _, item := range append(append([]string(nil), q.Guidance...), q.FollowUps...) {
		if err := text("guidance item", item, 1, questions.MaxText); err != nil {
			return err
		}
	}
	return nil
}

// CheckPost reports why p cannot be stored, or nil.
func CheckPost(p handlers.Post) error {
	switch p.Source {
	case "practice", "daily", "kit":
	default:
		return fmt.Errorf("post source: %q, must be practice, daily or kit", p.Source)
	}
	return required(
		field{"team id", p.TeamID},
		field{"channel id", p.ChannelID},
		field{"question id", p.QuestionID},
		field{"message ts", p.MessageTS},
	)
}

// required checks that each field is non-empty and storable.
func required(fields ...field) error {
	for _, f := range fields {
		if f.value == "" {
			return fmt.Errorf("%s: empty", f.name)
		}
		if err := storable(f); err != nil {
			return err
		}
	}
	return nil
}

// storable refuses what Postgres' text type cannot hold. Postgres would
// refuse it too, but with an encoding error that names no field.
func storable(f field) error {
	if !utf8.ValidString(f.value) {
		return fmt.Errorf("%s: not valid UTF-8", f.name)
	}
	if strings.IndexByte(f.value, 0) >= 0 {
		return fmt.Errorf("%s: contains a NUL character (U+0000), which Postgres cannot store", f.name)
	}
	return nil
}

// text checks a free-text field: storable and within [minChars, maxChars].
func text(name, value string, minChars, maxChars int) error {
	if err := storable(field{name, value}); err != nil {
		return err
	}
	switch n := utf8.RuneCountInString(value); {
	case n == 0 && minChars > 0:
		return fmt.Errorf("%s: empty", name)
	case n < minChars:
		return fmt.Errorf("%s: %d characters, under the minimum of %d", name, n, minChars)
	case n > maxChars:
		return fmt.Errorf("%s: %d characters, over the limit of %d", name, n, maxChars)
	}
	return nil
}

// CheckKit reports why kit k, leased to owner, cannot be stored, or nil.
// Positions start at 1 and are unique within the kit.
func CheckKit(k handlers.Kit, owner string) error {
	if err := required(
		field{"team id", k.TeamID},
		field{"channel id", k.ChannelID},
		field{"role", k.Role},
		field{"lease owner", owner},
	); err != nil {
		return err
	}
	if err := storable(field{"created by", k.CreatedBy}); err != nil {
		return err
	}
	if err := checkPanel(k); err != nil {
		return err
	}
	if len(k.Items) == 0 {
		return fmt.Errorf("kit items: empty")
	}
	if len(k.Items) > handlers.MaxKitQuestions {
		return fmt.Errorf("kit items: %d, over the limit of %d", len(k.Items), handlers.MaxKitQuestions)
	}
	seen := make(map[int]bool, len(k.Items))
	for _, it := range k.Items {
		if it.Position < 1 {
			return fmt.Errorf("kit item position: %d, must be 1 or more", it.Position)
		}
		if seen[it.Position] {
			return fmt.Errorf("kit item position: %d appears twice", it.Position)
		}
		seen[it.Position] = true
		if err := required(field{"kit item question id", it.QuestionID}); err != nil {
			return err
		}
		if err := storable(field{"kit item category", it.Category}); err != nil {
			return err
		}
	}
	return nil
}

// CheckSchedule reports why s cannot be stored, or nil. The zone is not
// resolved here: that needs the host's time zone database, which handlers
// consult when the schedule is made.
func CheckSchedule(s handlers.Schedule) error {
	if err := required(
		field{"team id", s.TeamID},
		field{"channel id", s.ChannelID},
		field{"role", s.Role},
		field{"zone", s.Zone},
	); err != nil {
		return err
	}
	if err := storable(field{"category", s.Category}); err != nil {
		return err
	}
	if err := storable(field{"created by", s.CreatedBy}); err != nil {
		return err
	}
	if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
		return fmt.Errorf("schedule time: %02d:%02d, must be 00:00 to 23:59", s.Hour, s.Minute)
	}
	if !s.Days.Valid() {
		return fmt.Errorf("schedule days: %q, must be weekdays, everyday or days such as mon,wed,fri", s.Days)
	}
	if s.Difficulty < 0 || s.Difficulty > 3 {
		return fmt.Errorf("schedule difficulty: %d, must be 0 (any) to 3", s.Difficulty)
	}
	if s.PausedUntil != "" {
		if err := CheckLocalDate(s.PausedUntil); err != nil {
			return fmt.Errorf("schedule paused until: %w", err)
		}
	}
	if err := storable(field{"paused by", s.PausedBy}); err != nil {
		return err
	}
	return CheckReason(s.PauseReason)
}

// CheckSkip reports why a channel's skipped dates cannot be stored, or nil.
func CheckSkip(teamID, channelID string, r handlers.DateRange, by string) error {
	if err := required(field{"team id", teamID}, field{"channel id", channelID}, field{"skipped by", by}); err != nil {
		return err
	}
	if r.From > r.To {
		return fmt.Errorf("skip: %s is after %s", r.From, r.To)
	}
	return nil
}

// CheckLocalDate reports why d is not a YYYY-MM-DD date, or nil.
func CheckLocalDate(d string) error {
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return fmt.Errorf("local date: %q, must be a YYYY-MM-DD date", d)
	}
	return nil
}

// CheckOwner reports why owner cannot hold a lease, or nil.
func CheckOwner(owner string) error {
	return required(field{"lease owner", owner})
}

// CheckReason reports why a pause or skip reason cannot be stored, or nil.
func CheckReason(reason string) error {
	return storable(field{"reason", reason})
}

// kitIDAlphabet leaves out characters that read alike (0/o, 1/l/i), since
// people type kit ids from a message.
const kitIDAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// kitIDLength gives 31⁶ ≈ 887 million ids; a collision is detected by the
// store and retried.
const kitIDLength = 6

// NewKitID returns a random short kit id. It needs no cryptographic
// strength: kit ids are looked up within a team and are not secrets.
func NewKitID() string {
	b := make([]byte, kitIDLength)
	for i := range b {
		b[i] = kitIDAlphabet[rand.IntN(len(kitIDAlphabet))]
	}
	return string(b)
}

// CheckMessageTS reports why ts cannot be a message's ts, or nil.
func CheckMessageTS(ts string) error {
	return required(field{"message ts", ts})
}

// Storable reports whether Postgres' text type can hold s. A lookup by a
// string it cannot hold finds nothing, and should say so without asking
// Postgres, which would refuse the query instead.
func Storable(s string) bool {
	return storable(field{"", s}) == nil
}
