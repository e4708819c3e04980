import { z } from "zod";
import { role, text } from "./domain.ts";

export const keyCreate = z.strictObject({ name: text(255).trim().min(1), role });
export type KeyCreate = z.infer<typeof keyCreate>;

export const keyListQuery = z.strictObject({
  active: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("true: only keys not revoked; false or absent: every key."),
});
