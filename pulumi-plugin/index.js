"use strict";
// The component package's plugin: `@pulumi/pulumi/cmd/run-plugin` runs this directory. The provider
// is the built one (dist/components/pulumi/package); the engine's address comes as the argument.
require("../dist/components/pulumi/package/main.js").main(process.argv.slice(2));
