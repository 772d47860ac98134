package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
)

// TestRenderLimitsTeamBank: the biggest team bank a team may define (the
// most roles, each with the most categories, the longest names, summary
// and skills) still renders within Slack's limits in `roles`, role cards
// and lists with the hidden-questions note.
func TestRenderLimitsTeamBank(t *testing.T) {
	bank := builtin(t)
	long := func(c string, n int) string { return strings.Repeat(c, n) }
	var ext questions.Extension
	for i := range questions.MaxTeamRoles {
		slug := fmt.Sprintf("r%02d-%s", i, long("x", 36))
		r := questions.TeamRole{Slug: slug, Title: fmt.Sprintf("R%02d %s", i, long("&", 96)), Summary: long("<", 2500)}
		for j := range questions.MaxTeamSkills {
			r.Skills = append(r.Skills, fmt.Sprintf("%02d%s", j, long("&", 498)))
		}
		for j := range 5 {
			r.Aliases = append(r.Aliases, fmt.Sprintf("r%02d a%d %s", i, j, long("y", 90)))
		}
		ext.Roles = append(ext.Roles, r)
		for j := range questions.MaxTeamCategories {
			ext.Categories = append(ext.Categories, questions.TeamCategory{Role: slug, Slug: fmt.Sprintf("c%02d-%s", j, long("z", 36)), Title: fmt.Sprintf("C%02d %s", j, long("&", 96))})
		}
	}
	for _, q := range bank.Questions() {
		ext.Hidden = append(ext.Hidden, q.ID)
	}
	view, problems := bank.Extend(ext)
	if len(problems) > 0 {
		t.Fatalf("Extend: %v", problems[0])
	}
	count := func(*questions.Role, *questions.Category) int { return 99999 }
	msgs := map[string]Message{"roles": *renderRoles(view, count)}
	for _, r := range view.Roles() {
		msgs["card "+r.Slug] = *renderRoleCard(r, func(c *questions.Category) int { return 99999 })
		for _, c := range r.Categories {
			p := pool{role: r, category: c, questions: c.Questions}
			msgs["list "+r.Slug+" "+c.Slug] = *renderList(p, 1, "", "Hidden in this workspace: "+long("`sbe-t01`, ", 10)+" and 300 more · `/interview unhide <id>` brings one back")
		}
	}
	for name, m := range msgs {
		if err := Validate(m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestTeamNameWords: a team's names are checked against the number of
// words the parser reads as one name.
func TestTeamNameWords(t *testing.T) {
	if questions.MaxNameWords != maxNameWords {
		t.Errorf("questions.MaxNameWords = %d, the parser reads %d", questions.MaxNameWords, maxNameWords)
	}
}
