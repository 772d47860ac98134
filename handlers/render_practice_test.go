package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// practiceProgress is a progress with every part filled in.
func practiceProgress(t *testing.T, bank *questions.Bank) progress {
	t.Helper()
	sbe, _ := bank.Role("senior-backend")
	q1, _ := bank.Question("sbe-t01")
	q2, _ := bank.Question("sbe-t06")
	return progress{
		practised: 7, checks: 9, streak: 3, checkedToday: false,
		coverage: []coverage{{"Senior Backend Engineer", "Technical", 5, 25}, {"Senior Backend Engineer", "Behavioral", 2, 25}},
		weakest:  []themeScore{{"api design", 20, 1}, {"caching", 55, 2}, {"“How do you size a connection pool?”", 80, 1}},
		due:      []questions.Question{q1, q2}, dueCount: 2, role: sbe,
	}
}

func TestRenderPracticeGolden(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	q, _ := bank.Question("sbe-t06")
	team := questions.Question{ID: "team-12", Role: "senior-backend", Category: "technical", Text: "How do you size a connection pool?", Theme: "team-12"}
	check := SelfCheck{QuestionID: string(q.ID), Covered: 2, Total: len(q.Guidance), Score: 100 * 2 / len(q.Guidance)}
	daily := describePersonal(bank, PersonalSchedule{ID: 1, Role: "senior-backend", Category: "technical", Hour: 9, Zone: "Europe/Berlin", Days: Weekdays, CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	cases := map[string]any{
		"practice_dm_new":        renderPracticeQuestion("Practice question", sbe, pick{question: q, reason: PickNew, themeScore: 40, hasScore: true}, "Technical"),
		"practice_dm_review":     renderPracticeQuestion("Your daily question", sbe, pick{question: q, reason: PickReview, lastScore: 40}, "Technical"),
		"selfcheck_modal":        renderSelfCheckModal(q, "Technical", `{"q":"sbe-t06","n":5}`),
		"selfcheck_modal_nolist": renderSelfCheckModal(team, "Technical", `{"q":"team-12","n":0}`),
		"selfcheck_result":       renderSelfCheckResult(q, check, []int{0, 2}, "2026-11-05"),
		"selfcheck_result_how":   renderSelfCheckResult(team, SelfCheck{QuestionID: "team-12", Score: 70}, nil, "2026-11-05"),
		"me":                     renderProgress(practiceProgress(t, bank), "📅 "+daily),
		"me_empty":               renderProgress(progress{}, ""),
		"home":                   renderHome(practiceProgress(t, bank), "📅 "+daily),
		"forget_prompt":          renderForgetPrompt(),
		"forgotten":              renderForgotten(Forgotten{Votes: 3, Ratings: 2, Notes: 1, SelfChecks: 5, Sends: 7, Schedules: 1, Role: true}),
		"forgotten_nothing":      renderForgotten(Forgotten{}),
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) { golden(t, name, v) })
	}
}

// TestRenderPracticeLimits renders every private-practice message, modal
// and App Home with worst-case inputs (the longest team question and
// guidance, full of characters Slack escapes) and checks each against
// Slack's limits: the renderer-limits test of these kinds.
func TestRenderPracticeLimits(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	long := strings.Repeat("<&>", questions.MaxText/3) + "?!"
	worst := questions.Question{ID: "team-100000000", Role: "senior-backend", Category: "technical", Text: long[:questions.MaxText], Theme: "team-100000000"}
	for range 12 {
		worst.Guidance = append(worst.Guidance, strings.Repeat("<", 500))
		worst.FollowUps = append(worst.FollowUps, strings.Repeat(">", 500))
	}
	var all []questions.Question
	for _, r := range bank.Roles() {
		for _, c := range r.Categories {
			all = append(all, c.Questions...)
		}
	}
	all = append(all, worst)
	msgs := map[string]Message{}
	views := map[string]error{}
	for _, q := range all {
		for _, reason := range []PickReason{PickReview, PickNew, PickAgain} {
			msgs[fmt.Sprintf("dm %s %d", q.ID, reason)] = renderPracticeQuestion("Your daily question", sbe, pick{question: q, reason: reason, lastScore: 100, themeScore: 100, hasScore: true}, strings.Repeat("C", 100))
		}
		views["selfcheck "+string(q.ID)] = ValidateView(renderSelfCheckModal(q, strings.Repeat("C", 100), strings.Repeat("m", 300)))
		n := len(selfCheckPoints(q))
		msgs["result none "+string(q.ID)] = renderSelfCheckResult(q, SelfCheck{Total: n}, nil, "2026-11-05")
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		msgs["result all "+string(q.ID)] = renderSelfCheckResult(q, SelfCheck{Total: n, Covered: n, Score: 100}, all, "2026-11-05")
	}
	if got := len(selfCheckPoints(worst)); got != MaxSelfCheckPoints {
		t.Errorf("a question with 12 points offers %d checkboxes, want %d", got, MaxSelfCheckPoints)
	}
	big := practiceProgress(t, bank)
	big.practised, big.checks, big.streak, big.dueCount = 99999, 99999, 99999, 99999
	for range 40 {
		big.coverage = append(big.coverage, coverage{strings.Repeat("<r>", 33), strings.Repeat("<c>", 33), 99999, 99999})
	}
	big.due = nil
	for range maxDueShown {
		big.due = append(big.due, worst)
	}
	big.weakest = []themeScore{{themeLabel(worst), 0, 99999}, {themeLabel(worst), 0, 99999}, {themeLabel(worst), 0, 99999}}
	daily := "📅 " + describePersonal(bank, PersonalSchedule{Role: "senior-backend", Category: "technical", Difficulty: 3, Zone: "America/Argentina/ComodRivadavia", Days: "mon,tue,wed,thu,fri,sat,sun", Paused: true, PauseReason: strings.Repeat("<", 200)}, time.Now())
	msgs["me big"] = *renderProgress(big, daily)
	msgs["me empty"] = *renderProgress(progress{}, "")
	msgs["forget prompt"] = *renderForgetPrompt()
	msgs["forgotten"] = *renderForgotten(Forgotten{Votes: 1 << 30, Ratings: 1 << 30, Notes: 1 << 30, SelfChecks: 1 << 30, Sends: 1 << 30, Schedules: 1, Role: true})
	for name, m := range msgs {
		if err := Validate(m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, err := range views {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := ValidateHome(renderHome(big, daily)); err != nil {
		t.Errorf("home big: %v", err)
	}
	if err := ValidateHome(renderHome(progress{}, "")); err != nil {
		t.Errorf("home empty: %v", err)
	}
}
