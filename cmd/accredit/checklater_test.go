package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

// TestCheckLaterDayIsFull is the differential test of the days a full
// check works out beyond its own (checkcache.Result.Later): on each of
// the next days, with no file changed, check prints from them exactly
// what a check with every cache off prints, over three years of the
// example program's dates, where credentials start, expire and come
// within their notice periods and dates stop being in the future. An
// edit to a person's file on such a day is checked again from that
// day's result (checkEdit); a changed definition, or a day further on,
// is checked in full.
// datedAgain is what ACCREDIT_STATS says of a check that ran the dated
// rules alone.
const datedAgain = "the dated rules run again for this day: no file changed"

func TestCheckLaterDayIsFull(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the result cache needs Linux's stamps")
	}
	root := exampleCopy(t)
	// Problems that hold on every day too (undated): a person's file
	// copied into another partner holds its credential ids again, and a
	// key no record has.
	people, _ := filepath.Glob(filepath.Join(root, "partners/*/people/*.toml"))
	data, err := os.ReadFile(people[0])
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(filepath.Dir(filepath.Dir(people[len(people)-1])), "people", "copied.toml")
	if err := os.WriteFile(other, append([]byte("nickname = \"x\"\n"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(day date.Date, cache bool) (string, string) {
		return checkAt(root, day.String(), cache)
	}
	start, _ := date.Parse("2024-07-01")
	check(start, true) // the first: no decode cache yet, so no later days
	if _, stats := check(start.AddDays(1), true); stats != "checked in full" {
		t.Fatalf("the day after a first check: %s, want checked in full", stats)
	}
	changed := 0
	for day := start.AddDays(40); day.Before(start.AddDays(3 * 365)); day = day.AddDays(37) {
		// A day no check worked out, no file changed: the dated rules
		// alone run again.
		own, stats := check(day, true)
		if stats != datedAgain {
			t.Fatalf("%s: %s, want %s", day, stats, datedAgain)
		}
		if want, _ := check(day, false); own != want {
			t.Fatalf("%s, the dated rules run again: check printed\n%s\nwith every cache off:\n%s", day, own, want)
		}
		for k := 1; k <= laterDays; k++ {
			got, stats := check(day.AddDays(k), true)
			if !strings.Contains(stats, "worked out this day's") {
				t.Fatalf("%s, %d days on: %s, want the day worked out by the last check", day, k, stats)
			}
			if want, _ := check(day.AddDays(k), false); got != want {
				t.Fatalf("%s, %d days on: check printed\n%s\nwith every cache off:\n%s", day, k, got, want)
			}
			if got != own {
				changed++
			}
		}
		got, stats := check(day.AddDays(laterDays+1), true)
		if stats != datedAgain {
			t.Fatalf("%s, %d days on: %s, want %s", day, laterDays+1, stats, datedAgain)
		}
		if want, _ := check(day.AddDays(laterDays+1), false); got != want {
			t.Fatalf("%s, %d days on: check printed\n%s\nwith every cache off:\n%s", day, laterDays+1, got, want)
		}
	}

	// A person's file edited on a later day: that day's result is the
	// one the partial re-check starts from.
	for i, day := range []string{"2025-03-10", "2026-01-15", "2026-11-22"} {
		d, _ := date.Parse(day)
		check(d.AddDays(-1), true) // in full, d and the next day worked out
		check(d, true)
		people, _ := filepath.Glob(filepath.Join(root, "partners/*/people/*.toml"))
		p := people[(i*7)%len(people)]
		data, _ := os.ReadFile(p)
		if err := os.WriteFile(p, append(data, "# edited\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		got, stats := check(d.AddDays(2), true)
		if !strings.Contains(stats, "checked again") {
			t.Fatalf("an edit, two days after %s: %s, want the partial re-check", day, stats)
		}
		if want, _ := check(d.AddDays(2), false); got != want {
			t.Fatalf("an edit, two days after %s: check printed\n%s\nwith every cache off:\n%s", day, got, want)
		}
	}
	t.Logf("%d later days printed other than their check's own", changed)
	if changed < 5 {
		t.Fatalf("only %d later days printed other than their check's own day: the test shows little", changed)
	}

	// A definition changed on a later day: checked in full, and right.
	day, _ := date.Parse("2026-11-22")
	check(day.AddDays(-1), true)
	check(day, true)
	program := filepath.Join(root, "programs", "program.toml")
	data, _ = os.ReadFile(program)
	if err := os.WriteFile(program, append(data, "# edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	got, stats := check(day.AddDays(1), true)
	if stats != "checked in full" {
		t.Fatalf("after an edit to a definition: %s, want checked in full", stats)
	}
	if want, _ := check(day.AddDays(1), false); got != want {
		t.Fatalf("after an edit to a definition: check printed\n%s\nwith every cache off:\n%s", got, want)
	}
}
