import type { PathSegment } from "../errors.js";
import type { ResolvedAccount } from "../model.js";
import { credentialWord, MAX_PARAMETER_DEPTH, parameterName, TIER_MAX_BYTES } from "../sections/parameters.js";
import type { InitialValueConfig } from "../sections/values.js";
import type { Names } from "./names.js";
import type { ConfigCheck, Report } from "./types.js";

/** Write-only values need Terraform 1.11; the pipelines' pinned version must be at least that. */
export const WRITE_ONLY_MIN_TERRAFORM = "1.11.0";

/**
 * Write-only first values and Parameter Store hierarchies: variable names unique per account, hierarchies with valid names
 * and existing keys and readers, SecureString values never in config, no
 * credential-looking plain String, and a Terraform version that supports write-only arguments.
 */
export const valueChecks: ConfigCheck = ({ config, accounts }, report, names) => {
  let usesWriteOnly = false;
  accounts.forEach((account, i) => {
    const variables = new Map<string, string>();
    const initial = (value: InitialValueConfig, at: PathSegment[]) => {
      usesWriteOnly = true;
      if (value.fromVariable !== undefined) {
        const first = variables.get(value.fromVariable);
        if (first !== undefined) report([...at, "fromVariable"], `variable ${value.fromVariable} already supplies ${first}; each value gets its own variable`);
        else variables.set(value.fromVariable, at.join("."));
      }
    };
    account.secrets.forEach((secret, j) => {
      if (secret.initialValue) initial(secret.initialValue, ["accounts", i, "secrets", j, "initialValue"]);
    });
    checkHierarchies(account, i, report, names, initial);
  });
  const version = config.pipelines?.terraformVersion;
  if (usesWriteOnly && version && compareVersions(version, WRITE_ONLY_MIN_TERRAFORM) < 0) {
    report(
      ["pipelines", "terraformVersion"],
      `write-only values (initialValue) need Terraform >= ${WRITE_ONLY_MIN_TERRAFORM}; ${version} would refuse secret_string_wo / value_wo`,
    );
  }
};

function checkHierarchies(
  account: ResolvedAccount,
  i: number,
  report: Report,
  names: Names,
  initial: (v: InitialValueConfig, at: PathSegment[]) => void,
): void {
  const { regions } = account;
  const fullNames = new Map<string, string>();
  account.parameters.forEach((h, j) => {
    const at: PathSegment[] = ["accounts", i, "parameters", j];
    if (/^\/(aws|ssm)/i.test(h.path)) report([...at, "path"], "names beginning with aws or ssm are reserved by Parameter Store");
    if (h.path.split("/").some((segment) => segment === "." || segment === ".."))
      report([...at, "path"], "a . or .. segment is kept literally by Parameter Store; name the hierarchy plainly");
    h.regions.forEach((r, k) => {
      // A defaulted region is the home region, whose own check reports it.
      if (!regions.includes(r) && names.written([...at, "regions"]))
        report([...at, "regions", k], `region ${r} is not one of this account's regions (${regions.join(", ")})`);
    });
    const hasSecure = h.parameters.some((p) => p.type === "SecureString");
    if (h.key) {
      const key = account.keys.find((k) => k.name === h.key);
      if (!key) report([...at, "key"], `key ${JSON.stringify(h.key)} does not exist in this account's keys`);
      else {
        for (const r of h.regions) {
          if (!key.regions.includes(r))
            report([...at, "key"], `key ${h.key} is not created in ${r}, where these parameters live; add ${r} to the key's regions`);
        }
      }
    } else if (hasSecure) {
      report(
        [...at, "key"],
        "SecureString parameters need a customer-managed key of this account (key: ...): the AWS-managed aws/ssm key cannot be limited to the declared readers",
      );
    }
    h.readers.forEach((reader, k) => {
      const rat: PathSegment[] = [...at, "readers", k];
      if ((reader.role === undefined) === (reader.tags === undefined))
        return report(rat, "a reader is either a role of this account (role: NAME) or an ABAC match (tags: {...}), not both or neither");
      if (reader.role !== undefined && !account.roles.some((r) => r.name === reader.role)) {
        report(
          [...rat, "role"],
          `role ${JSON.stringify(reader.role)} does not exist in this account; Parameter Store shares parameters with other accounts only through RAM, which the baseline does not do`,
        );
      }
      if (reader.tags !== undefined) {
        const keys = Object.keys(reader.tags);
        if (keys.length === 0) report([...rat, "tags"], "an ABAC reader needs at least one tag; without one it would match every role of the account");
        for (const key of keys) if (key.startsWith("aws:")) report([...rat, "tags", key], "tag keys starting with aws: are reserved");
      }
    });
    h.parameters.forEach((p, k) => {
      const pat: PathSegment[] = [...at, "parameters", k];
      const full = parameterName(h.path, p.name);
      const first = fullNames.get(full);
      if (first !== undefined) report([...pat, "name"], `duplicate parameter ${full}: already declared at ${first}`);
      else fullNames.set(full, pat.join("."));
      if (full.split("/").some((segment) => segment === "." || segment === ".."))
        report([...pat, "name"], `${full} has a . or .. segment: Parameter Store keeps it literally, so it reads like a path outside the hierarchy but is not`);
      if (full.split("/").length - 1 > MAX_PARAMETER_DEPTH)
        report([...pat, "name"], `${full} has more than ${MAX_PARAMETER_DEPTH} levels, the most Parameter Store allows`);
      if (full.length > 1011) report([...pat, "name"], `${full} is longer than the 1011 characters Parameter Store allows`);
      if (p.type === "SecureString") {
        // The message names the field only: repeating its content would copy the value into logs.
        if (p.value !== undefined)
          report(
            [...pat, "value"],
            "a SecureString's value never goes in config (this file, the synthesized JSON and Terraform state would keep it in clear); use initialValue: { fromVariable: NAME } or { generate: {...} }",
          );
        if (p.initialValue) initial(p.initialValue, [...pat, "initialValue"]);
        else report(pat, "a SecureString needs initialValue (fromVariable or generate): its value is written once by the apply, never read from config");
        return;
      }
      const word = credentialWord(full);
      if (word) {
        report(
          [...pat, "type"],
          `${full} looks like a credential ("${word}"); a plain String is readable in clear by anyone who may read or describe parameters: make it a SecureString, or a Secrets Manager secret if it rotates`,
        );
      }
      if (p.initialValue !== undefined)
        report([...pat, "initialValue"], "initialValue is for SecureString parameters; a String's value is plain configuration (value: ...)");
      if (p.value === undefined) report(pat, "a String parameter needs its value (value: ...)");
      else {
        const tier = p.tier ?? h.tier;
        const bytes = Buffer.byteLength(p.value, "utf8");
        if (bytes > TIER_MAX_BYTES[tier]) report([...pat, "value"], `${bytes} bytes is over the ${TIER_MAX_BYTES[tier]} bytes of the ${tier} tier`);
      }
    });
  });
}

/** Compares dotted numeric versions. */
export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const d = (x[k] ?? 0) - (y[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
