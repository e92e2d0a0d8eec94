// Dark (default, for a dim control room) or light theme; the choice is remembered on this PC.
import type { Theme } from '../state/consoleScreens';

export function ThemeToggle({ theme, onToggle }: { readonly theme: Theme; readonly onToggle: () => void }) {
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="tool-button" onClick={onToggle} aria-label={`Switch to the ${next} theme`} data-testid="theme-toggle">
      {theme === 'dark' ? '☀ Light theme' : '☾ Dark theme'}
    </button>
  );
}
