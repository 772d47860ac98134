package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
)

// counts summarises an import result for comparisons.
func counts(r handlers.ImportResult) string {
	return fmt.Sprintf("%d added, %d updated, %d removed, %d unchanged", len(r.Added), len(r.Updated), len(r.Removed), r.Unchanged)
}

func tq(category, text string) handlers.TeamQuestion {
	return handlers.TeamQuestion{Role: "senior-backend", Category: category, Text: text, CreatedBy: "import"}
}

func withID(id string, q handlers.TeamQuestion) handlers.TeamQuestion {
	q.ID = id
	return q
}

func importBank(ctx context.Context, t *testing.T, s store, in handlers.TeamImport) handlers.ImportResult {
	t.Helper()
	res, err := s.ImportTeamBank(ctx, "T1", in)
	if err != nil {
		t.Fatalf("ImportTeamBank: %v", err)
	}
	return res
}

func texts(qs []handlers.TeamQuestion) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.ID + " " + q.Text
	}
	return out
}

// teamImportByID: a row that carries the id of one of the team's questions
// updates that question in place, even when its wording changed; an id the
// team does not have is a new question.
func teamImportByID(ctx context.Context, t *testing.T, s store) {
	importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "How do you size a pool?"), tq("technical", "What is a WAL?")}})
	other := addQuestion(ctx, t, s, "T2", "Another team's question?")
	res := importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{
		withID("team-1", tq("behavioral", "How do you size a connection pool, and why?")),
		withID("team-2", tq("technical", "What is a WAL?")),
		withID(other.ID, tq("technical", "Copied from another workspace?")),
	}})
	if got := counts(res); got != "1 added, 1 updated, 0 removed, 1 unchanged" {
		t.Errorf("import: %s", got)
	}
	got := listQuestions(ctx, t, s, "T1")
	want := []string{"team-1 How do you size a connection pool, and why?", "team-2 What is a WAL?", "team-4 Copied from another workspace?"}
	if !reflect.DeepEqual(texts(got), want) || got[0].Category != "behavioral" {
		t.Errorf("after import: %q (team-1 in %s), want %q", texts(got), got[0].Category, want)
	}
	if theirs := listQuestions(ctx, t, s, "T2"); len(theirs) != 1 || theirs[0].Text != other.Text {
		t.Errorf("the other team's question changed: %+v", theirs)
	}
}

// teamImportDryRun: a dry run reports what an import would do and changes
// nothing.
func teamImportDryRun(ctx context.Context, t *testing.T, s store) {
	importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Q one?"), tq("technical", "Q two?")}})
	before, _ := s.TeamBank(ctx, "T1")
	res := importBank(ctx, t, s, handlers.TeamImport{
		Questions: []handlers.TeamQuestion{withID("team-1", tq("technical", "Q one, reworded?")), tq("technical", "Q three?")},
		Roles:     []questions.TeamRole{{Slug: "data-engineer", Title: "Data Engineer"}},
		Sync:      true, DryRun: true,
	})
	if got := counts(res); got != "1 added, 1 updated, 1 removed, 0 unchanged" {
		t.Errorf("dry run: %s", got)
	}
	if res.Removed[0].ID != "team-2" || res.Added[0].ID != "" || len(res.Roles.Added) != 1 {
		t.Errorf("dry run: %+v", res)
	}
	if after, _ := s.TeamBank(ctx, "T1"); !reflect.DeepEqual(after, before) {
		t.Errorf("a dry run changed the bank:\n%+v\nwas\n%+v", after, before)
	}
	// The ids a dry run would give are not used up.
	if q := addQuestion(ctx, t, s, "T1", "Q four?"); q.ID != "team-3" {
		t.Errorf("after a dry run the next id is %s, want team-3", q.ID)
	}
}

// teamImportSync: with sync, the team's questions the file does not list
// are removed; without it they stay.
func teamImportSync(ctx context.Context, t *testing.T, s store) {
	importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Keep?"), tq("technical", "Drop?")}})
	res := importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Keep?")}})
	if counts(res) != "0 added, 0 updated, 0 removed, 1 unchanged" || len(listQuestions(ctx, t, s, "T1")) != 2 {
		t.Errorf("without sync: %s", counts(res))
	}
	res = importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Keep?")}, Sync: true})
	if counts(res) != "0 added, 0 updated, 1 removed, 1 unchanged" || res.Removed[0].Text != "Drop?" {
		t.Errorf("with sync: %s %+v", counts(res), res.Removed)
	}
	if got := texts(listQuestions(ctx, t, s, "T1")); !reflect.DeepEqual(got, []string{"team-1 Keep?"}) {
		t.Errorf("after sync: %q", got)
	}
	// An empty file with sync empties the team's bank.
	res = importBank(ctx, t, s, handlers.TeamImport{Sync: true})
	if counts(res) != "0 added, 0 updated, 1 removed, 0 unchanged" || len(listQuestions(ctx, t, s, "T1")) != 0 {
		t.Errorf("empty file with sync: %s", counts(res))
	}
}

// teamImportSwap: two questions may trade wordings in one import; the
// unique wording rule holds at the end, not between rows.
func teamImportSwap(ctx context.Context, t *testing.T, s store) {
	importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Alpha?"), tq("technical", "Beta?")}})
	res := importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{withID("team-1", tq("technical", "Beta?")), withID("team-2", tq("technical", "Alpha?"))}})
	if counts(res) != "0 added, 2 updated, 0 removed, 0 unchanged" {
		t.Errorf("swap: %s", counts(res))
	}
	if got := texts(listQuestions(ctx, t, s, "T1")); !reflect.DeepEqual(got, []string{"team-1 Beta?", "team-2 Alpha?"}) {
		t.Errorf("after swap: %q", got)
	}
}

// teamImportConflict: an import that would leave two live questions with
// one wording is refused whole, with ErrConflict.
func teamImportConflict(ctx context.Context, t *testing.T, s store) {
	importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{tq("technical", "Alpha?"), tq("technical", "Beta?")}})
	before := listQuestions(ctx, t, s, "T1")
	_, err := s.ImportTeamBank(ctx, "T1", handlers.TeamImport{Questions: []handlers.TeamQuestion{withID("team-1", tq("technical", "beta?")), tq("technical", "Gamma?")}})
	if !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("rewording team-1 like team-2: %v, want ErrConflict", err)
	}
	if after := listQuestions(ctx, t, s, "T1"); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused import changed the bank: %q", texts(after))
	}
	// With sync team-2 goes, so the same file is fine.
	res := importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{withID("team-1", tq("technical", "beta?"))}, Sync: true})
	if counts(res) != "0 added, 1 updated, 1 removed, 0 unchanged" {
		t.Errorf("with sync: %s", counts(res))
	}
}

// teamImportRoles: an import adds and updates the team's roles and
// categories; with sync, those the file neither defines nor uses go.
func teamImportRoles(ctx context.Context, t *testing.T, s store) {
	de := questions.TeamRole{Slug: "data-engineer", Title: "Data Engineer", Aliases: []string{"de"}, Summary: "Pipelines.", Skills: []string{"SQL"}}
	qa := questions.TeamRole{Slug: "qa", Title: "QA Engineer"}
	pipelines := questions.TeamCategory{Role: "data-engineer", Slug: "pipelines", Title: "Pipelines"}
	fe := questions.TeamCategory{Role: "senior-backend", Slug: "frontend", Title: "Frontend", Aliases: []string{"fe"}}
	tests := questions.TeamCategory{Role: "qa", Slug: "tests", Title: "Tests"}
	q := handlers.TeamQuestion{Role: "data-engineer", Category: "pipelines", Text: "How do you backfill?", CreatedBy: "import"}
	res := importBank(ctx, t, s, handlers.TeamImport{Roles: []questions.TeamRole{de, qa}, Categories: []questions.TeamCategory{pipelines, fe, tests}, Questions: []handlers.TeamQuestion{q}})
	if fmt.Sprint(res.Roles, res.Categories) != "{[data-engineer qa] [] []} {[data-engineer/pipelines senior-backend/frontend qa/tests] [] []}" {
		t.Errorf("first import: roles %v, categories %v", res.Roles, res.Categories)
	}
	tb, err := s.TeamBank(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	want := handlers.TeamBank{Roles: []questions.TeamRole{de, qa}, Categories: []questions.TeamCategory{pipelines, fe, tests}}
	tb.Questions = nil
	if !reflect.DeepEqual(tb, want) {
		t.Errorf("TeamBank = %+v, want %+v", tb, want)
	}
	// The same definitions change nothing; a new title updates.
	de.Title = "Data Engineer (platform)"
	res = importBank(ctx, t, s, handlers.TeamImport{Roles: []questions.TeamRole{de, qa}, Categories: []questions.TeamCategory{pipelines, fe, tests}, Questions: []handlers.TeamQuestion{q}})
	if fmt.Sprint(res.Roles, res.Categories) != "{[] [data-engineer] []} {[] [] []}" || counts(res) != "0 added, 0 updated, 0 removed, 1 unchanged" {
		t.Errorf("second import: roles %v, categories %v, %s", res.Roles, res.Categories, counts(res))
	}
	// Sync with a file that only has the question: pipelines and its role
	// stay (the question uses them), the rest goes.
	res = importBank(ctx, t, s, handlers.TeamImport{Questions: []handlers.TeamQuestion{q}, Sync: true})
	if fmt.Sprint(res.Roles, res.Categories) != "{[] [] [qa]} {[] [] [senior-backend/frontend qa/tests]}" {
		t.Errorf("sync: roles %v, categories %v", res.Roles, res.Categories)
	}
	tb, _ = s.TeamBank(ctx, "T1")
	if len(tb.Roles) != 1 || tb.Roles[0].Title != "Data Engineer (platform)" || len(tb.Categories) != 1 || tb.Categories[0].Slug != "pipelines" {
		t.Errorf("after sync: %+v", tb)
	}
	if other, _ := s.TeamBank(ctx, "T2"); other.Roles != nil || other.Categories != nil {
		t.Errorf("another team sees the roles: %+v", other)
	}
}

// teamHide: hiding is per team and idempotent; unhiding brings the
// question back.
func teamHide(ctx context.Context, t *testing.T, s store) {
	hide := func(team, id string, want bool) {
		t.Helper()
		changed, err := s.HideQuestion(ctx, team, id, "U-admin")
		if err != nil || changed != want {
			t.Errorf("HideQuestion(%s, %s) = %v, %v; want %v", team, id, changed, err, want)
		}
	}
	hide("T1", "sbe-t02", true)
	hide("T1", "sbe-t01", true)
	hide("T1", "sbe-t01", false)
	hide("T2", "sbe-t01", true)
	tb, err := s.TeamBank(ctx, "T1")
	if err != nil || !reflect.DeepEqual(tb.Hidden, []string{"sbe-t01", "sbe-t02"}) {
		t.Errorf("T1 hidden = %q, %v", tb.Hidden, err)
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{{"sbe-t01", true}, {"sbe-t01", false}, {"sbe-t99", false}} {
		if changed, err := s.UnhideQuestion(ctx, "T1", tt.id); err != nil || changed != tt.want {
			t.Errorf("UnhideQuestion(%s) = %v, %v; want %v", tt.id, changed, err, tt.want)
		}
	}
	if tb, _ := s.TeamBank(ctx, "T1"); !reflect.DeepEqual(tb.Hidden, []string{"sbe-t02"}) {
		t.Errorf("after unhide, T1 hidden = %q", tb.Hidden)
	}
	if tb, _ := s.TeamBank(ctx, "T2"); !reflect.DeepEqual(tb.Hidden, []string{"sbe-t01"}) {
		t.Errorf("T2 hidden = %q", tb.Hidden)
	}
	if _, err := s.HideQuestion(ctx, "T1", "", "U1"); err == nil {
		t.Error("hiding an empty id succeeded")
	}
}
