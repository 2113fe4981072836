import { withServices } from '../openServices'
import type { CliCommand } from '../types'

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'audit verify: recompute every partnership’s audit hash chain',
  async run(args, io) {
    if (args[0] !== 'verify' || args.length > 1) {
      io.stderr('Usage: npm run jtai -- audit verify\n')
      return 2
    }
    const results = await withServices((s) => s.audit.verifyAll())
    let total = 0
    for (const { name, result } of results) {
      if (!result.ok) {
        io.stderr(`BROKEN ${name}: the chain breaks at event ${result.brokenAt}: ${result.reason} (${result.count} events before it are intact)\n`)
        return 1
      }
      total += result.count
    }
    io.stdout(`OK ${total} events\n`)
    return 0
  },
}
