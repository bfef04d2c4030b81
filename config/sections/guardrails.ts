import { z } from "zod";
import { AWS_REGIONS } from "../regions.js";
import { accountName } from "./refs.js";

/**
 * Organization guardrails (issue 11): service control policies (what principals of member
 * accounts may do) and resource control policies (who may reach the organization's
 * resources), generated in the management account's stack. Every guardrail is on unless
 * switched off with a reason; every exception carries a reason, as compliance exceptions do.
 */

/** Recorded in the config's history: who decided, and why. */
const reason = z.string().trim().min(10, "a reason of at least 10 characters: who decided, and why the guardrail does not apply");

const region = z.enum(AWS_REGIONS, { error: (issue) => `an AWS region such as eu-west-1 (got ${JSON.stringify(issue.input)})` });

/** `/` (the root) or an OU path of the config's accounts, such as /Workloads/Prod. */
const targetPath = z.string().regex(/^\/(?:[A-Za-z0-9 _.-]+(?:\/[A-Za-z0-9 _.-]+)*)?$/, "the root / or an OU path such as /Workloads/Prod (no trailing /)");

/** An IAM role by name, with its path when it has one: `AWSControlTowerExecution`, `/jit/payments-operator`. */
const roleName = z
  .string()
  .regex(/^(?:\/(?:[A-Za-z0-9+=,.@_-]+\/)*)?[A-Za-z][A-Za-z0-9+=,.@_-]{0,63}$/, "a role name, optionally with its path (/jit/payments-operator); no wildcards");

/**
 * Who a guardrail leaves alone. For a service control policy: principals of `account`
 * (every account when omitted), or only its `role` (in every account when `account` is
 * omitted). For a resource control policy: resources of `account`.
 */
const exception = z
  .strictObject({
    account: accountName.optional(),
    role: roleName.optional(),
    reason,
  })
  .refine((e) => e.account !== undefined || e.role !== undefined, "name the account, the role, or both that the guardrail leaves alone");

/** What every guardrail has: the switch, where it is attached, and its exceptions. */
const common = {
  enabled: z.boolean().default(true),
  /** Why the guardrail is switched off; required with `enabled: false`. */
  reason: reason.optional(),
  /** Attached to the root by default, so every member account gets it. */
  targets: z.array(targetPath).min(1, "at least one target (/ is the root)").default(["/"]),
  exceptions: z.array(exception).default([]),
};

const base = z.strictObject(common);

function switchNeedsReason(g: { enabled: boolean; reason?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!g.enabled && g.reason === undefined)
    ctx.addIssue({ code: "custom", path: ["enabled"], message: "switching a guardrail off needs a reason (who decided, and why)" });
}

const plain = base.superRefine(switchNeedsReason).prefault({});

export const guardrailsSchema = z.strictObject({
  /** SCP: no IAM users, access keys, passwords, service-specific credentials or signing certificates. */
  noStandingCredentials: plain,
  /**
   * SCP: only the deploy role and the pipelines' apply role change what the baseline manages
   * (its roles and boundary, the GitHub OIDC provider, keys, secret policies and rotation,
   * AWS Config, Security Hub, CloudTrail).
   */
  protectBaseline: plain,
  /** SCP: no member account leaves the organization. */
  denyLeaveOrganization: plain,
  /** SCP: the root user of member accounts can do nothing (centralized root access). */
  denyRootUser: plain,
  /** SCP: requests outside the allowed regions are denied, except AWS's global services. */
  regionDeny: base
    .extend({
      /** Default: every region some account uses, and the state backend's. */
      allowedRegions: z.array(region).min(1).optional(),
      /** Further actions of global services exempted (`service:*` or `service:Action`). */
      exemptActions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an action such as budgets:* or ec2:DescribeRegions")).default([]),
    })
    .superRefine(switchNeedsReason)
    .prefault({}),
  /** RCP: only principals of the organization (or AWS services, or declared third parties) reach its resources. */
  resourcePerimeter: plain,
  /** RCP: AWS services reach the organization's resources only on behalf of the organization (aws:SourceOrgID). */
  confusedDeputy: plain,
  /** RCP: every request to the organization's resources uses TLS. */
  secureTransport: plain,
  /** RCP: web-identity federation only from declared issuers; GitHub Actions only for the declared owners. */
  trustedIdentityProviders: base
    .extend({
      /** Further OIDC issuers (host and path, as in the provider's URL) trusted in addition to GitHub Actions. */
      issuers: z
        .array(
          z.strictObject({
            host: z.string().regex(/^[a-z0-9.-]+(?:\/[A-Za-z0-9._-]+)*$/, "an issuer host such as oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
            reason,
          }),
        )
        .default([]),
    })
    .superRefine(switchNeedsReason)
    .prefault({}),
});

export type GuardrailsConfig = z.infer<typeof guardrailsSchema>;
export type GuardrailId = keyof GuardrailsConfig;
export type GuardrailException = z.infer<typeof exception>;
