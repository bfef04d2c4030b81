import type { FrameworkMapping } from "./frameworks.js";

/** Synthesized Terraform JSON of one stack (`cdktf.out/stacks/<name>/cdk.tf.json`). */
export interface SynthesizedStack {
  name: string;
  json: {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, Record<string, Record<string, unknown>>>;
    output?: Record<string, { value?: unknown; description?: string }>;
    provider?: Record<string, unknown>;
    terraform?: Record<string, unknown>;
    variable?: Record<string, { ephemeral?: boolean; sensitive?: boolean; type?: string; default?: unknown }>;
    /** Ephemeral blocks (Terraform >= 1.10): type, then name. */
    ephemeral?: Record<string, Record<string, Record<string, unknown>>>;
  };
}

/** One preflight finding: which resource of which stack breaks the control, and why. */
export interface Violation {
  /** Terraform address (`aws_kms_key.logs_key_1A2B3C`), or `(stack)` for something missing. */
  resource: string;
  why: string;
}

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL";

/** Effective Config rule parameters (catalog defaults with config overrides); predicates check the same thresholds. */
export type ControlParameters = Readonly<Record<string, string>>;

export interface ConfigRuleSpec {
  /** Rule name as deployed, and as the scorecard sees it after normalization. */
  name: string;
  /** AWS Config managed rule source identifier, e.g. `SECRETSMANAGER_ROTATION_ENABLED_CHECK`. */
  identifier: string;
  parameters?: Record<string, string>;
  /** Resource types it evaluates; empty for periodic account-level rules. */
  resourceTypes?: string[];
  /** Periodic rules run every 24 hours; change-triggered rules take no frequency. */
  periodic?: boolean;
  /** Evaluates account-global resources (IAM): deployed in the home region only, where global types are recorded. */
  global?: boolean;
}

/**
 * One control of the baseline: data plus one predicate (as cdk-nag rules are).
 * It drives what is deployed (the Config rule), what `baseline check` evaluates,
 * and what the scorecard names and explains.
 */
export interface Control {
  /** Stable id, e.g. `SECRETS-ROTATION`. */
  id: string;
  title: string;
  severity: Severity;
  /** The AWS Config managed rule; absent for controls only preflight and Security Hub can judge. */
  configRule?: ConfigRuleSpec;
  securityHubControls: string[];
  /**
   * Evidence the scorecard reads when neither a Config rule nor Security Hub CSPM reports the control:
   * IAM Access Analyzer's own listing of the organization analyzers of that kind: `external`, one
   * active in each region read; `unused`, one active unused-access analyzer (IAM is global).
   */
  accessAnalyzerCoverage?: "external" | "unused";
  /** NIST SP 800-53 r5 and CIS AWS Foundations requirements this control gives evidence for (frameworks.ts). */
  frameworks?: FrameworkMapping;
  remediation: string;
  docUrl: string;
  /** Preflight predicate over one synthesized stack; returns what violates the control. */
  check: (stack: SynthesizedStack, parameters: ControlParameters) => Violation[];
}
