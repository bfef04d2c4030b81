import { existsSync, readFileSync } from "node:fs";
import { configStatement } from "../../modules/policies/identity-policy.js";
import { findings, IDENTITY_STATEMENT, WORKLOAD_CERTIFICATE } from "../../modules/policies/must-never.js";
import type { PathSegment } from "../errors.js";
import { besideConfig } from "../model.js";
import type { ConfigCheck } from "./types.js";

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Roles Anywhere roles: exactly one trust anchor source, a CA bundle that exists
 * next to the config and holds certificates only (never a private key), declared
 * workload certificates matched exactly, and a session policy off the must-never list.
 */
export const rolesAnywhereChecks: ConfigCheck = ({ config, source }, report) => {
  config.accounts.forEach((account, i) => {
    account.roles.forEach((role, j) => {
      if (role.kind !== "roles-anywhere") return;
      const at = (...rest: PathSegment[]): PathSegment[] => ["accounts", i, "roles", j, ...rest];
      const anchor = role.trustAnchor;
      if ((anchor.acmPcaArn === undefined) === (anchor.certificateBundle === undefined)) {
        report(
          at("trustAnchor"),
          "give exactly one trust anchor: acmPcaArn (an ACM Private CA) or certificateBundle (a PEM file of CA certificates next to the config)",
        );
      }
      if (anchor.certificateBundle !== undefined) {
        const file = besideConfig(source, anchor.certificateBundle);
        if (anchor.certificateBundle.split("/").includes(".."))
          report(at("trustAnchor", "certificateBundle"), "name a file next to the config or below it, not above");
        else if (!existsSync(file)) report(at("trustAnchor", "certificateBundle"), `${file} does not exist`);
        else {
          const text = readFileSync(file, "utf8");
          // Never echo the file: if it holds a key, the message must not copy it into logs.
          if (/PRIVATE KEY-----/.test(text))
            report(
              at("trustAnchor", "certificateBundle"),
              `${anchor.certificateBundle} contains a private key: a trust anchor needs the CA's certificate only; remove the key from the file (and treat it as exposed)`,
            );
          else if ((text.match(CERTIFICATE) ?? []).length === 0)
            report(at("trustAnchor", "certificateBundle"), `${anchor.certificateBundle} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
        }
      }
      role.certificates.forEach((cert, k) => {
        for (const problem of findings(WORKLOAD_CERTIFICATE, cert)) report(at("certificates", k), problem);
      });
      (role.sessionPolicy ?? []).forEach((s, k) => {
        for (const problem of findings(IDENTITY_STATEMENT, configStatement(s))) report(at("sessionPolicy", k), problem);
      });
      if (role.certificateAbac && role.grants.abac)
        report(at("certificateAbac"), "use either grants.abac (the role's own tags) or certificateAbac (the certificate's attributes), not both");
      for (const key of Object.keys(role.certificateAbac ?? {})) {
        if (key.startsWith("aws:")) report(at("certificateAbac", key), "tag keys starting with aws: are reserved");
      }
    });
  });
};
