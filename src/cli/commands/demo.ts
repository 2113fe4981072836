import { ROLE_LABELS } from '../../domain/directory'
import { withServices } from '../openServices'
import type { CliCommand } from '../types'

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Load the fictional Anytown demo partnership and print demo sign-in details',
  async run(args, io) {
    if (args.length) {
      io.stderr('The demo command takes no arguments. Run: npm run jtai -- demo\n')
      return 2
    }
    const { created, credentials } = await withServices((s) => s.demo.load())
    io.stdout(
      `${created ? 'Loaded' : 'Refreshed sign-in details for'} the demo partnership: Anytown Safeguarding Children Partnership (fictional).\n`,
    )
    io.stdout('Demo data only. Add each TOTP secret to an authenticator app (enter a setup key, time-based).\n\n')
    for (const c of credentials) {
      io.stdout(
        `${c.name} – ${c.roles.map((r) => ROLE_LABELS[r]).join(', ')}\n  email:    ${c.email}\n  password: ${c.password}\n  TOTP:     ${c.totpSecret}\n\n`,
      )
    }
    return 0
  },
}
