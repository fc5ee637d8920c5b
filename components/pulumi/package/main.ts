/**
 * Entry point of the component package's plugin (pulumi-plugin/index.js requires it): serves the
 * components over Pulumi's provider protocol. The engine passes its address as the argument.
 */
import * as provider from "@pulumi/pulumi/provider";
import { ComponentPackageProvider } from "./provider";

export function main(args: string[]): Promise<void> {
  return provider.main(new ComponentPackageProvider(), args);
}
