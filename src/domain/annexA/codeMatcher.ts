import { normaliseValue } from './normaliseText'
import type { CodeList } from './specSchema'

/** How a cell value was turned into an Ofsted code; kept so pages can show why a value was accepted. */
export type MappingMethod = 'exact' | 'bare-code' | 'label' | 'letter-prefix' | 'synonym' | 'remembered'

export type CodeLookup = { code: string; method: MappingMethod } | { code: null; method: 'unmapped' }

const LETTER_PREFIX = /^([a-z]{1,2}\d?)[).]\s*(.*)$/s
/** A code's own short token: "1A" in "a) 1A: Individual", "N1" in "N1 - Abuse or neglect", "WBRI" in "a) WBRI". */
const TOKEN = /^([a-z0-9]{1,6})(?:\s*[:)]|\s+-\s|$)/
const VALUE_TOKEN_STRICT = /^([a-z0-9]{1,6})(?:\s*[:).]|\s+-|$)/
/** Followed only by a space ("WBRI White British"): trusted only for tokens that cannot be an ordinary word. */
const VALUE_TOKEN_LOOSE = /^([a-z0-9]*\d[a-z0-9]*|[a-z]{4})\s/

function addUnique(map: Map<string, string | null>, key: string, code: string): void {
  if (!key) return
  const existing = map.get(key)
  if (existing === undefined) map.set(key, code)
  else if (existing !== code) map.set(key, null) // two codes claim it: never guess
}

function splitLetter(normalised: string): { letter: string | null; rest: string } {
  const m = LETTER_PREFIX.exec(normalised)
  return m ? { letter: m[1] ?? null, rest: (m[2] ?? '').trim() } : { letter: null, rest: normalised }
}

/** Resolves values against one Ofsted code list without guessing: ambiguous spellings never map. */
export class CodeMatcher {
  private readonly exact = new Map<string, string | null>()
  private readonly tokens = new Map<string, string | null>()
  private readonly digits = new Map<string, string | null>()
  private readonly remainders = new Map<string, string | null>()
  private readonly letters = new Map<string, string | null>()
  /** Normalised label words for the letter-prefix consistency check. */
  private readonly firstWords = new Map<string, string>()
  readonly codeList: CodeList

  constructor(codeList: CodeList) {
    this.codeList = codeList
    for (const { code, label } of codeList.entries) {
      const n = normaliseValue(code)
      addUnique(this.exact, n, code)
      const { letter, rest } = splitLetter(n)
      if (letter) addUnique(this.letters, letter, code)
      addUnique(this.remainders, rest, code)
      addUnique(this.remainders, normaliseValue(label), code)
      const token = TOKEN.exec(rest)?.[1]
      if (token && token !== rest) addUnique(this.tokens, token, code)
      else if (token && /\d/.test(token)) addUnique(this.tokens, token, code)
      else if (token && /^[a-z]{3,5}$/.test(token) && token.toUpperCase() === code.slice(code.length - token.length))
        addUnique(this.tokens, token, code)
      const digitsOnly = token ? /^[a-z]+(\d+)$/.exec(token)?.[1] : undefined
      if (digitsOnly) addUnique(this.digits, digitsOnly, code)
      this.firstWords.set(code, (rest.split(/[\s:]/)[0] ?? '').replace(/[^a-z0-9]/g, ''))
    }
  }

  /** Every code's short token (e.g. "wbri", "1a", "n1"), for finding codes mentioned inside free text. */
  tokenEntries(): Array<[string, string]> {
    return [...this.tokens.entries()].filter((e): e is [string, string] => e[1] !== null)
  }

  /** Label and remainder spellings that identify exactly one code. */
  labelEntries(): Array<[string, string]> {
    return [...this.remainders.entries()].filter((e): e is [string, string] => e[1] !== null)
  }

  /**
   * Steps 1–3 of normalisation: exact code, bare code (own token or code digits), label, letter prefix.
   * Returns null when the value needs a synonym or a remembered mapping.
   */
  matchStructural(normalised: string): CodeLookup | null {
    const exact = this.exact.get(normalised)
    if (exact) return { code: exact, method: 'exact' }
    const { letter, rest } = splitLetter(normalised)
    const token = VALUE_TOKEN_STRICT.exec(rest)?.[1] ?? VALUE_TOKEN_LOOSE.exec(rest)?.[1]
    if (token) {
      const byToken = this.tokens.get(token) ?? (rest === token ? this.digits.get(token) : undefined)
      if (byToken) return { code: byToken, method: 'bare-code' }
    }
    const byRemainder = this.remainders.get(rest)
    if (byRemainder) return { code: byRemainder, method: letter ? 'letter-prefix' : 'label' }
    if (letter) {
      const byLetter = this.letters.get(letter)
      // The letter alone decides only when the text after it is empty or starts like that code's own text:
      // other schemes reuse the same letters for different groups ("d) Black or black British").
      if (
        byLetter &&
        (rest === '' || rest.split(/[\s:]/)[0]?.replace(/[^a-z0-9]/g, '') === this.firstWords.get(byLetter))
      ) {
        return { code: byLetter, method: 'letter-prefix' }
      }
    }
    return null
  }
}
