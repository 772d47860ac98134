// Package bankfile reads and writes a team's own question bank as a file a
// team keeps in a spreadsheet (CSV) or in a repository (YAML): its
// questions (id, role, category, question, what a strong answer covers,
// follow-ups) and, in YAML, the roles and categories it defines.
//
// Read validates every row against the bank as the team sees it and
// against the limits a question must meet to be posted in Slack, and
// reports every bad row with its line number, so that an import can be all
// or nothing.
package bankfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"gopkg.in/yaml.v3"
)

// Limits of one file. Each question keeps to the limits of package
// questions (MaxText, MaxGuidance, MaxFollowUps).
const (
	// MaxRows bounds one file: a team bank is tens of questions, not
	// thousands, and one import is one transaction.
	MaxRows = 2000
	// MaxFileSize bounds what Read takes in: MaxRows full rows fit. A
	// larger file is refused rather than cut, since a cut file would
	// import part of a row.
	MaxFileSize = 8 << 20
)

// Format is a file format.
type Format string

const (
	CSV  Format = "csv"
	YAML Format = "yaml"
)

// FormatOf picks the format from a file name's extension.
func FormatOf(name string) (Format, error) {
	switch ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]); ext {
	case "csv":
		return CSV, nil
	case "yaml", "yml":
		return YAML, nil
	}
	return "", fmt.Errorf("%s: unknown file type; use a .csv or .yaml file", name)
}

// File is a team bank: the roles and categories the team defines (YAML
// only) and its questions.
type File struct {
	Roles      []questions.TeamRole
	Categories []questions.TeamCategory
	Rows       []Row
}

// Row is one question of a team bank, with the line it came from.
type Row struct {
	Line int
	// ID is the team question's id ("team-12") as an export wrote it, or ""
	// for a new question.
	ID        string
	Role      string // slug
	Category  string // slug
	Text      string
	Guidance  []string
	FollowUps []string
}

// header is the CSV header row; the same names are the YAML keys.
var header = []string{"id", "role", "category", "question", "guidance", "follow_ups"}

// required are the columns a CSV file must have.
var required = header[1:4]

// teamID is what a team question id looks like; the store decides whether
// the team has it.
var teamID = regexp.MustCompile(`^team-[1-9][0-9]{0,17}$`)

// defLines remembers where each role and category of a file was defined.
type defLines struct {
	roles, categories []int
}

// Read parses a team bank and validates it against base (the built-in
// bank) and team (what the team already defines in the store: a file may
// use the team's roles and categories, and redefine them). Roles and
// categories may be named as in /interview (slug, alias or title); the file
// comes back with slugs. The error lists every problem, "line N: …".
func Read(r io.Reader, format Format, base *questions.Bank, team questions.Extension) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return File{}, fmt.Errorf("read: %w", err)
	}
	if len(data) > MaxFileSize {
		return File{}, fmt.Errorf("the file is larger than %d MiB, the most one import takes (%d questions); nothing was read", MaxFileSize>>20, MaxRows)
	}
	var (
		f     File
		lines defLines
	)
	switch format {
	case CSV:
		f.Rows, err = readCSV(data)
	case YAML:
		f, lines, err = readYAML(data)
	default:
		return File{}, fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return File{}, err
	}
	if len(f.Rows) > MaxRows {
		return File{}, fmt.Errorf("%d questions in one file; the limit is %d", len(f.Rows), MaxRows)
	}
	return validate(f, lines, base, team)
}

func readCSV(data []byte) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheets write a BOM
	cr, col, err := csvReader(data)
	if err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return unneutralize(rec[i])
		}
		return ""
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				return nil, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rows = append(rows, Row{
			Line: line, ID: strings.TrimSpace(get(rec, "id")), Role: get(rec, "role"), Category: get(rec, "category"), Text: get(rec, "question"),
			Guidance: lines(get(rec, "guidance")), FollowUps: lines(get(rec, "follow_ups")),
		})
	}
}

// csvReader returns a reader positioned after the header, and the header's
// columns by name. The delimiter is whichever of comma, semicolon (what
// spreadsheets write where the comma is the decimal separator) and tab
// makes a header with the required columns.
func csvReader(data []byte) (*csv.Reader, map[string]int, error) {
	var firstErr error
	for _, comma := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma = comma
		cr.FieldsPerRecord = -1
		head, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("the file is empty; the first line must be the header: " + strings.Join(header, ","))
		}
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("line 1: %w", err)
			}
			continue
		}
		col := map[string]int{}
		for i, h := range head {
			col[strings.ToLower(strings.TrimSpace(h))] = i
		}
		missing := ""
		for _, h := range required {
			if _, ok := col[h]; !ok {
				missing = h
				break
			}
		}
		if missing == "" {
			return cr, col, nil
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("line 1: the header has no %q column; it must name %s, separated by commas, semicolons or tabs (id, guidance and follow_ups are optional)",
				missing, strings.Join(header, ","))
		}
	}
	return nil, nil, firstErr
}

// lines splits a cell holding one item per line (Alt+Enter in a
// spreadsheet) into its non-empty items.
func lines(cell string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(cell, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// The YAML shape. Questions may be listed at the top level, naming their
// role and category, or inside a category.
type yamlFile struct {
	Roles      []yamlRole     `yaml:"roles,omitempty"`
	Categories []yamlCategory `yaml:"categories,omitempty"`
	Questions  []yamlRow      `yaml:"questions"`
}

type yamlRole struct {
	Slug    string   `yaml:"slug"`
	Title   string   `yaml:"title"`
	Aliases []string `yaml:"aliases,omitempty"`
	Summary string   `yaml:"summary,omitempty"`
	Skills  []string `yaml:"skills,omitempty"`
}

type yamlCategory struct {
	Role      string    `yaml:"role"`
	Slug      string    `yaml:"slug"`
	Title     string    `yaml:"title"`
	Aliases   []string  `yaml:"aliases,omitempty"`
	Questions []yamlRow `yaml:"questions,omitempty"`
}

type yamlRow struct {
	ID        string   `yaml:"id,omitempty"`
	Role      string   `yaml:"role,omitempty"`
	Category  string   `yaml:"category,omitempty"`
	Question  string   `yaml:"question"`
	Guidance  []string `yaml:"guidance,omitempty"`
	FollowUps []string `yaml:"follow_ups,omitempty"`
}

func readYAML(data []byte) (File, defLines, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return File{}, defLines{}, fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return File{}, defLines{}, errors.New(`the file is empty; it must hold a list under the key "questions"`)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return File{}, defLines{}, fmt.Errorf("line %d: the file must be a mapping with the keys roles, categories and questions", root.Line)
	}
	// Decoding again with KnownFields turns a misspelt key into an error
	// instead of a question without guidance.
	var y yamlFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil {
		return File{}, defLines{}, fmt.Errorf("%w", yamlError(err))
	}
	// The nodes carry the line numbers.
	roleNodes, catNodes, rowNodes := items(root, "roles"), items(root, "categories"), items(root, "questions")
	line := func(nodes []*yaml.Node, i int) int {
		if i < len(nodes) {
			return nodes[i].Line
		}
		return root.Line
	}
	var f File
	var dl defLines
	for i, r := range y.Roles {
		f.Roles = append(f.Roles, questions.TeamRole{Slug: strings.TrimSpace(r.Slug), Title: strings.TrimSpace(r.Title), Aliases: trimAll(r.Aliases), Summary: strings.TrimSpace(r.Summary), Skills: trimAll(r.Skills)})
		dl.roles = append(dl.roles, line(roleNodes, i))
	}
	for i, c := range y.Categories {
		f.Categories = append(f.Categories, questions.TeamCategory{Role: strings.TrimSpace(c.Role), Slug: strings.TrimSpace(c.Slug), Title: strings.TrimSpace(c.Title), Aliases: trimAll(c.Aliases)})
		dl.categories = append(dl.categories, line(catNodes, i))
		var nested []*yaml.Node
		if i < len(catNodes) {
			nested = items(catNodes[i], "questions")
		}
		for j, q := range c.Questions {
			if q.Role != "" || q.Category != "" {
				return File{}, defLines{}, fmt.Errorf("line %d: a question inside a category takes its role and category from it; remove its role and category keys", line(nested, j))
			}
			f.Rows = append(f.Rows, Row{Line: line(nested, j), ID: strings.TrimSpace(q.ID), Role: c.Role, Category: c.Slug, Text: q.Question, Guidance: q.Guidance, FollowUps: q.FollowUps})
		}
	}
	for i, q := range y.Questions {
		f.Rows = append(f.Rows, Row{Line: line(rowNodes, i), ID: strings.TrimSpace(q.ID), Role: q.Role, Category: q.Category, Text: q.Question, Guidance: q.Guidance, FollowUps: q.FollowUps})
	}
	return f, dl, nil
}

// yamlError shortens yaml.v3's type errors ("yaml: unmarshal errors:\n
// line 3: field x not found in type bankfile.yamlRow") to their lines.
func yamlError(err error) error {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok {
		return fmt.Errorf("not valid YAML: %w", err)
	}
	msgs := make([]error, len(te.Errors))
	for i, m := range te.Errors {
		m = strings.Replace(m, " in type bankfile.yamlRow", "", 1)
		m = strings.Replace(m, " in type bankfile.yamlRole", "", 1)
		m = strings.Replace(m, " in type bankfile.yamlCategory", "", 1)
		m = strings.Replace(m, " in type bankfile.yamlFile", "", 1)
		msgs[i] = errors.New(m)
	}
	return errors.Join(msgs...)
}

// items returns the items of the sequence under key in a mapping node.
func items(m *yaml.Node, key string) []*yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			return m.Content[i+1].Content
		}
	}
	return nil
}

func trimAll(s []string) []string {
	var out []string
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// validate checks the file's roles and categories, then resolves every
// row's names to slugs and checks its limits, collecting every problem so
// that the user can fix the file in one go.
func validate(f File, dl defLines, base *questions.Bank, team questions.Extension) (File, error) {
	var problems []error
	bad := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...)))
	}
	view, ok := extendWith(base, team, f, dl, bad)
	if !ok {
		return File{}, errors.Join(problems...)
	}
	seen := map[string]int{}
	seenID := map[string]int{}
	builtin := map[string]questions.ID{}
	for _, q := range base.Questions() {
		builtin[questions.TextKey(q.Text)] = q.ID
	}
	rows := make([]Row, 0, len(f.Rows))
	for _, r := range f.Rows {
		r.Role, r.Category, r.Text = strings.TrimSpace(r.Role), strings.TrimSpace(r.Category), strings.TrimSpace(r.Text)
		if msg := checkID(r.ID, base); msg != "" {
			bad(r.Line, "%s", msg)
			continue
		}
		if first, dup := seenID[r.ID]; dup && r.ID != "" {
			bad(r.Line, "the same id %s as line %d", r.ID, first)
			continue
		}
		role, ok := view.Role(r.Role)
		if !ok {
			if s, ok := view.SuggestRole(r.Role); ok {
				bad(r.Line, "unknown role %q; did you mean %q?", r.Role, s)
			} else {
				bad(r.Line, "unknown role %q", r.Role)
			}
			continue
		}
		cat, ok := role.Category(r.Category)
		if !ok {
			bad(r.Line, "%s has no category %q; its categories are %s", role.Title, r.Category, categories(role))
			continue
		}
		r.Role, r.Category = role.Slug, cat.Slug
		if msg := checkText("question", r.Text, questions.MaxText); msg != "" {
			bad(r.Line, "%s", msg)
			continue
		}
		if len(r.Guidance) > questions.MaxGuidance || len(r.FollowUps) > questions.MaxFollowUps {
			bad(r.Line, "at most %d guidance items and %d follow-ups", questions.MaxGuidance, questions.MaxFollowUps)
			continue
		}
		itemsOK := true
		for _, item := range slices.Concat(r.Guidance, r.FollowUps) {
			if msg := checkText("a guidance or follow-up item", item, questions.MaxText); msg != "" {
				bad(r.Line, "%s", msg)
				itemsOK = false
				break
			}
		}
		if !itemsOK {
			continue
		}
		key := r.Key()
		if first, dup := seen[key]; dup {
			bad(r.Line, "the same question as line %d", first)
			continue
		}
		if id, dup := builtin[questions.TextKey(r.Text)]; dup {
			bad(r.Line, "the built-in question %s already asks this", id)
			continue
		}
		seen[key] = r.Line
		if r.ID != "" {
			seenID[r.ID] = r.Line
		}
		rows = append(rows, r)
	}
	if len(problems) > 0 {
		return File{}, errors.Join(problems...)
	}
	f.Rows = rows
	return f, nil
}

// extendWith checks the file's roles and categories against the built-in
// bank and the team's others, and returns the bank its rows may use: the
// team's current view with the file's definitions added or replacing
// those of the same slug. Category roles come back as slugs.
func extendWith(base *questions.Bank, team questions.Extension, f File, dl defLines, bad func(int, string, ...any)) (*questions.Bank, bool) {
	ok := true
	seenRole := map[string]int{}
	for i, r := range f.Roles {
		if first, dup := seenRole[r.Slug]; dup {
			bad(dl.roles[i], "role %q is defined twice (first on line %d)", r.Slug, first)
			ok = false
		}
		seenRole[r.Slug] = dl.roles[i]
	}
	// Roles first, so that a category may name its role by title or alias.
	ext := questions.Extension{Roles: mergeRoles(team.Roles, f.Roles)}
	fileRole := map[int]int{} // index in ext.Roles → index in f.Roles
	for i, r := range ext.Roles {
		if j := slices.IndexFunc(f.Roles, func(fr questions.TeamRole) bool { return fr.Slug == r.Slug }); j >= 0 {
			fileRole[i] = j
		}
	}
	roles, problems := base.Extend(ext)
	for _, p := range problems {
		if j, fromFile := fileRole[p.Index]; fromFile {
			bad(dl.roles[j], "role %q: %s", p.Slug, p.Msg)
			ok = false
		}
	}
	seenCat := map[string]int{}
	for i := range f.Categories {
		c := &f.Categories[i]
		if r, found := roles.Role(c.Role); found {
			c.Role = r.Slug
		}
		key := c.Role + "/" + c.Slug
		if first, dup := seenCat[key]; dup {
			bad(dl.categories[i], "category %q of %q is defined twice (first on line %d)", c.Slug, c.Role, first)
			ok = false
		}
		seenCat[key] = dl.categories[i]
	}
	ext.Categories = mergeCategories(team.Categories, f.Categories)
	fileCat := map[int]int{}
	for i, c := range ext.Categories {
		if j := slices.IndexFunc(f.Categories, func(fc questions.TeamCategory) bool { return fc.Role == c.Role && fc.Slug == c.Slug }); j >= 0 {
			fileCat[i] = j
		}
	}
	view, problems := base.Extend(ext)
	for _, p := range problems {
		if j, fromFile := fileCat[p.Index]; fromFile && p.Kind == "category" {
			bad(dl.categories[j], "category %q: %s", p.Slug, p.Msg)
			ok = false
		}
	}
	return view, ok
}

// mergeRoles is the team's roles with those of the file replacing the ones
// of the same slug, then the file's new ones.
func mergeRoles(team, file []questions.TeamRole) []questions.TeamRole {
	out := slices.Clone(team)
	for _, r := range file {
		if i := slices.IndexFunc(out, func(t questions.TeamRole) bool { return t.Slug == r.Slug }); i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	return out
}

func mergeCategories(team, file []questions.TeamCategory) []questions.TeamCategory {
	out := slices.Clone(team)
	for _, c := range file {
		if i := slices.IndexFunc(out, func(t questions.TeamCategory) bool { return t.Role == c.Role && t.Slug == c.Slug }); i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

func checkID(id string, base *questions.Bank) string {
	switch {
	case id == "" || teamID.MatchString(id):
		return ""
	case func() bool { _, ok := base.Question(questions.ID(id)); return ok }():
		return fmt.Sprintf("%s is a built-in question; a team file holds the team's own questions (retire a built-in one with /interview hide %s)", id, id)
	}
	return fmt.Sprintf("id %q is not a team question id (like team-12); leave it empty for a new question", clip(id, 40))
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func checkText(what, s string, limit int) string {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		return what + " is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return what + " contains a NUL character"
	case strings.TrimSpace(s) == "":
		return what + " is empty"
	case n > limit:
		return fmt.Sprintf("%s has %d characters; the limit is %d", what, n, limit)
	}
	return ""
}

func categories(r *questions.Role) string {
	names := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		names[i] = c.Slug
	}
	return strings.Join(names, ", ")
}

// Key identifies a row within a team's bank: the same key in a later
// import updates the question instead of adding one.
func (r Row) Key() string {
	return r.Role + "\x00" + r.Category + "\x00" + questions.TextKey(r.Text)
}

// Write writes f in format: in CSV only the questions (a spreadsheet has
// no place for roles and categories), in YAML everything.
func Write(w io.Writer, format Format, f File) error {
	switch format {
	case CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		for _, r := range f.Rows {
			rec := []string{r.ID, r.Role, r.Category, r.Text, strings.Join(r.Guidance, "\n"), strings.Join(r.FollowUps, "\n")}
			for i := range rec {
				rec[i] = neutralize(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	case YAML:
		var y yamlFile
		for _, r := range f.Roles {
			y.Roles = append(y.Roles, yamlRole{Slug: r.Slug, Title: r.Title, Aliases: r.Aliases, Summary: r.Summary, Skills: r.Skills})
		}
		for _, c := range f.Categories {
			y.Categories = append(y.Categories, yamlCategory{Role: c.Role, Slug: c.Slug, Title: c.Title, Aliases: c.Aliases})
		}
		y.Questions = make([]yamlRow, len(f.Rows))
		for i, r := range f.Rows {
			y.Questions[i] = yamlRow{ID: r.ID, Role: r.Role, Category: r.Category, Question: r.Text, Guidance: r.Guidance, FollowUps: r.FollowUps}
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(y); err != nil {
			return fmt.Errorf("write yaml: %w", err)
		}
		return enc.Close()
	}
	return fmt.Errorf("unknown format %q", format)
}

// neutralize makes a CSV cell safe to open in a spreadsheet and to print
// on a terminal (OWASP, "CSV Injection"): control characters are dropped
// (a tab becomes a space; a line break between items stays), and a cell
// that a spreadsheet would run as a formula (starting with = + - or @)
// gets a leading apostrophe, which spreadsheets show as text and an import
// removes again. A cell that already starts with an apostrophe gets one
// more, so that the import gives back exactly the text.
func neutralize(cell string) string {
	cell = strings.ReplaceAll(cell, "\r\n", "\n")
	cell = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, cell)
	if cell != "" && strings.ContainsRune("=+-@'", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// unneutralize undoes neutralize's apostrophe. A lone apostrophe someone
// typed before other text is kept.
func unneutralize(cell string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && rest != "" && strings.ContainsRune("=+-@'\t\r", rune(rest[0])) {
		return rest
	}
	return cell
}
