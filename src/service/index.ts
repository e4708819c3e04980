// The HTTP service, for `bun run start` and for Bun servers that embed it.
export { API_KEY_HEADER, type Principal } from "./auth.ts";
export { endpoint } from "./endpoint.ts";
export {
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
  roleAllows,
} from "./permissions.ts";
export { MAX_BODY_BYTES } from "./read-body.ts";
export { type ExtraRoutes, type RunningService, type StartServiceOptions, startService } from "./server.ts";
export type { ServiceApp } from "./service-app.ts";
