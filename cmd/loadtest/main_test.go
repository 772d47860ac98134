package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary serve as the floor: the load tool re-runs
// its own executable with the floor subcommand, and under go test that
// executable is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == floorCommand {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest floor:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// requirePostgres skips the test when Postgres is not listening, except
// under CI, where it always is and a skip would hide a broken tool.
func requirePostgres(t *testing.T) {
	t.Helper()
	addr := "127.0.0.1:5432"
	if u, err := url.Parse(os.Getenv("TEST_DATABASE_URL")); err == nil && u.Host != "" {
		addr = u.Host
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("Postgres is unreachable under CI: %v", err)
	}
	t.Skipf("Postgres is unreachable at %s: %v", addr, err)
}

// TestLoadtestEndToEnd runs the whole tool with a tiny load: the real bot
// built from this tree, a fresh database, the floor subprocess. It checks
// that every command was answered and the report is complete, never how
// fast: timings belong to docs/benchmarks.md, not to CI.
func TestLoadtestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot; skipped with -short")
	}
	requirePostgres(t)

	// The build has its own bound: a cold build cache is slow on CI and
	// is not what the run's ~60 s bound is about.
	bctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	bot := filepath.Join(t.TempDir(), "interviewbot")
	if err := buildBot(bctx, bot); err != nil {
		t.Fatal(err)
	}

	cfg, err := parseFlags([]string{"-n", "50", "-c", "4", "-warmup", "5", "-bot", bot, "-timeout", "60s", "-start-timeout", "20s", "-max-other", "1"}, os.Getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	rep, err := loadtest(t.Context(), cfg, &logs)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s", err, logs.String())
	}
	if len(rep.runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(rep.runs))
	}
	p := rep.runs[0]
	if !p.freshDB || p.answerBytes < 1000 {
		t.Errorf("freshDB = %v, answer %d bytes; want a fresh database and a list of questions in the ack", p.freshDB, p.answerBytes)
	}
	for _, s := range []*side{p.bot, p.floor} {
		if s == nil {
			t.Fatal("a side was not measured")
		}
		if got := len(s.latency); got != 50 || s.missing != 0 || s.empty != 0 {
			t.Errorf("%s: %d acks (%d missing, %d without the answer), want 50 answered; errors: %q", s.name, got, s.missing, s.empty, s.callErrs)
		}
		if len(s.standIn) > 0 {
			t.Errorf("%s: the stand-in recorded protocol errors: %q", s.name, s.standIn)
		}
		if s.peakKiB() <= 0 || s.startConnected <= 0 || s.startReady < s.startConnected {
			t.Errorf("%s: peak %d KiB, start→connected %v, start→ready %v: not measured", s.name, s.peakKiB(), s.startConnected, s.startReady)
		}
		if s.pct(0.5) <= 0 || s.pct(0.99) < s.pct(0.5) || s.wall <= 0 {
			t.Errorf("%s: p50 %v, p99 %v, wall %v: implausible", s.name, s.pct(0.5), s.pct(0.99), s.wall)
		}
	}
	var out strings.Builder
	rep.print(&out)
	for _, want := range []string{"bot/floor", "ack p99", "CPU ms per 1k commands", "peak RSS (VmHWM)", "start → ready", "targets (bot):", "CPU per command ≤"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("report:\n%s", out.String())
}

func TestPercentile(t *testing.T) {
	s := &side{}
	for i := 1; i <= 100; i++ {
		s.latency = append(s.latency, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0.001, time.Millisecond}} {
		if got := s.pct(tc.q); got != tc.want {
			t.Errorf("pct(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := (&side{}).pct(0.99); got != 0 {
		t.Errorf("pct of no acks = %v, want 0", got)
	}
}

func TestCombine(t *testing.T) {
	vs := []float64{3, 1, 2, 10}
	if got := combine(median, vs); got != 2.5 {
		t.Errorf("median = %v, want 2.5", got)
	}
	if got := combine(median, vs[:3]); got != 2 {
		t.Errorf("median of 3 = %v, want 2", got)
	}
	if got := combine(sum, vs); got != 16 {
		t.Errorf("sum = %v, want 16", got)
	}
	if got := combine(peak, vs); got != 10 {
		t.Errorf("peak = %v, want 10", got)
	}
}

func TestProcReaders(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	m, err := readMemory(os.Getpid())
	if err != nil || m.hwm <= 0 || m.rss <= 0 || m.rss > m.hwm {
		t.Errorf("readMemory(self) = %+v, %v", m, err)
	}
	if _, err := cpuTime(os.Getpid()); err != nil {
		t.Errorf("cpuTime(self): %v", err)
	}
}

func TestLogTail(t *testing.T) {
	l := newLogTail(2, nil)
	// Written in pieces, as a pipe delivers it.
	for _, chunk := range []string{
		`{"level":"INFO","msg":"interviewbot starting","http_addr":"127.0.0.1:4`,
		"1234\"}\n{\"level\":\"ERROR\",\"msg\":\"boom\"}\nnot json\n",
		`{"level":"INFO","msg":"interviewbot starting","http_addr":"127.0.0.1:1"}` + "\n",
	} {
		if _, err := l.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case a := <-l.addrCh:
		if a != "127.0.0.1:41234" {
			t.Errorf("address = %q, want the first one logged", a)
		}
	default:
		t.Fatal("no address found")
	}
	if l.errorLines() != 1 {
		t.Errorf("error lines = %d, want 1", l.errorLines())
	}
	if got := l.String(); strings.Contains(got, "boom") || !strings.Contains(got, "not json") {
		t.Errorf("tail keeps the wrong lines:\n%s", got)
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.n != 5000 || cfg.c != 16 || cfg.text != "senior-backend technical" || cfg.adminURL != defaultAdminURL || !cfg.floor || cfg.runs != 1 || cfg.checkEvery != 1 {
		t.Errorf("defaults = %+v", cfg)
	}
	if cfg, err := parseFlags([]string{"-validate", "sample"}, os.Getenv, io.Discard); err != nil || cfg.checkEvery != sampledChecks {
		t.Errorf("-validate sample: checkEvery %d, %v", cfg.checkEvery, err)
	}
	for _, args := range [][]string{
		{"-n", "0"}, {"-c", "0"}, {"-runs", "0"}, {"-max-other", "0"}, {"-warmup", "-1"},
		{"-ack-deadline", "5s", "-call-timeout", "1s"}, {"extra"}, {"-validate", "none"},
	} {
		if _, err := parseFlags(args, os.Getenv, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for host, ok := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.0.0.2": true, "10.0.0.1": false, "example.com": false, "": false} {
		if err := loopbackOnly(host); (err == nil) != ok {
			t.Errorf("loopbackOnly(%q) = %v", host, err)
		}
	}
}

func TestForeignCPU(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	before := cpuSnapshot{machine: ms(1000), self: ms(100), subject: ms(200), postgres: map[int]time.Duration{7: ms(50)}, ok: true}
	after := cpuSnapshot{machine: ms(2000), self: ms(400), subject: ms(600), postgres: map[int]time.Duration{7: ms(100), 8: ms(30)}, ok: true}
	// 1000 busy = 300 self + 400 subject + 80 postgres + 220 others.
	if got, ok := foreignCPU(before, after); !ok || got != ms(220) {
		t.Errorf("foreignCPU = %v, %v; want 220ms", got, ok)
	}
	if _, ok := foreignCPU(cpuSnapshot{}, after); ok {
		t.Error("foreignCPU accepted a failed snapshot")
	}
	if s := takeCPUSnapshot(os.Getpid()); !s.ok && runtime.GOOS == "linux" {
		t.Error("takeCPUSnapshot(self) failed on Linux")
	}
}
