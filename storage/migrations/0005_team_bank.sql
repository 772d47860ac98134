-- A team's own roles and categories (defined in an imported YAML file) and
-- the built-in questions it retired (`/interview hide`). Questions name
-- their role and category by slug, as built-in ones do, so nothing refers
-- to these rows by key: a removed role or category is deleted.
CREATE TABLE team_roles (
    id          bigserial   PRIMARY KEY,
    team_id     text        NOT NULL CHECK (team_id <> ''),
    slug        text        NOT NULL CHECK (slug <> ''),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    aliases     text[]      NOT NULL DEFAULT '{}',
    summary     text        NOT NULL DEFAULT '' CHECK (char_length(summary) <= 2500),
    skills      text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, slug)
);

CREATE TABLE team_categories (
    id          bigserial   PRIMARY KEY,
    team_id     text        NOT NULL CHECK (team_id <> ''),
    role        text        NOT NULL CHECK (role <> ''),
    slug        text        NOT NULL CHECK (slug <> ''),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    aliases     text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, role, slug)
);

-- History and feedback keep referring to a hidden question by its id; only
-- the team's lists, kits, practice and daily pools leave it out.
CREATE TABLE hidden_questions (
    team_id     text        NOT NULL CHECK (team_id <> ''),
    question_id text        NOT NULL CHECK (question_id <> ''),
    hidden_by   text        NOT NULL,
    hidden_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, question_id)
);
