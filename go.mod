module sessionlab

go 1.24.2

require (
	go.uber.org/goleak v1.3.0
	golang.org/x/sys v0.38.0
)
