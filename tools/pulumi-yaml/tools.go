//go:build tools

// Package tools pins Pulumi YAML's language host (pulumi-language-yaml), which type-checks the
// Pulumi YAML example (examples/pulumi-yaml) against the component package's schema. A module of
// its own: pulumi-yaml v1.25.0 builds against the Pulumi SDK it requires (v3.206), not the CLI's.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
