const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether an id from a URL or a form can be a row id. Repositories answer "not found" for anything
 * else before asking the database, which would otherwise refuse the text as a uuid with an error.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id)
}
