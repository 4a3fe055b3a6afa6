/**
 * How much a signal lifts conversion: the rate among leads that showed it over the rate among
 * those that did not (a risk ratio), with a 95% confidence interval from the normal
 * approximation on its logarithm. A zero count gets half a lead added to each cell (Haldane's
 * correction) so that the interval stays finite and honest about the few cases.
 */
export interface Lift {
	/** converted ÷ leads among those with the signal */
	rate: number | null;
	/** converted ÷ leads among those without it */
	baseline: number | null;
	lift: number | null;
	low: number | null;
	high: number | null;
}

const Z95 = 1.959964;

export function liftOf(convertedWith: number, leadsWith: number, convertedWithout: number, leadsWithout: number): Lift {
	const rate = leadsWith > 0 ? convertedWith / leadsWith : null;
	const baseline = leadsWithout > 0 ? convertedWithout / leadsWithout : null;
	if (leadsWith === 0 || leadsWithout === 0) return { rate, baseline, lift: null, low: null, high: null };
	const zero =
		convertedWith === 0 || convertedWithout === 0 || convertedWith === leadsWith || convertedWithout === leadsWithout;
	const k = zero ? 0.5 : 0;
	const [a, n1, c, n0] = [convertedWith + k, leadsWith + 2 * k, convertedWithout + k, leadsWithout + 2 * k];
	const ratio = a / n1 / (c / n0);
	const se = Math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0);
	return {
		rate,
		baseline,
		lift: ratio,
		low: Math.exp(Math.log(ratio) - Z95 * se),
		high: Math.exp(Math.log(ratio) + Z95 * se),
	};
}

/**
 * How well a yes/no signal alone tells converters from the rest: the area under its ROC curve,
 * ½ (1 + true-positive rate − false-positive rate). 0.5 says nothing; near 1 (or 0) it gives
 * the outcome away, as a field set after the outcome does.
 */
export function singleSignalAuc(
	convertedWith: number,
	leadsWith: number,
	converted: number,
	leads: number,
): number | null {
	const others = leads - converted;
	if (converted === 0 || others === 0) return null;
	return 0.5 * (1 + convertedWith / converted - (leadsWith - convertedWith) / others);
}

/** The median of some numbers; null for none. */
export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((x, y) => x - y);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
