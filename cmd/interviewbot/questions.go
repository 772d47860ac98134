package main

// `interviewbot questions`: lint the built-in bank, and import or export a
// team's own questions in Postgres.

import (
	"context"
	"fmt"
	"io"
	"regexp"

	"github.com/interviewbot/interviewbot/questions"
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
	return runTeamBank(ctx, sub, args, bank, getenv, stdout, stderr)
}

const questionsUsage = `usage:
  interviewbot questions lint
` + teamBankUsage

var teamIDPattern = regexp.MustCompile(`^[TE][A-Z0-9]{2,}$`)
