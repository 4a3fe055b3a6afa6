/**
 * How a message Qualify writes about one of its own leads names it: the lead's user id when it
 * has one, else an anonymous id made from the lead's id (linked through the e-mail the first
 * time, then the lead's own), with its e-mail as a context trait.
 */
export function leadIdentity(lead: { id: string; user_id: string | null; email: string | null }) {
	return {
		...(lead.user_id ? { userId: lead.user_id } : { anonymousId: `qualify-lead:${lead.id}` }),
		...(lead.email ? { context: { traits: { email: lead.email } } } : {}),
	};
}
