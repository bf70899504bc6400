package conversation

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// A web chat visitor reads the transcript itself: whispers and notes are
// never in it, the customer's and agents' messages are.
func TestVisitorNeverSeesWhispers(t *testing.T) {
	s := &Service{}
	v := &Visitor{Account: &parley.Account{ID: "a1"}}
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		m    MessageView
		seen bool
	}{
		{MessageView{Sender: parley.SenderSupervisor, Kind: parley.KindWhisper, Direction: parley.Inbound, Status: parley.MsgReceived, Text: "psst"}, false},
		{MessageView{Sender: parley.SenderAgent, Kind: parley.KindWhisper, Direction: parley.Inbound, Status: parley.MsgReceived, Text: "psst"}, false},
		{MessageView{Sender: parley.SenderSystem, Kind: parley.KindEvent, Direction: parley.Inbound, Status: parley.MsgReceived, Text: "Sam joined"}, false},
		{MessageView{Sender: parley.SenderAgent, Kind: parley.KindText, Direction: parley.Outbound, Status: parley.MsgSent, Text: "Hello"}, true},
		{MessageView{Sender: parley.SenderCustomer, Kind: parley.KindText, Direction: parley.Inbound, Status: parley.MsgReceived, Text: "Hi"}, true},
	} {
		tc.m.CreatedAt = at
		if got := s.visitorMessage(v, &tc.m) != nil; got != tc.seen {
			t.Errorf("%s/%s: seen = %v, want %v", tc.m.Sender, tc.m.Kind, got, tc.seen)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 123456000, time.UTC)
	c := encodeCursor(at, "01abc")
	got, id, err := decodeCursor(c)
	if err != nil || !got.Equal(at) || id != "01abc" {
		t.Fatalf("decode(%q) = %v, %q, %v", c, got, id, err)
	}
	for _, bad := range []string{"%%%", "bm90LWEtY3Vyc29y", encodeCursor(at, "")} {
		if _, _, err := decodeCursor(bad); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("decode(%q): err %v, want invalid", bad, err)
		}
	}
}

func TestFormScore(t *testing.T) {
	f := &parley.EvaluationForm{Name: "F", Sections: []parley.FormSection{{Title: "S", Questions: []parley.FormQuestion{
		{ID: "a", Text: "A", Scale: parley.ScaleYesNo, Weight: 1},
		{ID: "b", Text: "B", Scale: parley.Scale1To5, Weight: 2},
	}}}}
	ans := func(a, b int) []parley.GradeAnswer {
		return []parley.GradeAnswer{{QuestionID: "a", Value: a}, {QuestionID: "b", Value: b}}
	}
	for _, tc := range []struct {
		answers []parley.GradeAnswer
		want    float64
		code    string
	}{
		{ans(1, 5), 100, ""},
		{ans(0, 1), 0, ""},
		{ans(1, 3), 66.7, ""}, // (1 + 2×0.5) / 3
		{ans(0, 4), 50, ""},   // (0 + 2×0.75) / 3
		{ans(2, 3), 0, parley.EINVALID},
		{ans(1, 6), 0, parley.EINVALID},
		{ans(1, 0), 0, parley.EINVALID},
		{ans(1, 3)[:1], 0, parley.EINVALID},
		{append(ans(1, 3), parley.GradeAnswer{QuestionID: "zzz", Value: 1}), 0, parley.EINVALID},
		{append(ans(1, 3), parley.GradeAnswer{QuestionID: "a", Value: 1}), 0, parley.EINVALID},
	} {
		got, err := f.Score(tc.answers)
		if parley.ErrorCode(err) != tc.code || (tc.code == "" && got != tc.want) {
			t.Errorf("Score(%v) = %v, %v; want %v %s", tc.answers, got, err, tc.want, tc.code)
		}
	}
}
