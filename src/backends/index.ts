// The backend contract: what migrate, the repositories and the service may import from backends/.
// The concrete backends are opened by storage/ (or imported from src/index.ts by embedders).
export { BACKEND_NAMES, type BackendName } from "../config/index.ts";
export * from "./database-backend.ts";
export {
  CHECK_VIOLATION,
  DATABASE_BUSY,
  DriverError,
  FOREIGN_KEY_VIOLATION,
  isForeignKeyViolation,
  isUniqueViolation,
  NOT_NULL_VIOLATION,
  QUERY_FAILED,
  UNIQUE_VIOLATION,
} from "./driver-errors.ts";
export { JoinedTransaction } from "./joined-transaction.ts";
export {
  CANNOT_OPEN,
  CORRUPT,
  DISK_FULL,
  IO_ERROR,
  isPermanentFault,
  permanentFaultCause,
  READ_ONLY,
} from "./storage-faults.ts";
export { type BackendOperation, type OperationObserver, TimedBackend } from "./timed-backend.ts";
