import { z } from "zod";
import { COLUMN_LIMITS } from "../../repositories/index.ts";
import { role, text } from "./domain.ts";

export const keyCreate = z.strictObject({ name: text(COLUMN_LIMITS.api_keys.name).trim().min(1), role });

export const keyListQuery = z.strictObject({
  active: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("true: only keys not revoked; false or absent: every key."),
});
