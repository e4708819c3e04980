import { type FieldProblem, formatPath } from "./field-problem.ts";

const NUL_MESSAGE = "must not contain NUL characters";
const SURROGATE_MESSAGE = "must be valid Unicode (it holds an unpaired UTF-16 surrogate)";

/** Why a piece of text cannot be stored as it is, or null when it can. */
export function textFault(value: string): string | null {
  if (value.includes("\0")) return NUL_MESSAGE;
  // PostgreSQL refuses NUL in text; both drivers write UTF-8, where a lone surrogate would turn
  // into U+FFFD and two different ids would collide. Refused, not repaired: what is stored is
  // exactly what was sent.
  if (!value.isWellFormed()) return SURROGATE_MESSAGE;
  return null;
}

/**
 * Every string (and object key) anywhere in `input` that cannot be stored byte for byte, with its
 * path. Walked with an explicit stack: a body nested 10,000 deep must not overflow ours.
 */
export function textProblems(input: unknown, where: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (typeof value === "string") {
      const fault = textFault(value);
      if (fault !== null) out.push({ path: formatPath(path) || where, message: fault });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const fault = textFault(key);
        // A bad key is reported by position, since the key itself cannot be shown safely.
        if (fault !== null) out.push({ path: formatPath(path) || where, message: `has a key that ${fault}` });
        else stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
  }
  return out;
}
