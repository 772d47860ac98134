package bankfile_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/questions/bankfile"
)

func bank(t *testing.T) *questions.Bank {
	t.Helper()
	b, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadErrors(t *testing.T) {
	long := strings.Repeat("x", questions.MaxText+1)
	tests := []struct {
		name   string
		format bankfile.Format
		in     string
		want   []string // substrings of the error
	}{
		{"empty csv", bankfile.CSV, "", []string{"the file is empty"}},
		{"no question column", bankfile.CSV, "role,category\nsbe,tech\n", []string{`line 1: the header has no "question" column`}},
		{"unknown role", bankfile.CSV, "role,category,question\nsenior-bakend,technical,Q?\n", []string{`line 2: unknown role "senior-bakend"; did you mean "senior-backend"?`}},
		{"unknown category", bankfile.CSV, "role,category,question\nsbe,cooking,Q?\n", []string{`line 2: Senior Backend Engineer has no category "cooking"`}},
		{"too long", bankfile.CSV, "role,category,question\nsbe,tech," + long + "\n", []string{"line 2: question has 501 characters; the limit is 500"}},
		{"duplicate row", bankfile.CSV, "role,category,question\nsbe,tech,Why Go?\nbackend,technical,  why   GO?\n", []string{"line 3: the same question as line 2"}},
		{"built-in duplicate", bankfile.CSV, "role,category,question\nsbe,tech,How do you design an API?\n", []string{"line 2: the built-in question sbe-t10 already asks this"}},
		{"every bad line", bankfile.CSV, "role,category,question\nx,tech,Q1?\nsbe,y,Q2?\nsbe,tech,\n", []string{"line 2:", "line 3:", "line 4: question is empty"}},
		{"quote error", bankfile.CSV, "role,category,question\nsbe,tech,\"open\n", []string{"line 2:"}},
		{"bad yaml", bankfile.YAML, "questions: [", []string{"not valid YAML"}},
		{"yaml unknown role", bankfile.YAML, "questions:\n  - role: chef\n    category: technical\n    question: Q?\n", []string{`line 2: unknown role "chef"`}},
		{"yaml wrong shape", bankfile.YAML, "questions: 7\n", []string{"line 1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bankfile.Read(strings.NewReader(tt.in), tt.format, bank(t), questions.Extension{})
			if err == nil {
				t.Fatal("Read succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	in := "\xef\xbb\xbfRole,Category,Question,Guidance,Follow_ups\r\n" +
		"Senior Backend Engineer,behavioural,\"Tell me about a \"\"hard\"\" call.\",\"STAR\nOwnership\n\",\r\n\r\n"
	f, err := bankfile.Read(strings.NewReader(in), bankfile.CSV, bank(t), questions.Extension{})
	if err != nil {
		t.Fatal(err)
	}
	rows := f.Rows
	want := bankfile.Row{Line: 2, Role: "senior-backend", Category: "behavioral", Text: `Tell me about a "hard" call.`, Guidance: []string{"STAR", "Ownership"}}
	if len(rows) != 1 || rows[0].Line != want.Line || rows[0].Role != want.Role || rows[0].Category != want.Category || rows[0].Text != want.Text || strings.Join(rows[0].Guidance, "|") != "STAR|Ownership" || rows[0].FollowUps != nil {
		t.Errorf("rows = %+v, want %+v", rows, want)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	rows := []bankfile.Row{
		{ID: "team-7", Role: "senior-backend", Category: "technical", Text: "Comma, \"quotes\" and\nnewlines?", Guidance: []string{"a", "b: c"}, FollowUps: []string{"- dash"}},
		{Role: "business-analyst", Category: "uml", Text: "🙂 \u202e unicode?"},
	}
	for _, f := range []bankfile.Format{bankfile.CSV, bankfile.YAML} {
		var buf bytes.Buffer
		if err := bankfile.Write(&buf, f, bankfile.File{Rows: rows}); err != nil {
			t.Fatal(err)
		}
		read, err := bankfile.Read(&buf, f, bank(t), questions.Extension{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got := read.Rows
		for i := range rows {
			g, w := got[i], rows[i]
			if g.ID != w.ID || g.Role != w.Role || g.Category != w.Category || g.Text != w.Text || strings.Join(g.Guidance, "|") != strings.Join(w.Guidance, "|") || strings.Join(g.FollowUps, "|") != strings.Join(w.FollowUps, "|") {
				t.Errorf("%s row %d: %+v, want %+v", f, i, g, w)
			}
		}
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]bankfile.Format{"a.csv": bankfile.CSV, "B.YAML": bankfile.YAML, "c.yml": bankfile.YAML} {
		if got, err := bankfile.FormatOf(name); err != nil || got != want {
			t.Errorf("FormatOf(%q) = %q, %v", name, got, err)
		}
	}
	if _, err := bankfile.FormatOf("bank.xlsx"); err == nil {
		t.Error("FormatOf(bank.xlsx) succeeded")
	}
}

// TestReadCSVDelimiters: a spreadsheet saved where the comma is the decimal
// separator writes semicolons (German Excel's default); tabs come from a
// copy out of a sheet. Either reads like a comma-separated file, with or
// without a byte order mark.
func TestReadCSVDelimiters(t *testing.T) {
	for name, in := range map[string]string{
		"comma":         "role,category,question,guidance\nsbe,tech,\"Why, in one line?\",a\n",
		"semicolon":     "role;category;question;guidance\nsbe;tech;Why, in one line?;a\n",
		"semicolon+BOM": "\xef\xbb\xbfid;Role;Category;Question;Guidance\r\n;sbe;tech;\"Why, in one line?\";a\r\n",
		"tab":           "role\tcategory\tquestion\tguidance\nsbe\ttech\tWhy, in one line?\ta\n",
	} {
		t.Run(name, func(t *testing.T) {
			f, err := bankfile.Read(strings.NewReader(in), bankfile.CSV, bank(t), questions.Extension{})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Rows) != 1 || f.Rows[0].Text != "Why, in one line?" || f.Rows[0].Category != "technical" || strings.Join(f.Rows[0].Guidance, "|") != "a" {
				t.Errorf("rows = %+v", f.Rows)
			}
		})
	}
	_, err := bankfile.Read(strings.NewReader("role|category|question\n"), bankfile.CSV, bank(t), questions.Extension{})
	if err == nil || !strings.Contains(err.Error(), "separated by commas, semicolons or tabs") {
		t.Errorf("a pipe-separated header: %v", err)
	}
}

// TestReadIDs: the id column comes back as written; a built-in id, a
// malformed one or one used twice is refused with its line.
func TestReadIDs(t *testing.T) {
	in := "id,role,category,question\nteam-12,sbe,tech,Edited wording?\n,sbe,tech,A new one?\n"
	f, err := bankfile.Read(strings.NewReader(in), bankfile.CSV, bank(t), questions.Extension{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || f.Rows[0].ID != "team-12" || f.Rows[1].ID != "" {
		t.Errorf("rows = %+v", f.Rows)
	}
	for _, tt := range []struct{ in, want string }{
		{"id,role,category,question\nsbe-t01,sbe,tech,Q?\n", "line 2: sbe-t01 is a built-in question"},
		{"id,role,category,question\nteam-x,sbe,tech,Q?\n", `line 2: id "team-x" is not a team question id`},
		{"id,role,category,question\nteam-3,sbe,tech,Q1?\nteam-3,sbe,tech,Q2?\n", "line 3: the same id team-3 as line 2"},
	} {
		_, err := bankfile.Read(strings.NewReader(tt.in), bankfile.CSV, bank(t), questions.Extension{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Read(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestReadTooLarge: a file over the size limit is refused as a whole, not
// read up to the limit and cut in the middle of a row (issue 17: 1,950
// rows imported as 1,899 with one follow-up cut mid-text).
func TestReadTooLarge(t *testing.T) {
	var b strings.Builder
	b.WriteString("role,category,question,guidance\n")
	item := strings.Repeat("g", 490)
	for i := 0; b.Len() <= bankfile.MaxFileSize; i++ {
		fmt.Fprintf(&b, "sbe,tech,Question number %d?,\"%s\"\n", i, strings.Repeat(item+"\n", 8))
	}
	_, err := bankfile.Read(strings.NewReader(b.String()), bankfile.CSV, bank(t), questions.Extension{})
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("a %d-byte file: %v", b.Len(), err)
	}
}

// TestCSVFormulaInjection: an exported cell that a spreadsheet would run
// as a formula is written as text, control characters never reach the
// file, and importing the export gives back the text (issue 17).
func TestCSVFormulaInjection(t *testing.T) {
	rows := []bankfile.Row{
		{Role: "senior-backend", Category: "technical", Text: `=HYPERLINK("http://evil.example","Click")`, Guidance: []string{"+1 for latency", "plain"}, FollowUps: []string{"@SUM(A1)"}},
		{Role: "senior-backend", Category: "technical", Text: "-2 reasons to shard?", Guidance: []string{"'quoted already", "it's fine"}},
		{Role: "senior-backend", Category: "technical", Text: "\tTabbed \x1b[31mred\x1b[0m bell\a and\r\nCRLF?"},
	}
	var buf bytes.Buffer
	if err := bankfile.Write(&buf, bankfile.CSV, bankfile.File{Rows: rows}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, r := range out {
		if r != '\n' && unicode.IsControl(r) {
			t.Errorf("the export holds control character %U:\n%q", r, out)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	f, err := bankfile.Read(strings.NewReader(out), bankfile.CSV, bank(t), questions.Extension{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{rows[0].Text, rows[1].Text, "Tabbed [31mred[0m bell and\nCRLF?"}
	for i, r := range f.Rows {
		if r.Text != want[i] {
			t.Errorf("row %d imports as %q, want %q", i, r.Text, want[i])
		}
	}
	if g := strings.Join(f.Rows[0].Guidance, "|") + "|" + strings.Join(f.Rows[0].FollowUps, "|"); g != "+1 for latency|plain|@SUM(A1)" {
		t.Errorf("row 0 items import as %q", g)
	}
	if g := strings.Join(f.Rows[1].Guidance, "|"); g != "'quoted already|it's fine" {
		t.Errorf("row 1 items import as %q", g)
	}
}

// TestReadYAMLTeamRoles: a YAML file defines roles and categories, with
// questions listed inside a category or at the top level; its questions may
// use them and the team's existing ones.
func TestReadYAMLTeamRoles(t *testing.T) {
	in := `roles:
  - slug: data-engineer
    title: Data Engineer
    aliases: [de]
    summary: Builds the pipelines.
    skills: [SQL, Spark]
categories:
  - role: Data Engineer
    slug: pipelines
    title: Pipelines
    questions:
      - question: How do you backfill a year of events?
        guidance: [idempotent writes]
  - role: sbe
    slug: frontend
    title: Frontend
questions:
  - role: de
    category: pipelines
    question: What makes a pipeline idempotent?
  - role: senior-backend
    category: frontend
    question: How do you ship a CSS change safely?
  - role: senior-backend
    category: oncall
    question: What is in your runbook?
`
	team := questions.Extension{Categories: []questions.TeamCategory{{Role: "senior-backend", Slug: "oncall", Title: "Incidents"}}}
	f, err := bankfile.Read(strings.NewReader(in), bankfile.YAML, bank(t), team)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Roles) != 1 || f.Roles[0].Title != "Data Engineer" || strings.Join(f.Roles[0].Skills, ",") != "SQL,Spark" {
		t.Errorf("roles = %+v", f.Roles)
	}
	if len(f.Categories) != 2 || f.Categories[0].Role != "data-engineer" || f.Categories[1].Role != "senior-backend" {
		t.Errorf("categories = %+v", f.Categories)
	}
	var got []string
	for _, r := range f.Rows {
		got = append(got, fmt.Sprintf("%d %s/%s", r.Line, r.Role, r.Category))
	}
	if want := "12 data-engineer/pipelines|18 data-engineer/pipelines|21 senior-backend/frontend|24 senior-backend/oncall"; strings.Join(got, "|") != want {
		t.Errorf("rows = %s, want %s", strings.Join(got, "|"), want)
	}

	// Written and read back, nothing is lost.
	var buf bytes.Buffer
	if err := bankfile.Write(&buf, bankfile.YAML, f); err != nil {
		t.Fatal(err)
	}
	again, err := bankfile.Read(&buf, bankfile.YAML, bank(t), team)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(again.Roles) != 1 || len(again.Categories) != 2 || len(again.Rows) != 4 || again.Roles[0].Summary != "Builds the pipelines." {
		t.Errorf("read back: %+v", again)
	}
}

func TestReadYAMLTeamRoleErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"shadows a built-in alias", "roles:\n  - slug: backend\n    title: Backend\n", `line 2: role "backend": the name "backend" already names the built-in role "senior-backend"`},
		{"starts with a subcommand", "roles:\n  - slug: daily-ops\n    title: Daily Ops\n", `line 2: role "daily-ops": the name "daily-ops" starts with "daily"`},
		{"defined twice", "roles:\n  - slug: qa\n    title: QA\n  - slug: qa\n    title: QA 2\n", `line 4: role "qa" is defined twice (first on line 2)`},
		{"category shadows", "categories:\n  - role: sbe\n    slug: tech2\n    title: Tech\n", `line 2: category "tech2": the name "Tech" already names Senior Backend Engineer's category "technical"`},
		{"category of nobody", "categories:\n  - role: chef\n    slug: knives\n    title: Knives\n", `line 2: category "knives": its role "chef" is neither built in`},
		{"misspelt key", "questions:\n  - role: sbe\n    category: tech\n    qustion: Q?\n", `line 4: field qustion not found`},
		{"nested question names a role", "categories:\n  - role: sbe\n    slug: fe\n    title: Frontend\n    questions:\n      - role: sbe\n        question: Q?\n", "line 6: a question inside a category takes its role"},
		{"not a mapping", "- a\n- b\n", "line 1: the file must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bankfile.Read(strings.NewReader(tt.in), bankfile.YAML, bank(t), questions.Extension{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
