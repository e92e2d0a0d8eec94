// The tray's status icons: 16x16 PNG discs (green running, amber restarting, red failed, grey stopped), inlined
// so the packaged app needs no extra files next to app.asar and the icon cannot go missing.
import type { TrayIconName } from './trayStatus.js';

export const TRAY_ICON_DATA_URLS: Readonly<Record<TrayIconName, string>> = {
  ok: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAZ0lEQVR42mPQqzVioARjE5QF4g4gvgzEv6D4MlRMlpABKVAN/3HgX1A1WA1IwaMRHaegGyBLwGZsLpFFNqCDBM0w3IFswGUyDLiMbMAvMgz4RVUDKPYCxYFIcTRSnJCokpSpkplIxgB0QXcUl8jFTgAAAABJRU5ErkJggg==',
  warn: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAaElEQVR42mP4uUKVgRKMTVAWiDuA+DIQ/4Liy1AxWUIGpEA1/MeBf0HVYDUgBY9GdJyCboAsAZuxuUQW2YAOEjTDcAeyAZfJMOAysgG/yDDgF1UNoNgLFAcixdFIcUKiSlKmSmYiGQMAJJZgI4tiHnQAAAAASUVORK5CYII=',
  error: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAZ0lEQVR42mM4pqHBQAnGJigLxB1AfBmIf0HxZaiYLCEDUqAa/uPAv6BqsBqQgkcjOk5BN0CWgM3YXCKLbEAHCZphuAPZgMtkGHAZ2YBfZBjwi6oGUOwFigOR4mikOCFRJSlTJTORjAEBnLAUIh86AAAAAABJRU5ErkJggg==',
  off: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAZ0lEQVR42mMoLS1loARjE5QF4g4gvgzEv6D4MlRMlpABKVAN/3HgX1A1WA1IwaMRHaegGyBLwGZsLpFFNqCDBM0w3IFswGUyDLiMbMAvMgz4RVUDKPYCxYFIcTRSnJCokpSpkplIxgDYufkUgenIBAAAAABJRU5ErkJggg==',
};
