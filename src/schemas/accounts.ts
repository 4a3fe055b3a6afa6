import { z } from "@hono/zod-openapi";

/** The account model as a person writes it: fit rules as conditions on company traits, in the segment language. */
export const AccountSettings = z
	.object({
		fitRules: z
			.array(
				z
					.object({
						label: z.string().trim().min(1, "name the rule").max(120),
						when: z.string().trim().min(1, "write the condition").max(2000).openapi({
							example: 'industry in ("Software", "Financial Services")',
						}),
						points: z.number().finite().min(-1000).max(1000),
					})
					.strict(),
			)
			.max(50),
		personCap: z.number().finite().min(1).max(10_000).openapi({
			description: "the most engagement one person adds to the company's",
		}),
		mqa: z
			.object({
				fit: z.number().finite().min(0).max(10_000),
				engagement: z.number().finite().min(0).max(100_000),
				people: z.number().int().min(1).max(1000).openapi({ description: "engaged people, at least" }),
				decisionMaker: z.boolean().openapi({ description: "a decision maker among the members" }),
			})
			.strict(),
	})
	.strict()
	.openapi("AccountSettings");
export type AccountSettings = z.infer<typeof AccountSettings>;

const Roles = z.object({ decision_maker: z.number().int(), influencer: z.number().int(), user: z.number().int() });

export const Account = z
	.object({
		id: z.string(),
		name: z.string().nullable(),
		domain: z.string().nullable(),
		groupId: z.string().nullable(),
		traits: z.record(z.string(), z.unknown()),
		ownerId: z.string().nullable(),
		ownerName: z.string().nullable(),
		named: z.boolean().openapi({ description: "a named account keeps the owner set by hand" }),
		members: z.number().int(),
		fit: z.number(),
		engagement: z.number(),
		engagedPeople: z.number().int(),
		roles: Roles,
		qualifiedAt: z.string().nullable().openapi({ description: "when it became an MQA; null while it is not one" }),
	})
	.openapi("Account");
export type Account = z.infer<typeof Account>;

export const AccountMember = z.object({
	id: z.string(),
	email: z.string().nullable(),
	name: z.string().nullable(),
	title: z.string().nullable(),
	stage: z.string(),
	role: z.enum(["decision_maker", "influencer", "user"]).nullable(),
	fit: z.number().nullable(),
	engagement: z.number(),
	counted: z.number().openapi({ description: "what it adds to the company's engagement, after the cap" }),
	lastSeenAt: z.string(),
});

export const AccountDetail = Account.extend({
	members: z.number().int(),
	people: z.array(AccountMember).openapi({ description: "its members, most engaged first" }),
	explanation: z.object({
		fitRules: z.array(z.object({ label: z.string(), points: z.number() })),
		personCap: z.number(),
		qualifies: z.boolean(),
		reason: z.string(),
	}),
}).openapi("AccountDetail");
export type AccountDetail = z.infer<typeof AccountDetail>;

export const AccountListQuery = z.object({
	q: z.string().max(200).optional().openapi({ description: "search in name and domain" }),
	qualified: z.enum(["true", "false"]).optional(),
	owner: z.uuid().optional(),
	sort: z.enum(["engagement", "fit", "members", "name"]).default("engagement"),
	limit: z.coerce.number().int().min(1).max(500).default(50),
	offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const AccountPage = z.object({ data: z.array(Account), total: z.number().int() }).openapi("AccountPage");
export type AccountPage = z.infer<typeof AccountPage>;

export const AccountPatch = z
	.object({
		ownerId: z.uuid().nullable().optional(),
		named: z.boolean().optional(),
	})
	.strict()
	.openapi("AccountPatch");
export type AccountPatch = z.infer<typeof AccountPatch>;

export const AccountEvent = z.object({
	leadId: z.string(),
	email: z.string().nullable(),
	type: z.string(),
	name: z.string().nullable(),
	at: z.string(),
});
export const AccountTimeline = z
	.object({ data: z.array(AccountEvent), nextCursor: z.string().nullable() })
	.openapi("AccountTimeline");
export type AccountTimeline = z.infer<typeof AccountTimeline>;
