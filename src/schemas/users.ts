import { z } from "@hono/zod-openapi";

/** A name a person reads: trimmed, and never only spaces. */
export const Name = (max = 200) => z.string().trim().min(1, "must not be blank").max(max);

export const ROLES = ["admin", "marketing", "sales"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const User = z
	.object({
		id: z.uuid(),
		email: z.string(),
		name: z.string(),
		role: Role,
		ownerId: z.uuid().nullable().openapi({ description: "the sales owner this person is: their queue is their own" }),
	})
	.openapi("User");
export type User = z.infer<typeof User>;

export const UserInput = z
	.object({
		email: z.email(),
		name: Name(),
		role: Role,
		password: z.string().min(1).max(200),
		ownerId: z.uuid().nullable().default(null).openapi({ description: "the sales owner this person is" }),
	})
	.strict()
	.openapi("UserInput");
export type UserInput = z.input<typeof UserInput>;

export const UserPatch = z
	.object({ name: Name().optional(), role: Role.optional(), ownerId: z.uuid().nullable().optional() })
	.strict()
	.openapi("UserPatch");
export type UserPatch = z.infer<typeof UserPatch>;

export const Session = z.object({ user: User, csrfToken: z.string(), expiresAt: z.string() }).openapi("Session");
export type Session = z.infer<typeof Session>;

export const Credentials = z.object({ email: z.string().max(320), password: z.string().max(200) }).strict();
export type Credentials = z.infer<typeof Credentials>;

export const PasswordChange = z
	.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) })
	.strict()
	.openapi("PasswordChange");
export type PasswordChange = z.infer<typeof PasswordChange>;

export const PasswordReset = z
	.object({ password: z.string().max(200) })
	.strict()
	.openapi("PasswordReset");
export type PasswordReset = z.infer<typeof PasswordReset>;

export const SetupStatus = z
	.object({
		needed: z.boolean().openapi({ description: "no user exists yet: the first admin is to be created" }),
		empty: z.boolean().openapi({ description: "no lead exists yet: the demo can be loaded" }),
	})
	.openapi("SetupStatus");
export type SetupStatus = z.infer<typeof SetupStatus>;
