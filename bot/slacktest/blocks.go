package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Block Kit limits (docs.slack.dev/reference/block-kit, views/modal-views).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxViewBytes     = 250_000
)

// ValidateBlocks checks a blocks array against Slack's Block Kit limits and
// returns the messages Slack would list in an invalid_blocks error, e.g.
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
// maxBlocks is 50 for messages and 100 for modals and Home tabs. A value
// that is not a JSON array of objects (Slack: invalid_blocks_format) yields
// a single message. nil means Slack would accept the blocks.
func ValidateBlocks(raw json.RawMessage, maxBlocks int) []string {
	res := checkBlocks(raw, "/blocks", maxBlocks)
	if res.badFormat {
		return []string{"invalid_blocks_format: must be a JSON array [json-pointer:/blocks]"}
	}
	return res.errs
}

type blocksResult struct {
	errs      []string
	badFormat bool
	count     int
	textLen   int // characters in all text objects, for msg_blocks_too_long
}

func checkBlocks(raw json.RawMessage, ptr string, maxBlocks int) blocksResult {
	var blocks []any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&blocks); err != nil {
		return blocksResult{badFormat: true}
	}
	v := newValidator()
	v.blocks(ptr, blocks, maxBlocks)
	return blocksResult{errs: v.errs, count: len(blocks), textLen: v.textLen}
}

// validateView checks a view object for views.open/push/update/publish and
// view_submission "update"/"push" responses. wantType "" accepts modal or
// home. Messages use Slack's /view/... json-pointers.
func validateView(raw json.RawMessage, wantType string) (msgs []string, tooLarge bool) {
	if len(raw) > maxViewBytes {
		return nil, true
	}
	var view map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&view); err != nil || view == nil {
		return []string{"failed to match all allowed schemas [json-pointer:/view]"}, false
	}
	v := newValidator()
	typ, _ := view["type"].(string)
	switch {
	case typ == "":
		v.add("/view", "missing required field: type")
	case typ != "modal" && typ != "home":
		v.addf("/view/type", "unsupported type: %s", typ)
	case wantType != "" && typ != wantType:
		v.addf("/view/type", "must be %s", wantType)
	}
	if typ == "modal" {
		v.optText("/view", view, "title", textSpec{plainOnly: true, max: 24}, true)
		v.optText("/view", view, "submit", textSpec{plainOnly: true, max: 24}, false)
		v.optText("/view", view, "close", textSpec{plainOnly: true, max: 24}, false)
	}
	v.maxLen("/view", view, "callback_id", 255, false)
	v.maxLen("/view", view, "external_id", 255, false)
	// Slack reports an over-long private_metadata as a failure of the whole
	// view schema followed by the specific limit.
	start := len(v.errs)
	v.maxLen("/view", view, "private_metadata", 3000, false)
	if len(v.errs) > start {
		v.errs = slices.Insert(v.errs, start, "failed to match all allowed schemas [json-pointer:/view]")
	}
	switch bs := view["blocks"].(type) {
	case nil:
		// slack-go serializes an unset Blocks as "blocks":null.
		v.add("/view", "missing required field: blocks")
	case []any:
		v.blocks("/view/blocks", bs, maxViewBlocks)
	default:
		v.add("/view/blocks", "must be an array")
	}
	if typ == "modal" && view["submit"] == nil && len(v.inputIdx) > 0 {
		v.add(fmt.Sprintf("/view/blocks/%d/input", v.inputIdx[0]), "must define `submit` to use an `input` block in modals")
	}
	return v.errs, false
}

type validator struct {
	errs     []string
	textLen  int
	blockIDs map[string]bool
	inputIdx []int
}

func newValidator() *validator { return &validator{blockIDs: make(map[string]bool)} }

func (v *validator) add(ptr, msg string) {
	v.errs = append(v.errs, msg+" [json-pointer:"+ptr+"]")
}

func (v *validator) addf(ptr, format string, args ...any) {
	v.add(ptr, fmt.Sprintf(format, args...))
}

type textSpec struct {
	plainOnly bool
	max       int
	// header uses the wording Slack gives for header text.
	header bool
}

// text checks a composition text object. For fields that accept either
// plain_text or mrkdwn, Slack first reports that the union schema failed
// and then the specific problem.
func (v *validator) text(ptr string, val any, spec textSpec) {
	start := len(v.errs)
	defer func() {
		if !spec.plainOnly && len(v.errs) > start {
			v.errs = slices.Insert(v.errs, start, "failed to match all allowed schemas [json-pointer:"+ptr+"]")
		}
	}()
	obj, ok := val.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	typ, _ := obj["type"].(string)
	switch {
	case typ == "":
		v.add(ptr, "missing required field: type")
	case spec.plainOnly && typ != "plain_text":
		v.add(ptr+"/type", "must be plain_text")
	case typ != "plain_text" && typ != "mrkdwn":
		v.add(ptr+"/type", "must be one of plain_text, mrkdwn")
	}
	if _, has := obj["emoji"]; has && typ == "mrkdwn" {
		v.add(ptr, "invalid additional property: emoji")
	}
	if _, has := obj["verbatim"]; has && typ == "plain_text" {
		v.add(ptr, "invalid additional property: verbatim")
	}
	raw, present := obj["text"]
	if !present {
		v.add(ptr, "missing required field: text")
		return
	}
	s, ok := raw.(string)
	if !ok {
		v.add(ptr+"/text", "must be a string")
		return
	}
	n := utf8.RuneCountInString(s)
	v.textLen += n
	switch {
	case n == 0:
		v.add(ptr+"/text", "must be more than 0 characters")
	case n > spec.max && spec.header:
		v.addf(ptr+"/text", "must be no longer than %d characters", spec.max)
	case n > spec.max:
		v.addf(ptr+"/text", "must be less than %d characters", spec.max+1)
	}
}

func (v *validator) optText(ptr string, obj map[string]any, key string, spec textSpec, required bool) {
	val, present := obj[key]
	if !present || val == nil {
		if required {
			v.addf(ptr, "missing required field: %s", key)
		}
		return
	}
	v.text(ptr+"/"+key, val, spec)
}

// maxLen checks a plain string field; required fields must be non-empty.
func (v *validator) maxLen(ptr string, obj map[string]any, key string, limit int, required bool) {
	val, present := obj[key]
	if !present || val == nil {
		if required {
			v.addf(ptr, "missing required field: %s", key)
		}
		return
	}
	s, ok := val.(string)
	if !ok {
		v.add(ptr+"/"+key, "must be a string")
		return
	}
	n := utf8.RuneCountInString(s)
	switch {
	case required && n == 0:
		v.add(ptr+"/"+key, "must be more than 0 characters")
	case n > limit:
		v.addf(ptr+"/"+key, "must be less than %d characters", limit+1)
	}
}

func (v *validator) array(ptr string, obj map[string]any, key string, minN, maxN int, required bool) ([]any, bool) {
	val, present := obj[key]
	if !present || val == nil {
		if required {
			v.addf(ptr, "missing required field: %s", key)
		}
		return nil, false
	}
	arr, ok := val.([]any)
	if !ok {
		v.add(ptr+"/"+key, "must be an array")
		return nil, false
	}
	switch {
	case len(arr) < minN:
		v.addf(ptr+"/"+key, "must provide at least %d items", minN)
	case len(arr) > maxN:
		v.addf(ptr+"/"+key, "no more than %d items allowed", maxN)
	}
	return arr, true
}

func (v *validator) blocks(ptr string, blocks []any, maxBlocks int) {
	if len(blocks) > maxBlocks {
		v.addf(ptr, "no more than %d items allowed", maxBlocks)
	}
	for i, b := range blocks {
		bp := fmt.Sprintf("%s/%d", ptr, i)
		obj, ok := b.(map[string]any)
		if !ok {
			v.add(bp, "failed to match all allowed schemas")
			continue
		}
		v.block(bp, i, obj)
	}
}

func (v *validator) block(ptr string, idx int, b map[string]any) {
	if raw, present := b["block_id"]; present {
		id, ok := raw.(string)
		n := utf8.RuneCountInString(id)
		switch {
		case !ok:
			v.add(ptr+"/block_id", "must be a string")
		case n == 0:
			v.add(ptr+"/block_id", "must be more than 0 characters")
		case n > 255:
			v.add(ptr+"/block_id", "must be less than 256 characters")
		case v.blockIDs[id]:
			v.addf(ptr+"/block_id", "duplicate block_id: %s", id)
		default:
			v.blockIDs[id] = true
		}
	}
	typ, _ := b["type"].(string)
	switch typ {
	case "section":
		_, hasText := b["text"]
		_, hasFields := b["fields"]
		if !hasText && !hasFields {
			v.add(ptr, "missing required field: text")
		}
		if hasText {
			v.text(ptr+"/text", b["text"], textSpec{max: 3000})
		}
		if fields, ok := v.array(ptr, b, "fields", 1, 10, false); ok {
			for i, f := range fields {
				v.text(fmt.Sprintf("%s/fields/%d", ptr, i), f, textSpec{max: 2000})
			}
		}
		if acc, ok := b["accessory"]; ok {
			v.element(ptr+"/accessory", acc, inAccessory, nil)
		}
	case "header":
		v.optText(ptr, b, "text", textSpec{plainOnly: true, max: 150, header: true}, true)
	case "divider":
	case "actions":
		if elems, ok := v.array(ptr, b, "elements", 1, 25, true); ok {
			ids := make(map[string]bool)
			for i, e := range elems {
				v.element(fmt.Sprintf("%s/elements/%d", ptr, i), e, inActions, ids)
			}
		}
	case "context":
		if elems, ok := v.array(ptr, b, "elements", 1, 10, true); ok {
			for i, e := range elems {
				ep := fmt.Sprintf("%s/elements/%d", ptr, i)
				if m, ok := e.(map[string]any); ok && m["type"] == "image" {
					v.image(ep, m, false)
					continue
				}
				v.text(ep, e, textSpec{max: 3000})
			}
		}
	case "input":
		v.optText(ptr, b, "label", textSpec{plainOnly: true, max: 2000}, true)
		v.optText(ptr, b, "hint", textSpec{plainOnly: true, max: 2000}, false)
		if el, ok := b["element"]; ok {
			v.element(ptr+"/element", el, inInput, nil)
		} else {
			v.add(ptr, "missing required field: element")
		}
		v.inputIdx = append(v.inputIdx, idx)
	case "image":
		v.image(ptr, b, true)
	case "rich_text":
		v.array(ptr, b, "elements", 0, 1<<20, true)
	case "markdown":
		v.maxLen(ptr, b, "text", 12000, true)
		if s, ok := b["text"].(string); ok {
			v.textLen += utf8.RuneCountInString(s)
		}
	case "video":
		for _, k := range []string{"alt_text", "title", "thumbnail_url", "video_url"} {
			if _, ok := b[k]; !ok {
				v.addf(ptr, "missing required field: %s", k)
			}
		}
	case "file":
		v.maxLen(ptr, b, "external_id", 255, true)
		v.maxLen(ptr, b, "source", 255, true)
	case "":
		v.add(ptr, "missing required field: type")
	default:
		v.addf(ptr+"/type", "unsupported type: %s", typ)
	}
}

func (v *validator) image(ptr string, m map[string]any, isBlock bool) {
	_, hasURL := m["image_url"]
	_, hasFile := m["slack_file"]
	if !hasURL && !hasFile {
		v.add(ptr, "missing required field: image_url")
	}
	v.maxLen(ptr, m, "image_url", 3000, false)
	v.maxLen(ptr, m, "alt_text", 2000, true)
	if isBlock {
		v.optText(ptr, m, "title", textSpec{plainOnly: true, max: 2000}, false)
	}
}

type elemContext int

const (
	inActions elemContext = iota
	inInput
	inAccessory
)

// elementAllowed encodes which interactive elements each block accepts.
func elementAllowed(where elemContext, typ string) (known, allowed bool) {
	switch typ {
	case "button", "overflow", "workflow_button":
		return true, where != inInput
	case "image":
		return true, where == inAccessory
	case "plain_text_input", "email_text_input", "url_text_input", "number_input", "file_input":
		return true, where == inInput
	case "rich_text_input":
		return true, where != inAccessory
	case "checkboxes", "radio_buttons", "datepicker", "timepicker", "datetimepicker",
		"static_select", "external_select", "users_select", "conversations_select", "channels_select",
		"multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select":
		return true, true
	}
	return false, false
}

func (v *validator) element(ptr string, val any, where elemContext, actionIDs map[string]bool) {
	e, ok := val.(map[string]any)
	if !ok {
		v.add(ptr, "failed to match all allowed schemas")
		return
	}
	typ, _ := e["type"].(string)
	if typ == "" {
		v.add(ptr, "missing required field: type")
		return
	}
	if known, allowed := elementAllowed(where, typ); !known || !allowed {
		v.addf(ptr+"/type", "unsupported type: %s", typ)
		return
	}
	if raw, present := e["action_id"]; present {
		id, ok := raw.(string)
		n := utf8.RuneCountInString(id)
		switch {
		case !ok:
			v.add(ptr+"/action_id", "must be a string")
		case n == 0:
			v.add(ptr+"/action_id", "must be more than 0 characters")
		case n > 255:
			v.add(ptr+"/action_id", "must be less than 256 characters")
		case actionIDs != nil && actionIDs[id]:
			v.addf(ptr+"/action_id", "duplicate action_id: %s", id)
		case actionIDs != nil:
			actionIDs[id] = true
		}
	}
	if c, ok := e["confirm"]; ok {
		v.confirm(ptr+"/confirm", c)
	}
	v.optText(ptr, e, "placeholder", textSpec{plainOnly: true, max: 150}, false)
	switch typ {
	case "button":
		v.optText(ptr, e, "text", textSpec{plainOnly: true, max: 75}, true)
		v.maxLen(ptr, e, "value", 2000, false)
		v.maxLen(ptr, e, "url", 3000, false)
		v.maxLen(ptr, e, "accessibility_label", 75, false)
		if st, ok := e["style"]; ok && st != "primary" && st != "danger" {
			v.add(ptr+"/style", "must be one of primary, danger")
		}
	case "workflow_button":
		v.optText(ptr, e, "text", textSpec{plainOnly: true, max: 75}, true)
	case "static_select", "multi_static_select":
		_, hasOpts := e["options"]
		_, hasGroups := e["option_groups"]
		if hasOpts == hasGroups {
			v.add(ptr, "must provide exactly one of options, option_groups")
		}
		if opts, ok := v.array(ptr, e, "options", 1, 100, false); ok {
			v.options(ptr+"/options", opts, true)
		}
		if groups, ok := v.array(ptr, e, "option_groups", 1, 100, false); ok {
			for i, g := range groups {
				gp := fmt.Sprintf("%s/option_groups/%d", ptr, i)
				gm, ok := g.(map[string]any)
				if !ok {
					v.add(gp, "must be an object")
					continue
				}
				v.optText(gp, gm, "label", textSpec{plainOnly: true, max: 75}, true)
				if opts, ok := v.array(gp, gm, "options", 1, 100, true); ok {
					v.options(gp+"/options", opts, true)
				}
			}
		}
		v.initialOptions(ptr, e, true)
	case "overflow":
		if opts, ok := v.array(ptr, e, "options", 1, 5, true); ok {
			v.options(ptr+"/options", opts, true)
		}
	case "radio_buttons", "checkboxes":
		if opts, ok := v.array(ptr, e, "options", 1, 10, true); ok {
			v.options(ptr+"/options", opts, false)
		}
		v.initialOptions(ptr, e, false)
	case "plain_text_input":
		v.intRange(ptr, e, "min_length", 0, 3000)
		v.intRange(ptr, e, "max_length", 1, 3000)
	case "image":
		v.image(ptr, e, false)
	}
}

func (v *validator) initialOptions(ptr string, e map[string]any, plainOnly bool) {
	if o, ok := e["initial_option"]; ok && o != nil {
		v.option(ptr+"/initial_option", o, plainOnly)
	}
	if os, ok := e["initial_options"].([]any); ok {
		v.options(ptr+"/initial_options", os, plainOnly)
	}
}

func (v *validator) options(ptr string, opts []any, plainOnly bool) {
	for i, o := range opts {
		v.option(fmt.Sprintf("%s/%d", ptr, i), o, plainOnly)
	}
}

// option checks an option object. Selects and overflow menus take
// plain_text only; checkboxes and radio buttons also accept mrkdwn.
func (v *validator) option(ptr string, val any, plainOnly bool) {
	o, ok := val.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	spec := textSpec{plainOnly: plainOnly, max: 75}
	v.optText(ptr, o, "text", spec, true)
	v.maxLen(ptr, o, "value", 75, true)
	v.optText(ptr, o, "description", spec, false)
	v.maxLen(ptr, o, "url", 3000, false)
}

func (v *validator) confirm(ptr string, val any) {
	c, ok := val.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	v.optText(ptr, c, "title", textSpec{plainOnly: true, max: 100}, true)
	v.optText(ptr, c, "text", textSpec{max: 300}, true)
	v.optText(ptr, c, "confirm", textSpec{plainOnly: true, max: 30}, true)
	v.optText(ptr, c, "deny", textSpec{plainOnly: true, max: 30}, true)
}

func (v *validator) intRange(ptr string, obj map[string]any, key string, lo, hi int64) {
	raw, present := obj[key]
	if !present {
		return
	}
	num, ok := raw.(json.Number)
	if !ok {
		v.add(ptr+"/"+key, "must be an integer")
		return
	}
	n, err := num.Int64()
	switch {
	case err != nil:
		v.add(ptr+"/"+key, "must be an integer")
	case n < lo:
		v.addf(ptr+"/"+key, "must be greater than or equal to %d", lo)
	case n > hi:
		v.addf(ptr+"/"+key, "must be less than or equal to %d", hi)
	}
}

// normalizeBlocks gives every block a block_id, as Slack does when it
// stores a message; actions on those blocks then carry that id.
func normalizeBlocks(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var blocks []map[string]json.RawMessage
	if json.Unmarshal(raw, &blocks) != nil {
		return cloneRaw(raw)
	}
	used := make(map[string]bool, len(blocks))
	for _, b := range blocks {
		if id := jsonString(b["block_id"]); id != "" {
			used[id] = true
		}
	}
	for _, b := range blocks {
		if _, ok := b["block_id"]; ok {
			continue
		}
		id := randomHex(3)[:5]
		for used[id] {
			id = randomHex(3)[:5]
		}
		used[id] = true
		b["block_id"] = mustJSON(id)
	}
	out, err := json.Marshal(blocks)
	if err != nil {
		return cloneRaw(raw)
	}
	return out
}

func hasContentBlocks(raw json.RawMessage) bool {
	var blocks []json.RawMessage
	return json.Unmarshal(raw, &blocks) == nil && len(blocks) > 0
}

// inputBlockIDs returns the block_ids of a view's input blocks, or nil if
// the blocks cannot be read.
func inputBlockIDs(raw json.RawMessage) map[string]bool {
	var blocks []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
	}
	if json.Unmarshal(raw, &blocks) != nil {
		return nil
	}
	ids := make(map[string]bool)
	for _, b := range blocks {
		if b.Type == "input" && b.BlockID != "" {
			ids[b.BlockID] = true
		}
	}
	return ids
}
