package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issues 7 and 12. The tool reports against them; nothing
// fails on them, since timings depend on the machine.
const (
	targetP99Ratio   = 1.2 // bot/floor
	targetCPURatio   = 1.2 // bot/floor, CPU per command
	targetRateRatio  = 0.9 // bot/floor, answers per second
	targetP99        = 20 * time.Millisecond
	targetRate       = 1000.0 // answers per second
	targetPeakBytes  = 50_000_000
	targetStartReady = 300 * time.Millisecond
)

// busyWarning is the share of the machine used by other processes above
// which a run's timings are flagged as unreliable.
const busyWarning = 0.10

// agg says how a metric is combined across runs.
type agg int

const (
	median agg = iota // timings: the middle run
	sum               // counts of failures: every one matters
	peak              // memory: the worst run
)

// metric is one row of the table.
type metric struct {
	name   string
	get    func(*side) float64
	agg    agg
	format func(float64) string
	ratio  bool
}

func msf(v float64) string { return fmt.Sprintf("%.2f ms", v) }

func durMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func count(v float64) string { return fmt.Sprintf("%.0f", v) }

// mbf formats KiB as decimal megabytes, the unit of the 50 MB target.
func mbf(kib float64) string { return fmt.Sprintf("%.1f MB", kib*1024/1e6) }

func latency(name string, q float64) metric {
	return metric{name: name, get: func(s *side) float64 { return durMS(s.pct(q)) }, format: msf, ratio: true}
}

func metrics(cfg config) []metric {
	return []metric{
		latency("ack p50", 0.50),
		latency("ack p90", 0.90),
		latency("ack p99", 0.99),
		latency("ack max", 1),
		{name: "answers/s", get: (*side).answersPerSecond, format: count, ratio: true},
		{name: "CPU ms per 1k commands", get: (*side).cpuPer1k, format: count, ratio: true},
		{name: "load tool CPU ms per 1k", get: func(s *side) float64 {
			if len(s.latency) == 0 {
				return 0
			}
			return durMS(s.toolCPU) / float64(len(s.latency)) * 1000
		}, format: count},
		{name: fmt.Sprintf("timeouts (>%v or none)", cfg.ackDeadline), get: func(s *side) float64 { return float64(s.timeouts()) }, agg: sum, format: count},
		{name: "answers not in the ack", get: func(s *side) float64 { return float64(s.empty) }, agg: sum, format: count},
		{name: "stand-in errors", get: func(s *side) float64 { return float64(len(s.standIn)) }, agg: sum, format: count},
		{name: "error log lines", get: func(s *side) float64 { return float64(s.logErrs) }, agg: sum, format: count},
		{name: "peak RSS (VmHWM)", get: func(s *side) float64 { return float64(s.peakKiB()) }, agg: peak, format: mbf, ratio: true},
		{name: "peak sampled VmRSS", get: func(s *side) float64 { return float64(s.mem.rss) }, agg: peak, format: mbf, ratio: true},
		{name: "other processes' CPU", get: func(s *side) float64 { return s.foreign * 100 }, agg: peak, format: func(v float64) string { return fmt.Sprintf("%.0f%%", v) }},
		{name: "start → connected", get: func(s *side) float64 { return durMS(s.startConnected) }, format: msf, ratio: true},
		{name: "start → ready", get: func(s *side) float64 { return durMS(s.startReady) }, format: msf, ratio: true},
	}
}

// cpuPer1k is the subject's CPU time (user and system, from
// /proc/<pid>/stat) per 1,000 commands acked in the measured phase, in ms.
func (s *side) cpuPer1k() float64 {
	if len(s.latency) == 0 {
		return 0
	}
	return durMS(s.cpu) / float64(len(s.latency)) * 1000
}

func combine(a agg, vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	switch a {
	case sum:
		t := 0.0
		for _, v := range vs {
			t += v
		}
		return t
	case peak:
		return slices.Max(vs)
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// value is a metric over the runs' bots (floor false) or floors.
func (r *report) value(m metric, floor bool) (float64, bool) {
	var vs []float64
	for _, p := range r.runs {
		s := p.bot
		if floor {
			s = p.floor
		}
		if s != nil {
			vs = append(vs, m.get(s))
		}
	}
	return combine(m.agg, vs), len(vs) > 0
}

// ratio is bot/floor: the median of each run's own ratio, since the bot
// and the floor of one run ran minutes apart at most and share the
// machine's mood; for peaks, the ratio of the peaks.
func (r *report) ratio(m metric) (float64, bool) {
	if m.agg != median {
		b, _ := r.value(m, false)
		f, ok := r.value(m, true)
		if !ok || f == 0 {
			return 0, false
		}
		return b / f, true
	}
	var rs []float64
	for _, p := range r.runs {
		if p.floor == nil {
			continue
		}
		if f := m.get(p.floor); f != 0 {
			rs = append(rs, m.get(p.bot)/f)
		}
	}
	return combine(median, rs), len(rs) > 0
}

func (r *report) print(w io.Writer) {
	cfg := r.cfg
	fmt.Fprintf(w, "\ninterviewbot load test: /interview %s\n", cfg.text)
	db := "fresh database per run"
	if cfg.databaseURL != "" {
		db = "existing database (-database-url): start-up not on a fresh database"
	}
	answer := 0
	if len(r.runs) > 0 {
		answer = r.runs[0].answerBytes
	}
	checked := "every answer checked"
	if cfg.checkEvery > 1 {
		checked = fmt.Sprintf("answers checked: all of the warm-up, 1 in %d measured", cfg.checkEvery)
	}
	fmt.Fprintf(w, "N=%d C=%d warm-up=%d runs=%d, %d cores, answer %d bytes in the ack, %s, %s, took %v\n",
		cfg.n, cfg.c, cfg.warmup, len(r.runs), r.cores, answer, db, checked, r.totalRunTime.Round(time.Millisecond))
	if r.discarded > 0 {
		fmt.Fprintf(w, "%d runs were discarded and repeated: other processes used more than %.0f%% of the CPU during them\n", r.discarded, cfg.maxOther*100)
	}
	if len(r.runs) > 1 {
		fmt.Fprintln(w, "timings are medians over the runs, ratios the median of each run's bot/floor; failures are summed, memory is the worst run")
		for i, p := range r.runs {
			fmt.Fprintf(w, "  run %d: bot p50 %s p99 %s %.0f/s %.0f CPU ms/1k ready %s", i+1, msf(durMS(p.bot.pct(.5))), msf(durMS(p.bot.pct(.99))), p.bot.answersPerSecond(), p.bot.cpuPer1k(), msf(durMS(p.bot.startReady)))
			if p.floor != nil {
				fmt.Fprintf(w, " · floor p50 %s p99 %s %.0f/s %.0f CPU ms/1k", msf(durMS(p.floor.pct(.5))), msf(durMS(p.floor.pct(.99))), p.floor.answersPerSecond(), p.floor.cpuPer1k())
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tbot\tfloor\tbot/floor\t\n")
	for _, m := range metrics(cfg) {
		b, _ := r.value(m, false)
		fs, rs := "–", ""
		if f, ok := r.value(m, true); ok {
			fs = m.format(f)
		}
		if rt, ok := r.ratio(m); m.ratio && ok {
			rs = fmt.Sprintf("%.2f×", rt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", m.name, m.format(b), fs, rs)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nstart → ready: the bot's /readyz answers 200 (socket connected, database migrated); the floor has no database.")
	fmt.Fprintln(w, "other processes' CPU: share of the machine used by anything but this tool, the subject and Postgres while measuring (worst run).")
	for i, p := range r.runs {
		for _, s := range []*side{p.bot, p.floor} {
			if s != nil && s.foreign > min(busyWarning, r.cfg.maxOther) {
				fmt.Fprintf(w, "WARNING: run %d %s: other processes used %.0f%% of the CPU while measuring; its timings are not reliable\n", i+1, s.name, s.foreign*100)
			}
		}
	}

	for i, p := range r.runs {
		for _, s := range []*side{p.bot, p.floor} {
			if s == nil {
				continue
			}
			for j, e := range s.standIn {
				if j == maxKeptErrors {
					fmt.Fprintf(w, "run %d %s: … and %d more stand-in errors\n", i+1, s.name, len(s.standIn)-j)
					break
				}
				fmt.Fprintf(w, "run %d %s: stand-in error: %s\n", i+1, s.name, e)
			}
			for _, e := range s.callErrs {
				fmt.Fprintf(w, "run %d %s: command failed: %s\n", i+1, s.name, e)
			}
		}
	}
	r.printTargets(w)
}

func (r *report) printTargets(w io.Writer) {
	ms := metrics(r.cfg)
	get := func(name string) metric {
		i := slices.IndexFunc(ms, func(m metric) bool { return strings.HasPrefix(m.name, name) })
		return ms[i]
	}
	fmt.Fprintln(w, "\ntargets (bot):")
	check := func(ok bool, what, got string) {
		mark := "NOT MET"
		if ok {
			mark = "met"
		}
		fmt.Fprintf(w, "  %-8s %s: %s\n", mark, what, got)
	}
	// relative checks a bot/floor ratio against its target.
	relative := func(m metric, what string, ok func(float64) bool) {
		rt, measured := r.ratio(m)
		if !measured {
			fmt.Fprintf(w, "  –        %s: not measured (-floor=false)\n", what)
			return
		}
		b, _ := r.value(m, false)
		f, _ := r.value(m, true)
		check(ok(rt), what, fmt.Sprintf("%.2f× (%s vs %s)", rt, m.format(b), m.format(f)))
	}
	p99 := get("ack p99")
	relative(get("CPU ms per 1k"), fmt.Sprintf("CPU per command ≤ %.1f× the floor's", targetCPURatio), func(r float64) bool { return r <= targetCPURatio })
	relative(p99, fmt.Sprintf("p99 ack ≤ %.1f× the floor's", targetP99Ratio), func(r float64) bool { return r <= targetP99Ratio })
	relative(get("answers/s"), fmt.Sprintf("answers/s ≥ %.1f× the floor's", targetRateRatio), func(r float64) bool { return r >= targetRateRatio })
	bp99, _ := r.value(p99, false)
	check(bp99 <= durMS(targetP99), "p99 ack ≤ "+msf(durMS(targetP99)), msf(bp99))
	rate, _ := r.value(get("answers/s"), false)
	check(rate >= targetRate, fmt.Sprintf("≥ %.0f answers/s", targetRate), fmt.Sprintf("%.0f/s", rate))
	late, missing := 0, 0
	for _, p := range r.runs {
		late += p.bot.late
		missing += p.bot.missing
	}
	check(late+missing == 0, "no timeouts", fmt.Sprintf("%d late, %d missing", late, missing))
	rss, _ := r.value(get("peak RSS"), false)
	check(rss*1024 <= targetPeakBytes, "peak RSS ≤ 50 MB", mbf(rss))
	ready, _ := r.value(get("start → ready"), false)
	note := ""
	if r.cfg.databaseURL != "" {
		note = " (existing database, not fresh)"
	}
	check(ready <= durMS(targetStartReady), "start → ready ≤ "+msf(durMS(targetStartReady))+" on a fresh database", msf(ready)+note)
	if empty, _ := r.value(get("answers not in the ack"), false); empty > 0 {
		fmt.Fprintf(w, "  note: %.0f answers missed the bot's ack budget and went through the response_url instead\n", empty)
	}
}
