package handlers

import (
	"fmt"
	"strings"
	"testing"
)

func newLists(t *testing.T, team ...TeamQuestion) *lists {
	t.Helper()
	return &lists{catalog: catalog{bank: builtin(t), team: teamQuestions(team)}, answers: newAnswers(), versions: unchanging{}}
}

// unchanging versions team questions that never change.
type unchanging struct{}

func (unchanging) TeamBankVersion(string) (uint64, bool) { return 1, true }

// cached counts the answers l keeps.
func (l *lists) cached() int {
	l.answers.mu.Lock()
	defer l.answers.mu.Unlock()
	return len(l.answers.bank) + len(l.answers.team)
}

// TestListPageForged: the page number comes from a button's value, which a
// payload can forge. Pages past the end show the last page, and the cache
// of rendered lists holds at most one entry per real page of the bank
// however many pages are asked for (100,000 forged pages once cost 756 MiB).
func TestListPageForged(t *testing.T) {
	l := newLists(t)
	realPages := 0
	for _, r := range l.bank.Roles() {
		for _, c := range r.Categories {
			realPages += len(listPages(c.Questions))
			for _, page := range []string{"1", "2", "3", "17", "99999", "100000", "2147483647", "9223372036854775807"} {
				rep, err := l.showCategory(t.Context(), Action{TeamID: "T1", ActionID: "show_category:" + c.Slug + ":" + page, Value: r.Slug + "/" + c.Slug + "/" + page})
				if err != nil || rep.Message == nil {
					t.Fatalf("%s/%s page %s: %+v, %v", r.Slug, c.Slug, page, rep, err)
				}
			}
		}
	}
	if n := l.cached(); n > realPages {
		t.Errorf("after forged pages the cache holds %d lists; the bank has %d pages", n, realPages)
	}
}

// TestListPageClamped: a page past the end shows the last page, with the
// navigation of the last page, for built-in and team lists alike.
func TestListPageClamped(t *testing.T) {
	var team []TeamQuestion
	for i := range 70 {
		team = append(team, TeamQuestion{ID: fmt.Sprintf("team-%d", i+1), Role: "senior-backend", Category: "technical", Text: fmt.Sprintf("Team question %d?", i+1)})
	}
	l := newLists(t, team...)
	sbe, _ := l.bank.Role("senior-backend")
	tech, _ := sbe.Category("technical")
	pages := len(listPages(withTeam(sbe, tech, team)))
	if pages < 3 {
		t.Fatalf("%d pages, want at least 3 for the test", pages)
	}
	rep, err := l.showCategory(t.Context(), Action{TeamID: "T1", ActionID: "show_category:technical:100000", Value: "senior-backend/technical/100000"})
	if err != nil {
		t.Fatal(err)
	}
	text := blocksText(t, rep.Message.Blocks)
	if want := fmt.Sprintf("Page %d of %d", pages, pages); !strings.Contains(text, want) {
		t.Errorf("page 100000 does not show %q:\n%s", want, text)
	}
	if !strings.Contains(text, fmt.Sprintf("senior-backend/technical/%d", pages-1)) || strings.Contains(text, "Next ▶") {
		t.Errorf("page 100000 lacks the last page's navigation:\n%s", text)
	}
}
