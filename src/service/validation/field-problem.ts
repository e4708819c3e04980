/** One invalid input, as the error body lists it: where (`findings[2].severity`) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The error's one-line message: every problem, each starting with its field, so a log line alone tells the story. */
export function summarize(fields: readonly FieldProblem[]): string {
  return fields.map((f) => `${f.path}: ${f.message}`).join("; ");
}
