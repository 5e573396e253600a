package ui

import "testing"

func TestBackgroundAnswers(t *testing.T) {
	for _, tt := range []struct {
		reply    string
		dark, ok bool
	}{
		{"\x1b]11;rgb:0000/0000/0000\x07\x1b[24;1R", true, true},
		{"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[1;1R", false, true},
		{"\x1b]11;rgb:fd/f6/e3\x07", false, true}, // solarized light, two digits
		{"\x1b]11;rgb:2828/2c2c/3434\x07", true, true},
		{"\x1b[24;1R", false, false}, // only the cursor report: no answer
	} {
		dark, ok := darkFromReply(tt.reply)
		if dark != tt.dark || ok != tt.ok {
			t.Errorf("%q: dark %v ok %v", tt.reply, dark, ok)
		}
	}
	for _, tt := range []struct {
		v        string
		dark, ok bool
	}{{"15;0", true, true}, {"0;15", false, true}, {"0;default;7", false, true}, {"", false, false}, {"x", false, false}} {
		dark, ok := darkFromColorFGBG(tt.v)
		if dark != tt.dark || ok != tt.ok {
			t.Errorf("COLORFGBG %q: dark %v ok %v", tt.v, dark, ok)
		}
	}
	if q := backgroundQuery("tmux-256color"); q != "\x1b]11;?\x07\x1bPtmux;\x1b\x1b]11;?\x07\x1b\\\x1b[6n" {
		t.Errorf("tmux query %q", q)
	}
	if q := backgroundQuery("xterm"); q != "\x1b]11;?\x07\x1b[6n" {
		t.Errorf("xterm query %q", q)
	}
}
