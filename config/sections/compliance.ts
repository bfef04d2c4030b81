import { z } from "zod";

/** AWS Config, Security Hub and monitoring settings (issue: compliance). */
export const complianceSchema = z.strictObject({}).default({});
