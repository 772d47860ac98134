package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/lib/pq"
)

// dbTimeout bounds each administrative statement.
const dbTimeout = 30 * time.Second

// freshDatabase creates an empty database (no schema: the bot migrates it
// at start, which is part of what start-up time measures) and returns its
// URL and a function that drops it.
func freshDatabase(ctx context.Context, adminURL string) (dsn string, drop func() error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("-admin-url must be a postgres:// URL")
	}
	if err := loopbackOnly(u.Hostname()); err != nil {
		return "", nil, fmt.Errorf("-admin-url: %w", err)
	}
	connector, err := pq.NewConnector(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("-admin-url: %w", err)
	}
	admin := sql.OpenDB(connector)
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails since Go 1.24
	name := "interviewbot_load_" + hex.EncodeToString(b)

	cctx, cancel := context.WithTimeout(ctx, dbTimeout)
	defer cancel()
	if _, err := admin.ExecContext(cctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop = func() error {
		defer admin.Close()
		// Not bound to ctx: an interrupted run still cleans up.
		dctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		if _, err := admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	du := *u
	du.Path = "/" + name
	return du.String(), drop, nil
}

// loopbackOnly refuses any host that is not this machine: load goes to
// 127.0.0.1 and nowhere else.
func loopbackOnly(host string) error {
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("host %q is not a loopback address; the load tool only talks to this machine", host)
}
