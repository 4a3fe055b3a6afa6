import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountModel } from "../src/app/accounts/account-settings.js";
import { saveAccountSettings } from "../src/app/accounts/accounts.js";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createOwner, createTeam } from "../src/app/sales-setup.js";
import { accountTraits, buyingRole, scoreAccount, workDomain } from "../src/domain/accounts/account-score.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW, testClock } from "./support/clock.js";
import { keyCaller } from "./support/sessions.js";

const HOUR = 3_600_000;
const at = (hours: number) => new Date(TEST_NOW.getTime() - hours * HOUR).toISOString();

describe("accounts, pure rules", () => {
	it("never makes a company of a free mailbox, and reads a work domain whatever its case", () => {
		expect(workDomain("Ann@GMAIL.com")).toBeNull();
		expect(workDomain("ann@web.de")).toBeNull();
		expect(workDomain("Ann@Acme.IO")).toBe("acme.io");
		expect(workDomain("not an address")).toBeNull();
		expect(workDomain(null)).toBeNull();
	});

	it("tells decision makers, influencers and users from seniority first, else title", () => {
		expect(buyingRole({ seniority: "C-level", title: "Intern" })).toBe("decision_maker");
		expect(buyingRole({ title: "VP of Sales" })).toBe("decision_maker");
		expect(buyingRole({ title: "Head of Revenue Operations" })).toBe("decision_maker");
		expect(buyingRole({ title: "Marketing Operations Manager" })).toBe("influencer");
		expect(buyingRole({ seniority: "Individual Contributor", title: "Director" })).toBe("user");
		expect(buyingRole({ title: "Software Engineer" })).toBe("user");
		expect(buyingRole({})).toBeNull();
	});

	it("takes each company trait most members give, the group call's own traits first, whatever the order", () => {
		const members = [
			{ company: "Acme", industry: "Retail" },
			{ company: "Acme Inc" },
			{ company: "Acme", industry: "Software" },
		];
		const traits = accountTraits({ industry: "Software" }, members);
		expect(traits).toEqual({ name: "Acme", industry: "Software" });
		fc.assert(
			fc.property(fc.shuffledSubarray(members, { minLength: members.length }), (order) => {
				expect(accountTraits({}, order)).toEqual(accountTraits({}, members));
			}),
		);
	});

	it("caps each person's engagement, so one enthusiast cannot carry a company", () => {
		const model = {
			fitRules: [],
			personCap: 30,
			mqa: { fit: 0, engagement: 50, people: 2, decisionMaker: false },
		};
		const one = scoreAccount(model, {}, [{ id: "a", traits: {}, engagement: 500 }]);
		expect(one).toMatchObject({ engagement: 30, qualified: false, engagedPeople: 1 });
		const two = scoreAccount(model, {}, [
			{ id: "a", traits: {}, engagement: 500 },
			{ id: "b", traits: { title: "CEO" }, engagement: 25 },
		]);
		expect(two).toMatchObject({
			engagement: 55,
			qualified: true,
			roles: { decision_maker: 1, influencer: 0, user: 0 },
		});
		expect(two.contributions.map((c) => [c.leadId, c.counted])).toEqual([
			["a", 30],
			["b", 25],
		]);
	});
});

describe.each(backends())("accounts on $name", (backend) => {
	let database: Database;
	let call: ReturnType<typeof keyCaller>;

	beforeAll(async () => {
		database = await backend.open();
		const app = createApp({ db: database.db, clock: testClock() });
		const key = (await createApiKey(database.db, "secret", "accounts")).key;
		call = keyCaller(() => ({ app, key }));
	}, 120_000);
	afterAll(async () => database?.close());

	/** What every company must be, computed afresh from the leads, their events and scores. */
	async function fromScratch(prefix: string) {
		const model = await accountModel(database.db);
		const leads = await sql<{
			id: string;
			email: string | null;
			traits: Record<string, unknown>;
			engagement: number;
			group_id: string | null;
			group_traits: Record<string, unknown> | null;
			group_at: Date | null;
			group_mid: string | null;
		}>`select l.id, l.email, l.traits, coalesce(s.engagement, 0)::float8 as engagement, g.name as group_id,
				g.traits as group_traits, g.timestamp as group_at, g.message_id as group_mid
			from leads l left join lead_scores s on s.lead_id = l.id
				and s.model_version = (select max(version) from scoring_models where status = 'published')
			left join lateral (select name, traits, timestamp, message_id from events e where e.lead_id = l.id
				and e.type = 'group' order by e.timestamp desc, e.message_id desc limit 1) g on true
			where l.merged_into is null and (l.email like ${`%${prefix}%`} or l.user_id like ${`${prefix}%`}
				or exists (select 1 from identities i where i.lead_id = l.id and i.value like ${`${prefix}%`}))`.execute(
			database.db,
		);
		const companies = new Map<string, typeof leads.rows>();
		const belongs = new Map<string, string | null>();
		for (const l of leads.rows) {
			const key = l.group_id ? `group:${l.group_id}` : workDomain(l.email) ? `domain:${workDomain(l.email)}` : null;
			belongs.set(l.id, key);
			if (key) companies.set(key, [...(companies.get(key) ?? []), l]);
		}
		const expected = new Map(
			[...companies].map(([key, people]) => {
				const ordered = [...people].sort(
					(a, b) =>
						(a.group_at ? new Date(a.group_at).getTime() : -1) - (b.group_at ? new Date(b.group_at).getTime() : -1) ||
						String(a.group_mid).localeCompare(String(b.group_mid)),
				);
				const groupTraits = Object.assign({}, ...ordered.map((p) => p.group_traits ?? {}));
				const traits = accountTraits(
					groupTraits,
					people.map((p) => p.traits),
				);
				const score = scoreAccount(
					model,
					traits,
					people.map((p) => ({ id: p.id, traits: p.traits, engagement: p.engagement })),
				);
				return [
					key,
					{
						members: people.map((p) => p.id).sort(),
						traits,
						fit: score.fit,
						engagement: score.engagement,
						roles: score.roles,
						qualified: score.qualified,
					},
				];
			}),
		);
		return { expected, belongs };
	}

	async function stored(prefix: string) {
		const rows = await sql<{
			id: string;
			group_id: string | null;
			domain: string | null;
			traits: Record<string, unknown>;
			fit: number;
			engagement: number;
			roles: Record<string, number>;
			qualified_at: Date | null;
			members: number;
			people: string[];
		}>`select a.id, a.group_id, a.domain, a.traits, a.fit, a.engagement, a.roles, a.qualified_at, a.members,
				array(select l.id::text from leads l where l.account_id = a.id and l.merged_into is null order by l.id) as people
			from accounts a where a.members > 0 and (a.domain like ${`%${prefix}%`} or a.group_id like ${`${prefix}%`})`.execute(
			database.db,
		);
		return new Map(
			rows.rows.map((a) => [
				a.group_id ? `group:${a.group_id}` : `domain:${a.domain}`,
				{
					members: [...a.people].sort(),
					count: a.members,
					traits: a.traits,
					fit: a.fit,
					engagement: a.engagement,
					roles: a.roles,
					qualified: a.qualified_at !== null,
				},
			]),
		);
	}

	it("keeps every company equal to a full recomputation, whatever order events arrive in, merges included", async () => {
		let run = 0;
		const titles = ["CEO", "VP Sales", "Marketing Manager", "Engineer", "Intern"];
		const industries = ["Software", "Retail", "Healthcare"];
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.record({
						person: fc.integer({ min: 0, max: 4 }),
						kind: fc.constantFrom("identify", "webinar", "trial", "group", "anonymous", "link", "free-mail"),
						company: fc.integer({ min: 0, max: 2 }),
						title: fc.constantFrom(...titles),
						industry: fc.constantFrom(...industries),
						hour: fc.integer({ min: 1, max: 400 }),
					}),
					{ minLength: 10, maxLength: 40 },
				),
				fc.integer({ min: 2, max: 8 }),
				async (steps, batches) => {
					const prefix = `r${run++}x`;
					const messages = steps.map((s, i) => {
						const user = `${prefix}u${s.person}`;
						const base = { messageId: `${prefix}-${i}`, userId: user, timestamp: at(s.hour) };
						switch (s.kind) {
							case "identify":
								return {
									...base,
									type: "identify",
									traits: { email: `${user}@${prefix}c${s.company}.io`, title: s.title, industry: s.industry },
								};
							case "free-mail":
								return { ...base, type: "identify", traits: { email: `${user}@gmail.com`, title: s.title } };
							case "webinar":
								return { ...base, type: "track", event: "Webinar Attended" };
							case "trial":
								return { ...base, type: "track", event: "Trial Started" };
							case "group":
								return {
									...base,
									type: "group",
									groupId: `${prefix}g${s.company}`,
									traits: { name: `Group ${s.company}`, industry: s.industry },
								};
							case "anonymous":
								// a visitor not yet known: a lead of its own until it is linked
								return {
									messageId: `${prefix}-${i}`,
									type: "track",
									event: "Webinar Attended",
									anonymousId: `${prefix}a${s.person}`,
									timestamp: at(s.hour),
								};
							default:
								// the visitor turns out to be this person: two leads become one
								return { ...base, type: "identify", anonymousId: `${prefix}a${s.person}`, traits: { title: s.title } };
						}
					});
					// out of order: the batches cut the shuffled list anywhere
					const size = Math.ceil(messages.length / batches);
					for (let b = 0; b < messages.length; b += size) {
						const result = await ingestBatch(database.db, messages.slice(b, b + size), received);
						expect(result.errors).toEqual([]);
					}
					const { expected, belongs } = await fromScratch(prefix);
					const actual = await stored(prefix);
					expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
					for (const [key, want] of expected) {
						const got = actual.get(key);
						expect(got?.members, key).toEqual(want.members);
						expect(got?.count).toBe(want.members.length);
						expect(got?.traits).toEqual(want.traits);
						expect(got?.fit).toBeCloseTo(want.fit, 6);
						expect(got?.engagement).toBeCloseTo(want.engagement, 6);
						expect(got?.roles).toEqual(want.roles);
						expect(got?.qualified).toBe(want.qualified);
					}
					// a free-mail person belongs to no company
					for (const [id, key] of belongs)
						if (key === null) {
							const row = await sql<{
								account_id: string | null;
							}>`select account_id from leads where id = ${id}::uuid`.execute(database.db);
							expect(row.rows[0]?.account_id ?? null).toBeNull();
						}
				},
			),
			{ numRuns: backend.name === "pglite" ? 12 : 8, seed: 42 },
		);
		// the runs did merge leads, and made companies of both kinds
		const seen = await sql<{ merges: number; groups: number; domains: number }>`select
			(select count(*)::int from lead_merges) as merges,
			(select count(*)::int from accounts where group_id is not null) as groups,
			(select count(*)::int from accounts where domain is not null) as domains`.execute(database.db);
		expect(seen.rows[0]?.merges).toBeGreaterThan(2);
		expect(seen.rows[0]?.groups).toBeGreaterThan(3);
		expect(seen.rows[0]?.domains).toBeGreaterThan(3);
	}, 240_000);

	it("qualifies a company as a buying group and hands its people to the account's owner", async () => {
		const team = await createTeam(database.db, {
			name: "Accounts team",
			timezone: "UTC",
			slaMinutes: 60,
			businessDays: [1, 2, 3, 4, 5],
			businessStart: "00:00",
			businessEnd: "23:59",
			managerEmail: null,
			escalation: "notify",
		});
		const owners = [];
		for (const name of ["Ana", "Ben"])
			owners.push(
				await createOwner(database.db, {
					name,
					email: `${name.toLowerCase()}@sales.example`,
					teamId: team?.id ?? "",
					timezone: null,
					away: false,
					maxOpen: 50,
					active: true,
				}),
			);
		const hook = await call("POST", "/v1/webhooks", {
			url: "https://hooks.example.com/acc",
			events: ["account.qualified"],
		});
		expect(hook.status).toBe(201);
		// one webinar each: too little for any one of them to become an MQL alone
		const settings = {
			fitRules: [{ label: "Software", when: 'industry = "Software"', points: 40 }],
			personCap: 10,
			mqa: { fit: 40, engagement: 20, people: 2, decisionMaker: true },
		};
		expect((await call("PUT", "/v1/accounts/settings", settings)).status).toBe(200);
		const person = (name: string, title: string, hour: number) => [
			{
				type: "identify",
				messageId: `${name}-i`,
				userId: name,
				traits: { email: `${name}@buyers.example`, title, industry: "Software" },
				timestamp: at(hour + 1),
			},
			{ type: "track", messageId: `${name}-w`, userId: name, event: "Webinar Attended", timestamp: at(hour) },
		];
		await ingestBatch(database.db, person("vera", "VP of Marketing", 5), received);
		const before = (await call("GET", "/v1/accounts?q=buyers")).body.data[0];
		expect(before).toMatchObject({ domain: "buyers.example", members: 1, fit: 40, qualifiedAt: null });
		expect(before.engagement).toBe(10); // capped
		const stages = async () =>
			(
				await sql<{ email: string; stage: string }>`select email, stage from leads where email like '%@buyers.example'
					order by email`.execute(database.db)
			).rows;
		expect((await stages()).every((l) => l.stage !== "mql")).toBe(true);

		await ingestBatch(database.db, person("milo", "Marketing Operations Manager", 3), received);
		const account = (await call("GET", `/v1/accounts/${before.id}`)).body;
		expect(account).toMatchObject({
			members: 2,
			engagement: 20,
			engagedPeople: 2,
			qualifiedAt: TEST_NOW.toISOString(),
		});
		expect(account.roles).toEqual({ decision_maker: 1, influencer: 1, user: 0 });
		expect(account.explanation).toMatchObject({ qualifies: true, fitRules: [{ label: "Software", points: 40 }] });
		expect(account.people.map((p: { counted: number }) => p.counted)).toEqual([10, 10]);
		// exactly one of them went to sales, to the owner who now owns the company
		const mqls = (await stages()).filter((l) => l.stage === "mql");
		expect(mqls).toHaveLength(1);
		const handoff = await sql<{ owner_id: string; routed_by: string }>`select h.owner_id, h.routed_by from handoffs h
			join leads l on l.id = h.lead_id where l.email like '%@buyers.example'`.execute(database.db);
		expect(handoff.rows).toHaveLength(1);
		expect(account.ownerId).toBe(handoff.rows[0]?.owner_id);
		const told = await sql<{
			n: number;
		}>`select count(*)::int as n from webhook_messages where type = 'account.qualified'
			and payload #>> '{data,account,name}' = 'buyers.example'`.execute(database.db);
		expect(told.rows[0]?.n).toBe(1);

		// a third person asks for a demo: routing sends them to the company's owner, not the next turn
		await ingestBatch(
			database.db,
			[
				...person("nina", "Engineer", 2),
				{ type: "track", messageId: "nina-d", userId: "nina", event: "Demo Requested", timestamp: at(1) },
			],
			received,
		);
		const third = await sql<{ owner_id: string; routed_by: string }>`select h.owner_id, h.routed_by from handoffs h
			join leads l on l.id = h.lead_id where l.email = 'nina@buyers.example'`.execute(database.db);
		expect(third.rows[0]?.owner_id).toBe(account.ownerId);
		expect(third.rows[0]?.routed_by).toMatch(/^account owner/);
		expect(
			(
				await sql<{ n: number }>`select count(*)::int as n from webhook_messages where type = 'account.qualified'
			and payload #>> '{data,account,name}' = 'buyers.example'`.execute(database.db)
			).rows[0]?.n,
		).toBe(1); // still one MQA

		// a named account: set by hand, shown as such
		const other = owners.find((o) => o?.id !== account.ownerId);
		const named = await call("PATCH", `/v1/accounts/${account.id}`, { ownerId: other?.id, named: true });
		expect(named.body).toMatchObject({ ownerId: other?.id, named: true });
		const ghost = await call("PATCH", `/v1/accounts/${account.id}`, {
			ownerId: "00000000-0000-4000-8000-000000000000",
		});
		expect(ghost.status).toBe(400);
		expect(ghost.body.error.problems[0].field).toBe("ownerId");

		// the lead list and the dashboard narrow to the company, and agree with its member count
		const listed = (await call("GET", `/v1/leads?account=${account.id}`)).body.data;
		expect(listed).toHaveLength(3);
		const funnel = (await call("GET", `/v1/metrics/funnel?preset=last-30-days&account=${account.id}`)).body;
		expect(funnel.funnel[0].count).toBe(3);
		const timeline = (await call("GET", `/v1/accounts/${account.id}/timeline?limit=4`)).body;
		expect(timeline.data).toHaveLength(4);
		expect(timeline.nextCursor).not.toBeNull();
		// segments can ask about the company
		const preview = await call("POST", "/v1/segments/preview", {
			text: 'account_qualified = true and account_domain = "buyers.example"',
			sample: 5,
		});
		expect(preview.body.count).toBe(3);

		// the settings refuse a rule on anything but company traits, naming the rule
		const wrong = await call("PUT", "/v1/accounts/settings", {
			...settings,
			fitRules: [{ label: "Busy", when: 'count(page where path ^= "/pricing") > 3', points: 5 }],
		});
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.problems[0]).toMatchObject({ field: "fitRules.0.when" });
		const typo = await call("PUT", "/v1/accounts/settings", {
			...settings,
			fitRules: [{ label: "x", when: "industry ==", points: 5 }],
		});
		expect(typo.body.error.problems[0].message).toMatch(/line 1, column/);
		// a stricter model: recomputed at once, the company no longer an MQA
		await saveAccountSettings(database.db, { ...settings, mqa: { ...settings.mqa, engagement: 1000 } }, TEST_NOW);
		expect((await call("GET", `/v1/accounts/${account.id}`)).body.qualifiedAt).toBeNull();
	});
});
