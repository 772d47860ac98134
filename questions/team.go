package questions

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// TeamRole is a role a team defines for itself, next to the built-in ones.
type TeamRole struct {
	Slug    string
	Title   string
	Aliases []string
	Summary string
	Skills  []string
}

// TeamCategory is a category a team adds to one of its own roles or to a
// built-in one. Its questions are the team's questions that name it.
type TeamCategory struct {
	Role    string // the role's slug
	Slug    string
	Title   string
	Aliases []string
}

// Extension is what one team changes in the built-in bank.
type Extension struct {
	Roles      []TeamRole
	Categories []TeamCategory
	// Hidden are built-in questions the team retired: gone from its
	// categories, still found by id, so that history and feedback keep
	// their text.
	Hidden []ID
}

// IsZero reports whether ext changes nothing.
func (ext Extension) IsZero() bool {
	return len(ext.Roles) == 0 && len(ext.Categories) == 0 && len(ext.Hidden) == 0
}

// Limits on what a team may define: one role card, one `roles` answer and
// one row of category buttons must still fit in a Slack message.
const (
	MaxTeamRoles      = 20
	MaxTeamCategories = 10 // per role, the role's own ones included
	MaxTeamSkills     = 20
)

// reservedFirstWords start a subcommand, or follow `kit` or `daily` as
// one: a role named after one could never be typed, because the command
// would be read as that subcommand.
var reservedFirstWords = []string{
	"help", "roles", "practice", "practise", "kit", "daily", "feedback",
	"add", "remove", "hide", "unhide", "me", "forget",
	"list", "show", "close", "delete", "status", "off", "pause", "resume", "skip", "now",
}

// reservedCategoryWords are read as options after a role (a difficulty, a
// time, a zone, days, a panel, a date, a candidate): a category named after
// one would be ambiguous in practice, daily and kit commands.
var reservedCategoryWords = []string{
	"easy", "medium", "hard", "at", "tz", "with", "on", "for", "until",
	"weekdays", "everyday", "every", "daily", "all",
	"mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday",
	"thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",
}

// MaxNameWords is the most words a name may have: the command reads at
// most this many words as one name (handlers' maxNameWords).
const MaxNameWords = 6

// ExtendProblem is a team role or category that Extend left out, and why.
type ExtendProblem struct {
	Kind  string // "role" or "category"
	Index int    // in Extension.Roles or Extension.Categories
	Slug  string
	Msg   string
}

func (p ExtendProblem) Error() string {
	return fmt.Sprintf("team %s %q: %s", p.Kind, p.Slug, p.Msg)
}

// Extend returns the bank as one team sees it: b's roles without the
// hidden questions, each followed by the team's categories for it, then
// the team's own roles. Hidden questions are still found by id (Question),
// so that kits, histories and feedback that refer to one keep its text. b
// is not changed, and whatever the team does not touch is shared with it.
//
// A team role or category that is malformed, or whose name is taken (by a
// built-in role or category, an earlier team one, or a word the command
// reads otherwise), is left out and reported; the rest still applies. An
// import refuses a file with any problem; at run time a definition that a
// newer built-in name shadows drops out rather than hide the built-in.
func (b *Bank) Extend(ext Extension) (*Bank, []ExtendProblem) {
	if ext.IsZero() {
		return b, nil
	}
	var problems []ExtendProblem
	hidden := make(map[ID]bool, len(ext.Hidden))
	for _, id := range ext.Hidden {
		hidden[id] = true
	}
	roles := make([]*Role, 0, len(b.roles)+len(ext.Roles))
	bySlug := map[string]*Role{}
	owned := map[*Role]bool{}    // roles this view may change: copies and the team's own
	taken := map[string]string{} // normalized role name → who has it, for errors
	for _, r := range b.roles {
		if cp, ok := withoutHidden(r, hidden); ok {
			r = cp
			owned[r] = true
		}
		roles = append(roles, r)
		bySlug[r.Slug] = r
		for _, n := range r.names() {
			taken[normalize(n)] = fmt.Sprintf("the built-in role %q", r.Slug)
		}
	}

	for i, tr := range ext.Roles {
		bad := func(format string, args ...any) {
			problems = append(problems, ExtendProblem{Kind: "role", Index: i, Slug: tr.Slug, Msg: fmt.Sprintf(format, args...)})
		}
		if msg := checkTeamRole(tr); msg != "" {
			bad("%s", msg)
			continue
		}
		if len(roles)-len(b.roles) >= MaxTeamRoles {
			bad("a team can define at most %d roles", MaxTeamRoles)
			continue
		}
		if msg := nameClash(append([]string{tr.Slug, tr.Title}, tr.Aliases...), taken, reservedFirstWords); msg != "" {
			bad("%s", msg)
			continue
		}
		r := &Role{Slug: tr.Slug, Title: tr.Title, Aliases: slices.Clone(tr.Aliases), Summary: tr.Summary, Skills: slices.Clone(tr.Skills)}
		for _, n := range r.names() {
			taken[normalize(n)] = fmt.Sprintf("the team role %q", r.Slug)
		}
		roles = append(roles, r)
		bySlug[r.Slug] = r
		owned[r] = true
	}

	for i, tc := range ext.Categories {
		bad := func(format string, args ...any) {
			problems = append(problems, ExtendProblem{Kind: "category", Index: i, Slug: tc.Slug, Msg: fmt.Sprintf(format, args...)})
		}
		r, ok := bySlug[tc.Role]
		if !ok {
			bad("its role %q is neither built in nor one of the team's", tc.Role)
			continue
		}
		if msg := checkTeamNames(tc.Slug, tc.Title, tc.Aliases); msg != "" {
			bad("%s", msg)
			continue
		}
		if len(r.Categories) >= MaxTeamCategories {
			bad("%s already has %d categories, the most a role can have", r.Title, len(r.Categories))
			continue
		}
		names := map[string]string{}
		for _, c := range r.Categories {
			for _, n := range c.names() {
				names[normalize(n)] = fmt.Sprintf("%s's category %q", r.Title, c.Slug)
			}
		}
		if msg := nameClash(append([]string{tc.Slug, tc.Title}, tc.Aliases...), names, reservedCategoryWords); msg != "" {
			bad("%s", msg)
			continue
		}
		if !owned[r] {
			cp := *r
			cp.Categories = slices.Clone(r.Categories)
			roles[slices.Index(roles, r)] = &cp
			r = &cp
			bySlug[r.Slug] = r
			owned[r] = true
		}
		r.Categories = append(r.Categories, &Category{Slug: tc.Slug, Title: tc.Title, Aliases: slices.Clone(tc.Aliases)})
	}
	return index(roles, b.questions), problems
}

// index builds a bank over roles whose questions already carry their role
// and category (newBank sets them, which would write to the categories a
// view shares with the built-in bank). extra are questions found by id
// that need not be in any category: the hidden ones.
func index(roles []*Role, extra []Question) *Bank {
	b := &Bank{roles: roles, byID: map[ID]int{}, byName: map[string]*Role{}}
	for _, r := range roles {
		for _, n := range r.names() {
			b.names = append(b.names, n)
			if k := normalize(n); k != "" {
				if _, taken := b.byName[k]; !taken {
					b.byName[k] = r
				}
			}
		}
		for _, c := range r.Categories {
			for _, q := range c.Questions {
				if _, taken := b.byID[q.ID]; !taken {
					b.byID[q.ID] = len(b.questions)
					b.questions = append(b.questions, q)
				}
			}
		}
	}
	for _, q := range extra {
		if _, taken := b.byID[q.ID]; !taken {
			b.byID[q.ID] = len(b.questions)
			b.questions = append(b.questions, q)
		}
	}
	return b
}

// withoutHidden returns a copy of r without the hidden questions, and
// whether r had any.
func withoutHidden(r *Role, hidden map[ID]bool) (*Role, bool) {
	if len(hidden) == 0 {
		return r, false
	}
	isHidden := func(q Question) bool { return hidden[q.ID] }
	var cp *Role
	for i, c := range r.Categories {
		if !slices.ContainsFunc(c.Questions, isHidden) {
			continue
		}
		if cp == nil {
			v := *r
			v.Categories = slices.Clone(r.Categories)
			cp = &v
		}
		cc := *c
		cc.Questions = slices.DeleteFunc(slices.Clone(c.Questions), isHidden)
		cp.Categories[i] = &cc
	}
	return cp, cp != nil
}

func checkTeamRole(r TeamRole) string {
	if msg := checkTeamNames(r.Slug, r.Title, r.Aliases); msg != "" {
		return msg
	}
	if r.Summary != "" {
		if msg := checkValue("the summary", r.Summary, maxParagraph); msg != "" {
			return msg
		}
	}
	if len(r.Skills) > MaxTeamSkills {
		return fmt.Sprintf("%d skills; the limit is %d", len(r.Skills), MaxTeamSkills)
	}
	for _, s := range r.Skills {
		if msg := checkValue("a skill", s, maxLine); msg != "" {
			return msg
		}
	}
	return ""
}

func checkTeamNames(slug, title string, aliases []string) string {
	if !isSlug(slug) {
		return fmt.Sprintf("the slug %q must be lower-case letters and digits joined by single hyphens, at most %d characters", clip(slug, 60), maxSlug)
	}
	if strings.Trim(slug, "0123456789-") == "" {
		return fmt.Sprintf("the slug %q must contain a letter: a number is read as a count", slug)
	}
	if msg := checkValue("the title", title, maxTitle); msg != "" {
		return msg
	}
	for _, a := range aliases {
		if msg := checkValue("an alias", a, maxTitle); msg != "" {
			return msg
		}
	}
	for _, n := range append([]string{title}, aliases...) {
		if w := len(strings.Fields(normalize(n))); w > MaxNameWords {
			return fmt.Sprintf("the name %q has %d words; a name can have at most %d", clip(n, 60), w, MaxNameWords)
		}
	}
	return ""
}

// checkValue reports what is wrong with a value that must say something,
// or "".
func checkValue(what, s string, limit int) string {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		return what + " is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return what + " contains a NUL character"
	case normalize(s) == "":
		return what + " is empty"
	case n > limit:
		return fmt.Sprintf("%s has %d characters; the limit is %d", what, n, limit)
	}
	return ""
}

// nameClash checks a new role's or category's names against those taken
// and the reserved words. The names of one definition may repeat among
// themselves ("data-engineer" and "Data Engineer").
func nameClash(names []string, taken map[string]string, reserved []string) string {
	for _, n := range names {
		key := normalize(n)
		if owner, ok := taken[key]; ok {
			return fmt.Sprintf("the name %q already names %s", n, owner)
		}
		first, _, _ := strings.Cut(key, " ")
		if slices.Contains(reserved, first) {
			return fmt.Sprintf("the name %q starts with %q, which the command reads as something else; pick another name", n, first)
		}
	}
	return ""
}
