import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import {
  type Block,
  conform,
  equal,
  fromMsgpack,
  hasUnknown,
  isObject,
  type Nesting,
  toMsgpack,
  UNKNOWN,
  type Value,
  type ValueObject,
} from "./cty";

/** go-plugin's magic cookie for Terraform providers. */
const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/** A failure reported to Terraform as an error diagnostic. */
export class ProviderError extends Error {
  constructor(
    readonly summary: string,
    readonly detail = "",
    readonly attribute?: string,
  ) {
    super(detail === "" ? summary : `${summary}: ${detail}`);
  }
}

/** A managed resource type: its schema and what it does to the world. */
export interface ResourceType<Ctx> {
  readonly schema: Block;
  /** Top-level attributes whose change replaces the resource. */
  readonly forceNew?: readonly string[];
  /**
   * Set for types the real provider builds on the legacy SDK (terraform-plugin-sdk v2): their
   * optional attributes plan their `Default` when the configuration leaves them null, and a null
   * in the configuration matches a zero value ("", false, 0, empty) in the state, as the SDK
   * plans them; Terraform accepts such plans from the legacy SDK only.
   */
  readonly legacySdk?: { readonly defaults?: { readonly [name: string]: Value } };
  validate?(config: ValueObject): void;
  /** Adjusts a create's plan (computed attributes the provider knows at plan time). */
  planCreate?(planned: ValueObject, config: ValueObject): void;
  /** Adjusts an update's plan: computed attributes a change makes unknown. */
  planUpdate?(prior: ValueObject, planned: ValueObject, config: ValueObject): void;
  create(ctx: Ctx, planned: ValueObject): ValueObject;
  /** The resource as the world holds it now, or null when it is gone. */
  read(ctx: Ctx, state: ValueObject): ValueObject | null;
  update(ctx: Ctx, prior: ValueObject, planned: ValueObject): ValueObject;
  delete(ctx: Ctx, state: ValueObject): void;
  /** The state of an existing object, from the ID `terraform import` is given. */
  import(ctx: Ctx, id: string): ValueObject;
}

export interface DataSourceType<Ctx> {
  readonly schema: Block;
  validate?(config: ValueObject): void;
  read(ctx: Ctx, config: ValueObject): ValueObject;
}

/** One provider: its configuration schema, how a configuration becomes a context, its types. */
export interface ProviderDefinition<Ctx> {
  readonly schema: Block;
  configure(config: ValueObject): Ctx;
  readonly resources: { readonly [type: string]: ResourceType<Ctx> };
  readonly dataSources: { readonly [type: string]: DataSourceType<Ctx> };
}

// --- wire shapes (proto-loader objects, keepCase) ---

interface DynamicValue {
  msgpack?: Buffer;
  json?: Buffer;
}
interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute?: { steps: Array<{ attribute_name: string }> };
}
type Unary<Req, Res> = (call: { request: Req }, callback: grpc.sendUnaryData<Res>) => void;

const NESTING: Record<Nesting, string> = { single: "SINGLE", list: "LIST", set: "SET" };

function wireBlock(block: Block): unknown {
  return {
    version: 0,
    attributes: Object.entries(block.attributes).map(([name, a]) => ({
      name,
      type: Buffer.from(JSON.stringify(a.type)),
      required: a.required ?? false,
      optional: a.optional ?? false,
      computed: a.computed ?? false,
      sensitive: a.sensitive ?? false,
      write_only: a.writeOnly ?? false,
    })),
    block_types: Object.entries(block.blocks ?? {}).map(([name, nested]) => ({
      type_name: name,
      block: wireBlock(nested.block),
      nesting: NESTING[nested.nesting],
      min_items: nested.minItems ?? 0,
      max_items: nested.maxItems ?? 0,
    })),
  };
}

const wireSchema = (block: Block) => ({ version: block.version ?? 0, block: wireBlock(block) });

const dynamic = (value: Value): DynamicValue => ({ msgpack: Buffer.from(toMsgpack(value)) });
const decoded = (value: DynamicValue | null | undefined): Value => fromMsgpack(value?.msgpack);

function diagnosticsOf(error: unknown): Diagnostic[] {
  if (error instanceof ProviderError) {
    return [
      {
        severity: "ERROR",
        summary: error.summary,
        detail: error.detail,
        ...(error.attribute === undefined
          ? {}
          : { attribute: { steps: [{ attribute_name: error.attribute }] } }),
      },
    ];
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [{ severity: "ERROR", summary: "Test provider failure", detail: message }];
}

/**
 * A unary handler that turns a thrown error into an error diagnostic in the response (the protocol
 * reports failures as diagnostics, not gRPC errors).
 */
function handler<Req, Res extends object>(
  run: (request: Req) => Res,
  diagnosticsField = "diagnostics",
): Unary<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, run(call.request));
    } catch (error) {
      callback(null, { [diagnosticsField]: diagnosticsOf(error) } as Res);
    }
  };
}

/** Computed attributes a create plans unknown when the configuration leaves them null. */
function unknownComputed(block: Block, planned: ValueObject, config: ValueObject | null): void {
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (attribute.computed && (config?.[name] ?? null) === null && planned[name] === null) {
      planned[name] = UNKNOWN;
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const items = planned[name];
    const configItems = config?.[name];
    if (nested.nesting === "single" && isObject(items)) {
      unknownComputed(nested.block, items, isObject(configItems) ? configItems : null);
    } else if (Array.isArray(items)) {
      items.forEach((item, i) => {
        const configItem = Array.isArray(configItems) ? configItems[i] : undefined;
        if (isObject(item))
          unknownComputed(nested.block, item, isObject(configItem) ? configItem : null);
      });
    }
  }
}

const isZero = (value: Value | undefined) =>
  value === "" ||
  value === false ||
  value === 0 ||
  (Array.isArray(value) && value.length === 0) ||
  (isObject(value) && Object.keys(value).length === 0);

/** How the legacy SDK plans an optional attribute the configuration leaves null. */
function legacyPlan(
  block: Block,
  legacy: NonNullable<ResourceType<unknown>["legacySdk"]>,
  prior: ValueObject | null,
  config: ValueObject,
  planned: ValueObject,
): void {
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (!attribute.optional || attribute.computed || config[name] !== null) continue;
    const fallback = legacy.defaults?.[name];
    if (fallback !== undefined) planned[name] = fallback;
    else if (prior !== null && isZero(prior[name])) planned[name] = prior[name] ?? null;
  }
}

function lookup<T>(types: { readonly [type: string]: T }, name: string, kind: string): T {
  const found = types[name];
  if (found === undefined) throw new ProviderError(`Unsupported ${kind} type`, name);
  return found;
}

/** The gRPC implementation of `tfplugin6.Provider` for one provider definition. */
export function providerService<Ctx>(
  definition: ProviderDefinition<Ctx>,
): grpc.UntypedServiceImplementation {
  let ctx: Ctx | undefined;
  const context = (): Ctx => {
    if (ctx === undefined) throw new ProviderError("Provider not configured");
    return ctx;
  };
  const resource = (type: string) => lookup(definition.resources, type, "resource");
  const dataSource = (type: string) => lookup(definition.dataSources, type, "data source");

  return {
    GetMetadata: handler(() => ({
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      resources: Object.keys(definition.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(definition.dataSources).map((type_name) => ({ type_name })),
    })),
    GetProviderSchema: handler(() => ({
      provider: wireSchema(definition.schema),
      resource_schemas: Object.fromEntries(
        Object.entries(definition.resources).map(([type, r]) => [type, wireSchema(r.schema)]),
      ),
      data_source_schemas: Object.fromEntries(
        Object.entries(definition.dataSources).map(([type, d]) => [type, wireSchema(d.schema)]),
      ),
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
    })),
    ValidateProviderConfig: handler(() => ({ diagnostics: [] })),
    ValidateResourceConfig: handler((req: { type_name: string; config: DynamicValue }) => {
      const type = resource(req.type_name);
      type.validate?.(conform(type.schema, decoded(req.config)));
      return { diagnostics: [] };
    }),
    ValidateDataResourceConfig: handler((req: { type_name: string; config: DynamicValue }) => {
      const type = dataSource(req.type_name);
      type.validate?.(conform(type.schema, decoded(req.config)));
      return { diagnostics: [] };
    }),
    ConfigureProvider: handler((req: { config: DynamicValue }) => {
      ctx = definition.configure(conform(definition.schema, decoded(req.config)));
      return { diagnostics: [] };
    }),
    UpgradeResourceState: handler((req: { type_name: string; raw_state?: { json?: Buffer } }) => {
      const json = req.raw_state?.json;
      const raw = json === undefined || json.length === 0 ? null : JSON.parse(json.toString());
      const state = raw === null ? null : conform(resource(req.type_name).schema, raw);
      return { upgraded_state: dynamic(state) };
    }),
    ReadResource: handler(
      (req: { type_name: string; current_state: DynamicValue; private: Buffer }) => {
        const type = resource(req.type_name);
        const current = decoded(req.current_state);
        if (!isObject(current)) return { new_state: dynamic(null), private: req.private };
        const now = type.read(context(), conform(type.schema, current));
        return {
          new_state: dynamic(now === null ? null : conform(type.schema, now)),
          private: req.private,
        };
      },
    ),
    PlanResourceChange: handler(
      (req: {
        type_name: string;
        prior_state: DynamicValue;
        proposed_new_state: DynamicValue;
        config: DynamicValue;
        prior_private: Buffer;
      }) => {
        const type = resource(req.type_name);
        const proposed = decoded(req.proposed_new_state);
        if (!isObject(proposed)) return { planned_state: dynamic(null) };
        const prior = decoded(req.prior_state);
        const config = conform(type.schema, decoded(req.config));
        const planned = conform(type.schema, proposed);
        const requiresReplace: string[] = [];
        const priorState = isObject(prior) ? conform(type.schema, prior) : null;
        if (type.legacySdk !== undefined)
          legacyPlan(type.schema, type.legacySdk, priorState, config, planned);
        if (priorState !== null) {
          for (const name of type.forceNew ?? []) {
            if (!equal(priorState[name], planned[name]) || planned[name] === UNKNOWN) {
              if (!(planned[name] === UNKNOWN && priorState[name] === null))
                requiresReplace.push(name);
            }
          }
          type.planUpdate?.(priorState, planned, config);
        } else {
          unknownComputed(type.schema, planned, config);
          type.planCreate?.(planned, config);
        }
        return {
          planned_state: dynamic(planned),
          requires_replace: requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })),
          planned_private: req.prior_private,
          legacy_type_system: type.legacySdk !== undefined,
        };
      },
    ),
    ApplyResourceChange: handler(
      (req: { type_name: string; prior_state: DynamicValue; planned_state: DynamicValue }) => {
        const type = resource(req.type_name);
        const prior = decoded(req.prior_state);
        const planned = decoded(req.planned_state);
        if (!isObject(planned)) {
          if (isObject(prior)) type.delete(context(), conform(type.schema, prior));
          return { new_state: dynamic(null) };
        }
        const after = isObject(prior)
          ? type.update(context(), conform(type.schema, prior), conform(type.schema, planned))
          : type.create(context(), conform(type.schema, planned));
        const state = conform(type.schema, after);
        if (hasUnknown(state)) {
          throw new ProviderError("Test provider left an unknown value after apply", req.type_name);
        }
        return { new_state: dynamic(state), legacy_type_system: type.legacySdk !== undefined };
      },
    ),
    ImportResourceState: handler((req: { type_name: string; id: string }) => {
      const type = resource(req.type_name);
      const state = conform(type.schema, type.import(context(), req.id));
      return { imported_resources: [{ type_name: req.type_name, state: dynamic(state) }] };
    }),
    ReadDataSource: handler((req: { type_name: string; config: DynamicValue }) => {
      const type = dataSource(req.type_name);
      const config = conform(type.schema, decoded(req.config));
      return { state: dynamic(conform(type.schema, type.read(context(), config))) };
    }),
    StopProvider: handler(() => ({ Error: "" }), "Error"),
  };
}

/**
 * The server's certificate and key: self-signed for `localhost` (CA, server and client auth, as
 * go-plugin's AutoMTLS checks it), made once with the `openssl` command and kept in `dir`.
 */
export function serverCertificate(dir: string): { cert: Buffer; key: Buffer } {
  const certPath = join(dir, "provider-cert.pem");
  const keyPath = join(dir, "provider-key.pem");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
    // Made in a folder of its own and renamed into place, so concurrent first starts never read half a file.
    const work = mkdtempSync(join(dir, "new-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-days",
          "3650",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost",
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
          "-addext",
          "extendedKeyUsage=serverAuth,clientAuth",
          "-keyout",
          join(work, "key.pem"),
          "-out",
          join(work, "cert.pem"),
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      renameSync(join(work, "key.pem"), keyPath);
      renameSync(join(work, "cert.pem"), certPath);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

function loadProtos(): grpc.GrpcObject {
  const definition = protoLoader.loadSync(
    [join(__dirname, "tfplugin6.proto"), join(__dirname, "plugin.proto")],
    { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true },
  );
  return grpc.loadPackageDefinition(definition);
}

type ServiceClient = { service: grpc.ServiceDefinition };

/**
 * Serves a provider as go-plugin expects of a plugin process: checks the magic cookie, listens on a
 * unix socket with mutual TLS (the client certificate from `PLUGIN_CLIENT_CERT`), and prints the
 * handshake line `1|6|unix|SOCKET|grpc|CERT` as the only output on stdout.
 */
export async function serve<Ctx>(
  definition: ProviderDefinition<Ctx>,
  certificateDir: string,
): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE) {
    process.stderr.write(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will\n" +
        "load any plugins automatically\n",
    );
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? "6").split(",");
  if (!versions.includes("6")) {
    process.stderr.write(`plugin protocol 6 is not among ${versions.join(",")}\n`);
    process.exit(1);
  }
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  if (clientCert === undefined || clientCert === "") {
    process.stderr.write(
      "PLUGIN_CLIENT_CERT is not set: these providers need go-plugin's AutoMTLS\n",
    );
    process.exit(1);
  }
  const { cert, key } = serverCertificate(certificateDir);
  const protos = loadProtos();
  const tfplugin6 = protos.tfplugin6 as grpc.GrpcObject;
  const plugin = protos.plugin as grpc.GrpcObject;

  const server = new grpc.Server();
  server.addService(
    (tfplugin6.Provider as unknown as ServiceClient).service,
    providerService(definition),
  );
  server.addService((plugin.GRPCController as unknown as ServiceClient).service, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      // Exit once the answer is on its way: go-plugin kills a plugin that lingers after 2 s.
      setImmediate(() => process.exit(0));
    },
  });
  server.addService((plugin.GRPCStdio as unknown as ServiceClient).service, {
    // Nothing is ever written to it; the stream stays open until the process exits.
    StreamStdio: () => {},
  });
  server.addService((plugin.GRPCBroker as unknown as ServiceClient).service, {
    StartStream: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.on("data", () => {});
    },
  });

  const socketDir = mkdtempSync(join(tmpdir(), "plugin"));
  const socket = join(socketDir, "provider.sock");
  process.on("exit", () => rmSync(socketDir, { recursive: true, force: true }));
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(clientCert),
    [{ private_key: key, cert_chain: cert }],
    true,
  );
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, credentials, (error) =>
      error === null ? resolve() : reject(error),
    ),
  );
  const der = new X509Certificate(cert).raw.toString("base64").replace(/=+$/, "");
  process.stdout.write(`1|6|unix|${socket}|grpc|${der}\n`);
}
