-- Schedules people can manage (issue 18), a tick that reads only what is
-- due (issue 12) and one post a day per channel, role and category even
-- when a schedule is removed and made again (issue 17).

-- Days may also be a list of weekdays, Monday first: 'mon,wed,fri'.
ALTER TABLE daily_schedules DROP CONSTRAINT daily_schedules_days_check;
ALTER TABLE daily_schedules ADD CONSTRAINT daily_schedules_days_check CHECK (
    days IN ('weekdays', 'everyday')
    OR days ~ '^(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun)){0,6}$');

-- difficulty 0 is any. A schedule paused by a user names them; paused_until
-- is the local date it posts again (NULL: until resumed). next_due_at is the
-- instant of the next post to make, computed in Go from the local rule
-- after every post, skip or change (so DST stays right); NULL while paused
-- until resumed, and on rows made before this migration until the first
-- tick computes it.
ALTER TABLE daily_schedules
    ADD COLUMN difficulty   smallint    NOT NULL DEFAULT 0 CHECK (difficulty BETWEEN 0 AND 3),
    ADD COLUMN paused_by    text        NOT NULL DEFAULT '',
    ADD COLUMN paused_until date,
    ADD COLUMN next_due_at  timestamptz;

-- What a tick reads: the schedules due, and the rows still to compute.
CREATE INDEX daily_schedules_next_due ON daily_schedules (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX daily_schedules_next_due_unset ON daily_schedules (id) WHERE next_due_at IS NULL AND paused_at IS NULL;

-- A channel's holidays: no daily posts there on these local dates.
CREATE TABLE daily_skips (
    team_id    text        NOT NULL,
    channel_id text        NOT NULL,
    from_date  date        NOT NULL,
    to_date    date        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, channel_id, from_date, to_date),
    CHECK (from_date <= to_date)
);

-- The claim on a day's post is keyed by what the channel sees (channel,
-- role, category), not by the schedule's id, so that a schedule removed
-- and made again the same day finds that day's post. The row outlives its
-- schedule; schedule_id names the schedule that claimed it.
ALTER TABLE daily_posts
    ADD COLUMN channel_id text,
    ADD COLUMN role       text,
    ADD COLUMN category   text;
UPDATE daily_posts p SET channel_id = s.channel_id, role = s.role, category = s.category
FROM daily_schedules s WHERE s.id = p.schedule_id;
ALTER TABLE daily_posts
    ALTER COLUMN channel_id SET NOT NULL,
    ALTER COLUMN role SET NOT NULL,
    ALTER COLUMN category SET NOT NULL,
    DROP CONSTRAINT daily_posts_team_id_schedule_id_fkey,
    DROP CONSTRAINT daily_posts_pkey;
ALTER TABLE daily_posts
    ADD PRIMARY KEY (team_id, channel_id, role, category, local_date),
    ADD CONSTRAINT daily_posts_schedule_date_key UNIQUE (schedule_id, local_date);
