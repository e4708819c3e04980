/**
 * A TCP proxy on 127.0.0.1 in front of a real server, that can go silent: while frozen it keeps
 * every connection open and accepts new ones but forwards nothing either way, as a network
 * partition looks to a client (no refusal, no reset, no answer). Thawing forwards what was held.
 */
import type { Socket, TCPSocketListener } from "bun";

interface Pair {
  client: Socket<Conn>;
  upstream: Socket<Conn> | null;
  toUpstream: Uint8Array[];
  toClient: Uint8Array[];
}
interface Conn {
  pair: Pair;
  side: "client" | "upstream";
}

export interface TcpProxy {
  readonly port: number;
  freeze(): void;
  thaw(): void;
  close(): void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let frozen = false;
  const pairs = new Set<Pair>();

  const flush = (pair: Pair) => {
    if (frozen) return;
    if (pair.upstream !== null) for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  };

  const listener: TCPSocketListener<Conn> = Bun.listen<Conn>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
        client.data = { pair, side: "client" };
        pairs.add(pair);
        void Bun.connect<Conn>({
          hostname: target.host,
          port: target.port,
          socket: {
            open(upstream) {
              upstream.data = { pair, side: "upstream" };
              pair.upstream = upstream;
              flush(pair);
            },
            data(_upstream, chunk) {
              pair.toClient.push(new Uint8Array(chunk));
              flush(pair);
            },
            close() {
              pair.client.end();
              pairs.delete(pair);
            },
            error() {
              pair.client.end();
            },
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        client.data.pair.toUpstream.push(new Uint8Array(chunk));
        flush(client.data.pair);
      },
      close(client) {
        client.data.pair.upstream?.end();
        pairs.delete(client.data.pair);
      },
      error(client) {
        client.data.pair.upstream?.end();
      },
    },
  });

  return {
    port: listener.port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) flush(pair);
    },
    close() {
      for (const pair of pairs) {
        pair.client.end();
        pair.upstream?.end();
      }
      listener.stop(true);
    },
  };
}
