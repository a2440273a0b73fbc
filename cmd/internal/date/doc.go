// Package date implements the civil dates of a certification program.
//
// In: TOML local dates (through the loader) or YYYY-MM-DD strings.
// Out: a Date with exact day arithmetic and calendar-month addition with
// clamping, independent of the machine's time zone (see LIBRARY-NOTES:
// BurntSushi/toml decodes local dates into the machine's zone).
package date
