import { Suspense, useEffect, useState, type ReactNode } from 'react';

/**
 * Runs `task` once the browser has nothing more urgent to do: after the screen is drawn and its input handled.
 * Safari 15 has no requestIdleCallback; there it runs after the next frame. Returns a cancel.
 */
export function whenIdle(task: () => void, timeout = 2_000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(task, { timeout });
    return () => cancelIdleCallback(id);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(task, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/**
 * False on a screen's first render, true once the browser is idle after it: what a screen needs second (a diagram,
 * the code of a dialog not yet opened) waits for it, so the first screenful is drawn and answers input without it.
 */
export function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => whenIdle(() => setIdle(true)), []);
  return idle;
}

/**
 * Its children once the browser is idle after it is first drawn, `fallback` until then; the children of a lazy
 * component may suspend, and show `fallback` while their code arrives.
 */
export function Deferred({ fallback, children }: { fallback: ReactNode; children: ReactNode }) {
  const idle = useIdle();
  return idle ? <Suspense fallback={fallback}>{children}</Suspense> : fallback;
}
