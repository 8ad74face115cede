// Package rolematrix holds the role × action matrix test: every action of
// every role, allowed and refused, through the app's use-case layer, the
// command line (the real binary) and a real hub on 127.0.0.1. The expected
// matrix is written out by hand in the test, so a change to
// booking.RoleTable that nobody meant fails it.
package rolematrix
