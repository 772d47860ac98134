package handlers

import (
	"strings"
	"testing"
)

// TestGuidanceShowsCategoryNote: what a category's every answer needs (the
// bank's "note", such as behavioral's "one real story told with STAR") is
// said once per category in the bank and shown with each question's
// guidance: in the guidance answer and under a kit's reply.
func TestGuidanceShowsCategoryNote(t *testing.T) {
	l := newLists(t)
	sbe, _ := l.bank.Role("senior-backend")
	for _, slug := range []string{"technical", "behavioral"} {
		cat, _ := sbe.Category(slug)
		if cat.Note == "" {
			t.Fatalf("%s has no note in the bank", slug)
		}
		q := cat.Questions[0]
		note := jsonText(t, Escape(cat.Note))
		rep, err := l.showGuidance(t.Context(), Action{TeamID: "T1", Value: string(q.ID)})
		if err != nil || rep.Message == nil {
			t.Fatalf("showGuidance(%s) = %+v, %v", q.ID, rep, err)
		}
		if got := blocksText(t, rep.Message.Blocks); !strings.Contains(got, note) {
			t.Errorf("guidance for %s lacks the %s note:\n%s", q.ID, slug, got)
		}
		if got := blocksText(t, renderKitReply(sbe, q, cat.Title, 1, 1).Blocks); !strings.Contains(got, note) {
			t.Errorf("kit reply for %s lacks the %s note:\n%s", q.ID, slug, got)
		}
	}
}
