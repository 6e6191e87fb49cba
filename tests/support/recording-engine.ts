// A stand-in for the Pulumi engine's two gRPC services (ResourceMonitor and Engine) that a
// program started through `@pulumi/pulumi/cmd/run` talks to: it records every registration,
// invoke, log and stack output, and answers like the engine does in preview (provider-computed
// attributes and ids unknown) or in update (filled in with the mock runtime's placeholders).
// No providers run: a resource's state is its inputs plus those placeholders.
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { computedState, functionResult, placeholder } from "../../tools/mock-runtime/computed";

/** What the SDK sends for a value not known until the update (sdk/nodejs/runtime/rpc.ts). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One RegisterResource call, inputs as sent on the wire (unknowns and secret wrappers kept). */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly inputs: Record<string, unknown>;
}

export interface RecordingEngine {
  /** host:port for both --monitor and --engine. */
  readonly address: string;
  readonly registrations: Registration[];
  readonly invokes: { readonly token: string; readonly args: Record<string, unknown> }[];
  readonly logs: { readonly severity: string; readonly message: string; readonly urn: string }[];
  /** The root stack resource's outputs, as sent on the wire; undefined until registered. */
  readonly stackOutputs: () => Record<string, unknown> | undefined;
  /** Set when a handler failed: the program then sees a gRPC error, and tests should say why. */
  readonly errors: string[];
  close(): Promise<void>;
}

type Handler<Req, Res> = grpc.handleUnaryCall<Req, Res>;

const SEVERITIES = ["debug", "info", "warning", "error"];

/** The URN the engine gives a resource: the parent's type chain, then this type and name. */
function urnOf(project: string, stack: string, parent: string, type: string, name: string) {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualified =
    parent && !parentType.endsWith("pulumi:pulumi:Stack") ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Starts the services on a free loopback port. */
export async function startRecordingEngine(options: {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
}): Promise<RecordingEngine> {
  const { project, stack, preview } = options;
  const registrations: Registration[] = [];
  const invokes: RecordingEngine["invokes"] = [];
  const logs: RecordingEngine["logs"] = [];
  const errors: string[] = [];
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  let rootUrn = "";

  // Every handler answers through this: a throw becomes a gRPC error the program reports.
  const unary =
    <Req, Res>(label: string, answer: (request: Req) => Res): Handler<Req, Res> =>
    (call, callback) => {
      try {
        callback(null, answer(call.request));
      } catch (error) {
        errors.push(`${label}: ${String(error)}`);
        callback({ code: grpc.status.INTERNAL, details: String(error) }, null);
      }
    };

  const monitor: Partial<resourceRpc.IResourceMonitorServer> = {
    // The features a current engine reports (pkg/resource/deploy/source_eval.go).
    supportsFeature: unary("SupportsFeature", () =>
      new resourcePb.SupportsFeatureResponse().setHassupport(true),
    ),
    registerResource: unary("RegisterResource", (request: resourcePb.RegisterResourceRequest) => {
      const type = request.getType();
      const name = request.getName();
      const parent = request.getParent();
      const urn = urnOf(project, stack, parent, type, name);
      const inputs = (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const custom = request.getCustom();
      registrations.push({ type, name, urn, custom, parent, inputs });
      const response = new resourcePb.RegisterResourceResponse().setUrn(urn);
      if (!custom) return response.setObject(Struct.fromJavaScript({}));
      // Preview: the provider plans the inputs and leaves what it computes unknown. An empty id
      // in a preview is an unknown id; a state the response omits is unknown as well.
      const computed = computedState(type, name, inputs);
      const filled = preview
        ? Object.fromEntries(Object.keys(computed).map((key) => [key, UNKNOWN]))
        : computed;
      const state = { ...filled, ...inputs } as Parameters<typeof Struct.fromJavaScript>[0];
      return response
        .setId(preview ? "" : placeholder(type, name, "id"))
        .setObject(Struct.fromJavaScript(state));
    }),
    registerResourceOutputs: unary(
      "RegisterResourceOutputs",
      (request: resourcePb.RegisterResourceOutputsRequest) => {
        const outputs = (request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        outputsByUrn.set(request.getUrn(), outputs);
        return new Empty();
      },
    ),
    // Data sources run in previews too; the answers are the mock runtime's placeholders.
    invoke: unary("Invoke", (request: resourcePb.ResourceInvokeRequest) => {
      const token = request.getTok();
      const args = (request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      invokes.push({ token, args });
      const result = functionResult(token) as Parameters<typeof Struct.fromJavaScript>[0];
      return new providerPb.InvokeResponse().setReturn(Struct.fromJavaScript(result));
    }),
    registerPackage: unary("RegisterPackage", (request: resourcePb.RegisterPackageRequest) =>
      new resourcePb.RegisterPackageResponse().setRef(`package:${request.getName()}`),
    ),
    signalAndWaitForShutdown: unary("SignalAndWaitForShutdown", () => new Empty()),
  };

  const engine: Partial<engineRpc.IEngineServer> = {
    log: unary("Log", (request: enginePb.LogRequest) => {
      const severity = SEVERITIES[request.getSeverity()] ?? String(request.getSeverity());
      logs.push({ severity, message: request.getMessage(), urn: request.getUrn() });
      return new Empty();
    }),
    getRootResource: unary("GetRootResource", () =>
      new enginePb.GetRootResourceResponse().setUrn(rootUrn),
    ),
    setRootResource: unary("SetRootResource", (request: enginePb.SetRootResourceRequest) => {
      rootUrn = request.getUrn();
      return new enginePb.SetRootResourceResponse();
    }),
  };

  const server = new grpc.Server();
  server.addService(
    resourceRpc.ResourceMonitorService,
    monitor as resourceRpc.IResourceMonitorServer,
  );
  server.addService(engineRpc.EngineService, engine as engineRpc.IEngineServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    registrations,
    invokes,
    logs,
    errors,
    stackOutputs: () => outputsByUrn.get(rootUrn),
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
