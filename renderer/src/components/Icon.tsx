// Small inline SVG icons. Each state has its own shape, so state never depends on colour alone.
export type IconName = 'play' | 'pause' | 'stop' | 'question' | 'check' | 'cross' | 'dots' | 'warning' | 'clock';

const PATHS: Readonly<Record<IconName, string>> = {
  play: 'M4 2.5v11l9.5-5.5z',
  pause: 'M3.5 2.5h3.2v11H3.5zM9.3 2.5h3.2v11H9.3z',
  stop: 'M5.2 1.5h5.6l3.7 3.7v5.6l-3.7 3.7H5.2l-3.7-3.7V5.2zM5 7v2h6V7z',
  question:
    'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 10.6a1 1 0 1 1 0 2 1 1 0 0 1 0-2zM8 3.4c1.7 0 3 1.1 3 2.6 0 1.2-.7 1.8-1.5 2.3-.6.4-.8.6-.8 1.2v.3H7.1v-.4c0-1.1.5-1.7 1.3-2.2.6-.4.9-.6.9-1.1 0-.5-.5-.9-1.2-.9-.7 0-1.2.4-1.3 1.1H5c.1-1.7 1.3-2.9 3-2.9z',
  check: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm-1.2 10.2L3.6 8l1.2-1.2 2 2 4.4-4.4 1.2 1.2z',
  cross: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm2.9 4.3L9.2 8l2.7 2.7-1.2 1.2L8 9.2l-2.7 2.7-1.2-1.2L6.8 8 4.1 5.3l1.2-1.2L8 6.8l2.7-2.7z',
  dots: 'M2 6.5h3v3H2zM6.5 6.5h3v3h-3zM11 6.5h3v3h-3z',
  warning: 'M8 1.2 15.2 14H.8zM7.1 5.5v4.4h1.8V5.5zm0 5.6v1.8h1.8v-1.8z',
  clock: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.8a5.2 5.2 0 1 1 0 10.4A5.2 5.2 0 0 1 8 2.8zM7.1 4v4.5l3.4 2.1.9-1.5-2.5-1.5V4z',
};

export function Icon({ name }: { readonly name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
