import { randomBytes } from "node:crypto";
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { gid } from "../state/model";
import type { DevStore } from "../state/store";

// Bulk operations as Shopify runs them for bulkOperationRunQuery: the inner query is checked against Shopify's
// bulk rules (edges > node only, at most 5 connections nested 2 deep, a parent `id` for every nested
// connection, no connection inside a list, no top-level node), run over every object with no cost limit, and
// flattened into JSONL: one line per connection node, nested nodes on their own lines with `__parentId`.
// The operation goes CREATED -> RUNNING -> COMPLETED (or FAILED, or CANCELING -> CANCELED) after a short
// delay, its file is served at an unguessable URL for 7 days, and bulk_operations/finish is sent.

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
export type BulkErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

/** Where result files are served; the rest of the path is a random token. */
export const BULK_RESULT_PATH = "/bulk-operation-results/";
/** Shopify keeps `url` and `partialDataUrl` for seven days. */
export const BULK_RESULT_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** Concurrent bulk queries per app and shop: 5 from API version 2026-01, 1 before. */
export const maxConcurrentBulkQueries = (apiVersion: string | undefined) => (!apiVersion || apiVersion >= "2026-01" ? 5 : 1);

export interface BulkSettings {
  /** How long an operation takes from creation to completion (RUNNING after a third of it). */
  delayMs: number;
  /** Makes every operation started from now on fail with this code (tests of an app's fallback). */
  fail: BulkErrorCode | null;
}

export interface BulkOperationRecord {
  id: string;
  appKey: string;
  shop: string;
  type: "QUERY";
  query: string;
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  createdAt: string;
  completedAt: string | null;
  /** Lines of the result file, computed when the operation was created, and which of them are root objects
   * (emptied once the operation ends: the file holds them then). */
  lines: string[];
  isRoot: boolean[];
  rootObjectCount: number;
  /** The file served at `url` (or `partialDataUrl`), once the operation has ended. */
  body: Buffer | null;
  /** What the operation reports so far (grows while it runs). */
  objectsDone: number;
  rootObjectsDone: number;
  /** Random path parts of the result files; set when there is a file to serve. */
  token: string | null;
  partialToken: string | null;
  partialLines: number;
  /** When the files stop being served (ms since epoch). */
  expiresAt: number | null;
}

export interface BulkOperationsOptions {
  store: DevStore;
  /** The dev store's own origin, for result URLs. */
  baseUrl: () => string;
  delayMs?: number;
}

const IN_PROGRESS: ReadonlySet<BulkStatus> = new Set(["CREATED", "RUNNING", "CANCELING"]);

export class BulkOperations {
  readonly operations = new Map<string, BulkOperationRecord>();
  settings: BulkSettings;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #files = new Map<string, BulkOperationRecord>();

  constructor(private readonly options: BulkOperationsOptions) {
    this.settings = { delayMs: options.delayMs ?? 300, fail: null };
  }

  now(): Date {
    return this.options.store.now();
  }

  /** Operations of the app in the shop that still occupy one of its concurrent slots. */
  inProgress(appKey: string, shop: string): BulkOperationRecord[] {
    return this.list(appKey, shop).filter((op) => IN_PROGRESS.has(op.status));
  }

  /** The app's operations in the shop, newest first. */
  list(appKey: string, shop: string): BulkOperationRecord[] {
    return [...this.operations.values()]
      .filter((op) => op.appKey === appKey && op.shop === shop)
      .map((op) => this.refreshExpiry(op))
      .sort((a, b) => Number(b.id) - Number(a.id));
  }

  get(appKey: string, shop: string, id: string): BulkOperationRecord | undefined {
    const op = this.operations.get(id);
    return op && op.appKey === appKey && op.shop === shop ? this.refreshExpiry(op) : undefined;
  }

  /** Creates an operation whose result is `lines`, and schedules its progress. */
  start(input: { appKey: string; shop: string; query: string; lines: Record<string, unknown>[] }): BulkOperationRecord {
    const record: BulkOperationRecord = {
      id: this.options.store.newId(),
      appKey: input.appKey,
      shop: input.shop,
      type: "QUERY",
      query: input.query,
      status: "CREATED",
      errorCode: null,
      createdAt: this.now().toISOString(),
      completedAt: null,
      lines: input.lines.map((line) => JSON.stringify(line)),
      isRoot: input.lines.map((line) => !("__parentId" in line)),
      rootObjectCount: input.lines.filter((line) => !("__parentId" in line)).length,
      body: null,
      objectsDone: 0,
      rootObjectsDone: 0,
      token: null,
      partialToken: null,
      partialLines: 0,
      expiresAt: null,
    };
    this.operations.set(record.id, record);
    const { delayMs, fail } = this.settings;
    this.#later(delayMs / 3, () => {
      if (record.status !== "CREATED") return;
      record.status = "RUNNING";
      record.objectsDone = Math.floor(record.lines.length / 2);
      record.rootObjectsDone = Math.floor(record.rootObjectCount / 2);
    });
    this.#later(delayMs, () => {
      if (record.status !== "RUNNING" && record.status !== "CREATED") return;
      if (fail) this.#fail(record, fail);
      else this.#complete(record);
    });
    return record;
  }

  /** Starts cancelling an operation; it is CANCELED shortly after. Returns a user error when it cannot be. */
  cancel(record: BulkOperationRecord): string | null {
    if (!IN_PROGRESS.has(record.status) || record.status === "CANCELING") {
      return record.status === "CANCELING" ? null : `A bulk operation cannot be canceled when it is ${record.status.toLowerCase()}`;
    }
    record.status = "CANCELING";
    this.#later(Math.min(50, this.settings.delayMs), () => {
      record.status = "CANCELED";
      this.#release(record);
      this.#finished(record);
    });
    return null;
  }

  /** The result file behind a URL path, "expired" after 7 days, undefined for an unknown token. */
  file(token: string): Buffer | "expired" | undefined {
    const record = this.#files.get(token);
    if (!record) return undefined;
    if (record.expiresAt !== null && this.now().getTime() > record.expiresAt) return "expired";
    return record.body ?? undefined;
  }

  /** The GraphQL view of an operation (UnsignedInt64 fields are strings, as Shopify serializes them). */
  view(record: BulkOperationRecord): Record<string, unknown> {
    const op = this.refreshExpiry(record);
    const base = this.options.baseUrl();
    const served = op.status !== "EXPIRED";
    return {
      __typename: "BulkOperation",
      id: gid("BulkOperation", op.id),
      type: op.type,
      status: op.status,
      errorCode: op.errorCode,
      query: op.query,
      createdAt: op.createdAt,
      completedAt: op.completedAt,
      objectCount: String(op.objectsDone),
      rootObjectCount: String(op.rootObjectsDone),
      fileSize: op.token && op.body ? String(op.body.length) : null,
      url: op.token && served ? `${base}${BULK_RESULT_PATH}${op.token}.jsonl` : null,
      partialDataUrl: op.partialToken && served ? `${base}${BULK_RESULT_PATH}${op.partialToken}.jsonl` : null,
    };
  }

  /** Stops pending transitions (the dev store is closing). */
  close() {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  private refreshExpiry(op: BulkOperationRecord): BulkOperationRecord {
    if (op.expiresAt !== null && this.now().getTime() > op.expiresAt && (op.status === "COMPLETED" || op.status === "FAILED")) {
      op.status = "EXPIRED";
    }
    return op;
  }

  #complete(record: BulkOperationRecord) {
    record.status = "COMPLETED";
    record.completedAt = this.now().toISOString();
    record.objectsDone = record.lines.length;
    record.rootObjectsDone = record.rootObjectCount;
    // Shopify gives no file when the query found nothing.
    if (record.lines.length > 0) {
      record.body = fileOf(record.lines);
      record.token = this.#serve(record);
    }
    record.expiresAt = this.now().getTime() + BULK_RESULT_LIFETIME_MS;
    this.#release(record);
    this.#finished(record);
  }

  #fail(record: BulkOperationRecord, errorCode: BulkErrorCode) {
    record.status = "FAILED";
    record.errorCode = errorCode;
    // What was read before the failure, when anything was.
    record.partialLines = errorCode === "ACCESS_DENIED" ? 0 : Math.floor(record.lines.length / 2);
    record.objectsDone = record.partialLines;
    record.rootObjectsDone = record.isRoot.slice(0, record.partialLines).filter(Boolean).length;
    if (record.partialLines > 0) {
      record.body = fileOf(record.lines.slice(0, record.partialLines));
      record.partialToken = this.#serve(record);
    }
    record.expiresAt = this.now().getTime() + BULK_RESULT_LIFETIME_MS;
    this.#release(record);
    this.#finished(record);
  }

  /** The lines are in the file now (or will never be served): keep one copy. */
  #release(record: BulkOperationRecord) {
    record.lines = [];
    record.isRoot = [];
  }

  #serve(record: BulkOperationRecord): string {
    const token = randomBytes(24).toString("base64url");
    this.#files.set(token, record);
    return token;
  }

  /** bulk_operations/finish, shaped like Shopify's sample. */
  #finished(record: BulkOperationRecord) {
    this.options.store.emitEvent(record.shop, "bulk_operations/finish", {
      admin_graphql_api_id: gid("BulkOperation", record.id),
      completed_at: record.completedAt ?? this.now().toISOString(),
      created_at: record.createdAt,
      error_code: record.errorCode?.toLowerCase() ?? null,
      status: record.status.toLowerCase(),
      type: record.type.toLowerCase(),
    });
  }

  #later(ms: number, run: () => void) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}

const fileOf = (lines: string[]) => Buffer.from(lines.map((line) => `${line}\n`).join(""), "utf8");

// ---------------------------------------------------------------- Shopify's bulk query rules

const isConnection = (type: GraphQLNamedType): type is GraphQLObjectType =>
  isObjectType(type) && type.name.endsWith("Connection") && "edges" in type.getFields();

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

export function bulkOperationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  return document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

/** Field nodes of a selection (fragments inlined), each with the type it is selected on. */
function selectedFields(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSets: readonly SelectionSetNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): { node: FieldNode; parent: GraphQLCompositeType }[] {
  const found: { node: FieldNode; parent: GraphQLCompositeType }[] = [];
  for (const set of selectionSets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) found.push({ node: selection, parent: type });
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : type;
        found.push(...selectedFields(schema, condition, [selection.selectionSet], fragments, seen));
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) {
          const condition = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
          found.push(...selectedFields(schema, condition, [fragment.selectionSet], fragments, seen));
        }
      }
    }
  }
  return found;
}

function fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return "getFields" in parent ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name] : undefined;
}

const selects = (node: FieldNode) => (node.selectionSet ? [node.selectionSet] : []);

/**
 * What Shopify says is wrong with a (schema-valid) bulk query, in its words; [] when it may run.
 * The document must already have passed graphql validation.
 */
export function bulkQueryProblems(schema: GraphQLSchema, document: DocumentNode): string[] {
  const operation = bulkOperationOf(document);
  if (!operation || operation.operation !== "query") return ["Invalid operation type. Only `query` operations are supported."];
  const fragments = fragmentsOf(document);
  let connections = 0;
  let maxDepth = 0;
  let topLevelNode = false;
  let withinList = false;
  const viaNodes: string[] = [];
  const withoutParentId = new Set<string>();

  /** `owner`: the connection whose node we are inside, and whether that node selects an unaliased id. */
  const walk = (type: GraphQLCompositeType, sets: readonly SelectionSetNode[], depth: number, inList: boolean, owner: { name: string; hasId: boolean } | null) => {
    for (const { node, parent } of selectedFields(schema, type, sets, fragments)) {
      const name = node.name.value;
      if (name.startsWith("__")) continue;
      if (depth === 0 && parent === schema.getQueryType() && (name === "node" || name === "nodes")) topLevelNode = true;
      const def = fieldDef(parent, name);
      if (!def) continue;
      const named = getNamedType(def.type);
      if (isConnection(named)) {
        connections += 1;
        maxDepth = Math.max(maxDepth, depth + 1);
        if (inList) withinList = true;
        if (owner && !owner.hasId) withoutParentId.add(owner.name);
        for (const child of selectedFields(schema, named, selects(node), fragments)) {
          if (child.node.name.value === "nodes") viaNodes.push(name);
          if (child.node.name.value !== "edges") continue;
          const edgeType = getNamedType(fieldDef(named, "edges")!.type) as GraphQLObjectType;
          for (const edgeField of selectedFields(schema, edgeType, selects(child.node), fragments)) {
            if (edgeField.node.name.value !== "node") continue;
            const nodeType = getNamedType(fieldDef(edgeType, "node")!.type) as GraphQLCompositeType;
            const nodeSets = selects(edgeField.node);
            const hasId = selectedFields(schema, nodeType, nodeSets, fragments).some((f) => f.node.name.value === "id" && !f.node.alias);
            walk(nodeType, nodeSets, depth + 1, false, { name, hasId });
          }
        }
      } else if (isCompositeType(named)) {
        walk(named, selects(node), depth, inList || isListType(getNullableType(def.type)), owner);
      }
    }
  };
  walk(schema.getQueryType()!, [operation.selectionSet], 0, false, null);

  const problems: string[] = [];
  if (viaNodes.length) {
    problems.push(
      `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: '${viaNodes[0]} { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: '${viaNodes.join("', '")}'.`,
    );
  }
  if (topLevelNode) problems.push("Bulk queries cannot contain a top level `node` field.");
  if (maxDepth > 2) problems.push("Bulk queries cannot contain connections with a nesting depth greater than 2.");
  if (connections > 5) problems.push("Bulk queries cannot contain more than 5 connections.");
  if (withoutParentId.size) {
    problems.push(
      `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${[...withoutParentId].join(", ")}.`,
    );
  }
  if (withinList) problems.push("Queries that contain a connection field within a list field are not currently supported.");
  if (connections === 0) problems.push("Bulk queries must contain at least one connection.");
  return problems;
}

// ---------------------------------------------------------------- JSONL

/**
 * The result of a bulk query (executed with every connection unbounded) as JSONL objects: each connection
 * node on its own line without its nested connections, whose nodes follow on their own lines with
 * `__parentId`. With groupObjects, children come right after their parent; without it (Shopify's default
 * since 2026-01), all root objects come first, then the nested ones: an app must not rely on the order.
 */
export function flattenBulkResult(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: Record<string, unknown>,
  groupObjects: boolean,
): Record<string, unknown>[] {
  const operation = bulkOperationOf(document)!;
  const fragments = fragmentsOf(document);
  const byDepth: Record<string, unknown>[][] = [];
  const grouped: Record<string, unknown>[] = [];
  const emit = (line: Record<string, unknown>, depth: number) => (groupObjects ? grouped.push(line) : (byDepth[depth] ??= []).push(line));

  const concrete = (type: GraphQLCompositeType, value: Record<string, unknown>): GraphQLCompositeType => {
    if (!isAbstractType(type)) return type;
    const possible = schema.getPossibleTypes(type);
    return (
      possible.find((t) => t.name === value.__typename) ??
      possible.find((t) => Object.keys(value).every((key) => key in t.getFields())) ??
      type
    );
  };

  /** A copy of an object's selected fields, nested connections left out and scheduled as their own lines. */
  const shape = (type: GraphQLCompositeType, sets: readonly SelectionSetNode[], value: Record<string, unknown>, ownerId: string | null, depth: number, later: (() => void)[]) => {
    const out: Record<string, unknown> = {};
    const actual = concrete(type, value);
    for (const { node, parent } of selectedFields(schema, actual, sets, fragments)) {
      const key = node.alias?.value ?? node.name.value;
      if (!(key in value) || key in out) continue;
      if (node.name.value === "__typename") {
        out[key] = value[key];
        continue;
      }
      const def = fieldDef(parent, node.name.value);
      const named = def && getNamedType(def.type);
      const field = value[key];
      if (named && isConnection(named)) {
        if (field && ownerId) later.push(() => connectionLines(named, selects(node), field as Record<string, unknown>, ownerId, depth + 1));
        continue;
      }
      if (!named || !isCompositeType(named) || field === null) {
        out[key] = field;
        continue;
      }
      const copy = (item: unknown): unknown =>
        Array.isArray(item) ? item.map(copy) : item === null ? null : shape(named, selects(node), item as Record<string, unknown>, ownerId, depth, later);
      out[key] = copy(field);
    }
    return out;
  };

  const nodeLine = (type: GraphQLCompositeType, sets: readonly SelectionSetNode[], value: Record<string, unknown>, parentId: string | null, depth: number) => {
    const later: (() => void)[] = [];
    const line = shape(type, sets, value, typeof value.id === "string" ? value.id : null, depth, later);
    if (parentId) line.__parentId = parentId;
    emit(line, depth);
    for (const run of later) run();
  };

  const connectionLines = (type: GraphQLObjectType, sets: readonly SelectionSetNode[], value: Record<string, unknown>, parentId: string | null, depth: number) => {
    for (const { node } of selectedFields(schema, type, sets, fragments)) {
      if (node.name.value !== "edges") continue;
      const edgeType = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
      for (const edge of (value[node.alias?.value ?? "edges"] as Record<string, unknown>[] | undefined) ?? []) {
        for (const edgeField of selectedFields(schema, edgeType, selects(node), fragments)) {
          if (edgeField.node.name.value !== "node") continue;
          const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLCompositeType;
          const item = edge[edgeField.node.alias?.value ?? "node"];
          if (item) nodeLine(nodeType, selects(edgeField.node), item as Record<string, unknown>, parentId, depth);
        }
      }
    }
  };

  const root = schema.getQueryType()!;
  for (const { node, parent } of selectedFields(schema, root, [operation.selectionSet], fragments)) {
    const key = node.alias?.value ?? node.name.value;
    const def = fieldDef(parent, node.name.value);
    const named = def && getNamedType(def.type);
    const value = data[key];
    if (!named || !value || typeof value !== "object") continue;
    if (isConnection(named)) connectionLines(named, selects(node), value as Record<string, unknown>, null, 0);
    else if (isCompositeType(named)) nodeLine(named, selects(node), value as Record<string, unknown>, null, 0);
  }
  return groupObjects ? grouped : byDepth.flat();
}
