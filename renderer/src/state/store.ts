// One store from slices (STYLE.md 5). Components select single values or use useShallow; writes go
// through the module-level actions in actions.ts only.
import { create } from 'zustand';
import { createAuthSlice, createDashboardSlice, createLinkSlice, createRateSlice, type ConsoleState } from './slices';

export const useConsoleStore = create<ConsoleState>()((...a) => ({
  ...createLinkSlice(...a),
  ...createDashboardSlice(...a),
  ...createRateSlice(...a),
  ...createAuthSlice(...a),
}));

/** Initial state, for resetting between tests. */
export const initialConsoleState: ConsoleState = useConsoleStore.getState();
