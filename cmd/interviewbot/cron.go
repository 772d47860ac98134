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

// kitWorkTimeout bounds one run of the kit work (resuming kits, scorecard
// reminders, retention); what is left waits for the next run.
const kitWorkTimeout = 50 * time.Second

// scheduler gives the daily posts and kit resumption a tick a minute. Cron
// only provides the tick; Postgres decides which replica posts what.
type scheduler struct {
	cmds    *handlers.Commands
	log     *slog.Logger
	metrics *metrics
	// running lets one tick at a time run in this process: the tick at
	// start and cron's ticks would otherwise overlap when one is slow.
	running sync.Mutex
	// kitsRunning does the same for the kit work, which runs beside the
	// daily posts so that neither can hold the other up.
	kitsRunning sync.Mutex
}

func newScheduler(cmds *handlers.Commands, log *slog.Logger, m *metrics) *scheduler {
	return &scheduler{cmds: cmds, log: log, metrics: m}
}

// tick makes the posts due at now (channels' and personal daily
// questions) and, beside them, the kit work, each unless its previous run
// is still going. It returns when both end.
func (s *scheduler) tick(ctx context.Context, now time.Time) {
	kits := s.goKitWork(ctx, now)
	defer func() { <-kits }()
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
}

// goKitWork resumes unfinished kits, then sends the scorecard reminders due
// and erases expired scorecards, in its own goroutine and bounded by
// kitWorkTimeout; the channel is closed when it ends.
func (s *scheduler) goKitWork(ctx context.Context, now time.Time) <-chan struct{} {
	done := make(chan struct{})
	if !s.kitsRunning.TryLock() {
		s.log.WarnContext(ctx, "kit work skipped: the previous run is still going")
		close(done)
		return done
	}
	go func() {
		defer close(done)
		defer s.kitsRunning.Unlock()
		ctx, cancel := context.WithTimeout(ctx, kitWorkTimeout)
		defer cancel()
		if err := s.cmds.ResumeKits(ctx); err != nil {
			s.log.ErrorContext(ctx, "resume kits", "err", err)
		}
		if err := s.cmds.RunPanelWork(ctx, now); err != nil {
			s.log.ErrorContext(ctx, "scorecard reminders and retention", "err", err)
		}
	}()
	return done
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
