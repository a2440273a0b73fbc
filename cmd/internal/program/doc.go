// Package program holds the domain of a certification program: its
// policy, levels, tracks and certifications, exams and question banks,
// tiers, partners, people and their credentials, and the site's pages.
//
// In: values built by package load. Out: plain structs shared read-only by
// every later stage (check, standing, build). Every record carries the
// file and line it was written at, so any stage can report a diagnostic.
package program
