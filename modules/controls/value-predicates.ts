import { credentialWord } from "../../config/sections/parameters.js";
import { resourcesOf } from "./terraform.js";
import type { SynthesizedStack, Violation } from "./types.js";

/**
 * Preflight predicates for values: secret and SecureString values reach AWS only
 * through write-only arguments fed by ephemeral sources, SecureStrings use a
 * customer-managed key, and nothing that looks like a credential is a plain String.
 */

/** Whether `value` is exactly a reference to an ephemeral input variable or ephemeral resource of the stack. */
function ephemeralSource(stack: SynthesizedStack, value: unknown): boolean {
  if (typeof value !== "string") return false;
  const variable = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(value);
  if (variable) return stack.json.variable?.[variable[1]!]?.ephemeral === true;
  const resource = /^\$\{ephemeral\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}$/.exec(value);
  return resource !== null && stack.json.ephemeral?.[resource[1]!]?.[resource[2]!] !== undefined;
}

const secureStrings = (stack: SynthesizedStack) => resourcesOf(stack, "aws_ssm_parameter").filter((p) => p.body.type === "SecureString");

export function valuesWriteOnly(stack: SynthesizedStack): Violation[] {
  const violations: Violation[] = [];
  const check = (address: string, body: Record<string, unknown>, stored: string[], writeOnly: string) => {
    for (const field of stored) {
      if (body[field] !== undefined)
        violations.push({
          resource: address,
          why: `${field} is set: the plan and Terraform state keep it in clear; use ${writeOnly} from an ephemeral source`,
        });
    }
    if (body[writeOnly] !== undefined && !ephemeralSource(stack, body[writeOnly])) {
      violations.push({
        resource: address,
        why: `${writeOnly} is not an ephemeral variable or ephemeral resource: a literal would sit in the synthesized JSON`,
      });
    }
    if (body[writeOnly] !== undefined && typeof body[`${writeOnly}_version`] !== "number") {
      violations.push({ resource: address, why: `${writeOnly}_version is not a number: Terraform could never be told to write a new value` });
    }
  };
  for (const v of resourcesOf(stack, "aws_secretsmanager_secret_version")) check(v.address, v.body, ["secret_string", "secret_binary"], "secret_string_wo");
  for (const p of secureStrings(stack)) check(p.address, p.body, ["value", "insecure_value"], "value_wo");
  return violations;
}

export function secureStringsUseCmk(stack: SynthesizedStack): Violation[] {
  return secureStrings(stack).flatMap((p) => {
    const key = p.body.key_id;
    if (typeof key !== "string" || key === "")
      return [{ resource: p.address, why: "key_id is not set: the AWS-managed aws/ssm key is used, which cannot be limited to the declared readers" }];
    if (/alias\/aws\//.test(key)) return [{ resource: p.address, why: `key_id ${key} is an AWS-managed key` }];
    return [];
  });
}

export function noPlaintextCredentials(stack: SynthesizedStack): Violation[] {
  return resourcesOf(stack, "aws_ssm_parameter").flatMap((p) => {
    if (p.body.type === "SecureString" || typeof p.body.name !== "string") return [];
    const word = credentialWord(p.body.name);
    return word
      ? [
          {
            resource: p.address,
            why: `${p.body.name} looks like a credential ("${word}") but is a plain ${String(p.body.type)}: readable in clear by anyone who may read parameters`,
          },
        ]
      : [];
  });
}
