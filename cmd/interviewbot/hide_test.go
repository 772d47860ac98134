package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// TestEndToEndHide: an admin retires a built-in question for the workspace
// (25 → 24 in the technical list, and in `roles`), a non-admin is refused
// and told who can, and unhide brings it back.
func TestEndToEndHide(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	s.AddUser(slacktest.User{ID: "U0BOSS", Name: "boss", IsAdmin: true})
	h := startBot(t, s)
	const hiddenText = "How have you designed and implemented RESTful web services?"

	list := h.slash("senior-backend technical").all()
	if n := questionLines(list); n != 25 || !strings.Contains(list, hiddenText) {
		t.Fatalf("before hiding: %d questions\n%s", n, list)
	}
	refused := h.slash("hide sbe-t01").all()
	if !strings.Contains(refused, "Only admins can hide questions") || !strings.Contains(refused, "workspace admins and owners") {
		t.Errorf("a non-admin's hide: %s", refused)
	}
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("a refused hide changed the list: %d questions", n)
	}

	done := h.slash("hide sbe-t01", asUser("U0BOSS")).all()
	if !strings.Contains(done, "Hid `sbe-t01`") || !strings.Contains(done, "now has 24 questions") {
		t.Errorf("the admin's hide: %s", done)
	}
	list = h.slash("senior-backend technical").all()
	if n := questionLines(list); n != 24 || strings.Contains(list, hiddenText) {
		t.Errorf("after hiding: %d questions, hidden one listed: %v", n, strings.Contains(list, hiddenText))
	}
	if roles := h.slash("roles").all(); !strings.Contains(roles, "technical 24") {
		t.Errorf("roles does not count 24 technical questions:\n%s", roles)
	}

	if again := h.slash("unhide sbe-t01").all(); !strings.Contains(again, "Only admins can unhide questions") {
		t.Errorf("a non-admin's unhide: %s", again)
	}
	back := h.slash("unhide sbe-t01", asUser("UADMIN")).all()
	if !strings.Contains(back, "`sbe-t01` is back") {
		t.Errorf("unhide: %s", back)
	}
	list = h.slash("senior-backend technical").all()
	if n := questionLines(list); n != 25 || !strings.Contains(list, hiddenText) {
		t.Errorf("after unhide: %d questions", n)
	}
	h.noProtocolErrors()
}

// TestEndToEndTeamRoles: a team imports a YAML file that defines a role
// and a category of its own; the running bot lists, shows and practises
// them like built-in ones at once, and a role named like a built-in one
// is refused before anything is imported.
func TestEndToEndTeamRoles(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	dir := t.TempDir()
	file := filepath.Join(dir, "team.yaml")
	writeFile(t, file, `roles:
  - slug: data-engineer
    title: Data Engineer
    aliases: [de]
    summary: Builds and runs the pipelines.
    skills: [SQL, Spark]
categories:
  - role: data-engineer
    slug: pipelines
    title: Pipelines
    questions:
      - question: How do you backfill a year of events?
        guidance: [Idempotent writes, Batches sized to the warehouse]
      - question: What makes a pipeline idempotent?
`)
	if out, err := cli(t, h.dsn, "import", "--team", "T0TEST", file); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if roles := h.slash("roles").all(); !strings.Contains(roles, "*Data Engineer* (`data-engineer`)") || !strings.Contains(roles, "pipelines 2") {
		t.Errorf("roles:\n%s", roles)
	}
	if card := h.slash("de").all(); !strings.Contains(card, "Builds and runs the pipelines.") || !strings.Contains(card, "Pipelines: 2") {
		t.Errorf("role card:\n%s", card)
	}
	list := h.slash("data-engineer pipelines").all()
	if n := questionLines(list); n != 2 || !strings.Contains(list, "How do you backfill a year of events?") {
		t.Errorf("list: %d questions\n%s", n, list)
	}
	if a := h.slash("practice de pipelines"); a.Text != "" {
		t.Errorf("practice: %s", a.all())
	}

	shadow := filepath.Join(dir, "shadow.yaml")
	writeFile(t, shadow, "roles:\n  - slug: backend\n    title: Backend\n")
	out, err := cli(t, h.dsn, "import", "--team", "T0TEST", shadow)
	if err == nil || !strings.Contains(err.Error(), `line 2: role "backend": the name "backend" already names the built-in role "senior-backend"`) {
		t.Errorf("a role shadowing a built-in alias: %v\n%s", err, out)
	}
	if a := h.slash("backend technical").all(); questionLines(a) != 25 {
		t.Errorf("`backend` no longer names senior-backend:\n%s", a)
	}
	h.noProtocolErrors()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
