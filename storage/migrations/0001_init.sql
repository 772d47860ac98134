-- 0001_init: the first schema. Applied inside the migrator's transaction;
-- never edit this file once applied anywhere, add 0002_….sql instead.
--
-- Every row carries team_id so that every query can be scoped to one Slack
-- workspace, and a team's data can be found or purged with one predicate per
-- table. Child tables repeat it and reference (team_id, id) of their parent,
-- so a child can never point at another team's row.
--
-- Text limits mirror storage/internal/rules, which checks them first to give a
-- clear error; the constraints here are the backstop.

-- Feedback buttons: one vote per (user, question, message). The key leads
-- with (team_id, question_id, channel_id, message_ts) so the same index
-- serves the per-message tally and the per-team aggregation.
CREATE TABLE votes (
    team_id     text        NOT NULL CHECK (team_id <> ''),
    question_id text        NOT NULL,
    channel_id  text        NOT NULL,
    message_ts  text        NOT NULL,
    user_id     text        NOT NULL,
    value       smallint    NOT NULL CHECK (value IN (-1, 1)),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, question_id, channel_id, message_ts, user_id)
);

-- The feedback modal: one rating per (user, question, message); a second
-- submission replaces the first.
CREATE TABLE ratings (
    team_id     text        NOT NULL CHECK (team_id <> ''),
    question_id text        NOT NULL,
    channel_id  text        NOT NULL,
    message_ts  text        NOT NULL,
    user_id     text        NOT NULL,
    stars       smallint    NOT NULL CHECK (stars BETWEEN 1 AND 5),
    notes       text        NOT NULL DEFAULT '' CHECK (char_length(notes) <= 3000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, question_id, channel_id, message_ts, user_id)
);

-- Questions added with `/interview add` or imported from a team's bank
-- file. Users see id n as "team-<n>". Removal sets deleted_at rather than
-- deleting, so feedback, rotation history and kits that name the id can
-- still be explained, and an id is never reused. text_key is the text with
-- case and spacing folded (questions.TextKey, computed in Go): a team has
-- each live question once, which makes re-imports update instead of add.
CREATE TABLE team_questions (
    id          bigserial   PRIMARY KEY,
    team_id     text        NOT NULL CHECK (team_id <> ''),
    role        text        NOT NULL,
    category    text        NOT NULL,
    text        text        NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
    text_key    text        NOT NULL,
    guidance    text[]      NOT NULL DEFAULT '{}',
    follow_ups  text[]      NOT NULL DEFAULT '{}',
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);

CREATE INDEX team_questions_live ON team_questions (team_id, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX team_questions_text ON team_questions (team_id, role, category, text_key) WHERE deleted_at IS NULL;

-- Every question posted to a channel, for rotation ("prefer questions this
-- channel has not seen"). The key makes recording a post idempotent (a retry
-- after a timeout does not count twice); its prefix (team_id, channel_id,
-- question_id) serves PostCounts.
CREATE TABLE channel_posts (
    team_id     text        NOT NULL CHECK (team_id <> ''),
    channel_id  text        NOT NULL,
    question_id text        NOT NULL,
    message_ts  text        NOT NULL,
    source      text        NOT NULL CHECK (source IN ('practice', 'daily', 'kit')),
    posted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, channel_id, question_id, message_ts)
);

-- A channel's daily question. category '' means all the role's categories
-- (NOT NULL, so the UNIQUE key treats it like any other value). hour:minute
-- is wall-clock time in zone (an IANA name); next runs are computed in Go.
CREATE TABLE daily_schedules (
    id           bigserial   PRIMARY KEY,
    team_id      text        NOT NULL CHECK (team_id <> ''),
    channel_id   text        NOT NULL,
    role         text        NOT NULL,
    category     text        NOT NULL DEFAULT '',
    hour         smallint    NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute       smallint    NOT NULL CHECK (minute BETWEEN 0 AND 59),
    zone         text        NOT NULL CHECK (zone <> ''),
    days         text        NOT NULL CHECK (days IN ('weekdays', 'everyday')),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    paused_at    timestamptz,
    pause_reason text        NOT NULL DEFAULT '',
    UNIQUE (team_id, channel_id, role, category),
    UNIQUE (team_id, id)
);

-- At most one post per schedule per local date, across replicas: a replica
-- claims the row (INSERT … ON CONFLICT DO UPDATE taking over only an expired
-- claim), posts outside the transaction, then marks it posted. A released
-- claim has no owner and claim_expires_at is when a retry may start. A day
-- that was missed by more than the catch-up window is recorded as skipped.
CREATE TABLE daily_posts (
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
    FOREIGN KEY (team_id, schedule_id) REFERENCES daily_schedules (team_id, id) ON DELETE CASCADE,
    -- A claim without an expiry could never be taken over after a crash.
    CHECK (state <> 'claimed' OR claim_expires_at IS NOT NULL),
    CHECK (state <> 'posted' OR (message_ts <> '' AND posted_at IS NOT NULL)),
    CHECK (state <> 'skipped' OR skipped_at IS NOT NULL)
);

-- A kit shared in a channel: a parent message and one thread reply per
-- question, each ts recorded as soon as it is posted. The lease
-- (claimed_by, claim_expires_at) lets one replica at a time post or resume
-- an unfinished kit; a released lease has no owner and claim_expires_at is
-- when a retry may start. Ids are short random strings (storage retries a
-- collision).
CREATE TABLE kits (
    id               text        PRIMARY KEY CHECK (id <> ''),
    team_id          text        NOT NULL CHECK (team_id <> ''),
    channel_id       text        NOT NULL,
    role             text        NOT NULL,
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    parent_ts        text        NOT NULL DEFAULT '',
    claimed_by       text        NOT NULL DEFAULT '',
    claim_expires_at timestamptz,
    finished_at      timestamptz,
    UNIQUE (team_id, id)
);

-- `kit list` shows a channel's kits, newest first.
CREATE INDEX kits_by_channel ON kits (team_id, channel_id, created_at DESC);
-- The resume job looks for recent unfinished kits across teams.
CREATE INDEX kits_unfinished ON kits (created_at) WHERE finished_at IS NULL;

CREATE TABLE kit_items (
    team_id     text     NOT NULL,
    kit_id      text     NOT NULL,
    position    integer  NOT NULL CHECK (position >= 1),
    question_id text     NOT NULL,
    category    text     NOT NULL,
    reply_ts    text     NOT NULL DEFAULT '',
    PRIMARY KEY (kit_id, position),
    FOREIGN KEY (team_id, kit_id) REFERENCES kits (team_id, id) ON DELETE CASCADE
);
