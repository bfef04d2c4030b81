import { describe, expect, it } from "vitest";
import { byCodePoint } from "../../modules/order.js";

describe("the one output ordering", () => {
  it("compares code units, whatever the locale", () => {
    expect(["zeta", "tau", "Zeta", "ä"].sort(byCodePoint)).toEqual(["Zeta", "tau", "zeta", "ä"]);
  });

  it("keeps values known only at apply in the order given, after the literals: their token numbers depend on the worker that built the stack", () => {
    const given = ["${TfToken[TOKEN.12]}", "arn:aws:iam::1:role/b", "${TfToken[TOKEN.9]}", "arn:aws:iam::1:role/a"];
    expect([...given].sort(byCodePoint)).toEqual(["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b", "${TfToken[TOKEN.12]}", "${TfToken[TOKEN.9]}"]);
    const renumbered = ["${TfToken[TOKEN.3]}", "arn:aws:iam::1:role/b", "${TfToken[TOKEN.40]}", "arn:aws:iam::1:role/a"];
    expect([...renumbered].sort(byCodePoint).slice(2)).toEqual(["${TfToken[TOKEN.3]}", "${TfToken[TOKEN.40]}"]);
  });
});
