import { z } from "zod";
import { orgSchema } from "./schema.js";

export const JSON_SCHEMA_FILE = "config/org.schema.json";

/** JSON Schema of the config as a user writes it (defaults make fields optional), for editors. */
export function orgJsonSchema(): string {
  const schema = z.toJSONSchema(orgSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "org-baseline organization config" }, null, 2)}\n`;
}
