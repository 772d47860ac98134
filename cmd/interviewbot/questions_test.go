package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/questions/bankfile"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// cli runs `interviewbot questions …` against the database dsn.
func cli(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"questions"}, args...), func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestQuestionsLintCommand(t *testing.T) {
	t.Parallel()
	out, err := cli(t, "", "lint")
	if err != nil || !strings.Contains(out, "question bank ok: 135 questions") {
		t.Errorf("questions lint: %v\n%s", err, out)
	}
}

// TestQuestionsImportExport: import then export round-trips a sample file,
// importing it twice changes nothing, and a file with a bad row imports
// nothing and names the lines.
func TestQuestionsImportExport(t *testing.T) {
	t.Parallel()
	bank, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"team-bank.csv", "team-bank.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dsn := storagetest.NewDSN(t)
			path := filepath.Join("testdata", name)
			out, err := cli(t, dsn, "import", "--team", "T0TEST", path)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
			format, _ := bankfile.FormatOf(name)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			wantFile, err := bankfile.Read(f, format, bank, questions.Extension{})
			want := wantFile.Rows
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, strconv.Itoa(len(want))+" added, 0 updated, 0 removed, 0 unchanged") {
				t.Errorf("first import: %s", out)
			}
			out, err = cli(t, dsn, "import", "--team", "T0TEST", path)
			if err != nil || !strings.Contains(out, "0 added, 0 updated, 0 removed, "+strconv.Itoa(len(want))+" unchanged") {
				t.Errorf("second import changed something: %v %s", err, out)
			}
			exported := filepath.Join(t.TempDir(), "export."+string(format))
			if out, err := cli(t, dsn, "export", "--team", "T0TEST", "--format", string(format), "--out", exported); err != nil {
				t.Fatalf("export: %v\n%s", err, out)
			}
			ef, err := os.Open(exported)
			if err != nil {
				t.Fatal(err)
			}
			defer ef.Close()
			gotFile, err := bankfile.Read(ef, format, bank, questions.Extension{})
			got := gotFile.Rows
			if err != nil {
				t.Fatalf("the export does not read back: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("exported %d questions, want %d", len(got), len(want))
			}
			for i := range want {
				w, g := want[i], got[i]
				w.Line, g.Line = 0, 0
				if !rowsEqual(w, g) {
					t.Errorf("row %d: exported %+v, imported %+v", i, g, w)
				}
			}
			// The exported file imports as no change at all.
			if out, err := cli(t, dsn, "import", "--team", "T0TEST", exported); err != nil || !strings.Contains(out, "0 added, 0 updated") {
				t.Errorf("re-importing the export: %v %s", err, out)
			}
		})
	}
	t.Run("a bad row imports nothing", func(t *testing.T) {
		t.Parallel()
		dsn := storagetest.NewDSN(t)
		out, err := cli(t, dsn, "import", "--team", "T0TEST", filepath.Join("testdata", "team-bank-bad.csv"))
		if err == nil {
			t.Fatalf("import of a bad file succeeded: %s", out)
		}
		msg := err.Error()
		for _, want := range []string{"nothing imported", "line 3: unknown role \"senior-bakend\"; did you mean \"senior-backend\"?", "line 4: Senior Backend Engineer has no category \"cooking\"", "line 5: question is empty"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		out, err = cli(t, dsn, "export", "--team", "T0TEST")
		if err == nil || !strings.Contains(err.Error(), "nothing exported") {
			t.Errorf("after a refused import the team bank is not empty: %v\n%s", err, out)
		}
	})
}

func rowsEqual(a, b bankfile.Row) bool {
	return a.Role == b.Role && a.Category == b.Category && a.Text == b.Text &&
		strings.Join(a.Guidance, "\n") == strings.Join(b.Guidance, "\n") && strings.Join(a.FollowUps, "\n") == strings.Join(b.FollowUps, "\n")
}
