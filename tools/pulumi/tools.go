//go:build tools

// Package tools pins the Pulumi CLI this project's engine tests run: `go build` of the listed
// command at the versions go.mod requires (the same as the npm package @pulumi/pulumi).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
