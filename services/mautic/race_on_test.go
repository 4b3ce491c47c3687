//go:build race

package mautic_test

const raceEnabled = true
