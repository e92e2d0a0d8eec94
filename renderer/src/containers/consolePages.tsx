// The issue-7 screens as pages of the console's navigation (components/Navigation.tsx, App.tsx), and the theme
// toggle shown beside it.
import type { ReactNode } from 'react';
import { ThemeToggle } from '../components/ThemeToggle';
import { toggleTheme, useScreensStore } from '../state/consoleScreens';
import { startThroughputFeed } from '../state/screensFeed';
import { ConnectionsScreen } from './ConnectionsScreen';
import { OrdersScreen } from './OrdersScreen';
import { QualityScreen } from './QualityScreen';
import { QueueScreen } from './QueueScreen';

// The Queue screen's throughput chart counts from when the console opened, not from when the screen was first shown.
startThroughputFeed();

export type ConsolePageId = 'queue' | 'connections' | 'orders' | 'quality';

/** In the order of the navigation, after Overview and Exceptions. */
export const CONSOLE_PAGES: readonly { readonly id: ConsolePageId; readonly label: string }[] = [
  { id: 'queue', label: 'Queue' },
  { id: 'connections', label: 'Connections' },
  { id: 'orders', label: 'Orders' },
  { id: 'quality', label: 'Quality' },
];

const SCREENS: Readonly<Record<ConsolePageId, () => ReactNode>> = {
  queue: () => <QueueScreen />,
  connections: () => <ConnectionsScreen />,
  orders: () => <OrdersScreen />,
  quality: () => <QualityScreen />,
};

export function isConsolePage(id: string): id is ConsolePageId {
  return id in SCREENS;
}

/** The screen of an issue-7 page, inside a main landmark like the Overview's. */
export function ConsolePage({ id }: { readonly id: ConsolePageId }) {
  return <main className="console-page">{SCREENS[id]()}</main>;
}

export function ThemeToggleContainer() {
  const theme = useScreensStore((s) => s.theme);
  return <ThemeToggle theme={theme} onToggle={toggleTheme} />;
}
