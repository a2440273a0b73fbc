// Package exam draws exam forms from a question bank and writes them for
// the LMS or exam platform that delivers them (issue 20, item 3).
//
// In: an exam and its bank, as package load decoded them and package check
// passed them; a number of forms and a seed. Out: a *Drawing, whose forms
// each follow the exam's blueprint, and the files that carry it: an IMS QTI
// 2.1 content package (imsmanifest.xml, one assessmentItem per question
// used, one assessmentTest per form) or one JSON file.
//
// Forms are PRIVATE: they hold the questions and their answers. Guard
// refuses an output folder inside the program's sources or any site
// accredit built, WriteDir writes only into a new or empty folder, each
// file beside its place and renamed into it, and Reread reads back every
// file written and checks it as an importer would.
package exam
