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

interface Visit {
  value: unknown;
  key: PropertyKey | null;
  parent: Visit | null;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let v: Visit | null = visit; v !== null && v.key !== null; v = v.parent) path.push(v.key);
  return path.reverse();
}

/**
 * Every string (and object key) anywhere in `input` that cannot be stored byte for byte, with its
 * path. Walked with an explicit stack whose entries point at their parent, so a body nested
 * 10,000 deep neither overflows the call stack nor costs a path copy per level; a path is only
 * built for a problem found.
 */
export function textProblems(input: unknown, where: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const stack: Visit[] = [{ value: input, key: null, parent: null }];
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    const value = visit.value;
    if (typeof value === "string") {
      const fault = textFault(value);
      if (fault !== null) out.push({ path: formatPath(pathOf(visit)) || where, message: fault });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: visit });
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const fault = textFault(key);
        // A bad key is reported by position, since the key itself cannot be shown safely.
        if (fault !== null)
          out.push({ path: formatPath(pathOf(visit)) || where, message: `has a key that ${fault}` });
        else stack.push({ value: (value as Record<string, unknown>)[key], key, parent: visit });
      }
    }
  }
  return out;
}
