import { z } from "zod";
import { id, text } from "./domain.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const usageQuery = z
  .strictObject({
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("Start of the window (inclusive); default: 24 hours before `to`."),
    to: z.iso.datetime({ offset: true }).optional().describe("End of the window (exclusive); default: now."),
    api_key: id.optional().describe("Only this key's requests (the key's id)."),
    endpoint: text(512).min(1).optional().describe("Only requests to this path."),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) > Date.parse(q.to))
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  });
export type UsageQuery = z.infer<typeof usageQuery>;

/** The window a query names, with the defaults filled in. */
export function usageWindow(q: UsageQuery, now = Date.now()): { from: Date; to: Date } {
  // `to` is exclusive: by default it lies just past the current millisecond, so a request
  // answered a moment ago (stamped this millisecond) is inside the window.
  const to = q.to === undefined ? new Date(now + 1) : new Date(q.to);
  const from = q.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(q.from);
  return { from, to };
}
