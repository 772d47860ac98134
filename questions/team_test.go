package questions

import (
	"strings"
	"sync"
	"testing"
)

func dataEngineer() TeamRole {
	return TeamRole{Slug: "data-engineer", Title: "Data Engineer", Aliases: []string{"de", "data"}, Summary: "Builds the pipelines.", Skills: []string{"SQL", "Spark"}}
}

// TestExtend: a team's roles and categories join the bank and resolve like
// built-in ones; hidden questions leave their category but keep their id;
// the built-in bank is not changed.
func TestExtend(t *testing.T) {
	b := builtin(t)
	sbe, _ := b.Role("senior-backend")
	techBefore := len(mustCategory(t, sbe, "technical").Questions)
	catsBefore := len(sbe.Categories)

	view, problems := b.Extend(Extension{
		Roles: []TeamRole{dataEngineer()},
		Categories: []TeamCategory{
			{Role: "data-engineer", Slug: "pipelines", Title: "Pipelines", Aliases: []string{"etl"}},
			{Role: "senior-backend", Slug: "frontend", Title: "Frontend", Aliases: []string{"fe"}},
		},
		Hidden: []ID{"sbe-t01", "no-such-question"},
	})
	if len(problems) > 0 {
		t.Fatalf("Extend: %v", problems)
	}
	for _, name := range []string{"data-engineer", "Data Engineer", "DE", "data"} {
		if r, ok := view.Role(name); !ok || r.Slug != "data-engineer" {
			t.Errorf("view.Role(%q) = %v, %v; want the team role", name, r, ok)
		}
	}
	de, _ := view.Role("de")
	if c, ok := de.Category("etl"); !ok || c.Slug != "pipelines" {
		t.Errorf("data-engineer has no category etl: %v", c)
	}
	vsbe, _ := view.Role("sbe")
	if c, ok := vsbe.Category("fe"); !ok || c.Title != "Frontend" {
		t.Errorf("senior-backend in the view has no frontend category")
	}
	if got := len(mustCategory(t, vsbe, "technical").Questions); got != techBefore-1 {
		t.Errorf("technical in the view has %d questions, want %d", got, techBefore-1)
	}
	if q, ok := view.Question("sbe-t01"); !ok || q.Role != "senior-backend" {
		t.Errorf("a hidden question is not found by id: %v %v", q, ok)
	}
	if s, ok := view.SuggestRole("data-engineeer"); !ok || s != "data-engineer" {
		t.Errorf("SuggestRole does not know the team role: %q %v", s, ok)
	}
	// The built-in bank is as it was.
	if got := len(mustCategory(t, sbe, "technical").Questions); got != techBefore {
		t.Errorf("built-in technical lost questions: %d, want %d", got, techBefore)
	}
	if len(sbe.Categories) != catsBefore {
		t.Errorf("built-in senior-backend gained categories")
	}
	if _, ok := b.Role("data-engineer"); ok {
		t.Error("the built-in bank knows the team role")
	}
	// Untouched categories are shared, not copied.
	if mustCategory(t, vsbe, "behavioral") != mustCategory(t, sbe, "behavioral") {
		t.Error("an untouched category was copied")
	}
	if view, _ := b.Extend(Extension{}); view != b {
		t.Error("an empty extension built a new bank")
	}
}

func mustCategory(t *testing.T, r *Role, name string) *Category {
	t.Helper()
	c, ok := r.Category(name)
	if !ok {
		t.Fatalf("%s has no category %s", r.Slug, name)
	}
	return c
}

// TestExtendProblems: a definition that would shadow a built-in name, use
// a word the command reads otherwise, or break a limit is left out with a
// reason; the others still apply.
func TestExtendProblems(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		name string
		ext  Extension
		want string
	}{
		{"role slug is a built-in alias", Extension{Roles: []TeamRole{{Slug: "backend", Title: "Backend"}}}, `the name "backend" already names the built-in role "senior-backend"`},
		{"role title is a built-in title", Extension{Roles: []TeamRole{{Slug: "sbe2", Title: "Senior Backend Engineer"}}}, `already names the built-in role "senior-backend"`},
		{"role alias is a built-in slug", Extension{Roles: []TeamRole{{Slug: "x-dev", Title: "X", Aliases: []string{"business-analyst"}}}}, `already names the built-in role "business-analyst"`},
		{"two team roles share a name", Extension{Roles: []TeamRole{dataEngineer(), {Slug: "data", Title: "Data"}}}, `already names the team role "data-engineer"`},
		{"role starts with a subcommand", Extension{Roles: []TeamRole{{Slug: "kit-builder", Title: "Kit Builder"}}}, `starts with "kit"`},
		{"role slug is a number", Extension{Roles: []TeamRole{{Slug: "42", Title: "Answer"}}}, "must contain a letter"},
		{"role slug malformed", Extension{Roles: []TeamRole{{Slug: "Data Eng", Title: "Data"}}}, "lower-case letters and digits"},
		{"role title too many words", Extension{Roles: []TeamRole{{Slug: "x-eng", Title: "One two three four five six seven"}}}, "has 7 words; a name can have at most 6"},
		{"role named like a kit subcommand", Extension{Roles: []TeamRole{{Slug: "list-keeper", Title: "Keeper"}}}, `starts with "list"`},
		{"role without title", Extension{Roles: []TeamRole{{Slug: "data-eng"}}}, "the title is empty"},
		{"too many skills", Extension{Roles: []TeamRole{{Slug: "data-eng", Title: "D", Skills: make([]string, MaxTeamSkills+1)}}}, "skills; the limit is"},
		{"category shadows a built-in one", Extension{Categories: []TeamCategory{{Role: "senior-backend", Slug: "tech-deep", Title: "Tech"}}}, `already names Senior Backend Engineer's category "technical"`},
		{"category named like a difficulty", Extension{Categories: []TeamCategory{{Role: "senior-backend", Slug: "hard-questions", Title: "Hard questions"}}}, `starts with "hard"`},
		{"category named like a day", Extension{Categories: []TeamCategory{{Role: "senior-backend", Slug: "friday-fun", Title: "Fun"}}}, `starts with "friday"`},
		{"category of an unknown role", Extension{Categories: []TeamCategory{{Role: "nobody", Slug: "x", Title: "X"}}}, `its role "nobody" is neither built in`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := b.Extend(tt.ext)
			if len(problems) != 1 || !strings.Contains(problems[0].Msg, tt.want) {
				t.Errorf("problems = %v, want one containing %q", problems, tt.want)
			}
		})
	}
	t.Run("the rest still applies", func(t *testing.T) {
		view, problems := b.Extend(Extension{
			Roles:      []TeamRole{{Slug: "backend", Title: "Backend"}, dataEngineer()},
			Categories: []TeamCategory{{Role: "backend", Slug: "x", Title: "X"}, {Role: "data-engineer", Slug: "pipelines", Title: "Pipelines"}},
		})
		if len(problems) != 2 || problems[0].Kind != "role" || problems[0].Index != 0 || problems[1].Kind != "category" || problems[1].Index != 0 {
			t.Errorf("problems = %+v", problems)
		}
		if r, ok := view.Role("backend"); !ok || r.Slug != "senior-backend" {
			t.Error("a shadowing team role took the built-in's name")
		}
		if r, ok := view.Role("data-engineer"); !ok || len(r.Categories) != 1 {
			t.Error("a valid team role was dropped with the invalid one")
		}
	})
	t.Run("category limit per role", func(t *testing.T) {
		var cats []TeamCategory
		for i := range MaxTeamCategories + 1 {
			cats = append(cats, TeamCategory{Role: "data-engineer", Slug: "c" + strings.Repeat("x", i+1), Title: "C " + strings.Repeat("x", i+1)})
		}
		_, problems := b.Extend(Extension{Roles: []TeamRole{dataEngineer()}, Categories: cats})
		if len(problems) != 1 || problems[0].Index != MaxTeamCategories {
			t.Errorf("problems = %v, want the 11th category refused", problems)
		}
	})
}

// TestExtendConcurrent: views share the built-in bank's roles and
// categories, so building them must not write to those (run with -race).
func TestExtendConcurrent(t *testing.T) {
	b := builtin(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			view, _ := b.Extend(Extension{Hidden: []ID{"sbe-t02"}, Categories: []TeamCategory{{Role: "senior-backend", Slug: "frontend", Title: "Frontend"}}})
			for _, q := range view.Questions() {
				_ = q.Role
			}
		})
	}
	wg.Wait()
}
