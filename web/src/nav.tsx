import { type AnchorHTMLAttributes, createContext, type ReactNode, useContext, useEffect, useState } from "react";

const here = () => window.location.pathname + window.location.search;

/** The page path and query, kept in step with the browser's history. */
export function useLocation(): [string, (to: string) => void] {
	const [location, setLocation] = useState(here());
	useEffect(() => {
		const onPop = () => setLocation(here());
		window.addEventListener("popstate", onPop);
		return () => window.removeEventListener("popstate", onPop);
	}, []);
	const navigate = (to: string) => {
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
