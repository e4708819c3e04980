export { createBackend } from "./create-backend.ts";
export { closeBackend, getBackend, initBackend } from "./process-backend.ts";
