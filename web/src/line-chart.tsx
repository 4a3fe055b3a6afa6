import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** A line chart in the page's colours; the same numbers are in a table for screen readers. */
export function LineChart({
	x,
	series,
	xLabel,
	yLabel,
}: {
	x: number[];
	series: Array<{ label: string; values: Array<number | null>; color: string }>;
	xLabel: string;
	yLabel: string;
}) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = box.current;
		if (!element || x.length === 0) return;
		const css = getComputedStyle(document.documentElement);
		const ink = css.getPropertyValue("--muted").trim() || "#4a5561";
		const line = css.getPropertyValue("--line-soft").trim() || "#e1e5ea";
		const axis = { stroke: ink, grid: { stroke: line }, ticks: { stroke: line } };
		const plot = new uPlot(
			{
				width: Math.max(280, element.clientWidth),
				height: 220,
				scales: { x: { time: false } },
				axes: [
					{ ...axis, label: xLabel },
					{ ...axis, label: yLabel },
				],
				series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
			},
			[x, ...series.map((s) => s.values)],
			element,
		);
		return () => plot.destroy();
	}, [x, series, xLabel, yLabel]);
	return <div ref={box} aria-hidden="true" className="chart" />;
}
