import { z } from "zod";
import { region, resourceName } from "./common.js";

/** Security Hub standards the config can subscribe to, by short name. */
export const SECURITY_HUB_STANDARDS = {
  fsbp: "standards/aws-foundational-security-best-practices/v/1.0.0",
  "cis-3.0": "standards/cis-aws-foundations-benchmark/v/3.0.0",
} as const;
export type SecurityHubStandard = keyof typeof SECURITY_HUB_STANDARDS;
const standard = z.enum(Object.keys(SECURITY_HUB_STANDARDS) as [SecurityHubStandard, ...SecurityHubStandard[]]);

const accountName = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "the name of an account in `accounts`");
const controlId = z.string().regex(/^[A-Z][A-Z0-9-]+$/, "a catalog control id such as LOGS-RETENTION");
/** Recorded with the change and shown in Security Hub / the scorecard: say who decided and why. */
const reason = z.string().trim().min(10, "a reason of at least 10 characters: who decided, and why the control does not apply");

const recorder = z.strictObject({
  /** Bucket (usually in the log-archive account) receiving configuration snapshots and history. */
  deliveryBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
  deliveryKeyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]{1,512}$/, "an S3 key prefix")
    .optional(),
  deliveryKmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, "a KMS key ARN")
    .optional(),
  /** Accounts enrolled in Control Tower already have a recorder (one per region is allowed): none is created there. */
  controlTowerAccounts: z.array(accountName).default([]),
  /** Role the recorder assumes (created in each account's home region). */
  roleName: resourceName.default("org-baseline-config-recorder"),
});

const config = z.strictObject({
  /**
   * The recorder and delivery channel, in accounts that do not already have them.
   * Omit the whole block when Control Tower (or another tool) records in every account.
   */
  recorder: recorder.optional(),
  rules: z
    .strictObject({
      /** organization: organization rules from the security account (delegated admin); account: rules in every account-region. */
      mode: z.enum(["organization", "account"]).default("organization"),
      /** Catalog controls not deployed and not checked; each needs a reason. */
      exclude: z.array(z.strictObject({ control: controlId, reason })).default([]),
      /** Overrides of a control's Config rule parameters, by control id. */
      parameters: z.record(controlId, z.record(z.string().regex(/^[A-Za-z0-9]+$/, "a parameter name"), z.string())).default({}),
    })
    .prefault({}),
  aggregator: z
    .strictObject({
      name: z
        .string()
        .regex(/^[\w-]{1,256}$/, "an aggregator name of letters, digits, _ and -")
        .default("org-baseline"),
      roleName: resourceName.default("org-baseline-config-aggregator"),
    })
    .prefault({}),
});

const securityHub = z.strictObject({
  standards: z.array(standard).min(1, "at least one standard").default(["fsbp", "cis-3.0"]),
  /** Controls switched off, each with the reason Security Hub records. */
  disabledControls: z
    .array(
      z.strictObject({
        control: z.string().regex(/^[A-Za-z0-9]+\.\d+$/, "a Security Hub control id such as IAM.6"),
        /** The subscribed standards the control is disabled in; default all of them (it must belong to each). */
        standards: z.array(standard).min(1).optional(),
        reason,
      }),
    )
    .default([]),
});

const analyzerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/, "an analyzer name: a letter, then letters, digits, _ . and -");

/**
 * IAM Access Analyzer, with the organization as zone of trust, in the security account (the
 * delegated administrator). The external-access analyzer is the ACCESS-ANALYZER-EXTERNAL control:
 * leave it out through `config.rules.exclude`, with a reason, like any other control.
 */
const accessAnalyzer = z.strictObject({
  /** One per region of the security account: an analyzer only sees the resources of its region. */
  externalAccess: z.strictObject({ name: analyzerName.default("org-baseline-external-access") }).prefault({}),
  /** Unused roles, keys, passwords and permissions (charged per role and user analyzed): omit to create none. */
  unusedAccess: z
    .strictObject({
      name: analyzerName.default("org-baseline-unused-access"),
      /** Access not used for this many days is a finding (AWS accepts 1 to 365). */
      trackingPeriodDays: z.number().int().min(1, "at least 1 day").max(365, "at most 365 days").default(90),
    })
    .optional(),
});

const monitoring = z.strictObject({
  /** Where the organization trail delivers to CloudWatch Logs (e.g. Control Tower's `aws-controltower/CloudTrailLogs`). */
  trail: z.strictObject({
    account: accountName,
    /** Defaults to that account's home region. */
    region: region.optional(),
    logGroup: z.string().regex(/^[A-Za-z0-9._/#-]{1,512}$/, "a log group name"),
  }),
  topicName: resourceName.default("org-baseline-security-alarms"),
  /** Subscribed to the alarm topic (each confirms by email). */
  emails: z.array(z.email("an email address")).default([]),
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9./_#:-]{1,255}$/, "a CloudWatch namespace")
    .default("OrgBaseline/Secrets"),
  /** Events per period that raise an account's alarm. */
  threshold: z.number().int().min(1).default(1),
  periodSeconds: z.union([z.literal(60), z.literal(300), z.literal(900), z.literal(3600)]).default(300),
});

/**
 * A preflight exception: one resource of one account may break these controls, for a
 * recorded reason. `baseline check` lists it as excepted instead of failing; the deployed
 * Config rules still evaluate the resource, so the scorecard keeps showing it.
 */
const exception = z.strictObject({
  controls: z.array(controlId).min(1, "at least one control id"),
  account: accountName,
  /** The resource's name as AWS knows it (a secret's or log group's name), or its Terraform address. */
  resource: z.string().min(1),
  reason,
});

/** AWS Config, Security Hub and monitoring settings (issue: compliance). */
export const complianceSchema = z
  .strictObject({
    config: config.prefault({}),
    exceptions: z.array(exception).default([]),
    securityHub: securityHub.prefault({}),
    accessAnalyzer: accessAnalyzer.prefault({}),
    /** "Make security noisy": secret-access alarms; omit to create none. */
    monitoring: monitoring.optional(),
  })
  .prefault({});

export type ComplianceConfig = z.infer<typeof complianceSchema>;
export type AccessAnalyzerConfig = z.infer<typeof accessAnalyzer>;
export type MonitoringConfig = z.infer<typeof monitoring>;
export type ExceptionConfig = z.infer<typeof exception>;
