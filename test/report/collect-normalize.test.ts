import { describe, expect, it } from "vitest";
import { normalizeRuleName } from "../../reports/collect/normalize.js";

describe("normalizeRuleName", () => {
  it.each([
    ["OrgConfigRule-s3-bucket-ssl-requests-only-ab12cd34", "s3-bucket-ssl-requests-only"],
    ["OrgConfigRule-restricted-ssh-0a1b2c3d", "restricted-ssh"],
    ["s3-bucket-ssl-requests-only-conformance-pack-7a0yj5v1x", "s3-bucket-ssl-requests-only"],
    ["iam-password-policy-conformance-pack-abc123def", "iam-password-policy"],
    ["OrgConfigRule-cloudtrail-enabled-zz9yx8wv-conformance-pack-q1w2e3r4t", "cloudtrail-enabled"],
    ["cloudtrail-enabled", "cloudtrail-enabled"],
    ["my-custom-rule", "my-custom-rule"],
  ])("%s -> %s", (name, rule) => {
    expect(normalizeRuleName(name)).toBe(rule);
  });

  it("leaves names that only look similar alone", () => {
    // No 8-character suffix after the rule: not an organization rule name.
    expect(normalizeRuleName("OrgConfigRule-restricted-ssh")).toBe("OrgConfigRule-restricted-ssh");
    // Upper-case suffix: AWS generates lower-case ones.
    expect(normalizeRuleName("OrgConfigRule-rule-ABCDEFGH")).toBe("OrgConfigRule-rule-ABCDEFGH");
    expect(normalizeRuleName("conformance-pack-checker")).toBe("conformance-pack-checker");
  });
});
