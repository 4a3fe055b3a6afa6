import fc from "fast-check";
import {
	COMPARE_OPS,
	COUNT_OPS,
	type EventFilter,
	type EventTest,
	LEAD_FIELDS,
	type Scalar,
	type SegmentCondition,
	SINCE,
	TOUCH_KINDS,
} from "../../src/schemas/segments.js";

/** Traits the store's leads have (and one none has). */
export const TRAITS = ["country", "size", "vip", "title", "plan", "never"];
export const STRINGS = [
	"DE",
	"AT",
	"US",
	"A",
	"B",
	"mql",
	"lead",
	"5",
	"10",
	"",
	"VP",
	"Head",
	"Sales",
	"Ops",
	"ic",
	"pro",
	"/pricing",
	"/blog",
	"firm1.io",
	"Acme",
];
export const NUMBERS = [0, 5, 10, 2.5, -1, 30, 50, 22, 3];
/** Lists the store's leads may be on (and one that does not exist). */
export const LISTS = ["Partners", "Event guests", "No such list"];

/**
 * Random segment trees. With `anyText`, names and values are any text and numbers (for the text
 * round trip); without, they come from the pools the store's leads are made of, so that SQL and
 * memory are compared on tests that select some leads and not others.
 */
export function segmentArbitrary({ anyText = false } = {}): fc.Arbitrary<SegmentCondition> {
	const text = anyText ? fc.string({ maxLength: 12 }) : fc.constantFrom(...STRINGS);
	const number = anyText
		? fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((n) => (Object.is(n, -0) ? 0 : n))
		: fc.constantFrom(...NUMBERS);
	const scalar: fc.Arbitrary<Scalar> = fc.oneof(text, number, fc.boolean());
	const test = fc.oneof(
		fc.record({ op: fc.constantFrom(...COMPARE_OPS), value: scalar }),
		fc.record({
			op: fc.constantFrom("in" as const, "not in" as const),
			value: fc.array(scalar, { minLength: 1, maxLength: 3 }),
		}),
		fc.record({ op: fc.constantFrom("exists" as const, "missing" as const) }),
	);
	const trait = anyText
		? fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom(...TRAITS))
		: fc.constantFrom(...TRAITS);
	const subject = fc.oneof(fc.record({ field: fc.constantFrom(...LEAD_FIELDS) }), fc.record({ trait }));
	const eventTest: fc.Arbitrary<EventTest> = fc
		.tuple(
			fc.constantFrom(
				"path" as const,
				"name" as const,
				"properties.plan" as const,
				"properties.minutes" as const,
				"properties.outcome" as const,
				"local_hour" as const,
				"local_weekday" as const,
			),
			test,
		)
		.map(([on, t]) => ({ on, ...t }) as EventTest);
	const filter: fc.Arbitrary<EventFilter> = fc
		.record(
			{
				type: fc.constantFrom("page" as const, "track" as const, "touch" as const),
				event: fc.constantFrom("Demo Requested", "Webinar Attended", "Trial Started"),
				kind: fc.constantFrom(...TOUCH_KINDS),
				where: fc.array(eventTest, { maxLength: 2 }),
			},
			{ requiredKeys: ["type", "where"] },
		)
		.chain(({ type, event, kind, where }) => {
			// a page has no event name; a touch's is its kind
			const named = type === "track" ? event : type === "touch" ? kind : undefined;
			const any = anyText ? fc.string({ minLength: 1, maxLength: 12 }) : fc.constant(named);
			return (type === "track" && named !== undefined ? any : fc.constant(named)).map((e) =>
				e === undefined ? { type, where } : { type, event: e, where },
			);
		});
	// absolute windows around the test clock (2026-11-20), as dates or dates with times
	const moment = fc
		.integer({ min: -60, max: 5 })
		.chain((days) =>
			fc
				.boolean()
				.map((dateOnly) =>
					dateOnly
						? new Date(Date.UTC(2026, 10, 20 + days)).toISOString().slice(0, 10)
						: new Date(Date.UTC(2026, 10, 20 + days, 13, 30)).toISOString(),
				),
		);
	const window = fc.oneof(
		fc.record({ withinDays: fc.constantFrom(1, 7, 30, 90) }),
		fc.record({ from: moment }),
		fc.record({ to: moment }),
		fc
			.tuple(moment, moment)
			.filter(([a, b]) => Date.parse(a) < Date.parse(b))
			.map(([from, to]) => ({ from, to })),
		fc.constant({}),
	);
	const count = fc
		.record({ count: filter, window, op: fc.constantFrom(...COUNT_OPS), value: fc.integer({ min: 0, max: 3 }) })
		.map(({ window, ...c }) => ({ ...c, ...window }) as SegmentCondition);
	const daysSince = fc.record({
		daysSince: fc.oneof(
			fc.constantFrom(...SINCE),
			filter.map((first) => ({ first })),
			filter.map((last) => ({ last })),
		),
		op: fc.constantFrom(...COUNT_OPS),
		value: fc.integer({ min: 0, max: 60 }),
	});
	const inSegment = fc.record({
		inSegment: anyText
			? fc.string({ minLength: 1, maxLength: 12 }).filter((n) => n.trim() === n)
			: fc.constantFrom(...LISTS),
	});
	const leaf = fc.oneof(
		{ weight: 4, arbitrary: fc.tuple(subject, test).map(([s, t]) => ({ ...s, ...t }) as SegmentCondition) },
		{ weight: 1, arbitrary: count },
		{ weight: 1, arbitrary: daysSince },
		{ weight: 1, arbitrary: inSegment },
	);
	return fc.letrec<{ node: SegmentCondition }>((tie) => ({
		node: fc.oneof(
			{ depthSize: "small", withCrossShrink: true },
			leaf,
			fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((all) => ({ all })),
			fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((any) => ({ any })),
			tie("node").map((not) => ({ not })),
		),
	})).node;
}
