/** Contracts between the generic ARM dispatcher and the resource providers. */
import type { ExtensionLog } from "../store/extensionLog";
import type { ChangeLog } from "../store/changeLog";
import type { StoredResource } from "../store/resources";
import type { JsonObject } from "../util/json";
import type { EmuRequest, EmuResponse } from "../http/types";
import type { OperationError } from "../http/errors";
import type { ModelContext } from "../model/context";

export interface EmulatorSettings {
  /** Time a long-running operation stays InProgress (0: done by the first poll). */
  readonly lroDelayMs: number;
  /** Items per page of ARM list responses before a nextLink (VMs list, etc.). */
  readonly listPageSize: number;
  /** Time one remediation deployment takes. */
  readonly remediationDeploymentMs: number;
  /**
   * Time before Azure Policy has evaluated a new (or changed) assignment: until then a remediation
   * in ExistingNonCompliant mode finds nothing to remediate; ReEvaluateCompliance evaluates first.
   */
  readonly policyEvaluationDelayMs: number;
  readonly tokenLifetimeSeconds: number;
  /**
   * Resource Graph's paging is eventually consistent: each page after the first repeats this many
   * rows of the page before it, and skips `graphMissingRows` rows (both 0: exact paging).
   */
  readonly graphRepeatedRows: number;
  readonly graphMissingRows: number;
  /** Time before a write shows in Resource Graph (its tables and resourcechanges); 0: at once. ARM's GET is never lagged. */
  readonly graphWriteLagMs: number;
  /** Evaluation time a Resource Graph or Logs query may take before it is refused. */
  readonly queryBudgetMs: number;
  /** How long after a plan or switch changes Defender deploys what it deploys itself (its sweep interval too). */
  readonly defenderDelayMs: number;
}

export interface LroApi {
  /** Records an operation; returns the headers of the 201/202 answer. */
  begin(op: {
    readonly resourceId: string;
    readonly action: string;
    readonly namespace: string;
    readonly location: string;
    readonly apiVersion: string;
    readonly final: "Succeeded" | "Failed";
    readonly error?: OperationError;
    readonly payload?: JsonObject;
  }): Record<string, string>;
  /** Is an operation on this resource still running? */
  pending(resourceId: string): boolean;
}

/**
 * Everything the emulator can hand a resource provider: the model's stores and clock, the
 * extension PUT log, settings, long-running operations and the transaction. A provider names the
 * part it uses with `Needs<...>`; its handlers are typed against that and see nothing else.
 */
export interface ArmServices extends ModelContext {
  readonly extensionLog: ExtensionLog;
  /** Resource changes (Resource Graph's `resourcechanges`). */
  readonly changeLog: ChangeLog;
  readonly tenantId: string;
  readonly settings: EmulatorSettings;
  readonly lro: LroApi;
  baseUrl(): string;
  /** Runs `fn` in one SQLite transaction (everything a request changes commits together). */
  tx<T>(fn: () => T): T;
  /** Wakes the remediation engine after a remediation was created. */
  kickRemediations(): void;
  /** Runs every `beforeDelete` hook of the resource's subtree (throws the 409 that refuses it). */
  checkDeleteTree(stored: StoredResource, req?: EmuRequest): void;
  /** Deletes a resource and what is under it, running each type's hooks (`req`: the DELETE asking, absent in a group's cascade). */
  deleteTree(stored: StoredResource, req?: EmuRequest): void;
}

/** The services a provider uses (a subset of ArmServices). */
export type Needs<K extends keyof ArmServices> = Pick<ArmServices, K>;

/** The whole set, for the dispatcher and the core. */
export type ArmContext = ArmServices;

/** What a `beforeDelete` hook knows of the DELETE: the resource asked for (the root of the cascade) and the request. */
export interface DeleteContext {
  readonly rootId: string;
  /** Absent when the delete does not come from a request of its own (a resource group's cascade). */
  readonly req?: EmuRequest;
}

/** Routes outside the generic scheme (Resource Graph, ARM's own subscriptions/resource groups). */
export type SpecialRoute<C = ArmServices> = (ctx: C, req: EmuRequest) => EmuResponse | undefined;

/** Where a resource can live; a management group (`/providers/Microsoft.Management/managementGroups/{g}`) holds extension resources such as policy assignments. */
export type ScopeKind = "tenant" | "managementGroup" | "subscription" | "resourceGroup" | "resource";

export interface Target {
  /** Canonical id (the stored casing when the resource exists). */
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly scopeKind: ScopeKind;
  readonly subscriptionId: string | null;
  readonly resourceGroup: string | null;
  /** The parent of a nested resource (the VM of an extension). */
  readonly parent?: StoredResource;
  /** The resource an extension resource (role assignment, ...) is attached to. */
  readonly scopeResource?: StoredResource;
}

export interface HandlerInput<C = ArmServices> {
  readonly ctx: C;
  readonly req: EmuRequest;
  readonly spec: ResourceTypeSpec;
  readonly target: Target;
  readonly apiVersion: string;
}

export interface PutInput<C = ArmServices> extends HandlerInput<C> {
  readonly body: JsonObject;
  readonly existing?: StoredResource;
}

export interface PutResult {
  readonly doc: JsonObject;
  readonly secret?: JsonObject | null;
  /** Long-running PUT: stored as Creating/Updating, an operation settles it to `final`. */
  readonly lro?: { readonly final: "Succeeded" | "Failed"; readonly error?: OperationError };
  /** Runs in the request's transaction after the resource is stored. */
  readonly after?: (stored: StoredResource) => void;
}

export interface ActionInput<C = ArmServices> extends HandlerInput<C> {
  readonly stored: StoredResource;
}

export interface ListInput<C = ArmServices> {
  readonly ctx: C;
  readonly req: EmuRequest;
  readonly scope: string;
  readonly scopeKind: ScopeKind;
  readonly subscriptionId: string | null;
  readonly resourceGroup: string | null;
  readonly parent?: StoredResource;
}

export interface ResourceTypeSpec<C = ArmServices> {
  /** Canonical type, e.g. `Microsoft.Compute/virtualMachines/extensions`. */
  readonly type: string;
  readonly apiVersions: readonly string[];
  /** Where instances live (nested types: where their root ancestor lives). */
  readonly scopes: readonly ScopeKind[];
  /** Builds the stored document from a PUT body; absent for read-only types. */
  readonly put?: (input: PutInput<C>) => PutResult;
  /** A PUT may come without a body (its spec declares none): it is read as `{}`. */
  readonly bodyOptional?: boolean;
  /** PATCH = merge-patch onto the current document, then `put`. */
  readonly patchable?: boolean;
  readonly lroDelete?: boolean;
  /** Status of a PUT that creates (default 201; Microsoft.Security settings answer 200). */
  readonly createStatus?: number;
  /** Status of a PUT that replaces (default 200; policy assignments answer 201 both ways). */
  readonly updateStatus?: number;
  /** Status of a synchronous DELETE that removed something: 200 with the deleted document (the default), or 204 with no body where the spec allows only that. */
  readonly deleteStatus?: 200 | 204;
  readonly pageSize?: number;
  /** RG-scoped type also listable at `/subscriptions/{s}/providers/NS/type`. */
  readonly listAtSubscription?: boolean;
  /** The response document (default: the stored one). */
  readonly view?: (ctx: C, stored: StoredResource, req?: EmuRequest) => JsonObject;
  /** Resources that exist without being stored (built-in definitions, default settings). */
  readonly virtual?: (ctx: C, target: Target) => StoredResource | undefined;
  /** Replaces the default list (by scope) when set. */
  readonly list?: (input: ListInput<C>) => StoredResource[];
  /** May refuse a DELETE (409) before anything is removed. */
  readonly beforeDelete?: (ctx: C, stored: StoredResource, del: DeleteContext) => void;
  /** Cleans up what belongs to a deleted resource (guest state, ...). */
  readonly onDeleted?: (ctx: C, stored: StoredResource, del: DeleteContext) => void;
  /** Sub-paths of an instance: `POST sharedkeys`, `GET instanceview` (lower-case keys). */
  readonly actions?: Readonly<Record<string, (input: ActionInput<C>) => EmuResponse>>;
}
