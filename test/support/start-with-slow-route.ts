/** `bun run start` with GET /api/v1/test/slow?ms=N mounted, for the shutdown tests. */
import { runStart } from "../../src/cli/start.ts";
import { testSlowRoutes } from "./test-slow-route.ts";

await runStart({ extraRoutes: testSlowRoutes });
