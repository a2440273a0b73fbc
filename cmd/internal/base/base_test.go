package base

import (
	"io"
	"slices"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantRest []string
		wantN    int
		wantOK   bool
	}{
		{[]string{"ID", "--n", "3"}, []string{"ID"}, 3, true},
		{[]string{"--n", "3", "a", "b"}, []string{"a", "b"}, 3, true},
		{[]string{"a", "--n=2", "b"}, []string{"a", "b"}, 2, true},
		{[]string{"a", "--", "--n", "4"}, []string{"a", "--n", "4"}, 0, true},
		{[]string{"--", "-x"}, []string{"-x"}, 0, true},
		{[]string{"a", "-"}, []string{"a", "-"}, 0, true},
		{[]string{"a", "--nope"}, nil, 0, false},
	} {
		c := &Command{UsageLine: "t ARG", Flag: NewFlagSet("t")}
		n := c.Flag.Int("n", 0, "")
		env := &Env{Stdout: io.Discard, Stderr: io.Discard}
		rest, _, ok := c.Parse(env, tc.args)
		if ok != tc.wantOK || !slices.Equal(rest, tc.wantRest) || *n != tc.wantN {
			t.Errorf("Parse(%q) = %q, n=%d, ok=%v; want %q, n=%d, ok=%v", tc.args, rest, *n, ok, tc.wantRest, tc.wantN, tc.wantOK)
		}
	}
}
