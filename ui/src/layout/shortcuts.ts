/** The keyboard shortcuts, as the Help dialog lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; description: string }> = [
  { keys: ['/'], description: 'Focus the quick search of the Customer Users grid' },
  { keys: ['N', 'Ctrl+N'], description: 'Create a customer user' },
  { keys: ['Ctrl+S'], description: 'Save the form' },
  { keys: ['G', 'L'], description: 'Go to the Customer Users grid' },
  { keys: ['?', 'F1'], description: 'Show these keyboard shortcuts' },
  { keys: ['Esc'], description: 'Close a dialog, menu or drop-down' },
];

export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return target.getAttribute('role') === 'combobox';
}

export function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"], [role="presentation"] [role="menu"]') != null;
}
