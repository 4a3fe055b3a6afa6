import { describe, expect, it } from "vitest";
import { auc, calibration, crossValidated, leakyColumns, shuffled } from "./evaluate.js";
import { trainBoosted, trainLogistic } from "./learners.js";

/** 1,000 leads: conversion rises with x0 and with x1 and x2 together (an interaction), x3 is noise. */
function planted(seed: number) {
	const order = shuffled(4000, seed);
	const noise = (k: number) => ((order[k] as number) % 1000) / 1000;
	const rows: number[][] = [];
	const labels: number[] = [];
	for (let i = 0; i < 1000; i++) {
		const x = [noise(4 * i), noise(4 * i + 1) > 0.5 ? 1 : 0, noise(4 * i + 2) > 0.5 ? 1 : 0, noise(4 * i + 3)];
		const propensity = 0.1 + 0.4 * (x[0] as number) + (x[1] && x[2] ? 0.4 : 0);
		rows.push(x);
		labels.push(noise((4 * i + 7) % 4000) < propensity ? 1 : 0);
	}
	return { rows, labels };
}

describe("predicting conversion", () => {
	it("measures ranking by AUC, ties counted half", () => {
		expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
		expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
		expect(auc([1, 2], [1, 1])).toBeNull();
	});

	it("lets boosted trees find an interaction the plain logistic regression cannot, under cross-validation", () => {
		const { rows, labels } = planted(7);
		const logistic = auc(
			crossValidated(rows, labels, (r, l) => trainLogistic(r, l)),
			labels,
		) as number;
		const boosted = auc(
			crossValidated(rows, labels, (r, l) => trainBoosted(r, l)),
			labels,
		) as number;
		expect(logistic).toBeGreaterThan(0.6);
		expect(boosted).toBeGreaterThan(logistic);
		const table = calibration(
			crossValidated(rows, labels, (r, l) => trainBoosted(r, l)),
			labels,
		);
		expect(table).toHaveLength(10);
		// calibrated: the top tenth converts far more than the bottom, and near what was predicted
		expect((table[9]?.observed ?? 0) - (table[0]?.observed ?? 0)).toBeGreaterThan(0.4);
		for (const row of table) expect(Math.abs(row.predicted - row.observed)).toBeLessThan(0.2);
	});

	it("flags a column that gives the outcome away on its own", () => {
		const { rows, labels } = planted(3);
		const withLeak = rows.map((r, i) => [...r, labels[i] === 1 ? 5 : 1]);
		expect(leakyColumns(withLeak, labels, ["x0", "x1", "x2", "x3", "salesTag"])).toEqual([
			{ column: "salesTag", auc: 1 },
		]);
	});
});
