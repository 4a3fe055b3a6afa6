import { fixedClock } from "../../src/domain/clock.js";

/** The moment every test runs at, whatever the day: no test depends on the date it runs. */
export const TEST_NOW = new Date("2026-11-20T12:00:00.000Z");

/** What ingest is told of a batch's arrival in tests. */
export const received = { receivedAt: TEST_NOW } as const;

/** A clock standing at TEST_NOW, to give the app. */
export const testClock = () => fixedClock(TEST_NOW);
