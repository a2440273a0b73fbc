// Package importcsv brings exam results and course completions exported
// by an LMS or a proctoring provider into people's files.
//
// In: a CSV file with a header row, a column mapping (Mapping: which
// column holds the e-mail, the exam or course id, the date, the score...),
// and the program repository. Out: a Plan: for each person file touched,
// its new content with [[exams]] and [[training]] blocks appended (every
// other byte kept, package record), the rows already recorded, and every
// problem with its CSV line. A plan with problems is never written; one
// without is written all or nothing, even across a kill (record.Write).
//
// Importing is idempotent: a row whose record is already in the file
// (same exam, date and score; same course and date) is not added again,
// so a second run of the same export changes nothing. It records facts
// and does not judge them: a retake too early is still an attempt, and
// "accredit check" reports it. It reads only the people it needs, and for
// rows matched by e-mail an index of every person's e-mail built with a
// light scan (no TOML decoding), so large programs import quickly.
package importcsv
