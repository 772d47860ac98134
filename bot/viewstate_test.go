package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/slack-go/slack"
)

func TestViewState(t *testing.T) {
	// A view_submission state as Slack sends it, one input of each kind the
	// bot's modals use.
	const raw = `{"values": {
		"panel":   {"users":   {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
		"covered": {"points":  {"type": "checkboxes", "selected_options": [{"value": "0"}, {"value": "2"}]}},
		"none":    {"points":  {"type": "checkboxes", "selected_options": []}},
		"when":    {"at":      {"type": "datetimepicker", "selected_date_time": 1765724400}},
		"unset":   {"at":      {"type": "datetimepicker"}},
		"day":     {"d":       {"type": "datepicker", "selected_date": "2026-12-14"}},
		"overall": {"pick":    {"type": "static_select", "selected_option": {"value": "yes"}}},
		"summary": {"text":    {"type": "plain_text_input", "value": "Solid."}},
		"blank":   {"text":    {"type": "plain_text_input", "value": "  "}}
	}}`
	var state slack.ViewState
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		t.Fatal(err)
	}
	values, selected, typed := viewState(&state)

	wantValues := map[string]map[string]string{
		"when":    {"at": "1765724400"},
		"unset":   {"at": ""},
		"day":     {"d": "2026-12-14"},
		"overall": {"pick": "yes"},
		"summary": {"text": "Solid."},
		"blank":   {"text": "  "},
	}
	wantSelected := map[string]map[string][]string{
		"panel":   {"users": {"U1", "U2"}},
		"covered": {"points": {"0", "2"}},
		"none":    {"points": {}},
	}
	if !reflect.DeepEqual(values, wantValues) {
		t.Errorf("values = %v, want %v", values, wantValues)
	}
	if !reflect.DeepEqual(selected, wantSelected) {
		t.Errorf("selected = %v, want %v", selected, wantSelected)
	}
	if want := []string{"Solid."}; !reflect.DeepEqual(typed, want) {
		t.Errorf("typed = %q, want %q", typed, want)
	}
}

func TestViewStateNil(t *testing.T) {
	values, selected, typed := viewState(nil)
	if values == nil || selected == nil || typed != nil {
		t.Errorf("viewState(nil) = %v, %v, %v; want empty maps and no text", values, selected, typed)
	}
}
