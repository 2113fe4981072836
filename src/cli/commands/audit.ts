import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { ChainCheck } from '../../domain/auditChain'
import type { Services } from '../../services'
import { withServices } from '../openServices'
import type { CliCommand, CliIo } from '../types'

const USAGE =
  'Usage: npm run jtai -- audit verify [--anchor <anchor.json>]\n       npm run jtai -- audit anchor > anchor.json\n'

/**
 * Each partnership's newest event when the anchor was taken. The hash chain shows any change to an
 * event, but not that the newest events were removed: an anchor kept away from the server does.
 */
const anchorSchema = z.object({
  createdAt: z.string(),
  partnerships: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      seq: z.number().int().min(0),
      hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .nullable(),
    }),
  ),
})
type Anchor = z.infer<typeof anchorSchema>

type Verified = { partnershipId: string; name: string; result: ChainCheck }

/** Prints the first broken chain and returns false, or returns true if every chain is whole. */
function reportBreaks(results: Verified[], io: CliIo): boolean {
  for (const { name, result } of results) {
    if (!result.ok) {
      io.stderr(
        `BROKEN ${name}: the chain breaks at event ${result.brokenAt}: ${result.reason} (${result.count} events before it are intact)\n`,
      )
      return false
    }
  }
  return true
}

/** Checks that every anchored event is still there, with the same hash; prints the first that is not. */
async function checkAnchor(services: Services, anchor: Anchor, results: Verified[], io: CliIo): Promise<boolean> {
  const taken = `the anchor taken ${anchor.createdAt}`
  const act =
    ' Treat this as a security incident: keep the database as it is and compare it with a backup from before then.'
  for (const a of anchor.partnerships) {
    const now = results.find((r) => r.partnershipId === a.id)
    if (!now) {
      io.stderr(`BROKEN ${a.name}: the partnership is in ${taken} but no longer in the database.${act}\n`)
      return false
    }
    if (a.seq === 0) continue
    if (now.result.count < a.seq) {
      io.stderr(
        `BROKEN ${a.name}: the chain ends at event ${now.result.count}, but ${taken} recorded event ${a.seq}: ${a.seq - now.result.count === 1 ? 'the newest event has' : `the newest ${a.seq - now.result.count} events have`} been removed.${act}\n`,
      )
      return false
    }
    if ((await services.audit.eventHash(a.id, a.seq)) !== a.hash) {
      io.stderr(
        `BROKEN ${a.name}: event ${a.seq} is not the event ${taken} recorded: the chain has been rewritten from there or earlier.${act}\n`,
      )
      return false
    }
  }
  return true
}

async function readAnchor(file: string, io: CliIo): Promise<Anchor | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    io.stderr(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.\n`,
    )
    return null
  }
  try {
    return anchorSchema.parse(JSON.parse(text))
  } catch {
    io.stderr(`${file} is not an anchor written by "audit anchor".\n`)
    return null
  }
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary:
    'audit verify [--anchor <file>]: recompute every partnership’s audit hash chain; audit anchor: record each chain’s newest event',
  async run(args, io) {
    const [sub, ...rest] = args
    const anchorFile = sub === 'verify' && rest[0] === '--anchor' && rest.length === 2 ? rest[1]! : undefined
    const valid = (sub === 'verify' && (rest.length === 0 || anchorFile)) || (sub === 'anchor' && rest.length === 0)
    if (!valid) {
      io.stderr(USAGE)
      return 2
    }
    const anchor = anchorFile ? await readAnchor(anchorFile, io) : undefined
    if (anchor === null) return 2
    return withServices(async (services) => {
      const results = await services.audit.verifyAll()
      if (!reportBreaks(results, io)) return 1
      if (sub === 'anchor') {
        const out: Anchor = {
          createdAt: new Date().toISOString(),
          partnerships: results.map(({ partnershipId, name, result }) => ({
            id: partnershipId,
            name,
            seq: result.count,
            hash: result.ok ? result.head : null,
          })),
        }
        io.stdout(`${JSON.stringify(out, null, 2)}\n`)
        return 0
      }
      if (anchor && !(await checkAnchor(services, anchor, results, io))) return 1
      const total = results.reduce((n, r) => n + r.result.count, 0)
      io.stdout(
        `OK ${total} events${anchor ? `, and every event in the anchor taken ${anchor.createdAt} is still there` : ''}\n`,
      )
      return 0
    })
  },
}
