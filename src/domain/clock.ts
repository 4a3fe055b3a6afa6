/** Where the time comes from: one per process, made where the app is put together; tests fix it. */
export interface Clock {
	now(): Date;
}

/** A clock that stands still at `at` until moved: for tests, the demo and replays. */
export function fixedClock(at: Date | string): Clock & { set(to: Date | string): void } {
	let time = new Date(at);
	return {
		now: () => new Date(time),
		set(to) {
			time = new Date(to);
		},
	};
}
