import { type AnchorHTMLAttributes, createContext, type ReactNode, useContext, useEffect, useState } from "react";

const here = () => window.location.pathname + window.location.search;

/**
 * A page with unsaved edits says so here; leaving it (a link, back, a reload, closing the tab)
 * then asks first. Returns the question to ask, or null when there is nothing to lose.
 */
let leaveQuestion: (() => string | null) | null = null;
export function guardLeaving(question: (() => string | null) | null): void {
	leaveQuestion = question;
}
const mayLeave = () => {
	const question = leaveQuestion?.();
	return !question || window.confirm(question);
};
window.addEventListener("beforeunload", (event) => {
	if (leaveQuestion?.()) event.preventDefault();
});

/** The page path and query, kept in step with the browser's history. */
export function useLocation(): [string, (to: string) => void] {
	const [location, setLocation] = useState(here());
	useEffect(() => {
		const onPop = () => {
			if (!mayLeave()) {
				// stay: put back the entry the browser just left
				window.history.pushState(null, "", location);
				return;
			}
			leaveQuestion = null;
			setLocation(here());
		};
		window.addEventListener("popstate", onPop);
		return () => window.removeEventListener("popstate", onPop);
	}, [location]);
	const navigate = (to: string) => {
		if (!mayLeave()) return;
		leaveQuestion = null;
		window.history.pushState(null, "", to);
		setLocation(to);
		window.scrollTo(0, 0);
	};
	return [location, navigate];
}

export const Navigate = createContext<(to: string) => void>(() => {});

/** A link inside the app: a real href (open in a new tab works), followed without a reload. */
export function Link({
	to,
	children,
	...rest
}: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
	const navigate = useContext(Navigate);
	return (
		<a
			href={to}
			onClick={(e) => {
				if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
				e.preventDefault();
				navigate(to);
			}}
			{...rest}
		>
			{children}
		</a>
	);
}
