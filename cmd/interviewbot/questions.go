package main

// `interviewbot questions`: lint the built-in bank, and import or export a
// team's own questions in Postgres.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/questions/bankfile"
	"github.com/interviewbot/interviewbot/storage"
)

// runQuestions runs `interviewbot questions SUBCOMMAND ARGS…`.
func runQuestions(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usage: questionsUsage}
	}
	bank, err := questions.Builtin()
	if err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	sub, args := args[0], args[1:]
	if sub == "lint" {
		if len(args) > 0 {
			return usageError{usage: questionsUsage}
		}
		problems := bank.Lint()
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		if len(problems) > 0 {
			return fmt.Errorf("question bank: %d problems", len(problems))
		}
		fmt.Fprintf(stdout, "question bank ok: %d questions\n", len(bank.Questions()))
		return nil
	}
	if sub != "import" && sub != "export" {
		return usageError{usage: questionsUsage}
	}
	fs := flag.NewFlagSet("questions "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	team := fs.String("team", "", "the Slack workspace (team) id, like T012AB3CD")
	format := fs.String("format", "csv", "export format: csv or yaml")
	out := fs.String("out", "", "export to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !teamIDPattern.MatchString(*team) {
		return usageError{"--team must be a Slack workspace id like T012AB3CD", questionsUsage}
	}
	cfg, err := parseConfig(getenv, false, true)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, string(cfg.databaseURL), newLogger(stderr, slog.LevelWarn, false))
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	if sub == "import" {
		if fs.NArg() != 1 {
			return usageError{"import takes one file", questionsUsage}
		}
		return importBank(ctx, db, bank, *team, fs.Arg(0), stdout)
	}
	if fs.NArg() != 0 {
		return usageError{"export takes no file argument; use --out", questionsUsage}
	}
	return exportBank(ctx, db, *team, bankfile.Format(*format), *out, stdout)
}

const questionsUsage = `usage:
  interviewbot questions lint
  interviewbot questions import --team T012AB3CD FILE.csv|FILE.yaml
  interviewbot questions export --team T012AB3CD [--format csv|yaml] [--out FILE]

import and export need DATABASE_URL. An import is all or nothing and can be
repeated: questions already there (same role, category and text) are
updated, not added again.`

var teamIDPattern = regexp.MustCompile(`^[TE][A-Z0-9]{2,}$`)

// importBank adds or updates a team's questions from a CSV or YAML file, all
// or nothing.
func importBank(ctx context.Context, db *storage.DB, bank *questions.Bank, team, path string, stdout io.Writer) error {
	format, err := bankfile.FormatOf(path)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := bankfile.Read(f, format, bank)
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", path, err)
	}
	qs := make([]handlers.TeamQuestion, len(rows))
	for i, r := range rows {
		qs[i] = handlers.TeamQuestion{Role: r.Role, Category: r.Category, Text: r.Text, Guidance: r.Guidance, FollowUps: r.FollowUps, CreatedBy: "import"}
	}
	res, err := db.ImportTeamQuestions(ctx, team, qs)
	if err != nil {
		return fmt.Errorf("%s: nothing imported: %w", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d added, %d updated, %d unchanged for team %s\n", path, res.Added, res.Updated, res.Unchanged, team)
	return nil
}

// exportBank writes a team's questions as CSV or YAML to out, or stdout.
func exportBank(ctx context.Context, db *storage.DB, team string, format bankfile.Format, out string, stdout io.Writer) error {
	if format != bankfile.CSV && format != bankfile.YAML {
		return fmt.Errorf("--format must be csv or yaml, not %q", format)
	}
	tqs, err := db.TeamQuestions(ctx, team)
	if err != nil {
		return err
	}
	rows := make([]bankfile.Row, len(tqs))
	for i, q := range tqs {
		rows[i] = bankfile.Row{Role: q.Role, Category: q.Category, Text: q.Text, Guidance: q.Guidance, FollowUps: q.FollowUps}
	}
	if out == "" {
		return bankfile.Write(stdout, format, rows)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := bankfile.Write(f, format, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
