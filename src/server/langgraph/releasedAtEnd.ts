/**
 * The body as it comes; `release` runs once when it ends, fails, or the client goes away: for what a
 * streamed response holds while it streams (a thread's lock, a run slot).
 *
 * @example
 * c.res = new Response(releasedAtEnd(c.res.body!, () => lock.release()), c.res);
 */
export function releasedAtEnd(body: ReadableStream<Uint8Array>, release: () => Promise<void>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let released: Promise<void> | undefined;
  const done = () => (released ??= release().catch(() => undefined));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: ended } = await reader.read();
        if (ended) {
          await done();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        await done();
        controller.error(error);
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
      await done();
    },
  });
}
