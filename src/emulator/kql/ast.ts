/** Syntax tree of the KQL subset. */
import type { Json } from "../util/json";

export type Expr =
  | { readonly k: "lit"; readonly v: Json }
  | { readonly k: "col"; readonly name: string }
  | { readonly k: "member"; readonly obj: Expr; readonly key: Expr }
  | { readonly k: "bin"; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly k: "in"; readonly op: string; readonly l: Expr; readonly list: readonly Expr[] }
  | { readonly k: "neg"; readonly e: Expr }
  | { readonly k: "call"; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly k: "star" };

export interface NamedExpr {
  readonly name: string;
  readonly expr: Expr;
}

export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export interface Aggregate {
  readonly name: string | null;
  readonly fn: string;
  readonly args: readonly Expr[];
}

export type Operator =
  | { readonly op: "where"; readonly pred: Expr }
  | { readonly op: "project"; readonly items: readonly NamedExpr[] }
  | { readonly op: "project-away"; readonly names: readonly string[] }
  | { readonly op: "project-rename"; readonly items: readonly { readonly to: string; readonly from: string }[] }
  | { readonly op: "extend"; readonly items: readonly NamedExpr[] }
  | { readonly op: "sort"; readonly keys: readonly SortKey[] }
  | { readonly op: "take"; readonly n: number }
  | { readonly op: "top"; readonly n: number; readonly key: SortKey }
  | { readonly op: "mv-expand"; readonly name: string; readonly expr: Expr; readonly limit: number | null }
  | { readonly op: "summarize"; readonly aggs: readonly Aggregate[]; readonly by: readonly NamedExpr[] }
  | { readonly op: "distinct"; readonly items: readonly NamedExpr[] }
  | { readonly op: "count" };

export interface Query {
  readonly table: string;
  readonly ops: readonly Operator[];
}
