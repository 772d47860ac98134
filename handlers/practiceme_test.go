package handlers_test

import (
	"context"

	"github.com/slack-go/slack"
)

func (f *fakeSlack) PublishView(context.Context, string, slack.HomeTabViewRequest) error { return nil }
