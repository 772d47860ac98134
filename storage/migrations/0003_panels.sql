-- Interview panels (commands.md, "Interview panels"): a kit may name a
-- panel, an interview time and a candidate label; each member scores the
-- candidate on a private scorecard; reminders go out by DM, each once.

ALTER TABLE kits
    -- Slack user ids in the order given; the questions are shared out
    -- among them round-robin in this order.
    ADD COLUMN panel        text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN interview_at timestamptz,
    -- The owner's IANA zone when the kit was made: reminders go out at
    -- 10:00 there.
    ADD COLUMN zone         text        NOT NULL DEFAULT '',
    -- Private: never logged or posted in a channel; erased by kit delete
    -- and by retention.
    ADD COLUMN candidate    text        NOT NULL DEFAULT '' CHECK (char_length(candidate) <= 80),
    -- Scorecards are locked from closed_at on.
    ADD COLUMN closed_at    timestamptz,
    -- kit delete erased the scorecards and the label; the row stays so the
    -- question feedback and the channel's history still make sense.
    ADD COLUMN deleted_at   timestamptz,
    -- Retention erased the scorecards and the label.
    ADD COLUMN erased_at    timestamptz,
    -- Failed posting attempts; resuming stops after a few, or at once when
    -- the channel refuses posts for good (abandoned_at).
    ADD COLUMN attempts     integer     NOT NULL DEFAULT 0,
    ADD COLUMN abandoned_at timestamptz;

-- The reminder job looks for open panel kits whose interview is recent.
CREATE INDEX kits_interviews ON kits (interview_at)
    WHERE interview_at IS NOT NULL AND closed_at IS NULL;
-- Retention looks for kits closed (or, never closed, created) long ago.
CREATE INDEX kits_retention ON kits ((COALESCE(closed_at, created_at)))
    WHERE erased_at IS NULL;

-- One scorecard per (kit, user); a resubmission replaces it (and its
-- answers) until the kit is closed.
CREATE TABLE scorecards (
    team_id      text        NOT NULL,
    kit_id       text        NOT NULL,
    user_id      text        NOT NULL CHECK (user_id <> ''),
    overall      text        NOT NULL CHECK (overall IN ('strong_no', 'no', 'yes', 'strong_yes')),
    summary      text        NOT NULL DEFAULT '' CHECK (char_length(summary) <= 3000),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kit_id, user_id),
    FOREIGN KEY (team_id, kit_id) REFERENCES kits (team_id, id) ON DELETE CASCADE
);

-- A scorecard's score (1 strong no … 4 strong yes; NULL: not asked) and
-- note per question.
CREATE TABLE scorecard_answers (
    kit_id      text     NOT NULL,
    user_id     text     NOT NULL,
    question_id text     NOT NULL CHECK (question_id <> ''),
    score       smallint CHECK (score BETWEEN 1 AND 4),
    note        text     NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    PRIMARY KEY (kit_id, user_id, question_id),
    FOREIGN KEY (kit_id, user_id) REFERENCES scorecards (kit_id, user_id) ON DELETE CASCADE,
    CHECK (score IS NOT NULL OR note <> '')
);

-- The claim on reminder n (1 to 3) of one panel member for one kit: the
-- primary key lets one replica send it, once. A claim that is not sent
-- expires at claim_expires_at (or, released after a failure, may be
-- retried from then).
CREATE TABLE kit_reminders (
    kit_id           text        NOT NULL REFERENCES kits (id) ON DELETE CASCADE,
    user_id          text        NOT NULL CHECK (user_id <> ''),
    n                smallint    NOT NULL CHECK (n BETWEEN 1 AND 3),
    state            text        NOT NULL CHECK (state IN ('claimed', 'sent')),
    claimed_by       text        NOT NULL DEFAULT '',
    claim_expires_at timestamptz,
    message_ts       text        NOT NULL DEFAULT '',
    sent_at          timestamptz,
    PRIMARY KEY (kit_id, user_id, n)
);
