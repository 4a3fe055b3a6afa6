import type { Predictor, Rows } from "./learners.js";

/** The area under the ROC curve: the chance a converter is ranked above a non-converter (ties half). */
export function auc(scores: readonly number[], labels: readonly number[]): number | null {
	const pairs = scores.map((s, i) => [s, labels[i] as number] as const).sort((a, b) => a[0] - b[0]);
	let rankSum = 0;
	let positives = 0;
	let i = 0;
	while (i < pairs.length) {
		let j = i;
		while (
			j + 1 < pairs.length &&
			(pairs[j + 1] as readonly [number, number])[0] === (pairs[i] as readonly [number, number])[0]
		)
			j++;
		const rank = (i + j) / 2 + 1; // the average rank of a run of ties
		for (let k = i; k <= j; k++)
			if ((pairs[k] as readonly [number, number])[1] === 1) {
				rankSum += rank;
				positives++;
			}
		i = j + 1;
	}
	const negatives = pairs.length - positives;
	if (positives === 0 || negatives === 0) return null;
	return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** A seeded shuffle (mulberry32), so folds and results can be reproduced. */
export function shuffled(n: number, seed: number): number[] {
	let state = seed >>> 0;
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const order = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[order[i], order[j]] = [order[j] as number, order[i] as number];
	}
	return order;
}

/** Every row's prediction from a model trained without its fold: k-fold cross-validation. */
export function crossValidated(
	rows: Rows,
	labels: readonly number[],
	train: (rows: Rows, labels: readonly number[]) => Predictor,
	folds = 5,
	seed = 1,
): number[] {
	const order = shuffled(rows.length, seed);
	const predictions = new Array<number>(rows.length).fill(0);
	for (let f = 0; f < folds; f++) {
		const test = order.filter((_, k) => k % folds === f);
		const trainIndex = order.filter((_, k) => k % folds !== f);
		const model = train(
			trainIndex.map((i) => rows[i] as ArrayLike<number>),
			trainIndex.map((i) => labels[i] as number),
		);
		for (const i of test) predictions[i] = model.predict(rows[i] as ArrayLike<number>);
	}
	return predictions;
}

/** Predicted against observed, in tenths of the predictions: a calibrated score's rows agree. */
export function calibration(predictions: readonly number[], labels: readonly number[], bins = 10) {
	const order = predictions.map((_, i) => i).sort((a, b) => (predictions[a] as number) - (predictions[b] as number));
	const size = Math.ceil(order.length / bins);
	return Array.from({ length: bins }, (_, b) => order.slice(b * size, (b + 1) * size)).flatMap((part) =>
		part.length === 0
			? []
			: [
					{
						leads: part.length,
						predicted: part.reduce((s, i) => s + (predictions[i] as number), 0) / part.length,
						observed: part.reduce((s, i) => s + (labels[i] as number), 0) / part.length,
					},
				],
	);
}

/**
 * Columns that predict the outcome almost perfectly on their own are flagged before training:
 * they are usually set after the outcome (a lead quality a rep sets, a "last notable activity")
 * and would make the score look good while knowing nothing in advance.
 */
export function leakyColumns(rows: Rows, labels: readonly number[], names: readonly string[], limit = 0.95) {
	return names.flatMap((name, j) => {
		const strength = singleColumnAuc(rows, labels, j);
		return strength >= limit ? [{ column: name, auc: strength }] : [];
	});
}

/** How well one column alone ranks the outcome, either way round (0.5: not at all). */
export function singleColumnAuc(rows: Rows, labels: readonly number[], j: number): number {
	const value = auc(
		rows.map((r) => r[j] as number),
		labels,
	);
	return value === null ? 0.5 : Math.max(value, 1 - value);
}
