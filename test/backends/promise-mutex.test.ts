import { describe, expect, test } from "bun:test";
import { PromiseMutex } from "../../src/backends/sqlite/promise-mutex.ts";

describe("PromiseMutex", () => {
  test("runs a task at once when free, and hands back its value", async () => {
    const mutex = new PromiseMutex();
    let ran = false;
    const result = mutex.run(() => {
      ran = true;
      return 5;
    });
    expect(ran).toBe(true);
    expect(await result).toBe(5);
    expect(mutex.idle).toBe(true);
  });

  test("one task at a time, in the order queued, through sync, async and failing tasks", async () => {
    const mutex = new PromiseMutex();
    const order: number[] = [];
    let running = 0;
    let overlap = false;
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 600; i++) {
      const enter = () => {
        running++;
        if (running > 1) overlap = true;
        order.push(i);
      };
      if (i % 7 === 0) {
        all.push(
          mutex.run(async () => {
            enter();
            await Bun.sleep(0);
            running--;
          }),
        );
      } else if (i % 11 === 0) {
        all.push(
          mutex
            .run(() => {
              enter();
              running--;
              throw new Error(`task ${i}`);
            })
            .catch((error: Error) => error.message),
        );
      } else {
        all.push(
          mutex.run(() => {
            enter();
            running--;
            return i;
          }),
        );
      }
    }
    const results = await Promise.all(all);
    expect(overlap).toBe(false);
    expect(order).toEqual([...Array(600).keys()]);
    expect(results[11]).toBe("task 11");
    expect(results[1]).toBe(1);
    expect(mutex.idle).toBe(true);
  });

  test("a task queued from inside a running task waits for it to finish", async () => {
    const mutex = new PromiseMutex();
    const events: string[] = [];
    let inner: Promise<unknown> | undefined;
    await mutex.run(async () => {
      inner = mutex.run(() => events.push("inner"));
      await Bun.sleep(1);
      events.push("outer done");
    });
    await inner;
    expect(events).toEqual(["outer done", "inner"]);
  });

  test("a rejected async task releases the mutex for the next one", async () => {
    const mutex = new PromiseMutex();
    const failed = mutex.run(() => Promise.reject(new Error("boom")));
    const next = mutex.run(() => "next");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("next");
    expect(mutex.idle).toBe(true);
  });
});
