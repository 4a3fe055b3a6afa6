const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID, checked before it reaches a uuid column (which would reject it with an error). */
export const isUuid = (id: string) => UUID.test(id);
