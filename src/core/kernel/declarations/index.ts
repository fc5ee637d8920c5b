/**
 * The declaration model's vocabulary, what capabilities declare with and front ends render:
 * values (known now or deferred), declarations and units, the declarer contract, and the
 * validation helpers that put the spec's own messages under a front end's field names.
 */
export * from "./value";
export * from "./model";
export * from "./declarer";
export * from "./issues";
