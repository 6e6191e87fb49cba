// Pulumi mocks that stand in for the engine and providers: they record every resource the
// program registers (with its parent and options) and answer provider-computed attributes with
// placeholders.
import * as pulumi from "@pulumi/pulumi";
import { answerCall } from "./calls";
import { computedState, placeholder } from "./computed";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Logical name of the parent resource; undefined for children of the stack. */
  readonly parent?: string;
  /** Custom (provider) resource, or a component. */
  readonly custom: boolean;
  /** Inputs after stack transformations; secrets still wrapped (see redactSecrets). */
  readonly inputs: Record<string, unknown>;
  /** Resource options the engine would see. */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Input name → URNs of the resources its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The resource's own `aliases` option as sent to the engine (parents' are not repeated). */
  readonly aliases?: readonly RecordedAlias[];
}

/** One alias of a registration: a URN, or a spec whose empty fields the engine fills in. */
export interface RecordedAlias {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly parentUrn?: string;
}

/** What the monitor knows about a registration that the mocks are not told. */
export interface RegistrationDetails {
  readonly parentUrn: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly propertyDependencies: Record<string, string[]>;
  readonly aliases?: readonly RecordedAlias[];
}

interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Logical name at the end of a URN ("urn:pulumi:s::p::t$u::name" → "name"). */
function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export class WebstackMocks implements pulumi.runtime.Mocks {
  private readonly registrations: Registration[] = [];
  private readonly details = new Map<string, RegistrationDetails>();
  private readonly urns = new Map<string, string>();

  /** Called by the monitor wrapper with what each registration request carried. */
  noteRequest(type: string, name: string, details: RegistrationDetails): void {
    this.details.set(`${type}::${name}`, details);
  }

  /** Called by the monitor wrapper with the URN the monitor assigned. */
  noteUrn(type: string, name: string, urn: string): void {
    this.urns.set(`${type}::${name}`, urn);
  }

  /** Every resource registered so far, in registration order. */
  get resources(): RecordedResource[] {
    return this.registrations.map((r) => {
      const key = `${r.type}::${r.name}`;
      const details = this.details.get(key);
      const parentUrn = details?.parentUrn ?? "";
      return {
        ...r,
        urn: this.urns.get(key) ?? "",
        parent:
          parentUrn && !parentUrn.includes(`::${STACK_TYPE}::`)
            ? nameFromUrn(parentUrn)
            : undefined,
        protect: details?.protect ?? false,
        retainOnDelete: details?.retainOnDelete ?? false,
        propertyDependencies: details?.propertyDependencies ?? {},
        aliases: details?.aliases ?? [],
      };
    });
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const inputs = args.inputs as Record<string, unknown>;
    if (args.type !== STACK_TYPE) {
      this.registrations.push({
        type: args.type,
        name: args.name,
        custom: args.custom ?? true,
        inputs,
      });
    }
    const id = args.custom === false ? undefined : placeholder(args.type, args.name, "id");
    return { id, state: { ...computedState(args.type, args.name, inputs), ...inputs } };
  }

  /** Every provider function the program called, with its arguments, in call order. */
  readonly calls: { readonly token: string; readonly inputs: Record<string, unknown> }[] = [];

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
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
