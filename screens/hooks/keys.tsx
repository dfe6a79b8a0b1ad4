// One keypress dispatcher for the whole app: components register key layers with a
// priority, and each key goes to the top layer first, then down until one handles it.
// So a text field swallows `q` while the runner still sees Ctrl-C, and a modal question
// silences the prompt under it, without every widget guessing whether it is focused.
import { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useInput, type Key } from 'ink';

/** Returns true when the key was handled (it goes no further down). */
export type KeyHandler = (input: string, key: Key) => boolean;

/** Layer priorities: higher gets keys first. */
export const layer = { screen: 0, prompt: 10, modal: 20, session: 30 } as const;

interface Registration {
  priority: number;
  order: number;
  handler: { current: KeyHandler };
}

interface KeyRegistry {
  add(reg: Registration): () => void;
  nextOrder(): number;
}

const KeyRegistryContext = createContext<KeyRegistry | null>(null);

/** The app's key dispatcher. Nested inside another one, it defers to the outer one. */
export function KeyLayerProvider({ children }: { children: ReactNode }) {
  const outer = useContext(KeyRegistryContext);
  return outer ? <>{children}</> : <KeyDispatcher>{children}</KeyDispatcher>;
}

function KeyDispatcher({ children }: { children: ReactNode }) {
  const layers = useRef<Registration[]>([]);
  const counter = useRef(0);
  const registry = useMemo<KeyRegistry>(
    () => ({
      add(reg) {
        layers.current = [...layers.current, reg].sort((a, b) => b.priority - a.priority || b.order - a.order);
        return () => {
          layers.current = layers.current.filter((r) => r !== reg);
        };
      },
      nextOrder: () => ++counter.current,
    }),
    [],
  );
  useInput((input, key) => {
    // A snapshot: a handler may mount or unmount layers while we walk them.
    for (const reg of [...layers.current]) {
      if (reg.handler.current(input, key)) return;
    }
  });
  return <KeyRegistryContext.Provider value={registry}>{children}</KeyRegistryContext.Provider>;
}

/**
 * Receive keys at the given priority while active. Without a KeyLayerProvider above
 * (a widget rendered alone, e.g. in a test) it falls back to a plain useInput.
 */
export function useKeyLayer(priority: number, handler: KeyHandler, active = true): void {
  const registry = useContext(KeyRegistryContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  // A layout effect: the layer must be in place by the time the frame shows it, or a key
  // typed right after (a paste, a fast typist) would reach the layer below.
  useLayoutEffect(() => {
    if (!registry || !active) return;
    return registry.add({ priority, order: registry.nextOrder(), handler: handlerRef });
  }, [registry, priority, active]);
  useInput(
    (input, key) => {
      handlerRef.current(input, key);
    },
    { isActive: registry === null && active },
  );
}

/** Ctrl-C arrives as input 'c' with ctrl set (Ink is rendered with exitOnCtrlC: false). */
export function isCtrlC(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}

/** How long a modal ignores keys after it is drawn: a key meant for what was there before is not an answer. */
export const ARM_AFTER_MS = 250;

/**
 * False until `ms` after the component was first drawn. A modal swallows keys while it is
 * not armed (so they reach neither it nor the layer below) and shows its keys only once armed.
 */
export function useArmed(ms = ARM_AFTER_MS): boolean {
  const [armed, setArmed] = useState(ms <= 0);
  useEffect(() => {
    if (ms <= 0) return;
    const timer = setTimeout(() => setArmed(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return armed;
}
