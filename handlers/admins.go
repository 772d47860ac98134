package handlers

import (
	"context"
	"fmt"
	"strings"
)

// userLookup reads a Slack user's profile (users.info).
type userLookup interface {
	User(ctx context.Context, userID string) (User, error)
}

// admins decides who may change what the whole team shares: the users
// listed in INTERVIEWBOT_ADMINS, and workspace admins and owners.
type admins struct {
	listed map[string]bool
	users  userLookup
}

func newAdmins(ids []string, users userLookup) admins {
	a := admins{listed: map[string]bool{}, users: users}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			a.listed[id] = true
		}
	}
	return a
}

// is says whether user is an admin.
func (a admins) is(ctx context.Context, userID string) (bool, error) {
	if a.listed[userID] {
		return true, nil
	}
	u, err := a.users.User(ctx, userID)
	if err != nil {
		return false, fmt.Errorf("look up user %s: %w", userID, err)
	}
	return (u.IsAdmin || u.IsOwner) && !u.Deleted, nil
}

// require returns a refusal reply, and ok false, when the user is not an
// admin; what completes "I didn't …" and "Only admins can …".
func (a admins) require(ctx context.Context, userID, what string) (Reply, bool, error) {
	ok, err := a.is(ctx, userID)
	if err != nil {
		return failure("I couldn't check whether you are an admin, so I didn't " + what + ". Please try again in a minute."), false, err
	}
	if !ok {
		return reply(textMessage("Only admins can " + what + ": workspace admins and owners, and the users listed in INTERVIEWBOT_ADMINS. Ask one of them.")), false, nil
	}
	return Reply{}, true, nil
}
