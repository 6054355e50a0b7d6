"use client";
// A report's widgets on the 12-column grid; on narrow screens one column in the saved order, each
// card as tall as its content. Analysts move a widget by its handle and resize it by its corner
// with a mouse, a finger or the keyboard: focus the handle, Space or Enter picks it up, the arrow
// keys move or resize it, Space or Enter drops it and Escape cancels, each step announced to screen
// readers. dnd-kit does the input: its pointer sensor serves mouse, touch and pen alike (the
// handles take no touch gestures of their own), its keyboard sensor the rest. The layout itself is
// lib/reports/layout.ts: an order plus sizes, placed without overlap.
import {
  type Active,
  type Announcements,
  type CollisionDetection,
  closestCenter,
  closestCorners,
  DndContext,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  type UniqueIdentifier,
  useDraggable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates, useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { cellClass, cellStyle, GAP_PX, gridClass, ROW_PX } from "@/components/widgets/grid-cell";
import {
  COLUMNS,
  clampSize,
  indexOf,
  move,
  normalize,
  type Placed,
  readingOrder,
  resize,
  type Size,
} from "@/lib/reports/layout";

export interface GridWidget {
  id: string;
  title: string;
  gridX: number;
  gridY: number;
  gridW: number;
  gridH: number;
}

interface ReportGridProps<W extends GridWidget> {
  widgets: W[];
  editable: boolean;
  /** A move or resize was dropped: the whole new layout, to save. */
  onLayout: (layout: Placed[]) => void;
  /** The card of one widget; `moveHandle` (editable reports only) belongs in its toolbar. */
  renderWidget: (widget: W, moveHandle: ReactNode) => ReactNode;
}

interface Resizing {
  id: string;
  start: Size;
  size: Size;
  /** Where a pointer took the handle (page coordinates); none for the keyboard. */
  origin?: { x: number; y: number };
}

/** The size a pointer resize has reached, `delta` pixels from where it started. */
const sizeAfter = (current: Resizing, delta: { x: number; y: number }, cell: { col: number; row: number }): Size =>
  clampSize({ w: current.start.w + delta.x / cell.col, h: current.start.h + delta.y / cell.row });

const placedOf = (w: GridWidget): Placed => ({ id: w.id, grid: { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH } });
/** The widget a resize handle belongs to, when the thing being dragged is one. */
const resizeTarget = (active: Pick<Active, "data">): string | undefined =>
  active.data.current?.resize as string | undefined;
const sizeText = ({ w, h }: Size) => `${w} of ${COLUMNS} columns wide, ${h} ${h === 1 ? "row" : "rows"} high`;

/** Columns and rows an arrow key adds to a widget's size. */
const RESIZE_KEYS: Record<string, { x: number; y: number }> = {
  ArrowRight: { x: 1, y: 0 },
  ArrowLeft: { x: -1, y: 0 },
  ArrowDown: { x: 0, y: 1 },
  ArrowUp: { x: 0, y: -1 },
};

// The pointer's target is the widget under it (else the nearest); the keyboard's, the nearest corners.
const collisionDetection: CollisionDetection = (args) => {
  if (!args.pointerCoordinates) return closestCorners(args);
  const within = pointerWithin(args);
  return within.length > 0 ? within : closestCenter(args);
};

export function ReportGrid<W extends GridWidget>({ widgets, editable, onLayout, renderWidget }: ReportGridProps<W>) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [resizing, setResizing] = useState<Resizing | null>(null);
  const resizingRef = useRef<Resizing | null>(null);
  const announcedSize = useRef("");
  // Where the pointer really is while it resizes (page coordinates). dnd-kit reports a move once React
  // has rendered it, so on a busy main thread its last move, and the drop's delta, can trail a fast
  // finger: the size kept at the drop is taken from here (a finger lifted after half the swipe's moves
  // had rendered kept half the size).
  const pointerAt = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const track = (event: PointerEvent) => {
      if (resizingRef.current?.origin) pointerAt.current = { x: event.pageX, y: event.pageY };
    };
    window.addEventListener("pointermove", track, { capture: true, passive: true });
    return () => window.removeEventListener("pointermove", track, { capture: true });
  }, []);
  // Whether the widget being moved has left its own place yet: until then, being over itself is no news.
  const leftHome = useRef(false);
  // One grid step in pixels, measured when a drag starts (the grid follows the window's width).
  const cell = useRef({ col: 100, row: ROW_PX + GAP_PX });

  // A dropped layout shows at once, until the widgets it was made from are replaced (by the saved copy).
  const [dropped, setDropped] = useState<{ layout: Placed[]; from: W[] } | null>(null);
  // Whatever the server holds is shown packed, in its reading order: never overlapping.
  const saved = useMemo(() => normalize(widgets.map(placedOf)), [widgets]);
  const layout = dropped?.from === widgets ? dropped.layout : saved;
  const shown = resizing ? resize(layout, resizing.id, resizing.size) : layout;
  const byId = useMemo(() => new Map(widgets.map((w) => [w.id, w])), [widgets]);
  const ordered = readingOrder(shown);
  const titleOf = (id: UniqueIdentifier) => byId.get(String(id))?.title ?? "Widget";
  const position = (id: UniqueIdentifier) => `position ${indexOf(layout, String(id)) + 1} of ${layout.length}`;

  const updateResizing = (next: Resizing | null) => {
    resizingRef.current = next;
    setResizing(next);
  };

  // Arrow keys on a resize handle change the size by one column or row; the coordinates returned
  // only drive dnd-kit's move events (and so the announcements): the size is counted here, from the
  // keys, not from the handle's position, which moves as the widget grows.
  const coordinateGetter: KeyboardCoordinateGetter = (event, args) => {
    const current = resizingRef.current;
    if (!current) return sortableKeyboardCoordinates(event, args);
    const step = RESIZE_KEYS[event.code];
    if (!step) return undefined;
    event.preventDefault();
    const { x, y } = step;
    const size = clampSize({ w: current.size.w + x, h: current.size.h + y });
    updateResizing({ ...current, size });
    return { x: args.currentCoordinates.x + x, y: args.currentCoordinates.y + y };
  };
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter }),
  );

  function onDragStart({ active, activatorEvent }: DragStartEvent) {
    leftHome.current = false;
    const width = gridRef.current?.clientWidth ?? 1200;
    cell.current = { col: (width + GAP_PX) / COLUMNS, row: ROW_PX + GAP_PX };
    const id = resizeTarget(active);
    const grid = id && layout.find((p) => p.id === id)?.grid;
    if (!id || !grid) return;
    announcedSize.current = sizeText(grid);
    const origin =
      activatorEvent instanceof PointerEvent ? { x: activatorEvent.pageX, y: activatorEvent.pageY } : undefined;
    pointerAt.current = origin ?? null;
    updateResizing({ id, start: { w: grid.w, h: grid.h }, size: { w: grid.w, h: grid.h }, origin });
  }

  function onDragMove({ delta, activatorEvent }: DragMoveEvent) {
    const current = resizingRef.current;
    // A pointer resizes by how far it went; keys have counted their steps already.
    if (!current || activatorEvent instanceof KeyboardEvent) return;
    const size = sizeAfter(current, delta, cell.current);
    if (size.w !== current.size.w || size.h !== current.size.h) updateResizing({ ...current, size });
  }

  const drop = (next: Placed[]) => {
    setDropped({ layout: next, from: widgets });
    onLayout(next);
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    const current = resizingRef.current;
    const at = pointerAt.current;
    updateResizing(null);
    if (current) {
      const size =
        current.origin && at
          ? sizeAfter(current, { x: at.x - current.origin.x, y: at.y - current.origin.y }, cell.current)
          : current.size;
      if (size.w !== current.start.w || size.h !== current.start.h) drop(resize(layout, current.id, size));
    } else if (over && over.id !== active.id) {
      drop(move(layout, String(active.id), indexOf(layout, String(over.id))));
    }
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const id = resizeTarget(active);
      if (id)
        return `Resizing ${titleOf(id)}: ${announcedSize.current}. Arrow keys change its size; Space or Enter keeps it, Escape cancels.`;
      return `Picked up ${titleOf(active.id)}, ${position(active.id)}. Arrow keys move it; Space or Enter drops it, Escape cancels.`;
    },
    onDragMove: () => {
      const current = resizingRef.current;
      if (!current) return undefined;
      const text = sizeText(current.size);
      if (text === announcedSize.current) return undefined;
      announcedSize.current = text;
      return `${text}.`;
    },
    onDragOver: ({ active, over }) => {
      if (resizeTarget(active)) return undefined;
      if (!over) return `${titleOf(active.id)} is not over a place to drop it.`;
      if (over.id === active.id && !leftHome.current) return undefined;
      leftHome.current = true;
      return `${titleOf(active.id)} would go to position ${indexOf(layout, String(over.id)) + 1} of ${layout.length}.`;
    },
    onDragEnd: ({ active, over }) => {
      const id = resizeTarget(active);
      if (id) return `${titleOf(id)} is now ${announcedSize.current}.`;
      const target = over ? indexOf(layout, String(over.id)) + 1 : indexOf(layout, String(active.id)) + 1;
      return `${titleOf(active.id)} dropped at position ${target} of ${layout.length}.`;
    },
    onDragCancel: ({ active }) => {
      const id = resizeTarget(active);
      if (id) return `Resizing ${titleOf(id)} cancelled; it keeps its size.`;
      return `Moving ${titleOf(active.id)} cancelled; it stays at ${position(active.id)}.`;
    },
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      onDragStart={onDragStart}
      onDragMove={onDragMove}
      onDragEnd={onDragEnd}
      onDragCancel={() => updateResizing(null)}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "To move this widget, press Space or Enter, move it with the arrow keys, and press Space or Enter again to drop it. On a resize handle the arrow keys change the widget's width and height instead. Escape cancels.",
        },
      }}
    >
      <SortableContext items={ordered.map((p) => p.id)} strategy={rectSortingStrategy} disabled={!editable}>
        <div ref={gridRef} data-testid="report-grid" className={gridClass}>
          {ordered.map(({ id, grid }) => {
            const widget = byId.get(id);
            if (!widget) return null;
            return (
              <GridItem
                key={id}
                id={id}
                grid={grid}
                title={widget.title}
                editable={editable}
                resizing={resizing?.id === id}
              >
                {(moveHandle) => renderWidget(widget, moveHandle)}
              </GridItem>
            );
          })}
        </div>
      </SortableContext>
    </DndContext>
  );
}

const handleClass =
  "touch-none rounded text-slate-500 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-200";

function GridItem({
  id,
  grid,
  title,
  editable,
  resizing,
  children,
}: {
  id: string;
  grid: Placed["grid"];
  title: string;
  editable: boolean;
  resizing: boolean;
  children: (moveHandle: ReactNode) => ReactNode;
}) {
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, transform, transition, isDragging } = useSortable({
    id,
    disabled: !editable,
    attributes: { roleDescription: "movable widget" },
  });
  const moveHandle = editable && (
    <button
      type="button"
      ref={setActivatorNodeRef}
      {...attributes}
      {...listeners}
      aria-label={`Move ${title}`}
      className={`${handleClass} flex h-7 min-w-7 cursor-grab items-center justify-center px-1 active:cursor-grabbing`}
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-4 w-4 fill-current">
        {[4, 8, 12].flatMap((y) => [6, 10].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r={1.3} />))}
      </svg>
    </button>
  );
  return (
    <div
      ref={setNodeRef}
      data-testid="widget"
      data-widget-title={title}
      // Placed only on the 12-column grid, whose rows have a height; in one column the cards follow
      // the saved order, each as tall as its content.
      className={`${cellClass} ${isDragging || resizing ? "z-10" : ""}`}
      style={{ ...cellStyle(grid), transform: CSS.Translate.toString(transform), transition }}
    >
      {children(moveHandle)}
      {editable && <ResizeHandle widgetId={id} title={title} />}
    </div>
  );
}

function ResizeHandle({ widgetId, title }: { widgetId: string; title: string }) {
  const { setNodeRef, attributes, listeners } = useDraggable({
    id: `resize:${widgetId}`,
    data: { resize: widgetId },
    attributes: { roleDescription: "resize handle" },
  });
  return (
    <button
      type="button"
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      aria-label={`Resize ${title}`}
      className={`${handleClass} absolute right-0.5 bottom-0.5 hidden h-6 w-6 cursor-se-resize items-end justify-end p-1 md:flex`}
    >
      <span aria-hidden="true" className="block h-2.5 w-2.5 border-r-2 border-b-2 border-current" />
    </button>
  );
}
