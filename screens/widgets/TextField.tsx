// A one-line text field: a reducer (so a fast typist's or a paste's keys all land) and
// a view with a block cursor. Enter submits, Esc cancels.
import { useEffect, useReducer, useRef } from 'react';
import { Text } from 'ink';
import { layer, useKeyLayer, isCtrlC } from '../hooks/keys.tsx';

export interface TextFieldState {
  value: string;
  /** Bumped by Enter; the view reports the value once the state has it. */
  submitted: { value: string; seq: number } | null;
}

export type TextFieldAction = { type: 'insert'; text: string } | { type: 'delete-back' } | { type: 'clear' } | { type: 'submit' };

export function textFieldReducer(state: TextFieldState, action: TextFieldAction): TextFieldState {
  switch (action.type) {
    case 'insert':
      return { ...state, value: state.value + action.text };
    case 'delete-back':
      return { ...state, value: state.value.slice(0, -1) };
    case 'clear':
      return { ...state, value: '' };
    case 'submit':
      return { value: state.value, submitted: { value: state.value, seq: (state.submitted?.seq ?? 0) + 1 } };
  }
}

interface TextFieldProps {
  onSubmit(value: string): void;
  onCancel?(): void;
  /** Shown dim while the field is empty. */
  placeholder?: string;
  active?: boolean;
  /** Clear the field after each submit (a wrong host name is typed again from scratch). */
  clearOnSubmit?: boolean;
  /** Show • for each character (passwords, passphrases). */
  mask?: boolean;
  /** Key layer priority; a session question sits above everything. */
  priority?: number;
  /** False: keys are swallowed, not typed (a modal not listening yet). Default true. */
  armed?: boolean;
}

export function TextField({ onSubmit, onCancel, placeholder, active = true, clearOnSubmit = false, mask = false, priority = layer.prompt, armed = true }: TextFieldProps) {
  const [state, dispatch] = useReducer(textFieldReducer, { value: '', submitted: null });
  useKeyLayer(
    priority,
    (input, key) => {
      if (isCtrlC(input, key)) return priority < layer.modal ? false : true; // the screen decides what Ctrl-C means
      if (!armed) return priority >= layer.modal;
      if (key.return) dispatch({ type: 'submit' });
      else if (key.escape) onCancel?.();
      else if (key.backspace || key.delete) dispatch({ type: 'delete-back' });
      else if (key.ctrl && input === 'u') dispatch({ type: 'clear' });
      else if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) {
        // Several keys can arrive as one chunk (a paste, a fast typist): replay them one by one.
        for (const ch of input) {
          if (ch === '\r' || ch === '\n') dispatch({ type: 'submit' });
          else if (ch === '\u007F' || ch === '\b') dispatch({ type: 'delete-back' });
          else if (ch >= ' ') dispatch({ type: 'insert', text: ch });
        }
      } else return priority >= layer.modal; // a modal field lets nothing through
      return true;
    },
    active,
  );
  const reported = useRef(0);
  useEffect(() => {
    if (!state.submitted || state.submitted.seq === reported.current) return;
    reported.current = state.submitted.seq;
    if (clearOnSubmit) dispatch({ type: 'clear' });
    onSubmit(state.submitted.value);
  }, [state.submitted, onSubmit, clearOnSubmit]);
  return (
    <Text>
      {state.value === '' && placeholder ? <Text dimColor>{placeholder}</Text> : mask ? '•'.repeat(state.value.length) : state.value}
      {active && armed && <Text inverse> </Text>}
    </Text>
  );
}
