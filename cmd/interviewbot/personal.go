package main

import (
	"context"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// runPersonal sends the personal daily questions (`daily me`) due at now,
// with as many workers as the channels' posts get. The logs name the
// schedule, never the user's question: practice history is private.
func (s *scheduler) runPersonal(ctx context.Context, now time.Time) {
	due, err := s.cmds.DuePersonalSchedules(ctx, now)
	if err != nil {
		s.log.ErrorContext(ctx, "daily me: list due schedules", "err", err)
		return
	}
	work := make(chan handlers.PersonalSchedule)
	var wg sync.WaitGroup
	for range min(scheduleWorkers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ps := range work {
				if _, err := s.cmds.RunPersonalSchedule(ctx, ps, now); err != nil {
					s.log.ErrorContext(ctx, "personal daily question failed; it will be retried", "personal_schedule_id", ps.ID, "err", err)
				}
			}
		}()
	}
	for _, ps := range due {
		work <- ps
	}
	close(work)
	wg.Wait()
}
