package handlers_test

import (
	"encoding/binary"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// roundTrips is a TCP proxy in front of Postgres that counts the client's
// round trips: each Sync of the extended protocol, and each simple Query,
// is a point where the client waits for the server.
type roundTrips struct {
	ln    net.Listener
	count atomic.Int64
	wg    sync.WaitGroup
}

func newRoundTrips(t testing.TB, target string) *roundTrips {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &roundTrips{ln: ln}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.DialTimeout("tcp", target, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.wg.Go(func() { io.Copy(c, s); c.Close() })
			p.wg.Go(func() { p.client(c, s); s.Close() })
		}
	})
	t.Cleanup(func() { ln.Close() })
	return p
}

// client copies the client's messages to the server, counting Sync ('S')
// and Query ('Q') messages after the startup message.
func (p *roundTrips) client(c, s net.Conn) {
	var n [4]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return
	}
	startup := make([]byte, binary.BigEndian.Uint32(n[:])-4)
	if _, err := io.ReadFull(c, startup); err != nil {
		return
	}
	if _, err := s.Write(append(n[:], startup...)); err != nil {
		return
	}
	var head [5]byte
	for {
		if _, err := io.ReadFull(c, head[:]); err != nil {
			return
		}
		if head[0] == 'S' || head[0] == 'Q' {
			p.count.Add(1)
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		if _, err := s.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// TestDailyRoundTrips counts the network round trips to Postgres of one
// daily post, beyond the tick's one query for what is due (issue 12: at
// most 3). A post is two statements: the claim (which brings the
// channel's history along) and the record (which logs the post and moves
// the schedule on). lib/pq sends a statement with parameters as Parse,
// then Bind and Execute, waiting for each: two round trips, one with
// binary_parameters=yes in the connection string.
func TestDailyRoundTrips(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		option string
		want   int64
	}{{"", 4}, {"binary_parameters=yes", 2}} {
		t.Run(tt.option, func(t *testing.T) {
			t.Parallel()
			if got := postRoundTrips(t, tt.option); got > tt.want {
				t.Errorf("one daily post took %d round trips, want at most %d", got, tt.want)
			} else {
				t.Logf("one daily post: %d database round trips", got)
			}
		})
	}
}

func postRoundTrips(t *testing.T, option string) int64 {
	dsn := storagetest.NewDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newRoundTrips(t, u.Host)
	u.Host = p.ln.Addr().String()
	if option != "" {
		u.RawQuery += "&" + option
	}
	db, err := storage.Open(t.Context(), u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	created := local(t, "UTC", "2026-11-25 12:00")
	if _, err := db.SaveSchedule(t.Context(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend",
		Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: created, NextDue: local(t, "UTC", "2026-11-26 09:00")}); err != nil {
		t.Fatal(err)
	}
	fs := &fakeSlack{}
	now := local(t, "UTC", "2026-11-26 09:00")
	c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: func() time.Time { return now }})
	// Production keeps team questions in memory; wait (bounded) until a
	// read of them costs no round trip.
	db.CacheTeamQuestions(t.Context())
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		before := p.count.Load()
		if _, err := db.TeamQuestions(t.Context(), "T1"); err != nil {
			t.Fatal(err)
		}
		if p.count.Load() == before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the team-question cache did not come up in 10 s")
		}
	}
	due, err := c.DueSchedules(t.Context(), now)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueSchedules = %v, %v", due, err)
	}
	before := p.count.Load()
	res, err := c.RunSchedule(t.Context(), due[0], now)
	if err != nil || res != handlers.DailyPosted {
		t.Fatalf("RunSchedule = %v, %v", res, err)
	}
	if n := fs.count("C1"); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
	return p.count.Load() - before
}
