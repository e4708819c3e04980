/**
 * The hostile corpus: a deterministic list (seeded) of requests a careless or malicious client
 * could send, each with what the service must answer. Generated, not stored, so it stays small
 * in the repository and grows with the field lists.
 */
import {
  ENUM_JUNK,
  HEADER_INJECTIONS,
  INJECTIONS,
  MALFORMED_JSON,
  NUMBER_TEXTS,
  PATH_IDS,
  QUERY_KEYS,
  QUERY_VALUES,
  UNSTORABLE_TEXT,
  WRONG_VALUES,
} from "./hostile-values.ts";
import { SeededRandom } from "./seeded-random.ts";

type Path = (string | number)[];

export interface HostileRequest {
  /** The family it belongs to, for the summary. */
  kind: string;
  method: string;
  /** Under /api/v1, already percent-encoded where it needs to be. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Sent as bytes on a socket of its own instead of through fetch. */
  raw?: Uint8Array;
  /** Statuses that are right for it; absent: anything below 500. */
  expect?: number[];
  /** When the answer is 400, its fields must include this path. */
  names?: string;
  /** After a 2xx, GET `path` and find `value` at `at` (strings and numbers: exactly). */
  readBack?: { path: string; checks: { at: Path; value: unknown }[] };
}

const JSON_HEADERS = { "content-type": "application/json" };

export function formatPath(path: Path): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out;
}

function setAt(target: unknown, path: Path, value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++)
    node = node[path[i] as string | number] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
}

export function getAt(source: unknown, path: Path): unknown {
  let node = source as Record<string | number, unknown> | undefined;
  for (const part of path) node = node?.[part] as Record<string | number, unknown> | undefined;
  return node;
}

class Ids {
  #n = 0;
  constructor(private readonly prefix: string) {}
  next(tag = "h"): string {
    return `${this.prefix}-${tag}${(++this.#n).toString(36)}`;
  }
}

function scanBase(ids: Ids) {
  const id = ids.next("scan");
  return {
    id,
    target: `skills/${id}/SKILL.md`,
    skill_name: "helper",
    skill_author: "someone",
    skill_sha256: "b".repeat(64),
    status: "completed",
    risk_score: 40,
    overall_severity: "high",
    verdict: "SUSPICIOUS",
    layers_executed: ["rule_engine"],
    errors: ["none"],
    started_at: "2026-02-01T10:00:00Z",
    completed_at: "2026-02-01T10:00:01Z",
    duration_ms: 1000,
    findings: [
      {
        id: `${id}-f`,
        rule_id: "R-1",
        title: "Title",
        description: "Description",
        severity: "high",
        confidence: 0.5,
        category: "prompt_injection",
        detector_layer: "rule_engine",
        line_start: 1,
        line_end: 2,
        snippet: "snippet",
        evidence: ["e"],
        ioc_values: ["i"],
        remediation: "r",
      },
    ],
    url_analysis: [
      {
        id: `${id}-u`,
        url: "http://example.test/",
        final_url: "http://example.test/final",
        status_code: 200,
        content_type: "text/html",
        redirect_chain: ["http://example.test/"],
        is_malicious: false,
        risk_indicators: ["ri"],
        domain_reputation: 0.5,
      },
    ],
  };
}

const F = (name: string | number): Path => ["findings", 0, name];
const U = (name: string | number): Path => ["url_analysis", 0, name];

/** Every field of a scan body; `text`: takes any string, so injections must read back. */
const SCAN_FIELDS: { path: Path; text?: boolean; enum?: boolean; max?: number }[] = [
  { path: ["id"], text: true },
  { path: ["target"], text: true },
  { path: ["skill_name"], text: true },
  { path: ["skill_author"], text: true },
  { path: ["skill_sha256"], text: true, max: 64 },
  { path: ["status"], enum: true },
  { path: ["risk_score"] },
  { path: ["overall_severity"], enum: true },
  { path: ["verdict"], enum: true },
  { path: ["layers_executed"] },
  { path: ["layers_executed", 0], enum: true },
  { path: ["errors"] },
  { path: ["errors", 0], text: true },
  { path: ["started_at"], text: true, max: 64 },
  { path: ["completed_at"], text: true, max: 64 },
  { path: ["duration_ms"] },
  { path: ["created_at"] },
  { path: ["findings"] },
  { path: ["url_analysis"] },
  { path: F("id"), text: true },
  { path: F("rule_id"), text: true },
  { path: F("title"), text: true },
  { path: F("description"), text: true },
  { path: F("severity"), enum: true },
  { path: F("confidence") },
  { path: F("category"), enum: true },
  { path: F("detector_layer"), enum: true },
  { path: F("line_start") },
  { path: F("line_end") },
  { path: F("snippet"), text: true },
  { path: F("evidence") },
  { path: [...F("evidence"), 0], text: true },
  { path: F("ioc_values") },
  { path: [...F("ioc_values"), 0], text: true },
  { path: F("remediation"), text: true },
  { path: F("detected_at") },
  { path: U("id"), text: true },
  { path: U("url"), text: true },
  { path: U("final_url"), text: true },
  { path: U("status_code") },
  { path: U("content_type"), text: true },
  { path: U("redirect_chain") },
  { path: [...U("redirect_chain"), 0], text: true },
  { path: U("is_malicious") },
  { path: U("risk_indicators") },
  { path: [...U("risk_indicators"), 0], text: true },
  { path: U("domain_reputation") },
  { path: U("fetched_at") },
];

function signatureBase(ids: Ids) {
  return {
    id: ids.next("sig"),
    name: "Signature",
    description: "Description",
    severity: "high",
    category: "malicious_url",
    pattern_type: "exact",
    pattern_value: "evil.example",
    ioc_type: "domain",
    campaign_id: null,
    source: "test",
    enabled: true,
  };
}

const SIGNATURE_FIELDS: { path: Path; text?: boolean; enum?: boolean }[] = [
  { path: ["id"], text: true },
  { path: ["name"], text: true },
  { path: ["description"], text: true },
  { path: ["severity"], enum: true },
  { path: ["category"], enum: true },
  { path: ["pattern_type"], enum: true },
  { path: ["pattern_value"], text: true },
  { path: ["ioc_type"], enum: true },
  { path: ["campaign_id"] },
  { path: ["source"], text: true },
  { path: ["enabled"] },
];

const QUERY_PARAMS: Record<string, string[]> = {
  "/scans": ["limit", "offset", "cursor", "verdict", "status", "target", "severity", "from", "to"],
  "/signatures": ["limit", "offset", "search", "category", "severity", "campaign_id", "enabled"],
  "/campaigns": ["limit", "offset", "status"],
  "/audit": ["event_type", "actor", "resource_type", "resource_id", "since", "until", "limit", "offset"],
  "/usage": ["from", "to", "api_key", "endpoint", "limit"],
  "/keys": ["active"],
};

const ID_ROUTES: [string, string][] = [
  ["GET", "/scans/"],
  ["GET", "/signatures/"],
  ["PUT", "/signatures/"],
  ["DELETE", "/signatures/"],
  ["GET", "/campaigns/"],
  ["GET", "/publishers/"],
  ["DELETE", "/keys/"],
];

const jsonBody = (v: unknown) => JSON.stringify(v);
/** Fits the value into a field's bound so an injection string is refused for nothing but its content. */
const fit = (s: string, max = 200) => (s.length > max ? s.slice(0, max) : s);

export function buildCorpus(seed: number, prefix: string): HostileRequest[] {
  const rnd = new SeededRandom(seed);
  const ids = new Ids(prefix);
  const out: HostileRequest[] = [];

  // Wrong types and sizes, in every field of a scan and of a signature.
  for (const field of SCAN_FIELDS) {
    for (const value of WRONG_VALUES) {
      const body = scanBase(ids);
      setAt(body, field.path, value);
      out.push(fieldCase("scan-wrong-type", "/scans", body, field.path, value));
    }
    for (const text of NUMBER_TEXTS) {
      const body = scanBase(ids);
      setAt(body, field.path, "__NUMBER__");
      const raw = jsonBody(body).replace('"__NUMBER__"', text);
      out.push({
        ...fieldCase("scan-number-text", "/scans", body, field.path, JSON.parse(text)),
        body: raw,
      });
    }
    for (const text of UNSTORABLE_TEXT) {
      const body = scanBase(ids);
      setAt(body, field.path, text);
      out.push({
        ...post("scan-unstorable-text", "/scans", body),
        expect: [400],
        names: formatPath(field.path),
      });
    }
    if (field.enum) {
      for (const junk of ENUM_JUNK) {
        const body = scanBase(ids);
        setAt(body, field.path, junk);
        out.push({ ...post("scan-enum-junk", "/scans", body), expect: [400], names: formatPath(field.path) });
      }
    }
  }
  for (const field of SIGNATURE_FIELDS) {
    for (const value of [...WRONG_VALUES, ...UNSTORABLE_TEXT, ...(field.enum ? ENUM_JUNK : [])]) {
      const body = signatureBase(ids);
      setAt(body, field.path, value);
      const unstorable = typeof value === "string" && UNSTORABLE_TEXT.includes(value);
      const req = fieldCase("signature-field", "/signatures", body, field.path, value);
      out.push(unstorable ? { ...req, expect: [400], readBack: undefined } : req);
    }
  }
  for (const value of [...WRONG_VALUES, ...UNSTORABLE_TEXT, ...ENUM_JUNK]) {
    out.push({ ...post("key-field", "/keys", { name: value, role: "readonly" }), names: "name" });
    out.push({ ...post("key-field", "/keys", { name: "k", role: value }), expect: [400], names: "role" });
  }

  // Injection and traversal strings in every text field: stored, then read back byte for byte.
  for (const injection of INJECTIONS) {
    const all = scanBase(ids);
    const checks: { at: Path; value: unknown }[] = [];
    for (const field of SCAN_FIELDS.filter((f) => f.text)) {
      const value = fit(field.path.at(-1) === "id" ? `${ids.next("inj")}${injection}` : injection, field.max);
      setAt(all, field.path, value);
      checks.push({ at: field.path, value });
    }
    out.push({
      ...post("scan-injection-all-fields", "/scans", all),
      expect: [201],
      readBack: { path: `/scans/${encodeURIComponent(all.id)}`, checks },
    });
    for (const field of SCAN_FIELDS.filter((f) => f.text)) {
      const body = scanBase(ids);
      const value = fit(field.path.at(-1) === "id" ? `${ids.next("inj")}${injection}` : injection, field.max);
      setAt(body, field.path, value);
      out.push({
        ...post("scan-injection", "/scans", body),
        expect: [201],
        readBack: { path: `/scans/${encodeURIComponent(body.id)}`, checks: [{ at: field.path, value }] },
      });
    }
    for (const field of SIGNATURE_FIELDS.filter((f) => f.text)) {
      const body = signatureBase(ids);
      const value = fit(field.path[0] === "id" ? `${ids.next("inj")}${injection}` : injection, 64);
      setAt(body, field.path, value);
      out.push({
        ...post("signature-injection", "/signatures", body),
        expect: [201],
        readBack: { path: `/signatures/${encodeURIComponent(body.id)}`, checks: [{ at: field.path, value }] },
      });
    }
    out.push({
      ...post("key-injection", "/keys", { name: fit(injection), role: "readonly" }),
      // Names are trimmed: one of only spaces and line separators is empty, and refused.
      expect: injection.trim() === "" ? [400] : [201],
    });
  }

  // Query strings: every parameter of every listing, with junk and injections; unknown keys.
  for (const [route, params] of Object.entries(QUERY_PARAMS)) {
    for (const param of params) {
      for (const value of QUERY_VALUES) out.push(get("query-value", `${route}?${param}=${value}`));
      for (const injection of INJECTIONS)
        out.push(get("query-injection", `${route}?${param}=${encodeURIComponent(injection)}`));
      out.push(get("query-repeated", `${route}?${param}=1&${param}=2`, [400]));
    }
    for (const key of QUERY_KEYS) out.push(get("query-unknown-key", `${route}?${key}=1`, [400]));
  }

  // Path ids: junk, traversal and injections, on every route with an id.
  for (const [method, route] of ID_ROUTES) {
    for (const id of [...PATH_IDS, ...INJECTIONS.map(encodeURIComponent)]) {
      const body = method === "PUT" ? jsonBody({ enabled: false }) : undefined;
      out.push({
        kind: "path-id",
        method,
        path: `${route}${id}`,
        headers: body === undefined ? undefined : JSON_HEADERS,
        body,
        expect: [400, 404],
      });
    }
  }

  // Headers: keys, content types and request ids that are junk or injections.
  for (const injection of HEADER_INJECTIONS) {
    out.push({ kind: "header-api-key", method: "GET", path: "/scans", headers: { "x-api-key": injection } });
    out.push({
      kind: "header-request-id",
      method: "GET",
      path: "/scans",
      headers: { "x-request-id": injection },
    });
    out.push({
      kind: "header-content-type",
      method: "POST",
      path: "/scans",
      headers: { "content-type": injection },
      body: jsonBody(scanBase(ids)),
    });
    out.push({
      kind: "header-other",
      method: "GET",
      path: "/signatures",
      headers: { accept: injection, cookie: injection },
    });
  }

  // Bodies that are not JSON, or not the JSON expected.
  for (const text of MALFORMED_JSON) {
    for (const [method, route] of [
      ["POST", "/scans"],
      ["POST", "/signatures"],
      ["POST", "/keys"],
      ["PUT", "/signatures/sig-clawhavoc-c2-ip"],
    ] as const) {
      out.push({
        kind: "malformed-json",
        method,
        path: route,
        headers: JSON_HEADERS,
        body: text,
        expect: [400],
      });
    }
  }
  for (const bytes of [
    [0xff, 0xfe, 0x7b, 0x7d],
    [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d],
    [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d],
    [0x00, 0x00, 0x00],
  ]) {
    out.push({
      kind: "invalid-utf8-body",
      method: "POST",
      path: "/scans",
      headers: JSON_HEADERS,
      body: new Uint8Array(bytes),
      expect: [400],
    });
  }

  // 10,000-deep nesting, as the whole body and inside fields.
  const deepArray = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
  const deepObject = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
  for (const deep of [deepArray, deepObject]) {
    out.push({
      kind: "deep-nesting",
      method: "POST",
      path: "/scans",
      headers: JSON_HEADERS,
      body: deep,
      expect: [400],
    });
    for (const field of ["target", "errors", "findings", "layers_executed"]) {
      out.push({
        kind: "deep-nesting",
        method: "POST",
        path: "/scans",
        headers: JSON_HEADERS,
        body:
          field === "target"
            ? `{"target": ${deep}, "started_at": "s"}`
            : `{"${field}": ${deep}, "target": "t", "started_at": "s"}`,
        expect: [400],
      });
    }
    out.push({
      kind: "deep-nesting",
      method: "POST",
      path: "/signatures",
      headers: JSON_HEADERS,
      body: deep,
      expect: [400],
    });
  }

  // 10 MB strings: in a body, a query string and a header.
  const tenMb = "A".repeat(10 * 1024 * 1024);
  out.push({
    kind: "ten-mb",
    method: "POST",
    path: "/scans",
    headers: JSON_HEADERS,
    body: jsonBody({ ...scanBase(ids), target: tenMb }),
    expect: [413],
  });
  out.push({ kind: "ten-mb", method: "GET", path: `/scans?target=${tenMb}`, expect: [400, 414, 431] });
  out.push({
    kind: "ten-mb",
    method: "GET",
    path: "/scans",
    headers: { "x-api-key": tenMb },
    expect: [400, 431],
  });
  out.push({ kind: "ten-mb", method: "GET", path: `/scans/${tenMb}`, expect: [400, 404, 414, 431] });

  // Raw bytes where fetch will not put them: NUL and invalid UTF-8 in headers, paths and framing.
  // Not here: an unknown HTTP version and a raw NUL in the request line, which Bun's own parser
  // answers with 505 before the service sees the request (an HTTP-level answer, not ours).
  const rawRequests: string[] = [
    "GET /api/v1/scans HTTP/1.1\r\nHost: x\r\nX-API-Key: a\0b\r\n\r\n",
    "GET /api/v1/scans HTTP/1.1\r\nHost: x\r\nX-API-Key: \xff\xc3\x28\r\n\r\n",
    "GET /api/v1/scans HTTP/1.1\r\nHost: x\r\nX-Request-Id: \xed\xa0\x80\r\n\r\n",
    "GET /api/v1/scans/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /api/v1/signatures/\xc0\xae\xc0\xae HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /api/v1/scans?target=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /api/v1/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /api/v1/scans HTTP/1.1\r\nHost: x\r\nX-API-Key: a\r\n b\r\n\r\n",
    "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}garbage",
    "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
    "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
    "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n\xff\xfe\xfd{}\x00\x00\x00\x00",
    "GARBAGE\r\n\r\n",
  ];
  for (const text of rawRequests)
    out.push({ kind: "raw-http", method: "RAW", path: "", raw: Buffer.from(text, "latin1") });

  // Seeded fuzz: a valid scan's JSON with a few random edits, and junk appended to queries.
  const alphabet = [
    '"',
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\ud800",
    "0",
    "-",
    "e",
    "9",
    " ",
    "null",
    "é",
    "\u{1F600}",
  ];
  for (let i = 0; i < 700; i++) {
    let text = jsonBody(scanBase(ids));
    const edits = 1 + rnd.int(4);
    for (let e = 0; e < edits; e++) {
      const at = rnd.int(text.length);
      const op = rnd.int(3);
      if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + rnd.int(8));
      else if (op === 1) text = text.slice(0, at) + rnd.pick(alphabet) + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + rnd.int(40)) + text.slice(at);
    }
    out.push({ kind: "fuzz-body", method: "POST", path: "/scans", headers: JSON_HEADERS, body: text });
  }
  const routes = Object.keys(QUERY_PARAMS);
  for (let i = 0; i < 300; i++) {
    const route = rnd.pick(routes);
    const params = QUERY_PARAMS[route] as string[];
    const parts: string[] = [];
    for (let p = 0; p < 1 + rnd.int(4); p++) {
      const value = rnd.next() < 0.5 ? rnd.pick(QUERY_VALUES) : encodeURIComponent(rnd.pick(INJECTIONS));
      parts.push(`${rnd.next() < 0.9 ? rnd.pick(params) : rnd.pick(QUERY_KEYS)}=${value}`);
    }
    out.push(get("fuzz-query", `${route}?${parts.join("&")}`));
  }
  return out;
}

function post(kind: string, path: string, body: unknown): HostileRequest {
  return { kind, method: "POST", path, headers: JSON_HEADERS, body: jsonBody(body) };
}

function get(kind: string, path: string, expect?: number[]): HostileRequest {
  return { kind, method: "GET", path, expect };
}

/**
 * A body with one field set to `value`: either refused naming that field, or stored, and then
 * the stored value is exactly what was sent (strings and numbers; null and lists may be
 * defaulted). A changed id may collide with an earlier case's (409).
 */
function fieldCase(
  kind: string,
  route: string,
  body: { id: string },
  path: Path,
  value: unknown,
): HostileRequest {
  const comparable = (typeof value === "number" && Number.isFinite(value)) || typeof value === "string";
  const isId = path.at(-1) === "id";
  return {
    ...post(kind, route, body),
    expect: isId ? [201, 400, 409] : [201, 400],
    names: formatPath(path),
    readBack:
      comparable && path[0] !== "id"
        ? { path: `${route}/${encodeURIComponent(body.id)}`, checks: [{ at: path, value }] }
        : undefined,
  };
}
