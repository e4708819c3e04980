/**
 * Child of postgres-change-watch.test.ts: starts a listener whose probe never comes back, closes it
 * mid-probe and returns. The process must then exit on its own: nothing may be left to keep it alive.
 */
import { ChangeListener } from "../../src/backends/postgres/change-signals.ts";
import { listenConnector } from "./postgres-support.ts";

const url = process.argv[2];
if (!url) throw new Error("usage: change-listener-close.child.ts <database url>");
let sent = 0;
const listener = new ChangeListener(
  "malwar_close_child",
  { onChange() {}, onLive() {}, onLost() {} },
  {
    connect: listenConnector(url),
    signal: async () => {
      sent++;
    },
    log: () => {},
    probeTimeoutMs: 600_000,
  },
);
listener.start();
while (sent === 0) await Bun.sleep(10);
await listener.close();
console.log("closed");
