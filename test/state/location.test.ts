/**
 * The check of a `--state` value (src/azure/state/location.ts), without the storage client: the
 * CLI's openStateStore and AgentReconciliation's `state` input refuse the same values.
 */
import { openStateStore, stateLocationProblem } from "../../src/azure/state";
import { parseBlobUrl } from "../../src/azure/state/location";

const SAS_URL = "https://acct.blob.core.windows.net/asc-state?sv=2024-11-04&sig=SECRETSIG";

test("a URL carrying a credential is refused without echoing it: the credential comes from the environment", async () => {
  const message = "a URL with a query or user info: give the credential in AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, not in the URL";
  expect(() => parseBlobUrl(SAS_URL)).toThrow(`--state https://acct.blob.core.windows.net/asc-state?…: ${message}`);
  await expect(openStateStore("https://me:SECRETPASS@acct.blob.core.windows.net/asc-state")).rejects.toThrow(`--state https://…@acct.blob.core.windows.net/asc-state: ${message}`);
  expect(stateLocationProblem(SAS_URL)).toBe(`"https://acct.blob.core.windows.net/asc-state?…": ${message}`);
});

test("a value that is no URL of a container is refused naming the shapes; a directory passes", async () => {
  await expect(openStateStore("https://")).rejects.toThrow(/^--state https:\/\/: not a URL: expected https:\/\/ACCOUNT\.blob\.core\.windows\.net\/CONTAINER\[\/PREFIX\] or http:\/\/HOST:PORT/);
  expect(stateLocationProblem("http://127.0.0.1:10000/devstoreaccount1/asc-state/a/b")).toBeUndefined();
  expect(stateLocationProblem("relative/dir")).toBeUndefined();
  expect(stateLocationProblem(" ")).toMatch(/^" ": empty \(an unset variable\?\): give a directory, or an Azure Storage container URL \(https:\/\/ACCOUNT/);
  expect(stateLocationProblem(undefined)).toMatch(/^undefined: expected a directory/);
});
