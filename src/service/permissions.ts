import { API_KEY_ROLES, type ApiKeyRole } from "../repositories/index.ts";

/**
 * Who may do what. Roles are ordered admin > analyst > scanner > readonly, but the table is
 * explicit rather than "rank >= n" so that a permission can be granted to a lower role without
 * silently granting it to every role between.
 */
export const ROLES = API_KEY_ROLES;
export type Role = ApiKeyRole;

export const PERMISSIONS = [
  "scans:read",
  "scans:write",
  "signatures:read",
  "signatures:write",
  "campaigns:read",
  "publishers:read",
  "audit:read",
  "keys:manage",
  "usage:read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Keys and who uses them with what: for admins alone. */
const ADMIN_ONLY: readonly Permission[] = ["keys:manage", "usage:read"];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  // Everything but the admin-only; publishers are threat intelligence next to campaigns.
  analyst: new Set<Permission>(PERMISSIONS.filter((p) => !ADMIN_ONLY.includes(p))),
  scanner: new Set<Permission>(["scans:read", "scans:write"]),
  readonly: new Set<Permission>(["scans:read", "audit:read"]),
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
