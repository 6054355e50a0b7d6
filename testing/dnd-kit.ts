// Keyboard drag and drop in browser tests (dnd-kit, components/reports/report-grid.tsx).
import type { Page } from "@playwright/test";

/**
 * Resolves once the keyboard sensor of an item just picked up hears arrow keys. dnd-kit starts
 * listening in a timer set at pick-up, while the "Picked up" announcement is drawn at once; and
 * Chromium runs input events before waiting timers, so an arrow key sent as soon as the
 * announcement shows can be lost. A timer set now fires after that one (timers of equal delay
 * fire in the order set).
 */
export function keyboardSensorListening(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
}
