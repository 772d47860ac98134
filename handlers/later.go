package handlers

import "context"

func (c *Commands) kitCommand(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	return reply(textMessage("Interview kits are coming soon.")), nil
}

func (c *Commands) dailyCommand(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	return reply(textMessage("Daily questions are coming soon.")), nil
}
