import { describe, expect, it } from "vitest";
import { Token } from "cdktf";
import {
  canonicalPolicy,
  escapeTerraformTemplate,
  policyDocument,
  policyJson,
  sidPart,
  uniqueSids,
  unescapeTerraformTemplate,
  type Statement,
} from "../../modules/policies/document.js";
import { identityPolicy } from "../../modules/policies/identity-policy.js";
import { byCodePoint } from "../../modules/order.js";

describe("policies serialized into Terraform", () => {
  it("escapes IAM policy variables and template directives once, where the policy becomes a Terraform string", () => {
    const abac = identityPolicy({ abac: { accountId: "555555555555", regions: ["eu-west-1"], tagKeys: ["Project"] } })!;
    // The value is what AWS reads...
    expect(JSON.stringify(abac)).toContain('"${aws:PrincipalTag/Project}"');
    // ...and Terraform receives it escaped, so it is not taken for an interpolation.
    const json = policyJson(abac);
    expect(json).toContain('"$${aws:PrincipalTag/Project}"');
    expect(json).not.toMatch(/(^|[^$])\$\{/);
    expect(JSON.parse(unescapeTerraformTemplate(json))).toEqual(canonicalPolicy(abac));
  });

  it("leaves cdktf references for cdktf to resolve", () => {
    const arn = Token.asString({ resolve: () => "x" });
    expect(arn).toMatch(/^\$\{TfToken\[/);
    const json = policyJson(
      policyDocument([{ Effect: "Allow", Action: "sns:Publish", Resource: arn, Condition: { StringLike: { "aws:userid": "${aws:userid}%{x}" } } }]),
    );
    expect(json).toContain(`"Resource":"${arn}"`);
    expect(json).toContain('"$${aws:userid}%%{x}"');
  });

  it("round-trips any text through escape and unescape", () => {
    for (const text of ["${a}", "$${a}", "%{if x}", "%%{", "$$", "a$b%c{d}", "${TfToken[TOKEN.1]}"]) {
      expect(unescapeTerraformTemplate(escapeTerraformTemplate(text))).toBe(text);
    }
    expect(escapeTerraformTemplate("$${a}")).toBe("$$${a}");
  });
});

describe("statement ids", () => {
  it("are named by content: letters and digits of the names", () => {
    expect(sidPart("payments-api")).toBe("PaymentsApi");
    expect(sidPart("jit/payments_operator.v2")).toBe("JitPaymentsOperatorV2");
  });

  it("stay unique without numbering by position: a repeated id gets a suffix from its statement's content", () => {
    const a: Statement = { Sid: "UseKeyData", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" };
    const b: Statement = { Sid: "UseKeyData", Effect: "Allow", Action: "kms:Encrypt", Resource: "*" };
    const forward = uniqueSids([a, b]).map((s) => s.Sid);
    const backward = uniqueSids([b, a]).map((s) => s.Sid);
    expect(new Set(forward).size).toBe(2);
    expect(forward.every((sid) => /^UseKeyData[0-9a-f]{8}$/.test(sid!))).toBe(true);
    expect([...backward].reverse()).toEqual(forward);
    expect(uniqueSids([a, { ...b, Sid: "Other" }]).map((s) => s.Sid)).toEqual(["UseKeyData", "Other"]);
  });
});

describe("byCodePoint", () => {
  it("orders by code point, not by any locale's collation", () => {
    expect(["zeta", "tau", "Zulu", "äb", "ab"].sort(byCodePoint)).toEqual(["Zulu", "ab", "tau", "zeta", "äb"]);
  });
});
