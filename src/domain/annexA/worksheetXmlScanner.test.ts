import { createRequire } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WorksheetXmlScanner, XmlSyntaxError } from './worksheetXmlScanner'

/** saxes, the parser exceljs uses and the scanner replaces, is the reference. */
interface SaxesLike {
  on(event: string, handler: (value: never) => void): void
  write(chunk: string): unknown
  close(): unknown
}
const requireFromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'))
const { SaxesParser } = requireFromExceljs('saxes') as { SaxesParser: new () => SaxesLike }

type Event = ['open', string, Record<string, string>] | ['text', string] | ['close', string]

/** Adjacent text events merged (parsers split text at different places), whitespace-only text kept. */
function push(events: Event[], event: Event): void {
  const last = events[events.length - 1]
  if (event[0] === 'text' && last?.[0] === 'text') last[1] += event[1]
  else events.push(event)
}

function withSaxes(chunks: string[]): Event[] | 'error' {
  const events: Event[] = []
  let failed = false
  const parser = new SaxesParser()
  parser.on('error', () => {
    failed = true
  })
  let depth = 0
  parser.on('opentag', (tag: { name: string; attributes: Record<string, string> }) => {
    depth++
    push(events, ['open', tag.name, { ...tag.attributes }])
  })
  // Whitespace around the root element is not part of any cell; the scanner does not report it.
  parser.on('text', (text: string) => {
    if (depth > 0) push(events, ['text', text])
  })
  // exceljs ignores CDATA; the scanner reads it as text, which is what it is.
  parser.on('cdata', (text: string) => push(events, ['text', text]))
  parser.on('closetag', (tag: { name: string }) => {
    depth--
    push(events, ['close', tag.name])
  })
  for (const chunk of chunks) parser.write(chunk)
  parser.close()
  return failed ? 'error' : events
}

function withScanner(chunks: string[]): Event[] | 'error' {
  const events: Event[] = []
  const scanner = new WorksheetXmlScanner({
    open: (name, attributes) => push(events, ['open', name, { ...attributes }]),
    text: (text) => push(events, ['text', text]),
    close: (name) => push(events, ['close', name]),
  })
  try {
    for (const chunk of chunks) scanner.write(chunk)
    scanner.end()
  } catch (error) {
    if (error instanceof XmlSyntaxError) return 'error'
    throw error
  }
  return events
}

/** Cuts text at the given fractions, so tags, entities and CRLFs fall across chunk boundaries. */
function cut(text: string, at: number[]): string[] {
  const points = [...new Set(at.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b)
  const chunks: string[] = []
  let from = 0
  for (const p of points) {
    chunks.push(text.slice(from, p))
    from = p
  }
  chunks.push(text.slice(from))
  return chunks
}

// Characters that need care: markup, quotes, entities, line ends, tabs, non-ASCII and astral characters.
const tricky = fc.constantFrom(
  'a',
  'B',
  '7',
  ' ',
  '<',
  '>',
  '&',
  '"',
  "'",
  '\t',
  '\n',
  '\r',
  '\r\n',
  'é',
  '€',
  '😀',
  ']]',
  '--',
  '?',
  '/',
  '=',
)
const rawText = fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join(''))

/** Escapes text as a writer might: named, decimal or hexadecimal references (">" always, so no "]]>" in text). */
function escape(text: string, style: number, inAttribute: boolean): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    const must = ch === '<' || ch === '&' || (inAttribute && (ch === '"' || ch === "'")) || (ch === '>' && !inAttribute)
    const named: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }
    if (must || (style === 1 && named[ch]) || (style === 2 && cp > 127)) {
      out += style === 2 ? `&#x${cp.toString(16).toUpperCase()};` : style === 3 ? `&#${cp};` : (named[ch] ?? `&#${cp};`)
    } else out += ch
  }
  return out
}

const name = fc.constantFrom(
  'worksheet',
  'sheetData',
  'row',
  'c',
  'v',
  'f',
  'is',
  't',
  'x:c',
  'mc:AlternateContent',
  'r',
)
const space = fc.constantFrom('', ' ', '  ', '\n', '\t', '\r\n')

interface Node {
  name: string
  attributes: Array<[string, string, number, string, string]>
  children: Array<Node | { text: string; style: number } | { cdata: string } | { comment: string } | { pi: string }>
  selfClose: boolean
}

const attribute = fc.tuple(
  fc.constantFrom('r', 's', 't', 'spans', 'x14ac:dyDescent', 'xml:space'),
  rawText,
  fc.integer({ min: 0, max: 3 }),
  space,
  space,
)
const leaf = fc.oneof(
  fc.record({ text: rawText, style: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ cdata: rawText.map((t) => t.replace(/]]>/g, '')) }),
  fc.record({ comment: rawText.map((t) => t.replace(/-/g, '')) }),
  fc.record({ pi: rawText.map((t) => t.replace(/\?>/g, '')) }),
)
const { tree } = fc.letrec<{ tree: Node; child: Node['children'][number] }>((tie) => ({
  tree: fc.record({
    name,
    attributes: fc.uniqueArray(attribute, { maxLength: 3, selector: (a) => a[0] }),
    children: fc.array(tie('child'), { maxLength: 4 }),
    selfClose: fc.boolean(),
  }),
  child: fc.oneof({ depthSize: 'small' }, leaf, tie('tree')),
}))

function serialise(node: Node, close: string): string {
  const attrs = node.attributes.map(([n, v, style, before, after]) => {
    const quote = style % 2 ? "'" : '"'
    return ` ${n}${before}=${after}${quote}${escape(v, style, true)}${quote}`
  })
  const open = `<${node.name}${attrs.join('')}`
  if (node.selfClose && node.children.length === 0) return `${open}/>`
  const inner = node.children
    .map((c) =>
      'name' in c
        ? serialise(c, close)
        : 'text' in c
          ? escape(c.text, c.style, false)
          : 'cdata' in c
            ? `<![CDATA[${c.cdata}]]>`
            : 'comment' in c
              ? `<!--${c.comment}-->`
              : `<?pi ${c.pi}?>`,
    )
    .join('')
  return `${open}>${inner}</${node.name}${close}>`
}

const document = fc
  .tuple(tree, space, fc.boolean())
  .map(
    ([root, close, declaration]) =>
      `${declaration ? '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' : ''}${serialise(root, close)}\n`,
  )
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 })

describe('WorksheetXmlScanner gives the same events as saxes', () => {
  it('on generated well-formed XML cut into chunks anywhere', () => {
    fc.assert(
      fc.property(document, cuts, (xml, at) => {
        const expected = withSaxes([xml])
        expect(expected).not.toBe('error')
        expect(withScanner(cut(xml, at))).toEqual(expected)
      }),
      { numRuns: 1500 },
    )
  })

  it('refuses a document cut short anywhere before its end tag is complete', () => {
    fc.assert(
      fc.property(document, fc.double({ min: 0, max: 1, noNaN: true }), cuts, (xml, f, at) => {
        const short = xml.slice(0, Math.floor(f * (xml.trimEnd().length - 1)))
        expect(withScanner(cut(short, at))).toBe('error')
      }),
      { numRuns: 1000 },
    )
  })

  it('reads a damaged document as saxes does whenever saxes can read it', () => {
    // Dropping or doubling one character. saxes also checks details that decide no cell (names, the XML
    // declaration), so the scanner may accept a little more than saxes; never less, and never differently.
    const damaged = fc
      .tuple(document, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
      .map(([xml, f, drop]) => {
        const i = Math.floor(f * xml.length)
        return drop ? xml.slice(0, i) + xml.slice(i + 1) : xml.slice(0, i) + xml.slice(i, i + 1) + xml.slice(i)
      })
    fc.assert(
      fc.property(damaged, cuts, (xml, at) => {
        const expected = withSaxes([xml])
        const actual = withScanner(cut(xml, at))
        if (expected !== 'error') expect(actual).toEqual(expected)
      }),
      { numRuns: 1500 },
    )
  })

  it('on every worksheet in the sample workbooks', async () => {
    const { default: yauzl } = await import('yauzl')
    const dir = join(import.meta.dirname, '../../../test/fixtures/annex-a')
    const workbooks = readdirSync(dir).filter((f) => f.endsWith('.xlsx'))
    expect(workbooks.length).toBeGreaterThan(0)
    let sheets = 0
    for (const file of workbooks) {
      const xmls = await new Promise<string[]>((resolve, reject) => {
        yauzl.fromBuffer(readFileSync(join(dir, file)), { lazyEntries: true }, (err, zip) => {
          if (err || !zip) return reject(err ?? new Error('no zip'))
          const out: string[] = []
          zip.on('entry', (entry: { fileName: string }) => {
            if (!/^xl\/worksheets\/[^/]+\.xml$/.test(entry.fileName)) return zip.readEntry()
            zip.openReadStream(entry as never, (e, stream) => {
              if (e || !stream) return reject(e ?? new Error('no stream'))
              const parts: Buffer[] = []
              stream.on('data', (b: Buffer) => parts.push(b))
              stream.on('end', () => {
                out.push(Buffer.concat(parts).toString('utf8'))
                zip.readEntry()
              })
            })
          })
          zip.on('end', () => resolve(out))
          zip.on('error', reject)
          zip.readEntry()
        })
      })
      for (const xml of xmls) {
        sheets++
        const expected = withSaxes([xml])
        for (const size of [1, 7, 4096, xml.length]) {
          const chunks: string[] = []
          for (let i = 0; i < xml.length; i += size) chunks.push(xml.slice(i, i + size))
          expect(withScanner(chunks), `${file} in chunks of ${size}`).toEqual(expected)
        }
      }
    }
    expect(sheets).toBeGreaterThan(0)
  })

  it('passes on a very long text in pieces without cutting an entity or a CR LF in two', () => {
    // Chunk boundaries fall inside "&amp;", "&#x1F600;" and "\r\n" somewhere in 3 MB of text.
    const unit = 'Allocated team A&amp;B&#x1F600;\r\n'
    const xml = `<worksheet><v>${unit.repeat(100_000)}</v></worksheet>`
    const chunks: string[] = []
    for (let i = 0; i < xml.length; i += 65_531) chunks.push(xml.slice(i, i + 65_531))
    const texts: string[] = []
    const scanner = new WorksheetXmlScanner({ open: () => {}, text: (t) => texts.push(t), close: () => {} })
    for (const chunk of chunks) scanner.write(chunk)
    scanner.end()
    expect(texts.length).toBeGreaterThan(10)
    expect(texts.join('')).toBe('Allocated team A&B😀\n'.repeat(100_000))
  })

  it('refuses a tag that never ends rather than holding it in memory', () => {
    const scanner = new WorksheetXmlScanner({ open: () => {}, text: () => {}, close: () => {} })
    scanner.write('<worksheet><c r="')
    const chunk = 'A'.repeat(1024 * 1024)
    expect(() => {
      for (let i = 0; i < 5; i++) scanner.write(chunk)
    }).toThrow(XmlSyntaxError)
  })

  it.each([
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['a mismatched end tag', '<a><b></a></b>'],
    ['a document cut short', '<a><b>text'],
    ['a tag cut short', '<a><b r="1"'],
    ['text outside the root', '<a/>trailing'],
    ['a second root', '<a/><b/>'],
    ['an unquoted attribute', '<a r=1/>'],
    ['a "<" in an attribute', '<a r="<"/>'],
    ['a character reference to NUL', '<a>&#0;</a>'],
    ['no root at all', '   '],
  ])('refuses %s', (_, xml) => {
    expect(withScanner([xml])).toBe('error')
  })
})
