import type { ResolvedAccount, ResolvedOrg } from "../../config/model.js";
import { githubSubjectPatterns } from "../guardrail-plan.js";
import { GITHUB_OIDC_HOST } from "../naming.js";
import type { AccessRequest, NamedPolicy } from "./evaluate.js";
import { OUTSIDER, PROOF_OUTSIDER_ORG, outsiderAccount, type Intent } from "./intents.js";

/**
 * Data-perimeter intents of each VPC endpoint: an organization principal reaches an
 * organization resource, the AWS-owned resources and resource-less calls the
 * service needs pass, federated STS calls pass; principals and resources of other
 * organizations are refused. Only the endpoint policy is under test: the caller's
 * identity and the resource's policy are taken as allowing everything. What must pass is
 * proven under the organization's SCPs and RCPs too (they must not block it); what must be
 * refused without them, so that the endpoint policy is what refuses it.
 */

interface Probe {
  what: string;
  action: string;
  /** A resource of the given account in the given region; `*` for resource-less calls. */
  resource: (account: string, region: string) => string;
  /** The resource belongs to AWS, not to any organization's account (e.g. ECR's layer bucket). */
  awsOwned?: boolean;
}

/** What each service's callers do through the endpoint, and what must keep working. */
const PROBES: Readonly<Record<string, { org: Probe; needed?: Probe[] }>> = {
  secretsmanager: {
    org: { what: "reads a secret", action: "secretsmanager:GetSecretValue", resource: (a, r) => `arn:aws:secretsmanager:${r}:${a}:secret:app/probe-AbCdEf` },
  },
  kms: { org: { what: "decrypts with a key", action: "kms:Decrypt", resource: (a, r) => `arn:aws:kms:${r}:${a}:key/probe` } },
  sts: { org: { what: "assumes a role", action: "sts:AssumeRole", resource: (a) => `arn:aws:iam::${a}:role/probe` } },
  logs: { org: { what: "writes log events", action: "logs:PutLogEvents", resource: (a, r) => `arn:aws:logs:${r}:${a}:log-group:/probe:log-stream:s` } },
  ssm: { org: { what: "reads a parameter", action: "ssm:GetParameter", resource: (a, r) => `arn:aws:ssm:${r}:${a}:parameter/probe` } },
  "ecr.api": {
    org: { what: "reads an image manifest", action: "ecr:BatchGetImage", resource: (a, r) => `arn:aws:ecr:${r}:${a}:repository/probe` },
    needed: [{ what: "gets a registry token (names no resource)", action: "ecr:GetAuthorizationToken", resource: () => "*" }],
  },
  "ecr.dkr": { org: { what: "pulls an image layer", action: "ecr:GetDownloadUrlForLayer", resource: (a, r) => `arn:aws:ecr:${r}:${a}:repository/probe` } },
  s3: {
    org: { what: "reads an object", action: "s3:GetObject", resource: () => "arn:aws:s3:::probe-bucket/key" },
    needed: [
      {
        what: "pulls an ECR image layer from AWS's layer bucket",
        action: "s3:GetObject",
        resource: (_, r) => `arn:aws:s3:::prod-${r}-starport-layer-bucket/layer`,
        awsOwned: true,
      },
    ],
  },
  dynamodb: { org: { what: "reads an item", action: "dynamodb:GetItem", resource: (a, r) => `arn:aws:dynamodb:${r}:${a}:table/probe` } },
};

const ALLOW_EVERYTHING: readonly NamedPolicy[] = [
  { name: "caller's identity policy (allows everything)", document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
];
const OPEN_RESOURCE: NamedPolicy = {
  name: "resource policy (allows everyone)",
  document: { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
};

export function endpointIntents(org: ResolvedOrg): Intent[] {
  const orgId = org.config.organization.id;
  // A GitHub token carries its workflow's subject, here of a declared owner, which the guardrails let through.
  // With no owner declared they let no GitHub token through (a guardrail intent says so): the endpoint alone is proven.
  const githubOwner = githubSubjectPatterns(org)[0];
  const githubToken = {
    [`${GITHUB_OIDC_HOST}:sub`]: (githubOwner ?? "repo:proof-owner/*").replace(/\*$/, "proof:ref:refs/heads/main"),
    [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
  };
  const outsider = outsiderAccount(org);
  const intents: Intent[] = [];
  for (const account of org.accounts) {
    for (const set of account.endpoints) {
      for (const service of [...set.services, ...set.gateways]) {
        const probes = PROBES[service];
        if (!probes) continue;
        const subject = `${account.name}/endpoint/${set.name}-${service}`;
        const options = (identity: readonly NamedPolicy[], withoutGuardrails: boolean) => ({
          identity,
          endpointOf: { account: account.id, region: set.region, service },
          resourcePolicy: OPEN_RESOURCE,
          ...(withoutGuardrails ? { withoutGuardrails } : {}),
        });
        const member = (a: ResolvedAccount) => ({ arn: `arn:aws:iam::${a.id}:role/proof/workload`, orgId });
        const request = (principal: AccessRequest["principal"], probe: Probe, resourceAccount: string, resourceOrg?: string): AccessRequest => {
          const arn = probe.resource(resourceAccount, set.region);
          // A call that names no resource carries no aws:ResourceOrgID.
          const named = arn !== "*" && !probe.awsOwned;
          return {
            principal,
            action: probe.action,
            resource: { arn, account: named ? resourceAccount : undefined, orgId: arn === "*" ? undefined : resourceOrg },
          };
        };
        const add = (title: string, expect: Intent["expect"], req: AccessRequest, identity = ALLOW_EVERYTHING, withoutGuardrails = expect === "deny") =>
          intents.push({ subject, title, expect, request: req, options: options(identity, withoutGuardrails) });

        const other = org.accounts.find((a) => a.id !== account.id) ?? account;
        add(`a principal of ${account.name} ${probes.org.what} of ${other.name}`, "allow", request(member(account), probes.org, other.id, orgId));
        for (const probe of probes.needed ?? [])
          add(`a principal of ${account.name} ${probe.what}`, "allow", request(member(account), probe, account.id, probe.awsOwned ? undefined : orgId));
        add(
          `a principal of another organization cannot: ${probes.org.what} of ${account.name}`,
          "deny",
          request({ arn: `arn:aws:iam::${outsider}:role/proof/outsider`, orgId: PROOF_OUTSIDER_ORG }, probes.org, account.id, orgId),
          OUTSIDER,
        );
        add(
          `a principal of ${account.name} cannot: ${probes.org.what} of another organization`,
          "deny",
          request(member(account), probes.org, outsider, PROOF_OUTSIDER_ORG),
        );
        if (service === "sts") {
          for (const [kind, provider] of [
            ["AssumeRoleWithWebIdentity", `arn:aws:iam::${account.id}:oidc-provider/${GITHUB_OIDC_HOST}`],
            ["AssumeRoleWithSAML", `arn:aws:iam::${account.id}:saml-provider/corporate-idp`],
          ] as const) {
            const web = kind === "AssumeRoleWithWebIdentity";
            add(
              `a federated caller (${kind}) gets credentials for a role of ${account.name}`,
              "allow",
              {
                principal: { federated: provider },
                action: `sts:${kind}`,
                resource: { arn: `arn:aws:iam::${account.id}:role/probe`, orgId },
                ...(web ? { context: githubToken } : {}),
              },
              ALLOW_EVERYTHING,
              web && !githubOwner,
            );
          }
        }
      }
    }
  }
  return intents;
}
