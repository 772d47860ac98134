package handlers

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (docs.slack.dev/reference/block-kit). Slack
// rejects a message that breaks one with invalid_blocks, so every renderer is
// tested against them and the transport checks again before sending.
const (
	maxBlocks          = 50
	maxViewBlocks      = 100
	maxSectionText     = 3000
	maxFieldText       = 2000
	maxFields          = 10
	maxHeaderText      = 150
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxActionID        = 255
	maxBlockID         = 255
	maxActionsElements = 25
	maxContextElements = 10
	maxOptionText      = 75
	maxOptionValue     = 75
	maxOptions         = 100
	maxLabelText       = 2000
	maxPlaceholder     = 150
	maxModalTitle      = 24
	maxPrivateMetadata = 3000
	maxCallbackID      = 255
	maxInputLength     = 3000
	// Slack truncates message text above 40,000 characters and chat.update
	// refuses more than 4,000; the fallback text stays under both.
	maxFallbackText = 4000
	// Slack answers msg_blocks_too_long when all of a message's block text
	// adds up to about 12,000 characters (observed, undocumented).
	maxTotalText = 12000
)

// Validate checks m against Slack's Block Kit limits.
func Validate(m Message) error {
	if m.Text == "" && len(m.Blocks) == 0 {
		return errors.New("message has neither text nor blocks")
	}
	if n := utf8.RuneCountInString(m.Text); n > maxFallbackText {
		return fmt.Errorf("text has %d characters, more than %d", n, maxFallbackText)
	}
	return validateBlocks(m.Blocks, maxBlocks)
}

// ValidateView checks a modal against Slack's view limits.
func ValidateView(v slack.ModalViewRequest) error {
	for name, t := range map[string]*slack.TextBlockObject{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		if t == nil {
			if name == "title" {
				return errors.New("modal has no title")
			}
			continue
		}
		if err := checkText("modal "+name, t, maxModalTitle, true); err != nil {
			return err
		}
	}
	if n := len(v.PrivateMetadata); n > maxPrivateMetadata {
		return fmt.Errorf("private_metadata has %d characters, more than %d", n, maxPrivateMetadata)
	}
	if n := len(v.CallbackID); n > maxCallbackID {
		return fmt.Errorf("callback_id has %d characters, more than %d", n, maxCallbackID)
	}
	for _, b := range v.Blocks.BlockSet {
		if b.BlockType() == slack.MBTInput && v.Submit == nil {
			return errors.New("modal with an input block has no submit button")
		}
	}
	return validateBlocks(v.Blocks.BlockSet, maxViewBlocks)
}

func validateBlocks(blocks []slack.Block, limit int) error {
	if len(blocks) > limit {
		return fmt.Errorf("%d blocks, more than %d", len(blocks), limit)
	}
	blockIDs := map[string]bool{}
	total := 0
	for i, b := range blocks {
		at := fmt.Sprintf("blocks[%d] (%s)", i, b.BlockType())
		if id := b.ID(); id != "" {
			if len(id) > maxBlockID {
				return fmt.Errorf("%s: block_id longer than %d", at, maxBlockID)
			}
			if blockIDs[id] {
				return fmt.Errorf("%s: duplicate block_id %q", at, id)
			}
			blockIDs[id] = true
		}
		n, err := validateBlock(b)
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		total += n
	}
	if total > maxTotalText {
		return fmt.Errorf("blocks hold %d characters of text, more than %d", total, maxTotalText)
	}
	return nil
}

// validateBlock checks one block and returns how many characters of text it
// holds.
func validateBlock(b slack.Block) (int, error) {
	switch b := b.(type) {
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			return 0, errors.New("section has neither text nor fields")
		}
		n := 0
		if b.Text != nil {
			if err := checkText("text", b.Text, maxSectionText, false); err != nil {
				return 0, err
			}
			n += utf8.RuneCountInString(b.Text.Text)
		}
		if len(b.Fields) > maxFields {
			return 0, fmt.Errorf("%d fields, more than %d", len(b.Fields), maxFields)
		}
		for _, f := range b.Fields {
			if err := checkText("field", f, maxFieldText, false); err != nil {
				return 0, err
			}
			n += utf8.RuneCountInString(f.Text)
		}
		if b.Accessory != nil && b.Accessory.ButtonElement != nil {
			if err := checkButton(b.Accessory.ButtonElement); err != nil {
				return 0, err
			}
		}
		return n, nil
	case *slack.HeaderBlock:
		if err := checkText("header", b.Text, maxHeaderText, true); err != nil {
			return 0, err
		}
		return utf8.RuneCountInString(b.Text.Text), nil
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > maxContextElements {
			return 0, fmt.Errorf("context has %d elements, want 1 to %d", len(els), maxContextElements)
		}
		n := 0
		for _, e := range els {
			if t, ok := e.(*slack.TextBlockObject); ok {
				if err := checkText("context text", t, maxSectionText, false); err != nil {
					return 0, err
				}
				n += utf8.RuneCountInString(t.Text)
			}
		}
		return n, nil
	case *slack.ActionBlock:
		els := b.Elements.ElementSet
		if len(els) == 0 || len(els) > maxActionsElements {
			return 0, fmt.Errorf("actions has %d elements, want 1 to %d", len(els), maxActionsElements)
		}
		ids := map[string]bool{}
		for _, e := range els {
			var id string
			switch e := e.(type) {
			case *slack.ButtonBlockElement:
				if err := checkButton(e); err != nil {
					return 0, err
				}
				id = e.ActionID
			case *slack.SelectBlockElement:
				if err := checkSelect(e); err != nil {
					return 0, err
				}
				id = e.ActionID
			default:
				return 0, fmt.Errorf("unexpected element %T in actions", e)
			}
			if ids[id] {
				return 0, fmt.Errorf("duplicate action_id %q", id)
			}
			ids[id] = true
		}
		return 0, nil
	case *slack.DividerBlock:
		return 0, nil
	case *slack.InputBlock:
		if err := checkText("label", b.Label, maxLabelText, true); err != nil {
			return 0, err
		}
		if b.Hint != nil {
			if err := checkText("hint", b.Hint, maxLabelText, true); err != nil {
				return 0, err
			}
		}
		return 0, checkInputElement(b.Element)
	}
	return 0, fmt.Errorf("block type %T is not checked; add it to Validate", b)
}

func checkInputElement(e slack.BlockElement) error {
	switch e := e.(type) {
	case *slack.PlainTextInputBlockElement:
		if err := checkActionID(e.ActionID); err != nil {
			return err
		}
		if e.Placeholder != nil {
			if err := checkText("placeholder", e.Placeholder, maxPlaceholder, true); err != nil {
				return err
			}
		}
		if e.MaxLength > maxInputLength || e.MinLength > maxInputLength {
			return fmt.Errorf("input length bounds above %d", maxInputLength)
		}
		return nil
	case *slack.SelectBlockElement:
		return checkSelect(e)
	case *slack.MultiSelectBlockElement:
		if err := checkActionID(e.ActionID); err != nil {
			return err
		}
		if e.Placeholder != nil {
			if err := checkText("placeholder", e.Placeholder, maxPlaceholder, true); err != nil {
				return err
			}
		}
		if e.Type == slack.MultiOptTypeStatic {
			return checkOptions(e.Options)
		}
		return nil
	case *slack.DateTimePickerBlockElement:
		return checkActionID(e.ActionID)
	case *slack.NumberInputBlockElement:
		if err := checkActionID(e.ActionID); err != nil {
			return err
		}
		if e.Placeholder != nil {
			return checkText("placeholder", e.Placeholder, maxPlaceholder, true)
		}
		return nil
	case *slack.RadioButtonsBlockElement:
		if err := checkActionID(e.ActionID); err != nil {
			return err
		}
		if len(e.Options) > 10 {
			return fmt.Errorf("%d radio options, more than 10", len(e.Options))
		}
		return checkOptions(e.Options)
	case *slack.CheckboxGroupsBlockElement:
		if err := checkActionID(e.ActionID); err != nil {
			return err
		}
		if len(e.Options) > 10 {
			return fmt.Errorf("%d checkboxes, more than 10", len(e.Options))
		}
		return checkOptions(e.Options)
	}
	return fmt.Errorf("input element %T is not checked; add it to Validate", e)
}

func checkSelect(e *slack.SelectBlockElement) error {
	if err := checkActionID(e.ActionID); err != nil {
		return err
	}
	if e.Placeholder != nil {
		if err := checkText("placeholder", e.Placeholder, maxPlaceholder, true); err != nil {
			return err
		}
	}
	return checkOptions(e.Options)
}

func checkOptions(opts []*slack.OptionBlockObject) error {
	if len(opts) == 0 || len(opts) > maxOptions {
		return fmt.Errorf("%d options, want 1 to %d", len(opts), maxOptions)
	}
	for _, o := range opts {
		if err := checkText("option", o.Text, maxOptionText, true); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(o.Value); n == 0 || n > maxOptionValue {
			return fmt.Errorf("option value has %d characters, want 1 to %d", n, maxOptionValue)
		}
	}
	return nil
}

func checkButton(b *slack.ButtonBlockElement) error {
	if err := checkText("button", b.Text, maxButtonText, true); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(b.Value); n > maxButtonValue {
		return fmt.Errorf("button value has %d characters, more than %d", n, maxButtonValue)
	}
	return checkActionID(b.ActionID)
}

func checkActionID(id string) error {
	if n := len(id); n == 0 || n > maxActionID {
		return fmt.Errorf("action_id %q has %d characters, want 1 to %d", id, n, maxActionID)
	}
	return nil
}

// checkText checks a text object: present, not empty, within limit, and
// plain_text where Slack requires it (headers, buttons, labels).
func checkText(what string, t *slack.TextBlockObject, limit int, wantPlain bool) error {
	if t == nil {
		return fmt.Errorf("%s is missing", what)
	}
	if wantPlain && t.Type != slack.PlainTextType {
		return fmt.Errorf("%s must be plain_text", what)
	}
	if t.Type == slack.MarkdownType && t.Emoji != nil {
		return fmt.Errorf("%s: emoji is not allowed on mrkdwn", what)
	}
	n := utf8.RuneCountInString(t.Text)
	if n == 0 || n > limit {
		return fmt.Errorf("%s has %d characters, want 1 to %d", what, n, limit)
	}
	return nil
}
