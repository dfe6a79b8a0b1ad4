// The state of a list the operator moves through with arrow keys: a pure reducer, so
// several keys arriving in one input chunk each see the state the previous one left.
export interface SelectState {
  count: number;
  focused: number;
  /** First visible row, when the list is longer than the window. */
  offset: number;
  window: number;
  /** Bumped by each Enter; the view calls onSelect when it changes (after the keys settle). */
  chosen: { index: number; seq: number } | null;
}

export type SelectAction =
  { type: 'next' } | { type: 'previous' } | { type: 'first' } | { type: 'last' } | { type: 'focus'; index: number } | { type: 'choose' } | { type: 'reset'; count: number; window: number };

export function initialSelectState(count: number, window: number, focused = 0): SelectState {
  return clampWindow({ count, window: Math.max(1, window), focused: clamp(focused, count), offset: 0, chosen: null });
}

export function selectReducer(state: SelectState, action: SelectAction): SelectState {
  switch (action.type) {
    case 'next':
      return clampWindow({ ...state, focused: clamp(state.focused + 1, state.count) });
    case 'previous':
      return clampWindow({ ...state, focused: clamp(state.focused - 1, state.count) });
    case 'first':
      return clampWindow({ ...state, focused: 0 });
    case 'last':
      return clampWindow({ ...state, focused: clamp(state.count - 1, state.count) });
    case 'focus':
      return clampWindow({ ...state, focused: clamp(action.index, state.count) });
    case 'choose':
      if (state.count === 0) return state;
      return { ...state, chosen: { index: state.focused, seq: (state.chosen?.seq ?? 0) + 1 } };
    case 'reset':
      // Keeps the Enter: a reset queued in the same batch as a choose (the list's window
      // changed as the cursor moved) must not drop it, and the seq must never restart.
      return { ...initialSelectState(action.count, action.window, state.focused), chosen: state.chosen };
  }
}

function clamp(index: number, count: number): number {
  return Math.max(0, Math.min(index, count - 1));
}

/** Scroll just enough that the focused row is inside the window. */
function clampWindow(state: SelectState): SelectState {
  let { offset } = state;
  if (state.focused < offset) offset = state.focused;
  if (state.focused >= offset + state.window) offset = state.focused - state.window + 1;
  offset = Math.max(0, Math.min(offset, Math.max(0, state.count - state.window)));
  return offset === state.offset ? state : { ...state, offset };
}
