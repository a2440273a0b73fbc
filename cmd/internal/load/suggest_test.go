package load

import "testing"

// An unknown key a letter or two off names the key of its table it was
// meant to be; a key like nothing there gets no guess.
func TestUnknownKeySuggestion(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"name = \"X\"\nemial = \"x@a.example\"\n", `unknown key "emial"; did you mean "email"?`},
		{"name = \"X\"\nshoe_size = 44\n", `unknown key "shoe_size"`},
		{"name = \"X\"\n[[exams]]\nexam = \"e\"\ndate = 2025-01-01\nscore = 80\nproctorring = \"self\"\n",
			`unknown key "proctorring" in [exams]; did you mean "proctoring"?`},
		{"name = \"X\"\n[[certifications]]\nid = \"A\"\ntrack = \"t\"\nlevle = \"l\"\nissued = 2025-01-01\n",
			`unknown key "levle" in [certifications]; did you mean "level"?`},
	} {
		_, ds := Person("partners/a/people/x.toml", []byte(tc.data))
		found := false
		for _, d := range ds {
			if d.Rule == "unknown-key" {
				found = true
				if d.Msg != tc.want {
					t.Errorf("%q: %q, want %q", tc.data, d.Msg, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%q: no unknown-key in %v", tc.data, ds)
		}
	}
}
