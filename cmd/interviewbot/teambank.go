package main

// `interviewbot questions import|export`: a team's own bank as a file.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"unicode"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/questions/bankfile"
	"github.com/interviewbot/interviewbot/storage"
)

const teamBankUsage = `usage:
  interviewbot questions import --team T012AB3CD [--dry-run] [--sync] FILE.csv|FILE.yaml
  interviewbot questions export --team T012AB3CD [--format csv|yaml] [--out FILE]

import and export need DATABASE_URL. An import checks the whole file first and
is all or nothing. A row with a question's id (as exported) updates it in place;
a row without one updates the question with the same role, category and text,
or is added; importing a file twice changes nothing.
  --dry-run  list what would be added, updated and removed; write nothing
  --sync     also remove the team's questions the file lacks, and its roles
             and categories the file neither defines nor uses
export writes CSV (questions only) or YAML (with the team's roles and
categories); --format defaults to the --out file's extension, else csv. It
exits with status 1 when the team has nothing of its own.`

// teamBankOptions are import's and export's flags.
type teamBankOptions struct {
	team   string
	dryRun bool
	sync   bool
	format string
	out    string
	file   string
}

// parseTeamBankFlags reads sub's flags, before or after the file name.
func parseTeamBankFlags(sub string, args []string, stderr io.Writer) (teamBankOptions, error) {
	var o teamBankOptions
	fs := flag.NewFlagSet("questions "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.team, "team", "", "the Slack workspace (team) id, like T012AB3CD")
	if sub == "import" {
		fs.BoolVar(&o.dryRun, "dry-run", false, "say what would change and write nothing")
		fs.BoolVar(&o.sync, "sync", false, "remove the team's questions the file lacks")
	} else {
		fs.StringVar(&o.format, "format", "", "csv or yaml (default: the --out file's extension, else csv)")
		fs.StringVar(&o.out, "out", "", "write to this file instead of standard output")
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return o, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if !teamIDPattern.MatchString(o.team) {
		return o, usageError{"--team must be a Slack workspace id like T012AB3CD", teamBankUsage}
	}
	switch {
	case sub == "import" && len(positional) != 1:
		return o, usageError{"import takes one file", teamBankUsage}
	case sub == "import":
		o.file = positional[0]
	case len(positional) != 0:
		return o, usageError{"export takes no file argument; use --out", teamBankUsage}
	}
	return o, nil
}

// runTeamBank runs `questions import` or `questions export`.
func runTeamBank(ctx context.Context, sub string, args []string, bank *questions.Bank, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseTeamBankFlags(sub, args, stderr)
	if err != nil {
		return err
	}
	var format bankfile.Format
	if sub == "import" {
		if format, err = bankfile.FormatOf(o.file); err != nil {
			return err
		}
	} else if format, err = exportFormat(o.format, o.out); err != nil {
		return err
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
		return importTeamBank(ctx, db, bank, o, format, stdout)
	}
	return exportTeamBank(ctx, db, o, format, stdout, stderr)
}

func exportFormat(flagValue, out string) (bankfile.Format, error) {
	switch {
	case flagValue == "csv" || flagValue == "yaml":
		return bankfile.Format(flagValue), nil
	case flagValue != "":
		return "", fmt.Errorf("--format must be csv or yaml, not %q", flagValue)
	case strings.Contains(out, "."):
		return bankfile.FormatOf(out)
	}
	return bankfile.CSV, nil
}

func importTeamBank(ctx context.Context, db *storage.DB, bank *questions.Bank, o teamBankOptions, format bankfile.Format, stdout io.Writer) error {
	f, err := os.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	cur, err := db.TeamBank(ctx, o.team)
	if err != nil {
		return fmt.Errorf("%s: nothing imported: %w", o.file, err)
	}
	file, err := bankfile.Read(f, format, bank, cur.Extension())
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", o.file, err)
	}
	in := handlers.TeamImport{Roles: file.Roles, Categories: file.Categories, Sync: o.sync, DryRun: o.dryRun}
	for _, r := range file.Rows {
		in.Questions = append(in.Questions, handlers.TeamQuestion{ID: r.ID, Role: r.Role, Category: r.Category, Text: r.Text, Guidance: r.Guidance, FollowUps: r.FollowUps, CreatedBy: "import"})
	}
	res, err := db.ImportTeamBank(ctx, o.team, in)
	if err != nil {
		return fmt.Errorf("%s: nothing imported: %w", o.file, err)
	}
	what := "for team " + o.team
	if o.dryRun {
		what += " (dry run: nothing written)"
	}
	fmt.Fprintf(stdout, "%s: %d added, %d updated, %d removed, %d unchanged %s\n", o.file, len(res.Added), len(res.Updated), len(res.Removed), res.Unchanged, what)
	printChanges(stdout, "roles", res.Roles)
	printChanges(stdout, "categories", res.Categories)
	if o.dryRun {
		for _, c := range []struct {
			mark string
			qs   []handlers.TeamQuestion
		}{{"+", res.Added}, {"~", res.Updated}, {"-", res.Removed}} {
			for _, q := range c.qs {
				id := q.ID
				if id == "" {
					id = "new"
				}
				fmt.Fprintf(stdout, "  %s %s %s/%s: %s\n", c.mark, id, q.Role, q.Category, terminalText(q.Text, 80))
			}
		}
	}
	return nil
}

func printChanges(w io.Writer, what string, c handlers.ImportChanges) {
	var parts []string
	for _, p := range []struct {
		verb  string
		slugs []string
	}{{"added", c.Added}, {"updated", c.Updated}, {"removed", c.Removed}} {
		if len(p.slugs) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", p.verb, strings.Join(p.slugs, ", ")))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  %s: %s\n", what, strings.Join(parts, "; "))
	}
}

// terminalText is s on one line, without control characters (which could
// drive the terminal), at most n characters.
func terminalText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func exportTeamBank(ctx context.Context, db *storage.DB, o teamBankOptions, format bankfile.Format, stdout, stderr io.Writer) error {
	tb, err := db.TeamBank(ctx, o.team)
	if err != nil {
		return err
	}
	if len(tb.Questions) == 0 && len(tb.Roles) == 0 && len(tb.Categories) == 0 {
		// Most likely a mistyped --team: a bare header with status 0 would
		// look like a successful backup.
		return fmt.Errorf("team %s has no questions, roles or categories of its own in this database; nothing exported (is --team right?)", o.team)
	}
	file := bankfile.File{Roles: tb.Roles, Categories: tb.Categories}
	for _, q := range tb.Questions {
		file.Rows = append(file.Rows, bankfile.Row{ID: q.ID, Role: q.Role, Category: q.Category, Text: q.Text, Guidance: q.Guidance, FollowUps: q.FollowUps})
	}
	if format == bankfile.CSV && len(tb.Roles)+len(tb.Categories) > 0 {
		fmt.Fprintf(stderr, "note: a CSV file holds questions only; the team's %s and %s are in the YAML export (--format yaml)\n", plural(len(tb.Roles), "role"), plural(len(tb.Categories), "category"))
	}
	if o.out == "" {
		return bankfile.Write(stdout, format, file)
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := bankfile.Write(f, format, file); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %s of team %s\n", o.out, plural(len(file.Rows), "question"), o.team)
	return nil
}

// plural is "1 role", "2 roles", "2 categories".
func plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
