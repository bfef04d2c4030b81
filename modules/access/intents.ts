import type { ResolvedOrg } from "../../config/model.js";
import type { AccessRequest, Decision, NamedPolicy } from "./evaluate.js";
import { UnsupportedPolicyError } from "./errors.js";
import { accessIntents } from "./intents-access.js";
import { endpointIntents } from "./intents-endpoints.js";
import { guardrailIntents } from "./guardrail-intents.js";
import { identityIntents } from "./intents-identity.js";
import { valueIntents } from "./intents-values.js";
import { ask, type AskOptions, type World } from "./world.js";

/**
 * Access intents: what the config declares, as requests whose decision is known
 * in advance. Declared readers, users, administrators and trusted principals must
 * be allowed; strangers, outsiders, wrong tags, missing MFA/ExternalId/
 * SourceIdentity and other GitHub subjects must be denied. They are derived from
 * the config alone and proven against the synthesized documents.
 *
 * To add intents for a new capability, write a `(org) => Intent[]` in its own
 * `intents-<capability>.ts` and add it to INTENT_SOURCES.
 */

export interface Intent {
  /** The resource a reviewer looks up with `explain`: `<account>/<secret|key|role|endpoint>/<name>`. */
  subject: string;
  /** Who does what, in words: `payments-prod/payments-api reads the value in eu-central-1`. */
  title: string;
  expect: "allow" | "deny";
  request: AccessRequest;
  options?: AskOptions;
}

export type IntentSource = (org: ResolvedOrg) => Intent[];

export const INTENT_SOURCES: readonly IntentSource[] = [identityIntents, endpointIntents, valueIntents, accessIntents, guardrailIntents];

export interface IntentResult {
  intent: Intent;
  /** Undefined when a document could not be evaluated (see `error`). */
  decision?: Decision;
  error?: string;
  passed: boolean;
}

export function deriveIntents(org: ResolvedOrg, sources: readonly IntentSource[] = INTENT_SOURCES): Intent[] {
  return sources.flatMap((source) => source(org));
}

export function proveIntents(world: World, intents: readonly Intent[]): IntentResult[] {
  return intents.map((intent) => {
    try {
      const decision = ask(world, intent.request, intent.options);
      return { intent, decision, passed: decision.allowed === (intent.expect === "allow") };
    } catch (e) {
      if (!(e instanceof UnsupportedPolicyError)) throw e;
      return { intent, error: e.message, passed: false };
    }
  });
}

/** Principals the proofs invent: never created by the baseline, named so nobody mistakes them for real ones. */
export const PROOF_OUTSIDER_ORG = "o-proofoutsider";

export function strangerArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/proof/stranger`;
}

/** An account outside the organization that the config does not mention either. */
export function outsiderAccount(org: ResolvedOrg): string {
  const used = JSON.stringify(org.config);
  for (let n = 100000000001; ; n += 111111111) {
    const id = String(n).padStart(12, "0");
    if (!used.includes(id)) return id;
  }
}

const policy = (name: string, Action: string | string[]): NamedPolicy => ({
  name,
  document: { Statement: [{ Sid: "Broad", Effect: "Allow", Action, Resource: "*" }] },
});

/** The deploy role is the landing zone's administrator: modelled with AdministratorAccess. */
export const ADMINISTRATOR: readonly NamedPolicy[] = [policy("deploy role (AdministratorAccess)", "*")];
/** An in-organization principal whose own policy allows everything on secrets, keys, roles and parameters. */
export const STRANGER: readonly NamedPolicy[] = [policy("stranger's identity policy", ["secretsmanager:*", "kms:*", "sts:*", "ssm:*"])];
/** A principal of another organization whose own policy allows everything. */
export const OUTSIDER: readonly NamedPolicy[] = [policy("outsider's identity policy", "*")];
