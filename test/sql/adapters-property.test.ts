/**
 * Generated inputs for both adapters. Each input is assembled from tokens (code, markers, string
 * literals, quoted identifiers, comments, dollar bodies, casts) whose expected output is known
 * on its own, so the expected text is built alongside the input: protected tokens must come back
 * byte-identical and real markers must be numbered 1..n in order.
 *
 * Tokens are always separated by characters that cannot glue two tokens into a third construct
 * (no letters, quotes, `$`, `?`, `:`, `-`, `/` or `*`), which keeps each token's meaning local.
 */
import { describe, expect, test } from "bun:test";
import { adaptNamedToPositional, type Dialect, type SqlParam, scanMarkers } from "../../src/sql/index.ts";

/** mulberry32: tiny, seedable, good enough to spread cases; a failure names its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// Characters a protected body may hold: the troublesome ones appear often on purpose.
const BODY_CHARS = [
  "?",
  "??",
  ":",
  ":x",
  "::",
  "$",
  "$1",
  "-",
  "'",
  '"',
  "\\",
  "a",
  "é",
  " ",
  "\n",
  "?|",
  "*",
  "/",
  ";",
];
const SEPARATORS = [" ", "\n", ",", "(", ")", " + ", " = ", "\t"];
const CODE = ["select", "from", "t1", "x_y", "42", "a$b", "c$$d", "col::text", "1.5", "and", "é"];
const PG_CODE = [...CODE, "$7"];
const TAGS = ["", "a", "fn", "_x1", "Tag"];
const NAMES = ["a", "b", "skill_name", "v2", "é"];

function bodyText(r: Rand, max: number, exclude: (s: string) => boolean = () => false): string {
  let s = "";
  const n = int(r, 0, max);
  for (let k = 0; k < n; k++) {
    const piece = pick(r, BODY_CHARS);
    if (!exclude(piece)) s += piece;
  }
  return s;
}

/** A protected token: its text is its own expected output on every dialect it is valid for. */
function protectedToken(r: Rand, dialect: Dialect): string {
  const kinds =
    dialect === "postgres"
      ? ["string", "estring", "ident", "line", "block", "dollar"]
      : ["string", "ident", "line", "block", "backtick", "bracket"];
  switch (pick(r, kinds)) {
    case "string":
      return `'${bodyText(r, 8).replaceAll("'", "''")}'`;
    case "estring": {
      // Every backslash escapes the next character; quotes are written \' or ''.
      let s = "";
      for (let k = int(r, 0, 8); k > 0; k--) {
        const piece = pick(r, BODY_CHARS);
        if (piece === "\\") s += pick(r, ["\\\\", "\\'", "\\n", "\\?"]);
        else if (piece === "'") s += pick(r, ["''", "\\'"]);
        else s += piece;
      }
      return `${pick(r, ["E", "e"])}'${s}'`;
    }
    case "ident":
      return `"${bodyText(r, 6).replaceAll('"', '""')}"`;
    case "line": {
      const ends = dialect === "postgres" ? /[\n\r]/g : /\n/g;
      return `--${bodyText(r, 8).replace(ends, " ")}\n`;
    }
    case "block":
      return blockComment(r, dialect, 0);
    case "dollar": {
      const tag = `$${pick(r, TAGS)}$`;
      let body = bodyText(r, 10);
      while (body.includes(tag)) body = body.replace(tag, " ");
      // A body ending in `$` could complete a shorter closing tag together with ours.
      return `${tag}${body} ${tag}`;
    }
    case "backtick":
      return `\`${bodyText(r, 6).replaceAll("`", "``")}\``;
    default:
      return `[${bodyText(r, 6, (p) => p.includes("]"))}]`;
  }
}

function blockComment(r: Rand, dialect: Dialect, depth: number): string {
  // `*` and `/` stay out of the plain text so only the tokens below open or close anything.
  let s = "/*";
  for (let k = int(r, 0, 5); k > 0; k--) {
    if (dialect === "postgres" && depth < 3 && r() < 0.2) s += blockComment(r, dialect, depth + 1);
    else if (dialect === "sqlite" && r() < 0.15) s += "/* ";
    else s += bodyText(r, 3, (p) => p === "*" || p === "/");
  }
  return `${s}*/`;
}

interface Generated {
  input: string;
  expected: string;
  values: SqlParam[];
  kinds: Set<string>;
}

function generatePositional(r: Rand, dialect: Dialect): Generated {
  let input = "";
  let expected = "";
  let n = 0;
  const kinds = new Set<string>();
  for (let k = int(r, 0, 25); k > 0; k--) {
    const sep = pick(r, SEPARATORS);
    input += sep;
    expected += sep;
    const roll = r();
    let tokIn: string;
    let tokOut: string;
    if (roll < 0.3) {
      n++;
      kinds.add("marker");
      tokIn = "?";
      tokOut = dialect === "postgres" ? `$${n}` : "?";
    } else if (roll < 0.38) {
      kinds.add("escaped");
      tokIn = pick(r, ["??", "??|", "??&"]);
      tokOut = dialect === "postgres" ? tokIn.slice(1) : tokIn;
    } else if (roll < 0.55) {
      kinds.add("code");
      tokIn = pick(r, dialect === "postgres" ? PG_CODE : CODE);
      tokOut = tokIn;
    } else {
      kinds.add("protected");
      tokIn = protectedToken(r, dialect);
      tokOut = tokIn;
    }
    input += tokIn;
    expected += tokOut;
  }
  return { input, expected, values: Array.from({ length: n }, (_, k) => k + 1), kinds };
}

function generateNamed(r: Rand, dialect: Dialect): Generated & { params: Record<string, SqlParam> } {
  let input = "";
  let expected = "";
  const values: SqlParam[] = [];
  const params: Record<string, SqlParam> = {};
  const kinds = new Set<string>();
  for (let k = int(r, 0, 25); k > 0; k--) {
    const sep = pick(r, SEPARATORS);
    input += sep;
    expected += sep;
    const roll = r();
    if (roll < 0.3) {
      const name = pick(r, NAMES);
      const value = `${name}-value`;
      params[name] = value;
      values.push(value);
      kinds.add(values.length > new Set(values).size ? "repeated" : "named");
      const cast = pick(r, ["", "", "::int", "::jsonb"]);
      input += `:${name}${cast}`;
      expected += (dialect === "postgres" ? `$${values.length}` : "?") + cast;
    } else if (roll < 0.5) {
      kinds.add("code");
      const word = pick(r, dialect === "postgres" ? PG_CODE : CODE);
      input += word;
      expected += word;
    } else {
      kinds.add("protected");
      const tok = protectedToken(r, dialect);
      input += tok;
      expected += tok;
    }
  }
  // Extra params that no marker uses are allowed and must not show up in the values.
  params.unused = "never";
  return { input, expected, values, params, kinds };
}

const CASES = 2500;

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(`generated inputs [${dialect}]`, () => {
    test("adaptQuery keeps protected text byte-identical and numbers markers 1..n", () => {
      const r = prng(dialect === "postgres" ? 0x5eed01 : 0x5eed02);
      const seen = new Set<string>();
      for (let c = 0; c < CASES; c++) {
        const g = generatePositional(r, dialect);
        for (const k of g.kinds) seen.add(k);
        const out = scanMarkers(g.input, dialect);
        if (out.text !== g.expected || out.markers !== g.values.length) {
          expect({ case: c, input: g.input, text: out.text, markers: out.markers }).toEqual({
            case: c,
            input: g.input,
            text: g.expected,
            markers: g.values.length,
          });
        }
      }
      // The generator really produced every kind of token.
      expect([...seen].sort()).toEqual(["code", "escaped", "marker", "protected"]);
    });

    test("adaptNamedToPositional keeps protected text and passes one value per marker", () => {
      const r = prng(dialect === "postgres" ? 0x5eed03 : 0x5eed04);
      const seen = new Set<string>();
      for (let c = 0; c < CASES; c++) {
        const g = generateNamed(r, dialect);
        for (const k of g.kinds) seen.add(k);
        const out = adaptNamedToPositional(g.input, g.params, dialect);
        if (out.text !== g.expected || out.values.length !== g.values.length) {
          expect({ case: c, input: g.input, ...out }).toEqual({
            case: c,
            input: g.input,
            text: g.expected,
            values: g.values,
          });
        }
        expect(out.values).toEqual(g.values);
      }
      expect([...seen].sort()).toEqual(["code", "named", "protected", "repeated"]);
    });
  });
}
