import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as the JSON Schema (2020-12, the dialect of OpenAPI 3.1) for one side of the
 * wire: "input" for what a request may carry (defaults optional, before coercion), "output" for
 * what an answer holds.
 */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  delete converted.$schema;
  return converted;
}
