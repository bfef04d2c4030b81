import type { PathSegment } from "../errors.js";
import type { ResolvedAccount, ResolvedKey, ResolvedLogGroup, ResolvedRole, ResolvedSecret } from "../model.js";
import { didYouMean } from "../suggest.js";
import type { Report } from "./types.js";

type Named = { name: string };
type Section = "roles" | "keys" | "secrets" | "logGroups";

/** ` (did you mean "x"?)` when a known name is close to `name`. */
export function suggestion(name: string, known: Iterable<string>): string {
  const guess = didYouMean(name, [...known]);
  return guess ? ` (did you mean "${guess}"?)` : "";
}

/**
 * Looks names up for the checks: an unknown name is reported with the closest known one,
 * and a name whose entry the schema refused is not reported again.
 */
export class Names {
  private readonly accounts: ReadonlyMap<string, ResolvedAccount>;
  private readonly sections = new Map<string, ReadonlyMap<string, Named>>();

  constructor(
    accounts: readonly ResolvedAccount[],
    private readonly report: Report,
    private readonly refused: (list: string, name: string) => boolean = () => false,
    /** Whether the file has this path; false for a value the schema defaulted. */
    readonly written: (path: readonly PathSegment[]) => boolean = () => true,
  ) {
    this.accounts = new Map(accounts.map((a) => [a.name, a]));
  }

  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  /** The account named `name`, or undefined after reporting it: `<lead> "name" (did you mean ...)<why>`. */
  account(name: string, path: PathSegment[], { lead = "unknown account", why = "" }: { lead?: string; why?: string } = {}): ResolvedAccount | undefined {
    const account = this.accounts.get(name);
    if (!account && !this.refused("accounts", name)) this.report(path, `${lead} ${JSON.stringify(name)}${suggestion(name, this.accounts.keys())}${why}`);
    return account;
  }

  /** Whether an account of that name exists, without reporting. */
  hasAccount(name: string): boolean {
    return this.accounts.has(name);
  }

  role(owner: ResolvedAccount, name: string, path: PathSegment[], lead = "role") {
    return this.entry(owner, "roles", name, path, lead) as ResolvedRole | undefined;
  }

  key(owner: ResolvedAccount, name: string, path: PathSegment[], lead = "key") {
    return this.entry(owner, "keys", name, path, lead) as ResolvedKey | undefined;
  }

  secret(owner: ResolvedAccount, name: string, path: PathSegment[], lead = "secret") {
    return this.entry(owner, "secrets", name, path, lead) as ResolvedSecret | undefined;
  }

  logGroup(owner: ResolvedAccount, name: string, path: PathSegment[], lead = "log group") {
    return this.entry(owner, "logGroups", name, path, lead) as ResolvedLogGroup | undefined;
  }

  private entry(owner: ResolvedAccount, section: Section, name: string, path: PathSegment[], lead: string): Named | undefined {
    const list = `${owner.name}/${section}`;
    let byName = this.sections.get(list);
    if (!byName) {
      byName = new Map((owner[section] as Named[]).map((e) => [e.name, e]));
      this.sections.set(list, byName);
    }
    const found = byName.get(name);
    if (!found && !this.refused(list, name)) {
      this.report(path, `${lead} ${JSON.stringify(name)} does not exist in account ${owner.name}${suggestion(name, byName.keys())}`);
    }
    return found;
  }
}
