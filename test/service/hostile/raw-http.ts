/** Sends bytes fetch refuses to send (NUL or invalid UTF-8 in headers and paths, broken framing) and reads the status line. */
export function rawRequest(
  port: number,
  bytes: Uint8Array,
  timeoutMs = 5_000,
): Promise<number | "no answer"> {
  return new Promise((resolve) => {
    let seen = "";
    let done = false;
    const finish = (result: number | "no answer", socket?: { end(): void }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.end();
      resolve(result);
    };
    const timer = setTimeout(() => finish("no answer"), timeoutMs);
    const statusOf = () => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(seen);
      return match === null ? null : Number(match[1]);
    };
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          socket.write(bytes);
        },
        data(socket, chunk) {
          seen += Buffer.from(chunk).toString("latin1");
          const status = statusOf();
          if (status !== null) finish(status, socket);
        },
        close() {
          finish(statusOf() ?? "no answer");
        },
        error() {
          finish(statusOf() ?? "no answer");
        },
      },
    }).catch(() => finish("no answer"));
  });
}
