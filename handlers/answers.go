package handlers

import (
	"context"
	"slices"
	"sync"

	"github.com/interviewbot/interviewbot/questions"
)

// teamVersions tells when a team's bank (its questions, roles, categories
// and hidden questions) changed, so that an answer showing it is rendered
// and encoded again only then.
type teamVersions interface {
	// TeamBankVersion returns a number that changes whenever the team's
	// bank may have changed, through any replica, and whether it can be
	// trusted now. It is read before the bank it versions, so that an
	// answer cached under it is never older than it.
	TeamBankVersion(teamID string) (version uint64, ok bool)
}

// maxTeamAnswers bounds the answers kept for teams with questions of their
// own: at most a few MB, whatever team ids and versions come along.
const maxTeamAnswers = 256

// answerKey names an answer that depends on nothing a request brings but
// its words: the help (name: its topic), the roles, a role card (name: the
// role's slug) or one page of a category's list. Only names that exist in
// the bank and pages that exist in the list become keys, so the answers
// built from the bank alone are as many as the bank's pages, roles and
// help topics.
type answerKey struct {
	kind     Kind
	name     string
	category string
	page     int
}

// teamAnswerKey names an answer showing what one team changed in the bank.
type teamAnswerKey struct {
	team string
	answerKey
}

type teamAnswer struct {
	version uint64
	m       *Message
}

// answers keeps answers that do not change between requests rendered,
// checked against Block Kit's limits and encoded for the acknowledgement,
// so that each is made once and sent as bytes afterwards: answers built
// from the built-in bank alone (which is fixed at start) for as long as the
// process runs, answers showing what a team changed in it until the
// store's version of the team's bank moves.
type answers struct {
	// encode is EncodeAck; the tests count its calls.
	encode func(Message) ([]byte, error)

	mu   sync.Mutex
	bank map[answerKey]*Message
	team map[teamAnswerKey]teamAnswer
}

func newAnswers() *answers {
	return &answers{encode: EncodeAck, bank: map[answerKey]*Message{}, team: map[teamAnswerKey]teamAnswer{}}
}

// fromBank returns the answer key names for every team, rendering it the
// first time. key must name something the bank has (see answerKey).
func (a *answers) fromBank(key answerKey, render func() *Message) *Message {
	a.mu.Lock()
	m, ok := a.bank[key]
	a.mu.Unlock()
	if !ok {
		m = a.seal(render())
		a.mu.Lock()
		if first, ok := a.bank[key]; ok {
			m = first // a concurrent request rendered it too
		} else {
			a.bank[key] = m
		}
		a.mu.Unlock()
	}
	return handOut(m)
}

// fromTeam returns the answer key names for a team whose own bank it
// shows, at version, rendering it when it has none at that version.
func (a *answers) fromTeam(teamID string, version uint64, key answerKey, render func() *Message) *Message {
	k := teamAnswerKey{team: teamID, answerKey: key}
	a.mu.Lock()
	e, ok := a.team[k]
	a.mu.Unlock()
	if ok && e.version == version {
		return handOut(e.m)
	}
	m := a.seal(render())
	a.mu.Lock()
	defer a.mu.Unlock()
	if cur, ok := a.team[k]; !ok || cur.version <= version {
		if !ok && len(a.team) >= maxTeamAnswers {
			for old := range a.team { // any one: the map's order is random
				delete(a.team, old)
				break
			}
		}
		a.team[k] = teamAnswer{version: version, m: m}
	}
	return handOut(m)
}

// seal encodes m's acknowledgement once, before m is shared.
func (a *answers) seal(m *Message) *Message {
	encodeOnce(m, a.encode)
	return m
}

// handOut returns a copy of a shared answer that its receiver may change:
// setting a field changes only the copy, and an append to its blocks moves
// them rather than writing into the shared array (which also tells AckJSON
// that its encoding no longer applies). The blocks themselves are shared,
// as they were before: replace the slice, never one of its elements.
func handOut(m *Message) *Message {
	cp := *m
	cp.Blocks = slices.Clip(cp.Blocks)
	return &cp
}

// teamVersion is the store's version of a team's bank, read before it.
type teamVersion struct {
	team    string
	version uint64
	ok      bool
}

func (l *lists) teamVersion(teamID string) teamVersion {
	v, ok := l.versions.TeamBankVersion(teamID)
	return teamVersion{team: teamID, version: v, ok: ok}
}

// answer returns the answer key names: the one for every team when it
// shows nothing the team changed in the bank (own is false), the team's at
// tv when it does, or, when tv can't be trusted, a fresh one.
func (l *lists) answer(tv teamVersion, own bool, key answerKey, render func() *Message) *Message {
	switch {
	case !own:
		return l.answers.fromBank(key, render)
	case tv.ok:
		return l.answers.fromTeam(tv.team, tv.version, key, render)
	}
	return render()
}

// listPool is pool for a list, and whether the list is the team's own:
// whether the team has questions in it, or changed its category (hid
// questions, or made it). Only a list that is not is the same for every
// team. Without team questions the pool holds the category's own slice,
// not a copy (copying it was most of a cached list's cost): the list only
// reads it.
func (l *lists) listPool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) (pool, bool, error) {
	v, err := l.view(ctx, teamID)
	r, cat = v.resolve(r, cat)
	p := pool{role: r, category: cat, questions: cat.Questions}
	for _, tq := range v.questions {
		if tq.Role == r.Slug && tq.Category == cat.Slug {
			p.questions = withTeam(r, cat, v.questions)
			return p, true, err
		}
	}
	// A team that changed nothing sees the built-in categories.
	return p, v.bank != l.bank && !l.builtinCategory(p), err
}

// plain says whether the team sees the built-in bank as it is: no
// questions, roles or categories of its own, nothing hidden.
func (l *lists) plain(v teamView) bool {
	return v.bank == l.bank && len(v.questions) == 0
}
