package questions

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	subcommands := []string{"help", "roles", "practice", "kit", "daily", "feedback", "add", "remove"}
	tests := []struct {
		input      string
		candidates []string
		want       string // "" for no suggestion
	}{
		{"pratice", subcommands, "practice"},
		{"practise", subcommands, "practice"},
		{"PRACTICE", subcommands, "practice"},
		{"hlep", subcommands, "help"},
		{"rolse", subcommands, "roles"},
		{"kti", subcommands, "kit"},
		{"dialy", subcommands, "daily"},
		{"feedbak", subcommands, "feedback"},
		{"remvoe", subcommands, "remove"},
		{"prac", subcommands, "practice"}, // starts a candidate's word
		{"xyz", subcommands, ""},
		{"", subcommands, ""},
		{"   ", subcommands, ""},
		{"k", subcommands, ""},        // one letter is too little to go on
		{"ad", subcommands, "add"},    // one edit away from a short word
		{"lint", subcommands, ""},     // two edits from "kit": another word
		{"schedule", subcommands, ""}, // related meaning, unrelated spelling
		{"pratice", nil, ""},          // no candidates
		{"sbee", []string{"senior-backend", "sbe"}, "sbe"},
		{"engineer", []string{"senior-backend", "Senior Backend Engineer"}, "Senior Backend Engineer"},
		{"gineer", []string{"Senior Backend Engineer"}, ""}, // not at a word start
		{"kit", []string{"kits", "kit"}, "kit"},             // exact beats near
		{"kitt", []string{"kits", "kit"}, "kits"},           // equally near: first wins
		{strings.Repeat("practice", 1000), subcommands, ""},
	}
	for _, tt := range tests {
		got, ok := Suggest(tt.input, tt.candidates)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("Suggest(%q, %q) = %q, %v; want %q", clip(tt.input, 30), tt.candidates, got, ok, tt.want)
		}
	}
}

func TestSuggestRole(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		name string
		want string // "" for no suggestion
	}{
		{"sbee", "senior-backend"},
		{"sbe", "senior-backend"},
		{"senior-bakend", "senior-backend"},
		{"senoir backend", "senior-backend"},
		{"Senior Backend Enginer", "senior-backend"},
		{"senior", "senior-backend"},
		{"backend engineer", "senior-backend"},
		{"bakend", "senior-backend"},
		{"analyst", "business-analyst"},
		{"analysts", "business-analyst"},
		{"buisness analyst", "business-analyst"},
		{"business", "business-analyst"},
		{"bq", "business-analyst"},
		{"frontend developer", ""},
		{"designer", ""},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := b.SuggestRole(tt.name)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("SuggestRole(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestSuggestCategory(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		role, name string
		want       string // "" for no suggestion
	}{
		{"sbe", "techincal", "technical"},
		{"sbe", "technicl", "technical"},
		{"sbe", "tehc", "technical"},
		{"sbe", "behavior", "behavioral"},
		{"sbe", "behavoiral", "behavioral"},
		{"sbe", "behav", "behavioral"},
		{"sbe", "problem", "problem-solving"},
		{"sbe", "smaple", "problem-solving"},
		{"sbe", "requirements", ""},
		{"ba", "requirement", "requirements"},
		{"ba", "process modelling", "process-modeling"},
		{"ba", "proces", "process-modeling"},
		{"ba", "fundamental", "fundamentals"},
		{"ba", "uml diagrams", ""},
		{"ba", "", ""},
	}
	for _, tt := range tests {
		r, ok := b.Role(tt.role)
		if !ok {
			t.Fatalf("Role(%q) not found", tt.role)
		}
		got, ok := r.SuggestCategory(tt.name)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("%s: SuggestCategory(%q) = %q, %v; want %q", tt.role, tt.name, got, ok, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 3, 0},
		{"abc", "abc", 3, 0},
		{"abc", "abd", 3, 1},
		{"abc", "acb", 3, 1}, // one transposition
		{"kitten", "sitting", 5, 3},
		{"ca", "abc", 5, 3}, // optimal string alignment, not full Damerau
		{"a", "abcdef", 2, 3},
		{"abcdef", "uvwxyz", 2, 3},
		{"héllo", "hello", 2, 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
		if got := distance(tt.b, tt.a, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.b, tt.a, tt.limit, got, tt.want)
		}
	}
}
