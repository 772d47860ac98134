-- 0004_practice: private practice (practice me, self-checks, me and the App
-- Home), personal daily questions (daily me) and forget me. Applied inside
-- the migrator's transaction; never edit this file once applied anywhere.
--
-- Everything here is one user's own: `forget me` deletes it with one
-- predicate per table, (team_id, user_id).

-- The role `practice me` remembers.
CREATE TABLE practice_profiles (
    team_id    text        NOT NULL CHECK (team_id <> ''),
    user_id    text        NOT NULL CHECK (user_id <> ''),
    role       text        NOT NULL CHECK (role <> ''),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);

-- Every question sent to a user's DM for practice: what keeps one day from
-- bringing the same question twice, and what "unseen" means. The key makes
-- recording a send idempotent.
CREATE TABLE practice_sends (
    team_id     text        NOT NULL CHECK (team_id <> ''),
    user_id     text        NOT NULL CHECK (user_id <> ''),
    question_id text        NOT NULL CHECK (question_id <> ''),
    message_ts  text        NOT NULL CHECK (message_ts <> ''),
    source      text        NOT NULL CHECK (source IN ('practice', 'daily')),
    sent_at     timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id, question_id, message_ts)
);

CREATE INDEX practice_sends_by_user ON practice_sends (team_id, user_id, sent_at);

-- A self-check: which of a question's guidance points the user covered
-- (at most 10: Slack shows no more checkboxes), or, for a question without
-- guidance, total 0 and the user's own verdict as score. role and category
-- are the question's at the time, so progress per category survives its
-- removal. Local dates (streaks, reviews) are computed in Go in the user's
-- current zone.
CREATE TABLE self_checks (
    id          bigserial   PRIMARY KEY,
    team_id     text        NOT NULL CHECK (team_id <> ''),
    user_id     text        NOT NULL CHECK (user_id <> ''),
    question_id text        NOT NULL CHECK (question_id <> ''),
    role        text        NOT NULL,
    category    text        NOT NULL,
    covered     smallint    NOT NULL CHECK (covered >= 0),
    total       smallint    NOT NULL CHECK (total BETWEEN 0 AND 10),
    score       smallint    NOT NULL CHECK (score BETWEEN 0 AND 100),
    note        text        NOT NULL DEFAULT '' CHECK (char_length(note) <= 3000),
    checked_at  timestamptz NOT NULL,
    CHECK (covered <= total)
);

CREATE INDEX self_checks_by_user ON self_checks (team_id, user_id, checked_at);

-- A user's personal daily question (daily me): at most one per user. days
-- is checked in Go, where the schedule grammar lives.
CREATE TABLE personal_schedules (
    id           bigserial   PRIMARY KEY,
    team_id      text        NOT NULL CHECK (team_id <> ''),
    user_id      text        NOT NULL CHECK (user_id <> ''),
    role         text        NOT NULL CHECK (role <> ''),
    category     text        NOT NULL DEFAULT '',
    difficulty   smallint    NOT NULL DEFAULT 0 CHECK (difficulty BETWEEN 0 AND 3),
    hour         smallint    NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute       smallint    NOT NULL CHECK (minute BETWEEN 0 AND 59),
    zone         text        NOT NULL CHECK (zone <> ''),
    days         text        NOT NULL CHECK (days <> ''),
    created_at   timestamptz NOT NULL DEFAULT now(),
    paused_at    timestamptz,
    pause_reason text        NOT NULL DEFAULT '',
    UNIQUE (team_id, user_id),
    UNIQUE (team_id, id)
);

-- At most one personal daily question per schedule and local date, across
-- replicas: the same claim protocol as daily_posts.
CREATE TABLE personal_daily_posts (
    team_id          text        NOT NULL,
    schedule_id      bigint      NOT NULL,
    local_date       date        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
    claimed_by       text        NOT NULL DEFAULT '',
    claim_expires_at timestamptz,
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    question_id      text        NOT NULL DEFAULT '',
    message_ts       text        NOT NULL DEFAULT '',
    posted_at        timestamptz,
    skipped_at       timestamptz,
    skip_reason      text        NOT NULL DEFAULT '',
    PRIMARY KEY (schedule_id, local_date),
    FOREIGN KEY (team_id, schedule_id) REFERENCES personal_schedules (team_id, id) ON DELETE CASCADE,
    CHECK (state <> 'claimed' OR claim_expires_at IS NOT NULL),
    CHECK (state <> 'posted' OR (message_ts <> '' AND posted_at IS NOT NULL)),
    CHECK (state <> 'skipped' OR skipped_at IS NOT NULL)
);

-- forget me finds a user's votes and ratings without scanning the team's.
CREATE INDEX votes_by_user ON votes (team_id, user_id);
CREATE INDEX ratings_by_user ON ratings (team_id, user_id);
