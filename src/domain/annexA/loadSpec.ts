import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { ILACS_LIST_RULES } from './ilacsListRules'
import { normaliseHeader, slugify } from './normaliseText'
import {
  annexASpecFileSchema,
  type AnnexASpecFile,
  type CodeList,
  type ColumnSpec,
  type ListLibrary,
  type ListSpec,
  type RawList,
} from './specSchema'

/** ILACS Annex A versions: 2023 uses "Gender"; from 2026 the column is "Sex" (same codes, same column id). */
export type IlacsSpecVersion = 'ilacs-2023' | 'ilacs-2026'

/** Column id → extra header spellings, normalised with normaliseHeader. */
export type ExtraHeaderAliases = ReadonlyMap<string, readonly string[]>

const extraAliasesFileSchema = z.object({
  columns: z.record(z.string().regex(/^[a-z0-9_]+$/), z.array(z.string().min(1))),
})

/** Parses the extra header aliases file; throws a zod error describing what is wrong. */
export function parseExtraHeaderAliases(yamlText: string): ExtraHeaderAliases {
  const file = extraAliasesFileSchema.parse(parseYaml(yamlText))
  return new Map(
    Object.entries(file.columns).map(([id, spellings]) => [
      id,
      [...new Set(spellings.map(normaliseHeader).filter((a) => a !== ''))],
    ]),
  )
}

/**
 * Adds the extra spellings to a list's columns by id. A spelling another column of the list already
 * answers to (or that two columns would both take) is left out, so the spec's own names always win.
 */
function addExtraAliases(columns: ColumnSpec[], extra: ExtraHeaderAliases): void {
  if (extra.size === 0) return
  const owners = new Map<string, number>()
  for (const c of columns) for (const a of c.aliases) owners.set(a, (owners.get(a) ?? 0) + 1)
  const wanted = new Map<string, ColumnSpec[]>()
  for (const c of columns) {
    for (const a of extra.get(c.id) ?? []) {
      if (owners.has(a)) continue
      wanted.set(a, [...(wanted.get(a) ?? []), c])
    }
  }
  for (const [alias, claimants] of wanted) if (claimants.length === 1) claimants[0]!.aliases.push(alias)
}

/** Parses and validates spec YAML text (ILACS or a theme file); throws a zod error describing what is wrong. */
export function parseSpecFile(yamlText: string): AnnexASpecFile {
  return annexASpecFileSchema.parse(parseYaml(yamlText, { maxAliasCount: -1 }))
}

/** Turns the spec's "/pattern/flags" notation into a RegExp (a bare pattern is taken as case-insensitive). */
function toRegExp(pattern: string): RegExp {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(pattern)
  return match ? new RegExp(match[1] ?? '', match[2] ?? 'i') : new RegExp(pattern, 'i')
}

function resolveColumnRef(ref: string, columns: ColumnSpec[], listKey: string): string {
  const wanted = normaliseHeader(ref)
  const found = columns.find((c) => c.id === ref || normaliseHeader(c.label) === wanted)
  if (!found) throw new Error(`${listKey}: rule refers to unknown column "${ref}"`)
  return found.id
}

function buildList(
  key: string,
  raw: RawList,
  codelists: Record<string, CodeList>,
  specVersion: string,
  renameGenderToSex: boolean,
  extraAliases: ExtraHeaderAliases,
): ListSpec {
  const columns: ColumnSpec[] = raw.columns.map((c) => {
    const id = c.id ?? slugify(c.name)
    const isGender = id === 'gender'
    const label = isGender && renameGenderToSex ? 'Sex' : c.name
    const aliases = new Set([c.name, ...(c.aliases ?? [])].map(normaliseHeader))
    // Both spellings are accepted whichever version is chosen: areas switch templates at different times.
    if (isGender) ['gender', 'sex', 'gender sex', 'sex gender'].forEach((a) => aliases.add(a))
    let codeList: CodeList | null = null
    if (c.codelist) {
      codeList = codelists[c.codelist] ?? null
      if (!codeList) throw new Error(`${key}: column "${c.name}" uses unknown code list "${c.codelist}"`)
    }
    return {
      id,
      label,
      type: c.type,
      required: c.required,
      aliases: [...aliases],
      patterns: (c.header_regex ?? []).map(toRegExp),
      codeList,
      min: c.min ?? null,
      allowDecimal: c.allow_decimal ?? /^age/.test(id),
    }
  })
  addExtraAliases(columns, extraAliases)
  const ids = new Set<string>()
  for (const c of columns) {
    if (ids.has(c.id)) throw new Error(`${key}: two columns share the id "${c.id}"`)
    ids.add(c.id)
  }
  const listNumber = /^list (\d+)$/i.exec(key)
  const childRef = raw.child_id_column === undefined ? (columns[0]?.id ?? null) : raw.child_id_column
  return {
    key,
    number: listNumber ? Number(listNumber[1]) : null,
    title: raw.title,
    scope: raw.scope ?? '',
    columns,
    period: raw.period
      ? {
          months: raw.period.months,
          eventColumns: raw.period.event_columns.map((r) => resolveColumnRef(r, columns, key)),
          openWhenBlank: raw.period.open_when_blank.map((r) => resolveColumnRef(r, columns, key)),
        }
      : null,
    dateOrder: (raw.date_order ?? []).map(([a, b]) => [
      resolveColumnRef(a, columns, key),
      resolveColumnRef(b, columns, key),
    ]),
    childIdColumn: childRef === null ? null : resolveColumnRef(childRef, columns, key),
    specVersion,
  }
}

function toCodeLists(file: AnnexASpecFile): Record<string, CodeList> {
  return Object.fromEntries(
    Object.entries(file.codelists).map(([name, entries]) => [
      name,
      { name, entries: entries.map(({ code, label }) => ({ code, label })) },
    ]),
  )
}

/**
 * Builds the typed ILACS lists from spec YAML text. Period and date-order rules come from
 * ILACS_LIST_RULES unless the YAML supplies its own.
 */
export function buildIlacsLibrary(
  yamlText: string,
  version: IlacsSpecVersion = 'ilacs-2023',
  extraAliases: ExtraHeaderAliases = new Map(),
): ListLibrary {
  const file = parseSpecFile(yamlText)
  const codelists = toCodeLists(file)
  const lists = Object.entries(file.lists).map(([key, raw]) => {
    const rules = ILACS_LIST_RULES[key] ?? {}
    return buildList(
      key,
      { ...rules, ...raw, period: raw.period ?? rules.period, date_order: raw.date_order ?? rules.date_order },
      codelists,
      version,
      version === 'ilacs-2026',
      extraAliases,
    )
  })
  return { specVersion: version, lists }
}

/**
 * Adds a framework's theme lists (same file format as the ILACS spec) to a base library.
 * Theme code lists may refer to the base spec's code lists by name. A theme list with the same key replaces the base list.
 * Theme columns get the product's extra header aliases too, by column id.
 */
export function buildListLibrary(
  baseSpec: ListLibrary,
  themeLists: Array<AnnexASpecFile | string>,
  extraAliases: ExtraHeaderAliases,
): ListLibrary {
  const baseCodeLists: Record<string, CodeList> = {}
  for (const list of baseSpec.lists)
    for (const c of list.columns) if (c.codeList) baseCodeLists[c.codeList.name] = c.codeList
  const byKey = new Map(baseSpec.lists.map((l) => [l.key, l]))
  for (const theme of themeLists) {
    const file = typeof theme === 'string' ? parseSpecFile(theme) : annexASpecFileSchema.parse(theme)
    const codelists = { ...baseCodeLists, ...toCodeLists(file) }
    for (const [key, raw] of Object.entries(file.lists)) {
      byKey.set(
        key,
        buildList(key, raw, codelists, baseSpec.specVersion, baseSpec.specVersion === 'ilacs-2026', extraAliases),
      )
    }
  }
  return { specVersion: baseSpec.specVersion, lists: [...byKey.values()] }
}
