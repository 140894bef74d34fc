import { useCallback, useState } from 'react';

const KEY = 'faultline.console.sidePanel';

/**
 * Whether the console's side panel is open. Folding it gives the candidate's terminal the whole
 * width (a laptop screen); the choice is kept in this browser for the next console.
 */
export function useSidePanel(): [open: boolean, setOpen: (open: boolean) => void] {
  const [open, setState] = useState(() => {
    try {
      return localStorage.getItem(KEY) !== 'hidden';
    } catch {
      return true;
    }
  });
  const setOpen = useCallback((next: boolean) => {
    setState(next);
    try {
      localStorage.setItem(KEY, next ? 'open' : 'hidden');
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
  }, []);
  return [open, setOpen];
}
