// Package domain is the root of tizme's domain model: pure Go, no I/O.
//
// Nothing under domain/ reads a clock, a file, the network or a database:
// time is an argument, and events leave through the commands layer. The only
// imports allowed outside the standard library are domain/... itself,
// github.com/cec-kg/tizme/eventstore (for the pure event codec, so each
// package can register its events) and github.com/google/uuid;
// imports_test.go enforces it.
//
// Layout (ADR 0002):
//
//	aggregate     Root, embedded by every aggregate; aggregatetest runs Given/When/Then tables
//	failure       coded sentinel errors and the ky/ru/en message catalogue; failuretest checks it
//	calendar      Date, the Bishkek day (UTC+6), day arithmetic and ages
//	lang          the languages: ky, ru, en
//	person        PIN, Sex, Passport and SeriesSet, Name
//	geo           Address, RegionCode
//	commission    Ref (CEC/TEC/DEC/PEC), the Commission aggregate and its staff
//	precinct      Number, the Precinct aggregate (address, GeoJSON boundary)
//	region        the Region aggregate (oblasts, cities, abroad)
//	election      the Election aggregate and its Calendar (VC §13 window, VC §18 deadline)
//	voter         the voter-list Entry aggregate
//	consent       the Consent aggregate (VC §9–11)
//	application   the Application aggregate (VC §13–18, VP 2.4)
//	anomaly       anomaly policies and AnomalyFlagged
//	access        VoterDataAccessed: staff reads of voters' personal data, for auditors
//	internal/text free-text cleaning shared by the packages above
package domain
