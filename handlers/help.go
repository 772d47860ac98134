package handlers

import (
	"strings"

	"github.com/slack-go/slack"
)

// renderHelp lists every subcommand with one example each.
func renderHelp() *Message {
	lines := []string{
		"*Interview practice in Slack.* Name a role by slug, alias or title; words are case-insensitive.",
		"• `/interview roles`: the roles and their question counts",
		"• `/interview senior-backend`: a role card (summary, responsibilities, skills, categories)",
		"• `/interview senior-backend technical`: the questions of a category, with a button to share them",
		"• `/interview practice senior-backend behavioral hard`: post one question to this channel, to discuss in its thread",
		"• `/interview practice me senior-backend`: one question just for you, in a direct message",
		"• `/interview me`: your own practice progress",
		"• `/interview kit senior-backend technical 3 behavioral 2`: post an interview kit; the questions go in its thread",
		"• `/interview kit senior-backend with @ada @grace on 2026-12-14 15:00 for Ada L.`: a kit for an interview panel, with scorecards",
		"• `/interview kit`: build a kit in a form",
		"• `/interview kit list` · `kit show k7q2mx` · `kit close k7q2mx` · `kit delete k7q2mx`: the kits of this channel",
		"• `/interview daily senior-backend technical at 9:30 tz Europe/Berlin weekdays`: a question a day in this channel",
		"• `/interview daily status` · `daily off d12` · `daily pause d12 until 2026-01-05` · `daily resume d12` · `daily skip 2026-12-24..2026-12-26` · `daily now d12`: manage this channel's daily questions",
		"• `/interview daily me senior-backend at 8am`: a question a day just for you, in a direct message",
		"• `/interview feedback senior-backend technical`: what your team thought of the questions",
		"• `/interview add senior-backend technical How do you size a connection pool?`: add a team question (admins)",
		"• `/interview remove team-12`: remove a team question (admins)",
		"• `/interview hide sbe-t01` · `unhide sbe-t01`: retire a built-in question here, or bring it back (admins)",
		"• `/interview forget me`: erase your votes, notes, practice history and personal schedule",
		"More on one command: `/interview kit help`, `/interview daily help`, `/interview practice help`.",
	}
	return &Message{
		Text:   "interviewbot help: /interview roles, /interview senior-backend technical, practice, kit, daily, feedback",
		Blocks: []slack.Block{header("interviewbot"), section(strings.Join(lines, "\n"))},
	}
}

// renderSubHelp answers `<topic> help`: each form of the subcommand with
// an example, and the words it takes.
func renderSubHelp(topic string) *Message {
	var title string
	var lines []string
	switch topic {
	case "kit":
		title = "Interview kits"
		lines = []string{
			"• `/interview kit senior-backend`: post a kit, 5 technical and 3 behavioral questions (or 5 of each category the role has)",
			"• `/interview kit senior-backend technical 3 behavioral 2`: choose the categories and how many of each (at most 20 in all)",
			"• `/interview kit senior-backend with @ada @grace on 2026-12-14 15:00 for Ada L. (req 4411)`: with a panel (they share the questions and fill in scorecards), the interview time in your time zone, and a candidate label (the rest of the line, at most 80 characters)",
			"• `/interview kit`: build a kit in a form",
			"• `/interview kit list`: the kits shared in this channel, with their ids",
			"• `/interview kit show k7q2mx`: a kit's debrief, as far as you may see it",
			"• `/interview kit close k7q2mx` · `/interview kit delete k7q2mx`: lock the scorecards, or erase them (the kit's owner and admins)",
		}
	case "daily":
		title = "Daily questions"
		lines = []string{
			"• `/interview daily senior-backend technical hard at 9:30 tz Europe/Berlin mon,wed,fri`: a question a day in this channel. Only the role is needed: by default at 9:00 in your Slack time zone, on weekdays. The same role and category again changes that schedule.",
			"   TIME: `9`, `09:30`, `9am`, `9:30pm`, `21:00`. ZONE: `Europe/Berlin` (any case) or a city, `berlin`. DAYS: `weekdays`, `everyday` (or `every day`), or days such as `mon,wed,fri`.",
			"• `/interview daily status`: this channel's schedules, with their ids (like `d12`), pauses and skipped dates",
			"• `/interview daily off d12` · `daily off all`: remove a schedule, or all of them",
			"• `/interview daily pause d12 until 2026-01-05` · `/interview daily resume d12`: pause (until a date, or until resumed) and resume",
			"• `/interview daily skip 2026-12-24..2026-12-26`: no daily questions in this channel on those dates",
			"• `/interview daily now d12`: post the schedule's next question now",
			"• `/interview daily me senior-backend technical at 8am weekdays`: a question a day just for you, in a direct message, in your time zone",
			"Anyone may start a schedule; its creator and admins change, pause or remove it. With one schedule in the channel, the id may be left out.",
		}
	case "practice":
		title = "Practice"
		lines = []string{
			"• `/interview practice senior-backend`: post one question to this channel, to discuss in its thread; questions this channel has not seen come first",
			"• `/interview practice senior-backend technical hard`: from one category, at one difficulty (`easy`, `medium` or `hard`)",
			"• `/interview practice me senior-backend technical`: one question just for you, in a direct message, with a check of your answer; the role is remembered, so next time `/interview practice me` is enough",
			"• `/interview me`: your progress: questions practised, streak, weakest themes, reviews due",
		}
	default:
		return renderHelp()
	}
	return &Message{
		Text:   "interviewbot help: " + title,
		Blocks: []slack.Block{header(title), section(strings.Join(lines, "\n"))},
	}
}
