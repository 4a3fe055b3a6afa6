import { type IdentityKind, identitiesOf, type NormalizedEvent } from "./normalize-message.js";

export interface KnownLead {
	email: string | null;
	userId: string | null;
}

export interface IdentityPlan {
	/** the lead each event belongs to, by index */
	eventLeads: string[];
	newLeads: Map<string, KnownLead>;
	/** identities to point at a lead (insert or re-point) */
	identities: { kind: IdentityKind; value: string; leadId: string }[];
	merges: { survivorId: string; mergedId: string; messageId: string; reason: string }[];
	/** primary email or user id to set on leads that existed before */
	primaryUpdates: Map<string, KnownLead>;
}

const KINDS: readonly IdentityKind[] = ["email", "user", "anonymous"];
export const keyOf = (kind: IdentityKind, value: string) => `${kind}:${value}`;
function identityOfKey(key: string): { kind: IdentityKind; value: string } {
	const at = key.indexOf(":");
	const kind = KINDS.find((k) => k === key.slice(0, at)) ?? "anonymous";
	return { kind, value: key.slice(at + 1) };
}

/**
 * Decides, event by event, which lead each belongs to. Strong identities (user id,
 * email) asserted together join their leads; an anonymous id joins a lead only when the
 * two do not conflict (a shared browser used by two known people is not one person).
 */
export function resolveIdentities(
	events: readonly NormalizedEvent[],
	knownIdentities: ReadonlyMap<string, string>,
	knownLeads: ReadonlyMap<string, KnownLead>,
	newId: () => string,
): IdentityPlan {
	const pointers = new Map(knownIdentities);
	const leads = new Map<string, KnownLead>();
	for (const [id, lead] of knownLeads) leads.set(id, { ...lead });
	const plan: IdentityPlan = {
		eventLeads: [],
		newLeads: new Map(),
		identities: [],
		merges: [],
		primaryUpdates: new Map(),
	};
	const changed = new Map<string, { kind: IdentityKind; value: string }>();
	const point = (kind: IdentityKind, value: string, leadId: string) => {
		const key = keyOf(kind, value);
		if (pointers.get(key) === leadId) return;
		pointers.set(key, leadId);
		changed.set(key, { kind, value });
	};

	for (const event of events) {
		const ids = identitiesOf(event);
		const lookupOnly = (value: string) => value === event.previousId && value !== event.userId;
		const matched: { leadId: string; strong: boolean }[] = [];
		for (const { kind, value } of ids) {
			const leadId = pointers.get(keyOf(kind, value));
			if (!leadId) continue;
			const strong = kind !== "anonymous" || event.type === "alias";
			const seen = matched.find((m) => m.leadId === leadId);
			if (seen) seen.strong ||= strong;
			else matched.push({ leadId, strong });
		}

		// A browser last used by someone else: the anonymous id moves to this person instead.
		const differs = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
		const candidates = matched.filter(({ leadId, strong }) => {
			const lead = leads.get(leadId);
			return strong || !lead || !(differs(lead.email, event.email) || differs(lead.userId, event.userId));
		});
		let survivorId: string;
		const first = candidates[0];
		if (!first) {
			survivorId = newId();
			const lead = { email: event.email, userId: event.userId };
			leads.set(survivorId, lead);
			plan.newLeads.set(survivorId, lead);
		} else {
			survivorId = first.leadId;
		}
		const survivor = leads.get(survivorId) ?? { email: null, userId: null };
		const claimedEmail = event.email ?? survivor.email;
		const claimedUser = event.userId ?? survivor.userId;

		for (const other of candidates.slice(1)) {
			const lead = leads.get(other.leadId) ?? { email: null, userId: null };
			const conflicts = differs(lead.email, claimedEmail) || differs(lead.userId, claimedUser);
			if (!other.strong && conflicts) continue; // the anonymous id is re-pointed below instead
			plan.merges.push({
				survivorId,
				mergedId: other.leadId,
				messageId: event.messageId,
				reason: other.strong ? `${event.type} named both leads` : "anonymous id identified",
			});
			for (const [key, leadId] of pointers) {
				if (leadId === other.leadId) {
					pointers.set(key, survivorId);
					changed.set(key, identityOfKey(key));
				}
			}
			survivor.email ??= lead.email;
			survivor.userId ??= lead.userId;
			leads.delete(other.leadId);
			plan.newLeads.delete(other.leadId);
		}

		for (const { kind, value } of ids) {
			// An alias's previous id that nobody has used yet is remembered, so that events
			// arriving later under it join this lead whatever order they come in.
			if (!lookupOnly(value) || !pointers.has(keyOf(kind, value))) point(kind, value, survivorId);
		}
		const before = { ...survivor };
		if (event.email && event.type === "identify") survivor.email = event.email;
		survivor.email ??= event.email;
		survivor.userId ??= event.userId;
		leads.set(survivorId, survivor);
		if (plan.newLeads.has(survivorId)) plan.newLeads.set(survivorId, survivor);
		else if (
			before.email !== survivor.email ||
			before.userId !== survivor.userId ||
			plan.primaryUpdates.has(survivorId)
		) {
			plan.primaryUpdates.set(survivorId, survivor);
		}
		plan.eventLeads.push(survivorId);
	}

	for (const [key, { kind, value }] of changed) {
		const leadId = pointers.get(key);
		if (leadId) plan.identities.push({ kind, value, leadId });
	}
	// Events resolved before a later merge in the same batch follow it to the survivor.
	const mergedTo = new Map(plan.merges.map((m) => [m.mergedId, m.survivorId]));
	const follow = (id: string): string => {
		const next = mergedTo.get(id);
		return next ? follow(next) : id;
	};
	plan.eventLeads = plan.eventLeads.map(follow);
	for (const id of plan.primaryUpdates.keys()) if (mergedTo.has(id)) plan.primaryUpdates.delete(id);
	return plan;
}
