// Pulumi mocks that stand in for the engine and providers: they record every resource the
// program registers (with its parent and options) and answer provider-computed attributes with
// placeholders.
import * as pulumi from "@pulumi/pulumi";
import { computedState, functionResult, placeholder } from "./computed";

/** One alias of a registration: a URN, or a spec whose empty fields the engine fills in. */
export interface RecordedAlias {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly parentUrn?: string;
}

/** What the engine learns of a registration besides its inputs (runStack reads the request). */
export interface RegistrationOptions {
  readonly urn: string;
  /** Logical name of the parent resource; undefined for children of the stack. */
  readonly parent?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs the engine orders this resource after: `dependsOn` plus every input's sources. */
  readonly dependencies?: readonly string[];
  /** Input name → URNs of the resources its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The resource's own `aliases` option as sent to the engine (parents' are not repeated). */
  readonly aliases?: readonly RecordedAlias[];
}

export interface RecordedResource extends RegistrationOptions {
  readonly type: string;
  readonly name: string;
  /** Inputs after stack transformations; secrets still wrapped (see redactSecrets). */
  readonly inputs: Record<string, unknown>;
}

const NO_OPTIONS: RegistrationOptions = {
  urn: "",
  protect: false,
  retainOnDelete: false,
  dependencies: [],
  propertyDependencies: {},
  aliases: [],
};

export class WebstackMocks implements pulumi.runtime.Mocks {
  private readonly registered: { type: string; name: string; inputs: Record<string, unknown> }[] =
    [];
  /** Options by "type::name", filled in from the monitor's requests and responses. */
  readonly options = new Map<string, Partial<RegistrationOptions>>();
  /** Every provider function the program called, with its arguments, in call order. */
  readonly calls: { readonly token: string; readonly inputs: Record<string, unknown> }[] = [];

  /** Every resource registered so far, in registration order. */
  get resources(): RecordedResource[] {
    return this.registered.map((r) => ({
      ...NO_OPTIONS,
      ...this.options.get(`${r.type}::${r.name}`),
      ...r,
    }));
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const inputs = args.inputs as Record<string, unknown>;
    if (args.type !== "pulumi:pulumi:Stack") {
      this.registered.push({ type: args.type, name: args.name, inputs });
    }
    const id = args.custom === false ? undefined : placeholder(args.type, args.name, "id");
    return { id, state: { ...computedState(args.type, args.name, inputs), ...inputs } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
    return functionResult(args.token);
  }
}

/** `value` with every secret-wrapped value inside it replaced by `replace(its plain value)`. */
function mapSecrets(value: unknown, replace: (plain: unknown) => unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return replace(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, replace));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, replace)]));
  }
  return value;
}

/** Replaces every secret-wrapped value with "[secret]", for files people read. */
export const redactSecrets = (value: unknown): unknown => mapSecrets(value, () => "[secret]");

/** Removes secret wrappers, keeping values, for assertions in tests. */
export const unwrapSecrets = (value: unknown): unknown => mapSecrets(value, unwrapSecrets);
