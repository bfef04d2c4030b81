/**
 * A document uses something outside the evaluator's supported subset. The
 * evaluator refuses rather than guess: an unknown element could allow or deny.
 */
export class UnsupportedPolicyError extends Error {
  constructor(what: string) {
    super(`the access evaluator does not support ${what}`);
    this.name = "UnsupportedPolicyError";
  }
}
