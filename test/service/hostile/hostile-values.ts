/** The hostile strings and values the corpus puts in every field, query parameter, path and header. */

/** Injection and traversal strings: stored as given, they must read back byte for byte. */
export const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE scans; --",
  '" OR ""="',
  "1; SELECT pg_sleep(10)",
  "1' AND SLEEP(5) AND '1'='1",
  "') ; DELETE FROM api_keys; --",
  "admin'--",
  "$1",
  "? ?? ?",
  ":name ::text",
  "$$; DROP TABLE scans; $$",
  "E'\\x27'",
  "\\'; \\\\",
  "/* comment */ UNION SELECT * FROM api_keys --",
  "%' OR 1=1 --",
  "_%_",
  "../../../../etc/passwd",
  "..\\..\\..\\windows\\system32",
  "%2e%2e%2f%2e%2e%2f",
  "/api/v1/../../admin",
  "file:///etc/shadow",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the attack.
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "\u202eRTL override\u202c",
  "emoji \u{1F600} and \u{10FFFF}",
  "line\nbreak\r\ttab",
  "\u2028\u2029",
  "\uFEFFbom",
  "\uFFFD replacement",
  "\u00e9\u0301 combining",
  "  leading and trailing  ",
  "null",
  "undefined",
  "NaN",
];

/** Strings a header value may carry (fetch takes Latin-1 only). */
export const HEADER_INJECTIONS = INJECTIONS.filter((s) => /^[\x20-\x7e]*$/.test(s));

/** Text that no field may take: refused with 400 naming the field. */
export const UNSTORABLE_TEXT: readonly string[] = [
  "\0",
  "a\0b",
  "\0' OR 1=1 --",
  "\ud800",
  "\udbff",
  "a\udc00b",
  "\udfff\ud800",
];

/** Values of the wrong type (or size) for any field. */
export const WRONG_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  "",
  "x",
  [],
  [1, 2],
  {},
  { $ne: null },
  [[[]]],
  1e308,
  -1e308,
  2 ** 53,
  -(2 ** 53),
  2 ** 63,
  5e-324,
  "1e308",
  "-1",
];

/** Raw JSON number texts that JSON.stringify cannot produce. */
export const NUMBER_TEXTS: readonly string[] = [
  "1e400",
  "-1e400",
  "-0",
  "9007199254740993",
  "18446744073709551616",
  "1e-400",
  "0.30000000000000004",
  "123456789012345678901234567890",
  "2147483648",
  "-2147483649",
];

export const ENUM_JUNK: readonly unknown[] = [
  "evil",
  "CLEAN ",
  "Clean",
  "",
  "critical\u0000",
  "' OR 1=1 --",
  "high; DROP TABLE findings",
  5,
  ["high"],
];

/** Query values for every parameter. */
export const QUERY_VALUES: readonly string[] = [
  "",
  "-1",
  "0",
  "1e309",
  "99999999999999999999",
  "0x10",
  " 5",
  "NaN",
  "Infinity",
  "1.5",
  "%00",
  "a%00b",
  "%FF",
  "%ED%A0%80",
  "true",
  "yes",
  "2026-13-45T99:99:99Z",
  "1970-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "0001-01-01T00:00:00Z",
];

export const QUERY_KEYS: readonly string[] = [
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "a[b]",
  "limit[]",
  "%00",
  "",
  "LIMIT",
];

/** Path ids that no row can have, or that try to leave the route. */
export const PATH_IDS: readonly string[] = [
  "%00",
  "a%00b",
  "%FF",
  "a%FFb",
  "%ED%A0%80",
  "%C0%AE%C0%AE",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e",
  "..%5C..%5Cwindows",
  "%25",
  "%zz",
  "x".repeat(300),
  "x".repeat(10_000),
  "%27%20OR%20%271%27%3D%271",
  "%3B%20DROP%20TABLE%20scans",
];

export const MALFORMED_JSON: readonly string[] = [
  "{",
  "}",
  "[",
  '{"target": }',
  '{"target": "x",}',
  "{'target': 'x'}",
  '{"target": "x" "started_at": "y"}',
  '{"target": NaN}',
  '{"target": Infinity}',
  '{"target": undefined}',
  '{"target": "unterminated}',
  '{"target": "bad escape \\x41"}',
  '{"target": "\\u12"}',
  "\uFEFF{}",
  "null",
  "true",
  "0",
  '"just a string"',
  "[]",
  "[{}]",
  "{}{}",
  '{"a":1} trailing',
  "/* comment */ {}",
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  " ",
  "\t\n",
  '{"target": "\\ud800", "started_at": "s"}',
  '{"target": "\\udbff\\udbff", "started_at": "s"}',
];
