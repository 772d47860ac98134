package storage

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
)

// teamQuestionsChannel is the Postgres NOTIFY channel on which every write
// to team_questions names the team it changed.
const teamQuestionsChannel = "interviewbot_team_questions"

// teamCache keeps each team's bank (its questions, roles, categories and
// hidden questions) in memory, so that read-only commands (lists, role
// cards) make no database round trip. It is trusted only while a LISTEN
// connection is up: every replica's writes NOTIFY the team they changed,
// in the writing transaction, so an entry is dropped as soon as any
// replica changes it; when the listening connection drops, the cache
// empties and reads go to the database until it is back. The writing
// replica also drops the entry itself right after its transaction, since
// its own NOTIFY comes back only some time later.
type teamCache struct {
	mu    sync.Mutex
	live  bool
	gen   uint64 // bumped by every invalidation, so a read that raced one is not cached
	teams map[string]handlers.TeamBank
}

// get returns a team's cached bank, or the generation to pass to put
// after reading it from the database.
func (c *teamCache) get(teamID string) (handlers.TeamBank, uint64, bool) {
	if c == nil {
		return handlers.TeamBank{}, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	tb, ok := c.teams[teamID]
	if !ok || !c.live {
		return handlers.TeamBank{}, c.gen, false
	}
	return cloneBank(tb), c.gen, true
}

// put caches tb unless something was invalidated since get returned gen.
func (c *teamCache) put(teamID string, tb handlers.TeamBank, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && c.gen == gen {
		c.teams[teamID] = cloneBank(tb)
	}
}

// version is the cache's generation and whether it listens: while it
// does, every change to any team's bank moves the generation.
func (c *teamCache) version() (uint64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.live
}

// invalidate drops a team's entry. Every write calls it right after its
// transaction ends, committed or not, so that the writing replica's next
// read sees the write.
func (c *teamCache) invalidate(teamID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.teams, teamID)
}

// setLive empties the cache and says whether it may fill again: on
// (re)connect nothing cached before can be trusted, on disconnect nothing
// is heard of changes.
func (c *teamCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	c.teams = map[string]handlers.TeamBank{}
}

// cloneBank copies tb deeply: callers may change what they are given.
func cloneBank(tb handlers.TeamBank) handlers.TeamBank {
	out := handlers.TeamBank{
		Roles:      slices.Clone(tb.Roles),
		Categories: slices.Clone(tb.Categories),
		Questions:  slices.Clone(tb.Questions),
		Hidden:     slices.Clone(tb.Hidden),
	}
	for i := range out.Roles {
		out.Roles[i].Aliases = slices.Clone(out.Roles[i].Aliases)
		out.Roles[i].Skills = slices.Clone(out.Roles[i].Skills)
	}
	for i := range out.Categories {
		out.Categories[i].Aliases = slices.Clone(out.Categories[i].Aliases)
	}
	for i := range out.Questions {
		out.Questions[i].Guidance = slices.Clone(out.Questions[i].Guidance)
		out.Questions[i].FollowUps = slices.Clone(out.Questions[i].FollowUps)
	}
	return out
}

// CacheTeamQuestions starts keeping team banks in memory, kept fresh by
// LISTEN/NOTIFY on a dedicated connection, until ctx ends or Close. Call it
// once, after Migrate. Until the listening connection is up (and whenever
// it is down) reads simply go to the database.
func (db *DB) CacheTeamQuestions(ctx context.Context) {
	c := db.cache
	l := pq.NewListener(withConnectTimeout(db.dsn), 100*time.Millisecond, 2*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			c.setLive(false)
		case pq.ListenerEventReconnected:
			// pq has listened on the channel again before this event.
			c.setLive(true)
		}
	})
	ctx, stop := context.WithCancel(ctx)
	db.stopCache = stop
	db.cacheDone.Add(2)
	go func() {
		defer db.cacheDone.Done()
		<-ctx.Done()
		c.setLive(false)
		l.Close() // unblocks Listen while Postgres is down
	}()
	go func() {
		defer db.cacheDone.Done()
		// Listen blocks until the connection is up.
		if err := l.Listen(teamQuestionsChannel); err != nil {
			if ctx.Err() == nil {
				db.log.Warn("team question cache off: cannot listen", "err", err)
			}
			return
		}
		c.setLive(true)
		for {
			select {
			case <-ctx.Done():
				return
			case n, ok := <-l.Notify:
				switch {
				case !ok:
					return
				case n == nil: // reconnected: notifications may have been missed
					c.setLive(true)
				default:
					c.invalidate(n.Extra)
				}
			}
		}
	}()
}

// TeamBankVersion returns a number that changes whenever the team's bank
// (its questions, roles, categories and hidden questions) may have
// changed, through any replica, and whether it can be trusted: only while
// CacheTeamQuestions listens for the changes. It is the cache's
// generation, so a change to any team's bank moves every team's version,
// and so does the listening connection dropping or coming back.
func (db *DB) TeamBankVersion(string) (uint64, bool) {
	return db.cache.version()
}

// notifyTeam tells every replica's cache that the team's questions changed.
// Inside a transaction the notification is delivered at commit.
func (db *DB) notifyTeam(ctx context.Context, teamID string) error {
	_, err := db.q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, teamQuestionsChannel, teamID)
	return err
}

// withConnectTimeout adds Open's connect timeout to dsn unless it has one:
// the listener dials with the raw DSN, and without a timeout a reconnect
// into a partitioned network hangs in the startup handshake, holding the
// lock that Close needs.
func withConnectTimeout(dsn string) string {
	if strings.Contains(dsn, "connect_timeout") {
		return dsn
	}
	secs := strconv.Itoa(int(defaultConnectTimeout / time.Second))
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("connect_timeout", secs)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " connect_timeout=" + secs
}
