package bankfile_test

import (
	"bytes"
	"strings"
	"testing"

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
			_, err := bankfile.Read(strings.NewReader(tt.in), tt.format, bank(t))
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
	rows, err := bankfile.Read(strings.NewReader(in), bankfile.CSV, bank(t))
	if err != nil {
		t.Fatal(err)
	}
	want := bankfile.Row{Line: 2, Role: "senior-backend", Category: "behavioral", Text: `Tell me about a "hard" call.`, Guidance: []string{"STAR", "Ownership"}}
	if len(rows) != 1 || rows[0].Line != want.Line || rows[0].Role != want.Role || rows[0].Category != want.Category || rows[0].Text != want.Text || strings.Join(rows[0].Guidance, "|") != "STAR|Ownership" || rows[0].FollowUps != nil {
		t.Errorf("rows = %+v, want %+v", rows, want)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	rows := []bankfile.Row{
		{Role: "senior-backend", Category: "technical", Text: "Comma, \"quotes\" and\nnewlines?", Guidance: []string{"a", "b: c"}, FollowUps: []string{"- dash"}},
		{Role: "business-analyst", Category: "uml", Text: "🙂 \u202e unicode?"},
	}
	for _, f := range []bankfile.Format{bankfile.CSV, bankfile.YAML} {
		var buf bytes.Buffer
		if err := bankfile.Write(&buf, f, rows); err != nil {
			t.Fatal(err)
		}
		got, err := bankfile.Read(&buf, f, bank(t))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i := range rows {
			g, w := got[i], rows[i]
			if g.Role != w.Role || g.Category != w.Category || g.Text != w.Text || strings.Join(g.Guidance, "|") != strings.Join(w.Guidance, "|") || strings.Join(g.FollowUps, "|") != strings.Join(w.FollowUps, "|") {
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
