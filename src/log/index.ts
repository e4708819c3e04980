export { describeError } from "./error-fields.ts";
export {
  createLogger,
  getLogger,
  type LogDestination,
  type Logger,
  type LoggerOptions,
  setLogger,
} from "./logger.ts";
