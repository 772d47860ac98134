package handlers

import "context"

// Hide and Unhide run `hide <id>` and `unhide <id>` without the parser.
func (c *Commands) Hide(ctx context.Context, s Slash, id string) (Reply, error) {
	return c.teamBank.hide(ctx, s, id)
}

func (c *Commands) Unhide(ctx context.Context, s Slash, id string) (Reply, error) {
	return c.teamBank.unhide(ctx, s, id)
}
