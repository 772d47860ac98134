package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/robfig/cron/v3"
)

// scheduleWorkers bounds how many daily posts one replica makes at once:
// enough to post a thousand channels in a minute despite Slack's latency,
// few enough not to trip its workspace-wide rate limit.
const scheduleWorkers = 8

// scheduler gives the daily posts and kit resumption a tick a minute. Cron
// only provides the tick; Postgres decides which replica posts what.
type scheduler struct {
	cmds    *handlers.Commands
	log     *slog.Logger
	metrics *metrics
	// running lets one tick at a time run in this process: the tick at
	// start and cron's ticks would otherwise overlap when one is slow.
	running sync.Mutex
}

func newScheduler(cmds *handlers.Commands, log *slog.Logger, m *metrics) *scheduler {
	return &scheduler{cmds: cmds, log: log, metrics: m}
}

// tick makes the posts due at now (channels' and personal daily questions)
// and resumes unfinished kits, unless a tick is still running.
func (s *scheduler) tick(ctx context.Context, now time.Time) {
	if !s.running.TryLock() {
		s.log.WarnContext(ctx, "scheduler tick skipped: the previous one is still running")
		return
	}
	defer s.running.Unlock()
	due, err := s.cmds.DueSchedules(ctx, now)
	if err != nil {
		s.log.ErrorContext(ctx, "daily: list due schedules", "err", err)
	}
	work := make(chan handlers.Schedule)
	var wg sync.WaitGroup
	for range min(scheduleWorkers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc := range work {
				res, err := s.cmds.RunSchedule(ctx, sc, now)
				if res != handlers.DailyNone {
					s.metrics.dailyPosts.WithLabelValues(string(res)).Inc()
				}
				if err != nil {
					s.log.ErrorContext(ctx, "daily post failed; it will be retried", "schedule_id", sc.ID, "channel", sc.ChannelID, "err", err)
				}
			}
		}()
	}
	for _, sc := range due {
		work <- sc
	}
	close(work)
	wg.Wait()
	s.runPersonal(ctx, now)
	if err := s.cmds.ResumeKits(ctx); err != nil {
		s.log.ErrorContext(ctx, "resume kits", "err", err)
	}
}

// start runs tick every minute, and once right away so that a replica
// coming back after downtime catches up at once. stop waits for a running
// tick, bounded by ctx.
func (s *scheduler) start(ctx context.Context) (stop func(context.Context), err error) {
	c := cron.New(
		cron.WithLocation(time.UTC),
		cron.WithLogger(cronLogger{s.log}),
		cron.WithChain(cron.Recover(cronLogger{s.log})),
	)
	job := cron.FuncJob(func() { s.tick(ctx, time.Now()) })
	// On the minute, so that a 09:00 question is posted at 09:00:00.
	if _, err := c.AddJob("* * * * *", job); err != nil {
		return nil, fmt.Errorf("schedule the daily tick: %w", err)
	}
	c.Start()
	first := make(chan struct{})
	go func() {
		defer close(first)
		s.tick(ctx, time.Now())
	}()
	return func(stopCtx context.Context) {
		select {
		case <-c.Stop().Done():
		case <-stopCtx.Done():
			s.log.Warn("scheduler did not stop in time")
		}
		select {
		case <-first:
		case <-stopCtx.Done():
		}
	}, nil
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
