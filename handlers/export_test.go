package handlers

import "context"

// PostPanelKit posts a kit as `kit <role> … with … on … for …` does.
// The parser that reads those words is another branch's; until it lands
// the tests build the panel part of the command here.
func (c *Commands) PostPanelKit(ctx context.Context, s Slash, cmd Command, panel []string, interview, candidate string) (Reply, error) {
	spec := kitSpecOf(cmd)
	spec.panel, spec.interview, spec.candidate = panel, interview, candidate
	return c.kits.post(ctx, s, spec)
}

// CloseKit and DeleteKit answer `kit close <id>` and `kit delete <id>`.
func (c *Commands) CloseKit(ctx context.Context, s Slash, id string) (Reply, error) {
	return c.panels.closeKit(ctx, s, id)
}

func (c *Commands) DeleteKit(ctx context.Context, s Slash, id string) (Reply, error) {
	return c.panels.deleteKit(ctx, s, id)
}

// OpenKitBuilder answers `kit` alone.
func (c *Commands) OpenKitBuilder(ctx context.Context, s Slash) (Reply, error) {
	return c.kits.openBuilder(ctx, s)
}
