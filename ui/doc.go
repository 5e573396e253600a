// Package ui is SessionLab's Bubble Tea front end.
package ui
