// Package questions is interviewbot's built-in question bank: roles, their
// categories and questions, and the lookups the slash command needs (by slug,
// alias or title, with did-you-mean suggestions).
//
// The bank is data written by hand in plain-text files embedded in the
// binary (bank/*.txt). Builtin parses and validates them when called, never at
// package initialisation, so a broken bank is an error the caller reports
// rather than a panic at start-up.
//
// # Bank file format
//
// A bank file is a sequence of stanzas separated by blank lines, like a Debian
// control file. Each line of a stanza is "key: value"; a value is one line and
// may be long. Lines starting with '#' are comments. Keys that may repeat
// (alias, skill, covers, follow-up) append; any other key may appear once.
//
// The first key of a stanza decides its kind:
//
//	role: senior-backend          a role: title (required), alias, summary,
//	                              responsibilities, skill, key-skills
//	category: technical           a category of the preceding role in the
//	                              same file: title (required), alias, note
//	id: sbe-t01                   a question of the preceding category:
//	                              q (required), difficulty (required, 1-3),
//	                              theme, covers, follow-up
//
// A category's note says once what a strong answer to any of its questions
// needs, such as "one real story, told with STAR" for behavioral questions.
// It is meant to be shown with each question's guidance, so that the covers
// lines can spend themselves on what sets that question's answers apart
// instead of repeating the category's boilerplate.
//
// Ids are written in the files, not derived from position, because feedback,
// rotation history and kits refer to questions by id: they must survive
// rewording and reordering of the bank.
package questions

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed bank/*.txt
var bankFiles embed.FS

// ID identifies a question. Built-in ids are written in the bank files.
type ID string

// Question is one interview question.
type Question struct {
	ID       ID
	Role     string // role slug
	Category string // category slug
	Text     string
	// Theme groups near-duplicate variants ("debug a complex issue" and "...
	// in production under pressure"): rotation and kits never serve two
	// questions of one theme together. Themes are scoped to a role.
	Theme string
	// Difficulty runs from 1 (foundational) to 3 (deep).
	Difficulty int
	// Guidance lists what a strong answer covers (the "covers" lines).
	Guidance  []string
	FollowUps []string
}

// Category is a group of a role's questions, such as "technical".
type Category struct {
	Slug, Title string
	Aliases     []string
	// Note is what a strong answer to every question of the category
	// needs (the "note" key); show it with each question's Guidance. It
	// may be empty.
	Note      string
	Questions []Question // bank order
}

// Role is a job role with its description and question categories.
type Role struct {
	Slug, Title      string
	Aliases          []string
	Summary          string
	Responsibilities string
	Skills           []string
	KeySkills        string
	Categories       []*Category // file order
}

// Bank is a validated set of roles and their questions. It is never modified
// after loading, so one Bank may be shared by concurrent goroutines; callers
// must treat the roles, categories and questions it returns as read-only.
type Bank struct {
	roles     []*Role
	questions []Question       // bank order
	byID      map[ID]int       // index into questions
	byName    map[string]*Role // normalized slug, alias or title
	names     []string         // every role slug, alias and title, for suggestions
}

// Limits on a question, in characters, wherever it comes from: the
// built-in bank, a team's bank file or `/interview add`. Questions are
// posted to Slack and read aloud in interviews; the limits keep any one of
// them from swamping a message. The team_questions CHECK constraint in
// storage/migrations mirrors MaxText; a storage test ties the two.
const (
	// MaxText bounds a question's text and each guidance (covers) and
	// follow-up line.
	MaxText = 500
	// MaxGuidance and MaxFollowUps bound a team question's guidance; the
	// built-in bank's lint keeps it to fewer.
	MaxGuidance  = 8
	MaxFollowUps = 5
)

// Limits on the rest of the bank's content, in characters.
const (
	maxSlug      = 40      // ids, role and category slugs, themes
	maxTitle     = 100     // titles and aliases
	maxLine      = MaxText // question text, each covers, follow-up, skill and note line
	maxParagraph = 2500    // summary, responsibilities, key-skills
)

// maxErrors caps how many problems Load reports, so that loading a file that
// is not a bank at all yields a readable error rather than thousands of lines.
const maxErrors = 20

// Builtin parses and validates the bank embedded in the binary. Each call
// parses afresh: call it once at start-up and share the result.
func Builtin() (*Bank, error) {
	b, err := Load(bankFiles, "bank/*.txt")
	if err != nil {
		return nil, fmt.Errorf("built-in question bank: %w", err)
	}
	return b, nil
}

// Load parses and validates the bank files in fsys that match patterns (as
// in fs.Glob). Bank order is pattern order, then file name order. Errors name
// the file and line of each problem; a pattern that matches no file is an
// error too, since it is almost certainly a typo.
func Load(fsys fs.FS, patterns ...string) (*Bank, error) {
	files, err := match(fsys, patterns)
	if err != nil {
		return nil, err
	}
	l := newLoader()
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read bank file: %w", err)
		}
		l.loadFile(name, data)
	}
	if n := len(l.errs); n > maxErrors {
		l.errs = append(l.errs[:maxErrors], fmt.Errorf("... and %d more problems", n-maxErrors))
	}
	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	return newBank(l.roles), nil
}

func match(fsys fs.FS, patterns []string) ([]string, error) {
	if len(patterns) == 0 {
		return nil, errors.New("no bank file patterns given")
	}
	var files []string
	for _, p := range patterns {
		names, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("bank file pattern %q: %w", p, err)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("no bank files match %q", p)
		}
		for _, n := range names {
			if !slices.Contains(files, n) {
				files = append(files, n)
			}
		}
	}
	return files, nil
}

// newBank indexes roles that have already been validated. It fills in each
// question's Role and Category so that they cannot disagree with the
// structure they sit in.
func newBank(roles []*Role) *Bank {
	b := &Bank{
		roles:  roles,
		byID:   make(map[ID]int),
		byName: make(map[string]*Role),
	}
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
			for i := range c.Questions {
				q := &c.Questions[i]
				q.Role, q.Category = r.Slug, c.Slug
				if _, taken := b.byID[q.ID]; !taken {
					b.byID[q.ID] = len(b.questions)
				}
				b.questions = append(b.questions, *q)
			}
		}
	}
	return b
}

// Roles returns the bank's roles in bank order.
func (b *Bank) Roles() []*Role {
	return slices.Clone(b.roles)
}

// Role finds a role by slug, alias or title. Case, surrounding and repeated
// spaces do not matter, and hyphens, underscores and spaces are equivalent, so
// "senior backend engineer" and "Senior-Backend" both name senior-backend.
func (b *Bank) Role(name string) (*Role, bool) {
	r, ok := b.byName[normalize(name)]
	return r, ok
}

// Question finds a question by id.
func (b *Bank) Question(id ID) (Question, bool) {
	i, ok := b.byID[id]
	if !ok {
		return Question{}, false
	}
	return b.questions[i], true
}

// Questions returns every question in bank order.
func (b *Bank) Questions() []Question {
	return slices.Clone(b.questions)
}

// Category finds one of the role's categories by slug, alias or title, with
// the same normalisation as Bank.Role.
func (r *Role) Category(name string) (*Category, bool) {
	key := normalize(name)
	if key == "" {
		return nil, false
	}
	for _, c := range r.Categories {
		for _, n := range c.names() {
			if normalize(n) == key {
				return c, true
			}
		}
	}
	return nil, false
}

// Count returns the number of questions in all the role's categories.
func (r *Role) Count() int {
	n := 0
	for _, c := range r.Categories {
		n += len(c.Questions)
	}
	return n
}

func (r *Role) names() []string {
	return append([]string{r.Slug, r.Title}, r.Aliases...)
}

func (c *Category) names() []string {
	return append([]string{c.Slug, c.Title}, c.Aliases...)
}

// normalize reduces a name to the form lookups compare: lower case, with
// hyphens and underscores read as spaces and runs of spaces collapsed. Users
// type slugs, titles and half-remembered mixtures of both.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// TextKey is the form in which two question texts count as the same
// question: case and spacing do not matter. Team questions use it too, so
// that a re-typed or re-imported question is recognised.
func TextKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// isSlug reports whether s is lower-case letters and digits in groups joined
// by single hyphens ("sbe-t01"), at most maxSlug long. Slugs appear in slash
// commands, button values and database rows, so they stay plain.
func isSlug(s string) bool {
	if s == "" || len(s) > maxSlug || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// field is one "key: value" line of a stanza.
type field struct {
	key, value string
	line       int
}

// stanza is a run of fields between blank lines; it is never empty.
type stanza []field

// readStanzas splits a bank file into stanzas. It reports every malformed
// line rather than stopping at the first, so one edit-test cycle shows all of
// a file's typos.
func readStanzas(file string, data []byte) ([]stanza, []error) {
	var (
		stanzas []stanza
		cur     stanza
		errs    []error
	)
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		switch {
		case strings.TrimSpace(line) == "":
			if len(cur) > 0 {
				stanzas = append(stanzas, cur)
				cur = nil
			}
			continue
		case line[0] == '#':
			continue
		case !utf8.ValidString(line):
			errs = append(errs, fmt.Errorf("%s:%d: invalid UTF-8", file, n))
			continue
		case line[0] == ' ' || line[0] == '\t':
			errs = append(errs, fmt.Errorf("%s:%d: line starts with a space: values are single lines, and keys start in the first column", file, n))
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		key = strings.TrimSpace(key)
		if !ok || !isKey(key) {
			errs = append(errs, fmt.Errorf("%s:%d: want \"key: value\", got %q", file, n, clip(line, 60)))
			continue
		}
		value = strings.TrimSpace(value)
		if value == "" {
			errs = append(errs, fmt.Errorf("%s:%d: %q has no value", file, n, key))
			continue
		}
		cur = append(cur, field{key: key, value: value, line: n})
	}
	if len(cur) > 0 {
		stanzas = append(stanzas, cur)
	}
	return stanzas, errs
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// clip shortens s to n runes for quoting in an error message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "..."
}

// The keys each kind of stanza takes, quoted in "unknown key" errors.
const (
	roleKeys     = "role, title, alias, summary, responsibilities, skill, key-skills"
	categoryKeys = "category, title, alias, note"
	questionKeys = "id, q, difficulty, theme, covers, follow-up"
)

// loader builds roles from bank files, checking everything that needs a file
// and line to report: a problem found after loading could no longer say where
// to fix it.
type loader struct {
	roles []*Role
	errs  []error

	// Across all files.
	roleNames map[string]roleName // normalized slug, alias or title
	ids       map[ID]string       // "file:line" of the first use
	texts     map[string]string   // normalized question text → "file:line"

	// Within the current file.
	file     string
	role     *Role
	roleLine int
	catNames map[string]*Category // the current role's, normalized
	cat      *Category
	catLine  int
	catSkip  bool // the current category is invalid: drop its questions quietly
}

type roleName struct {
	role *Role
	at   string // "file:line"
}

func newLoader() *loader {
	return &loader{
		roleNames: make(map[string]roleName),
		ids:       make(map[ID]string),
		texts:     make(map[string]string),
	}
}

func (l *loader) errorf(line int, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s:%d: %s", l.file, line, fmt.Sprintf(format, args...)))
}

func (l *loader) at(line int) string {
	return fmt.Sprintf("%s:%d", l.file, line)
}

func (l *loader) loadFile(name string, data []byte) {
	l.file, l.role, l.cat, l.catSkip = name, nil, nil, false
	stanzas, errs := readStanzas(name, data)
	l.errs = append(l.errs, errs...)
	for _, s := range stanzas {
		switch s[0].key {
		case "role":
			l.roleStanza(s)
		case "category":
			l.categoryStanza(s)
		case "id":
			l.questionStanza(s)
		default:
			l.errorf(s[0].line, "stanza starts with %q: the first key must be role, category or id", s[0].key)
		}
	}
	l.closeRole()
	if len(stanzas) == 0 && len(errs) == 0 {
		l.errs = append(l.errs, fmt.Errorf("%s: no roles, categories or questions", name))
	}
}

// closeRole checks the role being read, now that all of it has been seen.
func (l *loader) closeRole() {
	l.closeCategory()
	if l.role != nil && len(l.role.Categories) == 0 {
		l.errorf(l.roleLine, "role %q has no categories", l.role.Slug)
	}
	l.role = nil
}

func (l *loader) closeCategory() {
	if l.cat != nil && len(l.cat.Questions) == 0 {
		l.errorf(l.catLine, "category %q has no questions", l.cat.Slug)
	}
	l.cat, l.catSkip = nil, false
}

// once records the first occurrence of a key that may not repeat, and reports
// whether f is it.
func (l *loader) once(seen map[string]int, f field) bool {
	if first, dup := seen[f.key]; dup {
		l.errorf(f.line, "duplicate key %q (first on line %d); only alias, skill, covers and follow-up may repeat", f.key, first)
		return false
	}
	seen[f.key] = f.line
	return true
}

// limited returns f's value, reporting it if longer than limit characters.
func (l *loader) limited(f field, limit int) string {
	if n := utf8.RuneCountInString(f.value); n > limit {
		l.errorf(f.line, "%s is %d characters long; the limit is %d", f.key, n, limit)
	}
	return f.value
}

func (l *loader) slug(f field) string {
	if !isSlug(f.value) {
		l.errorf(f.line, "%s %q: want lower-case letters and digits joined by single hyphens, at most %d characters", f.key, clip(f.value, 60), maxSlug)
	}
	return f.value
}

// name checks a value users will type to find something: after
// normalisation it must still say something.
func (l *loader) name(f field) string {
	v := l.limited(f, maxTitle)
	if normalize(v) == "" {
		l.errorf(f.line, "%s %q has no letters or digits", f.key, v)
	}
	return v
}

func (l *loader) unknownKey(f field, kind, keys string) {
	l.errorf(f.line, "unknown key %q (a %s stanza takes %s)", f.key, kind, keys)
}

func (l *loader) roleStanza(s stanza) {
	l.closeRole()
	r := &Role{}
	seen := make(map[string]int)
	var names []field
	for _, f := range s {
		switch f.key {
		case "role":
			if l.once(seen, f) {
				r.Slug = l.slug(f)
				names = append(names, f)
			}
		case "title":
			if l.once(seen, f) {
				r.Title = l.name(f)
				names = append(names, f)
			}
		case "alias":
			r.Aliases = append(r.Aliases, l.name(f))
			names = append(names, f)
		case "summary":
			if l.once(seen, f) {
				r.Summary = l.limited(f, maxParagraph)
			}
		case "responsibilities":
			if l.once(seen, f) {
				r.Responsibilities = l.limited(f, maxParagraph)
			}
		case "skill":
			r.Skills = append(r.Skills, l.limited(f, maxLine))
		case "key-skills":
			if l.once(seen, f) {
				r.KeySkills = l.limited(f, maxParagraph)
			}
		default:
			l.unknownKey(f, "role", roleKeys)
		}
	}
	if _, ok := seen["title"]; !ok {
		l.errorf(s[0].line, "role %q has no title", r.Slug)
	}
	// A name may repeat within its own role ("senior-backend-engineer" and
	// "Senior Backend Engineer" normalise alike); it must not name two roles.
	for _, f := range names {
		k := normalize(f.value)
		if k == "" {
			continue
		}
		prev, taken := l.roleNames[k]
		switch {
		case !taken:
			l.roleNames[k] = roleName{role: r, at: l.at(f.line)}
		case prev.role != r:
			l.errorf(f.line, "%s %q also names role %q (%s)", f.key, f.value, prev.role.Slug, prev.at)
		}
	}
	l.roles = append(l.roles, r)
	l.role, l.roleLine = r, s[0].line
	l.catNames = make(map[string]*Category)
}

func (l *loader) categoryStanza(s stanza) {
	l.closeCategory()
	c := &Category{}
	seen := make(map[string]int)
	var names []field
	for _, f := range s {
		switch f.key {
		case "category":
			if l.once(seen, f) {
				c.Slug = l.slug(f)
				names = append(names, f)
			}
		case "title":
			if l.once(seen, f) {
				c.Title = l.name(f)
				names = append(names, f)
			}
		case "alias":
			c.Aliases = append(c.Aliases, l.name(f))
			names = append(names, f)
		case "note":
			if l.once(seen, f) {
				c.Note = l.limited(f, maxLine)
			}
		default:
			l.unknownKey(f, "category", categoryKeys)
		}
	}
	if _, ok := seen["title"]; !ok {
		l.errorf(s[0].line, "category %q has no title", c.Slug)
	}
	if l.role == nil {
		l.errorf(s[0].line, "category %q comes before any role in this file", c.Slug)
		l.catSkip = true
		return
	}
	for _, f := range names {
		k := normalize(f.value)
		if k == "" {
			continue
		}
		if prev, taken := l.catNames[k]; taken && prev != c {
			l.errorf(f.line, "%s %q also names category %q of role %q", f.key, f.value, prev.Slug, l.role.Slug)
			continue
		}
		l.catNames[k] = c
	}
	l.role.Categories = append(l.role.Categories, c)
	l.cat, l.catLine = c, s[0].line
}

func (l *loader) questionStanza(s stanza) {
	var q Question
	seen := make(map[string]int)
	for _, f := range s {
		switch f.key {
		case "id":
			if l.once(seen, f) {
				q.ID = ID(l.slug(f))
			}
		case "q":
			if l.once(seen, f) {
				q.Text = l.limited(f, maxLine)
			}
		case "theme":
			if l.once(seen, f) {
				q.Theme = l.slug(f)
			}
		case "difficulty":
			if l.once(seen, f) {
				q.Difficulty = l.difficulty(f)
			}
		case "covers":
			q.Guidance = append(q.Guidance, l.limited(f, maxLine))
		case "follow-up":
			q.FollowUps = append(q.FollowUps, l.limited(f, maxLine))
		default:
			l.unknownKey(f, "question", questionKeys)
		}
	}
	line := s[0].line
	if _, ok := seen["q"]; !ok {
		l.errorf(line, "question %q has no text (key \"q\")", q.ID)
	}
	if _, ok := seen["difficulty"]; !ok {
		l.errorf(line, "question %q has no difficulty", q.ID)
	}
	if prev, dup := l.ids[q.ID]; dup {
		l.errorf(line, "duplicate id %q (first at %s)", q.ID, prev)
	} else {
		l.ids[q.ID] = l.at(line)
	}
	if q.Text != "" {
		k := TextKey(q.Text)
		if prev, dup := l.texts[k]; dup {
			l.errorf(seen["q"], "question %q repeats the text of the question at %s", q.ID, prev)
		} else {
			l.texts[k] = l.at(seen["q"])
		}
	}
	switch {
	case l.catSkip:
	case l.cat == nil:
		l.errorf(line, "question %q comes before any category of its role", q.ID)
	default:
		l.cat.Questions = append(l.cat.Questions, q)
	}
}

func (l *loader) difficulty(f field) int {
	d, err := strconv.Atoi(f.value)
	if err != nil || d < 1 || d > 3 {
		l.errorf(f.line, "difficulty %q: want 1, 2 or 3", clip(f.value, 20))
		return 0
	}
	return d
}
