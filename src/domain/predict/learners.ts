/**
 * Two learners of the chance a lead converts, on a table of numeric features (one row a lead):
 * a plain logistic regression (the baseline any predictive score must beat) and small
 * gradient-boosted trees (depth-limited regression trees on the log-loss gradient, split on
 * quantile bins). Both pure, seeded and dependency-free, so a score can be reproduced.
 */

export type Rows = ReadonlyArray<ArrayLike<number>>;

export interface Predictor {
	/** the predicted chance of converting, 0..1 */
	predict(row: ArrayLike<number>): number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, z))));

/** Logistic regression with L2 regularisation, by full-batch gradient descent on standardised columns. */
export interface LogisticParameters {
	weights: number[];
	means: number[];
	scales: number[];
}

/** A fitted logistic regression, from its stored parameters. */
export function logisticFrom({ weights, means, scales }: LogisticParameters): Predictor {
	const width = means.length;
	return {
		predict(row) {
			let z = weights[width] as number;
			for (let j = 0; j < width; j++)
				z += (weights[j] as number) * (((row[j] as number) - (means[j] as number)) / (scales[j] as number));
			return sigmoid(z);
		},
	};
}

export function trainLogistic(
	rows: Rows,
	labels: readonly number[],
	options: { iterations?: number; l2?: number } = {},
): Predictor & LogisticParameters {
	const n = rows.length;
	const width = rows[0]?.length ?? 0;
	const means = new Array(width).fill(0);
	const scales = new Array(width).fill(0);
	for (const row of rows) for (let j = 0; j < width; j++) means[j] += (row[j] as number) / n;
	for (const row of rows) for (let j = 0; j < width; j++) scales[j] += ((row[j] as number) - means[j]) ** 2 / n;
	for (let j = 0; j < width; j++) scales[j] = Math.sqrt(scales[j]) || 1;
	const x = rows.map((row) => Array.from({ length: width }, (_, j) => ((row[j] as number) - means[j]) / scales[j]));
	const weights = new Array(width + 1).fill(0); // the last is the intercept
	const l2 = options.l2 ?? 0.01;
	const rate = 0.5;
	for (let it = 0; it < (options.iterations ?? 300); it++) {
		const gradient = new Array(width + 1).fill(0);
		for (let i = 0; i < n; i++) {
			const xi = x[i] as number[];
			let z = weights[width];
			for (let j = 0; j < width; j++) z += weights[j] * (xi[j] as number);
			const error = sigmoid(z) - (labels[i] as number);
			for (let j = 0; j < width; j++) gradient[j] += (error * (xi[j] as number)) / n;
			gradient[width] += error / n;
		}
		for (let j = 0; j < width; j++) weights[j] -= rate * (gradient[j] + l2 * weights[j]);
		weights[width] -= rate * gradient[width];
	}
	return { ...logisticFrom({ weights, means, scales }), weights, means, scales };
}

export interface Node {
	feature: number;
	threshold: number;
	left: Node | number;
	right: Node | number;
}

/** Up to 32 split points a column: its quantiles. */
function binEdges(rows: Rows, j: number): number[] {
	const values = rows.map((r) => r[j] as number).sort((a, b) => a - b);
	const edges = new Set<number>();
	for (let q = 1; q < 32; q++) edges.add(values[Math.floor((q / 32) * (values.length - 1))] as number);
	return [...edges].sort((a, b) => a - b);
}

/** Each column's values as bin numbers: bin b holds the values above edge b − 1 and up to edge b. */
function binned(rows: Rows, edges: readonly number[][]): Uint8Array[] {
	return edges.map((columnEdges, j) => {
		const bins = new Uint8Array(rows.length);
		rows.forEach((row, i) => {
			const v = row[j] as number;
			let b = 0;
			while (b < columnEdges.length && v > (columnEdges[b] as number)) b++;
			bins[i] = b;
		});
		return bins;
	});
}

/**
 * A regression tree on gradients and hessians (Newton leaves), splitting on the precomputed
 * edges. Each node sums its rows' gradients into a histogram a column (one pass over its rows),
 * then tries every edge from the running sums: the cost is rows × columns a level, not rows ×
 * columns × edges.
 */
function growTree(
	bins: readonly Uint8Array[],
	index: Int32Array,
	g: Float64Array,
	h: Float64Array,
	edges: readonly number[][],
	depth: number,
	minLeaf: number,
): Node | number {
	let sumG = 0;
	let sumH = 0;
	for (const i of index) {
		sumG += g[i] as number;
		sumH += h[i] as number;
	}
	const leaf = -sumG / (sumH + 1);
	if (depth === 0 || index.length < 2 * minLeaf) return leaf;
	const parentScore = (sumG * sumG) / (sumH + 1);
	let best = { gain: 1e-9, feature: -1, bin: 0 };
	const histG = new Float64Array(33);
	const histH = new Float64Array(33);
	const histN = new Int32Array(33);
	for (let j = 0; j < edges.length; j++) {
		const column = bins[j] as Uint8Array;
		histG.fill(0);
		histH.fill(0);
		histN.fill(0);
		for (const i of index) {
			const b = column[i] as number;
			histG[b] = (histG[b] as number) + (g[i] as number);
			histH[b] = (histH[b] as number) + (h[i] as number);
			histN[b] = (histN[b] as number) + 1;
		}
		let lg = 0;
		let lh = 0;
		let count = 0;
		const splits = (edges[j] as number[]).length;
		for (let b = 0; b < splits; b++) {
			lg += histG[b] as number;
			lh += histH[b] as number;
			count += histN[b] as number;
			if (count < minLeaf || index.length - count < minLeaf) continue;
			const rg = sumG - lg;
			const rh = sumH - lh;
			const gain = (lg * lg) / (lh + 1) + (rg * rg) / (rh + 1) - parentScore;
			if (gain > best.gain) best = { gain, feature: j, bin: b };
		}
	}
	if (best.feature < 0) return leaf;
	const column = bins[best.feature] as Uint8Array;
	const left = index.filter((i) => (column[i] as number) <= best.bin);
	const right = index.filter((i) => (column[i] as number) > best.bin);
	return {
		feature: best.feature,
		threshold: (edges[best.feature] as number[])[best.bin] as number,
		left: growTree(bins, left, g, h, edges, depth - 1, minLeaf),
		right: growTree(bins, right, g, h, edges, depth - 1, minLeaf),
	};
}

const walk = (node: Node | number, row: ArrayLike<number>): number => {
	let current = node;
	while (typeof current !== "number")
		current = (row[current.feature] as number) <= current.threshold ? current.left : current.right;
	return current;
};

/** Gradient-boosted trees for log-loss: `rounds` trees of `depth`, each shrunk by `rate`. */
export interface BoostedParameters {
	base: number;
	rate: number;
	trees: Array<Node | number>;
}

/** Fitted boosted trees, from their stored parameters. */
export function boostedFrom({ base, rate, trees }: BoostedParameters): Predictor {
	return {
		predict(row) {
			let z = base;
			for (const tree of trees) z += rate * walk(tree, row);
			return sigmoid(z);
		},
	};
}

export function trainBoosted(
	rows: Rows,
	labels: readonly number[],
	options: { rounds?: number; depth?: number; rate?: number; minLeaf?: number } = {},
): Predictor & BoostedParameters & { importance: number[] } {
	const n = rows.length;
	const width = rows[0]?.length ?? 0;
	const edges = Array.from({ length: width }, (_, j) => binEdges(rows, j));
	const positives = labels.reduce((a, b) => a + b, 0);
	const base = Math.log((positives + 1) / (n - positives + 1));
	const margin = new Float64Array(n).fill(base);
	const trees: Array<Node | number> = [];
	const rate = options.rate ?? 0.1;
	const index = Int32Array.from({ length: n }, (_, i) => i);
	const bins = binned(rows, edges);
	const importance = new Array(width).fill(0);
	const g = new Float64Array(n);
	const h = new Float64Array(n);
	for (let round = 0; round < (options.rounds ?? 60); round++) {
		for (let i = 0; i < n; i++) {
			const p = sigmoid(margin[i] as number);
			g[i] = p - (labels[i] as number);
			h[i] = Math.max(p * (1 - p), 1e-6);
		}
		const tree = growTree(bins, index, g, h, edges, options.depth ?? 3, options.minLeaf ?? 10);
		const count = (node: Node | number) => {
			if (typeof node === "number") return;
			importance[node.feature]++;
			count(node.left);
			count(node.right);
		};
		count(tree);
		trees.push(tree);
		for (let i = 0; i < n; i++) margin[i] = (margin[i] as number) + rate * walk(tree, rows[i] as ArrayLike<number>);
	}
	return { ...boostedFrom({ base, rate, trees }), base, rate, trees, importance };
}
