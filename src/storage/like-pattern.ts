/** A LIKE pattern matching text that contains `text` as typed: its %, _ and backslash stand for themselves. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
