import type { Clock } from "../domain/clock.js";

/** The machine's clock: the one `serve`, `worker` and the CLI give the app. */
export const systemClock: Clock = { now: () => new Date() };
