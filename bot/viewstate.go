package bot

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// viewState turns a submitted view's state into handlers' two maps: one
// value per input (Values) and, for inputs that hold several, their list
// (Selected). It also returns what the user typed into text inputs, so that
// a modal closed before its save failed can be quoted back to them.
func viewState(state *slack.ViewState) (values map[string]map[string]string, selected map[string]map[string][]string, typed []string) {
	values = map[string]map[string]string{}
	selected = map[string]map[string][]string{}
	if state == nil {
		return values, selected, nil
	}
	for blockID, actions := range state.Values {
		for actionID, a := range actions {
			if many, ok := multiValue(a); ok {
				if selected[blockID] == nil {
					selected[blockID] = map[string][]string{}
				}
				selected[blockID][actionID] = many
				continue
			}
			if values[blockID] == nil {
				values[blockID] = map[string]string{}
			}
			values[blockID][actionID] = singleValue(a)
			if a.Type == "plain_text_input" && strings.TrimSpace(a.Value) != "" {
				typed = append(typed, a.Value)
			}
		}
	}
	return values, selected, typed
}

// multiValue returns the values of an input that can hold several, and
// whether a is such an input. The element's type decides, not whether
// anything was chosen: an empty checkbox group is still a list.
func multiValue(a slack.BlockAction) ([]string, bool) {
	switch a.Type {
	case "checkboxes", "multi_static_select", "multi_external_select":
		vs := make([]string, 0, len(a.SelectedOptions))
		for _, o := range a.SelectedOptions {
			vs = append(vs, o.Value)
		}
		return vs, true
	case "multi_users_select":
		return append([]string{}, a.SelectedUsers...), true
	case "multi_conversations_select":
		return append([]string{}, a.SelectedConversations...), true
	case "multi_channels_select":
		return append([]string{}, a.SelectedChannels...), true
	}
	return nil, false
}

// singleValue returns the one value an input holds, in the form handlers
// documents for Submission.Values.
func singleValue(a slack.BlockAction) string {
	switch a.Type {
	case "datepicker":
		return a.SelectedDate
	case "timepicker":
		return a.SelectedTime
	case "datetimepicker":
		if a.SelectedDateTime == 0 {
			return ""
		}
		return strconv.FormatInt(a.SelectedDateTime, 10)
	case "users_select":
		return a.SelectedUser
	case "conversations_select":
		return a.SelectedConversation
	case "channels_select":
		return a.SelectedChannel
	}
	if a.SelectedOption.Value != "" {
		return a.SelectedOption.Value
	}
	return a.Value
}
