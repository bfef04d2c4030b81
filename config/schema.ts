import { z } from "zod";
import { accountId, region, resourceName, tags } from "./sections/common.js";

export { region };
import { rolesSchema } from "./sections/identity.js";
import { keysSchema } from "./sections/keys.js";
import { secretsSchema } from "./sections/secrets.js";
import { parametersSchema } from "./sections/parameters.js";
import { endpointsSchema } from "./sections/endpoints.js";
import { logGroupsSchema, logsSchema } from "./sections/logs.js";
import { complianceSchema } from "./sections/compliance.js";
import { pipelinesSchema } from "./sections/pipelines.js";
import { accessSchema } from "./sections/access.js";
import { guardrailsSchema } from "./sections/guardrails.js";

export const accountRole = z.enum(["management", "security", "log-archive", "shared", "workload"]);

const environment = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "a lower-case environment name such as prod or dev");

const ouPath = z.string().regex(/^\/(?:[A-Za-z0-9 _.-]+\/?)*$/, "an OU path from the root, such as /Workloads/Prod");

const account = z.strictObject({
  id: accountId,
  name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "a lower-case account name of letters, digits and - (it names stacks)"),
  email: z.email("an email address").optional(),
  role: accountRole,
  environment,
  ou: ouPath,
  /** Defaults to `defaults.regions`. The first region is the home region unless `homeRegion` says otherwise. */
  regions: z.array(region).min(1, "at least one region").optional(),
  homeRegion: region.optional(),
  /** Overrides `deployRole.name` for this account. */
  deployRoleName: resourceName.optional(),
  tags: tags.default({}),
  roles: rolesSchema,
  keys: keysSchema,
  secrets: secretsSchema,
  parameters: parametersSchema,
  endpoints: endpointsSchema,
  logGroups: logGroupsSchema,
});

const s3Backend = z.strictObject({
  type: z.literal("s3"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
  region,
  /** State key of a stack: `<keyPrefix>/<stack>.tfstate`. */
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_./-]+$/, "a key prefix without spaces")
    .default("org-baseline"),
  /** S3 native locking (Terraform >= 1.10): no DynamoDB table. */
  useLockfile: z.boolean().default(true),
  encrypt: z.literal(true, "state must be encrypted (encrypt: true)").default(true),
  kmsKeyId: z.string().optional(),
  /** Role assumed to reach the state bucket, if it lives in another account. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "an IAM role ARN")
    .optional(),
});

const hcpBackend = z.strictObject({
  type: z.literal("hcp"),
  organization: z.string().min(1),
  hostname: z.string().default("app.terraform.io"),
  /** Workspace of a stack: `<workspacePrefix><stack>`. */
  workspacePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "letters, digits, _ and -")
    .default("org-baseline-"),
  project: z.string().optional(),
});

export const orgSchema = z.strictObject({
  $schema: z.string().optional(),
  organization: z.strictObject({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id such as o-a1b2c3d4e5"),
    name: z.string().min(1),
  }),
  defaults: z
    .strictObject({
      regions: z.array(region).min(1, "at least one region").default(["us-east-1"]),
    })
    .default({ regions: ["us-east-1"] }),
  /** Tags every resource gets, through the provider's default_tags. */
  tags: tags.default({}),
  /** Managed policy every generated role carries as its permission boundary. */
  permissionBoundary: z.strictObject({
    name: resourceName,
    path: z
      .string()
      .regex(/^\/(?:[A-Za-z0-9_+=,.@-]+\/)*$/, "an IAM path such as / or /baseline/")
      .default("/"),
  }),
  /** Role each stack's AWS provider assumes in its account. */
  deployRole: z
    .strictObject({
      name: resourceName.default("OrganizationAccountAccessRole"),
      sessionName: z
        .string()
        .regex(/^[\w+=,.@-]{2,64}$/, "an STS session name")
        .default("org-baseline"),
      externalId: z.string().min(2).max(1224).optional(),
    })
    .default({ name: "OrganizationAccountAccessRole", sessionName: "org-baseline" }),
  backend: z.discriminatedUnion("type", [s3Backend, hcpBackend]),
  accounts: z.array(account).min(1, "at least one account"),
  logs: logsSchema,
  compliance: complianceSchema,
  pipelines: pipelinesSchema,
  /** Just-in-time access: the broker and who may request which brokered role. */
  access: accessSchema,
  /** Service and resource control policies, in the management account's stack; every guardrail is on unless switched off. */
  guardrails: guardrailsSchema.optional(),
});

/** The config file as written (after defaults). */
export type OrgConfig = z.infer<typeof orgSchema>;
export type AccountConfig = OrgConfig["accounts"][number];
export type BackendConfig = OrgConfig["backend"];
export type AccountRole = z.infer<typeof accountRole>;
