import { zonedTime } from "./local-time.js";
import { pick, poisson, seededRandom, weighted } from "./random.js";

/** Where demo leads live: country, region, time zone. */
const PLACES = [
	["United States", "New York", "America/New_York", 22],
	["United States", "California", "America/Los_Angeles", 16],
	["United Kingdom", "England", "Europe/London", 10],
	["Germany", "Berlin", "Europe/Berlin", 9],
	["France", "Île-de-France", "Europe/Paris", 6],
	["Netherlands", "North Holland", "Europe/Amsterdam", 5],
	["Brazil", "São Paulo", "America/Sao_Paulo", 7],
	["India", "Karnataka", "Asia/Kolkata", 9],
	["Japan", "Tokyo", "Asia/Tokyo", 5],
	["Australia", "New South Wales", "Australia/Sydney", 5],
	["Canada", "Ontario", "America/Toronto", 6],
] as const;

const INDUSTRIES = [
	["Software", 0.6],
	["Financial Services", 0.5],
	["Healthcare", 0.3],
	["Manufacturing", 0.2],
	["Retail", 0.1],
	["Education", -0.4],
	["Logistics", 0.1],
	["Media", -0.1],
] as const;

const SIZES = [
	["1-10", -0.8, 14],
	["11-50", -0.2, 22],
	["51-200", 0.3, 24],
	["201-1000", 0.5, 20],
	["1001-5000", 0.4, 12],
	["5000+", 0.2, 8],
] as const;

const ROLES = [
	["Chief Executive Officer", "C-level", 0.5, 5],
	["Chief Technology Officer", "C-level", 0.6, 4],
	["VP of Marketing", "VP", 0.8, 6],
	["VP of Sales", "VP", 0.7, 5],
	["Director of Demand Generation", "Director", 0.9, 8],
	["Head of Revenue Operations", "Director", 1.0, 6],
	["Marketing Operations Manager", "Manager", 0.7, 14],
	["Sales Manager", "Manager", 0.3, 10],
	["Growth Marketer", "Individual Contributor", 0.1, 14],
	["Software Engineer", "Individual Contributor", -0.5, 12],
	["Marketing Intern", "Student", -1.5, 5],
	["MBA Student", "Student", -1.8, 4],
] as const;

const FIRST = [
	"Ada",
	"Grace",
	"Linus",
	"Maya",
	"Ravi",
	"Sofia",
	"Kenji",
	"Lena",
	"Omar",
	"Chloe",
	"Diego",
	"Priya",
	"Jonas",
	"Amara",
	"Tom",
	"Yuki",
	"Elena",
	"Noah",
	"Fatima",
	"Lucas",
];
const LAST = [
	"Lovelace",
	"Hopper",
	"Okafor",
	"Schmidt",
	"Patel",
	"Rossi",
	"Tanaka",
	"Müller",
	"Haddad",
	"Martin",
	"Silva",
	"Iyer",
	"Berg",
	"Mensah",
	"Clark",
	"Sato",
	"Novak",
	"Levi",
	"Khan",
	"Dubois",
];
const COMPANY_WORDS = [
	"Acme",
	"Northwind",
	"Globex",
	"Initech",
	"Umbrella",
	"Stark",
	"Wayne",
	"Hooli",
	"Vandelay",
	"Soylent",
	"Tyrell",
	"Cyberdyne",
	"Wonka",
	"Gringotts",
	"Pied Piper",
	"Aperture",
];
const COMPANY_SUFFIX = [
	"Labs",
	"Systems",
	"Group",
	"Analytics",
	"Cloud",
	"Health",
	"Logistics",
	"Retail",
	"Media",
	"Capital",
];
const FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"];
const BLOG = [
	"/blog/lead-scoring-101",
	"/blog/mql-vs-sql",
	"/blog/speed-to-lead",
	"/blog/intent-signals",
	"/blog/nurture-that-works",
	"/blog/revops-playbook",
];
const CONTENT = [
	["ebook-lead-scoring", "Lead Scoring Playbook"],
	["report-state-of-revops", "State of RevOps 2026"],
	["template-sla", "Sales SLA Template"],
	["checklist-handoff", "Handoff Checklist"],
] as const;
const CAMPAIGNS = [
	["google", "cpc", "brand-search"],
	["linkedin", "paid_social", "abm-q4"],
	["newsletter", "email", "monthly-digest"],
	["g2", "referral", "reviews"],
	["twitter", "social", "launch-week"],
] as const;

const UA = {
	desktop:
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36",
	mobile:
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	tablet:
		"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
} as const;

export type DemoPersona = "engaged" | "curious-downloader" | "accidental-click" | "quiet-buyer" | "anonymous-visitor";

export interface DemoOptions {
	leads: number;
	seed: number;
	/** the end of the demo period; events fall in the 120 days before it */
	now: Date;
}

export interface DemoLead {
	index: number;
	persona: DemoPersona;
	/** hidden chance of buying: drives behaviour, never stored as a trait */
	propensity: number;
	converts: boolean;
	messages: Record<string, unknown>[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A synthetic B2B funnel, the same for the same seed and end date: profiles, sessions at
 * local-time rhythms, content, webinars, pricing, trials, demo requests, ad and email
 * clicks, and a hidden propensity that decides who buys, with noise on purpose.
 */
export function* demoFunnel({ leads, seed, now }: DemoOptions): Generator<DemoLead> {
	const random = seededRandom(seed);
	const DAY = 86_400_000;
	for (let index = 0; index < leads; index++) {
		const [country, region, timezone] = weighted(
			random,
			PLACES.map((p) => [p, p[3]] as const),
		);
		const [industry, industryLift] = pick(random, INDUSTRIES);
		const [companySize, sizeLift] = weighted(
			random,
			SIZES.map((s) => [s, s[2]] as const),
		);
		const [title, seniority, roleLift] = weighted(
			random,
			ROLES.map((r) => [r, r[3]] as const),
		);
		const firstName = pick(random, FIRST);
		const lastName = pick(random, LAST);
		const company = `${pick(random, COMPANY_WORDS)} ${pick(random, COMPANY_SUFFIX)}`;
		const freemail = random() < 0.18;
		const domain = freemail ? pick(random, FREEMAIL) : `${company.toLowerCase().replace(/[^a-z]+/g, "")}.com`;
		const email = `${firstName}.${lastName}${index}@${domain}`.toLowerCase();
		const propensity = sigmoid(
			-2.2 + industryLift + sizeLift + roleLift + (freemail ? -0.9 : 0) + (random() - 0.5) * 2,
		);
		const persona = weighted<DemoPersona>(random, [
			["engaged", 62],
			["curious-downloader", 12],
			["accidental-click", 8],
			["quiet-buyer", 5],
			["anonymous-visitor", 13],
		]);
		const converts =
			persona === "quiet-buyer" ? random() < 0.5 : persona === "engaged" ? random() < propensity : random() < 0.01;
		const anonymousId = `demo-anon-${seed}-${index}`;
		const userId = `demo-user-${seed}-${index}`;
		const messages: Record<string, unknown>[] = [];
		let seq = 0;
		let identified = false;
		const deviceOf = (hour: number) =>
			weighted(random, [
				["desktop", hour >= 8 && hour < 19 ? 80 : 35],
				["mobile", hour >= 19 || hour < 8 ? 55 : 15],
				["tablet", 5],
			] as const);
		const start = now.getTime() - (20 + random() * 100) * DAY;
		const campaign = pick(random, CAMPAIGNS);

		const push = (message: Record<string, unknown>, at: Date, device: keyof typeof UA, path?: string) => {
			messages.push({
				...message,
				messageId: `demo-${seed}-${index}-${seq++}`,
				anonymousId,
				...(identified ? { userId } : {}),
				timestamp: (at > now ? now : at).toISOString(),
				context: {
					userAgent: UA[device],
					timezone,
					locale:
						country === "Germany" ? "de-DE" : country === "France" ? "fr-FR" : country === "Brazil" ? "pt-BR" : "en-US",
					...(path
						? {
								page: {
									path,
									url: `https://qualify.example${path}`,
									referrer: seq === 1 ? `https://${campaign[0]}.com/` : "",
								},
							}
						: {}),
					...(seq === 1 ? { campaign: { source: campaign[0], medium: campaign[1], name: campaign[2] } } : {}),
				},
			});
		};
		const identify = (at: Date, device: keyof typeof UA) => {
			if (identified) return;
			identified = true;
			push(
				{
					type: "identify",
					userId,
					traits: {
						email,
						firstName,
						lastName,
						title,
						seniority,
						company,
						industry,
						companySize,
						country,
						region,
						timezone,
					},
				},
				at,
				device,
			);
		};

		// Sessions: local-time rhythms, weekdays in office hours, some evenings, a few at 2 a.m.
		const sessions =
			persona === "accidental-click"
				? 1
				: persona === "curious-downloader"
					? 1 + poisson(random, 0.5)
					: persona === "quiet-buyer"
						? 2
						: 1 + poisson(random, 1 + propensity * 9);
		let day = start;
		for (let s = 0; s < sessions && day < now.getTime(); s++) {
			const local = new Date(day);
			const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
			const hour = weighted(random, [
				[9 + Math.floor(random() * 8), weekend ? 2 : 10],
				[19 + Math.floor(random() * 4), 3],
				[Math.floor(random() * 4), 1],
			] as const);
			let at = zonedTime(
				local.getUTCFullYear(),
				local.getUTCMonth(),
				local.getUTCDate(),
				hour,
				Math.floor(random() * 60),
				timezone,
			);
			if (at.getTime() > now.getTime()) break;
			const device = deviceOf(hour);
			const step = () => {
				at = new Date(at.getTime() + (30 + random() * 300) * 1000);
				return at;
			};
			if (s === 0 && (persona === "accidental-click" || random() < 0.3)) {
				push(
					{ type: "track", event: "Ad Clicked", properties: { campaign: campaign[2], network: campaign[0] } },
					at,
					device,
				);
			}
			const pages = persona === "accidental-click" ? 1 : 1 + poisson(random, 1 + propensity * 3);
			for (let p = 0; p < pages; p++) {
				const path = weighted(random, [
					[pick(random, BLOG), 5],
					["/product", 2],
					["/pricing", propensity * 6],
					["/customers", 1],
					["/careers", persona === "engaged" && propensity < 0.15 ? 1.5 : 0.2],
					["/docs", 1],
				] as const);
				push(
					{ type: "page", name: path, properties: { path, url: `https://qualify.example${path}` } },
					step(),
					device,
					path,
				);
			}
			if (persona === "anonymous-visitor" || persona === "accidental-click") {
				day += (2 + random() * 12) * DAY;
				continue;
			}
			if (random() < (persona === "curious-downloader" ? 0.95 : 0.35)) {
				const [contentId, contentName] = pick(random, CONTENT);
				identify(step(), device);
				push(
					{
						type: "track",
						event: "Content Downloaded",
						properties: { contentId, name: contentName, formId: `form-${contentId}` },
					},
					step(),
					device,
				);
			}
			if (persona === "engaged" && random() < 0.15 + propensity * 0.3) {
				identify(step(), device);
				push(
					{ type: "track", event: "Webinar Registered", properties: { webinarId: "webinar-scoring-live" } },
					step(),
					device,
				);
				if (random() < 0.4 + propensity * 0.4) {
					push(
						{
							type: "track",
							event: "Webinar Attended",
							properties: { webinarId: "webinar-scoring-live", minutes: Math.round(10 + random() * 50) },
						},
						new Date(at.getTime() + 2 * DAY),
						"desktop",
					);
				}
			}
			if (identified && random() < 0.5) {
				push({ type: "track", event: "Email Opened", properties: { campaign: "nurture-1" } }, step(), device);
				if (random() < 0.2 + propensity * 0.5)
					push({ type: "track", event: "Email Link Clicked", properties: { campaign: "nurture-1" } }, step(), device);
			}
			if (persona === "engaged" && random() < propensity * 0.25) {
				identify(step(), device);
				push({ type: "track", event: "Trial Started", properties: { plan: "team" } }, step(), device);
			}
			if ((persona === "engaged" && random() < propensity * 0.3) || (persona === "quiet-buyer" && s === sessions - 1)) {
				identify(step(), device);
				push({ type: "track", event: "Demo Requested", properties: { formId: "form-demo" } }, step(), device);
			}
			day += (1 + random() * (10 - propensity * 7)) * DAY;
		}
		if (converts && identified) {
			const won = new Date(Math.min(now.getTime() - 60_000, day + (5 + random() * 20) * DAY));
			push(
				{
					type: "track",
					event: "Opportunity Created",
					properties: { source: "crm", amount: Math.round(5_000 + random() * 45_000) },
				},
				won,
				"desktop",
			);
			push(
				{ type: "track", event: "Deal Won", properties: { source: "crm" } },
				new Date(Math.min(now.getTime() - 1, won.getTime() + 14 * DAY)),
				"desktop",
			);
		}
		yield { index, persona, propensity, converts: converts && identified, messages };
	}
}
