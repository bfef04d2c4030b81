/**
 * Config rule names differ per account for the same control: organization rules are
 * deployed as `OrgConfigRule-<rule>-<8 random chars>` and conformance-pack rules as
 * `<rule>-conformance-pack-<pack id>`. A scorecard cell is keyed by the name without
 * those decorations, so the same control lines up across accounts.
 */

const ORGANIZATION_RULE = /^OrgConfigRule-(.+)-[a-z0-9]{8}$/;
const CONFORMANCE_PACK_RULE = /^(.+)-conformance-pack-[a-z0-9]+$/;

export function normalizeRuleName(name: string): string {
  let rule = name;
  const pack = CONFORMANCE_PACK_RULE.exec(rule);
  if (pack) rule = pack[1]!;
  const org = ORGANIZATION_RULE.exec(rule);
  if (org) rule = org[1]!;
  return rule;
}
