/**
 * A streaming XML tokenizer for worksheet XML, in place of a general SAX parser.
 *
 * A 100,000-row Annex A workbook holds about 50 MB of worksheet XML. A general parser (saxes, which exceljs
 * uses) looks at that one character at a time and took most of the reading time. Worksheet XML is plain:
 * tags, attributes and short text. This scanner jumps between `<` and `>` with indexOf, so it reads the
 * same XML about three times faster.
 *
 * It gives the same events as saxes (non-namespace mode) for well-formed XML:
 * - element names as written, prefix included;
 * - attribute values and text with the predefined and numeric entities decoded;
 * - CDATA passed through as text;
 * - line ends normalised;
 * - comments, processing instructions and the XML declaration skipped.
 *
 * `worksheetXmlScanner.test.ts` compares the two, event for event, on generated XML cut into chunks at random.
 *
 * It throws XmlSyntaxError, and does not try to recover, for:
 * - a DOCTYPE (worksheets never have one, and refusing it rules out entity tricks);
 * - an unknown entity;
 * - a mismatched or unclosed tag;
 * - text outside the root element;
 * - a malformed attribute.
 */

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void
  text(text: string): void
  close(name: string): void
}

export class XmlSyntaxError extends Error {}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  )
}

/** Decodes `&lt;`, `&#38;`, `&#x26;` and the like; anything else after `&` is a syntax error, as in saxes. */
function decodeEntities(text: string): string {
  let amp = text.indexOf('&')
  if (amp === -1) return text
  let out = ''
  let from = 0
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 1)
    if (semi === -1) throw new XmlSyntaxError('an "&" that does not start an entity')
    const name = text.slice(amp + 1, semi)
    let value: string | undefined
    if (name.charCodeAt(0) === 35 /* # */) {
      const hex = name.charCodeAt(1) === 120 /* x */
      const digits = name.slice(hex ? 2 : 1)
      if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits))
        throw new XmlSyntaxError(`a malformed character reference "&${name};"`)
      const cp = Number.parseInt(digits, hex ? 16 : 10)
      if (!isXmlChar(cp))
        throw new XmlSyntaxError(`a character reference to a character XML does not allow "&${name};"`)
      value = String.fromCodePoint(cp)
    } else {
      value = PREDEFINED[name]
      if (value === undefined) throw new XmlSyntaxError(`an unknown entity "&${name};"`)
    }
    out += text.slice(from, amp) + value
    from = semi + 1
    amp = text.indexOf('&', from)
  }
  return out + text.slice(from)
}

/** XML line-end handling: CR LF and lone CR become LF (before entities are decoded, so `&#13;` survives). */
function normaliseLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text
}

/** Attribute values: line ends normalised, then tab, LF and CR become spaces, then entities are decoded. */
function attributeValue(raw: string): string {
  if (raw.includes('<')) throw new XmlSyntaxError('a "<" inside an attribute value')
  const spaced = /[\t\n\r]/.test(raw) ? normaliseLineEnds(raw).replace(/[\t\n]/g, ' ') : raw
  return decodeEntities(spaced)
}

/** Text with no tag after it yet is passed on once this long, so a huge text is not re-scanned chunk after chunk. */
const FLUSH_TEXT_AT = 64 * 1024
/** The longest entity reference that can be held back at a chunk boundary ("&#x10FFFF;" is 10). */
const MAX_ENTITY = 16
/** A tag, comment, CDATA section or processing instruction this long without ending is refused (Excel cells hold 32,767 characters). */
const MAX_MARKUP = 4 * 1024 * 1024

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13
}

/** Feed it decoded text chunks of any size with write(), then call end(). */
export class WorksheetXmlScanner {
  /** Unconsumed input: text not yet followed by a `<`, or a tag cut off at the end of a chunk. */
  private rest = ''
  private readonly stack: string[] = []
  private sawRoot = false

  constructor(private readonly handlers: XmlHandlers) {}

  write(chunk: string): void {
    const s = this.rest ? this.rest + chunk : chunk
    let pos = 0
    for (;;) {
      const lt = s.indexOf('<', pos)
      if (lt === -1) {
        pos = this.flushText(s, pos)
        break
      }
      if (lt > pos) this.emitText(s.slice(pos, lt))
      const next = this.markup(s, lt)
      if (next === -1) {
        if (s.length - lt > MAX_MARKUP) throw new XmlSyntaxError('a tag, comment or CDATA section that does not end')
        pos = lt
        break
      }
      pos = next
    }
    this.rest = pos < s.length ? s.slice(pos) : ''
  }

  /** The document has ended: anything left open means it was cut short. */
  end(): void {
    if (this.rest.trim() !== '') {
      if (this.rest.trimStart().startsWith('<') || this.stack.length > 0)
        throw new XmlSyntaxError('the XML ends in the middle of a tag')
      throw new XmlSyntaxError('text outside the root element')
    }
    if (this.stack.length > 0) throw new XmlSyntaxError(`the XML ends before </${this.stack[this.stack.length - 1]!}>`)
    if (!this.sawRoot) throw new XmlSyntaxError('the XML has no root element')
  }

  /**
   * Text with no tag after it yet is normally held back until the next tag. A long one is passed on now,
   * all but a cut entity reference or a final CR (whose LF may start the next chunk); the handler joins them.
   */
  private flushText(s: string, pos: number): number {
    if (s.length - pos < FLUSH_TEXT_AT) return pos
    let end = s.length
    const amp = s.lastIndexOf('&')
    if (amp >= pos && s.indexOf(';', amp) === -1 && end - amp <= MAX_ENTITY) end = amp
    else if (s.charCodeAt(end - 1) === 13) end--
    if (end > pos) this.emitText(s.slice(pos, end))
    return end
  }

  private emitText(raw: string): void {
    if (this.stack.length === 0) {
      if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element')
      return
    }
    if (raw.includes(']]>')) throw new XmlSyntaxError('"]]>" in text')
    this.handlers.text(decodeEntities(normaliseLineEnds(raw)))
  }

  /** Handles the markup starting at `lt`; returns the index after it, or -1 if it continues in the next chunk. */
  private markup(s: string, lt: number): number {
    const n = s.length
    if (lt + 1 >= n) return -1
    const c1 = s.charCodeAt(lt + 1)
    if (c1 === 47 /* / */) return this.endTag(s, lt)
    if (c1 === 63 /* ? */) {
      const end = s.indexOf('?>', lt + 2)
      return end === -1 ? -1 : end + 2
    }
    if (c1 === 33 /* ! */) return this.declaration(s, lt)
    return this.startTag(s, lt)
  }

  private declaration(s: string, lt: number): number {
    const n = s.length
    const after = s.slice(lt + 2, lt + 9)
    if (after.startsWith('--')) {
      const end = s.indexOf('-->', lt + 4)
      return end === -1 ? -1 : end + 3
    }
    if (after.startsWith('[CDATA[')) {
      const end = s.indexOf(']]>', lt + 9)
      if (end === -1) return -1
      if (this.stack.length === 0) throw new XmlSyntaxError('CDATA outside the root element')
      this.handlers.text(normaliseLineEnds(s.slice(lt + 9, end)))
      return end + 3
    }
    // Not enough characters yet to tell a comment or CDATA from anything else.
    if (lt + 9 > n && ('--'.startsWith(after) || '[CDATA['.startsWith(after))) return -1
    throw new XmlSyntaxError('a DOCTYPE or other declaration, which worksheets do not have')
  }

  private endTag(s: string, lt: number): number {
    const gt = s.indexOf('>', lt + 2)
    if (gt === -1) return -1
    let e = gt
    while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--
    const name = s.slice(lt + 2, e)
    const open = this.stack.pop()
    if (open !== name)
      throw new XmlSyntaxError(
        open === undefined ? `an end tag </${name}> with no start tag` : `</${name}> where </${open}> was expected`,
      )
    this.handlers.close(name)
    return gt + 1
  }

  private startTag(s: string, lt: number): number {
    const n = s.length
    let i = lt + 1
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (isSpace(c) || c === 47 || c === 62) break
    }
    if (i >= n) return -1
    const name = s.slice(lt + 1, i)
    if (name === '' || name.includes('<')) throw new XmlSyntaxError('a "<" that does not start a tag')
    const attributes: Record<string, string> = {}
    let selfClosing = false
    for (;;) {
      const before = i
      while (i < n && isSpace(s.charCodeAt(i))) i++
      if (i >= n) return -1
      const c = s.charCodeAt(i)
      if (c === 62 /* > */) {
        i++
        break
      }
      if (c === 47 /* / */) {
        if (i + 1 >= n) return -1
        if (s.charCodeAt(i + 1) !== 62) throw new XmlSyntaxError(`a "/" inside the tag <${name}>`)
        selfClosing = true
        i += 2
        break
      }
      if (i === before) throw new XmlSyntaxError(`attributes of <${name}> not separated by a space`)
      const start = i
      for (; i < n; i++) {
        const a = s.charCodeAt(i)
        if (isSpace(a) || a === 61 /* = */ || a === 62 || a === 47) break
      }
      if (i >= n) return -1
      const attr = s.slice(start, i)
      while (i < n && isSpace(s.charCodeAt(i))) i++
      if (i >= n) return -1
      if (s.charCodeAt(i) !== 61) throw new XmlSyntaxError(`the attribute ${attr} of <${name}> has no value`)
      i++
      while (i < n && isSpace(s.charCodeAt(i))) i++
      if (i >= n) return -1
      const quote = s.charCodeAt(i)
      if (quote !== 34 && quote !== 39) throw new XmlSyntaxError(`the attribute ${attr} of <${name}> is not in quotes`)
      const close = s.indexOf(quote === 34 ? '"' : "'", i + 1)
      if (close === -1) return -1
      if (attr !== '__proto__') attributes[attr] = attributeValue(s.slice(i + 1, close))
      i = close + 1
    }
    if (this.stack.length === 0) {
      if (this.sawRoot) throw new XmlSyntaxError('a second root element')
      this.sawRoot = true
    }
    this.stack.push(name)
    this.handlers.open(name, attributes)
    if (selfClosing) {
      this.stack.pop()
      this.handlers.close(name)
    }
    return i
  }
}
