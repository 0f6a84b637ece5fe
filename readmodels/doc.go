// Package readmodels holds tizme's read models: the PostgreSQL tables the
// pages and the API read, each kept by one projection in a file of its
// own (voter_list.go, precinct_stats.go, staff_queue.go, …) and listed by
// Registry. A read model owns its tables and the queries on them: it
// folds events into them through the runtime's Fold (package projections
// runs, rebuilds and verifies it) and answers reads through typed
// functions, gathered for the API in Readers. Nothing outside this
// package (and publicread, its public part) writes SQL against a
// read-model table (api/ holds no SQL: api/nosql_test.go).
//
// The public portal reads through publicread, which keeps the public read
// models' small, hot answers in memory while they stand still (VP 3.7:
// it reaches no personal table).
package readmodels
