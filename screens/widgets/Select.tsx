// A list picker shaped like @inkjs/ui's Select (reducer + input hook + view), with rows
// rendered by the caller so a runbook row can color its risk level.
import { useEffect, useReducer, useRef, type Dispatch, type ReactNode } from 'react';
import { Box, Text, type Key } from 'ink';
import { initialSelectState, selectReducer, type SelectAction, type SelectState } from './select-state.ts';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { t } from '../../src/i18n/index.ts';

export interface SelectItem<V extends string = string> {
  value: V;
  /** Rows with a new group name get a heading above them. */
  group?: string;
}

export interface SelectProps<I extends SelectItem> {
  items: readonly I[];
  renderItem(item: I, focused: boolean): ReactNode;
  onSelect(item: I): void;
  onFocus?(item: I): void;
  /** Rows visible at once; the list scrolls past it. */
  limit?: number;
  /** When the list scrolls: one line saying where the window is ("findings 1–3 of 7") instead of the ↑/↓ more lines. */
  position?(from: number, to: number, total: number): string;
  active?: boolean;
  /** Keys the list does not use (e.g. `q`), for the screen that owns it; true when handled. */
  onOtherKey?: (input: string, key: Key) => boolean;
}

/** Maps keys to reducer actions; nothing else. */
function useSelectKeys(state: SelectState, dispatch: Dispatch<SelectAction>, active: boolean, onOtherKey?: SelectProps<SelectItem>['onOtherKey']) {
  useKeyLayer(
    layer.prompt,
    (input, key) => {
      if (key.downArrow || input === 'j') dispatch({ type: 'next' });
      else if (key.upArrow || input === 'k') dispatch({ type: 'previous' });
      else if (key.home) dispatch({ type: 'first' });
      else if (key.end) dispatch({ type: 'last' });
      else if (key.return) dispatch({ type: 'choose' });
      else if (/^[1-9]$/.test(input) && Number(input) <= state.count) dispatch({ type: 'focus', index: Number(input) - 1 });
      else return onOtherKey?.(input, key) ?? false;
      return true;
    },
    active,
  );
}

export function Select<I extends SelectItem>({ items, renderItem, onSelect, onFocus, limit, active = true, onOtherKey, position }: SelectProps<I>) {
  const window = Math.min(limit ?? items.length, items.length);
  const [state, dispatch] = useReducer(selectReducer, undefined, () => initialSelectState(items.length, window));
  useEffect(() => {
    if (state.count !== items.length || state.window !== window) dispatch({ type: 'reset', count: items.length, window });
  }, [items.length, window, state.count, state.window]);
  useSelectKeys(state, dispatch, active, onOtherKey);

  // Keyed on the value: callers may pass a fresh (equal) items array on every render.
  const focusedItem = items[state.focused];
  const focusedValue = focusedItem?.value;
  useEffect(() => {
    if (focusedItem) onFocus?.(focusedItem);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusedValue, onFocus]);

  // Enter is an action like the arrows; the choice is reported once the state has it.
  const reportedSeq = useRef(0);
  useEffect(() => {
    if (!state.chosen || state.chosen.seq === reportedSeq.current) return;
    reportedSeq.current = state.chosen.seq;
    const item = items[state.chosen.index];
    if (item) onSelect(item);
  }, [state.chosen, items, onSelect]);

  const visible = items.slice(state.offset, state.offset + state.window);
  const scrolled = state.window < items.length;
  return (
    <Box flexDirection="column">
      {state.offset > 0 && !position && <Text dimColor> {t('select.moreAbove', { count: state.offset })}</Text>}
      {visible.map((item, i) => {
        const index = state.offset + i;
        const previous = index > 0 ? items[index - 1] : undefined;
        const heading = item.group !== undefined && item.group !== previous?.group ? item.group : undefined;
        const focused = index === state.focused;
        return (
          <Box key={item.value} flexDirection="column">
            {heading !== undefined && <Text bold>{heading}</Text>}
            <Box>
              <Box flexShrink={0}>
                <Text color={focused ? 'cyan' : undefined}>{focused ? '❯ ' : '  '}</Text>
              </Box>
              <Box flexGrow={1} flexShrink={1}>
                {renderItem(item, focused)}
              </Box>
            </Box>
          </Box>
        );
      })}
      {state.offset + state.window < items.length && !position && <Text dimColor> {t('select.moreBelow', { count: items.length - state.offset - state.window })}</Text>}
      {position && scrolled && (
        <Text color="cyan" wrap="truncate-end">
          {'  '}
          {position(state.offset + 1, Math.min(items.length, state.offset + state.window), items.length)}
        </Text>
      )}
    </Box>
  );
}
