// Pulumi mocks that stand in for the engine and providers: they record every resource the
// program registers (with its parent), apply the stack transforms as the engine would, and answer
// provider-computed attributes with placeholders.
import * as pulumi from "@pulumi/pulumi";
import { answerCall } from "./calls";
import { computedState, placeholder } from "./computed";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Logical name of the parent resource; undefined for children of the stack. */
  readonly parent?: string;
  /** Custom (provider) resource, or a component. */
  readonly custom: boolean;
  /** Inputs after stack transforms; secrets still wrapped (see redactSecrets). */
  readonly inputs: Record<string, unknown>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Logical name at the end of a URN ("urn:pulumi:s::p::t$u::name" → "name"). */
function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export class WebstackMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  private readonly transforms: pulumi.ResourceTransform[] = [];
  private readonly parents = new Map<string, string>();

  registerTransform(transform: pulumi.ResourceTransform): void {
    this.transforms.push(transform);
  }

  /** Called by the monitor wrapper with each registration's parent URN (mocks don't get it). */
  noteParent(type: string, name: string, parentUrn: string): void {
    if (parentUrn && !parentUrn.includes(`::${STACK_TYPE}::`)) {
      this.parents.set(`${type}::${name}`, nameFromUrn(parentUrn));
    }
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    let inputs = args.inputs as Record<string, unknown>;
    for (const transform of this.transforms) {
      const result = await transform({
        type: args.type,
        name: args.name,
        custom: args.custom ?? true,
        props: inputs,
        opts: {},
      });
      if (result) inputs = result.props as Record<string, unknown>;
    }
    if (args.type !== STACK_TYPE) {
      this.resources.push({
        type: args.type,
        name: args.name,
        parent: this.parents.get(`${args.type}::${args.name}`),
        custom: args.custom ?? true,
        inputs,
      });
    }
    const id = args.custom === false ? undefined : placeholder(args.type, args.name, "id");
    return { id, state: { ...computedState(args.type, args.name), ...inputs } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    return answerCall(args);
  }
}

/** Replaces every secret-wrapped value with "[secret]", for files people read. */
export function redactSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Removes secret wrappers, keeping values, for assertions in tests. */
export function unwrapSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value))
    return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
