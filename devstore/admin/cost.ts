// Shopify's calculated query cost, as documented for the Admin GraphQL API:
//   scalar / enum field            0
//   object field (or list of them) 1 + its selection (lists are NOT multiplied)
//   connection                     2 + first|last × (cost of one node)
//   nodes(ids: [...])              one object per id
//   mutation top-level field       10, whatever it selects
// `requestedQueryCost` walks the document (what Shopify charges up front); `actualQueryCost`
// walks the returned data (what Shopify reports afterwards, the difference being refunded).
// Both are pure: no execution, no validation. Invalid documents should be rejected before.
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLBoolean,
  GraphQLInt,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
} from "graphql";
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  InlineFragmentNode,
  FragmentSpreadNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";

export const MAX_SINGLE_QUERY_COST = 1000;
export const MUTATION_FIELD_COST = 10;

/** What Shopify charges before running the operation (the worst case). */
export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  const walk = CostWalk.create(schema, document, operationName, variables);
  if (!walk) return 0;
  if (walk.operation.operation === "mutation") return walk.mutationCost();
  return walk.requestedSelection(walk.rootType, [walk.operation.selectionSet]);
}

/** What the operation really cost, given the `data` it returned. */
export function actualQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  data: unknown,
): number {
  const walk = CostWalk.create(schema, document, operationName, variables);
  if (!walk) return 0;
  // A mutation is charged per field attempted, whether it succeeded or not.
  if (walk.operation.operation === "mutation") return walk.mutationCost();
  return walk.actualSelection(walk.rootType, [walk.operation.selectionSet], data);
}

/** Fields grouped by response key, as GraphQL executes them (same key = one field, selections merged). */
type CollectedFields = Map<string, FieldNode[]>;

class CostWalk {
  private constructor(
    private readonly schema: GraphQLSchema,
    readonly operation: OperationDefinitionNode,
    readonly rootType: GraphQLObjectType,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  static create(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): CostWalk | undefined {
    // No operation to run (unknown name, or several without a name): execution reports that error;
    // there is nothing to charge for.
    const operation = getOperationAST(document, operationName);
    if (!operation) return undefined;
    const rootType = schema.getRootType(operation.operation);
    if (!rootType) return undefined;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return new CostWalk(schema, operation, rootType, fragments, coerceVariables(schema, operation, variables));
  }

  mutationCost(): number {
    let cost = 0;
    for (const [, nodes] of this.collectFields(this.rootType, [this.operation.selectionSet])) {
      if (!isIntrospection(nodes)) cost += MUTATION_FIELD_COST;
    }
    return cost;
  }

  // ---- requested cost: walk the document ------------------------------------------------------

  /** Cost of a selection on `type`; for an interface or union, the most expensive possible type. */
  requestedSelection(type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[]): number {
    let max = 0;
    for (const concrete of this.concreteTypes(type)) {
      let cost = 0;
      for (const [, nodes] of this.collectFields(concrete, selectionSets)) cost += this.requestedField(concrete, nodes);
      max = Math.max(max, cost);
    }
    return max;
  }

  private requestedField(parent: GraphQLObjectType, nodes: readonly FieldNode[]): number {
    const field = fieldDefinition(parent, nodes);
    if (!field) return 0;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return 0;
    const selections = subSelections(nodes);
    if (!isConnection(type)) {
      // `nodes(ids: [...])` looks up one object per id, so its cost grows with the ids asked for.
      const ids = this.argument(nodes, "ids");
      return (Array.isArray(ids) ? ids.length : 1) * (1 + this.requestedSelection(type, selections));
    }

    // A connection: every requested node may come back, so the cost of one node is multiplied.
    const connection = type;
    let perEdge = 0;
    let perNode = 0;
    let rest = 0;
    for (const [, fieldNodes] of this.collectFields(connection, selections)) {
      const child = fieldDefinition(connection, fieldNodes);
      const childType = child && getNamedType(child.type);
      if (!child || !childType || !isCompositeType(childType)) continue;
      const childSelections = subSelections(fieldNodes);
      if (child.name === "edges") perEdge += this.requestedSelection(childType, childSelections); // edge itself is free
      else if (child.name === "nodes") perNode += 1 + this.requestedSelection(childType, childSelections);
      else if (child.name !== "pageInfo") rest += this.requestedField(connection, fieldNodes);
    }
    // `edges { node }` and `nodes` return the same nodes: charge each node once.
    return (
      2 + pageSize(this.argument(nodes, "first"), this.argument(nodes, "last")) * Math.max(perEdge, perNode) + rest
    );
  }

  // ---- actual cost: walk the returned data ------------------------------------------------------

  actualSelection(type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], value: unknown): number {
    if (!isRecord(value)) return 0;
    let max = 0;
    for (const concrete of this.returnedTypes(type, selectionSets, value)) {
      let cost = 0;
      for (const [key, nodes] of this.collectFields(concrete, selectionSets)) {
        cost += this.actualField(concrete, nodes, value[key]);
      }
      max = Math.max(max, cost);
    }
    return max;
  }

  private actualField(parent: GraphQLObjectType, nodes: readonly FieldNode[], value: unknown): number {
    // Not in the response (the walk was cut short by an error above): nothing was resolved.
    if (value === undefined) return 0;
    const field = fieldDefinition(parent, nodes);
    if (!field) return 0;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return 0;
    const selections = subSelections(nodes);

    if (isConnection(type)) {
      // The connection's own 2 points do not depend on what came back, even null.
      if (!isRecord(value)) return 2;
      const connection = type;
      let edges = 0;
      let nodesCost = 0;
      let rest = 0;
      for (const [key, fieldNodes] of this.collectFields(connection, selections)) {
        const child = fieldDefinition(connection, fieldNodes);
        const childType = child && getNamedType(child.type);
        if (!child || !childType || !isCompositeType(childType)) continue;
        const childSelections = subSelections(fieldNodes);
        const items = flatten(value[key]);
        if (child.name === "edges") {
          for (const edge of items) edges += this.actualSelection(childType, childSelections, edge);
        } else if (child.name === "nodes") {
          for (const node of items) nodesCost += 1 + this.actualSelection(childType, childSelections, node);
        } else if (child.name !== "pageInfo") {
          rest += this.actualField(connection, fieldNodes, value[key]);
        }
      }
      return 2 + Math.max(edges, nodesCost) + rest;
    }

    if (isListType(getNullableType(field.type))) {
      if (Array.isArray(this.argument(nodes, "ids"))) {
        // One lookup per id: each costs 1, plus what was selected below the ones found.
        return flatten(value).reduce<number>((sum, item) => sum + 1 + this.actualSelection(type, selections, item), 0);
      }
      // A plain list is charged as one object: 1 + the most expensive item.
      let max = 0;
      for (const item of flatten(value)) max = Math.max(max, this.actualSelection(type, selections, item));
      return 1 + max;
    }
    // An object that came back null was still looked up: 1 point, nothing below it.
    return 1 + this.actualSelection(type, selections, value);
  }

  /** The concrete type of a returned object: its __typename when selected, else every possible type. */
  private returnedTypes(
    type: GraphQLCompositeType,
    selectionSets: readonly SelectionSetNode[],
    value: Record<string, unknown>,
  ): readonly GraphQLObjectType[] {
    if (!isAbstractType(type)) return [type];
    const possible = this.schema.getPossibleTypes(type);
    for (const key of this.typenameKeys(selectionSets)) {
      const named = possible.find((t) => t.name === value[key]);
      if (named) return [named];
    }
    // Fields of the fragments that did not apply are absent from `value` and cost 0, so the max
    // over every possible type is the cost of the type that was returned.
    return possible;
  }

  /** Response keys under which `__typename` was selected (in any fragment). */
  private typenameKeys(selectionSets: readonly SelectionSetNode[], seen = new Set<string>()): string[] {
    const keys: string[] = [];
    for (const selectionSet of selectionSets) {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === "__typename") keys.push(selection.alias?.value ?? "__typename");
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          keys.push(...this.typenameKeys([selection.selectionSet], seen));
        } else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = this.fragments.get(selection.name.value);
          if (fragment) keys.push(...this.typenameKeys([fragment.selectionSet], seen));
        }
      }
    }
    return keys;
  }

  // ---- shared helpers ---------------------------------------------------------------------------

  private concreteTypes(type: GraphQLCompositeType): readonly GraphQLObjectType[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
  }

  /** The fields executed on an object of type `type`, like graphql-js's collectFields. */
  private collectFields(
    type: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    fields: CollectedFields = new Map(),
    visitedFragments = new Set<string>(),
  ): CollectedFields {
    for (const selectionSet of selectionSets) {
      for (const selection of selectionSet.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          fields.set(key, [...(fields.get(key) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition?.name.value, type)) {
            this.collectFields(type, [selection.selectionSet], fields, visitedFragments);
          }
        } else {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          if (visitedFragments.has(name) || !fragment) continue;
          visitedFragments.add(name);
          if (this.applies(fragment.typeCondition.name.value, type)) {
            this.collectFields(type, [fragment.selectionSet], fields, visitedFragments);
          }
        }
      }
    }
    return fields;
  }

  private applies(typeCondition: string | undefined, type: GraphQLObjectType): boolean {
    if (typeCondition === undefined) return true;
    const condition = this.schema.getType(typeCondition);
    if (!condition) return false;
    return condition === type || (isAbstractType(condition) && this.schema.isSubType(condition, type));
  }

  /** @skip / @include. An unusable condition counts as "included" so the cost errs on the high side. */
  private included(selection: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
    return this.condition(selection, "skip") !== true && this.condition(selection, "include") !== false;
  }

  private condition(selection: FieldNode | InlineFragmentNode | FragmentSpreadNode, directive: string): unknown {
    const node = selection.directives?.find((d) => d.name.value === directive);
    const argument = node?.arguments?.find((a) => a.name.value === "if");
    return argument && valueFromAST(argument.value, GraphQLBoolean, this.variables);
  }

  private argument(nodes: readonly FieldNode[], name: string): unknown {
    // Fields merged under one response key have identical arguments (validation), so the first one will do.
    const argument = nodes[0]?.arguments?.find((a) => a.name.value === name);
    return argument && valueFromAST(argument.value, GraphQLInt, this.variables);
  }
}

/** Variables with their defaults applied; the raw values when they do not coerce (execution will refuse them). */
function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  return result.coerced ?? variables;
}

/** `first` or `last`; both given: the larger. Neither: 0 (Shopify refuses such a query anyway). */
function pageSize(first: unknown, last: unknown): number {
  const sizes = [first, last].filter((n): n is number => typeof n === "number" && Number.isFinite(n));
  return Math.max(0, ...sizes);
}

function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const fields = type.getFields();
  return "edges" in fields || "nodes" in fields;
}

function isIntrospection(nodes: readonly FieldNode[]): boolean {
  return nodes[0]?.name.value.startsWith("__") ?? false;
}

/** The schema field for merged field nodes; undefined for introspection (free) or an unknown field. */
function fieldDefinition(
  parent: GraphQLObjectType,
  nodes: readonly FieldNode[],
): GraphQLField<unknown, unknown> | undefined {
  const name = nodes[0]?.name.value;
  if (name === undefined || isIntrospection(nodes)) return undefined;
  return parent.getFields()[name];
}

function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

/** Items of a (possibly nested) list value; a non-list yields nothing. */
function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap((item: unknown) => (Array.isArray(item) ? flatten(item) : [item])) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
