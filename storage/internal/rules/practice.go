package rules

import (
	"fmt"

	"github.com/interviewbot/interviewbot/handlers"
)

// CheckPracticeRole reports why the remembered role cannot be stored, or nil.
func CheckPracticeRole(teamID, userID, role string) error {
	return required(field{"team id", teamID}, field{"user id", userID}, field{"role", role})
}

// CheckPracticeSend reports why s cannot be stored, or nil.
func CheckPracticeSend(s handlers.PracticeSend) error {
	if s.Source != "practice" && s.Source != "daily" {
		return fmt.Errorf("practice send source: %q, must be practice or daily", s.Source)
	}
	return required(
		field{"team id", s.TeamID},
		field{"user id", s.UserID},
		field{"question id", s.QuestionID},
		field{"message ts", s.MessageTS},
	)
}

// CheckSelfCheck reports why c cannot be stored, or nil. The note is stored
// exactly as given.
func CheckSelfCheck(c handlers.SelfCheck) error {
	if err := required(
		field{"team id", c.TeamID},
		field{"user id", c.UserID},
		field{"question id", c.QuestionID},
	); err != nil {
		return err
	}
	if err := storable(field{"role", c.Role}); err != nil {
		return err
	}
	if err := storable(field{"category", c.Category}); err != nil {
		return err
	}
	if c.Total < 0 || c.Total > handlers.MaxSelfCheckPoints {
		return fmt.Errorf("self-check points: %d, must be 0 to %d", c.Total, handlers.MaxSelfCheckPoints)
	}
	if c.Covered < 0 || c.Covered > c.Total {
		return fmt.Errorf("self-check covered: %d, must be 0 to %d", c.Covered, c.Total)
	}
	if c.Score < 0 || c.Score > 100 {
		return fmt.Errorf("self-check score: %d, must be 0 to 100", c.Score)
	}
	return text("self-check note", c.Note, 0, handlers.MaxNotes)
}

// CheckPersonalSchedule reports why ps cannot be stored, or nil.
func CheckPersonalSchedule(ps handlers.PersonalSchedule) error {
	if err := required(
		field{"team id", ps.TeamID},
		field{"user id", ps.UserID},
		field{"role", ps.Role},
		field{"zone", ps.Zone},
	); err != nil {
		return err
	}
	if err := storable(field{"category", ps.Category}); err != nil {
		return err
	}
	if ps.Difficulty < 0 || ps.Difficulty > 3 {
		return fmt.Errorf("schedule difficulty: %d, must be 0 to 3", ps.Difficulty)
	}
	if ps.Hour < 0 || ps.Hour > 23 || ps.Minute < 0 || ps.Minute > 59 {
		return fmt.Errorf("schedule time: %02d:%02d, must be 00:00 to 23:59", ps.Hour, ps.Minute)
	}
	if !ps.Days.Valid() {
		return fmt.Errorf("schedule days: %.40q, must be weekdays, everyday or days such as mon,wed,fri", ps.Days)
	}
	return nil
}
