package questions

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func builtin(t testing.TB) *Bank {
	t.Helper()
	b, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin() error:\n%v", err)
	}
	return b
}

// The counts are those of the seed page (see the product's question-bank.md),
// plus senior-backend's system-design and leadership categories, which are
// ours: a bank edit that drops or splits a question must fail here.
func TestBuiltinCounts(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		role, category string
		want           int
	}{
		{"senior-backend", "technical", 25},
		{"senior-backend", "behavioral", 25},
		{"senior-backend", "problem-solving", 1},
		{"senior-backend", "system-design", 22},
		{"senior-backend", "leadership", 17},
		{"business-analyst", "fundamentals", 10},
		{"business-analyst", "requirements", 21},
		{"business-analyst", "process-modeling", 12},
		{"business-analyst", "uml", 2},
	}
	for _, tt := range tests {
		r, ok := b.Role(tt.role)
		if !ok {
			t.Errorf("Role(%q) not found", tt.role)
			continue
		}
		c, ok := r.Category(tt.category)
		if !ok {
			t.Errorf("%s: Category(%q) not found", tt.role, tt.category)
			continue
		}
		if got := len(c.Questions); got != tt.want {
			t.Errorf("%s/%s has %d questions, want %d", tt.role, tt.category, got, tt.want)
		}
	}

	var slugs []string
	for _, r := range b.Roles() {
		slugs = append(slugs, r.Slug)
	}
	if want := []string{"business-analyst", "senior-backend"}; !slices.Equal(slugs, want) {
		t.Errorf("roles = %q, want %q", slugs, want)
	}
	for slug, want := range map[string]int{"senior-backend": 90, "business-analyst": 45} {
		if r, _ := b.Role(slug); r.Count() != want {
			t.Errorf("%s: Count() = %d, want %d", slug, r.Count(), want)
		}
	}
	if got := len(b.Questions()); got != 135 {
		t.Errorf("len(Questions()) = %d, want 135", got)
	}
}

func TestBuiltinTexts(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		id   ID
		want string
	}{
		{"sbe-t01", "How have you designed and implemented RESTful web services?"},
		{"sbe-t06", "How do you handle transactions in a distributed system?"},
		{"sbe-t13", "What are some of the challenges you face when working with distributed teams?"},
		{"sbe-t25", "What are some of the challenges you face when working with real-time data?"},
		{"sbe-b01", "Tell me about a time when you had to debug a complex issue. How did you go about it?"},
		{"sbe-b06", "Tell me about a time when you had to dig into code that you weren't familiar with. How did you manage?"},
		{"sbe-b17", "Tell me about a time when you had to work with a difficult codebase in production under pressure. How did you manage?"},
		{"sbe-b20", "Tell me about a time when everything was going wrong and how you coped with it."},
		{"sbe-b21", "What do you do when things get overwhelming or stressful?"},
		{"sbe-b25", "What do you do when things get tough?"},
		{"sbe-p01", "What would you do if confronted with a difficult problem?"},
		{"ba-f01", "What is a business analyst?"},
		{"ba-f10", "How can business analysts add value to an organization?"},
		{"ba-r01", "What is requirements gathering?"},
		{"ba-r21", "How can analysts avoid the pitfalls of poor requirements management?"},
		{"ba-p01", "What is process modeling?"},
		{"ba-p12", "How can analysts avoid the pitfalls of poor process modeling?"},
		{"ba-u01", "What is UML (Unified Modeling Language)?"},
		{"ba-u02", "What are the different types of UML diagrams?"},
	}
	for _, tt := range tests {
		q, ok := b.Question(tt.id)
		if !ok {
			t.Errorf("Question(%q) not found", tt.id)
			continue
		}
		if q.Text != tt.want {
			t.Errorf("Question(%q).Text = %q, want %q", tt.id, q.Text, tt.want)
		}
	}
}

// Ids follow category order (sbe-t01, sbe-t02, ...), so that an id says where
// its question came from on the seed page. The test also pins each
// question's Role and Category to the structure it sits in.
func TestBuiltinIDsFollowOrder(t *testing.T) {
	b := builtin(t)
	prefixes := map[string]string{
		"senior-backend/technical":          "sbe-t",
		"senior-backend/behavioral":         "sbe-b",
		"senior-backend/problem-solving":    "sbe-p",
		"senior-backend/system-design":      "sbe-s",
		"senior-backend/leadership":         "sbe-l",
		"business-analyst/fundamentals":     "ba-f",
		"business-analyst/requirements":     "ba-r",
		"business-analyst/process-modeling": "ba-p",
		"business-analyst/uml":              "ba-u",
	}
	for _, r := range b.Roles() {
		for _, c := range r.Categories {
			prefix, ok := prefixes[r.Slug+"/"+c.Slug]
			if !ok {
				t.Errorf("unexpected category %s/%s", r.Slug, c.Slug)
				continue
			}
			for i, q := range c.Questions {
				if want := ID(fmt.Sprintf("%s%02d", prefix, i+1)); q.ID != want {
					t.Errorf("%s/%s question %d has id %q, want %q", r.Slug, c.Slug, i+1, q.ID, want)
				}
				if q.Role != r.Slug || q.Category != c.Slug {
					t.Errorf("%s: Role, Category = %q, %q, want %q, %q", q.ID, q.Role, q.Category, r.Slug, c.Slug)
				}
			}
		}
	}
}

func TestBuiltinIDsUnique(t *testing.T) {
	b := builtin(t)
	seen := make(map[ID]bool)
	for _, q := range b.Questions() {
		if seen[q.ID] {
			t.Errorf("duplicate id %q", q.ID)
		}
		seen[q.ID] = true
		got, ok := b.Question(q.ID)
		if !ok || got.Text != q.Text {
			t.Errorf("Question(%q) = %q, %v; want %q, true", q.ID, got.Text, ok, q.Text)
		}
	}
	if _, ok := b.Question("sbe-t26"); ok {
		t.Error(`Question("sbe-t26") found, want not found`)
	}
}

func TestBuiltinRoleContent(t *testing.T) {
	b := builtin(t)
	sbe, _ := b.Role("senior-backend")
	if sbe.Title != "Senior Backend Engineer" {
		t.Errorf("senior-backend title = %q", sbe.Title)
	}
	wantSkills := []string{
		"Bachelor's degree in computer science or related field",
		"5+ years of experience in backend software development",
		"Expertise in one or more programming languages (e.g., Java, Python, Go)",
		"Experience with relational and NoSQL databases (e.g., MySQL, MongoDB)",
		"Experience with cloud computing platforms (e.g., Amazon Web Services, Google Cloud Platform)",
		"Strong analytical and problem-solving skills",
		"Excellent communication and interpersonal skills",
	}
	if !slices.Equal(sbe.Skills, wantSkills) {
		t.Errorf("senior-backend skills =\n%q\nwant\n%q", sbe.Skills, wantSkills)
	}
	for name, text := range map[string]string{"summary": sbe.Summary, "responsibilities": sbe.Responsibilities, "key skills": sbe.KeySkills} {
		if !strings.HasPrefix(text, "A ") {
			t.Errorf("senior-backend %s = %q, want the page's paragraph", name, text)
		}
	}
	// The page runs sentences together ("requirements.Common duties"); the
	// bank restores the space.
	if !strings.Contains(sbe.Responsibilities, "requirements. Common duties") {
		t.Errorf("senior-backend responsibilities = %q", sbe.Responsibilities)
	}

	ba, _ := b.Role("business-analyst")
	if ba.Title != "Business Analyst" {
		t.Errorf("business-analyst title = %q", ba.Title)
	}
	// The page says nothing about the role itself; the bank must not invent it.
	if len(ba.Skills) != 0 || ba.Responsibilities != "" || ba.KeySkills != "" {
		t.Errorf("business-analyst has skills %q, responsibilities %q, key skills %q; the seed supports none", ba.Skills, ba.Responsibilities, ba.KeySkills)
	}
	if ba.Summary == "" {
		t.Error("business-analyst has no summary")
	}
}

func TestBuiltinQuestionsComplete(t *testing.T) {
	b := builtin(t)
	for _, q := range b.Questions() {
		if len(q.Guidance) < 3 || len(q.Guidance) > 5 {
			t.Errorf("%s has %d covers lines, want 3 to 5", q.ID, len(q.Guidance))
		}
		if len(q.FollowUps) != 2 {
			t.Errorf("%s has %d follow-ups, want 2", q.ID, len(q.FollowUps))
		}
		if q.Theme == "" {
			t.Errorf("%s has no theme", q.ID)
		}
		if q.Difficulty < 1 || q.Difficulty > 3 {
			t.Errorf("%s has difficulty %d", q.ID, q.Difficulty)
		}
		if n := utf8.RuneCountInString(q.Text); n == 0 || n > maxLine {
			t.Errorf("%s text has %d characters", q.ID, n)
		}
		for _, s := range slices.Concat(q.Guidance, q.FollowUps) {
			if n := utf8.RuneCountInString(s); n == 0 || n > maxLine {
				t.Errorf("%s has a %d-character line: %q", q.ID, n, s)
			}
		}
	}
	for _, r := range b.Roles() {
		for name, n := range map[string]int{"summary": len(r.Summary), "responsibilities": len(r.Responsibilities), "key skills": len(r.KeySkills)} {
			if n > maxParagraph {
				t.Errorf("%s %s is %d bytes long", r.Slug, name, n)
			}
		}
		if utf8.RuneCountInString(r.Title) > maxTitle {
			t.Errorf("%s title too long", r.Slug)
		}
	}
}

// Themes group questions by the story or material a strong answer draws on
// (see the bank files' comments): near-duplicate variants on the seed page
// share one, so that a kit or rotation never serves two of them together.
func TestBuiltinThemes(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		theme string
		ids   []ID
	}{
		{"production-issue", []ID{"sbe-b01", "sbe-b04", "sbe-b05", "sbe-b07", "sbe-b09", "sbe-b10", "sbe-b11", "sbe-b13", "sbe-b14", "sbe-b15", "sbe-b16", "sbe-b17"}},
		{"difficult-codebase", []ID{"sbe-b02", "sbe-b06", "sbe-b12"}},
		{"difficult-problem", []ID{"sbe-b03", "sbe-b08", "sbe-b23", "sbe-p01"}},
		{"deadline", []ID{"sbe-b18"}},
		{"stress", []ID{"sbe-b19", "sbe-b20", "sbe-b21", "sbe-b22"}},
		{"disagreement", []ID{"sbe-b24", "sbe-l04"}},
		{"setback", []ID{"sbe-b25"}},
		{"api-design", []ID{"sbe-t01", "sbe-t10"}},
		{"cross-service-consistency", []ID{"sbe-t06", "sbe-t22"}},
		{"replication-consistency", []ID{"sbe-t16", "sbe-t21", "sbe-s10"}},
		{"streaming", []ID{"sbe-t23", "sbe-t25"}},
		{"use-cases", []ID{"ba-r07", "ba-r10", "ba-r11", "ba-r12"}},
		{"process-modeling", []ID{"ba-p01", "ba-p08", "ba-p09"}},
	}
	members := make(map[string][]ID)
	for _, q := range b.Questions() {
		members[q.Theme] = append(members[q.Theme], q.ID)
	}
	for _, tt := range tests {
		if got := members[tt.theme]; !slices.Equal(got, tt.ids) {
			t.Errorf("theme %q has %q, want %q", tt.theme, got, tt.ids)
		}
	}
}

// A candidate answers every production-incident variant of the seed's
// behavioral list with the same incident. Kits never hold two questions of
// one theme, and daily rotation keeps a theme off consecutive days, so one
// shared theme is what keeps an interviewer from asking for that story twice.
// (sbe-b12, "a difficult codebase in production", asks for sustained work on
// a fragile system, not an incident, and sits with the codebase questions.)
func TestBuiltinProductionIncidentsShareTheme(t *testing.T) {
	b := builtin(t)
	incidents := []ID{
		"sbe-b07", // debug a production issue
		"sbe-b09", // troubleshoot an issue in production
		"sbe-b10", // investigate an issue in production
		"sbe-b11", // debug a complex issue in production
		"sbe-b13", // solve a difficult problem in production under pressure
		"sbe-b14", // troubleshoot an issue in production under pressure
		"sbe-b15", // investigate an issue in production under pressure
		"sbe-b16", // debug a complex issue in production under pressure
		"sbe-b17", // work with a difficult codebase in production under pressure
	}
	first, ok := b.Question(incidents[0])
	if !ok || first.Theme == "" {
		t.Fatalf("Question(%q) = %+v, %v; want a question with a theme", incidents[0], first, ok)
	}
	for _, id := range incidents[1:] {
		q, ok := b.Question(id)
		if !ok {
			t.Errorf("Question(%q) not found", id)
			continue
		}
		if !strings.Contains(q.Text, "production") {
			t.Errorf("%s = %q, which is not a production variant", id, q.Text)
		}
		if q.Theme != first.Theme {
			t.Errorf("%s has theme %q, want %q like %s: a kit could ask for the same incident twice", id, q.Theme, first.Theme, first.ID)
		}
	}
}

// Daily rotation serves every question of a pool once a round and keeps two
// questions of one theme off consecutive days; it can do so, across round
// boundaries too, only while no theme holds more than half of the pool. A kit
// of 5 needs 5 themes, and a week of daily behavioral questions 7.
func TestBuiltinThemeBalance(t *testing.T) {
	b := builtin(t)
	minThemes := map[string]int{"senior-backend/technical": 5, "senior-backend/behavioral": 7}
	check := func(name string, qs []Question) {
		count := make(map[string]int)
		for _, q := range qs {
			count[q.Theme]++
		}
		for theme, n := range count {
			if n > len(qs)/2 {
				t.Errorf("%s: theme %q holds %d of %d questions; at most %d keeps it off consecutive days", name, theme, n, len(qs), len(qs)/2)
			}
		}
		if want := minThemes[name]; len(count) < want {
			t.Errorf("%s has %d themes, want at least %d", name, len(count), want)
		}
	}
	for _, r := range b.Roles() {
		var all []Question
		for _, c := range r.Categories {
			if len(c.Questions) > 1 {
				check(r.Slug+"/"+c.Slug, c.Questions)
			}
			all = append(all, c.Questions...)
		}
		check(r.Slug, all)
	}
}

func TestRole(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		name string
		want string // "" for not found
	}{
		{"senior-backend", "senior-backend"},
		{"backend", "senior-backend"},
		{"sbe", "senior-backend"},
		{"SBE", "senior-backend"},
		{"Senior Backend Engineer", "senior-backend"},
		{"senior backend engineer", "senior-backend"},
		{"  senior    backend\tengineer ", "senior-backend"},
		{"Senior-Backend", "senior-backend"},
		{"senior backend", "senior-backend"},
		{"senior_backend", "senior-backend"},
		{"senior-backend-engineer", "senior-backend"},
		{"business-analyst", "business-analyst"},
		{"Business Analyst", "business-analyst"},
		{"BA", "business-analyst"},
		{"analyst", "business-analyst"},
		{"", ""},
		{"   ", ""},
		{"-", ""},
		{"sbee", ""},
		{"senior", ""},
		{"frontend", ""},
		{"technical", ""},
	}
	for _, tt := range tests {
		r, ok := b.Role(tt.name)
		switch {
		case tt.want == "" && ok:
			t.Errorf("Role(%q) = %q, want not found", tt.name, r.Slug)
		case tt.want != "" && !ok:
			t.Errorf("Role(%q) not found, want %q", tt.name, tt.want)
		case ok && r.Slug != tt.want:
			t.Errorf("Role(%q) = %q, want %q", tt.name, r.Slug, tt.want)
		}
	}
}

func TestCategory(t *testing.T) {
	b := builtin(t)
	tests := []struct {
		role, name string
		want       string // "" for not found
	}{
		{"sbe", "technical", "technical"},
		{"sbe", "tech", "technical"},
		{"sbe", "TECH", "technical"},
		{"sbe", "Technical", "technical"},
		{"sbe", "behavioral", "behavioral"},
		{"sbe", "behavioural", "behavioral"},
		{"sbe", "behavior", "behavioral"},
		{"sbe", "Behaviour", "behavioral"},
		{"sbe", "problem-solving", "problem-solving"},
		{"sbe", "problem solving", "problem-solving"},
		{"sbe", "sample", "problem-solving"},
		{"ba", "fundamentals", "fundamentals"},
		{"ba", "requirements", "requirements"},
		{"ba", "process-modeling", "process-modeling"},
		{"ba", "process modelling", "process-modeling"},
		{"ba", "process", "process-modeling"},
		{"ba", "UML", "uml"},
		{"sbe", "uml", ""},
		{"ba", "technical", ""},
		{"sbe", "", ""},
		{"sbe", "techincal", ""},
	}
	for _, tt := range tests {
		r, ok := b.Role(tt.role)
		if !ok {
			t.Fatalf("Role(%q) not found", tt.role)
		}
		c, ok := r.Category(tt.name)
		switch {
		case tt.want == "" && ok:
			t.Errorf("%s: Category(%q) = %q, want not found", tt.role, tt.name, c.Slug)
		case tt.want != "" && !ok:
			t.Errorf("%s: Category(%q) not found, want %q", tt.role, tt.name, tt.want)
		case ok && c.Slug != tt.want:
			t.Errorf("%s: Category(%q) = %q, want %q", tt.role, tt.name, c.Slug, tt.want)
		}
	}
}

// The bank hands out copies of its slices: a caller that sorts or appends
// to what it got must not change what the next caller sees.
func TestAccessorsReturnCopies(t *testing.T) {
	b := builtin(t)
	qs := b.Questions()
	qs[0] = Question{ID: "changed"}
	if b.Questions()[0].ID == "changed" {
		t.Error("Questions() returned the bank's own slice")
	}
	rs := b.Roles()
	rs[0] = nil
	if b.Roles()[0] == nil {
		t.Error("Roles() returned the bank's own slice")
	}
}

func TestLoadErrors(t *testing.T) {
	fsys := os.DirFS("testdata")
	tests := []struct {
		file string
		want []string // each must appear in the error, in this order
	}{
		{"broken/unknown-key.txt", []string{
			`broken/unknown-key.txt:9: unknown key "qestion"`,
			`broken/unknown-key.txt:8: question "r-1" has no text`,
		}},
		{"broken/duplicate-id.txt", []string{
			`broken/duplicate-id.txt:11: duplicate id "r-1" (first at broken/duplicate-id.txt:7)`,
		}},
		{"broken/bad-difficulty.txt", []string{
			`broken/bad-difficulty.txt:9: difficulty "4": want 1, 2 or 3`,
			`broken/bad-difficulty.txt:13: difficulty "hard": want 1, 2 or 3`,
		}},
		{"broken/alias-clash.txt", []string{
			`broken/alias-clash.txt:15: alias "OPS" also names role "one" (broken/alias-clash.txt:4)`,
		}},
		{"broken/title-clash.txt", []string{
			`broken/title-clash.txt:13: title "Site-Reliability" also names role "site-reliability" (broken/title-clash.txt:2)`,
		}},
		{"broken/category-alias-clash.txt", []string{
			`broken/category-alias-clash.txt:14: alias "tech" also names category "technical" of role "r"`,
		}},
		{"broken/missing-text.txt", []string{
			`broken/missing-text.txt:7: question "r-1" has no text (key "q")`,
		}},
		{"broken/missing-title.txt", []string{
			`broken/missing-title.txt:1: role "r" has no title`,
		}},
		{"broken/duplicate-key.txt", []string{
			`broken/duplicate-key.txt:9: duplicate key "q" (first on line 8)`,
		}},
		{"broken/bad-id.txt", []string{
			`broken/bad-id.txt:7: id "R_1": want lower-case letters and digits`,
			`broken/bad-id.txt:11: id "this-id-is-far-too-long-to-be-a-good-id-for-anyone": want`,
		}},
		{"broken/duplicate-text.txt", []string{
			`broken/duplicate-text.txt:12: question "r-2" repeats the text of the question at broken/duplicate-text.txt:8`,
		}},
		{"broken/orphans.txt", []string{
			`broken/orphans.txt:2: category "c" comes before any role in this file`,
			`broken/orphans.txt:12: question "r-2" comes before any category of its role`,
			`broken/orphans.txt:9: role "r" has no categories`,
		}},
		{"broken/empty.txt", []string{
			`broken/empty.txt:2: role "r" has no categories`,
			`broken/empty.txt:8: category "c" has no questions`,
		}},
		{"broken/malformed-lines.txt", []string{
			`broken/malformed-lines.txt:3: line starts with a space`,
			`broken/malformed-lines.txt:4: want "key: value", got "this line has no colon"`,
			`broken/malformed-lines.txt:5: "summary" has no value`,
		}},
		{"broken/bad-first-key.txt", []string{
			`broken/bad-first-key.txt:1: stanza starts with "title": the first key must be role, category or id`,
		}},
		{"broken/comments-only.txt", []string{
			`broken/comments-only.txt: no roles, categories or questions`,
		}},
		{"broken/too-long.txt", []string{
			`broken/too-long.txt:8: q is 527 characters long; the limit is 500`,
			`broken/too-long.txt:10: covers is 501 characters long; the limit is 500`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := Load(fsys, tt.file)
			if err == nil {
				t.Fatalf("Load(%q) = %v, nil; want an error", tt.file, b)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Load(%q) error:\n%s\nwant it to contain, in order:\n%s", tt.file, msg, strings.Join(tt.want, "\n"))
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// Ids and role names must be unique across files, not only within one.
func TestLoadAcrossFiles(t *testing.T) {
	_, err := Load(os.DirFS("testdata"), "across/*.txt")
	if err == nil {
		t.Fatal("Load(across/*.txt) succeeded, want errors")
	}
	for _, w := range []string{
		`across/b.txt:3: alias "Shared" also names role "alpha" (across/a.txt:3)`,
		`across/b.txt:8: duplicate id "q-1" (first at across/a.txt:8)`,
		`across/b.txt:9: question "q-1" repeats the text of the question at across/a.txt:9`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error:\n%v\nwant it to contain %q", err, w)
		}
	}
}

func TestLoadPatterns(t *testing.T) {
	fsys := os.DirFS("testdata")
	tests := []struct {
		patterns []string
		want     string
	}{
		{nil, "no bank file patterns given"},
		{[]string{"nowhere/*.txt"}, `no bank files match "nowhere/*.txt"`},
		{[]string{"[broken"}, `bank file pattern "[broken"`},
	}
	for _, tt := range tests {
		_, err := Load(fsys, tt.patterns...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) error = %v, want it to contain %q", tt.patterns, err, tt.want)
		}
	}

	// A file matched by two patterns is loaded once, or its ids would clash
	// with themselves.
	b, err := Load(fsys, "lint/missing-guidance.txt", "lint/*.txt")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := len(b.Questions()); got != 8 {
		t.Errorf("loaded %d questions, want 8", got)
	}
}

func TestLoadAcceptsCRLFAndBOM(t *testing.T) {
	data, err := os.ReadFile("testdata/lint/missing-guidance.txt")
	if err != nil {
		t.Fatal(err)
	}
	crlf := "\ufeff" + strings.ReplaceAll(string(data), "\n", "\r\n")
	b, err := Load(fstest.MapFS{"bank.txt": {Data: []byte(crlf)}}, "bank.txt")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	q, ok := b.Question("r-1")
	if !ok || q.Text != "What is a question?" || q.FollowUps[1] != "What is a follow-up?" {
		t.Errorf("Question(r-1) = %+v, %v", q, ok)
	}
}

func FuzzLookup(f *testing.F) {
	b := builtin(f)
	for _, s := range []string{"", "sbe", "sbee", "Senior Backend Engineer", "senior-bakend", "analyst", "techincal", "-", " - _ ", "é", "\xff", strings.Repeat("a", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if r, ok := b.Role(name); ok {
			if again, ok := b.Role(r.Slug); !ok || again != r {
				t.Errorf("Role(%q) = %q, but Role of that slug = %v, %v", name, r.Slug, again, ok)
			}
		}
		if slug, ok := b.SuggestRole(name); ok {
			if _, found := b.Role(slug); !found {
				t.Errorf("SuggestRole(%q) = %q, which is not a role", name, slug)
			}
		}
		for _, r := range b.Roles() {
			r.Category(name)
			if slug, ok := r.SuggestCategory(name); ok {
				if _, found := r.Category(slug); !found {
					t.Errorf("%s: SuggestCategory(%q) = %q, which is not a category", r.Slug, name, slug)
				}
			}
		}
	})
}

func TestLoadCategoryNote(t *testing.T) {
	const head = "role: r\ntitle: R\n\ncategory: c\ntitle: C\n"
	const question = "\nid: r-1\nq: What is a question?\ndifficulty: 1\n"
	tests := []struct {
		name, bank string
		want       string // the note, or an error it must contain
		wantErr    bool
	}{
		{"note", head + "note: One real story, told with STAR.\n" + question, "One real story, told with STAR.", false},
		{"no note", head + question, "", false},
		{"two notes", head + "note: First.\nnote: Second.\n" + question, `bank.txt:7: duplicate key "note" (first on line 6)`, true},
		{"too long", head + "note: " + strings.Repeat("x", maxLine+1) + "\n" + question, "bank.txt:6: note is 501 characters long; the limit is 500", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Load(fstest.MapFS{"bank.txt": {Data: []byte(tt.bank)}}, "bank.txt")
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			r, _ := b.Role("r")
			if got := r.Categories[0].Note; got != tt.want {
				t.Errorf("Note = %q, want %q", got, tt.want)
			}
		})
	}
}

// The behavioral category says once, in its note, that every answer is one
// real story told with STAR; its covers lines spend themselves on what sets
// a senior answer apart instead of repeating that.
func TestBuiltinBehavioralBoilerplateInNote(t *testing.T) {
	b := builtin(t)
	sbe, _ := b.Role("senior-backend")
	beh, _ := sbe.Category("behavioral")
	if !strings.Contains(beh.Note, "STAR") {
		t.Errorf("behavioral note = %q, want it to say answers are told with STAR", beh.Note)
	}
	for _, q := range beh.Questions {
		for _, g := range q.Guidance {
			l := strings.ToLower(g)
			if strings.Contains(g, "STAR") || strings.Contains(l, "what they learned") || strings.Contains(l, "what they learnt") {
				t.Errorf("%s repeats the category note: %q", q.ID, g)
			}
		}
	}
}
