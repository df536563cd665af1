/** Redraws the task list in place on a terminal (ANSI cursor moves, no dependency). */
import type { RunEvent } from '../../index.js';
import { emptyTaskList, reduceTaskList, renderTaskList, type TaskListState } from './task-list.js';

export interface LiveTaskList {
  onEvent(event: RunEvent): void;
  /** Leaves the current frame on screen (a prompt is about to write below it). */
  pause(): void;
  resume(): void;
  /** Draws the last frame and stops redrawing. */
  stop(): void;
}

const hideCursor = '\u001b[?25l';
const showCursor = '\u001b[?25h';

export function startLiveTaskList(
  write: (text: string) => void,
  options: { columns?: number; clock?: () => number } = {},
): LiveTaskList {
  const clock = options.clock ?? Date.now;
  // A wrapped line would throw off the count of lines to move back up.
  const fit = (line: string) =>
    options.columns && line.length >= options.columns ? line.slice(0, options.columns - 1) : line;
  let state: TaskListState = emptyTaskList(clock());
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const draw = () => {
    if (state.runId === undefined) return;
    const frame = renderTaskList({ ...state, now: Math.max(state.now, clock()) })
      .split('\n')
      .map(fit)
      .join('\n');
    // Up to the first line of the previous frame, clear to the end of the screen, redraw.
    const up = drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J` : '';
    write(`${up}${frame}`);
    drawnLines = frame.split('\n').length - 1;
  };
  const tick = () => {
    timer = setInterval(draw, 250);
    timer.unref();
  };
  write(hideCursor);
  tick();
  return {
    onEvent(event) {
      state = reduceTaskList(state, event);
      if (timer) draw();
    },
    pause() {
      clearInterval(timer);
      timer = undefined;
      drawnLines = 0;
      write(showCursor);
    },
    resume() {
      write(hideCursor);
      draw();
      tick();
    },
    stop() {
      // Once: the last frame is drawn a single time however many paths stop it.
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      draw();
      write(showCursor);
    },
  };
}
