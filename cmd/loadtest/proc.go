package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a subprocess gets to exit after SIGTERM before it
// is killed; the bot drains in-flight envelopes first, which takes
// milliseconds once the load has stopped.
const stopGrace = 5 * time.Second

// proc is a subprocess under measurement: the bot or the floor.
type proc struct {
	name    string
	cmd     *exec.Cmd
	started time.Time
	logs    *logTail
	done    chan struct{} // closed when Wait returned
	waitErr error         // valid after done
}

// startProc starts path with args and exactly env (not this process's
// environment, so that a stray LOG_LEVEL or token can't skew a run). The
// caller must call stop, on every path.
func startProc(name, path string, args, env []string, passLogs io.Writer) (*proc, error) {
	p := &proc{name: name, logs: newLogTail(50, passLogs), done: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Env = env
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	p.cmd.SysProcAttr = sysProcAttr()
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended, with its error.
func (p *proc) exited() (bool, error) {
	select {
	case <-p.done:
		return true, fmt.Errorf("%s exited early (%v); last output:\n%s", p.name, p.waitErr, p.logs.String())
	default:
		return false, nil
	}
}

// stop asks the process to exit (SIGTERM, as a deployment would) and kills
// it when it has not within stopGrace. It is safe to call twice.
func (p *proc) stop() error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not exit within %v of SIGTERM; killed", p.name, stopGrace)
	}
}

// memory is what /proc/<pid>/status says about a process's memory, in KiB.
type memory struct {
	rss, hwm int64
}

// readMemory reads VmRSS and VmHWM (the peak resident set since start).
func readMemory(pid int) (memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("read memory of pid %d: %w", pid, err)
	}
	var m memory
	for line := range strings.Lines(string(data)) {
		key, val, ok := strings.Cut(line, ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("parse %s of pid %d: %w", key, pid, err)
		}
		if key == "VmRSS" {
			m.rss = kb
		} else {
			m.hwm = kb
		}
	}
	if m.hwm == 0 {
		return memory{}, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
	}
	return m, nil
}

// sampleMemory samples the process's memory every period until ctx ends
// and returns the highest VmRSS and VmHWM seen. Sampling shows whether the
// peak is a start-up spike or load; VmHWM alone can't tell.
func sampleMemory(ctx context.Context, pid int, period time.Duration) <-chan memory {
	out := make(chan memory, 1)
	go func() {
		var peak memory
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			if m, err := readMemory(pid); err == nil {
				peak.rss = max(peak.rss, m.rss)
				peak.hwm = max(peak.hwm, m.hwm)
			}
			select {
			case <-ctx.Done():
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports.
const clockTicks = 100

// cpuTime is the user plus system CPU time the process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time of pid %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start past the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// logTail keeps a subprocess's last lines for error messages, finds the
// bot's "interviewbot starting" line (which names its HTTP address, so the
// bot can listen on port 0), and counts error-level lines.
type logTail struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	keep    int
	pass    io.Writer // nil: keep the logs to ourselves
	errs    int
	addrCh  chan string
	addrSet bool
}

func newLogTail(keep int, pass io.Writer) *logTail {
	return &logTail{keep: keep, pass: pass, addrCh: make(chan string, 1)}
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pass != nil {
		_, _ = l.pass.Write(p)
	}
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	// A line longer than this is not a log line worth keeping whole.
	if len(l.partial) > 64<<10 {
		l.line(string(l.partial))
		l.partial = l.partial[:0]
	}
	return len(p), nil
}

func (l *logTail) line(s string) {
	if len(l.lines) == l.keep {
		l.lines = l.lines[1:]
	}
	l.lines = append(l.lines, s)
	var rec struct {
		Level    string `json:"level"`
		Msg      string `json:"msg"`
		HTTPAddr string `json:"http_addr"`
	}
	if json.Unmarshal([]byte(s), &rec) != nil {
		return
	}
	if rec.Level == "ERROR" {
		l.errs++
	}
	if rec.Msg == "interviewbot starting" && rec.HTTPAddr != "" && !l.addrSet {
		l.addrSet = true
		l.addrCh <- rec.HTTPAddr
	}
}

// errorLines is the number of error-level log lines so far.
func (l *logTail) errorLines() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errs
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, s := range l.lines {
		b.WriteString("  | ")
		b.WriteString(s)
		b.WriteByte('\n')
	}
	if len(l.partial) > 0 {
		b.WriteString("  | ")
		b.Write(l.partial)
		b.WriteByte('\n')
	}
	return b.String()
}

// waitAddr returns the HTTP address the bot logged at start.
func (p *proc) waitAddr(ctx context.Context) (string, error) {
	select {
	case a := <-p.logs.addrCh:
		return a, nil
	case <-p.done:
		_, err := p.exited()
		return "", err
	case <-ctx.Done():
		return "", fmt.Errorf("%s did not log its HTTP address: %w", p.name, ctx.Err())
	}
}

// machineBusy is the CPU time all processes have used so far, from the
// first line of /proc/stat: user, nice, system, irq, softirq and steal.
func machineBusy() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("read machine cpu time: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, errors.New("malformed /proc/stat")
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// postgresCPU is the CPU time of every process named postgres, by pid:
// the database's work for the bot is part of what is measured, not noise.
func postgresCPU() map[int]time.Duration {
	out := map[int]time.Duration{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		if t, err := cpuTime(pid); err == nil {
			out[pid] = t
		}
	}
	return out
}

// cpuSnapshot is taken before and after a measured phase to tell how much
// CPU went to processes that are not part of the measurement: other work
// on a shared machine, which makes the figures unreliable.
type cpuSnapshot struct {
	machine, self, subject time.Duration
	postgres               map[int]time.Duration
	ok                     bool
}

func takeCPUSnapshot(subject int) cpuSnapshot {
	var s cpuSnapshot
	var err1, err2, err3 error
	s.machine, err1 = machineBusy()
	s.self, err2 = cpuTime(os.Getpid())
	s.subject, err3 = cpuTime(subject)
	s.postgres = postgresCPU()
	s.ok = err1 == nil && err2 == nil && err3 == nil
	return s
}

// foreignCPU is the CPU that processes other than this one, the subject
// and Postgres used between two snapshots.
func foreignCPU(before, after cpuSnapshot) (time.Duration, bool) {
	if !before.ok || !after.ok {
		return 0, false
	}
	known := (after.self - before.self) + (after.subject - before.subject)
	for pid, t := range after.postgres {
		known += t - before.postgres[pid] // a new backend counts from zero
	}
	return max(after.machine-before.machine-known, 0), true
}
