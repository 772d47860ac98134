// Package bankfile reads and writes a team's own question bank as a file a
// team keeps in a spreadsheet (CSV) or in a repository (YAML): role,
// category, question, what a strong answer covers, follow-ups.
//
// Read validates every row against the built-in bank's roles and categories
// and against the limits a question must meet to be posted in Slack, and
// reports every bad row with its line number, so that an import can be all
// or nothing.
package bankfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"gopkg.in/yaml.v3"
)

// MaxRows bounds one file: a team bank is tens of questions, not
// thousands, and one import is one transaction. Each question keeps to the
// limits of package questions (MaxText, MaxGuidance, MaxFollowUps).
const MaxRows = 2000

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

// Row is one question of a team bank, with the line it came from.
type Row struct {
	Line      int
	Role      string // slug
	Category  string // slug
	Text      string
	Guidance  []string
	FollowUps []string
}

// header is the CSV header row; the same names are the YAML keys.
var header = []string{"role", "category", "question", "guidance", "follow_ups"}

// yamlFile is the YAML shape.
type yamlFile struct {
	Questions []yamlRow `yaml:"questions"`
}

type yamlRow struct {
	Role      string   `yaml:"role"`
	Category  string   `yaml:"category"`
	Question  string   `yaml:"question"`
	Guidance  []string `yaml:"guidance,omitempty"`
	FollowUps []string `yaml:"follow_ups,omitempty"`
}

// Read parses a team bank and validates every row against bank. Role and
// category may be named as in /interview (slug, alias or title); rows come
// back with slugs. The error lists every bad row, "line N: …".
func Read(r io.Reader, format Format, bank *questions.Bank) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	var rows []Row
	switch format {
	case CSV:
		rows, err = readCSV(data)
	case YAML:
		rows, err = readYAML(data)
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) > MaxRows {
		return nil, fmt.Errorf("%d questions in one file; the limit is %d", len(rows), MaxRows)
	}
	return validate(rows, bank)
}

func readCSV(data []byte) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheets write a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty; the first line must be the header: " + strings.Join(header, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, h := range header[:3] {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("line 1: the header has no %q column; it must name %s", h, strings.Join(header, ","))
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
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
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rows = append(rows, Row{
			Line: line, Role: get(rec, "role"), Category: get(rec, "category"), Text: get(rec, "question"),
			Guidance: lines(get(rec, "guidance")), FollowUps: lines(get(rec, "follow_ups")),
		})
	}
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

func readYAML(data []byte) ([]Row, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New(`the file is empty; it must hold a list under the key "questions"`)
	}
	var f yamlFile
	dec := doc.Content[0]
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("line %d: %w", dec.Line, err)
	}
	// The row nodes carry the line numbers.
	var items []*yaml.Node
	for i := 0; i+1 < len(dec.Content); i += 2 {
		if dec.Content[i].Value == "questions" && dec.Content[i+1].Kind == yaml.SequenceNode {
			items = dec.Content[i+1].Content
		}
	}
	rows := make([]Row, len(f.Questions))
	for i, q := range f.Questions {
		line := 0
		if i < len(items) {
			line = items[i].Line
		}
		rows[i] = Row{Line: line, Role: q.Role, Category: q.Category, Text: q.Question, Guidance: q.Guidance, FollowUps: q.FollowUps}
	}
	return rows, nil
}

// validate resolves names to slugs and checks limits, collecting every
// problem so that the user can fix the file in one go.
func validate(rows []Row, bank *questions.Bank) ([]Row, error) {
	var problems []error
	seen := map[string]int{}
	builtin := map[string]questions.ID{}
	for _, q := range bank.Questions() {
		builtin[questions.TextKey(q.Text)] = q.ID
	}
	bad := func(r Row, format string, args ...any) {
		problems = append(problems, fmt.Errorf("line %d: %s", r.Line, fmt.Sprintf(format, args...)))
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		r.Role, r.Category, r.Text = strings.TrimSpace(r.Role), strings.TrimSpace(r.Category), strings.TrimSpace(r.Text)
		role, ok := bank.Role(r.Role)
		if !ok {
			if s, ok := bank.SuggestRole(r.Role); ok {
				bad(r, "unknown role %q; did you mean %q?", r.Role, s)
			} else {
				bad(r, "unknown role %q", r.Role)
			}
			continue
		}
		cat, ok := role.Category(r.Category)
		if !ok {
			bad(r, "%s has no category %q; its categories are %s", role.Title, r.Category, categories(role))
			continue
		}
		r.Role, r.Category = role.Slug, cat.Slug
		if msg := checkText("question", r.Text, questions.MaxText); msg != "" {
			bad(r, "%s", msg)
			continue
		}
		if len(r.Guidance) > questions.MaxGuidance || len(r.FollowUps) > questions.MaxFollowUps {
			bad(r, "at most %d guidance items and %d follow-ups", questions.MaxGuidance, questions.MaxFollowUps)
			continue
		}
		itemsOK := true
		for _, item := range slices.Concat(r.Guidance, r.FollowUps) {
			if msg := checkText("a guidance or follow-up item", item, questions.MaxText); msg != "" {
				bad(r, "%s", msg)
				itemsOK = false
				break
			}
		}
		if !itemsOK {
			continue
		}
		key := r.Key()
		if first, dup := seen[key]; dup {
			bad(r, "the same question as line %d", first)
			continue
		}
		if id, dup := builtin[questions.TextKey(r.Text)]; dup {
			bad(r, "the built-in question %s already asks this", id)
			continue
		}
		seen[key] = r.Line
		out = append(out, r)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return out, nil
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

// Write writes rows in format, in the order given.
func Write(w io.Writer, format Format, rows []Row) error {
	switch format {
	case CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		for _, r := range rows {
			rec := []string{r.Role, r.Category, r.Text, strings.Join(r.Guidance, "\n"), strings.Join(r.FollowUps, "\n")}
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
		f := yamlFile{Questions: make([]yamlRow, len(rows))}
		for i, r := range rows {
			f.Questions[i] = yamlRow{Role: r.Role, Category: r.Category, Question: r.Text, Guidance: r.Guidance, FollowUps: r.FollowUps}
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("write yaml: %w", err)
		}
		return enc.Close()
	}
	return fmt.Errorf("unknown format %q", format)
}
