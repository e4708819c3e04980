/**
 * Error classes of the public contract. Each has a stable `name` (not derived from the
 * constructor, which minifiers rename) and a string `code` callers can switch on.
 */
export interface MalwarErrorOptions {
  code?: string;
  cause?: unknown;
}

export class MalwarError extends Error {
  override readonly name: string = "MalwarError";
  readonly code: string;

  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "MALWAR_ERROR";
  }
}

/** The storage layer failed or cannot start. */
export class StorageError extends MalwarError {
  override readonly name: string = "StorageError";
  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "STORAGE_ERROR", ...options });
  }
}

/** Settings are wrong: raised before anything is opened. */
export class ConfigurationError extends MalwarError {
  override readonly name: string = "ConfigurationError";
  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "CONFIGURATION_ERROR", ...options });
  }
}

export class MigrationError extends StorageError {
  override readonly name: string = "MigrationError";
  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "MIGRATION_ERROR", ...options });
  }
}

/** A value offered to a repository is outside its domain; `field` names the culprit. */
export class ValidationError extends MalwarError {
  override readonly name: string = "ValidationError";
  readonly field: string;
  constructor(field: string, message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "VALIDATION_ERROR", ...options });
    this.field = field;
  }
}

/** The row asked for does not exist. */
export class NotFoundError extends MalwarError {
  override readonly name: string = "NotFoundError";
  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "NOT_FOUND", ...options });
  }
}

/** A write collided with a row already stored (duplicate key). */
export class ConflictError extends MalwarError {
  override readonly name: string = "ConflictError";
  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, { code: "CONFLICT", ...options });
  }
}
