/** equalsIgnoreCase (src/spec/extensions.ts) folds ASCII by hand for speed: it answers as toLowerCase compares. */
import fc from "fast-check";
import { equalsIgnoreCase } from "../../src/spec/extensions";

describe("equalsIgnoreCase", () => {
  it("answers as comparing the lower-cased strings, for any strings", () => {
    const char = fc.constantFrom("a", "A", "z", "Z", "@", "[", "`", "{", ".", "é", "É", "İ", "i", "ß", "Σ", "σ", "ς", "K", "\u212a");
    const text = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(text, text, (a, b) => equalsIgnoreCase(a, b) === (a.toLowerCase() === b.toLowerCase())),
      { numRuns: 5000 },
    );
  });

  it("extension names and publishers", () => {
    expect(equalsIgnoreCase("Microsoft.Azure.Monitor", "microsoft.azure.monitor")).toBe(true);
    expect(equalsIgnoreCase("AzureMonitorWindowsAgent", "AzureMonitorLinuxAgent")).toBe(false);
    expect(equalsIgnoreCase("MDE.Windows", "MDE.Linux")).toBe(false);
    expect(equalsIgnoreCase("", "")).toBe(true);
  });
});
