/**
 * The declaration model's composition: what must exist in Azure, computed once from the spec by
 * the registered capabilities' declarers, and the views and bookkeeping the front ends
 * (components/pulumi, components/cdktf) render it with. Exported by src/core's index; the
 * vocabulary (values, declarations, units, validation helpers) is the kernel's.
 */
export * from "./compose";
export * from "./views";
export * from "./input";
export * from "./scope";
export { Rendered } from "./rendered";
// The front ends' input types, documented by the schemas' descriptions.
export * from "./fields.generated";
export { FIELD_FILES, fieldDocumentation, fieldsSource, inputJsonSchema, type FieldBase, type FieldFile, type FieldRoot, type JsonSchema } from "./fieldDocs";
