/**
 * Which documents can be uploaded as evidence, and how to recognise them from their first bytes.
 * A file is accepted only when its content and its name agree, so a renamed program or a file
 * whose name lies about what it is never reaches the evidence store.
 */

export type FileType = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'png' | 'jpeg' | 'txt' | 'csv' | 'eml' | 'msg'

interface FileTypeInfo {
  mime: string
  extensions: readonly string[]
  /** Reads naturally after "is": "is a Word document". */
  label: string
}

export const FILE_TYPES: Readonly<Record<FileType, FileTypeInfo>> = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'], label: 'a PDF' },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'a Word document',
  },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'an Excel spreadsheet',
  },
  pptx: {
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'a PowerPoint presentation',
  },
  odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'an OpenDocument text file' },
  ods: {
    mime: 'application/vnd.oasis.opendocument.spreadsheet',
    extensions: ['ods'],
    label: 'an OpenDocument spreadsheet',
  },
  png: { mime: 'image/png', extensions: ['png'], label: 'a PNG image' },
  jpeg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'a JPEG image' },
  txt: { mime: 'text/plain', extensions: ['txt'], label: 'a text file' },
  csv: { mime: 'text/csv', extensions: ['csv'], label: 'a CSV file' },
  eml: { mime: 'message/rfc822', extensions: ['eml'], label: 'an email (EML)' },
  msg: { mime: 'application/vnd.ms-outlook', extensions: ['msg'], label: 'an Outlook email (MSG)' },
}

/** How many leading bytes {@link detectFileType} wants; fewer is fine for smaller files. */
export const FILE_TYPE_PEEK_BYTES = 8192

/** For `<input type="file" accept="…">`, so the browser's picker suggests only files we accept. */
export const ACCEPTED_EXTENSIONS = Object.values(FILE_TYPES)
  .flatMap((t) => t.extensions.map((e) => `.${e}`))
  .join(',')

/** Ends every refusal, so the user always knows what would be accepted. */
export const ACCEPTED_TYPES_SENTENCE =
  'Upload a PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text, CSV or email (EML or MSG) file.'

export type FileTypeRefusal = 'empty' | 'program' | 'not-allowed' | 'mismatch' | 'unrecognised'

/** What a refused file really is, when its bytes say: a type we know, a plain zip, an older Office file, or binary data. */
export type FoundContent = FileType | 'zip' | 'ole' | 'not-text'

const FOUND_LABELS: Record<Exclude<FoundContent, FileType>, string> = {
  zip: 'a compressed (zip) file',
  ole: 'an older Microsoft Office or Outlook file',
  'not-text': 'not a text file',
}

export type FileTypeResult =
  | { ok: true; type: FileType; mime: string; extension: string }
  | {
      ok: false
      reason: FileTypeRefusal
      message: string
      /** The file name's extension (lower case), for callers that word refusals their own way. */
      extension: string | null
      /** For a mismatch, what the content really is. */
      found: FoundContent | null
    }

const EXTENSION_TO_TYPE = new Map<string, FileType>(
  (Object.entries(FILE_TYPES) as [FileType, FileTypeInfo][]).flatMap(([type, info]) =>
    info.extensions.map((ext) => [ext, type] as const),
  ),
)

/**
 * Identifies an upload from its first bytes (ideally {@link FILE_TYPE_PEEK_BYTES}) and its
 * (already sanitised) filename. Content and extension must agree; programs are refused whatever
 * they are called. Messages quote the filename and say what to do.
 */
export function detectFileType(firstBytes: Buffer, filename: string): FileTypeResult {
  const quoted = `‘${filename}’`
  const extension = extensionOf(filename)
  const refuse = (reason: FileTypeRefusal, message: string, found: FoundContent | null = null): FileTypeResult => ({
    ok: false,
    reason,
    message,
    extension: extension ?? null,
    found,
  })
  if (firstBytes.length === 0) {
    return refuse('empty', `The file ${quoted} is empty. Check you chose the right file.`)
  }
  if (isProgram(firstBytes)) {
    return refuse('program', `The file ${quoted} is a program, not a document. ${ACCEPTED_TYPES_SENTENCE}`)
  }

  const claimed = extension === undefined ? undefined : EXTENSION_TO_TYPE.get(extension)
  if (extension === undefined || claimed === undefined) {
    return refuse('not-allowed', `The file ${quoted} is not a type you can upload. ${ACCEPTED_TYPES_SENTENCE}`)
  }
  const accept = (): FileTypeResult => ({ ok: true, type: claimed, mime: FILE_TYPES[claimed].mime, extension })
  const mismatch = (found: FoundContent): FileTypeResult =>
    refuse(
      'mismatch',
      `The file ${quoted} is ${foundLabel(found)}, but its name ends in .${extension}. ` +
        `Upload the original file, or save it as ${FILE_TYPES[claimed].label} and upload that.`,
      found,
    )

  const sniffed = sniffBinary(firstBytes)
  switch (sniffed) {
    case 'pdf':
    case 'png':
    case 'jpeg':
      return sniffed === claimed ? accept() : mismatch(sniffed)
    case 'zip':
      return checkZip(firstBytes, claimed, accept, mismatch)
    case 'ole':
      return claimed === 'msg' ? accept() : mismatch('ole')
    case 'other-binary':
      return claimed === 'txt' || claimed === 'csv' || claimed === 'eml'
        ? mismatch('not-text')
        : refuse(
            'unrecognised',
            `The file ${quoted} is not ${FILE_TYPES[claimed].label}, or it is damaged. ` +
              `Open it, save it again as ${FILE_TYPES[claimed].label} and upload that.`,
          )
    case undefined:
      break
  }

  // No binary signature: only the text types remain.
  if (claimed !== 'txt' && claimed !== 'csv' && claimed !== 'eml') {
    return refuse(
      'unrecognised',
      `The file ${quoted} is not ${FILE_TYPES[claimed].label}, or it is damaged. ` +
        `Open it, save it again as ${FILE_TYPES[claimed].label} and upload that.`,
    )
  }
  if (!isTextLike(firstBytes)) return mismatch('not-text')
  if (claimed === 'eml' && !looksLikeEmail(firstBytes)) {
    return refuse(
      'unrecognised',
      `The file ${quoted} is not an email. Save the email from your email program as an .eml or .msg file and upload that.`,
    )
  }
  return accept()
}

/** "a PDF", "a compressed (zip) file": what a refusal says the file really is. */
export function foundLabel(found: FoundContent): string {
  return found in FOUND_LABELS ? FOUND_LABELS[found as keyof typeof FOUND_LABELS] : FILE_TYPES[found as FileType].label
}

function extensionOf(filename: string): string | undefined {
  const dot = filename.lastIndexOf('.')
  return dot > 0 && dot < filename.length - 1 ? filename.slice(dot + 1).toLowerCase() : undefined
}

function startsWith(bytes: Buffer, signature: readonly number[], at = 0): boolean {
  return bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b)
}

const PROGRAM_SIGNATURES: readonly (readonly number[])[] = [
  [0x4d, 0x5a], // MZ: Windows .exe, .dll, .scr, .com
  [0x7f, 0x45, 0x4c, 0x46], // ELF: Linux and Android binaries
  [0xfe, 0xed, 0xfa, 0xce], // Mach-O 32-bit
  [0xfe, 0xed, 0xfa, 0xcf], // Mach-O 64-bit
  [0xce, 0xfa, 0xed, 0xfe], // Mach-O 32-bit, little-endian
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O 64-bit, little-endian
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O universal binary, Java class file
  [0x23, 0x21], // #! script
  [0x00, 0x61, 0x73, 0x6d], // WebAssembly
  [0x64, 0x65, 0x78, 0x0a], // Android DEX
  [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00], // Windows shortcut (.lnk)
]

function isProgram(bytes: Buffer): boolean {
  // A UTF-8 BOM before "#!" still runs on some systems.
  const withoutBom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes
  return (
    PROGRAM_SIGNATURES.some((sig) => startsWith(withoutBom, sig)) || zipIsProgram(bytes) || isWindowsInstaller(bytes)
  )
}

type Sniffed = 'pdf' | 'png' | 'jpeg' | 'zip' | 'ole' | 'other-binary' | undefined

function sniffBinary(bytes: Buffer): Sniffed {
  // PDF readers accept the header anywhere in the first 1024 bytes; some generators put junk first.
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip'
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole'
  if (
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF
    startsWith(bytes, [0x1f, 0x8b]) || // gzip
    startsWith(bytes, [0x52, 0x61, 0x72, 0x21]) || // RAR
    startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf]) // 7-Zip
  ) {
    return 'other-binary'
  }
  return undefined
}

/** Names of the zip entries whose local headers fall inside the bytes we have. */
function zipEntryNames(bytes: Buffer): string[] {
  const names: string[] = []
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04])
  // Scan for headers rather than walking sizes: streamed zips put sizes in a trailing descriptor.
  for (let at = bytes.indexOf(signature); at !== -1; at = bytes.indexOf(signature, at + 4)) {
    if (at + 30 > bytes.length) break
    const nameLength = bytes.readUInt16LE(at + 26)
    if (at + 30 + nameLength > bytes.length) break
    names.push(bytes.toString('latin1', at + 30, at + 30 + nameLength))
  }
  return names
}

function zipIsProgram(bytes: Buffer): boolean {
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return false
  // Java archives and Android apps are zips too.
  return zipEntryNames(bytes).some(
    (n) =>
      n === 'META-INF/MANIFEST.MF' ||
      n === 'classes.dex' ||
      n === 'AndroidManifest.xml' ||
      /\.(class|exe|dll)$/i.test(n),
  )
}

const OOXML_PREFIX: Partial<Record<FileType, string>> = { docx: 'word/', xlsx: 'xl/', pptx: 'ppt/' }
const ODF_MIMETYPE: Partial<Record<FileType, string>> = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
}

function checkZip(
  bytes: Buffer,
  claimed: FileType,
  accept: () => FileTypeResult,
  mismatch: (found: FoundContent) => FileTypeResult,
): FileTypeResult {
  // OpenDocument puts an uncompressed "mimetype" entry first, so its content sits at byte 38.
  const odfMime =
    bytes.length >= 38 && bytes.readUInt16LE(26) === 8 && bytes.toString('latin1', 30, 38) === 'mimetype'
      ? (Object.entries(ODF_MIMETYPE) as [FileType, string][]).find(
          ([, m]) => bytes.toString('latin1', 38, 38 + m.length) === m,
        )
      : undefined
  if (odfMime) return odfMime[0] === claimed ? accept() : mismatch(odfMime[0])

  const names = zipEntryNames(bytes)
  const ooxml = (Object.entries(OOXML_PREFIX) as [FileType, string][]).find(([, prefix]) =>
    names.some((n) => n.startsWith(prefix)),
  )
  const prefix = OOXML_PREFIX[claimed]
  if (prefix === undefined) {
    return mismatch(ooxml ? ooxml[0] : 'zip')
  }
  if (ooxml) return ooxml[0] === claimed ? accept() : mismatch(ooxml[0])
  // The part names may lie beyond the bytes we have; the package markers near the start are enough.
  const isPackage = names.some(
    (n) => n === '[Content_Types].xml' || n.startsWith('_rels/') || n.startsWith('docProps/'),
  )
  return isPackage ? accept() : mismatch('zip')
}

/** Windows Installer packages (.msi, .msp, .mst) are OLE files like .msg; their root CLSID gives them away. */
function isWindowsInstaller(bytes: Buffer): boolean {
  if (bytes.length < 0x34 || !startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return false
  const sectorSize = 2 ** bytes.readUInt16LE(0x1e)
  const rootEntry = (bytes.readUInt32LE(0x30) + 1) * sectorSize
  if (rootEntry + 0x60 > bytes.length) return false
  const clsid = bytes.subarray(rootEntry + 0x50, rootEntry + 0x60)
  const installerPrefixes = [0x1084, 0x1086, 0x1082]
  return (
    clsid.readUInt16LE(2) === 0x000c &&
    installerPrefixes.includes(clsid.readUInt16LE(0)) &&
    clsid.subarray(8).equals(Buffer.from([0xc0, 0, 0, 0, 0, 0, 0, 0x46]))
  )
}

function isTextLike(bytes: Buffer): boolean {
  // UTF-16 text (Excel's "Unicode text") is full of NULs by design; judge it by its BOM.
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true
  let control = 0
  for (const b of bytes) {
    if (b === 0) return false
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++
  }
  // A stray control character is tolerable in a real text file; many mean binary data.
  return control <= Math.max(1, bytes.length / 100)
}

const COMMON_EMAIL_HEADERS =
  /^(from|to|subject|date|received|return-path|message-id|mime-version|delivered-to|x-[a-z0-9-]+):/im

function looksLikeEmail(bytes: Buffer): boolean {
  const text = bytes.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
  const headerBlock = text.split(/\r?\n\r?\n/, 1)[0] ?? ''
  const firstLine = headerBlock.split(/\r?\n/, 1)[0] ?? ''
  // Either a header field or an mbox "From " separator line starts a saved email.
  return (/^[!-9;-~]+:/.test(firstLine) || firstLine.startsWith('From ')) && COMMON_EMAIL_HEADERS.test(headerBlock)
}
